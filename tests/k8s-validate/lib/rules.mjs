// What the API server refuses although the OpenAPI schema allows it: a
// subset of k8s.io/kubernetes/pkg/apis/*/validation (v1.33) for the kinds
// peapod reads and writes (Pod, Deployment, DaemonSet, Job, Service,
// ConfigMap, Secret, PersistentVolumeClaim).  Names, label syntax,
// references between fields (a volumeMount names a volume), one-of fields,
// selectors that match their template, restart policies per workload.
// Messages follow the API server's ("Required value", "Invalid value: ...",
// "Duplicate value", "Forbidden: ...").  Runs after the schema check:
// values of the wrong type are skipped here, the schema reported them.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])*$/;

const isObj = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const arr = (v) => (Array.isArray(v) ? v : []);
const str = (v) => typeof v === "string";

class Errs {
	constructor() {
		this.list = [];
	}
	add(path, msg) {
		this.list.push({ path, msg });
	}
	invalid(path, value, why) {
		this.add(path, `Invalid value: ${JSON.stringify(value)}: ${why}`);
	}
}

function dnsLabel(e, path, v) {
	if (!str(v)) return;
	if (v.length > 63) e.invalid(path, v, "must be no more than 63 characters");
	else if (!DNS_LABEL.test(v))
		e.invalid(path, v, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
}

function dnsSubdomain(e, path, v) {
	if (!str(v)) return;
	if (v.length > 253) e.invalid(path, v, "must be no more than 253 characters");
	else if (!DNS_SUBDOMAIN.test(v))
		e.invalid(path, v, "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
}

function dns1035(e, path, v) {
	if (!str(v)) return;
	if (v.length > 63) e.invalid(path, v, "must be no more than 63 characters");
	else if (!DNS1035_LABEL.test(v))
		e.invalid(path, v, "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character");
}

function qualifiedName(e, path, k) {
	const slash = k.lastIndexOf("/");
	const prefix = slash < 0 ? null : k.slice(0, slash);
	const name = slash < 0 ? k : k.slice(slash + 1);
	if (prefix !== null && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)))
		e.invalid(path, k, "prefix part must be a lowercase RFC 1123 subdomain");
	if (name.length > 63 || !QUALIFIED_NAME.test(name))
		e.invalid(path, k, "name part must consist of alphanumeric characters, '-', '_' or '.', start and end with an alphanumeric character, and be at most 63 characters");
}

function labels(e, path, m) {
	if (!isObj(m)) return;
	for (const [k, v] of Object.entries(m)) {
		qualifiedName(e, [...path, k], k);
		if (!str(v)) continue;
		if (v.length > 63 || (v !== "" && !QUALIFIED_NAME.test(v)))
			e.invalid([...path, k], v, "a label value must be empty or consist of alphanumeric characters, '-', '_' or '.', start and end with an alphanumeric character, and be at most 63 characters");
	}
}

function annotations(e, path, m) {
	if (!isObj(m)) return;
	let size = 0;
	for (const [k, v] of Object.entries(m)) {
		qualifiedName(e, [...path, k], k);
		size += Buffer.byteLength(k) + (str(v) ? Buffer.byteLength(v) : 0);
	}
	if (size > 256 * 1024) e.add(path, `Too long: must have at most 262144 bytes (has ${size})`);
}

// metadata of a top-level object; nameCheck validates metadata.name.
function objectMeta(e, meta, nameCheck, path = ["metadata"]) {
	if (!isObj(meta)) return;
	if (meta.name === undefined && meta.generateName === undefined)
		e.add([...path, "name"], "Required value: name or generateName is required");
	if (meta.name !== undefined) nameCheck(e, [...path, "name"], meta.name);
	if (meta.namespace !== undefined) dnsLabel(e, [...path, "namespace"], meta.namespace);
	labels(e, [...path, "labels"], meta.labels);
	annotations(e, [...path, "annotations"], meta.annotations);
}

// Quantities (resource.Quantity) as numbers, for comparisons.
const SUFFIX = {
	"": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
	Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
export function quantity(v) {
	if (typeof v === "number") return v;
	if (!str(v)) return NaN;
	const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?)$/.exec(v);
	if (!m) return NaN;
	return Number(m[1] + (m[2] || "")) * SUFFIX[m[3] || ""];
}

function resources(e, path, r) {
	if (!isObj(r)) return;
	const lim = isObj(r.limits) ? r.limits : {};
	const req = isObj(r.requests) ? r.requests : {};
	for (const [which, m] of [["limits", lim], ["requests", req]]) {
		for (const [k, v] of Object.entries(m)) {
			if (quantity(v) < 0) e.invalid([...path, which, k], v, "must be greater than or equal to 0");
		}
	}
	for (const [k, v] of Object.entries(req)) {
		if (lim[k] === undefined) continue;
		if (quantity(v) > quantity(lim[k]))
			e.invalid([...path, "requests", k], v, `must be less than or equal to ${k} limit of ${lim[k]}`);
	}
}

function handlerCount(h) {
	return ["exec", "httpGet", "tcpSocket", "grpc", "sleep"].filter((k) => h[k] !== undefined).length;
}

function probe(e, path, p) {
	if (!isObj(p)) return;
	const n = handlerCount(p);
	if (n === 0) e.add(path, "Required value: must specify a handler type");
	if (n > 1) e.add(path, "Forbidden: may not specify more than 1 handler type");
	for (const f of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"])
		if (typeof p[f] === "number" && p[f] < 0) e.invalid([...path, f], p[f], "must be greater than or equal to 0");
}

function env(e, path, list) {
	arr(list).forEach((ev, i) => {
		if (!isObj(ev)) return;
		const p = [...path, i];
		// RelaxedEnvironmentVariableValidation (beta, on by default in 1.32+)
		if (str(ev.name) && (ev.name === "" || /[=]|[^\x20-\x7e]/.test(ev.name)))
			e.invalid([...p, "name"], ev.name, "a valid environment variable name must consist only of printable ASCII characters other than '='");
		if (ev.valueFrom !== undefined && isObj(ev.valueFrom)) {
			if (ev.value !== undefined && ev.value !== "")
				e.add([...p, "valueFrom"], "Invalid value: \"\": may not be specified when `value` is not empty");
			const n = ["fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"]
				.filter((k) => ev.valueFrom[k] !== undefined).length;
			if (n !== 1) e.add([...p, "valueFrom"], "Invalid value: \"\": must specify exactly one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`");
		}
	});
}

function securityContext(e, path, sc) {
	if (!isObj(sc)) return;
	for (const f of ["runAsUser", "runAsGroup"])
		if (typeof sc[f] === "number" && (sc[f] < 0 || sc[f] > 2147483647))
			e.invalid([...path, f], sc[f], "must be between 0 and 2147483647, inclusive");
	if (sc.allowPrivilegeEscalation === false) {
		if (sc.privileged === true)
			e.add(path, "Invalid value: cannot set `allowPrivilegeEscalation` to false and `privileged` to true");
		const add = isObj(sc.capabilities) ? arr(sc.capabilities.add) : [];
		if (add.some((c) => c === "SYS_ADMIN" || c === "CAP_SYS_ADMIN"))
			e.add(path, "Invalid value: cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN");
	}
}

function ports(e, path, list, hostNetwork, hostPorts) {
	const names = new Set();
	arr(list).forEach((p, i) => {
		if (!isObj(p)) return;
		const pp = [...path, i];
		if (typeof p.containerPort === "number" && (p.containerPort < 1 || p.containerPort > 65535))
			e.invalid([...pp, "containerPort"], p.containerPort, "must be between 1 and 65535, inclusive");
		if (typeof p.hostPort === "number") {
			if (p.hostPort < 0 || p.hostPort > 65535)
				e.invalid([...pp, "hostPort"], p.hostPort, "must be between 1 and 65535, inclusive");
			if (hostNetwork && p.hostPort !== 0 && p.hostPort !== p.containerPort)
				e.invalid([...pp, "hostPort"], p.hostPort, "must match `containerPort` when `hostNetwork` is true");
			if (p.hostPort > 0) {
				const k = `${p.hostIP ? p.hostIP + ":" : ""}${p.hostPort}/${p.protocol || "TCP"}`;
				if (hostPorts.has(k)) e.add([...pp, "hostPort"], `Duplicate value: "${k}"`);
				hostPorts.add(k);
			}
		}
		if (str(p.name)) {
			ianaSvcName(e, [...pp, "name"], p.name);
			if (names.has(p.name)) e.add([...pp, "name"], `Duplicate value: ${JSON.stringify(p.name)}`);
			names.add(p.name);
		}
	});
}

function ianaSvcName(e, path, v) {
	if (v.length > 15 || !IANA_SVC_NAME.test(v) || v.includes("--") || !/[a-z]/.test(v))
		e.invalid(path, v, "must be no more than 15 characters, contain only lowercase alphanumerics and '-', at least one letter, no '--', and not start or end with '-'");
}

function volumeMounts(e, path, list, volumes) {
	const seen = new Set();
	arr(list).forEach((m, i) => {
		if (!isObj(m)) return;
		const p = [...path, i];
		if (str(m.name) && !volumes.has(m.name)) e.add([...p, "name"], `Not found: ${JSON.stringify(m.name)}`);
		if (str(m.mountPath)) {
			if (m.mountPath === "") e.add([...p, "mountPath"], "Required value");
			if (seen.has(m.mountPath)) e.invalid([...p, "mountPath"], m.mountPath, "must be unique");
			seen.add(m.mountPath);
		}
		if (m.subPath !== undefined && m.subPathExpr !== undefined && m.subPath !== "" && m.subPathExpr !== "")
			e.add([...p, "subPathExpr"], "Invalid value: subPathExpr and subPath are mutually exclusive");
		for (const f of ["subPath", "subPathExpr"]) {
			if (!str(m[f]) || m[f] === "") continue;
			if (m[f].startsWith("/")) e.invalid([...p, f], m[f], "must be a relative path");
			if (m[f].split("/").includes("..")) e.invalid([...p, f], m[f], "must not contain '..'");
		}
	});
}

function container(e, path, c, ctx, kind) {
	if (!isObj(c)) return;
	dnsLabel(e, [...path, "name"], c.name);
	if (str(c.name)) {
		if (ctx.names.has(c.name)) e.add([...path, "name"], `Duplicate value: ${JSON.stringify(c.name)}`);
		ctx.names.add(c.name);
	}
	if (kind !== "ephemeral" && (c.image === undefined || c.image === ""))
		e.add([...path, "image"], "Required value");
	const sidecar = kind === "init" && c.restartPolicy === "Always";
	if (c.restartPolicy !== undefined) {
		if (kind !== "init") e.add([...path, "restartPolicy"], "Forbidden: may not be set for non-init containers");
		else if (c.restartPolicy !== "Always")
			e.add([...path, "restartPolicy"], `Unsupported value: ${JSON.stringify(c.restartPolicy)}: supported values: "Always"`);
	}
	for (const f of ["livenessProbe", "readinessProbe", "startupProbe"]) {
		if (c[f] === undefined) continue;
		if (kind === "init" && !sidecar)
			e.add([...path, f], "Forbidden: may not be set for init containers without restartPolicy=Always");
		else probe(e, [...path, f], c[f]);
	}
	if (isObj(c.lifecycle)) {
		for (const f of ["postStart", "preStop"]) {
			if (!isObj(c.lifecycle[f])) continue;
			const n = handlerCount(c.lifecycle[f]);
			if (n !== 1) e.add([...path, "lifecycle", f], n ? "Forbidden: may not specify more than 1 handler type" : "Required value: must specify a handler type");
		}
	}
	ports(e, [...path, "ports"], c.ports, ctx.hostNetwork, ctx.hostPorts);
	env(e, [...path, "env"], c.env);
	resources(e, [...path, "resources"], c.resources);
	securityContext(e, [...path, "securityContext"], c.securityContext);
	volumeMounts(e, [...path, "volumeMounts"], c.volumeMounts, ctx.volumes);
}

const VOLUME_SOURCES = new Set([
	"hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs",
	"iscsi", "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker",
	"downwardAPI", "fc", "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk",
	"photonPersistentDisk", "projected", "portworxVolume", "scaleIO", "storageos", "csi",
	"ephemeral", "image",
]);

function volumes(e, path, list) {
	const names = new Set();
	arr(list).forEach((v, i) => {
		if (!isObj(v)) return;
		const p = [...path, i];
		dnsLabel(e, [...p, "name"], v.name);
		if (str(v.name)) {
			if (names.has(v.name)) e.add([...p, "name"], `Duplicate value: ${JSON.stringify(v.name)}`);
			names.add(v.name);
		}
		const n = Object.keys(v).filter((k) => VOLUME_SOURCES.has(k)).length;
		if (n === 0) e.add(p, "Required value: must specify a volume type");
		if (n > 1) e.add(p, "Forbidden: may not specify more than 1 volume type");
		if (isObj(v.hostPath) && str(v.hostPath.path) && !v.hostPath.path.startsWith("/"))
			e.invalid([...p, "hostPath", "path"], v.hostPath.path, "must be an absolute path");
		if (isObj(v.persistentVolumeClaim) && (v.persistentVolumeClaim.claimName ?? "") === "")
			e.add([...p, "persistentVolumeClaim", "claimName"], "Required value");
		for (const src of ["configMap", "secret"]) {
			if (!isObj(v[src])) continue;
			arr(v[src].items).forEach((it, j) => itemPath(e, [...p, src, "items", j, "path"], it));
		}
	});
	return names;
}

function itemPath(e, path, it) {
	if (!isObj(it) || !str(it.path)) return;
	if (it.path === "") e.add(path, "Required value");
	else if (it.path.startsWith("/")) e.invalid(path, it.path, "must be a relative path");
	else if (it.path.split("/").includes("..")) e.invalid(path, it.path, "must not contain '..'");
}

function dnsConfig(e, path, spec) {
	const dc = spec.dnsConfig;
	if (spec.dnsPolicy === "None" && (!isObj(dc) || arr(dc.nameservers).length === 0))
		e.add([...path, "dnsConfig", "nameservers"], "Required value: must provide at least one DNS nameserver when `dnsPolicy` is None");
	if (!isObj(dc)) return;
	if (arr(dc.nameservers).length > 3) e.add([...path, "dnsConfig", "nameservers"], "Invalid value: must not have more than 3 nameservers");
	arr(dc.nameservers).forEach((ns, i) => {
		if (str(ns) && !isIP(ns)) e.invalid([...path, "dnsConfig", "nameservers", i], ns, "must be a valid IP address");
	});
	if (arr(dc.searches).length > 32) e.add([...path, "dnsConfig", "searches"], "Invalid value: must not have more than 32 search paths");
	arr(dc.searches).forEach((s, i) => {
		if (str(s)) dnsSubdomain(e, [...path, "dnsConfig", "searches", i], s.replace(/\.$/, ""));
	});
	arr(dc.options).forEach((o, i) => {
		if (isObj(o) && (o.name ?? "") === "") e.add([...path, "dnsConfig", "options", i, "name"], "Required value");
	});
}

function isIP(s) {
	if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(s)) return true;
	return /^[0-9a-fA-F:.]+$/.test(s) && s.includes(":") && s.split("::").length <= 2;
}

// podSpec(e, path, spec): a PodSpec at path (a Pod's or a template's).
export function podSpec(e, path, spec) {
	if (!isObj(spec)) return;
	if (spec.hostname !== undefined) dnsLabel(e, [...path, "hostname"], spec.hostname);
	if (spec.subdomain !== undefined) dnsLabel(e, [...path, "subdomain"], spec.subdomain);
	if (spec.shareProcessNamespace === true && spec.hostPID === true)
		e.add([...path, "shareProcessNamespace"], "Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled");
	if (typeof spec.terminationGracePeriodSeconds === "number" && spec.terminationGracePeriodSeconds < 0)
		e.invalid([...path, "terminationGracePeriodSeconds"], spec.terminationGracePeriodSeconds, "must be greater than or equal to 0");
	dnsConfig(e, path, spec);
	arr(spec.hostAliases).forEach((h, i) => {
		if (!isObj(h)) return;
		if (str(h.ip) && !isIP(h.ip)) e.invalid([...path, "hostAliases", i, "ip"], h.ip, "must be a valid IP address");
		arr(h.hostnames).forEach((n, j) => dnsSubdomain(e, [...path, "hostAliases", i, "hostnames", j], n));
	});
	if (isObj(spec.securityContext)) {
		securityContext(e, [...path, "securityContext"], spec.securityContext);
		const seen = new Set();
		arr(spec.securityContext.sysctls).forEach((s, i) => {
			if (!isObj(s) || !str(s.name)) return;
			if (!/^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$/.test(s.name))
				e.invalid([...path, "securityContext", "sysctls", i, "name"], s.name, "must be a valid sysctl name");
			if (seen.has(s.name)) e.add([...path, "securityContext", "sysctls", i, "name"], `Duplicate value: ${JSON.stringify(s.name)}`);
			seen.add(s.name);
		});
	}
	const ctx = {
		volumes: volumes(e, [...path, "volumes"], spec.volumes),
		names: new Set(),
		hostNetwork: spec.hostNetwork === true,
		hostPorts: new Set(),
	};
	if (arr(spec.containers).length === 0 && Array.isArray(spec.containers))
		e.add([...path, "containers"], "Required value");
	arr(spec.initContainers).forEach((c, i) => container(e, [...path, "initContainers", i], c, ctx, "init"));
	arr(spec.containers).forEach((c, i) => container(e, [...path, "containers", i], c, ctx, "app"));
	arr(spec.ephemeralContainers).forEach((c, i) => container(e, [...path, "ephemeralContainers", i], c, ctx, "ephemeral"));
}

// Does a LabelSelector select these labels?
function selects(sel, lbls) {
	if (!isObj(sel)) return false;
	lbls = isObj(lbls) ? lbls : {};
	const ml = isObj(sel.matchLabels) ? sel.matchLabels : {};
	const exprs = arr(sel.matchExpressions);
	if (Object.keys(ml).length === 0 && exprs.length === 0) return true;
	for (const [k, v] of Object.entries(ml)) if (lbls[k] !== v) return false;
	for (const x of exprs) {
		if (!isObj(x)) return false;
		const has = Object.hasOwn(lbls, x.key);
		const vals = arr(x.values);
		if (x.operator === "In" && !(has && vals.includes(lbls[x.key]))) return false;
		if (x.operator === "NotIn" && has && vals.includes(lbls[x.key])) return false;
		if (x.operator === "Exists" && !has) return false;
		if (x.operator === "DoesNotExist" && has) return false;
	}
	return true;
}

function template(e, spec, allowed) {
	const t = isObj(spec) ? spec.template : undefined;
	if (!isObj(t)) return;
	if (isObj(t.metadata)) {
		labels(e, ["spec", "template", "metadata", "labels"], t.metadata.labels);
		annotations(e, ["spec", "template", "metadata", "annotations"], t.metadata.annotations);
	}
	podSpec(e, ["spec", "template", "spec"], t.spec);
	const rp = isObj(t.spec) ? t.spec.restartPolicy ?? "Always" : "Always";
	if (!allowed.includes(rp))
		e.add(["spec", "template", "spec", "restartPolicy"],
			`Unsupported value: ${JSON.stringify(rp)}: supported values: ${allowed.map((v) => JSON.stringify(v)).join(", ")}`);
}

function selectorMatches(e, spec) {
	if (!isObj(spec) || !isObj(spec.selector)) return;
	const sel = spec.selector;
	if (Object.keys(sel.matchLabels ?? {}).length === 0 && arr(sel.matchExpressions).length === 0)
		e.add(["spec", "selector"], "Invalid value: empty selector is invalid");
	labels(e, ["spec", "selector", "matchLabels"], sel.matchLabels);
	const tl = isObj(spec.template) && isObj(spec.template.metadata) ? spec.template.metadata.labels : undefined;
	if (!selects(sel, tl))
		e.add(["spec", "template", "metadata", "labels"], "Invalid value: `selector` does not match template `labels`");
}

function configData(e, obj, fields) {
	const seen = new Set();
	let size = 0;
	for (const f of fields) {
		if (!isObj(obj[f])) continue;
		for (const [k, v] of Object.entries(obj[f])) {
			if (k.length > 253 || !CONFIG_KEY.test(k) || k === "." || k === ".." || k.startsWith(".."))
				e.invalid([f, k], k, "a valid config key must consist of alphanumeric characters, '-', '_' or '.'");
			if (seen.has(k) && f !== "stringData") e.invalid([f, k], k, "duplicate of key present in another data field");
			seen.add(k);
			if (str(v)) size += v.length;
		}
	}
	if (size > 1024 * 1024) e.add([fields[0]], "Too long: must have at most 1048576 bytes");
}

function service(e, obj) {
	const spec = obj.spec;
	if (!isObj(spec)) return;
	const type = spec.type ?? "ClusterIP";
	const list = arr(spec.ports);
	if (type !== "ExternalName" && spec.clusterIP !== "None" && list.length === 0)
		e.add(["spec", "ports"], "Required value");
	const names = new Set();
	const nodePorts = new Set();
	list.forEach((p, i) => {
		if (!isObj(p)) return;
		const pp = ["spec", "ports", i];
		if (list.length > 1 && (p.name ?? "") === "") e.add([...pp, "name"], "Required value");
		if (str(p.name) && p.name !== "") {
			dnsLabel(e, [...pp, "name"], p.name);
			if (names.has(p.name)) e.add([...pp, "name"], `Duplicate value: ${JSON.stringify(p.name)}`);
			names.add(p.name);
		}
		if (typeof p.port === "number" && (p.port < 1 || p.port > 65535))
			e.invalid([...pp, "port"], p.port, "must be between 1 and 65535, inclusive");
		if (typeof p.targetPort === "number" && (p.targetPort < 1 || p.targetPort > 65535))
			e.invalid([...pp, "targetPort"], p.targetPort, "must be between 1 and 65535, inclusive");
		if (str(p.targetPort)) ianaSvcName(e, [...pp, "targetPort"], p.targetPort);
		if (p.nodePort !== undefined && p.nodePort !== 0) {
			if (type !== "NodePort" && type !== "LoadBalancer")
				e.add([...pp, "nodePort"], `Forbidden: may not be used when \`type\` is '${type}'`);
			// (the default --service-node-port-range; a cluster may widen it)
			else if (typeof p.nodePort === "number" && (p.nodePort < 30000 || p.nodePort > 32767))
				e.invalid([...pp, "nodePort"], p.nodePort, "provided port is not in the valid range. The range of valid ports is 30000-32767");
			const k = `${p.nodePort}/${p.protocol || "TCP"}`;
			if (nodePorts.has(k)) e.add([...pp, "nodePort"], `Duplicate value: "${k}"`);
			nodePorts.add(k);
		}
	});
	labels(e, ["spec", "selector"], spec.selector);
}

function nonNegative(e, spec, fields) {
	if (!isObj(spec)) return;
	for (const f of fields)
		if (typeof spec[f] === "number" && spec[f] < 0)
			e.invalid(["spec", f], spec[f], "must be greater than or equal to 0");
}

// apiRules(obj): API server validation errors of one object whose schema
// check passed for apiVersion/kind.
export function apiRules(obj) {
	const e = new Errs();
	const kind = obj.kind;
	const spec = obj.spec;
	const nameCheck = kind === "Service" ? dns1035 : kind === "Namespace" ? dnsLabel : dnsSubdomain;
	objectMeta(e, obj.metadata, nameCheck);
	switch (kind) {
		case "Pod":
			podSpec(e, ["spec"], spec);
			break;
		case "Deployment":
		case "ReplicaSet":
		case "StatefulSet":
		case "DaemonSet":
			selectorMatches(e, spec);
			template(e, spec, ["Always"]);
			nonNegative(e, spec, ["replicas", "minReadySeconds", "revisionHistoryLimit"]);
			break;
		case "Job":
			// the job's name is also the value of its pods' job-name label
			if (isObj(obj.metadata) && str(obj.metadata.name) && obj.metadata.name.length > 63)
				e.invalid(["metadata", "name"], obj.metadata.name, "must be no more than 63 characters");
			if (isObj(spec) && spec.selector !== undefined && spec.manualSelector !== true)
				e.add(["spec", "selector"], "Invalid value: `selector` not auto-generated (set `manualSelector: true` or leave the selector out)");
			template(e, spec, ["OnFailure", "Never"]);
			nonNegative(e, spec, ["parallelism", "completions", "backoffLimit", "activeDeadlineSeconds"]);
			break;
		case "Service":
			service(e, obj);
			break;
		case "ConfigMap":
			configData(e, obj, ["data", "binaryData"]);
			break;
		case "Secret":
			configData(e, obj, ["data", "stringData"]);
			break;
		case "PersistentVolumeClaim":
			if (isObj(spec)) {
				if (arr(spec.accessModes).length === 0) e.add(["spec", "accessModes"], "Required value: at least 1 access mode is required");
				const st = isObj(spec.resources) && isObj(spec.resources.requests) ? spec.resources.requests.storage : undefined;
				if (st === undefined) e.add(["spec", "resources", "requests", "storage"], "Required value");
				else if (!(quantity(st) > 0)) e.invalid(["spec", "resources", "requests", "storage"], st, "must be greater than zero");
			}
			break;
	}
	return e.list;
}
