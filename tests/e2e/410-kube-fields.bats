#!/usr/bin/env bats
# kube play, container and pod fields, checked from inside the containers
# against what Kubernetes does with the same YAML
# (docs: /work/shared/reference/kube-semantics.md): env, command/args,
# resources, hostname/subdomain/hostAliases/dnsConfig, hostPort, shared
# and host namespaces, stdin/tty.  One manifest per field group
# (tests/data/kube/*.yaml), one pod per test, one row of $ROWS per check.
# Pods run on a network of the test's own (10.241.<random>.0/24).

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"
source "$BATS_TEST_DIRNAME/lib/kube.sh"

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	kube_images
}

teardown() {
	kube_teardown
}

# manifest  container  command (sh -c in <pod>-<container>)  expected stdout
ROWS=(
	env app 'echo "$PLAIN"' 'hello'
	env app 'echo "$REF"' 'hello-world'
	env app 'echo "$ESCAPED"' '$(PLAIN)'
	env app 'echo "$UNDEF"' '$(NOPE)-x'
	env app 'echo "$FORWARD"' '$(DEFINED_LATER)'
	env app 'echo "$FROM_ENVFROM"' 'green/tok-123'
	env app 'echo "$IMG_VAR"' 'from-image'
	env app 'echo "$IMG_REF"' '$(IMG_VAR)'
	env app 'echo "$IMG_OVER"' 'pod'
	env app 'echo "$CM_color"' 'green'
	env app 'echo "$CM_shape"' 'round'
	env app 'echo "$CM_size"' 'override'
	env app 'echo "$password"' 's3cret'
	env app 'echo "$token"' 'tok-123'
	env app 'echo "$CM_KEY"' 'large'
	env app 'echo "$SECRET_KEY"' 's3cret'
	env app 'echo "${OPT_NO_OBJECT-unset}"' 'unset'
	env app 'echo "${OPT_NO_KEY-unset}"' 'unset'
	env app 'echo "$POD_NAME"' 'envpod'
	env app 'echo "$POD_NAMESPACE"' 'team-a'
	env app 'echo "$LABEL_TIER"' 'back'
	env app 'echo "$ANNOTATION_OWNER"' 'ops-team'
	env app 'echo "$NODE_NAME"' '@HOSTNAME@'
	env app 'echo "$SA_NAME"' 'default'
	env app 'echo "$POD_IP"' '~^@NET@\.[0-9]+$'
	env app 'ip -o -4 addr show eth0 | awk "{print \$4}" | cut -d/ -f1 | grep -qx "$POD_IP" && echo same' 'same'
	env app 'echo "$POD_IP_REF"' '~^ip=@NET@\.[0-9]+$'
	env app 'echo "$CPU_LIMIT_MILLI"' '500'
	env app 'echo "$CPU_LIMIT_CORES"' '1'
	env app 'echo "$CPU_REQUEST_MILLI"' '250'
	env app 'echo "$MEM_LIMIT_MI"' '64'
	env app 'echo "$MEM_REQUEST"' '33554432'
	env app 'env | grep -c "^PLAIN="' '1'

	cmd image-default @logs 'ep img-cmd'
	cmd command-only @logs 'c1'
	cmd args-only @logs 'ep a1 hi'
	cmd both @logs 'x $(GREETING) $(UNDEFINED) late-value $$'
	cmd shell-expansion @logs 'hi hi'

	resources small 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max' '67108864'
	resources small 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d" " -f1 /sys/fs/cgroup/cpu.max' '50000'
	resources small 'cat /sys/fs/cgroup/cpu/cpu.cfs_period_us 2>/dev/null || cut -d" " -f2 /sys/fs/cgroup/cpu.max' '100000'
	resources small 'if [ -f /sys/fs/cgroup/cpu/cpu.shares ]; then echo shares $(cat /sys/fs/cgroup/cpu/cpu.shares); else echo weight $(cat /sys/fs/cgroup/cpu.weight); fi' '~^(shares 256|weight 10)$'
	resources decimal 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max' '128999424'
	resources decimal 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || cut -d" " -f1 /sys/fs/cgroup/cpu.max' '150000'

	names app 'hostname' 'web-1'
	names app 'cat /etc/hostname' 'web-1'
	names app 'hostname -f' 'web-1.backend.default.svc.cluster.local'
	names app 'ip=$(ip -o -4 addr show eth0 | awk "{print \$4}" | cut -d/ -f1); grep "^$ip[[:space:]]" /etc/hosts | grep -w web-1.backend.default.svc.cluster.local | grep -cw web-1' '1'
	names app 'grep -w alias-one /etc/hosts | awk "{print \$1}"' '10.9.8.7'
	names app 'grep -w alias-two /etc/hosts | awk "{print \$1}"' '10.9.8.7'
	names app 'grep -w alias-three /etc/hosts | awk "{print \$1}"' '10.9.8.8'
	names app 'grep -E "^127\.0\.0\.1[[:space:]]" /etc/hosts | grep -cw localhost' '1'
	names app 'grep ^nameserver /etc/resolv.conf' 'nameserver 10.9.9.9'
	names app 'grep ^search /etc/resolv.conf' 'search example.test corp.example.test'
	names app 'grep ^options /etc/resolv.conf' 'options ndots:2 edns0'

	ports web 'wget -q -O - http://127.0.0.1:80/' 'hello-from-hostport'
	ports web 'wget -q -O - http://127.0.0.1:8081/' 'hello-from-hostport'

	pidns looker 'ps -o args | grep -c "^sleep 7777"' '1'
	pidns looker 'cat /proc/1/comm' '~^peapod-pause|pause$'
	pidns looker 'readlink /proc/self/ns/pid' '@SLEEPER_PIDNS@'

	hostns app 'readlink /proc/self/ns/pid' '@HOST_PIDNS@'
	hostns app 'readlink /proc/self/ns/ipc' '@HOST_IPCNS@'
	hostns app 'readlink /proc/self/ns/net' '@HOST_NETNS@'
	hostns app 'hostname' '@HOSTNAME@'
	hostns app '[ "$POD_IP" = "$HOST_IP" ] && echo "$POD_IP"' '@HOST_IP_ENV@'

	stdio tty 'readlink /proc/1/fd/0' '~^/dev/pts/[0-9]+$'
	stdio tty 'readlink /proc/1/fd/1' '~^/dev/pts/[0-9]+$'
	stdio stdin 'readlink /proc/1/fd/0 | cut -d: -f1' 'pipe'
	stdio stdin 'readlink /proc/1/fd/1 | grep -c /dev/pts' '0'
	stdio plain 'readlink /proc/1/fd/0' '/dev/null'
)

# host_ips: the host's IPv4 addresses, one a line.
host_ips() {
	ip -o -4 addr show | awk '{print $4}' | cut -d/ -f1
}

@test "kube fields: env: value, \$(VAR), valueFrom, envFrom with prefix; kube down" {
	kube_images_extra
	kube_net 241
	f=$(render env)
	kplay "$f"
	assert_success
	assert_output_contains "Pod:"
	check_rows env envpod
	# status.hostIP is one of the host's addresses
	run_ctr exec envpod-app sh -c 'echo "$HOST_IP"'
	assert_success
	[ -n "$output" ] && host_ips | grep -qxF "$output" ||
		fail "HOST_IP '$output' is not an address of the host: $(host_ips | xargs)"
	run_ctr kube down "$f"
	assert_success
	run_ctr pod ps -q
	assert_output_empty
	run_ctr ps -aq
	assert_output_empty
}

@test "kube fields: command and args against the image's ENTRYPOINT and CMD" {
	kube_images_extra
	kube_net 241
	kplay "$KDATA/cmd.yaml"
	assert_success
	check_rows cmd cmdpod
}

@test "kube fields: resources: cpu and memory limits and cpu requests in the cgroup" {
	kube_net 241
	kplay "$KDATA/resources.yaml"
	assert_success
	check_rows resources respod
	run_ctr inspect --format '{{.HostConfig.Memory}} {{.HostConfig.CpuQuota}}' respod-small
	assert_success
	assert_equal "$output" "67108864 50000"
}

@test "kube fields: hostname, subdomain, hostAliases, dnsPolicy None with dnsConfig" {
	kube_net 241
	kplay "$KDATA/names.yaml"
	assert_success
	check_rows names namespod
}

@test "kube fields: hostPort is reached from the host's 127.0.0.1, containerPort alone is not published" {
	kube_net 241
	KPORT=$(free_tcp_port)
	kplay "$(render ports)"
	assert_success
	out=
	for _ in $(seq 1 25); do
		out=$(curl -sf --noproxy '*' -m 2 "http://127.0.0.1:$KPORT/") && break
		sleep 0.2
	done
	assert_equal "$out" "hello-from-hostport" "page through hostPort $KPORT"
	check_rows ports portpod
	run_ctr pod inspect --format '{{json .InfraConfig.PortBindings}}' portpod
	assert_success
	assert_output_contains "$KPORT"
	assert_output_not_contains "8081"
}

@test "kube fields: shareProcessNamespace shows the other container's processes" {
	kube_net 241
	kplay "$KDATA/pidns.yaml"
	assert_success
	# the sleeper's pid namespace, seen from the host
	pid=$(ctr inspect --format '{{.State.Pid}}' pidpod-sleeper)
	[ -n "$pid" ] && [ "$pid" -gt 0 ] || fail "no pid for pidpod-sleeper: '$pid'"
	KSUBST[SLEEPER_PIDNS]=$(readlink "/proc/$pid/ns/pid")
	check_rows pidns pidpod
}

@test "kube fields: hostNetwork, hostPID, hostIPC use the host's namespaces" {
	KSUBST[HOST_PIDNS]=$(readlink /proc/$$/ns/pid)
	KSUBST[HOST_IPCNS]=$(readlink /proc/$$/ns/ipc)
	KSUBST[HOST_NETNS]=$(readlink /proc/$$/ns/net)
	kplay "$KDATA/hostns.yaml"
	assert_success
	run_ctr exec hostnspod-app sh -c 'echo "$HOST_IP"'
	assert_success
	host_ips | grep -qxF "$output" || fail "HOST_IP '$output' is not an address of the host"
	KSUBST[HOST_IP_ENV]=$output
	check_rows hostns hostnspod
}

@test "kube fields: stdin and tty" {
	kube_net 241
	kplay "$KDATA/stdio.yaml"
	assert_success
	check_rows stdio stdiopod
	run_ctr inspect --format '{{.Config.Tty}} {{.Config.OpenStdin}}' stdiopod-tty
	assert_equal "$output" "true true"
	run_ctr inspect --format '{{.Config.Tty}} {{.Config.OpenStdin}}' stdiopod-plain
	assert_equal "$output" "false false"
}
