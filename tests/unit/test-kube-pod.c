/* Decoding of Pods: every field group of the pod spec, containers, probes,
 * lifecycle hooks and volumes, the API server's defaults, and each
 * validation error with its exact "FILE:LINE:COL: PATH: MESSAGE". */
#include "tests/unit/tap.h"
#include "tests/unit/kube-test.h"

#include "base/banned.h"

#define POD_HEAD "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n"
/* POD_HEAD then a container: errors in the lines that follow start at line 9 */
#define POD_CTR POD_HEAD "  containers:\n  - name: app\n    image: busybox\n"

TEST(pod_spec_fields)
{
	CHECK_OK(POD_HEAD
		 "  restartPolicy: Never\n"
		 "  terminationGracePeriodSeconds: 5\n"
		 "  activeDeadlineSeconds: 600\n"
		 "  hostPID: true\n"
		 "  hostIPC: on\n"
		 "  hostUsers: true\n"
		 "  hostname: box\n"
		 "  subdomain: sub\n"
		 "  setHostnameAsFQDN: true\n"
		 "  hostAliases:\n"
		 "  - ip: 10.1.2.3\n"
		 "    hostnames: [foo.local, bar]\n"
		 "  - {ip: \"fe80::1\"}\n"
		 "  dnsPolicy: None\n"
		 "  dnsConfig:\n"
		 "    nameservers: [1.1.1.1]\n"
		 "    searches: [ns1.svc.cluster.local., my.dns.search.suffix]\n"
		 "    options:\n"
		 "    - name: ndots\n"
		 "      value: \"2\"\n"
		 "    - name: edns0\n"
		 "  serviceAccountName: builder\n"
		 "  securityContext:\n"
		 "    runAsUser: 1000\n"
		 "    runAsGroup: 3000\n"
		 "    runAsNonRoot: true\n"
		 "    fsGroup: 2000\n"
		 "    supplementalGroups: [4000, 0x10]\n"
		 "    fsGroupChangePolicy: OnRootMismatch\n"
		 "    sysctls:\n"
		 "    - {name: net.core.somaxconn, value: \"1024\"}\n"
		 "    - {name: kernel.shm_rmid_forced, value: \"0\"}\n"
		 "    seccompProfile: {type: RuntimeDefault}\n"
		 "  nodeSelector: {disk: ssd}\n"
		 "  affinity: {nodeAffinity: {}}\n"
		 "  tolerations: [{key: k, operator: Exists}]\n"
		 "  priorityClassName: high\n"
		 "  topologySpreadConstraints: []\n"
		 "  automountServiceAccountToken: false\n"
		 "  enableServiceLinks: false\n"
		 "  imagePullSecrets: [{name: regcred}]\n"
		 "  runtimeClassName: gvisor\n"
		 "  os: {name: linux}\n"
		 "  containers:\n"
		 "  - name: app\n"
		 "    image: busybox\n");
	struct kube_pod_spec *p = &obj.u.pod.spec;
	CHECK_STR(p->restart_policy, "Never");
	CHECK_INT(p->termination_grace_period_seconds, 5);
	CHECK(p->has_active_deadline_seconds);
	CHECK_INT(p->active_deadline_seconds, 600);
	CHECK(!p->host_network && p->host_pid && p->host_ipc && !p->share_process_namespace);
	CHECK(p->has_host_users && p->host_users);
	CHECK_STR(p->hostname, "box");
	CHECK_STR(p->subdomain, "sub");
	CHECK(p->set_hostname_as_fqdn);
	CHECK_INT(p->nhost_aliases, 2);
	CHECK_STR(p->host_aliases[0].ip, "10.1.2.3");
	CHECK_STR(p->host_aliases[0].hostnames[1], "bar");
	CHECK(p->host_aliases[1].hostnames == NULL);
	CHECK_STR(p->dns_policy, "None");
	CHECK_STR(p->dns_config->nameservers[0], "1.1.1.1");
	CHECK_STR(p->dns_config->searches[0], "ns1.svc.cluster.local.");
	CHECK_INT(p->dns_config->noptions, 2);
	CHECK_STR(p->dns_config->options[0].value, "2");
	CHECK(p->dns_config->options[1].value == NULL);
	CHECK_STR(p->service_account_name, "builder");
	struct kube_pod_security_context *sc = p->security_context;
	CHECK(sc->has_run_as_user && sc->run_as_user == 1000);
	CHECK(sc->has_run_as_group && sc->run_as_group == 3000);
	CHECK(sc->has_run_as_non_root && sc->run_as_non_root);
	CHECK(sc->has_fs_group && sc->fs_group == 2000);
	CHECK_INT(sc->nsupplemental_groups, 2);
	CHECK_INT(sc->supplemental_groups[0], 4000);
	CHECK_INT(sc->supplemental_groups[1], 16);
	CHECK_STR(sc->fs_group_change_policy, "OnRootMismatch");
	CHECK_INT(sc->nsysctls, 2);
	CHECK_STR(sc->sysctls[1].name, "kernel.shm_rmid_forced");
	CHECK_STR(sc->sysctls[1].value, "0");
	CHECK_STR(sc->seccomp_profile->type, "RuntimeDefault");
	CHECK(sc->seccomp_profile->localhost_profile == NULL);
	CHECK_NO_WARNINGS();
}

TEST(pod_defaults)
{
	CHECK_OK(POD_HEAD
		 "  serviceAccount: legacy\n"
		 "  containers:\n"
		 "  - name: app\n"
		 "    image: busybox\n"
		 "    ports: [{containerPort: 80}]\n"
		 "    securityContext: {}\n");
	struct kube_pod_spec *p = &obj.u.pod.spec;
	CHECK_STR(p->restart_policy, "Always");
	CHECK_STR(p->dns_policy, "ClusterFirst");
	CHECK_INT(p->termination_grace_period_seconds, 30);
	CHECK(!p->has_active_deadline_seconds && !p->has_host_users);
	/* serviceAccount is the deprecated spelling of serviceAccountName */
	CHECK_STR(p->service_account_name, "legacy");
	CHECK(p->security_context == NULL && p->dns_config == NULL && p->volumes == NULL);
	struct kube_container *k = &p->containers[0];
	CHECK(k->image_pull_policy == NULL); /* by tag, decided by the plan */
	CHECK_STR(k->termination_message_path, "/dev/termination-log");
	CHECK_STR(k->termination_message_policy, "File");
	CHECK_STR(k->ports[0].protocol, "TCP");
	CHECK_INT(k->ports[0].host_port, 0);
	CHECK(k->env == NULL && k->nenv == 0 && k->command == NULL);
	CHECK(k->liveness_probe == NULL && k->lifecycle == NULL);
	CHECK(!k->security_context->has_privileged && !k->security_context->has_run_as_user);
	CHECK_STR(k->security_context->proc_mount, "Default");
	CHECK_INT(k->resources.limits.n, 0);

	CHECK_OK(POD_HEAD "  containers: [{name: a, image: b}]\n");
	CHECK_STR(obj.u.pod.spec.service_account_name, "default");
}

TEST(container_fields_flow)
{
	CHECK_OK("{apiVersion: v1, kind: Pod, metadata: {name: web}, spec: {containers: [{\n"
		 "  name: app, image: \"nginx:1.25\", imagePullPolicy: IfNotPresent,\n"
		 "  command: [sh, -c], args: ['echo $(A)'], workingDir: /srv,\n"
		 "  stdin: true, stdinOnce: true, tty: true,\n"
		 "  terminationMessagePath: /tmp/msg,\n"
		 "  terminationMessagePolicy: FallbackToLogsOnError,\n"
		 "  env: [\n"
		 "    {name: A, value: \"1\"},\n"
		 "    {name: my.var-1, valueFrom: {configMapKeyRef: {name: cfg, key: k}}},\n"
		 "    {name: S, valueFrom: {secretKeyRef: {name: s, key: p, optional: true}}},\n"
		 "    {name: F, valueFrom: {fieldRef: {fieldPath: \"metadata.labels['app']\"}}},\n"
		 "    {name: R, valueFrom: {resourceFieldRef: {resource: limits.memory,\n"
		 "                                             divisor: 1Mi}}},\n"
		 "  ],\n"
		 "  envFrom: [{prefix: CFG_, configMapRef: {name: cfg}},\n"
		 "            {secretRef: {name: s, optional: true}}],\n"
		 "  ports: [{name: http, containerPort: 80, hostPort: 8080, hostIP: 127.0.0.1},\n"
		 "          {containerPort: 53, protocol: UDP}],\n"
		 "  resources: {limits: {cpu: 0.15, memory: 64Mi, nvidia.com/gpu: 1},\n"
		 "              requests: {cpu: 100m, memory: 1e3, ephemeral-storage: 1Gi}},\n"
		 "  volumeMounts: [{name: data, mountPath: /data, readOnly: true,\n"
		 "                  subPath: sub/dir, mountPropagation: HostToContainer,\n"
		 "                  recursiveReadOnly: IfPossible},\n"
		 "                 {name: data, mountPath: /logs, subPathExpr: $(POD)}],\n"
		 "  securityContext: {privileged: false, runAsUser: 0, runAsGroup: 10,\n"
		 "    runAsNonRoot: false, readOnlyRootFilesystem: true,\n"
		 "    allowPrivilegeEscalation: false, procMount: Unmasked,\n"
		 "    capabilities: {add: [NET_ADMIN, CAP_SYS_TIME], drop: [ALL]},\n"
		 "    seccompProfile: {type: Localhost, localhostProfile: profiles/audit.json}},\n"
		 "}], volumes: [{name: data}]}}\n");
	struct kube_container *k = &obj.u.pod.spec.containers[0];
	CHECK_INT(k->pos.line, 1);
	CHECK_INT(k->pos.col, 72);
	CHECK_STR(k->image, "nginx:1.25");
	CHECK_STR(k->image_pull_policy, "IfNotPresent");
	CHECK_STR(k->command[1], "-c");
	CHECK_STR(k->args[0], "echo $(A)");
	CHECK_STR(k->working_dir, "/srv");
	CHECK(k->stdin && k->stdin_once && k->tty);
	CHECK_STR(k->termination_message_path, "/tmp/msg");
	CHECK_STR(k->termination_message_policy, "FallbackToLogsOnError");
	CHECK_INT(k->nenv, 5);
	CHECK_INT(k->env[1].pos.line, 9);
	CHECK_INT(k->env[1].pos.col, 5);
	CHECK_STR(k->env[0].value, "1");
	CHECK(k->env[0].value_from == NULL);
	CHECK_STR(k->env[1].name, "my.var-1");
	CHECK_STR(k->env[1].value_from->config_map_key_ref->name, "cfg");
	CHECK_STR(k->env[1].value_from->config_map_key_ref->key, "k");
	CHECK(!k->env[1].value_from->config_map_key_ref->optional);
	CHECK(k->env[1].value_from->secret_key_ref == NULL);
	CHECK(k->env[2].value_from->secret_key_ref->optional);
	CHECK_STR(k->env[3].value_from->field_ref->field_path, "metadata.labels['app']");
	CHECK_STR(k->env[3].value_from->field_ref->api_version, "v1");
	CHECK_STR(k->env[4].value_from->resource_field_ref->resource, "limits.memory");
	CHECK_STR(k->env[4].value_from->resource_field_ref->divisor, "1Mi");
	CHECK(k->env[4].value_from->resource_field_ref->container_name == NULL);
	CHECK_INT(k->nenv_from, 2);
	CHECK_STR(k->env_from[0].prefix, "CFG_");
	CHECK_STR(k->env_from[0].config_map_ref->name, "cfg");
	CHECK(k->env_from[1].secret_ref->optional && k->env_from[1].config_map_ref == NULL);
	CHECK_INT(k->env_from[1].pos.line, 16);
	CHECK_STR(k->ports[0].name, "http");
	CHECK_INT(k->ports[0].host_port, 8080);
	CHECK_STR(k->ports[0].host_ip, "127.0.0.1");
	CHECK_STR(k->ports[1].protocol, "UDP");
	CHECK_STR(kube_map_get(&k->resources.limits, "cpu"), "0.15");
	CHECK_STR(kube_map_get(&k->resources.limits, "memory"), "64Mi");
	CHECK_STR(kube_map_get(&k->resources.limits, "nvidia.com/gpu"), "1");
	CHECK_STR(kube_map_get(&k->resources.requests, "memory"), "1e3");
	CHECK_INT(k->resources.requests.n, 3);
	CHECK_INT(k->nvolume_mounts, 2);
	struct kube_vol_mount *m = &k->volume_mounts[0];
	CHECK_INT(m->pos.line, 21);
	CHECK_STR(m->mount_path, "/data");
	CHECK(m->read_only);
	CHECK_STR(m->sub_path, "sub/dir");
	CHECK_STR(m->mount_propagation, "HostToContainer");
	CHECK_STR(m->recursive_read_only, "IfPossible");
	CHECK_STR(k->volume_mounts[1].sub_path_expr, "$(POD)");
	CHECK(!k->volume_mounts[1].read_only && k->volume_mounts[1].mount_propagation == NULL);
	struct kube_security_context *sc = k->security_context;
	CHECK(sc->has_privileged && !sc->privileged);
	CHECK(sc->has_run_as_user && sc->run_as_user == 0);
	CHECK(sc->has_run_as_group && sc->run_as_group == 10);
	CHECK(sc->has_run_as_non_root && !sc->run_as_non_root);
	CHECK(sc->has_read_only_root_filesystem && sc->read_only_root_filesystem);
	CHECK(sc->has_allow_privilege_escalation && !sc->allow_privilege_escalation);
	CHECK_STR(sc->proc_mount, "Unmasked");
	/* capabilities are kept as written: the plan normalises them */
	CHECK_STR(sc->capabilities->add[0], "NET_ADMIN");
	CHECK_STR(sc->capabilities->add[1], "CAP_SYS_TIME");
	CHECK_STR(sc->capabilities->drop[0], "ALL");
	CHECK_STR(sc->seccomp_profile->type, "Localhost");
	CHECK_STR(sc->seccomp_profile->localhost_profile, "profiles/audit.json");
	/* a volume without a source is an emptyDir */
	CHECK(obj.u.pod.spec.volumes[0].has_empty_dir);
	CHECK_STR(obj.u.pod.spec.volumes[0].empty_dir_medium, "");
	CHECK_NO_WARNINGS();
}

TEST(probes_and_lifecycle)
{
	CHECK_OK(POD_CTR
		 "    ports: [{name: web, containerPort: 8080}]\n"
		 "    livenessProbe:\n"
		 "      exec:\n"
		 "        command: [cat, /tmp/healthy]\n"
		 "      initialDelaySeconds: 5\n"
		 "      periodSeconds: 0\n"
		 "    readinessProbe:\n"
		 "      httpGet:\n"
		 "        port: web\n"
		 "        httpHeaders:\n"
		 "        - {name: X-Custom, value: v}\n"
		 "      successThreshold: 2\n"
		 "      failureThreshold: 5\n"
		 "      timeoutSeconds: 3\n"
		 "      terminationGracePeriodSeconds: 7\n"
		 "    startupProbe:\n"
		 "      tcpSocket: {port: 8080, host: 127.0.0.1}\n"
		 "    lifecycle:\n"
		 "      postStart:\n"
		 "        httpGet: {path: /start, port: 80, host: h, scheme: HTTPS}\n"
		 "      preStop:\n"
		 "        sleep: {seconds: 5}\n"
		 "      stopSignal: SIGQUIT\n"
		 "  - name: grpc\n"
		 "    image: busybox\n"
		 "    livenessProbe: {grpc: {port: 9000}}\n"
		 "    lifecycle: {preStop: {exec: {command: [sh, -c, \"nginx -s quit\"]}}}\n");
	struct kube_container *k = &obj.u.pod.spec.containers[0];
	struct kube_probe *lp = k->liveness_probe, *rp = k->readiness_probe;
	struct kube_probe *sp = k->startup_probe;
	CHECK_STR(lp->handler.exec_command[1], "/tmp/healthy");
	CHECK(!lp->handler.has_http_get && !lp->handler.has_tcp_socket);
	CHECK_INT(lp->initial_delay_seconds, 5);
	CHECK_INT(lp->period_seconds, 10); /* 0 is the default, as the API server has it */
	CHECK_INT(lp->timeout_seconds, 1);
	CHECK_INT(lp->success_threshold, 1);
	CHECK_INT(lp->failure_threshold, 3);
	CHECK(!lp->has_termination_grace_period_seconds);
	CHECK(rp->handler.has_http_get && rp->handler.exec_command == NULL);
	CHECK(rp->handler.http_port.set && rp->handler.http_port.is_str);
	CHECK_STR(rp->handler.http_port.s, "web");
	CHECK_STR(rp->handler.http_path, "/");
	CHECK_STR(rp->handler.http_scheme, "HTTP");
	CHECK(rp->handler.http_host == NULL);
	CHECK_INT(rp->handler.nhttp_headers, 1);
	CHECK_STR(rp->handler.http_headers[0].name, "X-Custom");
	CHECK_INT(rp->success_threshold, 2);
	CHECK_INT(rp->failure_threshold, 5);
	CHECK_INT(rp->timeout_seconds, 3);
	CHECK(rp->has_termination_grace_period_seconds);
	CHECK_INT(rp->termination_grace_period_seconds, 7);
	CHECK(sp->handler.has_tcp_socket && !sp->handler.tcp_port.is_str);
	CHECK_INT(sp->handler.tcp_port.i, 8080);
	CHECK_STR(sp->handler.tcp_host, "127.0.0.1");
	struct kube_handler *ps = k->lifecycle->post_start, *pre = k->lifecycle->pre_stop;
	CHECK(ps->has_http_get);
	CHECK_STR(ps->http_path, "/start");
	CHECK_STR(ps->http_scheme, "HTTPS");
	CHECK_STR(ps->http_host, "h");
	CHECK_INT(ps->http_port.i, 80);
	CHECK(pre->has_sleep && pre->sleep_seconds == 5);
	CHECK_STR(k->lifecycle->stop_signal, "SIGQUIT");
	k = &obj.u.pod.spec.containers[1];
	CHECK(k->liveness_probe->handler.has_grpc);
	CHECK_INT(k->liveness_probe->handler.grpc_port, 9000);
	CHECK_STR(k->liveness_probe->handler.grpc_service, "");
	CHECK(k->lifecycle->post_start == NULL);
	CHECK_STR(k->lifecycle->pre_stop->exec_command[2], "nginx -s quit");
	CHECK_NO_WARNINGS();
}

TEST(volumes)
{
	CHECK_OK(POD_HEAD
		 "  containers: [{name: a, image: b}]\n"
		 "  volumes:\n"
		 "  - name: host\n"
		 "    hostPath: {path: /var/log}\n"
		 "  - name: sock\n"
		 "    hostPath: {path: /run/docker.sock, type: Socket}\n"
		 "  - name: scratch\n"
		 "    emptyDir: {medium: Memory, sizeLimit: 64Mi}\n"
		 "  - name: cfg\n"
		 "    configMap:\n"
		 "      name: app-config\n"
		 "      defaultMode: 0600\n"
		 "      optional: true\n"
		 "      items:\n"
		 "      - {key: redis-config, path: redis.conf}\n"
		 "      - {key: b, path: dir/b, mode: 0755}\n"
		 "  - name: creds\n"
		 "    secret: {secretName: creds}\n"
		 "  - name: claim\n"
		 "    persistentVolumeClaim: {claimName: data, readOnly: true}\n"
		 "  - name: podinfo\n"
		 "    downwardAPI:\n"
		 "      items:\n"
		 "      - path: labels\n"
		 "        fieldRef: {fieldPath: metadata.labels}\n"
		 "      - path: cpu_limit\n"
		 "        resourceFieldRef: {containerName: a, resource: limits.cpu, divisor: 1m}\n"
		 "  - name: all\n"
		 "    projected:\n"
		 "      defaultMode: 0440\n"
		 "      sources:\n"
		 "      - configMap: {name: c, items: [{key: k, path: p}]}\n"
		 "      - secret: {name: s, optional: true}\n"
		 "      - downwardAPI:\n"
		 "          items: [{path: name, fieldRef: {fieldPath: metadata.name}}]\n"
		 "      - serviceAccountToken: {path: token, expirationSeconds: 3600}\n"
		 "  - name: remote\n"
		 "    nfs: {server: nfs.example.com, path: /export}\n"
		 "  - name: driver\n"
		 "    csi: {driver: x}\n");
	struct kube_volume *v = obj.u.pod.spec.volumes;
	CHECK_INT(obj.u.pod.spec.nvolumes, 10);
	CHECK_INT(v[0].pos.line, 8);
	CHECK_INT(v[0].pos.col, 5);
	CHECK(v[0].has_host_path && !v[0].has_empty_dir);
	CHECK_STR(v[0].host_path, "/var/log");
	CHECK_STR(v[0].host_path_type, "");
	CHECK_STR(v[1].host_path_type, "Socket");
	CHECK(v[2].has_empty_dir && !v[2].has_host_path);
	CHECK_STR(v[2].empty_dir_medium, "Memory");
	CHECK_STR(v[2].empty_dir_size_limit, "64Mi");
	struct kube_cm_source *cm = v[3].config_map;
	CHECK_STR(cm->name, "app-config");
	CHECK(cm->has_default_mode && cm->default_mode == 0600);
	CHECK(cm->optional);
	CHECK_INT(cm->nitems, 2);
	CHECK_STR(cm->items[0].path, "redis.conf");
	CHECK(!cm->items[0].has_mode);
	CHECK(cm->items[1].has_mode && cm->items[1].mode == 0755);
	CHECK_STR(v[4].secret->name, "creds");
	CHECK(!v[4].secret->has_default_mode && v[4].secret->default_mode == 0644);
	CHECK(v[4].config_map == NULL);
	CHECK_STR(v[5].pvc_claim_name, "data");
	CHECK(v[5].pvc_read_only && !v[5].has_empty_dir);
	struct kube_dapi_source *d = v[6].downward_api;
	CHECK_INT(d->nitems, 2);
	CHECK_INT(d->default_mode, 0644);
	CHECK_STR(d->items[0].field_ref->field_path, "metadata.labels");
	CHECK_STR(d->items[1].resource_field_ref->container_name, "a");
	CHECK_STR(d->items[1].resource_field_ref->divisor, "1m");
	CHECK(v[7].has_projected);
	CHECK(v[7].has_projected_default_mode && v[7].projected_default_mode == 0440);
	CHECK_INT(v[7].nprojected_sources, 4);
	struct kube_projection *pj = v[7].projected_sources;
	CHECK_STR(pj[0].config_map->items[0].key, "k");
	CHECK(pj[1].secret->optional && pj[1].config_map == NULL);
	CHECK_STR(pj[2].downward_api->items[0].field_ref->field_path, "metadata.name");
	CHECK(pj[3].service_account_token && pj[3].unsupported == NULL);
	CHECK_STR(v[8].unsupported, "nfs");
	CHECK(!v[8].has_empty_dir);
	CHECK_STR(v[9].unsupported, "csi");
	CHECK(v[7].unsupported == NULL);
	CHECK_NO_WARNINGS();
}

TEST(env_errors)
{
	CHECK_ERR(POD_CTR "    env: [{name: 1ABC, value: x}]\n",
		  "app.yaml:9:18: spec.containers[0].env[0].name: invalid value \"1ABC\": a valid "
		  "environment variable name must consist of alphabetic characters, digits, "
		  "'_', '-', or '.', and must not start with a digit");
	CHECK_ERR(POD_CTR "    env: [{name: \"..x\"}]\n",
		  "app.yaml:9:18: spec.containers[0].env[0].name: invalid value \"..x\": must "
		  "not start with '..'");
	CHECK_ERR(POD_CTR
		  "    env:\n"
		  "    - name: A\n"
		  "      valueFrom:\n"
		  "        fieldRef: {fieldPath: metadata.name}\n"
		  "        secretKeyRef: {name: s, key: k}\n",
		  "app.yaml:13:9: spec.containers[0].env[0].valueFrom.secretKeyRef: may not have "
		  "more than one field specified at a time");
	CHECK_ERR(POD_CTR "    env:\n    - name: A\n      valueFrom: {}\n",
		  "app.yaml:11:18: spec.containers[0].env[0].valueFrom: must specify one of: "
		  "`fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
	CHECK_ERR(POD_CTR
		  "    env:\n"
		  "    - name: A\n"
		  "      value: x\n"
		  "      valueFrom: {fieldRef: {fieldPath: metadata.name}}\n",
		  "app.yaml:12:18: spec.containers[0].env[0].valueFrom: may not be specified when "
		  "`value` is not empty");
	CHECK_ERR(POD_CTR "    env: [{name: A, valueFrom: {configMapKeyRef: {name: c}}}]\n",
		  "app.yaml:9:50: spec.containers[0].env[0].valueFrom.configMapKeyRef.key: "
		  "required value");
	CHECK_ERR(POD_CTR
		  "    env: [{name: A, valueFrom: {fieldRef: {fieldPath: spec.hostname}}}]\n",
		  "app.yaml:9:55: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: "
		  "unsupported value \"spec.hostname\": supported values: \"metadata.name\", "
		  "\"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", "
		  "\"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", "
		  "\"status.podIP\", \"status.podIPs\"");
	CHECK_ERR(POD_CTR
		  "    env: [{name: A, valueFrom: {fieldRef: {fieldPath: \"spec['x']\"}}}]\n",
		  "app.yaml:9:55: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: "
		  "invalid value \"spec\": does not support subscript");
	CHECK_ERR(POD_CTR
		  "    env: [{name: A, valueFrom: {fieldRef: {apiVersion: v2, "
		  "fieldPath: metadata.name}}}]\n",
		  "app.yaml:9:71: spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: "
		  "invalid value \"metadata.name\": error converting fieldPath: unsupported pod "
		  "version: v2");
	CHECK_ERR(POD_CTR
		  "    env: [{name: A, valueFrom: {resourceFieldRef: {resource: limits.gpu}}}]\n",
		  "app.yaml:9:62: spec.containers[0].env[0].valueFrom.resourceFieldRef.resource: "
		  "unsupported value \"limits.gpu\": supported values: \"limits.cpu\", "
		  "\"limits.ephemeral-storage\", \"limits.memory\", \"requests.cpu\", "
		  "\"requests.ephemeral-storage\", \"requests.memory\"");
	CHECK_ERR(POD_CTR
		  "    env:\n"
		  "    - name: A\n"
		  "      valueFrom:\n"
		  "        resourceFieldRef: {resource: limits.cpu, divisor: 1Mi}\n",
		  "app.yaml:12:59: spec.containers[0].env[0].valueFrom.resourceFieldRef.divisor: "
		  "invalid value \"limits.cpu\": only divisor's values 1m and 1 are supported "
		  "with the cpu resource");
	CHECK_ERR(POD_CTR "    envFrom: [{prefix: P}]\n",
		  "app.yaml:9:15: spec.containers[0].envFrom[0]: must specify one of: "
		  "`configMapRef` or `secretRef`");
	CHECK_ERR(POD_CTR "    envFrom: [{prefix: 9P, configMapRef: {name: c}}]\n",
		  "app.yaml:9:24: spec.containers[0].envFrom[0].prefix: invalid value \"9P\": a "
		  "valid environment variable name must consist of alphabetic characters, "
		  "digits, '_', '-', or '.', and must not start with a digit");
	CHECK_ERR(POD_CTR "    envFrom: [{configMapRef: {name: c}, secretRef: {name: s}}]\n",
		  "app.yaml:9:41: spec.containers[0].envFrom[0].secretRef: may not have more "
		  "than one field specified at a time");
	CHECK_ERR(POD_CTR "    envFrom: [{secretRef: {name: Bad_Name}}]\n",
		  "app.yaml:9:34: spec.containers[0].envFrom[0].secretRef.name: invalid value "
		  "\"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case "
		  "alphanumeric characters, '-' or '.', start and end with an alphanumeric "
		  "character, and be at most 253 characters");
}

TEST(container_errors)
{
	CHECK_ERR(POD_HEAD "  containers:\n  - name: app\n",
		  "app.yaml:7:5: spec.containers[0].image: required value");
	CHECK_ERR(POD_HEAD "  containers:\n  - {name: app, image: \"\"}\n",
		  "app.yaml:7:24: spec.containers[0].image: required value");
	CHECK_ERR(POD_CTR "    imagePullPolicy: always\n",
		  "app.yaml:9:22: spec.containers[0].imagePullPolicy: unsupported value "
		  "\"always\": supported values: \"Always\", \"IfNotPresent\", \"Never\"");
	CHECK_ERR(POD_CTR "    terminationMessagePolicy: Log\n",
		  "app.yaml:9:31: spec.containers[0].terminationMessagePolicy: unsupported value "
		  "\"Log\": supported values: \"File\", \"FallbackToLogsOnError\"");
	CHECK_ERR(POD_CTR "    restartPolicy: Always\n",
		  "app.yaml:9:20: spec.containers[0].restartPolicy: forbidden: may not be set "
		  "for non-init containers");
	CHECK_ERR(POD_CTR "    ports: [{name: HTTP, containerPort: 80}]\n",
		  "app.yaml:9:20: spec.containers[0].ports[0].name: invalid value \"HTTP\": must "
		  "contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
	CHECK_ERR(POD_CTR "    ports: [{name: \"8080\", containerPort: 80}]\n",
		  "app.yaml:9:20: spec.containers[0].ports[0].name: invalid value \"8080\": must "
		  "contain at least one letter (a-z)");
	CHECK_ERR(POD_CTR "    ports: [{name: a, containerPort: 80}, {name: a, containerPort: 1}]\n",
		  "app.yaml:9:50: spec.containers[0].ports[1].name: duplicate value \"a\"");
	CHECK_ERR(POD_CTR "    ports: [{containerPort: 80, hostIP: localhost}]\n",
		  "app.yaml:9:41: spec.containers[0].ports[0].hostIP: invalid value "
		  "\"localhost\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
	CHECK_ERR(POD_CTR "    resources: {limits: {cpu: abc}}\n",
		  "app.yaml:9:31: spec.containers[0].resources.limits[cpu]: invalid value "
		  "\"abc\": quantities must match the regular expression "
		  "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
	CHECK_ERR(POD_CTR "    resources: {limits: {memory: 1Mi3}}\n",
		  "app.yaml:9:34: spec.containers[0].resources.limits[memory]: invalid value "
		  "\"1Mi3\": unable to parse quantity's suffix");
	CHECK_ERR(POD_CTR "    resources: {requests: {memory: -1}}\n",
		  "app.yaml:9:36: spec.containers[0].resources.requests[memory]: invalid value "
		  "\"-1\": must be greater than or equal to 0");
	CHECK_ERR(POD_CTR "    resources: {requests: {gpu: 1}}\n",
		  "app.yaml:9:28: spec.containers[0].resources.requests[gpu]: invalid value "
		  "\"gpu\": must be a standard resource for containers");
	CHECK_ERR(POD_CTR "    resources: {requests: {cpu: true}}\n",
		  "app.yaml:9:33: spec.containers[0].resources.requests[cpu]: expected quantity "
		  "(string or number), got boolean");
}

TEST(security_context_errors)
{
	CHECK_ERR(POD_CTR "    securityContext: {procMount: Masked}\n",
		  "app.yaml:9:34: spec.containers[0].securityContext.procMount: unsupported "
		  "value \"Masked\": supported values: \"Default\", \"Unmasked\"");
	CHECK_ERR(POD_CTR "    securityContext: {runAsUser: -1}\n",
		  "app.yaml:9:34: spec.containers[0].securityContext.runAsUser: invalid value -1: "
		  "must be between 0 and 2147483647, inclusive");
	CHECK_ERR(POD_CTR "    securityContext: {privileged: true, allowPrivilegeEscalation: no}\n",
		  "app.yaml:9:22: spec.containers[0].securityContext: cannot set "
		  "`allowPrivilegeEscalation` to false and `privileged` to true");
	CHECK_ERR(POD_CTR
		  "    securityContext:\n"
		  "      allowPrivilegeEscalation: false\n"
		  "      capabilities: {add: [SYS_ADMIN]}\n",
		  "app.yaml:10:7: spec.containers[0].securityContext: cannot set "
		  "`allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN");
	CHECK_ERR(POD_CTR "    securityContext: {seccompProfile: {type: Localhost}}\n",
		  "app.yaml:9:39: spec.containers[0].securityContext.seccompProfile."
		  "localhostProfile: required value: must be set when seccomp type is Localhost");
	CHECK_ERR(POD_CTR
		  "    securityContext:\n"
		  "      seccompProfile: {type: RuntimeDefault, localhostProfile: p.json}\n",
		  "app.yaml:10:64: spec.containers[0].securityContext.seccompProfile."
		  "localhostProfile: invalid value \"p.json\": can only be set when seccomp type "
		  "is Localhost");
	CHECK_ERR(POD_CTR
		  "    securityContext:\n"
		  "      seccompProfile: {type: Localhost, localhostProfile: /etc/p.json}\n",
		  "app.yaml:10:59: spec.containers[0].securityContext.seccompProfile."
		  "localhostProfile: invalid value \"/etc/p.json\": must be a relative path");
	CHECK_ERR(POD_CTR "    securityContext: {seccompProfile: {type: unconfined}}\n",
		  "app.yaml:9:46: spec.containers[0].securityContext.seccompProfile.type: "
		  "unsupported value \"unconfined\": supported values: \"Localhost\", "
		  "\"RuntimeDefault\", \"Unconfined\"");
	CHECK_ERR(POD_CTR "    securityContext: {seccompProfile: {}}\n",
		  "app.yaml:9:39: spec.containers[0].securityContext.seccompProfile.type: "
		  "required value");
	CHECK_ERR(POD_HEAD
		  "  containers: [{name: a, image: b}]\n"
		  "  securityContext:\n"
		  "    supplementalGroups: [1, -5]\n"
		  "    sysctls:\n"
		  "    - {name: net.ipv4.ip_forward, value: \"1\"}\n"
		  "    - {name: net.ipv4.ip_forward, value: \"0\"}\n"
		  "    - {name: Net.x, value: \"0\"}\n"
		  "    fsGroupChangePolicy: Sometimes\n",
		  "app.yaml:8:29: spec.securityContext.supplementalGroups[1]: invalid value -5: "
		  "must be between 0 and 2147483647, inclusive\n"
		  "app.yaml:12:14: spec.securityContext.sysctls[2].name: invalid value "
		  "\"Net.x\": must have at most 253 characters and match regex "
		  "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$\n"
		  "app.yaml:13:26: spec.securityContext.fsGroupChangePolicy: unsupported value "
		  "\"Sometimes\": supported values: \"OnRootMismatch\", \"Always\"\n"
		  "app.yaml:11:14: spec.securityContext.sysctls[1].name: duplicate value "
		  "\"net.ipv4.ip_forward\"");
}

TEST(mount_errors)
{
	CHECK_ERR(POD_CTR "    volumeMounts: [{name: nope, mountPath: /x}]\n"
			  "  volumes: [{name: data}]\n",
		  "app.yaml:9:27: spec.containers[0].volumeMounts[0].name: not found \"nope\"");
	CHECK_ERR(POD_CTR "    volumeMounts: [{name: data, mountPath: \"\"}]\n"
			  "  volumes: [{name: data}]\n",
		  "app.yaml:9:44: spec.containers[0].volumeMounts[0].mountPath: required value");
	CHECK_ERR(POD_CTR "    volumeMounts: [{name: data}]\n  volumes: [{name: data}]\n",
		  "app.yaml:9:20: spec.containers[0].volumeMounts[0].mountPath: required value");
	CHECK_ERR(POD_CTR
		  "    volumeMounts:\n"
		  "    - {name: data, mountPath: /d}\n"
		  "    - {name: data, mountPath: /d}\n"
		  "  volumes: [{name: data}]\n",
		  "app.yaml:11:31: spec.containers[0].volumeMounts[1].mountPath: invalid value "
		  "\"/d\": must be unique");
	CHECK_ERR(POD_CTR
		  "    volumeMounts:\n"
		  "    - {name: data, mountPath: /d, subPath: /abs}\n"
		  "    - {name: data, mountPath: /e, subPath: a/../../b}\n"
		  "    - {name: data, mountPath: /f, subPath: a, subPathExpr: b}\n"
		  "  volumes: [{name: data}]\n",
		  "app.yaml:10:44: spec.containers[0].volumeMounts[0].subPath: invalid value "
		  "\"/abs\": must be a relative path\n"
		  "app.yaml:11:44: spec.containers[0].volumeMounts[1].subPath: invalid value "
		  "\"a/../../b\": must not contain '..'\n"
		  "app.yaml:12:60: spec.containers[0].volumeMounts[2].subPathExpr: invalid value "
		  "\"b\": subPathExpr and subPath are mutually exclusive");
	CHECK_ERR(POD_CTR
		  "    volumeMounts:\n"
		  "    - {name: data, mountPath: /d, mountPropagation: Shared}\n"
		  "    - {name: data, mountPath: /e, mountPropagation: Bidirectional}\n"
		  "    - {name: data, mountPath: /f, recursiveReadOnly: Enabled}\n"
		  "  volumes: [{name: data}]\n",
		  "app.yaml:10:53: spec.containers[0].volumeMounts[0].mountPropagation: "
		  "unsupported value \"Shared\": supported values: \"Bidirectional\", "
		  "\"HostToContainer\", \"None\"\n"
		  "app.yaml:12:54: spec.containers[0].volumeMounts[2].recursiveReadOnly: "
		  "forbidden: may only be specified when readOnly is true\n"
		  "app.yaml:11:53: spec.containers[0].volumeMounts[1].mountPropagation: "
		  "forbidden: Bidirectional mount propagation is available only to privileged "
		  "containers");
	CHECK_OK(POD_CTR
		 "    securityContext: {privileged: true}\n"
		 "    volumeMounts:\n"
		 "    - {name: data, mountPath: /e, mountPropagation: Bidirectional}\n"
		 "  volumes: [{name: data}]\n");
}

TEST(volume_errors)
{
	CHECK_ERR(POD_HEAD
		  "  containers: [{name: a, image: b}]\n"
		  "  volumes:\n"
		  "  - name: v\n"
		  "    emptyDir: {}\n"
		  "    hostPath: {path: /x}\n",
		  "app.yaml:10:5: spec.volumes[0].hostPath: forbidden: may not specify more than "
		  "1 volume type");
	CHECK_ERR(POD_HEAD
		  "  containers: [{name: a, image: b}]\n"
		  "  volumes:\n"
		  "  - name: v\n"
		  "    nfs: {server: s, path: /}\n"
		  "    csi: {driver: d}\n",
		  "app.yaml:10:5: spec.volumes[0].csi: forbidden: may not specify more than 1 "
		  "volume type");
	CHECK_ERR(POD_HEAD "  containers: [{name: a, image: b}]\n"
			   "  volumes: [{name: v}, {name: w}, {name: v}]\n",
		  "app.yaml:7:42: spec.volumes[2].name: duplicate value \"v\"");
	CHECK_ERR(POD_HEAD "  containers: [{name: a, image: b}]\n  volumes: [{name: my_vol}]\n",
		  "app.yaml:7:20: spec.volumes[0].name: invalid value \"my_vol\": a lowercase RFC "
		  "1123 label must consist of lower case alphanumeric characters or '-', start "
		  "and end with an alphanumeric character, and be at most 63 characters");
	CHECK_ERR(POD_HEAD "  containers: [{name: a, image: b}]\n  volumes: [{emptyDir: {}}]\n",
		  "app.yaml:7:13: spec.volumes[0].name: required value");
	CHECK_ERR(POD_HEAD
		  "  containers: [{name: a, image: b}]\n"
		  "  volumes:\n"
		  "  - {name: a, hostPath: {path: /x, type: Dir}}\n"
		  "  - {name: b, hostPath: {type: File}}\n"
		  "  - {name: c, hostPath: {path: /x/../etc}}\n"
		  "  - {name: d, emptyDir: {medium: HugePages}}\n"
		  "  - {name: e, emptyDir: {sizeLimit: -1Gi}}\n",
		  "app.yaml:8:42: spec.volumes[0].hostPath.type: unsupported value \"Dir\": "
		  "supported values: \"\", \"BlockDevice\", \"CharDevice\", \"Directory\", "
		  "\"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\"\n"
		  "app.yaml:9:25: spec.volumes[1].hostPath.path: required value\n"
		  "app.yaml:10:32: spec.volumes[2].hostPath.path: invalid value \"/x/../etc\": "
		  "must not contain '..'\n"
		  "app.yaml:11:34: spec.volumes[3].emptyDir.medium: unsupported value "
		  "\"HugePages\": supported values: \"\", \"Memory\"\n"
		  "app.yaml:12:37: spec.volumes[4].emptyDir.sizeLimit: invalid value \"-1Gi\": "
		  "must be greater than or equal to 0");
	CHECK_ERR(POD_HEAD
		  "  containers: [{name: a, image: b}]\n"
		  "  volumes:\n"
		  "  - name: c\n"
		  "    configMap:\n"
		  "      defaultMode: 01000\n"
		  "      items:\n"
		  "      - {key: a, path: ../a}\n"
		  "      - {key: b, path: ..b}\n"
		  "      - {key: c, path: /c, mode: -1}\n"
		  "      - {path: d}\n",
		  "app.yaml:10:20: spec.volumes[0].configMap.defaultMode: invalid value 512: must "
		  "be a number between 0 and 0777 (octal), both inclusive\n"
		  "app.yaml:12:24: spec.volumes[0].configMap.items[0].path: invalid value "
		  "\"../a\": must not contain '..'\n"
		  "app.yaml:13:24: spec.volumes[0].configMap.items[1].path: invalid value "
		  "\"..b\": must not start with '..'\n"
		  "app.yaml:14:24: spec.volumes[0].configMap.items[2].path: invalid value \"/c\": "
		  "must be a relative path\n"
		  "app.yaml:14:34: spec.volumes[0].configMap.items[2].mode: invalid value -1: "
		  "must be a number between 0 and 0777 (octal), both inclusive\n"
		  "app.yaml:15:9: spec.volumes[0].configMap.items[3].key: required value\n"
		  "app.yaml:10:7: spec.volumes[0].configMap.name: required value");
	CHECK_ERR(POD_HEAD "  containers: [{name: a, image: b}]\n"
			   "  volumes: [{name: s, secret: {name: s}}]\n",
		  "app.yaml:7:31: spec.volumes[0].secret.secretName: required value");
	CHECK(strv_len(warns) == 1 && !strcmp(warns[0], "app.yaml:7:32: spec.volumes[0].secret: "
							 "unknown field \"name\""));
	CHECK_ERR(POD_HEAD
		  "  containers: [{name: a, image: b}]\n"
		  "  volumes:\n"
		  "  - name: d\n"
		  "    downwardAPI:\n"
		  "      items:\n"
		  "      - {path: a, fieldRef: {fieldPath: status.podIP}}\n"
		  "      - {path: b}\n"
		  "      - path: c\n"
		  "        fieldRef: {fieldPath: metadata.name}\n"
		  "        resourceFieldRef: {containerName: a, resource: limits.cpu}\n"
		  "      - {path: e, resourceFieldRef: {resource: limits.cpu}}\n",
		  "app.yaml:11:41: spec.volumes[0].downwardAPI.items[0].fieldRef.fieldPath: "
		  "unsupported value \"status.podIP\": supported values: \"metadata.annotations\", "
		  "\"metadata.labels\", \"metadata.name\", \"metadata.namespace\", "
		  "\"metadata.uid\"\n"
		  "app.yaml:12:9: spec.volumes[0].downwardAPI.items[1]: required value: one of "
		  "fieldRef and resourceFieldRef is required\n"
		  "app.yaml:15:9: spec.volumes[0].downwardAPI.items[2].resourceFieldRef: invalid "
		  "value \"resource\": fieldRef and resourceFieldRef can not be specified "
		  "simultaneously\n"
		  "app.yaml:16:37: spec.volumes[0].downwardAPI.items[3].resourceFieldRef."
		  "containerName: required value");
	CHECK_ERR(POD_HEAD
		  "  containers: [{name: a, image: b}]\n"
		  "  volumes:\n"
		  "  - name: p\n"
		  "    projected:\n"
		  "      sources:\n"
		  "      - configMap: {name: c}\n"
		  "        secret: {name: s}\n"
		  "      - serviceAccountToken: {audience: x}\n"
		  "      - clusterTrustBundle: {signerName: x}\n",
		  "app.yaml:12:9: spec.volumes[0].projected.sources[0].secret: forbidden: may not "
		  "specify more than 1 volume type per source\n"
		  "app.yaml:13:30: spec.volumes[0].projected.sources[1].serviceAccountToken.path: "
		  "required value");
}

TEST(probe_errors)
{
	CHECK_ERR(POD_CTR "    livenessProbe: {periodSeconds: 5}\n",
		  "app.yaml:9:20: spec.containers[0].livenessProbe: required value: must "
		  "specify a handler type");
	CHECK_ERR(POD_CTR
		  "    readinessProbe:\n"
		  "      exec: {command: [true]}\n"
		  "      tcpSocket: {port: 80}\n",
		  "app.yaml:10:24: spec.containers[0].readinessProbe.exec.command[0]: expected "
		  "string, got boolean\n"
		  "app.yaml:11:7: spec.containers[0].readinessProbe.tcpSocket: forbidden: may "
		  "not specify more than 1 handler type");
	CHECK_ERR(POD_CTR "    livenessProbe: {exec: {}}\n",
		  "app.yaml:9:27: spec.containers[0].livenessProbe.exec.command: required value");
	CHECK_ERR(POD_CTR "    startupProbe: {tcpSocket: {port: 1}, successThreshold: 3}\n",
		  "app.yaml:9:60: spec.containers[0].startupProbe.successThreshold: invalid value "
		  "3: must be 1");
	CHECK_ERR(POD_CTR "    readinessProbe: {tcpSocket: {port: 1}, periodSeconds: -1}\n",
		  "app.yaml:9:59: spec.containers[0].readinessProbe.periodSeconds: invalid value "
		  "-1: must be greater than or equal to 0");
	CHECK_ERR(POD_CTR "    readinessProbe: {httpGet: {port: 0}}\n",
		  "app.yaml:9:38: spec.containers[0].readinessProbe.httpGet.port: invalid value "
		  "0: must be between 1 and 65535, inclusive");
	CHECK_ERR(POD_CTR "    readinessProbe: {httpGet: {port: my--port}}\n",
		  "app.yaml:9:38: spec.containers[0].readinessProbe.httpGet.port: invalid value "
		  "\"my--port\": must not contain consecutive hyphens");
	CHECK_ERR(POD_CTR "    readinessProbe: {httpGet: {path: /}}\n",
		  "app.yaml:9:31: spec.containers[0].readinessProbe.httpGet.port: required value");
	CHECK_ERR(POD_CTR "    readinessProbe: {httpGet: {port: 80, scheme: http}}\n",
		  "app.yaml:9:50: spec.containers[0].readinessProbe.httpGet.scheme: unsupported "
		  "value \"http\": supported values: \"HTTP\", \"HTTPS\"");
	CHECK_ERR(POD_CTR
		  "    readinessProbe:\n"
		  "      httpGet: {port: 80, httpHeaders: [{name: \"X Y\", value: v}]}\n",
		  "app.yaml:10:48: spec.containers[0].readinessProbe.httpGet.httpHeaders[0].name: "
		  "invalid value \"X Y\": a valid HTTP header must consist of alphanumeric "
		  "characters or '-'");
	CHECK_ERR(POD_CTR
		  "    livenessProbe: {grpc: {port: 9}, terminationGracePeriodSeconds: 0}\n",
		  "app.yaml:9:69: spec.containers[0].livenessProbe.terminationGracePeriodSeconds: "
		  "invalid value 0: must be greater than 0");
	CHECK_ERR(POD_CTR "    livenessProbe: {sleep: {seconds: 1}}\n",
		  "app.yaml:9:20: spec.containers[0].livenessProbe: required value: must "
		  "specify a handler type");
	CHECK(strv_len(warns) == 1 &&
	      !strcmp(warns[0], "app.yaml:9:21: spec.containers[0].livenessProbe: unknown "
				"field \"sleep\""));
	CHECK_ERR(POD_CTR "    lifecycle: {postStart: {}, preStop: {sleep: {seconds: -1}}}\n",
		  "app.yaml:9:28: spec.containers[0].lifecycle.postStart: required value: must "
		  "specify a handler type\n"
		  "app.yaml:9:59: spec.containers[0].lifecycle.preStop.sleep.seconds: invalid "
		  "value -1: must be greater than or equal to 0");
}

TEST(init_containers)
{
	CHECK_OK(POD_HEAD
		 "  initContainers:\n"
		 "  - name: sidecar\n"
		 "    image: b\n"
		 "    restartPolicy: Always\n"
		 "    startupProbe: {exec: {command: [\"true\"]}}\n"
		 "    readinessProbe: {exec: {command: [\"true\"]}}\n"
		 "  containers: [{name: a, image: b}]\n");
	CHECK_INT(decode(POD_HEAD
			 "  initContainers:\n"
			 "  - name: sidecar\n"
			 "    image: b\n"
			 "    restartPolicy: Always\n"
			 "    readinessProbe: {exec: {command: [\"true\"]}}\n"
			 "  containers: [{name: a, image: b}]\n"), 0);
	CHECK_STR(obj.u.pod.spec.init_containers[0].restart_policy, "Always");
	CHECK_ERR(POD_HEAD
		  "  initContainers:\n"
		  "  - name: init\n"
		  "    image: b\n"
		  "    restartPolicy: OnFailure\n"
		  "    livenessProbe: {exec: {command: [\"true\"]}}\n"
		  "    lifecycle: {preStop: {exec: {command: [\"true\"]}}}\n"
		  "  - {name: a, image: b}\n"
		  "  containers: [{name: a, image: b}]\n",
		  "app.yaml:9:20: spec.initContainers[0].restartPolicy: unsupported value "
		  "\"OnFailure\": supported values: \"Always\"\n"
		  "app.yaml:11:16: spec.initContainers[0].lifecycle: forbidden: may not be set "
		  "for init containers without restartPolicy=Always\n"
		  "app.yaml:10:20: spec.initContainers[0].livenessProbe: forbidden: may not be "
		  "set for init containers without restartPolicy=Always\n"
		  "app.yaml:13:23: spec.containers[0].name: duplicate value \"a\"");
}

TEST(pod_errors)
{
	CHECK_ERR(POD_HEAD
		  "  containers:\n"
		  "  - name: a\n"
		  "    image: b\n"
		  "    ports: [{containerPort: 80, hostPort: 8080}]\n"
		  "  - name: c\n"
		  "    image: b\n"
		  "    ports:\n"
		  "    - {containerPort: 81, hostPort: 8080, protocol: UDP}\n"
		  "    - {containerPort: 82, hostPort: 8080}\n",
		  "app.yaml:14:37: spec.containers[1].ports[1].hostPort: duplicate value "
		  "\"/TCP/8080\"");
	CHECK_ERR(POD_HEAD
		  "  hostNetwork: true\n"
		  "  containers:\n"
		  "  - name: a\n"
		  "    image: b\n"
		  "    ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 81}]\n",
		  "app.yaml:10:29: spec.containers[0].ports[0].containerPort: invalid value 80: "
		  "must match `hostPort` when `hostNetwork` is true");
	CHECK_ERR(POD_HEAD "  dnsPolicy: None\n  containers: [{name: a, image: b}]\n",
		  "app.yaml:6:3: spec.dnsConfig: required value: must provide `dnsConfig` when "
		  "`dnsPolicy` is None");
	CHECK_ERR(POD_HEAD
		  "  dnsPolicy: None\n"
		  "  dnsConfig: {searches: [a.b]}\n"
		  "  containers: [{name: a, image: b}]\n",
		  "app.yaml:7:14: spec.dnsConfig.nameservers: required value: must provide at "
		  "least one DNS nameserver when `dnsPolicy` is None");
	CHECK_ERR(POD_HEAD "  dnsPolicy: clusterFirst\n  containers: [{name: a, image: b}]\n",
		  "app.yaml:6:14: spec.dnsPolicy: unsupported value \"clusterFirst\": supported "
		  "values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"");
	CHECK_ERR(POD_HEAD
		  "  dnsConfig:\n"
		  "    nameservers: [1.1.1.1, 8.8.8.8, 9.9.9.9, dns.local]\n"
		  "    searches: [-bad]\n"
		  "    options: [{value: x}]\n"
		  "  hostAliases: [{ip: 10.0.0.300, hostnames: [Foo]}, {hostnames: [x]}]\n"
		  "  containers: [{name: a, image: b}]\n",
		  "app.yaml:7:46: spec.dnsConfig.nameservers[3]: invalid value \"dns.local\": "
		  "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)\n"
		  "app.yaml:8:16: spec.dnsConfig.searches[0]: invalid value \"-bad\": a lowercase "
		  "RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
		  "or '.', start and end with an alphanumeric character, and be at most 253 "
		  "characters\n"
		  "app.yaml:9:15: spec.dnsConfig.options[0].name: required value\n"
		  "app.yaml:7:18: spec.dnsConfig.nameservers: invalid value: must not have more "
		  "than 3 nameservers\n"
		  "app.yaml:10:22: spec.hostAliases[0].ip: invalid value \"10.0.0.300\": must be "
		  "a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)\n"
		  "app.yaml:10:46: spec.hostAliases[0].hostnames[0]: invalid value \"Foo\": a "
		  "lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
		  "characters, '-' or '.', start and end with an alphanumeric character, and be "
		  "at most 253 characters\n"
		  "app.yaml:10:53: spec.hostAliases[1].ip: required value");
	CHECK_ERR(POD_HEAD
		  "  shareProcessNamespace: true\n"
		  "  hostPID: true\n"
		  "  hostUsers: false\n"
		  "  hostNetwork: true\n"
		  "  activeDeadlineSeconds: 0\n"
		  "  hostname: Box\n"
		  "  ephemeralContainers: [{name: dbg, image: b}]\n"
		  "  containers: [{name: a, image: b}]\n",
		  "app.yaml:10:26: spec.activeDeadlineSeconds: invalid value 0: must be between "
		  "1 and 2147483647, inclusive\n"
		  "app.yaml:11:13: spec.hostname: invalid value \"Box\": a lowercase RFC 1123 "
		  "label must consist of lower case alphanumeric characters or '-', start and "
		  "end with an alphanumeric character, and be at most 63 characters\n"
		  "app.yaml:6:26: spec.shareProcessNamespace: invalid value true: "
		  "ShareProcessNamespace and HostPID cannot both be enabled\n"
		  "app.yaml:9:16: spec.hostNetwork: forbidden: when `hostUsers` is false\n"
		  "app.yaml:7:12: spec.hostPID: forbidden: when `hostUsers` is false\n"
		  "app.yaml:12:24: spec.ephemeralContainers: forbidden: cannot be set on create");
	CHECK_ERR("apiVersion: v1\n"
		  "kind: Pod\n"
		  "metadata:\n"
		  "  name: web\n"
		  "  labels: {app: \"-x\", example.com/tier: ok, bad/key/x: v}\n"
		  "  annotations: {Example.com/Note: fine, \"/x\": y}\n"
		  "spec: {containers: [{name: a, image: b}]}\n",
		  "app.yaml:5:45: metadata.labels[bad/key/x]: invalid value \"bad/key/x\": a "
		  "qualified name must consist of alphanumeric characters, '-', '_' or '.', and "
		  "must start and end with an alphanumeric character, with an optional DNS "
		  "subdomain prefix and '/' (e.g. 'example.com/MyName')\n"
		  "app.yaml:6:41: metadata.annotations[/x]: invalid value \"/x\": prefix part "
		  "must be non-empty\n"
		  "app.yaml:5:17: metadata.labels[app]: invalid value \"-x\": a valid label must "
		  "be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
		  "and must start and end with an alphanumeric character");
}

TEST(warnings)
{
	CHECK_OK(POD_HEAD
		 "  containers:\n"
		 "  - name: app\n"
		 "    image: b\n"
		 "    \"\": empty key\n"
		 "    livenessProbe: {exec: {command: [x], cmd: y}, delay: 1}\n"
		 "    securityContext: {seLinuxOptions: {level: \"s0:c1\"}}\n"
		 "    volumeDevices: [{name: d, devicePath: /dev/xvda}]\n"
		 "  securityContext: {appArmorProfile: {type: RuntimeDefault}}\n"
		 "  volumes: [{name: v, emptyDir: {}, extra: 1}]\n");
	static const char *const want[] = {
		"app.yaml:9:5: spec.containers[0]: unknown field \"\"",
		"app.yaml:10:42: spec.containers[0].livenessProbe.exec: unknown field \"cmd\"",
		"app.yaml:10:51: spec.containers[0].livenessProbe: unknown field \"delay\"",
		"app.yaml:11:23: spec.containers[0].securityContext.seLinuxOptions: not "
		"supported by peapod, ignored",
		"app.yaml:12:5: spec.containers[0].volumeDevices: not supported by peapod, "
		"ignored",
		"app.yaml:13:21: spec.securityContext.appArmorProfile: not supported by peapod, "
		"ignored",
		"app.yaml:14:37: spec.volumes[0]: unknown field \"extra\"",
		NULL,
	};
	CHECK_INT(strv_len(warns), strv_len((char **)want));
	for (size_t i = 0; warns && want[i] && warns[i]; i++)
		CHECK_STR(warns[i], want[i]);
	/* a warning does not stop anything from being decoded */
	CHECK_STR(obj.u.pod.spec.containers[0].liveness_probe->handler.exec_command[0], "x");
	CHECK(obj.u.pod.spec.volumes[0].has_empty_dir);
	/* unsupported projections are kept by name for the plan */
	CHECK_OK(POD_HEAD
		 "  containers: [{name: a, image: b}]\n"
		 "  volumes:\n"
		 "  - name: p\n"
		 "    projected: {sources: [{clusterTrustBundle: {signerName: x, path: y}}]}\n");
	CHECK_STR(obj.u.pod.spec.volumes[0].projected_sources[0].unsupported,
		  "clusterTrustBundle");
	CHECK_NO_WARNINGS();
}

int main(void)
{
	RUN(pod_spec_fields);
	RUN(pod_defaults);
	RUN(container_fields_flow);
	RUN(probes_and_lifecycle);
	RUN(volumes);
	RUN(env_errors);
	RUN(container_errors);
	RUN(security_context_errors);
	RUN(mount_errors);
	RUN(volume_errors);
	RUN(probe_errors);
	RUN(init_containers);
	RUN(pod_errors);
	RUN(warnings);
	kt_reset();
	return tap_done();
}
