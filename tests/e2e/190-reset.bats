#!/usr/bin/env bats
# `system reset -f` with running containers: afterwards no mount, no
# process (container, peapod-conmon, waiting cleanup) and no file of the
# root or runroot is left, and peapod works again on the same roots.

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

# assert_reset_clean ID PID...: nothing of the containers ID... is left.
assert_reset_clean() {
	local r rr id pid m left
	r=$(root_of)
	rr=$(dirname "$r")/runroot
	m=$(grep -F "$(dirname "$r")/" /proc/self/mountinfo | awk '{print $5}')
	[ -z "$m" ] || fail "mounts left: $m" || return 1
	for pid in $PIDS; do
		! kill -0 "$pid" 2>/dev/null || fail "container process $pid left" || return 1
	done
	for id in $IDS; do
		[ -z "$(conmon_pids_of "$id")" ] || fail "conmon of $id left" || return 1
		[ -z "$(pgrep -f "container cleanup $id")" ] || fail "cleanup of $id left" || return 1
		[ -z "$(runc --root "$rr/runtime/runc" list -q 2>/dev/null | grep "$id")" ] ||
			fail "runc still knows $id" || return 1
		[ -z "$(cgroup_dirs_of "$id")" ] || fail "cgroups left: $(cgroup_dirs_of "$id")" || return 1
	done
	! _kill_ours || fail "container processes left (killed now)" || return 1
	left=$(find "$r" "$rr" -mindepth 1 ! -type d 2>/dev/null || true)
	[ -z "$left" ] || fail "files left: $left"
}

start_some() {
	local n id
	IDS="" PIDS=""
	for n in "$@"; do
		id=$(ctr run -d --name "$n" $BB "${LONG[@]}") || fail "run $n failed" || return 1
		IDS="$IDS $id"
		PIDS="$PIDS $(ctr inspect --format '{{.State.Pid}}' "$n")"
	done
}

@test "reset: running, exited and created containers, then nothing is left" {
	start_some up1 up2 || return 1
	run_ctr run --name gone $BB true
	assert_success
	run_ctr create --name made $BB true
	assert_success
	IDS="$IDS $(ctr inspect --format '{{.Id}}' gone) $(ctr inspect --format '{{.Id}}' made)"
	run_ctr system reset -f
	assert_success
	assert_reset_clean
	# The roots work again.
	import_busybox
	run_ctr ps -a -q
	assert_success
	assert_output_empty
	run_ctr run --rm $BB echo again
	assert_success
	assert_equal "$output" "again"
}

@test "reset: containers with volumes, binds and tmpfs mounts, and one restarting" {
	local host=$TEST_DIR/bind
	mkdir -p "$host"
	echo keep >"$host/file"
	run_ctr run -d --name vol -v data:/data -v "$host:/bind:ro" --tmpfs /scratch \
		$BB sh -c 'echo x >/data/x; trap "exit 0" TERM; while :; do sleep 0.1; done'
	assert_success
	IDS=$output
	PIDS=$(ctr inspect --format '{{.State.Pid}}' vol)
	run_ctr run -d --name rs --restart always $BB sh -c 'exit 1'
	assert_success
	IDS="$IDS $output"
	sleep 1
	run_ctr system reset -f
	assert_success
	assert_reset_clean
	# A bind source is the user's: untouched.
	assert_equal "$(cat "$host/file")" "keep"
	run_ctr volume ls -q
	assert_output_empty
}
