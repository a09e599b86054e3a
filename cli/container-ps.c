/* `ps` (`container list`): podman's table, --filter, --format. */
#include "cli/cli.h"
#include "cli/format.h"
#include "base/cleanup.h"
#include "base/strbuf.h"
#include "base/strv.h"
#include "base/xalloc.h"
#include "podengine/container.h"
#include "podengine/pod.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

int cmd_ps(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err);

enum { OPT_FORMAT = 5000, OPT_NOTRUNC, OPT_FILTER };

const char cli_ps_help[] =
	"Usage: peapod ps [options]\n\n"
	"List containers (running ones unless -a).\n\nOptions:\n"
	"  -a, --all              all containers\n"
	"  -f, --filter K=V       status=, name=, id=, label=K[=V], pod=; repeatable\n"
	"  --format FORMAT        json or a Go template ('{{.Names}} {{.Status}}')\n"
	"  --no-trunc             full ids and commands\n"
	"  -p, --pod              show the pod id and name of each container\n"
	"  -q, --quiet            ids only\n";

static bool has_label(char *const *labels, const char *want)
{
	size_t wl = strlen(want), i;
	bool with_value = strchr(want, '=') != NULL;

	for (i = 0; labels && labels[i]; i++) {
		if (with_value ? !strcmp(labels[i], want)
			       : !strncmp(labels[i], want, wl) && labels[i][wl] == '=')
			return true;
	}
	return false;
}

static int match_filter(const struct ctr_info *ci, const char *f, bool *ok,
			struct pea_err **err)
{
	const char *eq = strchr(f, '='), *v;

	if (!eq)
		return pea_err_setk(err, PEA_E_INVALID, 0, "bad filter '%s' (KEY=VALUE)", f);
	v = eq + 1;
	if (!strncmp(f, "status=", 7))
		*ok = !strcmp(ctr_state_name(ci->state), v) ||
		      (!strcmp(v, "stopped") && ci->state == CTR_EXITED);
	else if (!strncmp(f, "name=", 5))
		*ok = strstr(ci->name, v) != NULL;
	else if (!strncmp(f, "id=", 3))
		*ok = !strncmp(ci->id, v, strlen(v));
	else if (!strncmp(f, "label=", 6))
		*ok = has_label(ci->spec.labels, v);
	else if (!strncmp(f, "pod=", 4))
		*ok = ci->pod_id && !strncmp(ci->pod_id, v, strlen(v));
	else if (!strncmp(f, "exited=", 7))
		*ok = ci->state == CTR_EXITED && *v && ci->exit_code == (int)strtol(v, NULL, 10);
	else
		return pea_err_setk(err, PEA_E_INVALID, 0,
				    "unsupported filter '%s' (status, name, id, label, pod, exited)",
				    f);
	return 0;
}

/* Filters of the same key are ORed, different keys ANDed (podman). */
static int matches(const struct ctr_info *ci, char *const *filters, bool *ok,
		   struct pea_err **err)
{
	size_t i, j;

	*ok = true;
	for (i = 0; filters && filters[i]; i++) {
		size_t klen = strcspn(filters[i], "=");
		bool any = false, m = false;

		for (j = 0; filters[j]; j++) {
			if (strncmp(filters[j], filters[i], klen + 1))
				continue;
			if (match_filter(ci, filters[j], &m, err) < 0)
				return -1;
			any = any || m;
		}
		if (!any) {
			*ok = false;
			return 0;
		}
	}
	return 0;
}

static char *status_text(struct json_object *ps, const struct ctr_info *ci, int64_t now)
{
	cleanup_free char *ago = NULL;
	struct json_object *h = NULL;
	const char *health;
	size_t l;

	switch (ci->state) {
	case CTR_RUNNING:
		ago = fmt_human_ago(ci->started_at / 1000000000LL, now);
		l = strlen(ago);
		if (l > 4 && !strcmp(ago + l - 4, " ago"))
			ago[l - 4] = 0;
		json_object_object_get_ex(ps, "Health", &h);
		health = h ? json_object_get_string(h) : "";
		/* podman: "Up 5 seconds (healthy)" */
		return *health ? xasprintf("Up %s (%s)", ago, health) : xasprintf("Up %s", ago);
	case CTR_EXITED:
		ago = fmt_human_ago(ci->finished_at / 1000000000LL, now);
		return xasprintf("Exited (%d) %s", ci->exit_code, ago);
	case CTR_CREATED: return xstrdup("Created");
	case CTR_STOPPING: return xstrdup("Stopping");
	case CTR_RESTARTING: return xstrdup("Restarting");
	case CTR_REMOVING: return xstrdup("Removing");
	}
	return xstrdup(ctr_state_name(ci->state));
}

static char *command_text(struct json_object *ps, bool notrunc)
{
	struct json_object *cmd = NULL;
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	json_object_object_get_ex(ps, "Command", &cmd);
	if (cmd && json_object_is_type(cmd, json_type_array)) {
		for (i = 0; i < json_object_array_length(cmd); i++) {
			if (i)
				strbuf_addch(&sb, ' ');
			strbuf_addstr(&sb, json_object_get_string(json_object_array_get_idx(cmd, i)));
		}
	} else if (cmd) {
		strbuf_addstr(&sb, json_object_get_string(cmd));
	}
	if (!notrunc && sb.len > 17) {
		strbuf_setlen(&sb, 17);
		strbuf_addstr(&sb, "...");
	}
	return strbuf_detach(&sb, NULL);
}

static void print_table(struct pea_ctx *ctx, struct ctr_info *list, size_t n, bool notrunc,
			bool with_pod)
{
	struct fmt_table *t = fmt_table_new();
	int64_t now = (int64_t)time(NULL);
	size_t i;

	if (with_pod)
		fmt_table_row(t, "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS",
			      "NAMES", "POD ID", "PODNAME", NULL);
	else
		fmt_table_row(t, "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS",
			      "NAMES", NULL);
	for (i = 0; i < n; i++) {
		struct json_object *ps = ctr_ps_json(ctx, &list[i]);
		cleanup_free char *id = xstrndup(list[i].id, notrunc ? 64 : 12);
		cleanup_free char *cmd = command_text(ps, notrunc);
		cleanup_free char *created = fmt_human_ago(list[i].created / 1000000000LL, now);
		cleanup_free char *status = status_text(ps, &list[i], now);

		if (with_pod) {
			struct json_object *pn = NULL;
			cleanup_free char *pod = xstrndup(list[i].pod_id ? list[i].pod_id : "",
							  notrunc ? 64 : 12);

			json_object_object_get_ex(ps, "PodName", &pn);
			fmt_table_row(t, id, list[i].image_name ? list[i].image_name : "", cmd,
				      created, status, "", list[i].name, pod,
				      pn ? json_object_get_string(pn) : "", NULL);
		} else {
			fmt_table_row(t, id, list[i].image_name ? list[i].image_name : "", cmd,
				      created, status, "", list[i].name, NULL);
		}
		json_object_put(ps);
	}
	fmt_table_print(t, stdout);
	fmt_table_free(t);
}

/* podman's templates see a reporter, not the JSON: .Names and .Command are
 * strings, .ID the short id, .Ports a string. */
static struct json_object *ps_reporter(struct pea_ctx *ctx, const struct ctr_info *ci,
				       bool notrunc)
{
	struct json_object *o = ctr_ps_json(ctx, ci);
	cleanup_free char *cmd = command_text(o, notrunc);
	cleanup_free char *id = xstrndup(ci->id, notrunc ? 64 : 12);
	cleanup_free char *ago = fmt_human_ago(ci->created / 1000000000LL, (int64_t)time(NULL));

	json_object_object_add(o, "Names", json_object_new_string(ci->name));
	json_object_object_add(o, "Command", json_object_new_string(cmd));
	json_object_object_add(o, "ID", json_object_new_string(id));
	json_object_object_add(o, "Ports", json_object_new_string(""));
	json_object_object_add(o, "CreatedHuman", json_object_new_string(ago));
	json_object_object_add(o, "RunningFor", json_object_new_string(ago));
	return o;
}

int cmd_ps(struct pea_ctx *ctx, int argc, char **argv, struct pea_err **err)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "filter", required_argument, NULL, 'f' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "no-trunc", no_argument, NULL, OPT_NOTRUNC },
		{ "pod", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	bool all = false, quiet = false, notrunc = false, with_pod = false, ok;
	const char *format = NULL;
	cleanup_strv char **filters = NULL;
	struct ctr_info *list = NULL;
	size_t n = 0, i, k = 0;
	struct json_object *arr;
	int c, rc = 0;

	while ((c = cli_getopt(argc, argv, "+aqf:p", opts)) != -1) {
		switch (c) {
		case 'p': with_pod = true; break;
		case 'a': all = true; break;
		case 'q': quiet = true; break;
		case 'f': strv_push(&filters, optarg); break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_NOTRUNC: notrunc = true; break;
		default: return cli_bad_flag(err, "ps", argc, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(err, "ps", "takes no arguments");
	if (filters && strv_len(filters) && !all)
		all = true; /* podman: a filter looks at every container */
	for (char **f = filters; f && *f; f++) {
		struct pod_info pi;

		/* pod= takes a name, an id or an id prefix (podman) */
		if (strncmp(*f, "pod=", 4) || pod_lookup(ctx, *f + 4, &pi, NULL) < 0)
			continue;
		free(*f);
		*f = xasprintf("pod=%s", pi.id);
		pod_info_release(&pi);
	}
	if (ctr_list(ctx, all, &list, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (matches(&list[i], filters, &ok, err) < 0) {
			rc = -1;
			ok = false;
		}
		if (ok) {
			struct ctr_info tmp = list[k];

			list[k++] = list[i];
			list[i] = tmp;
		}
	}
	if (rc == 0 && quiet) {
		for (i = 0; i < k; i++)
			printf("%.*s\n", notrunc ? 64 : 12, list[i].id);
	} else if (rc == 0 && !fmt_is_default(format)) {
		arr = json_object_new_array();
		for (i = 0; i < k; i++)
			json_object_array_add(arr, strcmp(format, "json")
							   ? ps_reporter(ctx, &list[i], notrunc)
							   : ctr_ps_json(ctx, &list[i]));
		rc = fmt_print(stdout, format, arr, true, err);
		json_object_put(arr);
	} else if (rc == 0) {
		print_table(ctx, list, k, notrunc, with_pod);
	}
	ctr_info_list_free(list, n);
	return rc;
}
