#!/usr/bin/env bats
# The offline Kubernetes validator (tests/k8s-validate/validate.mjs) that
# judges `kube generate` output: it accepts valid manifests and refuses,
# with the right path and message, unknown fields at any depth, wrong
# types, missing required fields, what the API server refuses beyond the
# schema, and (with --generated) runtime noise.  No peapod involved.
#
# tests/k8s-validate/test/good/*.yaml must pass; each bad/NAME.yaml must
# fail with exactly the output in bad/NAME.out (run from test/ with
# --generated; regenerate after a reviewed change with
#   cd tests/k8s-validate/test && for f in bad/*.yaml; do
#   node ../validate.mjs --generated $f >${f%.yaml}.out; done).

load helpers
source "$BATS_TEST_DIRNAME/lib/k8s-validate.sh"
source "$BATS_TEST_DIRNAME/lib/kube.sh"

setup() {
	TEST_DIR=$(mktemp -d "$E2E_DIR/t.XXXXXX")
	export TEST_DIR
	kvalidate_ready
}

teardown() {
	rm -rf "$TEST_DIR"
}

@test "k8s-validate: valid manifests pass, every document OK" {
	cd "$KVALIDATE_DIR/test"
	run kvalidate --generated good/*.yaml
	printf '# %s\n' "${lines[@]}"
	assert_success
	[ "${#lines[@]}" -ge 9 ] || fail "expected >= 9 documents, got ${#lines[@]}"
	for l in "${lines[@]}"; do
		[[ "$l" == *": OK" ]] || fail "not OK: $l" || return 1
	done
}

@test "k8s-validate: bad manifests fail with exactly the expected errors" {
	cd "$KVALIDATE_DIR/test"
	n=0
	for f in bad/*.yaml; do
		n=$((n + 1))
		run kvalidate --generated "$f"
		[ "$status" = 1 ] || fail "$f: exit $status, not 1" || return 1
		if ! diff -u "${f%.yaml}.out" <(printf '%s\n' "$output") >"$TEST_DIR/diff"; then
			sed 's/^/# /' "$TEST_DIR/diff" >&2
			fail "$f: output differs from ${f%.yaml}.out"
			return 1
		fi
	done
	[ "$n" -ge 6 ] || fail "only $n bad cases"
}

@test "k8s-validate: the three failures the issue names are caught" {
	cd "$KVALIDATE_DIR/test"
	run kvalidate bad/unknown-deep.yaml
	assert_failure 1
	assert_output_contains 'spec.containers[0].securityContext.capabilities.addd: unknown field "addd"'
	run kvalidate bad/wrong-type.yaml
	assert_failure 1
	assert_output_contains 'spec.containers[0].env[1].value: must be string'
	run kvalidate bad/missing-required.yaml
	assert_failure 1
	assert_output_contains 'spec.containers[0].name: Required value'
}

@test "k8s-validate: the kube play manifests are valid, the API-invalid negatives are not" {
	# (@DIR@ and friends filled in as the kube play tests do)
	KHOST=/var/tmp/khost KPORT=8080 KNET_PREFIX=10.1.2
	for f in "$KDATA"/*.yaml; do
		_subst <"$f" >"$TEST_DIR/$(basename "$f")"
	done
	run kvalidate -q "$TEST_DIR"/*.yaml
	assert_success
	assert_output_empty
	# refused by the API server (the others are valid objects that only
	# fail on the node: unknown capability, missing ConfigMap, port taken)
	for n in bad-name bad-quantity bad-restart dup-container dup-key hostport-range \
		job-always missing-image second-doc-bad selector-mismatch tab-indent \
		unknown-volume wrong-type; do
		_subst <"$KDATA/negative/$n.yaml" >"$TEST_DIR/neg.yaml"
		run kvalidate -q "$TEST_DIR/neg.yaml"
		[ "$status" = 1 ] || fail "negative/$n.yaml: exit $status: $output" || return 1
	done
	for n in bad-capability hostport-conflict missing-configmap nonroot-uid0; do
		_subst <"$KDATA/negative/$n.yaml" >"$TEST_DIR/neg.yaml"
		run kvalidate -q "$TEST_DIR/neg.yaml"
		[ "$status" = 0 ] || fail "negative/$n.yaml: exit $status: $output" || return 1
	done
}

@test "k8s-validate: stdin, List items, empty input and bad usage" {
	run kvalidate - <"$KVALIDATE_DIR/test/good/workloads.yaml"
	assert_success
	assert_output_contains "<stdin>: doc 8 (v1/List): OK"
	printf 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: c}\n  dta: {}\n' >"$TEST_DIR/list.yaml"
	run kvalidate "$TEST_DIR/list.yaml"
	assert_failure 1
	assert_output_contains '7:3: items[0].dta: unknown field "dta"'
	run kvalidate - </dev/null
	assert_failure 1
	assert_output_contains "no documents"
	run kvalidate "$TEST_DIR/does-not-exist.yaml"
	assert_failure 2
	run kvalidate --bogus
	assert_failure 2
}
