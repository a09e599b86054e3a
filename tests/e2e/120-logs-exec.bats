#!/usr/bin/env bats
# run/logs/exec/attach/top against runc, on a busybox image imported from a
# rootfs tarball made here.

load helpers

# import_busybox: a one-layer busybox image named "busybox" in the main root.
import_busybox() {
	local r=$TEST_DIR/bb-rootfs a
	mkdir -p "$r"/{bin,etc,tmp}
	cp /bin/busybox "$r/bin/busybox"
	for a in sh ls cat echo true false sleep id env ps kill head pwd; do
		ln -s busybox "$r/bin/$a"
	done
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'www-data:x:33:33::/var/www:/bin/false' \
		>"$r/etc/passwd"
	printf '%s\n' 'root:x:0:' 'www-data:x:33:' >"$r/etc/group"
	tar -C "$r" -cf "$TEST_DIR/bb.tar" . || return 1
	pp import "$TEST_DIR/bb.tar" busybox >/dev/null || fail "import failed"
}

prun() {
	run_pp --runtime runc "$@"
}

setup() {
	TEST_DIR=$(mktemp -d "$E2E_DIR/t.XXXXXX")
	export TEST_DIR
	_snapshot "$TEST_DIR/.snap"
	import_busybox
}

@test "run --rm prints the output and returns the exit code" {
	prun run --rm busybox echo hi
	assert_success
	assert_equal "$output" "hi"
	prun run --rm busybox sh -c 'echo out; echo err >&2; exit 3'
	assert_status 3
	assert_equal "$output" "out"
	assert_equal "$stderr" "err"
	prun ps -a -q
	assert_output_empty
}

@test "run: 127 for a missing command, 125 for a missing image" {
	run -127 --separate-stderr pp --runtime runc run --rm busybox no-such-command
	assert_stderr_matches 'not found' 
	prun run --rm --pull never nosuchimage true
	assert_status 125
}

@test "run -i relays stdin" {
	run --separate-stderr bash -c "printf 'a\nb\n' | '$PEAPOD' --root '$TEST_DIR/main/root' \
		--runroot '$TEST_DIR/main/runroot' --runtime runc run --rm -i busybox cat"
	assert_success
	assert_equal "$output" $'a\nb'
}

@test "logs: streams, --tail, --timestamps, --since" {
	prun run --name l1 busybox sh -c 'echo one; echo two >&2; echo three; echo -n four'
	assert_success
	prun logs l1
	assert_success
	assert_equal "$output" $'one\nthree\nfour'
	assert_equal "$stderr" "two"
	prun logs --tail 1 l1
	assert_equal "$output" "four"
	prun logs -t --tail 1 l1
	assert_output_matches '^20[0-9-]+T[0-9:.]+Z four$'
	# stdout and stderr are two pipes: where "two" lands among the records
	# depends on which one conmon read first, so look at the whole log
	prun logs -t l1
	assert_stderr_matches '^20[0-9-]+T[0-9:.]+Z two$'
	prun logs --since 1h l1
	assert_equal "$output" $'one\nthree\nfour'
	prun logs --until 2000-01-01T00:00:00Z l1
	assert_output_empty
	prun logs --since bogus l1
	assert_status 125
	prun rm l1
	assert_success
}

@test "logs -f follows until the container exits" {
	prun run -d --name f1 busybox sh -c 'echo one; sleep 2; echo two'
	assert_success
	run --separate-stderr timeout 20 "$PEAPOD" --root "$TEST_DIR/main/root" \
		--runroot "$TEST_DIR/main/runroot" logs -f f1
	assert_success
	assert_equal "$output" $'one\ntwo'
	prun rm -f f1
}

@test "exec: exit code, env, workdir, user, 127" {
	prun run -d --name e1 busybox sleep 100
	assert_success
	prun exec e1 sh -c 'exit 7'
	assert_status 7
	prun exec -e FOO=bar -w /tmp e1 sh -c 'echo $FOO $(pwd)'
	assert_success
	assert_equal "$output" "bar /tmp"
	prun exec -u www-data e1 id -u
	assert_equal "$output" "33"
	prun exec -u 1234:5678 e1 id
	assert_output_contains "uid=1234 gid=5678"
	run -127 --separate-stderr pp --runtime runc exec e1 no-such-command
	prun exec -d e1 sleep 50
	assert_success
	prun top e1
	assert_success
	assert_output_matches '^USER +PID +PPID +%CPU +ELAPSED +TTY +TIME +COMMAND'
	assert_output_matches 'root +1 +0 .* sleep 100'
	assert_output_contains "sleep 50"
	prun top e1 pid args
	assert_output_matches '^PID +COMMAND'
	prun rm -f e1
	assert_success
}

@test "exec and top refuse a stopped container" {
	prun create --name c1 busybox true
	assert_success
	prun exec c1 true
	assert_status 125
	prun top c1
	assert_status 125
	prun rm c1
}

@test "attach relays output and returns the exit code" {
	prun run -d --name a1 busybox sh -c 'sleep 1; echo attached; exit 4'
	assert_success
	prun attach a1
	assert_status 4
	assert_output_contains "attached"
	prun rm a1
}

@test "run forwards SIGTERM to the container" {
	pp ps >/dev/null
	"$PEAPOD" --root "$TEST_DIR/main/root" --runroot "$TEST_DIR/main/runroot" --runtime runc \
		run --rm --name s1 busybox sh -c \
		'trap "echo got; exit 9" TERM; while true; do sleep 0.1; done' >"$TEST_DIR/out" &
	local pid=$! i rc=0
	for i in $(seq 50); do
		[ "$(pp ps -q --filter name=s1)" ] && break
		sleep 0.1
	done
	sleep 0.5
	kill -TERM $pid
	wait $pid || rc=$?
	assert_equal "$rc" 9
	assert_equal "$(cat "$TEST_DIR/out")" "got"
}

@test "ps, inspect, wait, kill, container exists" {
	prun run -d --name p1 --label app=web busybox sleep 100
	assert_success
	local id=$output
	prun ps --format '{{.Names}} {{.State}}'
	assert_equal "$output" "p1 running"
	prun ps -q --filter label=app=web
	assert_equal "$output" "${id:0:12}"
	prun ps --filter label=app=db -q
	assert_output_empty
	prun inspect --format '{{.State.Status}}' p1
	assert_equal "$output" "running"
	prun container exists p1
	assert_success
	prun container exists nope
	assert_status 1
	prun kill -s KILL p1
	assert_success
	prun wait p1
	assert_equal "$output" "137"
	prun ps -a --format '{{.Names}} {{.State}}'
	assert_equal "$output" "p1 exited"
	prun rm p1
	assert_success
}
