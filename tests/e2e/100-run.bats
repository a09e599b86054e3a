#!/usr/bin/env bats
# peapod run: output, detached containers, exit codes as podman's
# (0/1/137/125/126/127), the process flags seen from inside the container,
# stdin and a pty.  Runtime: $PEAPOD_RUNTIME (default runc).

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

@test "run: --rm echo prints to stdout, exits 0, leaves no container" {
	run_ctr run --rm --network none $BB echo hi
	assert_success
	assert_equal "$output" "hi"
	run_ctr ps -a -q
	assert_success
	assert_output_empty
}

@test "run: stdout and stderr of the container stay apart" {
	run_ctr run --rm $BB sh -c 'echo out; echo err >&2'
	assert_success
	assert_equal "$output" "out"
	assert_stderr_contains "err"
}

@test "run: -d prints the id and the container keeps running after the CLI exits" {
	run_ctr run -d --name det $BB "${LONG[@]}"
	assert_success
	[[ "$output" =~ ^[0-9a-f]{64}$ ]] || fail "run -d printed '$output', not a full id"
	local id=$output pid
	run_ctr ps --filter status=running --format '{{.Names}}'
	assert_success
	assert_equal "$output" "det"
	run_ctr ps -q --no-trunc
	assert_output_contains "$id"
	[ -n "$(conmon_pids_of "$id")" ] || fail "no peapod-conmon process for $id"
	pid=$(ctr inspect --format '{{.State.Pid}}' det)
	[ "$pid" -gt 0 ] && kill -0 "$pid" || fail "container init '$pid' is not alive"
	grep -q while "/proc/$pid/cmdline" || fail "pid $pid is not the container's command"
	run_ctr rm -f det
	assert_success
	! kill -0 "$pid" 2>/dev/null || fail "container init $pid survived rm -f"
	[ -z "$(conmon_pids_of "$id")" ] || fail "peapod-conmon of $id survived rm -f"
}

@test "run: the exit code of the command is run's exit code (0, 1, 3)" {
	run_ctr run --rm $BB true
	assert_status 0
	run_ctr run --rm $BB false
	assert_status 1
	run_ctr run --rm $BB sh -c 'exit 3'
	assert_status 3
}

@test "run: a container killed with SIGKILL exits 137" {
	# (pid 1 cannot be SIGKILLed from inside: a child is)
	run_ctr run --rm $BB sh -c 'sh -c "kill -9 \$\$"; exit $?'
	assert_status 137
	run_ctr run -d --name k9 $BB "${LONG[@]}"
	assert_success
	run_ctr kill -s KILL k9
	assert_success
	run_ctr wait k9
	assert_success
	assert_equal "$(last_line)" "137"
	run_ctr inspect --format '{{.State.ExitCode}}' k9
	assert_equal "$output" "137"
}

@test "run: engine errors exit 125 (bad flag, missing image with --pull never)" {
	run_ctr run --no-such-flag $BB true
	assert_engine_error 'no-such-flag'
	run_ctr run --rm --pull never localhost/no-such-image true
	assert_engine_error 'no-such-image'
	run_ctr ps -a -q
	assert_output_empty
}

@test "run: a command that is not executable exits 126, a missing one 127" {
	run_ctr run --rm $BB /etc/passwd
	assert_status 126
	assert_stderr_matches 'permission denied'
	# (run -127: bats warns about any unexpected 127)
	run -127 --separate-stderr ctr run --rm $BB no-such-command
	_show_run run --rm $BB no-such-command
	assert_status 127
	assert_stderr_matches 'no-such-command'
	run -127 --separate-stderr ctr run --rm $BB /bin/no-such-file
	_show_run run --rm $BB /bin/no-such-file
	assert_status 127
	assert_stderr_matches 'no such file|not found'
	run_ctr ps -a -q
	assert_output_empty
}

@test "run: -e and --env-file set the environment over the image's" {
	local f=$TEST_DIR/env
	printf '%s\n' '# a comment' 'FROM_FILE=file value' '' 'OVER=file' 'PASSED' >"$f"
	PASSED=from-host HOSTVAR=from-host run_ctr run --rm --env-file "$f" \
		-e OVER=flag -e HOSTVAR -e EMPTY= $BB env
	assert_success
	assert_output_contains "FROM_FILE=file value"
	assert_output_contains "OVER=flag"
	assert_output_not_contains "OVER=file"
	assert_output_contains "PASSED=from-host"
	assert_output_contains "HOSTVAR=from-host"
	assert_output_contains "EMPTY="
	assert_output_matches '^PATH=.*/bin'
}

@test "run: image ENV is kept, -e overrides it" {
	import_busybox localhost/envimg --change 'ENV IMGVAR=image' --change 'ENV OTHER=keep'
	run_ctr run --rm -e IMGVAR=flag localhost/envimg env
	assert_success
	assert_output_contains "IMGVAR=flag"
	assert_output_contains "OTHER=keep"
	assert_output_not_contains "IMGVAR=image"
}

@test "run: -w sets the working directory" {
	run_ctr run --rm -w /tmp $BB pwd
	assert_success
	assert_equal "$output" "/tmp"
	import_busybox localhost/wdimg --change 'WORKDIR /home/app'
	run_ctr run --rm localhost/wdimg pwd
	assert_success
	assert_equal "$output" "/home/app"
	# A dir the image lacks: podman 4 refuses (126, naming it); creating
	# it is accepted too.
	run_ctr run --rm -w /new/work/dir $BB pwd
	if [ "$status" -eq 0 ]; then
		assert_equal "$output" "/new/work/dir"
	else
		assert_status 126
		assert_stderr_contains "/new/work/dir"
	fi
}

@test "run: -u by name, by uid:gid, default root" {
	run_ctr run --rm $BB id -u
	assert_equal "$output" "0"
	run_ctr run --rm -u app $BB sh -c 'id -u; id -g; id -G; echo $HOME'
	assert_success
	assert_equal "${lines[0]}" "1000"
	assert_equal "${lines[1]}" "1000"
	[[ " ${lines[2]} " == *" 10 "* ]] || fail "app is in group wheel (10): '${lines[2]}'"
	assert_equal "${lines[3]}" "/home/app"
	run_ctr run --rm -u 1234:4321 $BB sh -c 'id -u; id -g'
	assert_success
	assert_equal "${lines[0]}" "1234"
	assert_equal "${lines[1]}" "4321"
	run_ctr run --rm -u nobody:wheel $BB sh -c 'id -u; id -g'
	assert_success
	assert_equal "${lines[0]}" "65534"
	assert_equal "${lines[1]}" "10"
	run_ctr run --rm -u no-such-user $BB true
	assert_status 126
	assert_stderr_contains "no-such-user"
}

@test "run: --entrypoint replaces the entrypoint, arguments follow it" {
	import_busybox localhost/epimg --change 'ENTRYPOINT ["/bin/echo", "from-image"]'
	run_ctr run --rm localhost/epimg arg
	assert_success
	assert_equal "$output" "from-image arg"
	run_ctr run --rm --entrypoint /bin/echo localhost/epimg hello
	assert_success
	assert_equal "$output" "hello"
	run_ctr run --rm --entrypoint '["/bin/sh","-c"]' localhost/epimg 'echo json-form'
	assert_success
	assert_equal "$output" "json-form"
}

@test "run: --hostname, default hostname is the short id, /etc/hostname and /etc/hosts agree" {
	run_ctr run --rm --hostname pea-host $BB sh -c 'hostname; echo "$(cat /etc/hostname)"; grep pea-host /etc/hosts'
	assert_success
	assert_equal "${lines[0]}" "pea-host"
	assert_equal "${lines[1]}" "pea-host"
	[ -n "${lines[2]:-}" ] || fail "/etc/hosts has no line for pea-host"
	run_ctr run -d --name hn $BB "${LONG[@]}"
	assert_success
	local id=$output
	run_ctr exec hn hostname
	assert_success
	assert_equal "$output" "${id:0:12}"
}

@test "run: --label and --name are recorded" {
	run_ctr run --name labelled --label a=b --label team=pea $BB true
	assert_success
	run_ctr inspect --format '{{.Config.Labels.a}} {{.Config.Labels.team}} {{.Name}}' labelled
	assert_success
	assert_equal "$output" "b pea labelled"
	run_ctr ps -a --filter label=team=pea --format '{{.Names}}'
	assert_success
	assert_equal "$output" "labelled"
	# A second container may not take the name.
	run_ctr run --name labelled $BB true
	assert_engine_error 'labelled'
}

@test "run: -i passes stdin through, without -i the container sees none" {
	run_ctr run --rm -i $BB cat <<<"through stdin"
	assert_success
	assert_equal "$output" "through stdin"
	run_ctr run --rm $BB cat <<<"not passed"
	assert_success
	assert_output_empty
}

@test "run: -it gives the container a pty" {
	command -v script >/dev/null || skip "script (util-linux) is missing"
	local cmd r
	r=$(root_of)
	cmd="$PEAPOD --root $r --runroot ${r%/root}/runroot --runtime $PEAPOD_RUNTIME"
	cmd="$cmd run --rm -it $BB sh -c 'tty; echo ok; exit 5'"
	run script -qec "$cmd" /dev/null
	printf '# %s\n' "$output"
	[ "$status" -eq 5 ] || fail "expected exit 5 through the pty, got $status"
	assert_output_matches '/dev/pts/[0-9]+'
	assert_output_contains "ok"
	# Without -t there is no pty.
	run_ctr run --rm $BB sh -c 'tty || true'
	assert_output_contains "not a tty"
}
