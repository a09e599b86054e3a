/* The plan's volumes (kube/plan-volume.c, plan-files.c): pod volumes,
 * files of ConfigMaps, Secrets, downwardAPI and projected volumes with
 * their modes, mounts, and the errors at the volume's place. */
#include "tests/unit/kube-plan-test.h"

#include "base/banned.h"

/* ---- volumes ---- */

TEST(volumes)
{
	struct kube_key_path some_items[1] = {
		{ .key = "b.conf", .path = "conf/b", .has_mode = true, .mode = 0600 },
	};
	struct kube_key_path proj_items[1] = { { .key = "a.conf", .path = "x" } };
	struct kube_cm_source cm_all = { .name = "cfg" };
	struct kube_cm_source cm_some = { .name = "cfg", .items = some_items, .nitems = 1,
					  .has_default_mode = true, .default_mode = 0440 };
	struct kube_cm_source sec = { .name = "sec", .has_default_mode = true,
				      .default_mode = 0400 };
	struct kube_cm_source opt = { .name = "absent", .optional = true };
	struct kube_cm_source proj_cm = { .name = "cfg", .items = proj_items, .nitems = 1 };
	struct kube_cm_source proj_sec = { .name = "sec" };
	struct kube_field_ref f_labels = { .field_path = "metadata.labels" };
	struct kube_field_ref f_name = { .field_path = "metadata.name" };
	struct kube_resource_ref r_cpu = { .container_name = "app", .resource = "limits.cpu",
					   .divisor = "1m" };
	struct kube_dapi_file dfiles[3] = {
		{ .path = "labels", .field_ref = &f_labels },
		{ .path = "name", .field_ref = &f_name, .has_mode = true, .mode = 0444 },
		{ .path = "cpu_limit", .resource_field_ref = &r_cpu },
	};
	struct kube_dapi_source dapi = { .items = dfiles, .nitems = 3 };
	struct kube_projection proj[3] = {
		{ .config_map = &proj_cm }, { .secret = &proj_sec }, { .service_account_token = true },
	};
	struct kube_volume vols[10] = {
		{ .name = "all", .config_map = &cm_all },
		{ .name = "some", .config_map = &cm_some },
		{ .name = "sec", .secret = &sec },
		{ .name = "opt", .config_map = &opt },
		{ .name = "dapi", .downward_api = &dapi },
		{ .name = "proj", .projected_sources = proj, .nprojected_sources = 3,
		  .has_projected_default_mode = true, .projected_default_mode = 0600,
		  .pos = { 40, 5 } },
		{ .name = "scratch", .has_empty_dir = true, .empty_dir_medium = "Memory",
		  .empty_dir_size_limit = "64Mi" },
		{ .name = "host", .has_host_path = true, .host_path = "/var/log",
		  .host_path_type = "Directory" },
		{ .name = "data", .pvc_claim_name = "db-data", .pvc_read_only = true },
		{ .name = "nfs", .unsupported = "nfs", .pos = { 50, 5 } },
	};
	struct kube_vol_mount mounts[7] = {
		{ .name = "all", .mount_path = "/etc/all" },
		{ .name = "some", .mount_path = "/etc/some", .sub_path = "conf" },
		{ .name = "scratch", .mount_path = "/tmp/s" },
		{ .name = "host", .mount_path = "/host", .mount_propagation = "HostToContainer" },
		{ .name = "data", .mount_path = "/data" },
		{ .name = "nfs", .mount_path = "/nfs", .pos = { 20, 9 } },
		{ .name = "scratch", .mount_path = "/logs", .sub_path_expr = "logs/$(POD)" },
	};
	struct kube_env_source pod_src = { .field_ref = &f_name };
	struct kube_env env = { .name = "POD", .value_from = &pod_src };
	struct kube_container c = { .name = "app", .image = "i:1", .volume_mounts = mounts,
				    .nvolume_mounts = 7, .env = &env, .nenv = 1 };
	struct kube_object *cm, *so, *pvc;
	struct kube_pod *p;
	struct pod_spec *ps;
	struct ctr_spec *cs;

	set(&c.resources.limits, "cpu", "250m");
	reset();
	p = add_pod("web", &c, 1);
	p->spec.volumes = vols;
	p->spec.nvolumes = 10;
	set(&p->meta.labels, "app", "web");
	set(&p->meta.labels, "tier", "a\"b\n");
	cm = add_configmap("cfg");
	set(&cm->u.configmap.data, "a.conf", "A");
	set(&cm->u.configmap.data, "b.conf", "B");
	kube_map_set(&cm->u.configmap.binary_data, "bin", "\0\1", 2);
	so = add_secret("sec");
	set(&so->u.secret.data, "tls.key", "K");
	pvc = add_object(KUBE_PVC, "PersistentVolumeClaim", 80);
	pvc->u.pvc.meta.name = "db-data";
	set(&pvc->u.pvc.meta.labels, "keep", "yes");
	BUILD_OK();
	ps = &plan.pods[0].pod;
	CHECK_INT(ps->n_volumes, 7);
	CHECK_STR(ps->volumes[0].name, "all");
	CHECK_INT(ps->volumes[0].kind, POD_VOL_FILES);
	CHECK_INT(ps->volumes[0].n_files, 3);
	CHECK_STR(ps->volumes[0].files[0].path, "a.conf");
	CHECK_STR(ps->volumes[0].files[0].data, "A");
	CHECK_INT(ps->volumes[0].files[0].mode, 0644);
	CHECK_STR(ps->volumes[0].files[2].path, "bin");
	CHECK_INT(ps->volumes[0].files[2].len, 2);
	CHECK(!memcmp(ps->volumes[0].files[2].data, "\0\1", 2));
	CHECK_INT(ps->volumes[1].n_files, 1);
	CHECK_STR(ps->volumes[1].files[0].path, "conf/b");
	CHECK_INT(ps->volumes[1].files[0].mode, 0600);
	CHECK_STR(ps->volumes[2].files[0].path, "tls.key");
	CHECK_INT(ps->volumes[2].files[0].mode, 0400);
	CHECK_STR(ps->volumes[3].name, "opt");
	CHECK_INT(ps->volumes[3].kind, POD_VOL_FILES);
	CHECK_INT(ps->volumes[3].n_files, 0);
	CHECK_INT(ps->volumes[4].n_files, 3);
	CHECK_STR(ps->volumes[4].files[0].data, "app=\"web\"\ntier=\"a\\\"b\\n\"");
	CHECK_STR(ps->volumes[4].files[1].data, "web");
	CHECK_INT(ps->volumes[4].files[1].mode, 0444);
	CHECK_STR(ps->volumes[4].files[2].data, "250");
	CHECK_INT(ps->volumes[5].n_files, 2);
	CHECK_STR(ps->volumes[5].files[0].path, "x");
	CHECK_INT(ps->volumes[5].files[0].mode, 0600);
	CHECK_STR(ps->volumes[5].files[1].path, "tls.key");
	CHECK_INT(ps->volumes[6].kind, POD_VOL_EMPTYDIR);
	CHECK(ps->volumes[6].memory);
	CHECK_INT(ps->volumes[6].size_limit, 64 << 20);
	CHECK(ps->volumes[6].kube && strstr(ps->volumes[6].kube, "\"sizeLimit\":\"64Mi\""));

	cs = &plan.pods[0].ctrs[0];
	CHECK_INT(cs->n_mounts, 6);
	CHECK_INT(cs->mounts[0].kind, MOUNT_POD_VOLUME);
	CHECK_STR(cs->mounts[0].source, "all");
	CHECK_STR(cs->mounts[0].destination, "/etc/all");
	CHECK(cs->mounts[0].readonly);
	CHECK_STR(cs->mounts[1].subpath, "conf");
	CHECK_INT(cs->mounts[2].kind, MOUNT_POD_VOLUME);
	CHECK(!cs->mounts[2].readonly);
	CHECK_INT(cs->mounts[3].kind, MOUNT_BIND);
	CHECK_STR(cs->mounts[3].source, "/var/log");
	CHECK_STR(cs->mounts[3].host_path_type, "Directory");
	CHECK_STRV(cs->mounts[3].options, "[rslave]");
	CHECK_INT(cs->mounts[4].kind, MOUNT_VOLUME);
	CHECK_STR(cs->mounts[4].source, "db-data");
	CHECK(cs->mounts[4].readonly);
	CHECK_STR(cs->mounts[5].destination, "/logs");
	CHECK_STR(cs->mounts[5].subpath, "logs/web");
	CHECK_INT(plan.n_volumes, 1);
	CHECK_STR(plan.volumes[0].name, "db-data");
	CHECK_STRV(plan.volumes[0].labels, "[keep=yes]");
	CHECK_WARN("app.yaml:50:5: spec.volumes[9]: volume \"nfs\": nfs volumes are not "
		   "supported; skipped");
	CHECK_WARN("app.yaml:20:9: spec.containers[0].volumeMounts[5]: volume \"nfs\": nfs "
		   "volumes are not supported; the mount at /nfs is skipped");
	CHECK_WARN("app.yaml:40:5: spec.volumes[5].projected.sources[2].serviceAccountToken: no "
		   "token is written: there is no API server");

	/* errors at the volume's place */
	cm_all.name = "nope";
	vols[0].pos = (struct kube_pos){ 30, 5 };
	some_items[0].key = "c.conf";
	vols[1].pos = (struct kube_pos){ 33, 5 };
	proj_items[0].path = "tls.key";
	mounts[3].mount_propagation = "Bidirectional";
	mounts[3].pos = (struct kube_pos){ 14, 9 };
	mounts[4].name = "ghost";
	mounts[4].pos = (struct kube_pos){ 16, 9 };
	mounts[6].sub_path_expr = "$(POD)/../../etc";
	mounts[6].pos = (struct kube_pos){ 22, 9 };
	BUILD_ERR("app.yaml:30:5: spec.volumes[0].configMap: configmap \"nope\" not found\n"
		  "app.yaml:33:5: spec.volumes[1].configMap.items[0].key: key \"c.conf\" not "
		  "found in configmap \"cfg\"\n"
		  "app.yaml:40:5: spec.volumes[5].projected.sources[1].secret: invalid value "
		  "\"tls.key\": conflicting duplicate paths\n"
		  "app.yaml:14:9: spec.containers[0].volumeMounts[3].mountPropagation: "
		  "Bidirectional mount propagation is available only to privileged containers\n"
		  "app.yaml:16:9: spec.containers[0].volumeMounts[4].name: volume \"ghost\" not "
		  "found\n"
		  "app.yaml:22:9: spec.containers[0].volumeMounts[6].subPathExpr: invalid value "
		  "\"web/../../etc\" after expansion: must be a relative path without '..'");
	kube_map_release(&c.resources.limits);
	kube_map_release(&p->meta.labels);
	kube_map_release(&cm->u.configmap.data);
	kube_map_release(&cm->u.configmap.binary_data);
	kube_map_release(&so->u.secret.data);
	kube_map_release(&pvc->u.pvc.meta.labels);
}

int main(void)
{
	RUN(volumes);
	reset();
	return tap_done();
}
