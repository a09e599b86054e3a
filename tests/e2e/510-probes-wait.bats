#!/usr/bin/env bats
# kube play --wait=ready (issue 7): play, then wait until every pod is
# Ready (running, readiness probes passing), a Job's pods excepted; exit
# 125 when a pod fails or --wait-timeout runs out, leaving the pods.  Pods
# run on a network of the test's own (10.235.<random>.0/24).

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"
source "$BATS_TEST_DIRNAME/lib/kube.sh"

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	kube_images
	kube_net 235
}

teardown() {
	kube_teardown
}

LOOP="trap 'exit 0' TERM; while :; do sleep 0.2; done"

@test "kube play --wait=ready returns once every pod is Ready, not waiting for Jobs" {
	cat >"$TEST_DIR/ready.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: wr}
spec:
  containers:
  - name: app
    image: $KBOX
    command: [sh, -c, "sleep 3; httpd -p 9000 -h /tmp; $LOOP"]
    readinessProbe:
      tcpSocket: {port: 9000}
      periodSeconds: 1
  - name: side
    image: $KBOX
    command: [sh, -c, "$LOOP"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: wd}
spec:
  replicas: 2
  selector: {matchLabels: {app: wd}}
  template:
    metadata: {labels: {app: wd}}
    spec:
      containers:
      - name: app
        image: $KBOX
        command: [sh, -c, "$LOOP"]
---
apiVersion: batch/v1
kind: Job
metadata: {name: wj}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: $KBOX
        command: [sh, -c, "$LOOP"]
YAML
	t0=$SECONDS
	kplay "$TEST_DIR/ready.yaml" --wait=ready
	assert_success
	t=$((SECONDS - t0))
	[ "$t" -ge 3 ] && [ "$t" -le 20 ] || fail "--wait=ready returned after $t s, expected 3-20 s"
	echo "# --wait=ready returned after $t s" >&3
	# the usual report, nothing more
	assert_output_contains "Pod:"
	[ "$(grep -c '^Pod:$' <<<"$output")" = 4 ] || fail "expected 4 pods in the report"
	[ -z "$stderr" ] || fail "unexpected stderr: $stderr"
	run_ctr pod inspect --format '{{.Ready}}' wr
	assert_output_contains true
	run_ctr inspect --format '{{.State.Ready}}' wr-app
	assert_output_contains true
	# the Job's pod still runs: it was not waited for
	run_ctr ps --format '{{.Names}} {{.Ready}}' --filter name=wj
	assert_output_matches 'wj-.*true'
}

@test "kube play --wait=ready: timeout and failed pods exit 125, the pods stay" {
	cat >"$TEST_DIR/never.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: nr}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: $KBOX
    command: [sh, -c, "$LOOP"]
    readinessProbe:
      tcpSocket: {port: 9000}
      periodSeconds: 1
YAML
	t0=$SECONDS
	kplay "$TEST_DIR/never.yaml" --wait=ready --wait-timeout 3s
	assert_status 125
	t=$((SECONDS - t0))
	[ "$t" -ge 3 ] && [ "$t" -le 12 ] || fail "gave up after $t s, expected 3-12 s"
	assert_output_contains "Pod:"
	assert_stderr_matches "Error: kube play --wait=ready: pods not ready after 3s: pod 'nr': container 'nr-app': readiness probe failed: dial tcp 10\.235\.[0-9.]+:9000: connect: connection refused"
	# left as it is, still running
	run_ctr pod inspect --format '{{.State}} {{.Ready}}' nr
	assert_output_contains "Running false"

	cat >"$TEST_DIR/fails.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: fl}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: $KBOX
    command: [sh, -c, "sleep 1; exit 3"]
    readinessProbe:
      tcpSocket: {port: 9000}
      periodSeconds: 1
YAML
	t0=$SECONDS
	kplay "$TEST_DIR/fails.yaml" --wait=ready
	assert_status 125
	t=$((SECONDS - t0))
	[ "$t" -le 15 ] || fail "noticed the failure after $t s, expected at once"
	assert_stderr_contains "pod 'fl' will not become ready: container 'fl-app' exited with code 3"
	run_ctr pod exists fl
	assert_success

	# a pod that completes counts as done (ready or not while it ran)
	cat >"$TEST_DIR/done.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: dn}
spec:
  restartPolicy: OnFailure
  containers:
  - name: app
    image: $KBOX
    command: [sh, -c, "sleep 1"]
    readinessProbe:
      tcpSocket: {port: 9000}
      periodSeconds: 1
YAML
	kplay "$TEST_DIR/done.yaml" --wait=ready --wait-timeout 30
	assert_success
}

@test "kube play --wait=ready: bad combinations are refused before anything is made" {
	cat >"$TEST_DIR/p.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  containers:
  - {name: app, image: $KBOX, command: [sh, -c, "$LOOP"]}
YAML
	state_snapshot
	kplay "$TEST_DIR/p.yaml" --wait=soon
	assert_status 125
	assert_stderr_contains "--wait='soon': unknown value (--wait or --wait=ready)"
	kplay "$TEST_DIR/p.yaml" --wait-timeout 5s
	assert_status 125
	assert_stderr_contains "--wait-timeout needs --wait=ready"
	kplay "$TEST_DIR/p.yaml" --wait --wait=ready
	assert_status 125
	assert_stderr_contains "--wait and --wait=ready cannot be used together"
	kplay "$TEST_DIR/p.yaml" --wait=ready --start=false
	assert_status 125
	assert_stderr_contains "cannot be used together"
	kplay "$TEST_DIR/p.yaml" --wait=ready --wait-timeout 5x
	assert_status 125
	assert_stderr_contains "--wait-timeout: '5x' is not a duration"
	assert_nothing_created
}
