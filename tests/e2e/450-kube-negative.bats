#!/usr/bin/env bats
# kube play with bad manifests (tests/data/kube/negative/): each fails
# with exit 125 and its exact error line "FILE:LINE:COL: PATH: MESSAGE"
# (Kubernetes' API server wording where it has one), and nothing is
# created: no pod, container, volume, network, mount or netns.  Manifests
# that are valid but cannot run here (a bad capability, a hostPort that a
# pod of an earlier play publishes) fail at create or start and roll back
# everything.  The pods would use a network of the test's own
# (10.245.<random>.0/24).

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"
source "$BATS_TEST_DIRNAME/lib/kube.sh"

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	kube_images
	kube_net 245
}

teardown() {
	kube_teardown
}

Q="'"
# file (in tests/data/kube/negative, played from there)  exact error line
NEG=(
	tab-indent.yaml 'tab-indent.yaml:8:1: tabs are not allowed for indentation'
	dup-key.yaml 'dup-key.yaml:10:5: duplicate key "image"'
	wrong-type.yaml 'wrong-type.yaml:6:15: spec.containers: expected array, got string'
	hostport-range.yaml 'hostport-range.yaml:11:17: spec.containers[0].ports[0].hostPort: invalid value 70000: must be between 1 and 65535, inclusive'
	missing-image.yaml 'missing-image.yaml:7:5: spec.containers[0].image: required value'
	bad-name.yaml "bad-name.yaml:4:9: metadata.name: invalid value \"Web_App\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, $Q-$Q or $Q.$Q, start and end with an alphanumeric character, and be at most 253 characters"
	dup-container.yaml 'dup-container.yaml:10:11: spec.containers[0].name: duplicate value "app"'
	bad-restart.yaml 'bad-restart.yaml:6:18: spec.restartPolicy: unsupported value "Sometimes": supported values: "Always", "OnFailure", "Never"'
	job-always.yaml 'job-always.yaml:8:22: spec.template.spec.restartPolicy: unsupported value "Always": supported values: "OnFailure", "Never"'
	selector-mismatch.yaml 'selector-mismatch.yaml:13:9: spec.template.metadata.labels: invalid value: `selector` does not match template `labels`'
	bad-quantity.yaml "bad-quantity.yaml:11:17: spec.containers[0].resources.limits[memory]: invalid value \"12XB\": quantities must match the regular expression $Q^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)\$$Q"
	unknown-volume.yaml 'unknown-volume.yaml:12:13: spec.containers[0].volumeMounts[1].name: not found "nosuch"'
	missing-configmap.yaml 'missing-configmap.yaml:22:7: spec.containers[0].env[1].valueFrom.configMapKeyRef: configmap "absent" not found'
	missing-configmap-volume.yaml 'missing-configmap-volume.yaml:13:5: spec.volumes[0].configMap: configmap "absent" not found'
	missing-secret-key.yaml 'missing-secret-key.yaml:17:7: spec.containers[0].env[0].valueFrom.secretKeyRef: key "password" not found in secret "creds"'
	hostport-conflict.yaml 'hostport-conflict.yaml:24:5: spec.containers[0].ports[0].hostPort: host port 38080/TCP is already taken by pod "port-one": a node runs only one pod per host port'
	nonroot-uid0.yaml 'nonroot-uid0.yaml:11:5: spec.containers[0].securityContext.runAsUser: runAsUser 0 breaks the runAsNonRoot policy'
	second-doc-bad.yaml 'second-doc-bad.yaml:37:22: spec.containers[0].ports[0].containerPort: invalid value 0: must be between 1 and 65535, inclusive'
)

# play_negative FILE: kube play FILE from its directory; exit 125 and
# nothing created, else print why and return 1.
play_negative() {
	state_snapshot
	run --separate-stderr ctr kube play --network "$KNET" "$1"
	if [ "$status" != 125 ]; then
		echo "# $1: exit $status, not 125; stderr: $stderr" >&2
		return 1
	fi
	assert_nothing_created 2>&1 | sed "s/^/# $1: /" >&2
	[ "${PIPESTATUS[0]}" = 0 ]
}

@test "kube negative: each bad manifest fails with its exact error line and creates nothing" {
	# (no loop variable "i": bats' run sets a global i)
	local bad=0 row f want
	cd "$KDATA/negative"
	for ((row = 0; row < ${#NEG[@]}; row += 2)); do
		f=${NEG[row]}
		want=${NEG[row + 1]}
		play_negative "$f" || { bad=$((bad + 1)); continue; }
		if ! assert_error_line "$want" 2>/dev/null; then
			bad=$((bad + 1))
			printf '# %s\n#   want: %s\n#   got:  %s\n' "$f" "$want" \
				"$(sed 's/^/#         /' <<<"$stderr" | sed '1s/^#         //')" >&2
		fi
	done
	# every file of the directory is in the table (the two below excepted)
	for f in *.yaml; do
		case " ${NEG[*]} bad-capability.yaml hostport-taken.yaml " in
		*" $f "*) ;;
		*) bad=$((bad + 1)); echo "# $f is in no table" >&2 ;;
		esac
	done
	[ "$bad" = 0 ] || fail "$bad negative manifests did not fail as expected"
}

@test "kube negative: an unknown capability (accepted by the API server) fails at create, nothing left" {
	cd "$KDATA/negative"
	play_negative bad-capability.yaml
	assert_stderr_contains "BOGUS_CAP"
}

@test "kube negative: a hostPort a running pod publishes: the play fails at publishing, undoes all" {
	KPORT=$(free_tcp_port)
	kplay "$(render ports)"
	assert_success
	_subst <"$KDATA/negative/hostport-taken.yaml" >"$TEST_DIR/hostport-taken.yaml"
	cd "$TEST_DIR"
	play_negative hostport-taken.yaml
	id=$(ctr pod inspect --format '{{.Id}}' portpod)
	assert_stderr_contains "port $KPORT/tcp is already published by pod $id"
	# the first pod still serves the port
	run curl -sf --noproxy '*' -m 5 "http://127.0.0.1:$KPORT/"
	assert_equal "$output" "hello-from-hostport"
}
