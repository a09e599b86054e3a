#!/usr/bin/env bats
# grpc and HTTPS probes (issue 7): peapod-conmon's probe child enters the
# pod's netns and execs `peapod probe-attempt`, which speaks TLS and h2c
# with libcurl.  The servers are real and run on the host's filesystem but
# inside the pod's network namespace (nsenter): a gRPC server of Debian's
# python3-grpcio with the standard health service, and Python's HTTPS
# server.  Pods run on a network of the test's own (10.236.<random>.0/24).

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"
source "$BATS_TEST_DIRNAME/lib/kube.sh"

PY=/usr/bin/python3
PROBES=$BATS_TEST_DIRNAME/../data/probes

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	SERVERS=()
	kube_images
	kube_net 236
}

teardown() {
	local p
	for p in "${SERVERS[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	kube_teardown
}

field() {
	ctr inspect --format "$2" "$1"
}

# wait_field CTR TEMPLATE VALUE SECONDS: poll (0.2 s) until it shows VALUE.
wait_field() {
	local t0=$SECONDS v _
	for _ in $(seq 1 $(($4 * 5))); do
		v=$(field "$1" "$2" 2>/dev/null)
		if [ "$v" = "$3" ]; then
			echo $((SECONDS - t0))
			return 0
		fi
		sleep 0.2
	done
	fail "$1: $2 is '$v', not '$3' after $4 s"
}

# in_pod_netns CTR LOG CMD...: run CMD on the host in CTR's network
# namespace, in the background (killed by teardown); waits for "listening".
in_pod_netns() {
	local ctr=$1 log=$2 pid _
	shift 2
	pid=$(field "$ctr" '{{.State.Pid}}')
	[ -n "$pid" ] && [ "$pid" != 0 ] || fail "$ctr has no pid" || return 1
	nsenter -t "$pid" -n "$@" >"$log" 2>&1 3>&- &
	SERVERS+=("$!")
	for _ in $(seq 1 50); do
		grep -q listening "$log" && return 0
		sleep 0.1
	done
	fail "server did not start: $(cat "$log")"
}

@test "probes: grpc readiness and liveness against a real gRPC health server" {
	[ -x "$PY" ] && "$PY" -c 'import grpc' || fail "python3-grpcio is missing (make deps)"
	echo SERVING >"$TEST_DIR/grpc-status"
	cat >"$TEST_DIR/grpc.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: grp}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: $KBOX
    command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 0.2; done"]
    readinessProbe:
      grpc: {port: 9000}
      periodSeconds: 1
      failureThreshold: 1
    livenessProbe:
      grpc: {port: 9000, service: web}
      initialDelaySeconds: 4
      periodSeconds: 1
      failureThreshold: 3
YAML
	kplay "$TEST_DIR/grpc.yaml"
	assert_success
	[[ "$stderr" != *"not run"* ]] || fail "kube play still warns: $stderr"
	# nothing listens yet: the readiness probe fails with the dial error
	wait_field grp-app '{{.State.Health.Probes.readiness.lastOk}}' false 10 >/dev/null
	run_ctr inspect --format '{{.State.Ready}} {{.State.Health.Probes.readiness.lastOutput}}' grp-app
	assert_output_matches '^false error: failed to connect service at "10\.236\.[0-9]+\.[0-9]+:9000": dial tcp .*connection refused'
	in_pod_netns grp-app "$TEST_DIR/grpc.log" "$PY" "$PROBES/grpc-health.py" '[::]:9000' \
		"$TEST_DIR/grpc-status"
	wait_field grp-app '{{.State.Ready}}' true 10 >/dev/null
	wait_field grp-app '{{.State.Health.Status}}' healthy 10 >/dev/null
	run_ctr inspect --format '{{.State.Health.Probes.readiness.lastOutput}}' grp-app
	assert_output_contains "service healthy"
	run_ctr healthcheck run grp-app
	assert_success
	run_ctr pod inspect --format '{{.Ready}}' grp
	assert_output_contains true
	# conmon stays small: the attempts are processes of their own
	pid=$(field grp-app '{{.State.ConmonPid}}')
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
	[ "$rss" -le 1024 ] || fail "peapod-conmon VmRSS is $rss kB (> 1 MiB)"
	echo "# peapod-conmon VmRSS with grpc probes: $rss kB" >&3

	# NOT_SERVING: readiness drops at once, liveness kills after 3 failures
	echo NOT_SERVING >"$TEST_DIR/grpc-status"
	wait_field grp-app '{{.State.Ready}}' false 5 >/dev/null
	run_ctr healthcheck run grp-app
	assert_status 1
	assert_stderr_contains 'service unhealthy (responded with "NOT_SERVING")'
	t=$(wait_field grp-app '{{.RestartCount}}' 1 20)
	[ "$t" -le 12 ] || fail "liveness restart after $t s, expected <= 12 s"
	echo "# grpc liveness restart after $t s" >&3
	run_ctr inspect --format '{{.State.Health.KillReason}}' grp-app
	assert_output_contains 'liveness probe failed: service unhealthy (responded with "NOT_SERVING")'
}

@test "probes: httpGet with scheme HTTPS, a named port and headers, no certificate check" {
	[ -x "$PY" ] || fail "/usr/bin/python3 is missing (make deps)"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$TEST_DIR/key.pem" -out "$TEST_DIR/cert.pem" -subj /CN=probe -days 1 \
		>/dev/null 2>&1 || fail "openssl req failed"
	touch "$TEST_DIR/https-ok"
	cat >"$TEST_DIR/https.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: tls}
spec:
  containers:
  - name: app
    image: $KBOX
    command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 0.2; done"]
    ports: [{name: https, containerPort: 8443}]
    readinessProbe:
      httpGet:
        scheme: HTTPS
        port: https
        path: /healthz
        httpHeaders: [{name: X-Probe, value: "yes"}]
      periodSeconds: 1
      failureThreshold: 1
YAML
	kplay "$TEST_DIR/https.yaml"
	assert_success
	[[ "$stderr" != *"not run"* ]] || fail "kube play still warns: $stderr"
	wait_field tls-app '{{.State.Health.Probes.readiness.lastOk}}' false 10 >/dev/null
	run_ctr inspect --format '{{.State.Health.Probes.readiness.lastOutput}}' tls-app
	assert_output_matches '^Get "https://10\.236\.[0-9]+\.[0-9]+:8443/healthz": dial tcp .*: connect: connection refused$'
	in_pod_netns tls-app "$TEST_DIR/https.log" "$PY" "$PROBES/https-health.py" 0.0.0.0 8443 \
		"$TEST_DIR/cert.pem" "$TEST_DIR/key.pem" "$TEST_DIR/https-ok" "$TEST_DIR/requests"
	wait_field tls-app '{{.State.Ready}}' true 10 >/dev/null
	run_ctr inspect --format '{{.State.Health.Probes.readiness.lastOutput}}' tls-app
	assert_output_contains "HTTP probe succeeded with statuscode: 200"
	grep -q '^GET /healthz HTTP/1.1' "$TEST_DIR/requests" || fail "no GET /healthz logged"
	grep -q '^X-Probe: yes' "$TEST_DIR/requests" || fail "the probe's header was not sent"
	grep -q '^User-Agent: kube-probe/' "$TEST_DIR/requests" || fail "no kube-probe User-Agent"
	rm "$TEST_DIR/https-ok"
	wait_field tls-app '{{.State.Ready}}' false 5 >/dev/null
	run_ctr inspect --format '{{.State.Health.Probes.readiness.lastOutput}}' tls-app
	assert_output_contains "HTTP probe failed with statuscode: 503"
	run_ctr inspect --format '{{.State.Running}} {{.RestartCount}}' tls-app
	assert_output_contains "true 0"
}
