#!/usr/bin/env node
// validate.mjs: offline Kubernetes validation of multi-document YAML, as a
// v1.33 API server with strict field validation would judge it (no cluster).
//
//   node validate.mjs [--generated] [--quiet] [FILE|-]...
//
// Every document (every item of a kind: List) is checked against, in turn:
//   1. YAML as the API machinery reads it (YAML 1.1 scalars: yes/on are
//      booleans, 0644 is octal; duplicate keys are an error);
//   2. apiVersion/kind: a kind of the Kubernetes v1.33 API;
//   3. the OpenAPI schema (kubernetes-models): types, required fields,
//      enums, formats;
//   4. unknown fields at any depth (the field tables of
//      @kubernetes/client-node's models), as `kubectl --validate=strict`;
//   5. API server validation the schema cannot express (lib/rules.mjs):
//      DNS names, label syntax, references, one-of fields, selectors,
//      restart policies per workload;
//   6. with --generated, what a manifest made from running objects must
//      not carry: status, server-set metadata (uid, resourceVersion,
//      creationTimestamp, generation, managedFields, selfLink,
//      deletionTimestamp), spec.nodeName.
//
// Prints one line per document, "FILE: doc N (apiVersion/kind name): OK"
// or "...: N error(s)" followed by one indented "LINE:COL: PATH: MESSAGE"
// per error.  --quiet prints only documents with errors.  Exits 0 when
// every document is valid, 1 when one is not, 2 on bad usage or I/O.

import { readFileSync } from "node:fs";
import { LineCounter, isMap, parseAllDocuments } from "yaml";
import { apiRules } from "./lib/rules.mjs";
import { kindModel, schemaErrors, unknownFields } from "./lib/schema.mjs";

const SERVER_SET = ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"];

function usage(msg) {
	if (msg) process.stderr.write(`validate.mjs: ${msg}\n`);
	process.stderr.write("usage: node validate.mjs [--generated] [--quiet] [FILE|-]...\n");
	process.exit(2);
}

// formatPath(["spec", "containers", 0, "name"]) = "spec.containers[0].name";
// map keys that are not identifiers go in brackets: labels[app.kubernetes.io/name].
function formatPath(path) {
	let s = "";
	for (const seg of path) {
		if (typeof seg === "number") s += `[${seg}]`;
		else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(seg)) s += s ? `.${seg}` : seg;
		else s += `[${seg}]`;
	}
	return s || "(document)";
}

// The YAML 1.1 schema without what go-yaml v2 (sigs.k8s.io/yaml) does not
// resolve when decoding into JSON: timestamps stay strings, no base-60.
function k8sTags(tags) {
	return tags.filter((t) => t.tag !== "tag:yaml.org,2002:timestamp" && t.format !== "TIME");
}

// position(doc, lc, path): "LINE:COL" of the field's key (of the value for
// an array item; of the nearest existing parent for a missing field).
function position(doc, lc, path) {
	const at = (node) => {
		const p = lc.linePos(node.range[0]);
		return `${p.line}:${p.col}`;
	};
	if (path.length && typeof path[path.length - 1] === "string") {
		const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
		const pair = isMap(parent) && parent.items.find((it) => it.key && it.key.value === path[path.length - 1]);
		if (pair && pair.key.range) return at(pair.key);
	}
	for (let n = path.length; n >= 0; n--) {
		const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
		if (node && node.range) return at(node);
	}
	return "?:?";
}

function generatedNoise(obj) {
	const out = [];
	if (obj.status !== undefined) out.push({ path: ["status"], msg: "Forbidden: runtime status in a generated manifest" });
	const meta = obj.metadata;
	if (meta && typeof meta === "object")
		for (const f of SERVER_SET)
			if (meta[f] !== undefined) out.push({ path: ["metadata", f], msg: "Forbidden: set by the API server, not by a manifest" });
	const specs = [["spec"], ["spec", "template", "spec"], ["spec", "jobTemplate", "spec", "template", "spec"]];
	for (const p of specs) {
		let s = obj;
		for (const k of p) s = s && typeof s === "object" ? s[k] : undefined;
		if (s && typeof s === "object" && s.nodeName !== undefined)
			out.push({ path: [...p, "nodeName"], msg: "Forbidden: binds the pod to this machine's node name" });
	}
	return out;
}

// checkObject(obj, opts): the errors of one object, paths relative to it.
async function checkObject(obj, opts) {
	if (obj === null || typeof obj !== "object" || Array.isArray(obj))
		return { what: "?", errors: [{ path: [], msg: "a Kubernetes object must be a mapping" }] };
	const meta = obj.metadata && typeof obj.metadata === "object" ? obj.metadata : {};
	const what = `${obj.apiVersion}/${obj.kind}${typeof meta.name === "string" ? " " + meta.name : ""}`;
	if (obj.apiVersion === "v1" && obj.kind === "List") {
		const errors = [];
		if (!Array.isArray(obj.items)) errors.push({ path: ["items"], msg: "Required value: a List has items" });
		for (const k of Object.keys(obj))
			if (!["apiVersion", "kind", "metadata", "items"].includes(k)) errors.push({ path: [k], msg: `unknown field "${k}"` });
		for (const [i, item] of (obj.items || []).entries()) {
			const r = await checkObject(item, opts);
			for (const e of r.errors) errors.push({ path: ["items", i, ...e.path], msg: e.msg });
		}
		return { what, errors };
	}
	const km = await kindModel(obj.apiVersion, obj.kind);
	if (km.error) return { what, errors: [{ path: obj.apiVersion === undefined ? ["apiVersion"] : ["kind"], msg: km.error }] };
	const errors = [...schemaErrors(km.cls, obj), ...(await unknownFields(obj.apiVersion, obj.kind, obj))];
	// the rules assume the types are right; only run them on a clean schema
	if (errors.length === 0) errors.push(...apiRules(obj));
	if (opts.generated) errors.push(...generatedNoise(obj));
	return { what, errors };
}

async function checkStream(name, src, opts) {
	const lc = new LineCounter();
	const docs = parseAllDocuments(src, { version: "1.1", customTags: k8sTags, uniqueKeys: true, lineCounter: lc, prettyErrors: false });
	let bad = 0;
	let n = 0;
	for (const doc of docs) {
		n++;
		const lines = [];
		let what = "?";
		if (doc.errors.length) {
			for (const e of doc.errors) {
				const p = lc.linePos(e.pos[0]);
				lines.push(`${p.line}:${p.col}: YAML: ${e.message.split("\n")[0]}`);
			}
		} else if (doc.contents === null) {
			if (!opts.quiet) process.stdout.write(`${name}: doc ${n}: empty, skipped\n`);
			continue;
		} else {
			let obj;
			try {
				obj = doc.toJS({ maxAliasCount: 100 });
			} catch (e) {
				lines.push(`?:?: YAML: ${e.message}`);
			}
			if (obj !== undefined) {
				const r = await checkObject(obj, opts);
				what = r.what;
				const pos = r.errors.map((e) => position(doc, lc, e.path));
				const order = r.errors.map((_, i) => i);
				// in file order (a stable sort: same place, same order as found)
				const num = (p) => p.split(":").map((x) => Number(x) || 0);
				order.sort((a, b) => num(pos[a])[0] - num(pos[b])[0] || num(pos[a])[1] - num(pos[b])[1]);
				for (const i of order) lines.push(`${pos[i]}: ${formatPath(r.errors[i].path)}: ${r.errors[i].msg}`);
			}
		}
		if (lines.length) {
			bad++;
			process.stdout.write(`${name}: doc ${n} (${what}): ${lines.length} error${lines.length > 1 ? "s" : ""}\n`);
			for (const l of lines) process.stdout.write(`  ${l}\n`);
		} else if (!opts.quiet) {
			process.stdout.write(`${name}: doc ${n} (${what}): OK\n`);
		}
	}
	if (n === 0) {
		process.stdout.write(`${name}: no documents\n`);
		return 1;
	}
	return bad;
}

async function main(argv) {
	const opts = { generated: false, quiet: false };
	const files = [];
	for (const a of argv) {
		if (a === "--generated") opts.generated = true;
		else if (a === "--quiet" || a === "-q") opts.quiet = true;
		else if (a === "--help" || a === "-h") usage();
		else if (a.startsWith("-") && a !== "-") usage(`unknown option '${a}'`);
		else files.push(a);
	}
	if (files.length === 0) files.push("-");
	let bad = 0;
	for (const f of files) {
		let src;
		try {
			src = readFileSync(f === "-" ? 0 : f, "utf8");
		} catch (e) {
			process.stderr.write(`validate.mjs: read '${f}': ${e.message}\n`);
			process.exit(2);
		}
		bad += await checkStream(f === "-" ? "<stdin>" : f, src, opts);
	}
	process.exit(bad ? 1 : 0);
}

// (a reader that stops early, as `| head` does: no stack trace, exit 2)
process.stdout.on("error", (e) => process.exit(2));
await main(process.argv.slice(2));
