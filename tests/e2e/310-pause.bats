#!/usr/bin/env bats
# peapod-pause on its own: signals, reaping as PID 1 of a PID namespace,
# size.  No peapod CLI involved; every test leaves no peapod-pause behind.

bats_require_minimum_version 1.5.0

PAUSE=${PEAPOD_PAUSE:-$BATS_TEST_DIRNAME/../../bin/peapod-pause}

setup() {
	[ -x "$PAUSE" ] || { echo "$PAUSE is not built (run make)" >&2; return 1; }
	T=$BATS_TEST_TMPDIR
	PIDS=()
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do
		kill -KILL "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		! kill -0 "$p" 2>/dev/null || { echo "leaked process $p" >&2; return 1; }
	done
}

# wait_gone PID: true once PID has exited (and was reaped by us).
wait_gone() {
	local i
	for i in $(seq 1 50); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# children PID: the direct children of PID.
children() {
	local c
	c=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
	echo $c
}

@test "pause: --version" {
	run "$PAUSE" --version
	[ "$status" = 0 ]
	[[ $output == "peapod-pause version "* ]]
	run "$PAUSE" --bogus
	[ "$status" = 2 ]
}

@test "pause: the binary is static" {
	run file "$PAUSE"
	if [ "$status" = 0 ]; then
		[[ $output == *"statically linked"* ]]
	else
		! ldd "$PAUSE" 2>/dev/null | grep -q '=>'
	fi
}

@test "pause: ignores SIGHUP and SIGUSR1, exits 0 on SIGTERM" {
	"$PAUSE" &
	p=$!
	PIDS+=("$p")
	sleep 0.2
	kill -HUP "$p"
	kill -USR1 "$p"
	sleep 0.2
	kill -0 "$p"
	kill -TERM "$p"
	st=0
	wait "$p" || st=$?
	[ "$st" = 0 ]
}

@test "pause: exits 0 on SIGINT" {
	"$PAUSE" -P &
	p=$!
	PIDS+=("$p")
	sleep 0.2
	kill -INT "$p"
	st=0
	wait "$p" || st=$?
	[ "$st" = 0 ]
}

@test "pause: as PID 1 of a PID namespace it reaps orphans and exits 0 on SIGTERM" {
	command -v unshare >/dev/null && command -v nsenter >/dev/null || skip "util-linux unshare/nsenter missing"
	unshare -fp --mount-proc "$PAUSE" &
	u=$!
	PIDS+=("$u")
	for i in $(seq 1 50); do
		pp=$(children "$u")
		[ -n "$pp" ] && break
		sleep 0.1
	done
	[ -n "$pp" ]
	PIDS=("$pp" "${PIDS[@]}") # killed first, so that unshare reaps it
	[ "$(awk '/^NSpid:/ {print $3}' "/proc/$pp/status")" = 1 ]
	# Orphans: their parent exits at once, they are reparented to pause,
	# then die; pause must reap them.
	nsenter -t "$pp" -p -m -- /bin/sh -c 'for i in 1 2 3 4 5; do sleep 0.3 & done; exit 0'
	sleep 0.1
	[ "$(children "$pp" | wc -w)" -ge 1 ]
	for i in $(seq 1 30); do
		[ -z "$(children "$pp")" ] && break
		sleep 0.1
	done
	# No children left means none is a zombie either.
	[ -z "$(children "$pp")" ]
	kill -TERM "$pp"
	st=0
	wait "$u" || st=$?
	echo "unshare exit status: $st"
	[ "$st" = 0 ]
}

@test "pause: resident memory" {
	"$PAUSE" &
	p=$!
	PIDS+=("$p")
	sleep 0.2
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status")
	echo "# peapod-pause VmRSS ${rss} kB" >&3
	[ "$rss" -le 1024 ]
	kill -TERM "$p"
	wait "$p"
}

@test "pause as init (-- CMD): runs the command, forwards signals, exits with its status" {
	run "$PAUSE" -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run -127 "$PAUSE" -- /nonexistent-command
	"$PAUSE" -- sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done' &
	local p=$!
	sleep 0.5
	kill -TERM "$p"
	local rc=0
	wait "$p" || rc=$?
	[ "$rc" -eq 42 ]
}
