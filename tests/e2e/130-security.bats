#!/usr/bin/env bats
# Secure defaults as podman's: capabilities, seccomp, masked and read-only
# paths, --read-only, no-new-privileges, cgroup resources and rlimits.  The
# expected values were checked against podman 4.3.1 with runc on this host.
# Runtime: $PEAPOD_RUNTIME.

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

# podman's default set: CHOWN DAC_OVERRIDE FOWNER FSETID KILL
# NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT.
DEFAULT_CAPS=00000000800405fb

# cap_line FIELD ARGS...: the CapXxx value the container sees.
cap_of() {
	local field=$1
	shift
	run_ctr run --rm "$@" $BB grep "^$field:" /proc/self/status
	assert_success || return 1
	output=${output##*:}
	output=${output//[[:space:]]/}
}

@test "security: default capabilities are podman's eleven" {
	cap_of CapEff
	assert_equal "$output" "$DEFAULT_CAPS"
	cap_of CapBnd
	assert_equal "$output" "$DEFAULT_CAPS"
	cap_of CapPrm
	assert_equal "$output" "$DEFAULT_CAPS"
}

@test "security: --cap-add and --cap-drop change the set" {
	# NET_ADMIN is bit 12, CHOWN bit 0, KILL bit 5.
	cap_of CapEff --cap-add NET_ADMIN
	assert_equal "$output" "00000000800415fb"
	cap_of CapEff --cap-add CAP_NET_ADMIN --cap-drop chown
	assert_equal "$output" "00000000800415fa"
	cap_of CapEff --cap-drop ALL --cap-add KILL
	assert_equal "$output" "0000000000000020"
	cap_of CapEff --cap-drop ALL
	assert_equal "$output" "0000000000000000"
	run_ctr run --rm --cap-add NO_SUCH_CAP $BB true
	assert_engine_error 'NO_SUCH_CAP'
}

@test "security: a non-root user has no effective capabilities" {
	cap_of CapEff -u app
	assert_equal "$output" "0000000000000000"
}

@test "security: --privileged gives the host's full bounding set" {
	local host
	host=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
	cap_of CapEff --privileged
	assert_equal "$output" "$host"
	# and no masked paths.
	run_ctr run --rm --privileged $BB sh -c 'ls /sys/firmware | wc -l; echo $(stat -c %t,%T /proc/keys)'
	assert_success
	assert_output_not_contains "1,3"
}

@test "security: the default seccomp profile denies what podman's denies" {
	# swapoff is outside podman's profile even with CAP_SYS_ADMIN: EPERM
	# from seccomp; unconfined, the kernel gets to say ENOENT.
	run_ctr run --rm --cap-add SYS_ADMIN $BB swapoff /no-such-swap
	assert_failure
	assert_stderr_contains "Operation not permitted"
	run_ctr run --rm --cap-add SYS_ADMIN --security-opt seccomp=unconfined $BB swapoff /no-such-swap
	assert_failure
	assert_stderr_contains "No such file or directory"
	# A new mount namespace needs SYS_ADMIN (cap-gated in the profile too).
	run_ctr run --rm $BB unshare -m true
	assert_failure
	assert_stderr_contains "Operation not permitted"
	run_ctr run --rm --security-opt seccomp=unconfined --cap-add SYS_ADMIN $BB unshare -m true
	assert_success
	# podman's profile lets unprivileged user namespaces through.
	run_ctr run --rm $BB unshare -U true
	assert_success
}

@test "security: mount without SYS_ADMIN fails, with it works" {
	run_ctr run --rm $BB mount -t tmpfs none /mnt
	assert_failure
	assert_stderr_matches "permission denied"
	run_ctr run --rm --cap-add SYS_ADMIN $BB sh -c 'mount -t tmpfs none /mnt && echo mounted'
	assert_success
	assert_equal "$output" "mounted"
}

@test "security: --security-opt seccomp=PROFILE.json is applied" {
	local p=$TEST_DIR/seccomp.json
	# Everything allowed but mkdir/mkdirat (EPERM).
	cat >"$p" <<-'EOF'
	{"defaultAction": "SCMP_ACT_ALLOW",
	 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}
	EOF
	run_ctr run --rm --security-opt "seccomp=$p" $BB mkdir /tmp/x
	assert_failure
	assert_stderr_contains "Operation not permitted"
	run_ctr run --rm --security-opt seccomp=/no/such/profile.json $BB true
	assert_engine_error 'profile.json'
}

@test "security: masked paths are empty, /proc/sys is read-only" {
	run_ctr run --rm $BB sh -c '
		echo "keys=$(wc -c </proc/keys) $(stat -c %t,%T /proc/keys)"
		echo "timer_list=$(wc -c </proc/timer_list)"
		echo "firmware=$(ls -A /sys/firmware | wc -l)"
		if [ -e /proc/kcore ]; then echo "kcore=$(stat -c %t,%T /proc/kcore)"; else echo kcore=absent; fi
		echo 1 >/proc/sys/vm/drop_caches && echo sys-writable
		touch /sys/peapod-test && echo sysfs-writable
		echo done'
	assert_success
	assert_output_contains "keys=0 1,3"
	assert_output_contains "timer_list=0"
	assert_output_contains "firmware=0"
	assert_output_matches '^kcore=(1,3|absent)$'
	assert_output_not_contains "sys-writable"
	assert_output_not_contains "sysfs-writable"
	assert_output_contains "done"
	assert_stderr_contains "Read-only file system"
}

@test "security: --read-only makes / read-only, /tmp and /run stay writable" {
	run_ctr run --rm --read-only $BB sh -c '
		touch /x && echo root-writable
		touch /tmp/x && echo tmp-ok
		touch /run/x && echo run-ok
		grep -E " / " /proc/self/mountinfo | grep -q " ro[, ]" && echo root-ro'
	assert_success
	assert_output_not_contains "root-writable"
	assert_output_contains "tmp-ok"
	assert_output_contains "run-ok"
	assert_output_contains "root-ro"
	assert_stderr_contains "Read-only file system"
	run_ctr run --rm $BB sh -c 'touch /x && echo root-writable'
	assert_output_contains "root-writable"
}

@test "security: no-new-privileges sets NoNewPrivs" {
	run_ctr run --rm $BB grep NoNewPrivs /proc/self/status
	assert_success
	assert_output_matches 'NoNewPrivs:[[:space:]]+0'
	run_ctr run --rm --security-opt no-new-privileges $BB grep NoNewPrivs /proc/self/status
	assert_success
	assert_output_matches 'NoNewPrivs:[[:space:]]+1'
}

# host_cgroup_file PID CONTROLLER FILE: the file of PID's cgroup on the host.
host_cgroup_file() {
	local path
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
		path=$(awk -F: '$1 == "0" {print $3}' "/proc/$1/cgroup")
		echo "/sys/fs/cgroup$path/$3"
	else
		path=$(awk -F: -v c="$2" '$2 ~ "(^|,)" c "(,|$)" {print $3}' "/proc/$1/cgroup")
		echo "/sys/fs/cgroup/$2$path/$3"
	fi
}

@test "security: --memory and --pids-limit reach the container's cgroup" {
	run_ctr run -d --name lim --memory 64m --pids-limit 50 $BB "${LONG[@]}"
	assert_success
	local pid f v1=1
	[ ! -f /sys/fs/cgroup/cgroup.controllers ] || v1=0
	pid=$(ctr inspect --format '{{.State.Pid}}' lim)
	[ "$pid" -gt 0 ] || fail "no pid"
	if [ $v1 = 1 ]; then
		f=$(host_cgroup_file "$pid" memory memory.limit_in_bytes)
	else
		f=$(host_cgroup_file "$pid" memory memory.max)
	fi
	assert_equal "$(cat "$f")" "67108864" "$f"
	f=$(host_cgroup_file "$pid" pids pids.max)
	assert_equal "$(cat "$f")" "50" "$f"
	grep -q peapod "/proc/$pid/cgroup" || fail "not in a peapod cgroup: $(cat "/proc/$pid/cgroup")"
	if [ $v1 = 1 ]; then
		# Seen from inside too (the container's own memory hierarchy).
		run_ctr exec lim cat /sys/fs/cgroup/memory/memory.limit_in_bytes
		assert_success
		assert_equal "$output" "67108864"
	fi
	run_ctr inspect --format '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' lim
	assert_equal "$output" "67108864 50"
}

@test "security: RLIMIT_NOFILE inside is clamped to what the host allows" {
	local hard
	hard=$(ulimit -Hn)
	run_ctr run --rm $BB sh -c 'ulimit -Hn; ulimit -Sn'
	assert_success
	[ "${lines[0]}" -gt 0 ] && [ "${lines[0]}" -le "$hard" ] ||
		fail "hard nofile ${lines[0]} (host hard $hard)"
	[ "${lines[1]}" -gt 0 ] && [ "${lines[1]}" -le "${lines[0]}" ] ||
		fail "soft nofile ${lines[1]} > hard ${lines[0]}"
}
