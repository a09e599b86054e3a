#!/usr/bin/env bats
# peapod-conmon on its own, against real runc: no peapod CLI involved.  Each
# test builds a busybox bundle in $BATS_TEST_TMPDIR, uses a private runtime
# root, and leaves no container and no peapod-conmon process behind.

CONMON=${PEAPOD_CONMON:-$BATS_TEST_DIRNAME/../../bin/peapod-conmon}

setup() {
	[ -x "$CONMON" ] || { echo "$CONMON is not built (run make)" >&2; return 1; }
	command -v runc >/dev/null || { echo "runc is missing (make deps)" >&2; return 1; }
	T=$BATS_TEST_TMPDIR
	CID=pc-$BATS_TEST_NUMBER-$$
	RT=runc
	mkdir -p "$T/exit" "$T/sock" "$T/runtime-root"
	make_bundle
}

teardown() {
	local p
	$RT --root "$T/runtime-root" delete -f "$CID" >/dev/null 2>&1 || true
	for p in $(conmon_pids); do
		kill -KILL "$p" 2>/dev/null || true
	done
	sleep 0.1
	p=$(conmon_pids)
	[ -z "$p" ] || { echo "leaked peapod-conmon: $p" >&2; return 1; }
}

conmon_pids() {
	pgrep -f -- "peapod-conmon --cid $CID " || true
}

make_bundle() {
	local b=$T/bundle x
	mkdir -p "$b/rootfs/bin" "$b/rootfs/proc" "$b/rootfs/dev" "$b/rootfs/tmp"
	cp /bin/busybox "$b/rootfs/bin/busybox"
	for x in sh echo cat printf sleep head seq kill true tty yes; do
		ln -sf busybox "$b/rootfs/bin/$x"
	done
	(cd "$b" && runc spec)
	jq '.process.terminal=false | .root.readonly=false
	    | .linux.namespaces |= map(select(.type != "network"))' \
		"$b/config.json" >"$b/config.tmp" && mv "$b/config.tmp" "$b/config.json"
}

# set_args SCRIPT: the container runs `sh -c SCRIPT`.
set_args() {
	jq --arg s "$1" '.process.args = ["sh", "-c", $s]' "$T/bundle/config.json" >"$T/c.tmp"
	mv "$T/c.tmp" "$T/bundle/config.json"
}

# run_conmon [conmon options]: start conmon; SYNC holds its report line.
run_conmon() {
	SYNC=$("$CONMON" --cid "$CID" --name "n-$CID" --runtime "$RT" \
		--runtime-root "$T/runtime-root" --bundle "$T/bundle" --pidfile "$T/pid" \
		--log-path "$T/ctr.log" --exit-dir "$T/exit" --socket-dir "$T/sock" \
		--sync-fd 3 "$@" 3>&1 >/dev/null)
}

# start_ctr SCRIPT [conmon options]: create through conmon, then start.
start_ctr() {
	set_args "$1"
	shift
	run_conmon "$@"
	echo "sync: $SYNC"
	[[ $SYNC =~ ^\{\"pid\":[0-9]+\}$ ]]
	$RT --root "$T/runtime-root" start "$CID"
}

wait_exit() {
	local i
	for i in $(seq 1 100); do
		[ -f "$T/exit/$CID" ] && [ -z "$(conmon_pids)" ] && return 0
		sleep 0.1
	done
	echo "container '$CID' did not exit" >&2
	return 1
}

@test "conmon: detached container, both streams in the log, exit code 0" {
	start_ctr 'sleep 0.5; echo to-stdout; echo to-stderr >&2'
	# The launching shell returned and the container still runs.
	run $RT --root "$T/runtime-root" state "$CID"
	[[ $output == *'"status": "running"'* ]]
	pid=$(jq -r .pid <<<"$SYNC")
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]
	wait_exit
	[ "$(cat "$T/exit/$CID")" = 0 ]
	grep -E '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z stdout F to-stdout$' "$T/ctr.log"
	grep -E '^[0-9T:.-]+Z stderr F to-stderr$' "$T/ctr.log"
	[ "$(wc -l <"$T/ctr.log")" = 2 ]
	[ ! -e "$T/sock/$CID/attach" ]
}

@test "conmon: a partial line is written as a P record" {
	start_ctr 'echo full; printf no-newline'
	wait_exit
	grep -E 'Z stdout F full$' "$T/ctr.log"
	grep -E 'Z stdout P no-newline$' "$T/ctr.log"
}

@test "conmon: 10 MB written at once and an immediate exit lose nothing" {
	head -c 10485760 /dev/urandom >"$T/bundle/rootfs/data"
	want=$(sha256sum <"$T/bundle/rootfs/data" | cut -d' ' -f1)
	start_ctr 'cat /data'
	wait_exit
	[ "$(cat "$T/exit/$CID")" = 0 ]
	got=$(python3 - "$T/ctr.log" <<'EOF'
import hashlib, re, sys
h = hashlib.sha256()
data = open(sys.argv[1], 'rb').read()
assert data.endswith(b'\n')
for rec in data[:-1].split(b'\n'):
    m = re.match(rb'^\S+Z (stdout|stderr) ([PF]) ', rec)
    assert m and m.group(1) == b'stdout', rec[:80]
    h.update(rec[m.end():])
    if m.group(2) == b'F':
        h.update(b'\n')
print(h.hexdigest())
EOF
)
	[ "$got" = "$want" ]
}

@test "conmon: exit code file for exit 3 and for SIGKILL (137)" {
	start_ctr 'exit 3'
	wait_exit
	[ "$(cat "$T/exit/$CID")" = 3 ]
	$RT --root "$T/runtime-root" delete "$CID"
	rm -f "$T/exit/$CID"

	start_ctr 'sleep 100'
	$RT --root "$T/runtime-root" kill "$CID" KILL
	wait_exit
	[ "$(cat "$T/exit/$CID")" = 137 ]
}

@test "conmon: the exit command runs with its arguments after the exit file" {
	cat >"$T/exit-cmd" <<EOF
#!/bin/sh
echo "\$@" >"$T/exit-cmd.out"
cat "$T/exit/$CID" >>"$T/exit-cmd.out"
EOF
	chmod +x "$T/exit-cmd"
	start_ctr 'exit 7' --exit-command "$T/exit-cmd" --exit-command-arg cleanup \
		--exit-command-arg "$CID"
	wait_exit
	[ "$(cat "$T/exit-cmd.out")" = "cleanup $CID
7" ]
}

@test "conmon: the log rotates at --log-max-size and keeps one old file" {
	start_ctr 'seq 1 3000' --log-max-size 4096
	wait_exit
	[ -f "$T/ctr.log.1" ]
	[ ! -e "$T/ctr.log.2" ]
	[ "$(stat -c %s "$T/ctr.log")" -le 4096 ]
	[ "$(stat -c %s "$T/ctr.log.1")" -le 4096 ]
	[ "$(stat -c %s "$T/ctr.log.1")" -gt 3000 ]
	# The two files hold the tail of the output, in order, without a gap.
	cat "$T/ctr.log.1" "$T/ctr.log" | sed -E 's/^\S+ stdout F //' >"$T/tail"
	first=$(head -1 "$T/tail")
	[ "$(tail -1 "$T/tail")" = 3000 ]
	diff <(seq "$first" 3000) "$T/tail"
}

@test "conmon: attach socket streams output and feeds stdin with -i" {
	set_args 'echo ready; read line; echo "got $line"; echo err >&2'
	run_conmon -i
	[[ $SYNC =~ ^\{\"pid\":[0-9]+\}$ ]]
	[ -S "$T/sock/$CID/attach" ]
	python3 - "$T/sock/$CID/attach" "$T/frames" <<'EOF' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.settimeout(10)
out = open(sys.argv[2], 'w')
open(sys.argv[2] + '.connected', 'w').close()
buf = b''
while True:
    f = s.recv(65536)
    if not f:
        break
    out.write('%d:%s\n' % (f[0], f[1:].decode().rstrip('\n')))
    out.flush()
    if f[1:].startswith(b'ready'):
        s.send(b'\x00hello\n')
EOF
	client=$!
	for i in $(seq 1 50); do [ -e "$T/frames.connected" ] && break; sleep 0.1; done
	$RT --root "$T/runtime-root" start "$CID"
	wait_exit
	wait "$client"
	cat "$T/frames"
	grep -x '1:ready' "$T/frames"
	grep -x '1:got hello' "$T/frames"
	grep -x '2:err' "$T/frames"
	grep -E 'stdout F got hello$' "$T/ctr.log"
}

@test "conmon: -t runs the container on a terminal" {
	jq '.process.terminal=true' "$T/bundle/config.json" >"$T/c.tmp"
	mv "$T/c.tmp" "$T/bundle/config.json"
	start_ctr 'tty; echo on-a-tty' -t
	wait_exit
	cat "$T/ctr.log"
	grep -E 'stdout F /dev/pts/[0-9]+'$'\r''?$' "$T/ctr.log"
	grep -E 'stdout F on-a-tty' "$T/ctr.log"
}

@test "conmon: a failing create is reported on the sync fd" {
	set_args 'true'
	jq '.process.args = ["/no/such/binary"]' "$T/bundle/config.json" >"$T/c.tmp"
	mv "$T/c.tmp" "$T/bundle/config.json"
	run_conmon
	echo "sync: $SYNC"
	[ "$(jq -r 'has("error")' <<<"$SYNC")" = true ]
	[[ $(jq -r .error <<<"$SYNC") == *"create failed"* ]]
	sleep 0.2
	[ -z "$(conmon_pids)" ]
}

@test "conmon: bad options fail in the foreground" {
	run "$CONMON" --cid x
	[ "$status" = 2 ]
	[[ $output == *"missing option '--runtime'"* ]]
}

@test "conmon: resident memory of a monitor" {
	start_ctr 'sleep 30'
	pid=$(conmon_pids)
	[ -n "$pid" ]
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
	anon=$(awk '/^RssAnon:/ {print $2}' "/proc/$pid/status")
	echo "# peapod-conmon VmRSS ${rss} kB, RssAnon ${anon} kB" >&3
	# Private memory is what each extra container costs; shared libc pages
	# are counted in VmRSS too.  A sanitizer build only reports the numbers.
	if ldd "$CONMON" | grep -q 'libasan'; then
		return 0
	fi
	[ "$anon" -le 1024 ]
	[ "$rss" -le 2048 ]
}

@test "conmon: crun as the runtime" {
	command -v crun >/dev/null || skip "crun is not installed"
	RT=crun
	set_args 'echo via-crun'
	run_conmon
	if [[ $SYNC == *error* ]]; then
		[[ $SYNC == *hugetlb* || $SYNC == *cgroup* ]] || { echo "$SYNC"; return 1; }
		skip "crun cannot create containers on this host's hybrid cgroup setup (needs cgroup v1 hugetlb mounted): $SYNC"
	fi
	crun --root "$T/runtime-root" start "$CID"
	wait_exit
	grep -E 'stdout F via-crun$' "$T/ctr.log"
}
