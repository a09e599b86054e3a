#!/usr/bin/env bats
# Rootless (issue 8): peapod run by unprivileged users that the test makes
# (lib/rootless.bash: useradd, 65536 subuids/subgids of their own, homes
# under /var/tmp/peapod-rl.*), with peapod's DEFAULT paths (no --root,
# --runroot: ~/.local/share/peapod, /tmp/peapod-run-UID or
# $XDG_RUNTIME_DIR/peapod).  Images come from the suite's plain registry
# ($REG, --tls-verify=false); pods use pasta; published ports are checked
# from the host on 127.0.0.1.  Every test makes fresh users; its teardown
# runs `peapod system reset -f` as each, fails the test if a process of the
# user (or of its subordinate ids), a mount or a netns file is left, and
# removes the users.  Skipped, with the reason, where newuidmap, pasta or
# unprivileged user namespaces are missing.

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"
source "$BATS_TEST_DIRNAME/lib/rootless.bash"

setup_file() {
	rootless_setup_file
}

teardown_file() {
	rootless_teardown_file
}

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	rootless_setup
	BB=$REG/busybox
	O33=$REG/owned33
}

teardown() {
	local rc=0
	rootless_teardown || rc=1
	e2e_teardown || rc=1
	return $rc
}

# proc_uids PID: real, effective, saved and fs uid of PID on the host.
proc_uids() {
	awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$1/status"
}

# rfield USER CTR TEMPLATE: inspect --format as USER.
rfield() {
	rpp "$1" inspect --format "$3" "$2"
}

# rwait_field USER CTR TEMPLATE VALUE SECONDS
rwait_field() {
	local v _
	for _ in $(seq 1 $(($5 * 5))); do
		v=$(rfield "$1" "$2" "$3" 2>/dev/null) || true
		[ "$v" = "$4" ] && return 0
		sleep 0.2
	done
	fail "$2 of '$1': $3 is '$v', not '$4' after $5 s"
}

# wait_http URL WANT [TENTHS]: curl from the host (root) until it answers WANT.
wait_http() {
	local got _
	for _ in $(seq 1 "${3:-100}"); do
		got=$(curl -sf --noproxy '*' --max-time 2 "$1" 2>/dev/null) && [ "$got" = "$2" ] && return 0
		sleep 0.1
	done
	fail "$1 answered '$got', not '$2'"
}

# assert_port_closed PORT: nothing listens on 127.0.0.1:PORT (after a moment).
assert_port_closed() {
	local _
	for _ in $(seq 1 50); do
		ss -Hltn "sport = :$1" | grep -q . || return 0
		sleep 0.1
	done
	fail "something still listens on port $1: $(ss -Hltnp "sport = :$1")"
}

# limit_warnings: lines of $stderr saying that limits (cgroups) are ignored.
limit_warnings() {
	grep -iE 'limit|cgroup' <<<"${stderr:-}" | grep -ciE 'ignor' || true
}

# assert_nothing_of USER: no pod, no container of USER.
assert_nothing_of() {
	run_rpp "$1" pod ps -q
	assert_success || return 1
	assert_output_empty || return 1
	run_rpp "$1" ps -aq
	assert_success || return 1
	assert_output_empty
}

@test "rootless: pull from the registry, run --rm id -u prints 0; conmon and the container run as the user" {
	rootless_user_create a
	uid=$(rl_uid a)
	run_rpp a pull -q --tls-verify=false "$BB"
	assert_success
	assert_image_id "$(last_line)"
	run_rpp a run --rm "$BB" id -u
	assert_success
	assert_equal "$output" 0
	run_rpp a run --rm "$BB" id -g
	assert_equal "$output" 0

	run_rpp a run -d --name long "$BB" "${LONG[@]}"
	assert_success
	pid=$(rfield a long '{{.State.Pid}}')
	conmon=$(rfield a long '{{.State.ConmonPid}}')
	[[ "$pid" =~ ^[1-9][0-9]*$ && "$conmon" =~ ^[1-9][0-9]*$ ]] ||
		fail "State.Pid '$pid', State.ConmonPid '$conmon'"
	assert_equal "$(proc_uids "$pid")" "$uid $uid $uid $uid" "host uids of the container's pid 1"
	assert_equal "$(proc_uids "$conmon")" "$uid $uid $uid $uid" "host uids of peapod-conmon"
	assert_equal "$(awk '/^Gid:/ {print $3}' "/proc/$pid/status")" "$(rl_gid a)" "host gid of pid 1"
	# container root is the user; 1.. are the user's subordinate ids
	assert_equal "$(awk '$1 == 0 {print $2, $3}' "/proc/$pid/uid_map")" "$uid 1"
	assert_equal "$(awk '$1 == 1 {print $2, $3}' "/proc/$pid/uid_map")" "$(rl_subuid a) 65536"
	assert_equal "$(awk '$1 == 1 {print $2, $3}' "/proc/$pid/gid_map")" "$(rl_subgid a) 65536"
	# the pause process holds the user namespace the containers live in
	pause=$(rl_pause_pid a) || fail "no live pause process in $(rl_runroot a)/pause.pid"
	assert_equal "$(proc_uids "$pause" | cut -d' ' -f2)" "$uid" "euid of the pause process"
	ns=$(readlink "/proc/$pid/ns/user")
	[ "$ns" != "$(readlink /proc/1/ns/user)" ] || fail "the container is in the host's user namespace"
	assert_equal "$(readlink "/proc/$pause/ns/user")" "$ns" "user namespace of pause and container"
	# nothing in that user namespace runs as the host's root
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/user" 2>/dev/null)" = "$ns" ] || continue
		u=$(awk '/^Uid:/ {print $3}' "$p/status" 2>/dev/null) || continue
		[ "$u" != 0 ] || fail "${p#/proc/} ($(tr '\0' ' ' <"$p/cmdline")) runs as root"
	done
	# and nothing of the user runs outside its ids
	run_rpp a rm -f long
	assert_success
}

@test "rootless: storage in ~/.local/share/peapod, run root in /tmp/peapod-run-UID, or XDG_DATA_HOME, XDG_RUNTIME_DIR; info says rootless" {
	rootless_user_create a
	uid=$(rl_uid a)
	g=$(rl_home a)/.local/share/peapod
	r=/tmp/peapod-run-$uid
	rl_pull a busybox
	for d in "$g" "$r"; do
		[ -d "$d" ] || fail "$d was not made" || return 1
		assert_equal "$(stat -c '%a %u %g' "$d")" "700 $uid $(rl_gid a)" "mode and owner of $d"
	done
	[ -n "$(find "$g" -mindepth 2 -type f -print -quit)" ] || fail "nothing stored in $g"
	run_rpp a info --format json
	assert_success
	assert_equal "$(jq -r '.host.rootless' <<<"$output")" true "host.rootless"
	assert_equal "$(jq -r '.store.graphRoot' <<<"$output")" "$g" "store.graphRoot"
	assert_equal "$(jq -r '.store.runRoot' <<<"$output")" "$r" "store.runRoot"
	drv=$(jq -r '.store.graphDriverName' <<<"$output")
	case "$drv" in overlay | fuse-overlayfs | vfs) ;; *) fail "graph driver '$drv'" ;; esac
	rl_pause_pid a >/dev/null || fail "no live pause process in $r/pause.pid"

	# XDG_RUNTIME_DIR and XDG_DATA_HOME win when set
	rootless_user_create b
	x=$(rootless_user_xdg_runtime b)
	hb=$(rl_home b)
	as_user b mkdir -p "$hb/data"
	rootless_user_setenv b "XDG_DATA_HOME=$hb/data"
	rl_pull b busybox
	run_rpp b info --format json
	assert_success
	assert_equal "$(jq -r '.store.graphRoot' <<<"$output")" "$hb/data/peapod" "store.graphRoot with XDG_DATA_HOME"
	assert_equal "$(jq -r '.store.runRoot' <<<"$output")" "$x/peapod" "store.runRoot with XDG_RUNTIME_DIR"
	for d in "$hb/data/peapod" "$x/peapod"; do
		[ -d "$d" ] || fail "$d was not made" || return 1
		assert_equal "$(stat -c '%a %u' "$d")" "700 $(rl_uid b)" "mode and owner of $d"
	done
	[ ! -e "/tmp/peapod-run-$(rl_uid b)" ] || fail "/tmp/peapod-run-UID made although XDG_RUNTIME_DIR is set"
	[ ! -e "$hb/.local/share/peapod" ] || fail "$hb/.local/share/peapod made although XDG_DATA_HOME is set"
	[ -f "$x/peapod/pause.pid" ] || fail "no pause.pid in $x/peapod"
	run_rpp b run --rm "$BB" true
	assert_success
}

@test "rootless: a second user sees none of the first one's containers, pods, images, volumes, logs or files" {
	rootless_user_create a
	rootless_user_create b
	rl_pull a busybox
	run_rpp a volume create va
	assert_success
	run_rpp a run --name loud -v va:/data "$BB" sh -c 'echo secret-log-line; echo x >/data/x'
	assert_success
	assert_output_contains secret-log-line
	run_rpp a pod create --name pa
	assert_success
	run_rpp a logs loud
	assert_output_contains secret-log-line

	for cmd in "ps -a -q" "pod ps -q" "images -q" "volume ls -q"; do
		# shellcheck disable=SC2086
		run_rpp b $cmd
		assert_success
		assert_output_empty
	done
	run_rpp b logs loud
	assert_failure
	assert_output_not_contains secret-log-line
	run_rpp b inspect loud
	assert_failure
	run_rpp b volume inspect va
	assert_failure

	# the first user's files: EACCES, not even its storage root
	g=$(rl_graphroot a)
	run_as b ls "$g"
	assert_failure
	assert_stderr_contains "Permission denied"
	[ -d "$(rl_runroot a)" ] || fail "no run root $(rl_runroot a)"
	run_as b ls "$(rl_runroot a)"
	assert_failure
	assert_stderr_contains "Permission denied"
	run_as b cat "$g/volumes/va/_data/x"
	assert_failure
	# nor through peapod pointed at them
	run_rpp b --root "$g" --runroot "$(rl_runroot a)" images -q
	assert_failure
	# the first user still has everything
	run_rpp a ps -a --format '{{.Names}}'
	assert_output_contains loud
	run_rpp a volume ls -q
	assert_output_contains va
}

@test "rootless: published ports answer on 127.0.0.1 (pod create -p, kube play hostPort); a port below ip_unprivileged_port_start is refused" {
	rootless_user_create a
	rl_pull a busybox
	p1=$(free_port)
	run_rpp a pod create --name web -p "$p1:80"
	assert_success
	run_rpp a run -d --pod web --name httpd "$BB" httpd -f -p 80 -h /var/www
	assert_success
	wait_http "http://127.0.0.1:$p1/" "<h1>peapod</h1>"
	run_as a curl -sf --noproxy '*' --max-time 5 "http://127.0.0.1:$p1/"
	assert_success
	assert_equal "$output" "<h1>peapod</h1>"
	run_rpp a pod rm -f web
	assert_success
	assert_port_closed "$p1"

	p2=$(free_port $((p1 + 1)))
	f=$(rl_write a kweb.yaml <<EOF
apiVersion: v1
kind: Pod
metadata: {name: kweb}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: $BB
    imagePullPolicy: IfNotPresent
    command: [httpd, -f, -p, "80", -h, /var/www]
    ports: [{containerPort: 80, hostPort: $p2}]
EOF
	)
	run_rpp a kube play "$f"
	assert_success
	wait_http "http://127.0.0.1:$p2/" "<h1>peapod</h1>"
	run_rpp a kube down "$f"
	assert_success
	assert_port_closed "$p2"
	assert_nothing_of a

	# below net.ipv4.ip_unprivileged_port_start: refused, nothing left
	start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
	[ "$start" -gt 80 ] || skip "net.ipv4.ip_unprivileged_port_start is $start: no port is privileged"
	low=$((start - 1))
	# refused at pod create, before anything is made
	run_rpp a pod create --name low -p "$low:80"
	assert_failure
	assert_stderr_contains "net.ipv4.ip_unprivileged_port_start"
	assert_stderr_contains "$low"
	rpp a pod rm -f low >/dev/null 2>&1 || true
	fl=$(rl_write a klow.yaml <<EOF
apiVersion: v1
kind: Pod
metadata: {name: klow}
spec:
  containers:
  - name: web
    image: $BB
    imagePullPolicy: IfNotPresent
    command: [httpd, -f, -p, "80", -h, /var/www]
    ports: [{containerPort: 80, hostPort: $low}]
EOF
	)
	run_rpp a kube play "$fl"
	assert_failure
	assert_stderr_contains "net.ipv4.ip_unprivileged_port_start"
	assert_nothing_of a
	assert_port_closed "$low"
	# no pasta, no conmon: at most the pause process is left
	rl_wait_no_pids a "$(rl_pause_pid a)"
}

@test "rootless: files written as root in a container to a named volume or a hostPath belong to the user on the host" {
	rootless_user_create a
	uid=$(rl_uid a)
	gid=$(rl_gid a)
	sub=$(rl_subuid a)
	home=$(rl_home a)
	rl_pull a busybox
	run_rpp a volume create data
	assert_success
	run_rpp a run --rm -v data:/data "$BB" sh -c 'echo hi >/data/f && mkdir /data/d && touch /data/w && chown 33:33 /data/w'
	assert_success
	mp=$(rpp a volume inspect --format '{{.Mountpoint}}' data)
	case "$mp" in "$(rl_graphroot a)"/*) ;; *) fail "volume data is at '$mp', not in the user's storage" ;; esac
	assert_equal "$(stat -c '%u %g' "$mp/f")" "$uid $gid" "owner of a file root wrote"
	assert_equal "$(stat -c '%u %g' "$mp/d")" "$uid $gid" "owner of a dir root made"
	assert_equal "$(stat -c '%u %g' "$mp/w")" "$((sub + 32)) $((sub + 32))" "owner of a file chowned to 33"

	as_user a mkdir "$home/hp"
	run_rpp a run --rm -v "$home/hp:/hp" "$BB" sh -c 'echo x >/hp/g && mkdir /hp/sub'
	assert_success
	assert_equal "$(stat -c '%u %g' "$home/hp/g" "$home/hp/sub" | sort -u)" "$uid $gid" "owner in a -v hostPath"
	run_as a rm -r "$home/hp/g" "$home/hp/sub"
	assert_success

	f=$(rl_write a kvol.yaml <<EOF
apiVersion: v1
kind: Pod
metadata: {name: kvol}
spec:
  restartPolicy: Never
  containers:
  - name: w
    image: $BB
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "echo k >/hp/k && echo v >/pv/v"]
    volumeMounts:
    - {name: hp, mountPath: /hp}
    - {name: pv, mountPath: /pv}
  volumes:
  - {name: hp, hostPath: {path: $home/khp, type: DirectoryOrCreate}}
  - {name: pv, persistentVolumeClaim: {claimName: kclaim}}
EOF
	)
	run_rpp a kube play "$f"
	assert_success
	run_rpp a wait kvol-w
	assert_equal "$(stat -c '%u %g' "$home/khp/k")" "$uid $gid" "owner in a kube hostPath"
	kp=$(rpp a volume inspect --format '{{.Mountpoint}}' kclaim)
	assert_equal "$(stat -c '%u %g' "$kp/v")" "$uid $gid" "owner in a kube claim volume"
	run_rpp a kube down "$f"
	assert_success
}

@test "rootless: an image's uid 33 is 33 in the container and subuid+32 on the host" {
	rootless_user_create a
	sub=$(rl_subuid a)
	rl_pull a owned33
	run_rpp a run --rm "$O33" stat -c '%u %g %a' /data/www /data/www/index.html
	assert_success
	assert_equal "$output" "$(printf '33 33 750\n33 33 640')"
	run_rpp a run --rm --user 33:33 "$O33" cat /data/www/index.html
	assert_success
	assert_equal "$output" owned33
	# every copy in the user's storage (the unpacked layer, a container's
	# upper dir, whatever the driver keeps) is owned by the mapped ids
	n=0
	while read -r d; do
		n=$((n + 1))
		assert_equal "$(stat -c '%u %g %a' "$d")" "$((sub + 32)) $((sub + 32)) 750" "$d"
	done < <(find "$(rl_graphroot a)" -xdev -type d -path '*/data/www')
	[ "$n" -gt 0 ] || fail "no data/www found in $(rl_graphroot a)"
	# a process running as 33 is subuid+32 on the host
	run_rpp a run -d --name u33 --user 33 "$O33" "${LONG[@]}"
	assert_success
	pid=$(rfield a u33 '{{.State.Pid}}')
	assert_equal "$(proc_uids "$pid" | cut -d' ' -f2)" "$((sub + 32))" "host euid of a uid-33 process"
}

@test "rootless: kube play of init + 2 containers sharing an emptyDir and localhost; kube generate; kube down and reset leave nothing" {
	rootless_user_create a
	rl_pull a busybox
	f=$(rl_write a multi.yaml <<EOF
apiVersion: v1
kind: Pod
metadata: {name: multi}
spec:
  terminationGracePeriodSeconds: 5
  initContainers:
  - name: init
    image: $BB
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "echo from-init >/shared/index.html"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  containers:
  - name: web
    image: $BB
    imagePullPolicy: IfNotPresent
    command: [httpd, -f, -p, "8080", -h, /shared]
    volumeMounts: [{name: shared, mountPath: /shared}]
  - name: client
    image: $BB
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 0.1; done"]
    volumeMounts: [{name: shared, mountPath: /shared}]
  volumes:
  - {name: shared, emptyDir: {}}
EOF
	)
	run_rpp a kube play "$f"
	assert_success
	assert_equal "${lines[0]}" "Pod:"
	rwait_field a multi-web '{{.State.Status}}' running 20
	rwait_field a multi-client '{{.State.Status}}' running 20
	run_rpp a pod ps --format '{{.Name}} {{.Status}}'
	assert_equal "$output" "multi Running"
	run_rpp a exec multi-client cat /shared/index.html
	assert_equal "$output" from-init
	for _ in $(seq 50); do
		run_rpp a exec multi-client wget -qO- http://localhost:8080/
		[ "$status" -ne 0 ] || break
		sleep 0.1
	done
	assert_equal "$output" from-init
	# the containers' processes are the user's
	pid=$(rfield a multi-web '{{.State.Pid}}')
	assert_equal "$(proc_uids "$pid" | cut -d' ' -f2)" "$(rl_uid a)"

	run_rpp a kube generate multi
	assert_success
	gen=$output
	for want in "kind: Pod" "name: multi" "name: web" "name: client" "emptyDir:"; do
		grep -qE "^ *(- )?$want" <<<"$gen" || fail "kube generate lacks '$want'"
	done
	g=$(rl_write a gen.yaml <<<"$gen")

	run_rpp a kube down "$f"
	assert_success
	assert_output_contains "Pods removed:"
	assert_nothing_of a
	# what kube generate printed plays again
	run_rpp a kube play --pull never "$g"
	assert_success
	rwait_field a multi-client '{{.State.Status}}' running 20
	run_rpp a kube down "$g"
	assert_success
	assert_nothing_of a
	pause=$(rl_pause_pid a) || fail "no pause process after kube down"
	rl_wait_no_pids a "$pause"

	run_rpp a system reset -f
	assert_success
	rl_wait_no_pids a
	! kill -0 "$pause" 2>/dev/null || fail "the pause process $pause survived system reset -f"
	# no image, layer or container file stays (top-level files aside)
	g=$(rl_graphroot a)
	[ ! -d "$g" ] || left=$(cd "$g" && find . -mindepth 2 ! -type d | head)
	[ -z "${left:-}" ] || fail "system reset -f left files in $g: $left"
}

@test "rootless: a user without /etc/subuid ranges is warned on first use and still runs busybox with one mapping" {
	rootless_user_create_noranges n
	uid=$(rl_uid n)
	run_rpp n pull -q --tls-verify=false "$BB"
	assert_success
	assert_stderr_contains "/etc/subuid"
	run_rpp n run --rm "$BB" id -u
	assert_success
	assert_equal "$output" 0
	run_rpp n run --rm "$BB" cat /proc/self/uid_map
	assert_success
	assert_equal "$(awk '{print $1, $2, $3}' <<<"$output")" "0 $uid 1"
	# files owned by other ids in the image are still there to run
	run_rpp n run --rm "$BB" cat /var/www/index.html
	assert_success
	assert_equal "$output" "<h1>peapod</h1>"
}

@test "rootless: pods of one user resolve each other by name" {
	rootless_user_create a
	rl_pull a busybox
	p=$(free_port)
	run_rpp a pod create --name podb -p "$p:80"
	assert_success
	run_rpp a run -d --pod podb --name webb "$BB" httpd -f -p 80 -h /var/www
	assert_success
	run_rpp a pod create --name poda
	assert_success
	run_rpp a run -d --pod poda --name cli "$BB" "${LONG[@]}"
	assert_success
	wait_http "http://127.0.0.1:$p/" "<h1>peapod</h1>"
	# podb's server, on its own port over a shared network or through the
	# port it publishes on the host
	got=
	for _ in $(seq 30); do
		got=$(rpp a exec cli sh -c "timeout 3 wget -qO- http://podb:80/ 2>/dev/null ||
			timeout 3 wget -qO- http://podb:$p/" 2>"$TEST_DIR/wget.err") && break
		sleep 0.2
	done
	assert_equal "$got" "<h1>peapod</h1>" "poda -> http://podb ($(cat "$TEST_DIR/wget.err"))"
	# and the other way: a pod made earlier resolves one made later
	run_rpp a exec webb sh -c 'timeout 3 wget -qO- http://poda:1/ 2>&1; true'
	assert_output_not_contains "bad address"
}

@test "rootless: exec and logs work; exec and httpGet readiness probes mark containers Ready" {
	rootless_user_create a
	rl_pull a busybox
	run_rpp a run -d --name app "$BB" sh -c 'echo hello-from-log; echo err-line >&2; exec httpd -f -p 8080 -h /var/www'
	assert_success
	for _ in $(seq 50); do
		run_rpp a logs app
		[[ "$output$stderr" == *err-line* ]] && break
		sleep 0.1
	done
	assert_output_contains hello-from-log
	[[ "$output$stderr" == *err-line* ]] || fail "logs lack the stderr line"
	run_rpp a exec app id -u
	assert_success
	assert_equal "$output" 0
	run_rpp a exec --user 33 app id -u
	assert_equal "$output" 33
	run_rpp a exec app wget -qO- http://127.0.0.1:8080/
	assert_success
	assert_equal "$output" "<h1>peapod</h1>"
	run_rpp a exec app sh -c 'exit 7'
	assert_status 7
	echo piped | rpp a exec -i app cat >"$TEST_DIR/piped" || fail "exec -i failed"
	assert_equal "$(cat "$TEST_DIR/piped")" piped

	f=$(rl_write a probes.yaml <<EOF
apiVersion: v1
kind: Pod
metadata: {name: probes}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: $BB
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "sleep 1; exec httpd -f -p 8080 -h /var/www"]
    readinessProbe:
      httpGet: {path: /index.html, port: 8080}
      periodSeconds: 1
  - name: side
    image: $BB
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "trap 'exit 0' TERM; sleep 1; touch /tmp/ready; while :; do sleep 0.1; done"]
    readinessProbe:
      exec: {command: [cat, /tmp/ready]}
      periodSeconds: 1
EOF
	)
	run_rpp a kube play "$f"
	assert_success
	rwait_field a probes-web '{{.State.Ready}}' true 20
	rwait_field a probes-side '{{.State.Ready}}' true 20
	run_rpp a logs probes-web
	assert_success
	run_rpp a kube down "$f"
	assert_success
}

@test "rootless: on cgroup v1 a memory limit is ignored with one warning and the container runs" {
	host_cgroup_v2 && skip "the host has cgroup v2: rootless limits apply there (this test is for cgroup v1)"
	rootless_user_create a
	rl_pull a busybox
	run_rpp a run --rm --memory 64m "$BB" echo ran
	assert_success
	assert_equal "$output" ran
	assert_equal "$(limit_warnings)" 1 "warnings that limits are ignored"
	f=$(rl_write a limits.yaml <<EOF
apiVersion: v1
kind: Pod
metadata: {name: lim}
spec:
  containers:
  - name: a
    image: $BB
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 0.1; done"]
    resources: {limits: {memory: 64Mi, cpu: 500m}}
  - name: b
    image: $BB
    imagePullPolicy: IfNotPresent
    command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 0.1; done"]
    resources: {limits: {memory: 32Mi}}
EOF
	)
	run_rpp a kube play "$f"
	assert_success
	assert_equal "$(limit_warnings)" 1 "warnings that limits are ignored (kube play)"
	rwait_field a lim-a '{{.State.Status}}' running 20
	rwait_field a lim-b '{{.State.Status}}' running 20
	run_rpp a kube down "$f"
	assert_success
}

@test "rootless: unshare runs a command as root of the user namespace, with the subordinate ids mapped" {
	rootless_user_create a
	uid=$(rl_uid a)
	run_rpp a unshare id -u
	assert_success
	assert_equal "$output" 0
	run_rpp a unshare cat /proc/self/uid_map
	assert_success
	assert_equal "$(awk '{print $1, $2, $3}' <<<"$output" | sort -n | xargs)" \
		"0 $uid 1 1 $(rl_subuid a) 65536"
	# root there can chown to a subordinate id and remove it again
	run_rpp a unshare sh -c 'touch "$HOME/x" && chown 33:33 "$HOME/x" && stat -c %u "$HOME/x"'
	assert_success
	assert_equal "$output" 33
	assert_equal "$(stat -c %u "$(rl_home a)/x")" "$(($(rl_subuid a) + 32))"
	run_rpp a unshare rm "$(rl_home a)/x"
	assert_success
	# the same namespace as the pause process
	pause=$(rl_pause_pid a) || fail "no pause process"
	run_rpp a unshare readlink /proc/self/ns/user
	assert_equal "$output" "$(readlink "/proc/$pause/ns/user")"
}

@test "rootless: a pod reaches the outside through pasta (a server on the host, at the pod's gateway)" {
	rootless_user_create a
	rl_pull a busybox
	# the "outside": a web server of the host's, on its 127.0.0.1 only
	mkdir -p "$TEST_DIR/www"
	echo outside-ok >"$TEST_DIR/www/index.html"
	p=$(free_port)
	busybox httpd -f -p "127.0.0.1:$p" -h "$TEST_DIR/www" &
	srv=$!
	wait_http "http://127.0.0.1:$p/" outside-ok
	run_rpp a pod create --name out
	assert_success
	run_rpp a run -d --pod out --name cli "$BB" "${LONG[@]}"
	assert_success
	got=
	for _ in $(seq 20); do
		got=$(rpp a exec cli sh -c 'gw=$(ip route | awk "/^default/ {print \$3}");
			timeout 3 wget -qO- "http://$gw:'"$p"'/"' 2>"$TEST_DIR/wget.err") && break
		sleep 0.2
	done
	kill "$srv"
	wait "$srv" 2>/dev/null || true
	assert_equal "$got" outside-ok "pod -> host ($(cat "$TEST_DIR/wget.err"))"
}

@test "rootless: a killed pause process is replaced from a running container's monitor; the container stays usable" {
	rootless_user_create a
	rl_pull a busybox
	run_rpp a run -d --name keep "$BB" "${LONG[@]}"
	assert_success
	old=$(rl_pause_pid a)
	[ -n "$old" ] || fail "no pause process"
	kill -9 "$old"
	run_rpp a ps --format '{{.Names}} {{.Status}}'
	assert_success
	assert_output_contains "keep Up"
	assert_stderr_contains "was gone: joined the namespaces of container monitor"
	new=$(rl_pause_pid a)
	[ -n "$new" ] && [ "$new" != "$old" ] || fail "pause process not replaced ($old -> $new)"
	# the same namespaces: the container's rootfs mount is still seen, exec works
	run_rpp a exec keep echo exec-ok
	assert_success
	assert_equal "$output" exec-ok
	run_rpp a rm -f keep
	assert_success
}

@test "rootless: hostNetwork, hostPID and hostIPC pods run (host /proc bound, not mounted)" {
	rootless_user_create a
	rl_pull a busybox
	rl_write a hostns.yaml <<EOF2
apiVersion: v1
kind: Pod
metadata:
  name: hostns
spec:
  hostNetwork: true
  hostPID: true
  hostIPC: true
  containers:
  - name: a
    image: $BB
    command: ["sleep", "1000"]
EOF2
	run_rpp a kube play "$(rl_home a)/hostns.yaml"
	assert_success
	# the host's pid 1 is seen, and the host's interfaces
	run_rpp a exec hostns-a sh -c 'test -d /proc/1 && ps -o pid | wc -l'
	assert_success
	[ "$output" -gt 5 ] || fail "only $output processes seen: not the host's pid namespace"
	run_rpp a exec hostns-a cat /proc/net/dev
	assert_success
	assert_output_contains "$(ip -o link show | awk -F': ' 'NR==2 {sub(/@.*/, "", $2); print $2}')"
	run_rpp a kube down "$(rl_home a)/hostns.yaml"
	assert_success
}
