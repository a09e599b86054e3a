#!/usr/bin/env node
// select.mjs KIND[,KIND...] [FILE|-]: print the documents of a YAML stream
// whose kind is one of KINDs (the items of a kind: List as documents of
// their own), as a YAML stream, their text kept as written.  The
// round-trip test uses it to replay the ConfigMaps and Secrets of a
// manifest next to the pods that `kube generate` printed.

import { readFileSync } from "node:fs";
import { Document, isMap, isSeq, parseAllDocuments } from "yaml";

const [kinds, file = "-"] = process.argv.slice(2);
if (!kinds) {
	process.stderr.write("usage: node select.mjs KIND[,KIND...] [FILE|-]\n");
	process.exit(2);
}
const want = new Set(kinds.split(","));
const src = readFileSync(file === "-" ? 0 : file, "utf8");
const out = [];

function kindOf(node) {
	return isMap(node) ? node.get("kind") : undefined;
}

function take(node) {
	if (kindOf(node) === "List" && isSeq(node.get("items", true))) {
		for (const item of node.get("items", true).items) take(item);
	} else if (want.has(kindOf(node))) {
		const d = new Document(null, { version: "1.1" });
		d.contents = node;
		out.push(d.toString());
	}
}

for (const doc of parseAllDocuments(src, { version: "1.1" })) {
	if (doc.errors.length) {
		process.stderr.write(`select.mjs: ${file}: ${doc.errors[0].message}\n`);
		process.exit(1);
	}
	take(doc.contents);
}
process.stdout.write(out.join("---\n"));
