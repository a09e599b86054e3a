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
# test fails at the end.  The last test checks the other output kinds of
# one pod (-t deployment -r 3, -t daemonset, -t job, -s).
#
# Manifests that are not round-tripped are listed in RT_NOT_PLAYED and
# RT_SKIP with the reason; a test checks that every manifest is in
# exactly one list, so a new manifest cannot be forgotten.

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
RT_GROUP_WORKLOADS=(init sidecar restart deployment daemonset job list service)
RT_GROUP_SECURITY=(caps users)

# Played by the kube play suite to check that play refuses them: there is
# nothing running to generate from.
RT_NOT_PLAYED=(
	init-fail         # an init container fails: play exits 125 (440)
	hostpath-mismatch # hostPath type Directory on a file: refused (420)
	subpath-escape    # subPath symlink out of its volume: refused (420)
	nonroot-image     # runAsNonRoot with an image running as root: refused (430)
)

# Played, but not round-tripped, with the reason.
declare -gA RT_SKIP=()

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

# rt_settle MANIFEST: the containers that run to completion have exited.
rt_settle() {
	local c
	for c in ${RT_WAIT[$1]:-}; do
		timeout 30 "$PEAPOD" --root "$(root_of)" --runroot "$(_root_dir main)/runroot" \
			--runtime "$PEAPOD_RUNTIME" wait "$c" >/dev/null 2>&1 || true
	done
}

# The view from inside a running container.
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
echo "hosts:"; sort /etc/hosts
echo "nofile: $(ulimit -n)"
echo "memory: $(cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null)"'

# What inspect says a container runs with; store paths (they hold the
# pod's and the container's ids) become <store>.
RT_CTR_JQ='.[0] | {Name, Path, Args, ImageName,
	Config: (.Config | {Hostname, User, Tty, OpenStdin, WorkingDir, Entrypoint, Cmd,
		Env: (.Env // [] | sort), Labels, Annotations, StopSignal, StopTimeout}),
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
			running) ctr exec "$c" sh -c "$RT_PROBE" >"$t/$c.probe" 2>&1 & ;;
			exited) ctr logs "$c" >"$t/$c.logs" 2>&1 & ;;
			esac
		done
		wait
		declare -A NSNAME=()
		for c in "${cs[@]}"; do
			echo "== container $c"
			jq -S --arg c "$c" --arg store "$store" ".[] | select(.Name == \$c) | [.] | $RT_CTR_JQ" <<<"$cj"
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
			continue
		fi
		t0=$(date +%s%N)
		rt_one "$m" || true
		times+=("$m $((($(date +%s%N) - t0) / 1000000))ms")
	done
	rt_validate || true
	echo "# times: ${times[*]}" >&3
	[ "${#skipped[@]}" = 0 ] || echo "# not round-tripped here: ${skipped[*]} (see RT_SKIP)" >&3
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
