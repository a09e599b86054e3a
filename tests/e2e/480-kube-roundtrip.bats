#!/usr/bin/env bats
# kube generate round trip (issue 6), for every manifest of the kube play
# suite (tests/data/kube/*.yaml) that plays:
#   1. play it (placeholders filled in as the kube play tests do) on a
#      network of the test's own (10.248.<random>.0/24);
#   2. snapshot what runs (rt_snapshot): per pod its hostname, labels,
#      shared namespaces, DNS, host aliases, port bindings and volumes; per
#      container what `inspect` says it runs with (argv, entrypoint/cmd,
#      env, workdir, user, tty/stdin, resources, capabilities, privileges,
#      restart policy, mounts) and, when it runs, what it sees from inside
#      (id, hostname, capability sets, no_new_privs, seccomp, pid 1, env,
#      mounts, volume trees with modes and owners, resolv.conf, hosts,
#      memory limit) and which namespaces it shares with the host and its
#      siblings; when it has exited, its exit code and its logs;
#   3. `kube generate` its pods; the YAML must pass the offline Kubernetes
#      validator (tests/k8s-validate, --generated: strict about unknown
#      fields, no status, no server-set metadata);
#   4. `kube play --replace` the generated YAML (with the manifest's
#      ConfigMaps and Secrets, which generate refers to by name and does not
#      print); the same pods must come back and the snapshot must be equal;
#   5. `kube generate` again: byte-identical YAML (a fixed point).
# Several manifests per test (each test pays for its image import and
# network once); every manifest's failure is reported with the step, the
# generated YAML or the validator's errors or the snapshot diff, and the
# test fails at the end.  Two more tests validate the other outputs: -t
# deployment -r 3, -t daemonset, -t job (played: its containers print what
# the pod's printed) and -s of played pods; and generate of `pod create`
# and `peapod run` containers, with environment values that a YAML 1.1
# reader would misread unless quoted (played back: the values come back
# byte for byte).
#
# Manifests that kube play refuses (negative tests of the play suite) are
# listed in RT_NOT_PLAYED; one that plays but cannot round-trip by design
# is named in RT_SKIP with the reason (only job-parallel: even a one-pod
# Job's pod, which has run to completion, comes back as a Pod that runs to
# completion again, with the same logs).  The first test checks that every
# manifest is in exactly one group or in RT_NOT_PLAYED, so that a new one
# cannot be forgotten, and prints the counts.

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"
source "$BATS_TEST_DIRNAME/lib/kube.sh"
source "$BATS_TEST_DIRNAME/lib/k8s-validate.sh"

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	kvalidate_ready || return 1
	kube_images
	kube_net 248
	KHOST=$TEST_DIR/host
	mkdir -p "$KHOST"
	RT_FAILED=()
}

teardown() {
	kube_teardown
}

# The round-tripped manifests, one group per test.
RT_GROUP_FIELDS=(cmd env resources names pidns stdio hostns ports)
RT_GROUP_VOLUMES=(volumes-files emptydir hostpath subpath pvc downward projected)
RT_GROUP_WORKLOADS=(init sidecar restart deployment daemonset job job-parallel list service)
RT_GROUP_SECURITY=(caps users)

# Played by the kube play suite to check that play refuses them: there is
# nothing running to generate from.
RT_NOT_PLAYED=(
	init-fail         # an init container fails: play exits 125 (440)
	hostpath-mismatch # hostPath type Directory on a file: refused (420)
	subpath-escape    # subPath symlink out of its volume: refused (420)
	nonroot-image     # runAsNonRoot with an image running as root: refused (430)
)

# Played, but not round-tripped: [manifest]="the reason" (the manifest
# stays in its group; rt_group skips it and says so).
declare -gA RT_SKIP=(
	[job-parallel]="a Job's pacing (parallelism) belongs to the Job, not to its pods: generate of the pods prints Pods, which replayed run at once"
)

# Containers that exit and are restarted all the time: their state, logs
# and view from inside depend on when one looks; only what they run with
# (inspect) is compared.
RT_FLAPPY=" rp-onfailure-fails rp-always-quick "

# Containers that run to completion: waited for before each snapshot.
declare -gA RT_WAIT=(
	[cmd]="cmdpod-image-default cmdpod-command-only cmdpod-args-only cmdpod-both cmdpod-shell-expansion"
	[job]="batch-pod-work"
	[restart]="rp-onfailure-succeeds rp-never-fails"
)

# rt_prep MANIFEST: what the manifest needs on the host (as its kube play
# test makes it).
rt_prep() {
	case "$1" in
	env | cmd) [ -n "${RT_EXTRA:-}" ] || { kube_images_extra && RT_EXTRA=1; } ;;
	hostpath)
		mkdir -p "$KHOST/existing"
		echo host-hello >"$KHOST/existing/hello.txt"
		echo file-body >"$KHOST/file.conf"
		;;
	subpath)
		mkdir -p "$KHOST/sp/inner"
		echo inner-body >"$KHOST/sp/inner/inner.txt"
		;;
	ports) KPORT=$(free_tcp_port) ;;
	esac
}

# rt_fail MANIFEST STEP [FILE...]: record a failure; show the files.
rt_fail() {
	local m=$1 step=$2 f
	shift 2
	RT_FAILED+=("$m ($step)")
	printf '# ---- %s: %s\n' "$m" "$step" >&2
	for f in "$@"; do
		[ -s "$f" ] || continue
		printf '# -- %s\n' "${f#"$TEST_DIR"/}" >&2
		head -80 "$f" | sed 's/^/#   /' >&2
	done
	return 1
}

# rt_settle MANIFEST: the containers that run to completion have exited;
# restart.yaml's failing container has failed once (the watcher's probe
# lists the file it writes).
rt_settle() {
	local c _
	for c in ${RT_WAIT[$1]:-}; do
		timeout 30 "$PEAPOD" --root "$(root_of)" --runroot "$(_root_dir main)/runroot" \
			--runtime "$PEAPOD_RUNTIME" wait "$c" >/dev/null 2>&1 || true
	done
	[ "$1" = restart ] || return 0
	for _ in $(seq 1 50); do
		[ "$(ctr inspect --format '{{.State.ExitCode}} {{.RestartCount}}' rp-onfailure-fails)" != "0 0" ] &&
			return 0
		sleep 0.1
	done
}

# The view from inside a running container (@NET@: the test network's
# first three octets; /etc/hosts is sorted after its pod IPs are replaced,
# its order follows the order in which the pods were made).
RT_PROBE='id; hostname
grep -E "^(CapPrm|CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status
echo "pid1: $(tr "\0" " " </proc/1/cmdline)"
env | sort
awk "{print \$2, \$3, substr(\$4, 1, 2)}" /proc/self/mounts | sort
for mp in $(awk "\$2 !~ \"^/(proc|sys|dev)(/|\$)\" && \$2 != \"/\" && \$2 !~ \"^/etc/(hosts|hostname|resolv.conf)\$\" {print \$2}" /proc/self/mounts | sort -u); do
	find "$mp" -maxdepth 3 -name "..?*" -prune -o -print | sort | while read -r p; do
		stat -L -c "%n %a %u:%g %F" "$p"
	done
done
echo "resolv:"; cat /etc/resolv.conf
echo "hosts:"; sed -E "s/^@NET@\.[0-9]+([^0-9])/@IP@\1/" /etc/hosts | sort
echo "nofile: $(ulimit -n)"
echo "memory: $(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null)"'

# What inspect says a container runs with; store paths (they hold the
# pod's and the container's ids) become <store>; the app label as in
# RT_POD_JQ.
RT_CTR_JQ='.[0] | {Name, Path, Args, ImageName,
	Config: (.Config | {Hostname, User, Tty, OpenStdin, WorkingDir, Entrypoint, Cmd,
		Env: (.Env // [] | sort), Annotations, StopSignal, StopTimeout,
		Labels: ((.Labels // {}) as $l | if ($l | has("app")) then $l else $l + {app: $pod} end)}),
	HostConfig: (.HostConfig | {NetworkMode, RestartPolicy, Memory, MemorySwap, NanoCpus,
		CpuQuota, CpuPeriod, CpuShares, PidsLimit, CapAdd: (.CapAdd // [] | sort),
		CapDrop: (.CapDrop // [] | sort), Privileged, ReadonlyRootfs, SecurityOpt, Init}),
	Mounts: (.Mounts // [] | map({Type, Name, Destination, SubPath, RW, Propagation,
		Options: (.Options // [] | sort),
		Source: (if (.Source // "" | startswith($store)) then "<store>" else .Source end)})
		| sort_by(.Destination))}'

# What pod inspect says; generate adds the label app=<pod> to a pod that
# has none (issue 6), so the snapshot of the played pod gets it too.
RT_POD_JQ='.[0] | {Name, Hostname, SharedNamespaces, HostPID, HostIPC,
	Labels: ((.Labels // {}) as $l | if ($l | has("app")) then $l else $l + {app: .Name} end),
	Infra: (.InfraConfig | {HostNetwork, DNSServer, DNSSearch, DNSOption, HostAdd,
		PortBindings, Networks}),
	Volumes: (.Volumes // [] | sort_by(.Name))}'

# rt_ns PID: which namespaces of process PID are the host's; the others
# are named after the first container of the pod that has them (the
# associative array NSNAME, of the caller, keeps the names).
rt_ns() {
	local ns v
	for ns in net ipc uts pid; do
		v=$(readlink "/proc/$1/ns/$ns") || v=
		if [ -z "$v" ]; then
			echo "ns $ns: gone"
		elif [ "$v" = "$(readlink "/proc/self/ns/$ns")" ]; then
			echo "ns $ns: host"
		else
			[ -n "${NSNAME[$v]:-}" ] || NSNAME[$v]="$ns of $2"
			echo "ns $ns: ${NSNAME[$v]}"
		fi
	done
}

# rt_snapshot POD...: see the header.  Pod IPs become @IP@.  The probes of
# the running containers run in parallel.
rt_snapshot() {
	local pod c st store cj pj t n cs
	store=$(_root_dir main)
	t=$(mktemp -d "$TEST_DIR/snap.XXXXXX")
	for pod in $(printf '%s\n' "$@" | LC_ALL=C sort); do
		pj=$(ctr pod inspect "$pod") || { echo "== pod $pod: pod inspect failed"; continue; }
		echo "== pod $pod"
		jq -S "$RT_POD_JQ" <<<"$pj"
		mapfile -t cs < <(jq -r '.[0] | .InfraContainerId as $i | .Containers[] |
			select(.Id != $i) | .Name' <<<"$pj" | LC_ALL=C sort)
		[ "${#cs[@]}" -gt 0 ] || continue
		cj=$(ctr inspect "${cs[@]}") || { echo "inspect failed"; continue; }
		for c in "${cs[@]}"; do
			[[ "$RT_FLAPPY" != *" $c "* ]] || continue
			st=$(jq -r --arg c "$c" '.[] | select(.Name == $c) | .State.Status' <<<"$cj")
			case "$st" in
			running) ctr exec "$c" sh -c "${RT_PROBE//@NET@/$KNET_PREFIX}" >"$t/$c.probe" 2>&1 & ;;
			exited) ctr logs "$c" >"$t/$c.logs" 2>&1 & ;;
			esac
		done
		wait
		declare -A NSNAME=()
		for c in "${cs[@]}"; do
			echo "== container $c"
			jq -S --arg c "$c" --arg pod "$pod" --arg store "$store" ".[] | select(.Name == \$c) | [.] | $RT_CTR_JQ" <<<"$cj"
			[[ "$RT_FLAPPY" != *" $c "* ]] || continue
			jq -r --arg c "$c" '.[] | select(.Name == $c) |
				"state: \(.State.Status)" + (if .State.Status == "exited"
				then "\nexit code: \(.State.ExitCode)" else "" end)' <<<"$cj"
			[ ! -f "$t/$c.probe" ] || cat "$t/$c.probe"
			[ ! -f "$t/$c.logs" ] || { echo "logs:"; cat "$t/$c.logs"; }
			n=$(jq -r --arg c "$c" '.[] | select(.Name == $c) | .State.Pid' <<<"$cj")
			[ "${n:-0}" = 0 ] || rt_ns "$n" "$c"
		done
		unset NSNAME
	done | sed -E "s/(^|[^0-9.])${KNET_PREFIX//./\\.}\.[0-9]+([^0-9]|$)/\1@IP@\2/g"
	rm -rf "$t"
}

# rt_pods: the names of the pods, sorted.
rt_pods() {
	ctr pod ps --format '{{.Name}}' | LC_ALL=C sort
}

# rt_one MANIFEST: the round trip of one manifest; returns 1 (after
# rt_fail) at the first step that fails.
rt_one() {
	local m=$1 d=$TEST_DIR/rt-$1 f before pods files
	mkdir -p "$d"
	rt_prep "$m" || { rt_fail "$m" "preparing the host"; return 1; }
	f=$(render "$m") || { rt_fail "$m" "render"; return 1; }
	before=$(rt_pods)
	ctr kube play --network "$KNET" "$f" >"$d/play.out" 2>"$d/play.err" ||
		{ rt_fail "$m" "kube play of the manifest" "$d/play.err"; return 1; }
	mapfile -t pods < <(LC_ALL=C comm -13 <(echo "$before") <(rt_pods))
	[ "${#pods[@]}" -gt 0 ] || { rt_fail "$m" "kube play made no pod" "$d/play.out"; return 1; }
	rt_settle "$m"
	rt_snapshot "${pods[@]}" >"$d/before" 2>&1

	ctr kube generate "${pods[@]}" >"$d/gen1.yaml" 2>"$d/gen1.err" ||
		{ rt_fail "$m" "kube generate ${pods[*]}" "$d/gen1.err"; return 1; }
	# (validated by rt_validate, all manifests of the group in one run)

	node "$KVALIDATE_DIR/select.mjs" ConfigMap,Secret "$f" >"$d/deps.yaml" ||
		{ rt_fail "$m" "selecting the manifest's ConfigMaps and Secrets"; return 1; }
	files=("$d/gen1.yaml")
	[ ! -s "$d/deps.yaml" ] || files+=("$d/deps.yaml")
	before=$(rt_pods)
	ctr kube play --replace --network "$KNET" "${files[@]}" >"$d/replay.out" 2>"$d/replay.err" ||
		{ rt_fail "$m" "kube play --replace of the generated YAML" "$d/replay.err" "$d/gen1.yaml"; return 1; }
	[ "$(rt_pods)" = "$before" ] || {
		diff <(echo "$before") <(rt_pods) >"$d/pods.diff"
		rt_fail "$m" "the replay made other pods (- played, + replayed)" "$d/pods.diff" "$d/gen1.yaml"
		return 1
	}
	rt_settle "$m"
	rt_snapshot "${pods[@]}" >"$d/after" 2>&1
	diff -u "$d/before" "$d/after" >"$d/snapshot.diff" ||
		{ rt_fail "$m" "pods differ after the replay (- played, + replayed)" "$d/snapshot.diff" "$d/gen1.yaml"; return 1; }

	ctr kube generate "${pods[@]}" >"$d/gen2.yaml" 2>"$d/gen2.err" ||
		{ rt_fail "$m" "kube generate of the replayed pods" "$d/gen2.err"; return 1; }
	diff -u "$d/gen1.yaml" "$d/gen2.yaml" >"$d/gen.diff" ||
		{ rt_fail "$m" "not a fixed point (- first, + second generate)" "$d/gen.diff"; return 1; }

	# (free what the next manifests may need: ports, names, memory)
	ctr kube down "$d/gen1.yaml" >/dev/null 2>"$d/down.err" ||
		{ rt_fail "$m" "kube down of the generated YAML" "$d/down.err"; return 1; }
}

# rt_validate: the offline Kubernetes validator on every generated YAML of
# the test (one node process: it takes half a second to start).
rt_validate() {
	local f m files=("$TEST_DIR"/rt-*/gen1.yaml)
	[ -e "${files[0]}" ] || return 0
	kvalidate --generated --quiet "${files[@]}" >"$TEST_DIR/validate.out" 2>&1
	case $? in
	0) return 0 ;;
	1) ;;
	*) rt_fail validator "running it" "$TEST_DIR/validate.out"; return 1 ;;
	esac
	for f in "${files[@]}"; do
		m=${f%/gen1.yaml}
		m=${m##*/rt-}
		awk -v f="$f: " 'index($0, f) == 1 { on = 1; print; next }
			/^  / { if (on) print; next } { on = 0 }' "$TEST_DIR/validate.out" >"${f%gen1.yaml}validate.out"
		[ ! -s "${f%gen1.yaml}validate.out" ] ||
			rt_fail "$m" "validation of the generated YAML" "${f%gen1.yaml}validate.out" "$f"
	done
}

# rt_group MANIFEST...: rt_one each; fail listing those that failed.
rt_group() {
	local m t0 skipped=() times=()
	for m in "$@"; do
		if [ -n "${RT_SKIP[$m]:-}" ]; then
			skipped+=("$m")
			echo "# $m: not round-tripped: ${RT_SKIP[$m]}" >&3
			continue
		fi
		t0=$(date +%s%N)
		rt_one "$m" || true
		times+=("$m $((($(date +%s%N) - t0) / 1000000))ms")
	done
	rt_validate || true
	echo "# times: ${times[*]}" >&3
	[ "${#skipped[@]}" = 0 ] || echo "# skipped ${#skipped[@]}: ${skipped[*]}" >&3
	[ "${#RT_FAILED[@]}" = 0 ] || fail "round trip failed for ${#RT_FAILED[@]} of $# manifests: ${RT_FAILED[*]}"
}

@test "kube roundtrip: every kube play manifest is round-tripped or listed with a reason" {
	local all=() listed=() m dup
	for m in "$KDATA"/*.yaml; do
		m=${m##*/}
		all+=("${m%.yaml}")
	done
	listed=("${RT_GROUP_FIELDS[@]}" "${RT_GROUP_VOLUMES[@]}" "${RT_GROUP_WORKLOADS[@]}"
		"${RT_GROUP_SECURITY[@]}" "${RT_NOT_PLAYED[@]}")
	dup=$(printf '%s\n' "${listed[@]}" | sort | uniq -d)
	[ -z "$dup" ] || fail "listed twice: $dup" || return 1
	assert_equal "$(printf '%s\n' "${listed[@]}" | sort | xargs)" "$(printf '%s\n' "${all[@]}" | sort | xargs)" \
		"manifests listed vs tests/data/kube/*.yaml"
	for m in "${!RT_SKIP[@]}"; do
		[[ " ${listed[*]} " == *" $m "* ]] || fail "RT_SKIP names '$m', not a listed manifest" || return 1
	done
	echo "# $(( ${#listed[@]} - ${#RT_NOT_PLAYED[@]} - ${#RT_SKIP[@]} )) round-tripped," \
		"${#RT_SKIP[@]} skipped (${!RT_SKIP[*]}), ${#RT_NOT_PLAYED[@]} not played (${RT_NOT_PLAYED[*]})" >&3
}

@test "kube roundtrip: fields (command, env, resources, names, namespaces, stdio, ports)" {
	rt_group "${RT_GROUP_FIELDS[@]}"
}

@test "kube roundtrip: volumes (configMap, secret, emptyDir, hostPath, subPath, PVC, downwardAPI, projected)" {
	rt_group "${RT_GROUP_VOLUMES[@]}"
}

@test "kube roundtrip: workloads (init, sidecar, restart, Deployment, DaemonSet, Job, List, Service)" {
	rt_group "${RT_GROUP_WORKLOADS[@]}"
}

@test "kube roundtrip: security (capabilities, privileged, read-only root, seccomp, users, groups)" {
	rt_group "${RT_GROUP_SECURITY[@]}"
}

# rt_kinds FILE: "apiVersion/kind name" of each document, as the validator
# names them (after it found FILE valid).
rt_kinds() {
	kvalidate --generated "$1" >"$1.validate" 2>&1 ||
		{ sed 's/^/# /' "$1.validate" >&2; sed 's/^/#   /' "$1" >&2; fail "$1: not valid"; return 1; }
	sed -nE 's/^.*: doc [0-9]+ \((.*)\): OK$/\1/p' "$1.validate" | xargs -d '\n' printf '%s; '
}

@test "kube roundtrip: -t deployment -r 3, -t daemonset, -t job and -s outputs are valid" {
	kube_images_extra
	KPORT=$(free_tcp_port)
	for m in ports pvc cmd; do
		kplay "$(render "$m")"
		assert_success || return 1
	done
	ctr wait cmdpod-image-default cmdpod-command-only cmdpod-args-only cmdpod-both \
		cmdpod-shell-expansion >/dev/null
	g=$TEST_DIR/gen
	mkdir -p "$g"

	run_ctr kube generate -s portpod
	assert_success
	echo "$output" >"$g/service.yaml"
	assert_equal "$(rt_kinds "$g/service.yaml")" "v1/Service portpod; v1/Pod portpod; "
	# one port per published containerPort; the Service publishes, not hostPort
	assert_output_not_contains "hostPort"
	# (80 is published, 8081 is not)
	assert_equal "$(awk '/^kind: Service$/,/^---$/' "$g/service.yaml" | grep -E '^ +(- )?port: ' | xargs)" \
		"port: 80" "the Service's ports"
	assert_output_contains "  type: NodePort"

	run_ctr kube generate -t deployment -r 3 -s portpod pvcpod
	assert_success
	echo "$output" >"$g/deployment.yaml"
	assert_equal "$(rt_kinds "$g/deployment.yaml")" \
		"v1/PersistentVolumeClaim kdata; v1/Service portpod; apps/v1/Deployment portpod-deployment; apps/v1/Deployment pvcpod-deployment; "
	assert_equal "$(grep -c '^  replicas: 3$' "$g/deployment.yaml")" 2 "replicas: 3 lines"

	run_ctr kube generate -t daemonset portpod pvcpod
	assert_success
	echo "$output" >"$g/daemonset.yaml"
	assert_equal "$(rt_kinds "$g/daemonset.yaml")" \
		"v1/PersistentVolumeClaim kdata; apps/v1/DaemonSet portpod-daemonset; apps/v1/DaemonSet pvcpod-daemonset; "

	# a pod whose containers run to completion (restartPolicy Never) as a
	# Job: valid, and played it runs the same commands
	run_ctr kube generate -t job cmdpod
	assert_success
	echo "$output" >"$g/job.yaml"
	assert_equal "$(rt_kinds "$g/job.yaml")" "batch/v1/Job cmdpod-job; "
	kplay "$g/job.yaml"
	assert_success
	run_ctr pod ps --format '{{.Name}}'
	jp=$(grep -x 'cmdpod-job.*' <<<"$output")
	[ -n "$jp" ] || fail "no pod of the Job: $output" || return 1
	bad=0
	for c in image-default command-only args-only both shell-expansion; do
		ctr wait "$jp-$c" >/dev/null
		want=$(ctr logs "cmdpod-$c" 2>&1)
		got=$(ctr logs "$jp-$c" 2>&1)
		[ "$got" = "$want" ] || { echo "# $c: job printed '$got', the pod '$want'" >&2; bad=1; }
	done
	[ "$bad" = 0 ] || fail "the Job's containers did not run as the pod's"
}

@test "kube roundtrip: generate of pod create and run containers is valid, YAML 1.1 traps quoted" {
	KPORT=$(free_tcp_port)
	mkdir -p "$TEST_DIR/share"
	ctr pod create --name Web_Pod --hostname web-host -p "$KPORT:80" --network "$KNET" \
		--add-host db.example.test:10.1.2.3 --dns 10.9.9.9 --dns-search example.test \
		--dns-option ndots:2 --share net,ipc,uts,pid -l tier=back >/dev/null
	# values a YAML 1.1 reader takes for booleans, numbers, dates, nulls,
	# maps, sequences when they are not quoted
	ctr run -d --pod Web_Pod --name App_1 -e YES=yes -e OFF=Off -e Y=y -e OCT=0644 \
		-e SEXA=1:20 -e NUM=8080 -e FLOAT=1e3 -e DATE=2024-01-02 -e NULL='~' -e DASH='- x' \
		-e COLON='a: b' -e HASH='x #y' -e EMPTY= -e LINES=$'one\ntwo' -e 'DOLLAR=$(NOT_A_VAR)' \
		-w /tmp -u 1000:1000 --cap-add NET_ADMIN --cap-drop CHOWN --read-only -m 64m \
		--cpus 0.5 --cpu-shares 512 -v "$TEST_DIR/share:/data:ro" -v genvol:/vol \
		--tmpfs /scratch:size=16m --security-opt no-new-privileges --restart always \
		-l team=x --annotation 'note=a: b' "$KBOX" "${LONG[@]}" >/dev/null
	ctr run -d --pod Web_Pod --name priv --privileged -i -t --restart always \
		--security-opt seccomp=unconfined "$KBOX" "${LONG[@]}" >/dev/null
	ctr run -d --name Solo_One --network none --restart always --stop-timeout 20 \
		--add-host solo.example.test:10.4.5.6 -e MODE=on "$KBOX" "${LONG[@]}" >/dev/null
	ctr run -d --name solo-two --network none --restart always "$KBOX" "${LONG[@]}" >/dev/null
	g=$TEST_DIR/gen
	mkdir -p "$g"

	run_ctr kube generate Web_Pod
	assert_success
	echo "$output" >"$g/pod.yaml"
	assert_equal "$(rt_kinds "$g/pod.yaml")" "v1/PersistentVolumeClaim genvol; v1/Pod web-pod; "
	assert_stderr_contains 'pod name "Web_Pod" changed to "web-pod"'
	run_ctr kube generate Solo_One solo-two
	assert_success
	echo "$output" >"$g/solo.yaml"
	assert_equal "$(rt_kinds "$g/solo.yaml")" "v1/Pod solo-one-pod; "
	run_ctr kube generate -s -t deployment -r 2 Web_Pod
	assert_success
	echo "$output" >"$g/deploy.yaml"
	assert_equal "$(rt_kinds "$g/deploy.yaml")" \
		"v1/PersistentVolumeClaim genvol; v1/Service web-pod; apps/v1/Deployment web-pod-deployment; "

	# the environment comes back as strings, byte for byte
	ctr pod rm -f Web_Pod >/dev/null
	kplay "$g/pod.yaml"
	assert_success
	want=$(printf '%s\n' YES=yes OFF=Off Y=y OCT=0644 SEXA=1:20 NUM=8080 FLOAT=1e3 DATE=2024-01-02 \
		'NULL=~' 'DASH=- x' 'COLON=a: b' 'HASH=x #y' EMPTY= 'LINES=one' two 'DOLLAR=$(NOT_A_VAR)')
	run_ctr exec web-pod-app-1 sh -c 'for v in YES OFF Y OCT SEXA NUM FLOAT DATE NULL DASH COLON HASH EMPTY LINES DOLLAR; do eval "echo \"$v=\$$v\""; done'
	assert_success
	assert_equal "$output" "$want"
	kplay "$g/solo.yaml"
	assert_success
	run_ctr exec solo-one-pod-solo-one sh -c 'echo "$MODE"; grep solo.example.test /etc/hosts | cut -f1'
	assert_equal "$output" $'on\n10.4.5.6'
}
