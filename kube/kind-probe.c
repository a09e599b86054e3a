/* Probes (core/v1 Probe) and lifecycle hooks (LifecycleHandler): the
 * handler objects are flattened into struct kube_handler, exactly one of
 * them per probe or hook, as the API server requires. */
#include "kube/schema.h"
#include "base/xalloc.h"

#include <stddef.h>
#include <string.h>

#include "base/banned.h"

KSCHEMA_ENUM_CHECK(check_scheme, "HTTP", "HTTPS")

static const char handler_oneof[] = "forbidden: may not specify more than 1 handler type";

static char *check_header_name(const void *value)
{
	const char *s = *(char *const *)value;
	size_t i;

	for (i = 0; s[i]; i++)
		if (!strchr("-", s[i]) && !(s[i] >= 'a' && s[i] <= 'z') &&
		    !(s[i] >= 'A' && s[i] <= 'Z') && !(s[i] >= '0' && s[i] <= '9'))
			break;
	if (*s && !s[i])
		return NULL;
	return xasprintf("invalid value \"%s\": a valid HTTP header must consist of "
			 "alphanumeric characters or '-'", s);
}

#define HDR(f) offsetof(struct kube_http_header, f)
static const struct kschema_field header_fields[] = {
	{ "name", KSCHEMA_STRING, HDR(name), KSCHEMA_REQUIRED, check_header_name },
	{ "value", KSCHEMA_STRING, HDR(value) },
	{ NULL },
};

/* The handler objects, written for struct kube_handler. */
#define H(f) offsetof(struct kube_handler, f)
static const struct kschema_field exec_fields[] = {
	{ "command", KSCHEMA_STRLIST, H(exec_command), KSCHEMA_REQUIRED },
	{ NULL },
};

static const struct kschema_field http_get_fields[] = {
	{ "path", KSCHEMA_STRING, H(http_path), KSCHEMA_DEFAULT, .def = "/" },
	{ "port", KSCHEMA_INTSTR, H(http_port), KSCHEMA_REQUIRED, kschema_check_intstr_port },
	{ "host", KSCHEMA_STRING, H(http_host) },
	{ "scheme", KSCHEMA_STRING, H(http_scheme), KSCHEMA_DEFAULT, check_scheme,
	  .def = "HTTP" },
	{ "httpHeaders", KSCHEMA_OBJLIST, H(http_headers), .sub = header_fields,
	  .elem_size = sizeof(struct kube_http_header), .count_off = H(nhttp_headers) },
	{ NULL },
};

static const struct kschema_field tcp_socket_fields[] = {
	{ "port", KSCHEMA_INTSTR, H(tcp_port), KSCHEMA_REQUIRED, kschema_check_intstr_port },
	{ "host", KSCHEMA_STRING, H(tcp_host) },
	{ NULL },
};

static const struct kschema_field grpc_fields[] = {
	{ "port", KSCHEMA_INT32, H(grpc_port), KSCHEMA_REQUIRED, kschema_check_port },
	{ "service", KSCHEMA_STRING, H(grpc_service), KSCHEMA_DEFAULT, .def = "" },
	{ NULL },
};

static const struct kschema_field sleep_fields[] = {
	{ "seconds", KSCHEMA_INT64, H(sleep_seconds), KSCHEMA_REQUIRED,
	  kschema_check_nonneg64 },
	{ NULL },
};

/* Entries of a handler embedded at offset `base` of the table's struct. */
#define HANDLER_EXEC(base)                                                              \
	{ "exec", KSCHEMA_OBJECT, base, .sub = exec_fields, .oneof = handler_oneof }
#define HANDLER_HTTP(base)                                                              \
	{ "httpGet", KSCHEMA_OBJECT, base, KSCHEMA_HAS, .sub = http_get_fields,         \
	  .has_off = (base) + H(has_http_get), .oneof = handler_oneof }
#define HANDLER_TCP(base)                                                               \
	{ "tcpSocket", KSCHEMA_OBJECT, base, KSCHEMA_HAS, .sub = tcp_socket_fields,     \
	  .has_off = (base) + H(has_tcp_socket), .oneof = handler_oneof }
#define HANDLER_GRPC(base)                                                              \
	{ "grpc", KSCHEMA_OBJECT, base, KSCHEMA_HAS, .sub = grpc_fields,                \
	  .has_off = (base) + H(has_grpc), .oneof = handler_oneof }
#define HANDLER_SLEEP(base)                                                             \
	{ "sleep", KSCHEMA_OBJECT, base, KSCHEMA_HAS, .sub = sleep_fields,              \
	  .has_off = (base) + H(has_sleep), .oneof = handler_oneof }

static int need_handler(struct kschema_ctx *c, const struct kschema_field *table,
			const struct kyaml_node *map)
{
	if (kschema_oneof_count(table, map))
		return 0;
	kschema_fail(c, map, "required value: must specify a handler type");
	return -1;
}

static int handler_validate(struct kschema_ctx *c, const struct kschema_field *table,
			    const struct kyaml_node *map, void *obj)
{
	return need_handler(c, table, map);
}

/* The defaults the API server applies to zero values (SetDefaults_Probe),
 * then liveness and startup probes need successThreshold 1. */
static int probe_common(struct kschema_ctx *c, const struct kschema_field *table,
			const struct kyaml_node *map, struct kube_probe *p, bool one)
{
	int ret = need_handler(c, table, map);

	if (!p->timeout_seconds)
		p->timeout_seconds = 1;
	if (!p->period_seconds)
		p->period_seconds = 10;
	if (!p->success_threshold)
		p->success_threshold = 1;
	if (!p->failure_threshold)
		p->failure_threshold = 3;
	if (one && p->success_threshold != 1)
		ret = kschema_fail_key(c, map, "successThreshold", "invalid value %d: must be 1",
				       (int)p->success_threshold);
	return ret;
}

static int liveness_validate(struct kschema_ctx *c, const struct kschema_field *table,
			     const struct kyaml_node *map, void *obj)
{
	return probe_common(c, table, map, obj, true);
}

static int readiness_validate(struct kschema_ctx *c, const struct kschema_field *table,
			      const struct kyaml_node *map, void *obj)
{
	return probe_common(c, table, map, obj, false);
}

#define P(f) offsetof(struct kube_probe, f)
#define PROBE_FIELDS(validator)                                                      \
	HANDLER_EXEC(P(handler)),                                                    \
	HANDLER_HTTP(P(handler)),                                                    \
	HANDLER_TCP(P(handler)),                                                     \
	HANDLER_GRPC(P(handler)),                                                    \
	{ "initialDelaySeconds", KSCHEMA_INT32, P(initial_delay_seconds), 0,         \
	  kschema_check_nonneg32 },                                                  \
	{ "timeoutSeconds", KSCHEMA_INT32, P(timeout_seconds), 0,                    \
	  kschema_check_nonneg32 },                                                  \
	{ "periodSeconds", KSCHEMA_INT32, P(period_seconds), 0,                      \
	  kschema_check_nonneg32 },                                                  \
	{ "successThreshold", KSCHEMA_INT32, P(success_threshold), 0,                \
	  kschema_check_nonneg32 },                                                  \
	{ "failureThreshold", KSCHEMA_INT32, P(failure_threshold), 0,                \
	  kschema_check_nonneg32 },                                                  \
	{ "terminationGracePeriodSeconds", KSCHEMA_INT64,                            \
	  P(termination_grace_period_seconds), KSCHEMA_HAS, kschema_check_positive64, \
	  .has_off = P(has_termination_grace_period_seconds) },                      \
	{ "", KSCHEMA_VALIDATE, .validate = validator },                             \
	{ NULL }

/* livenessProbe and startupProbe (successThreshold must be 1) */
const struct kschema_field kube_liveness_probe_fields[] = {
	PROBE_FIELDS(liveness_validate),
};

const struct kschema_field kube_readiness_probe_fields[] = {
	PROBE_FIELDS(readiness_validate),
};

static const struct kschema_field lifecycle_handler_fields[] = {
	HANDLER_EXEC(0),
	HANDLER_HTTP(0),
	HANDLER_TCP(0),
	HANDLER_SLEEP(0),
	{ "", KSCHEMA_VALIDATE, .validate = handler_validate },
	{ NULL },
};

#define LC(f) offsetof(struct kube_lifecycle, f)
const struct kschema_field kube_lifecycle_fields[] = {
	{ "postStart", KSCHEMA_OBJPTR, LC(post_start), .sub = lifecycle_handler_fields,
	  .elem_size = sizeof(struct kube_handler) },
	{ "preStop", KSCHEMA_OBJPTR, LC(pre_stop), .sub = lifecycle_handler_fields,
	  .elem_size = sizeof(struct kube_handler) },
	{ "stopSignal", KSCHEMA_STRING, LC(stop_signal) },
	{ NULL },
};
