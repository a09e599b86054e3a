#!/usr/bin/env bats
# kube play securityContext, checked from inside the containers: users
# and groups (id), fsGroup on pod volumes, runAsNonRoot, capabilities
# (CapEff decoded into names), privileged, readOnlyRootFilesystem,
# allowPrivilegeEscalation (NoNewPrivs), seccompProfile, sysctls.
# Pods run on a network of the test's own (10.243.<random>.0/24).

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"
source "$BATS_TEST_DIRNAME/lib/kube.sh"

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	kube_images
	kube_net 243
}

teardown() {
	kube_teardown
}

# manifest  container  command (sh -c in <pod>-<container>)  expected stdout
ROWS=(
	users app 'id -u' '1234'
	users app 'id -g' '3000'
	users app 'id -G | tr " " "\n" | sort -nu | xargs' '2000 3000 4000 5000'
	users app 'touch /shared/by-app && stat -c "%u %g" /shared/by-app' '1234 2000'
	users app 'stat -c "%a %g" /shared' '2777 2000'
	users app 'stat -L -c %g /conf/key' '2000'
	users app 'cat /conf/key' 'value'
	users app 'grep ^CapEff: /proc/self/status | cut -f2' '0000000000000000'
	users as-root 'id -u' '0'
	users as-root 'id -g' '3000'
	users as-root 'touch /shared/by-root && stat -c "%u %g" /shared/by-root' '0 2000'

	caps defaults 'grep ^NoNewPrivs: /proc/self/status | cut -f2' '0'
	caps defaults 'test -c /dev/loop-control && echo yes || echo no' 'no'
	caps defaults 'grep -c " /proc/keys " /proc/mounts' '1'
	caps defaults 'cat /proc/sys/net/ipv4/ip_local_port_range | tr "\t" " "' '40000 50000'
	caps defaults 'cat /proc/sys/kernel/shm_rmid_forced' '1'
	caps priv 'test -c /dev/loop-control && echo yes || echo no' 'yes'
	caps priv 'grep ^Seccomp: /proc/self/status | cut -f2' '0'
	caps priv 'grep -c " /proc/keys " /proc/mounts' '0'
	caps priv 'grep " /sys " /proc/mounts | cut -d" " -f4 | cut -d, -f1' 'rw'
	caps defaults 'grep " /sys " /proc/mounts | cut -d" " -f4 | cut -d, -f1' 'ro'
	caps readonly 'touch /probe 2>/dev/null && echo rw || echo ro' 'ro'
	caps readonly 'touch /tmp/probe 2>/dev/null && echo rw || echo ro' 'ro'
	caps readonly 'touch /scratch/probe && echo rw' 'rw'
	caps no-escalation 'grep ^NoNewPrivs: /proc/self/status | cut -f2' '1'
	caps no-escalation 'grep ^Seccomp: /proc/self/status | cut -f2' '2'
	caps unconfined 'grep ^Seccomp: /proc/self/status | cut -f2' '0'
)

# container of cappod  expected CapEff (names, sorted)
CAPS=(
	defaults 'CHOWN DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT'
	add-drop 'DAC_OVERRIDE FOWNER FSETID NET_ADMIN NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT SYS_TIME'
	only-raw 'NET_RAW'
	priv '@ALL@'
)

@test "kube security: runAsUser, runAsGroup, supplementalGroups, fsGroup; container overrides pod" {
	kplay "$KDATA/users.yaml"
	assert_success
	check_rows users idpod
}

@test "kube security: capabilities, privileged, readOnlyRootFilesystem, NoNewPrivs, seccomp, sysctls" {
	host_range=$(cat /proc/sys/net/ipv4/ip_local_port_range)
	host_rmid=$(cat /proc/sys/kernel/shm_rmid_forced)
	kplay "$KDATA/caps.yaml"
	assert_success
	# privileged: every capability this process may hand on (its bounding set)
	all=$(cap_names "$(awk '/^CapBnd:/ {print $2}' /proc/self/status)")
	bad=0
	for ((row = 0; row < ${#CAPS[@]}; row += 2)); do
		want=${CAPS[row + 1]/@ALL@/$all}
		got=$(capeff "cappod-${CAPS[row]}")
		[ "$got" = "$want" ] && continue
		bad=$((bad + 1))
		printf '# CapEff of %s\n#   want: %s\n#   got:  %s\n' "${CAPS[row]}" "$want" "$got" >&2
	done
	[ "$bad" = 0 ] || fail "$bad containers have the wrong capabilities"
	check_rows caps cappod
	# pod sysctls stay in the pod
	assert_equal "$(cat /proc/sys/net/ipv4/ip_local_port_range)" "$host_range"
	assert_equal "$(cat /proc/sys/kernel/shm_rmid_forced)" "$host_rmid"
}

# (runAsNonRoot with runAsUser 0 is refused before anything runs: a row of
# 450-kube-negative.bats)
@test "kube security: runAsNonRoot refuses to start the image's root user, nothing is left" {
	state_snapshot
	kplay "$KDATA/nonroot-image.yaml"
	assert_engine_error "non-root|runAsNonRoot"
	assert_stderr_contains "nonroot-image-app"
	assert_nothing_created
}
