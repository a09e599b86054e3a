#!/usr/bin/env bats
# kube play workloads: init containers (order, a failing one), native
# sidecars, restartPolicy, Deployment replicas, DaemonSet, Job, kind
# List, a Service in the stream (skipped with a warning).
# Pods run on a network of the test's own (10.244.<random>.0/24).

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"
source "$BATS_TEST_DIRNAME/lib/kube.sh"

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	kube_images
	kube_net 244
}

teardown() {
	kube_teardown
}

# manifest  container  command (sh -c in <pod>-<container>)  expected stdout
ROWS=(
	init app 'cat /work/seen-by-app' '1 2'
	init app 'cat /work/order' '1 2'

	sidecar app 'cat /shared/app-saw' 'init-done'
	sidecar app 'F=/shared/heartbeat; for i in $(seq 1 30); do [ -s $F ] && break; sleep 0.1; done; grep -cE "^[0-9]+$" $F' '1'

	list app 'echo "$FROM_LIST"' 'hello-from-list'
)

# assert_states NAME "STATUS EXITCODE" ...: State.Status and ExitCode.
assert_states() {
	local bad=0 got
	while [ $# -gt 0 ]; do
		got=$(ctr inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$1" 2>&1)
		if [ "$got" != "$2" ]; then
			echo "# $1: want '$2', got '$got'" >&2
			bad=1
		fi
		shift 2
	done
	[ $bad = 0 ] || fail "containers are not in the expected states"
}

@test "kube workloads: init containers run in order, to completion, before the app" {
	kplay "$KDATA/init.yaml"
	assert_success
	check_rows init initpod
	assert_states initpod-first "exited 0" initpod-second "exited 0" \
		initpod-app "running 0"
}

@test "kube workloads: a failing init container fails the play (125), names it, leaves nothing" {
	state_snapshot
	kplay "$KDATA/init-fail.yaml"
	assert_engine_error "migrate"
	assert_nothing_created
}

@test "kube workloads: a native sidecar keeps running beside the app" {
	kplay "$KDATA/sidecar.yaml"
	assert_success
	check_rows sidecar sidecarpod
	assert_states sidecarpod-logger "running 0" sidecarpod-after-sidecar "exited 0" \
		sidecarpod-app "running 0"
	run_ctr kube down "$KDATA/sidecar.yaml"
	assert_success
	run_ctr ps -aq
	assert_output_empty
}

@test "kube workloads: restartPolicy OnFailure, Always and Never" {
	kplay "$KDATA/restart.yaml"
	assert_success
	# OnFailure restarts the container that exited 1 (after the kubelet's
	# 10 s back-off), Always the one that exited 0
	wait_restarts rp-onfailure-fails 1
	wait_restarts rp-always-quick 1
	for _ in $(seq 1 150); do
		[ "$(ctr exec rp-onfailure-watcher cat /state/fails | wc -l)" -ge 2 ] && break
		sleep 0.1
	done
	run_ctr exec rp-onfailure-watcher cat /state/fails
	[ "${#lines[@]}" -ge 2 ] || fail "the failing container ran ${#lines[@]} times, not >= 2"
	# ... and nothing else
	run_ctr exec rp-onfailure-watcher cat /state/succeeds
	assert_equal "$output" "run"
	assert_states rp-onfailure-succeeds "exited 0" rp-never-fails "exited 1"
	run_ctr inspect --format '{{.RestartCount}}' rp-onfailure-succeeds
	assert_equal "$output" "0"
	run_ctr inspect --format '{{.RestartCount}}' rp-never-fails
	assert_equal "$output" "0"
}

@test "kube workloads: Deployment with 3 replicas makes NAME-pod-0..2; kube down removes them" {
	kplay "$KDATA/deployment.yaml"
	assert_success
	run_ctr pod ps --format '{{.Name}}'
	assert_equal "$(sort <<<"$output" | xargs)" "replicas-pod-0 replicas-pod-1 replicas-pod-2"
	for r in 0 1 2; do
		run_ctr exec "replicas-pod-$r-app" hostname
		assert_equal "$output" "replicas-pod-$r"
		run_ctr pod inspect --format '{{.Labels.app}} {{.Labels.tier}}' "replicas-pod-$r"
		assert_equal "$output" "replicas web"
	done
	run_ctr kube down "$KDATA/deployment.yaml"
	assert_success
	run_ctr pod ps -q
	assert_output_empty
	run_ctr ps -aq
	assert_output_empty
}

@test "kube workloads: DaemonSet makes one pod NAME-pod" {
	kplay "$KDATA/daemonset.yaml"
	assert_success
	run_ctr pod ps --format '{{.Name}}'
	assert_equal "$output" "agent-pod"
	assert_states agent-pod-collector "running 0"
}

@test "kube workloads: Job runs to completion" {
	kplay "$KDATA/job.yaml"
	assert_success
	run_ctr wait batch-pod-work
	assert_equal "$output" "0"
	run_ctr logs batch-pod-work
	assert_equal "$output" $'computing\njob-done'
	assert_states batch-pod-work "exited 0"
	run_ctr inspect --format '{{.RestartCount}}' batch-pod-work
	assert_equal "$output" "0"
}

@test "kube workloads: a Job's pods run parallelism at a time, each finished pod starts the next" {
	KHOST=$TEST_DIR/host
	mkdir -p "$KHOST"
	kplay "$(render job-parallel)"
	assert_success
	# the last pod waits its turn (its predecessors take >= 1 s each)
	run_ctr pod ps --format '{{.Name}} {{.Status}}'
	assert_output_contains "serial-pod-2 Created"
	for _ in $(seq 1 150); do
		[ "$(grep -c '^end' "$KHOST/log" 2>/dev/null)" = 3 ] && break
		sleep 0.1
	done
	# three runs, one after the other: start, end, start, end, ...
	run awk '{print $1}' "$KHOST/log"
	assert_equal "$(echo $output)" "start end start end start end"
	run_ctr wait serial-pod-2-work
	assert_equal "$output" "0"
	run_ctr ps -a --format '{{.Names}} {{.Status}}' --filter name=serial-pod
	for n in 0 1 2; do
		assert_output_contains "serial-pod-$n-work Exited (0)"
	done
}

@test "kube workloads: kind List, its items played as documents" {
	kplay "$KDATA/list.yaml"
	assert_success
	check_rows list listpod
}

@test "kube workloads: a Service document is skipped with a warning, the rest is played" {
	kplay "$KDATA/service.yaml"
	assert_success
	assert_stderr_contains 'skipping kind Service "frontend"'
	assert_states frontend-app "running 0"
}
