#!/bin/bash
# The offline Kubernetes validator (tests/k8s-validate) for the e2e files.
# Source after `load helpers`.
#
#   KVALIDATE_DIR            tests/k8s-validate
#   kvalidate_ready          fail (naming `make deps`) unless node and the
#                            validator's packages are installed
#   kvalidate [ARGS]         node validate.mjs ARGS (see its header)

KVALIDATE_DIR=$(cd "$BATS_TEST_DIRNAME/../k8s-validate" && pwd)

kvalidate_ready() {
	command -v node >/dev/null ||
		fail "node is missing: run 'make deps' (tests/k8s-validate)" || return 1
	[ -d "$KVALIDATE_DIR/node_modules/kubernetes-models" ] &&
		[ -d "$KVALIDATE_DIR/node_modules/@kubernetes/client-node" ] ||
		fail "the validator's npm packages are not installed: run 'make deps'"
}

kvalidate() {
	node "$KVALIDATE_DIR/validate.mjs" "$@"
}
