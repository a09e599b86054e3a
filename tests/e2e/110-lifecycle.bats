#!/usr/bin/env bats
# Container lifecycle without a daemon: create/start/stop (StopSignal and
# -t), kill, restart, rm -f, wait, ps, inspect, a monitor or container
# killed from outside, and restart policies.  Runtime: $PEAPOD_RUNTIME.

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	import_busybox
}

teardown() {
	ctr_teardown
}

BB=localhost/busybox

# A command that reports SIG and exits CODE on it, and ignores SIGTERM
# otherwise (pid 1 ignores signals it has no handler for).
trap_cmd() {
	echo "trap 'echo got-$1; exit $2' $1; echo ready; while :; do sleep 0.1; done"
}

@test "lifecycle: create, start, stop: states and exit code" {
	run_ctr create --name c1 $BB sh -c "$(trap_cmd TERM 0)"
	assert_success
	[[ "$output" =~ ^[0-9a-f]{64}$ ]] || fail "create printed '$output', not a full id"
	run_ctr inspect --format '{{.State.Status}} {{.State.Pid}}' c1
	assert_equal "$output" "created 0"
	run_ctr ps --format '{{.Names}}'
	assert_output_empty
	run_ctr ps -a --filter status=created --format '{{.Names}}'
	assert_equal "$output" "c1"
	run_ctr start c1
	assert_success
	wait_log c1 ready
	run_ctr inspect --format '{{.State.Status}}' c1
	assert_equal "$output" "running"
	run_ctr stop c1
	assert_success
	run_ctr inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}' c1
	assert_equal "$output" "exited 0 0"
	run_ctr logs c1
	assert_output_contains "got-TERM"
	# Started again: a new run of the same container.
	run_ctr start c1
	assert_success
	wait_state c1 running
	run_ctr stop -t 5 c1
	assert_success
}

@test "lifecycle: stop sends the image's StopSignal" {
	import_busybox localhost/usr1 --change 'STOPSIGNAL SIGUSR1'
	run_ctr run -d --name s1 localhost/usr1 sh -c "$(trap_cmd USR1 7)"
	assert_success
	wait_log s1 ready
	local t0=$(date +%s)
	run_ctr stop -t 20 s1
	assert_success
	[ $(($(date +%s) - t0)) -lt 10 ] || fail "stop waited for the timeout: SIGUSR1 was not sent"
	run_ctr logs s1
	assert_output_contains "got-USR1"
	run_ctr inspect --format '{{.State.ExitCode}}' s1
	assert_equal "$output" "7"
}

@test "lifecycle: stop -t kills a container that ignores SIGTERM after t seconds" {
	run_ctr run -d --name deaf $BB sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
	assert_success
	wait_log deaf ready
	local t0=$(date +%s) dt
	run_ctr stop -t 2 deaf
	assert_success
	dt=$(($(date +%s) - t0))
	[ "$dt" -ge 1 ] && [ "$dt" -le 6 ] || fail "stop -t 2 took ${dt}s"
	run_ctr inspect --format '{{.State.Status}} {{.State.ExitCode}}' deaf
	assert_equal "$output" "exited 137"
}

@test "lifecycle: kill -s delivers the signal, wait returns the exit code" {
	run_ctr run -d --name k1 $BB sh -c "$(trap_cmd HUP 42)"
	assert_success
	wait_log k1 ready
	run_ctr kill -s HUP k1
	assert_success
	run_ctr wait k1
	assert_success
	assert_equal "$(last_line)" "42"
	run_ctr logs k1
	assert_output_contains "got-HUP"
	# wait on an exited container returns at once.
	run_ctr wait k1
	assert_equal "$(last_line)" "42"
	# kill of a container that is not running is an error.
	run_ctr kill k1
	assert_failure
}

@test "lifecycle: wait returns the exit code of a container that exits by itself" {
	run_ctr run -d --name w1 $BB sh -c 'sleep 0.5; exit 3'
	assert_success
	run_ctr wait w1
	assert_success
	assert_equal "$(last_line)" "3"
	run_ctr wait no-such-ctr
	assert_failure
}

@test "lifecycle: restart starts the container again with a new pid" {
	run_ctr run -d --name r1 $BB sh -c "$(trap_cmd TERM 0)"
	assert_success
	wait_log r1 ready
	local pid1 pid2
	pid1=$(ctr inspect --format '{{.State.Pid}}' r1)
	run_ctr restart r1
	assert_success
	wait_state r1 running
	pid2=$(ctr inspect --format '{{.State.Pid}}' r1)
	[ "$pid2" -gt 0 ] && [ "$pid2" != "$pid1" ] || fail "pid before $pid1, after $pid2"
	kill -0 "$pid2" || fail "new pid $pid2 is not alive"
	! kill -0 "$pid1" 2>/dev/null || fail "old pid $pid1 is still alive"
	local i n=0
	for i in $(seq 1 50); do
		n=$(ctr logs r1 | grep -c ready)
		[ "$n" -ge 2 ] && break
		sleep 0.1
	done
	[ "$n" -ge 2 ] || fail "the log shows $n starts"
}

@test "lifecycle: rm refuses a running container, rm -f removes it" {
	run_ctr run -d --name rmf $BB "${LONG[@]}"
	assert_success
	local id=$output pid
	pid=$(ctr inspect --format '{{.State.Pid}}' rmf)
	run_ctr rm rmf
	assert_failure
	run_ctr container exists rmf
	assert_success
	run_ctr rm -f rmf
	assert_success
	run_ctr container exists rmf
	assert_status 1
	run_ctr ps -a -q
	assert_output_empty
	! kill -0 "$pid" 2>/dev/null || fail "container process $pid survived rm -f"
	[ -z "$(conmon_pids_of "$id")" ] || fail "conmon survived rm -f"
	[ ! -e "$(root_of)/containers/$id" ] || fail "container dir left: $(ls "$(root_of)/containers/$id")"
}

@test "lifecycle: ps -a, -q, --no-trunc, --filter and --format" {
	run_ctr run -d --name up --label role=web $BB "${LONG[@]}"
	assert_success
	local up=$output
	run_ctr run --name done --label role=batch $BB true
	assert_success
	run_ctr create --name made $BB true
	assert_success

	run_ctr ps
	assert_success
	assert_output_matches '^CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES'
	assert_equal "${#lines[@]}" 2
	assert_output_contains "up"
	assert_output_contains "${up:0:12}"
	run_ctr ps -a -q
	assert_equal "${#lines[@]}" 3
	[[ "${lines[0]}" =~ ^[0-9a-f]{12}$ ]] || fail "ps -q printed '${lines[0]}'"
	run_ctr ps -q --no-trunc
	assert_equal "$output" "$up"
	run_ctr ps -a --filter status=exited --format '{{.Names}}'
	assert_equal "$output" "done"
	run_ctr ps -a --filter name=made --filter status=created --format '{{.Names}}'
	assert_equal "$output" "made"
	run_ctr ps -a --filter label=role=web --format '{{.ID}}'
	assert_equal "$output" "${up:0:12}"
	run_ctr ps -a --filter id="${up:0:8}" -q
	assert_equal "$output" "${up:0:12}"
	run_ctr ps -a --format '{{.Names}} {{.Status}}' --filter name=done
	assert_output_matches '^done Exited \(0\) '
	run_ctr ps --format '{{.Names}} {{.Status}}'
	assert_output_matches '^up Up '
	run_ctr ps -a --format json
	assert_success
	jq -e 'length == 3' <<<"$output" >/dev/null || fail "ps --format json: $output"
}

@test "lifecycle: inspect shows State, Config and HostConfig as podman" {
	run_ctr run -d --name insp -e FOO=bar --restart on-failure:3 $BB "${LONG[@]}"
	assert_success
	local id=$output j
	j=$(ctr inspect insp) || fail "inspect failed"
	jq -e --arg id "$id" --argjson cmd "$(printf '%s\n' "${LONG[@]}" | jq -R . | jq -sc .)" '
		(type == "array") and (.[0].Id == $id) and (.[0].Name == "insp")
		and (.[0].State.Status == "running") and (.[0].State.Running == true)
		and (.[0].State.Pid > 0) and (.[0].State.ExitCode == 0)
		and (.[0].State.OOMKilled == false)
		and (.[0].State.StartedAt | test("^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T"))
		and (.[0].Config.Env | index("FOO=bar") != null)
		and (.[0].Config.Env | map(select(startswith("PATH="))) | length == 1)
		and (.[0].Config.Cmd == $cmd)
		and (.[0].HostConfig.RestartPolicy.Name == "on-failure")
		and (.[0].HostConfig.RestartPolicy.MaximumRetryCount == 3)' <<<"$j" >/dev/null ||
		fail "inspect: $(jq -c '.[0] | {Id, Name, State, Env: .Config.Env, Cmd: .Config.Cmd, R: .HostConfig.RestartPolicy}' <<<"$j")"
	run_ctr kill insp
	assert_success
	run_ctr wait insp
	j=$(ctr inspect insp)
	jq -e '(.[0].State.Status == "exited") and (.[0].State.Pid == 0)
		and (.[0].State.ExitCode == 143 or .[0].State.ExitCode == 137)
		and (.[0].State.FinishedAt >= .[0].State.StartedAt)
		and (.[0].State.FinishedAt | test("^20[0-9][0-9]-"))' <<<"$j" >/dev/null ||
		fail "inspect after kill: $(jq -c '.[0].State' <<<"$j")"
	run_ctr inspect --format '{{.State.Status}}' insp no-such-ctr
	assert_failure
}

@test "lifecycle: killing peapod-conmon from outside is noticed" {
	run_ctr run -d --name cm $BB "${LONG[@]}"
	assert_success
	local id=$output cpid pid s i
	pid=$(ctr inspect --format '{{.State.Pid}}' cm)
	cpid=$(conmon_pids_of "$id")
	[ -n "$cpid" ] || fail "no conmon for $id"
	kill -9 $cpid
	for i in $(seq 1 50); do
		s=$(ctr ps -a --filter name=cm --filter status=exited --format '{{.Names}}')
		[ "$s" = cm ] && break
		sleep 0.1
	done
	assert_equal "$s" "cm" "ps --filter status=exited after conmon was killed"
	run_ctr rm -f cm
	assert_success
	run_ctr ps -a -q
	assert_output_empty
	# dead: gone, or a zombie waiting for PID 1 (which reaps slowly here)
	[ ! -e "/proc/$pid" ] || grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null ||
		fail "container process $pid survived"
}

@test "lifecycle: killing the container's init from outside is noticed" {
	run_ctr run -d --name ki $BB "${LONG[@]}"
	assert_success
	local id=$output pid s i
	pid=$(ctr inspect --format '{{.State.Pid}}' ki)
	kill -9 "$pid"
	for i in $(seq 1 50); do
		s=$(ctr ps -a --filter name=ki --filter status=exited --format '{{.Names}}')
		[ "$s" = ki ] && break
		sleep 0.1
	done
	assert_equal "$s" "ki" "ps --filter status=exited after the init was killed"
	run_ctr inspect --format '{{.State.ExitCode}}' ki
	assert_equal "$output" "137"
	for i in $(seq 1 30); do
		[ -z "$(conmon_pids_of "$id")" ] && break
		sleep 0.1
	done
	[ -z "$(conmon_pids_of "$id")" ] || fail "conmon of $id still runs"
	run_ctr rm ki
	assert_success
	run_ctr ps -a -q
	assert_output_empty
}

# The slow one (~12 s): both policies side by side.  The first restart
# comes after the kubelet's initial backoff of 10 s.
@test "lifecycle: --restart always and on-failure:1 restart after the backoff" {
	run_ctr run -d --name al --restart always $BB sh -c 'echo run; sleep 1; exit 1'
	assert_success
	local al=$output
	run_ctr run -d --name of --restart on-failure:1 $BB sh -c 'echo run; exit 3'
	assert_success
	local t0=$(date +%s) dt n_al=0 n_of=0 i
	run_ctr inspect --format '{{.RestartCount}} {{.State.Status}}' al
	assert_equal "$output" "0 running"
	# Restarted = the command ran a second time.
	for i in $(seq 1 50); do
		n_al=$(ctr logs al | grep -c run)
		n_of=$(ctr logs of | grep -c run)
		[ "$n_al" -ge 2 ] && [ "$n_of" -ge 2 ] && break
		sleep 0.5
	done
	dt=$(($(date +%s) - t0))
	[ "$n_al" -ge 2 ] || fail "restart always: ran $n_al times in ${dt}s"
	[ "$n_of" -ge 2 ] || fail "on-failure:1: ran $n_of times in ${dt}s"
	[ "$dt" -ge 8 ] && [ "$dt" -le 20 ] || fail "first restart after ${dt}s, want ~10s"
	run_ctr inspect --format '{{.RestartCount}}' al
	assert_equal "$output" "1"
	# on-failure:1 has used its one retry: it stays exited.
	wait_state of exited
	sleep 1
	run_ctr inspect --format '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}' of
	assert_equal "$output" "exited 1 3"
	[ "$(ctr logs of | grep -c run)" -eq 2 ] || fail "on-failure:1 ran $(ctr logs of | grep -c run) times"
	# A user's stop ends the always policy, also during the backoff.
	run_ctr stop -t 1 al
	assert_success
	run_ctr inspect --format '{{.State.Status}}' al
	assert_equal "$output" "exited"
	sleep 1
	run_ctr inspect --format '{{.State.Status}}' al
	assert_equal "$output" "exited"
	run_ctr rm -f al of
	assert_success
	[ -z "$(pgrep -f "container cleanup $al")" ] || fail "a cleanup process of $al waits on"
}
