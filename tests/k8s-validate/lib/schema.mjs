// Schema checks of one Kubernetes object, offline:
//
//  - kubernetes-models: the per-kind validators compiled (ajv) from the
//    Kubernetes OpenAPI schema: types, required fields, enums, formats
//    (int32/int64, quantity, byte, int-or-string).  They do NOT reject
//    fields the schema does not know (no additionalProperties), so
//  - @kubernetes/client-node: its generated models carry the field table of
//    every API type (attributeTypeMap: JSON name and type); unknownFields()
//    walks the object against those tables and reports every field the type
//    does not have, at any depth, as `kubectl --validate=strict` does.
//
// Both packages are generated from the same Kubernetes release (v1.33), see
// package.json.  Paths are arrays of keys and indices; see path.mjs.

// (one model file per type, imported when first needed: importing all.js
// would load some 700 modules, a third of a second on every run)
const MODELS = "@kubernetes/client-node/dist/gen/models";
const TYPE_NAME_RE = /^[A-Z][A-Za-z0-9]*$/;
const fieldCache = new Map();

// fieldTable(type): Map JSON name -> type of a client-node model, or null
// when there is no such model.
async function fieldTable(type) {
	if (fieldCache.has(type)) return fieldCache.get(type);
	let table = null;
	if (TYPE_NAME_RE.test(type)) {
		try {
			const m = (await import(`${MODELS}/${type}.js`))[type];
			if (m && typeof m.getAttributeTypeMap === "function")
				table = new Map(m.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
		} catch (e) {
			if (e.code !== "ERR_MODULE_NOT_FOUND") throw e;
		}
	}
	fieldCache.set(type, table);
	return table;
}

const API_VERSION_RE = /^(?:[a-z0-9]([-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$/;
const KIND_RE = /^[A-Z][A-Za-z0-9]*$/;

const modelCache = new Map();

// kindModel(apiVersion, kind): the kubernetes-models class of a top-level
// kind ({cls}), or {error} when the pair is not a kind of the API.
export async function kindModel(apiVersion, kind) {
	if (typeof apiVersion !== "string" || !API_VERSION_RE.test(apiVersion))
		return { error: `apiVersion ${JSON.stringify(apiVersion)} is not a Kubernetes API version` };
	if (typeof kind !== "string" || !KIND_RE.test(kind))
		return { error: `kind ${JSON.stringify(kind)} is not a Kubernetes kind` };
	const key = `${apiVersion}/${kind}`;
	if (modelCache.has(key)) return modelCache.get(key);
	let res;
	try {
		const mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
		const cls = mod[kind];
		// (kubernetes-models also exports the API's inner types, e.g.
		// v1/Container: only classes with apiVersion and kind are kinds)
		if (cls && cls.apiVersion === apiVersion && cls.kind === kind) res = { cls };
	} catch (e) {
		if (e.code !== "ERR_PACKAGE_PATH_NOT_EXPORTED" && e.code !== "ERR_MODULE_NOT_FOUND")
			throw e;
	}
	if (!res) res = { error: `no kind "${kind}" in apiVersion "${apiVersion}" (Kubernetes v1.33 API)` };
	modelCache.set(key, res);
	return res;
}

// ajv error → {path, msg}
function ajvError(e) {
	const path = e.instancePath
		.split("/")
		.slice(1)
		.map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
		.map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
	const p = e.params || {};
	switch (e.keyword) {
		case "required":
			return { path: [...path, p.missingProperty], msg: "Required value" };
		case "type":
			return { path, msg: `must be ${p.type}` };
		case "enum":
			return { path, msg: `must be one of ${p.allowedValues.map((v) => JSON.stringify(v)).join(", ")}` };
		case "format":
			return { path, msg: `must be a valid ${p.format}` };
		default:
			return { path, msg: e.message || e.keyword };
	}
}

// schemaErrors(cls, obj): what the compiled OpenAPI schema says.
export function schemaErrors(cls, obj) {
	try {
		new cls(obj).validate();
		return [];
	} catch (e) {
		if (!Array.isArray(e.errors)) throw e;
		// A oneOf (quantity: number or string; int-or-string) fails with
		// one error per branch and one for the oneOf: say it once, as
		// "must be A or B".  Repeated complaints are kept once.
		const errs = e.errors.map((x) => ({ ...ajvError(x), oneOf: x.keyword === "oneOf" }));
		const key = (x) => JSON.stringify(x.path);
		const oneOfAt = new Set(errs.filter((x) => x.oneOf).map(key));
		const branches = new Map();
		const seen = new Set();
		const out = [];
		for (const x of errs) {
			const k = key(x);
			if (oneOfAt.has(k)) {
				if (!branches.has(k)) {
					branches.set(k, []);
					out.push({ path: x.path, branches: branches.get(k) });
				}
				if (!x.oneOf && !branches.get(k).includes(x.msg)) branches.get(k).push(x.msg);
				continue;
			}
			const id = k + x.msg;
			if (seen.has(id)) continue;
			seen.add(id);
			out.push({ path: x.path, msg: x.msg });
		}
		return out.map((x) => (x.branches ? { path: x.path, msg: x.branches.map((m, i) => (i ? m.replace(/^must be /, "") : m)).join(" or ") || "must match exactly one schema" } : x));
	}
}

function capitalize(s) {
	return s.charAt(0).toUpperCase() + s.slice(1);
}

// The client-node model of a kind: V1Pod, V1Deployment, V1Job; the group's
// name comes first where two groups have the same kind (CoreV1Event,
// EventsV1Event).
async function kindTypeName(apiVersion, kind) {
	const slash = apiVersion.indexOf("/");
	const group = slash < 0 ? "" : apiVersion.slice(0, slash);
	const version = capitalize(apiVersion.slice(slash + 1));
	const prefix = group ? capitalize(group.split(".")[0]) : "Core";
	for (const name of [`${prefix}${version}${kind}`, `${version}${kind}`]) {
		const t = await fieldTable(name);
		if (t && t.has("apiVersion") && t.has("kind")) return name;
	}
	return null;
}

const ARRAY_RE = /^Array<(.+)>$/;
const MAP_RE = /^\{ \[key: string\]: (.+); \}$/;
// Leaves: their values are checked by the schema, not walked.
const LEAVES = new Set(["string", "number", "boolean", "Date", "any", "object", "IntOrString"]);

function isPlainObject(v) {
	return v !== null && typeof v === "object" && !Array.isArray(v);
}

async function walkType(type, value, path, out) {
	type = type.replace(/ \| null$/, "");
	let m;
	if ((m = ARRAY_RE.exec(type))) {
		if (Array.isArray(value))
			for (const [i, v] of value.entries()) await walkType(m[1], v, [...path, i], out);
		return;
	}
	if ((m = MAP_RE.exec(type))) {
		if (isPlainObject(value))
			for (const k of Object.keys(value)) await walkType(m[1], value[k], [...path, k], out);
		return;
	}
	if (LEAVES.has(type)) return;
	const fields = await fieldTable(type);
	if (!fields) {
		out.push({ path, msg: `validator: no field table for type ${type}` });
		return;
	}
	// a non-object where an object belongs is the schema's type error
	if (!isPlainObject(value)) return;
	for (const k of Object.keys(value)) {
		if (fields.has(k)) await walkType(fields.get(k), value[k], [...path, k], out);
		else out.push({ path: [...path, k], msg: `unknown field "${k}"` });
	}
}

// unknownFields(apiVersion, kind, obj): every field the API does not have.
export async function unknownFields(apiVersion, kind, obj) {
	const type = await kindTypeName(apiVersion, kind);
	if (!type) return [{ path: [], msg: `validator: no field table for ${apiVersion} ${kind}` }];
	const out = [];
	await walkType(type, obj, [], out);
	return out;
}
