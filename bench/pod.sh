#!/bin/bash
# Pod lifecycle benchmark, peapod against podman (same busybox rootfs, same
# OCI runtime, private roots), N runs each of:
#   create   `pod create` + `pod rm -f` (the infra container is created,
#            not started)
#   serve    `pod create --name P -p PORT:80` + `run -d --pod P busybox
#            httpd -f -p 80` (infra and one container started, a published
#            port) + `pod rm -f P`
# and the floor: `<runtime> run` of a prepared bundle running `true` (as in
# bench/run-true.sh; crun if it works on this host, else runc).  Prints the
# medians and their ratios to podman and to the floor.
#
#   bench/pod.sh                N=10 runs each, each tool's default network
#   N=5 NET=none bench/pod.sh   both tools with --network none (and no -p)
#   PEAPOD=/path/to/peapod RUNTIME=runc bench/pod.sh
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
PEAPOD=${PEAPOD:-$repo/bin/peapod}
N=${N:-10}
NET=${NET:-default}

[ "$(id -u)" = 0 ] || { echo "bench/pod.sh: run as root" >&2; exit 1; }
[ -x "$PEAPOD" ] || { echo "bench/pod.sh: $PEAPOD is not built (run make)" >&2; exit 1; }
case "$NET" in default | none) ;; *) echo "bench/pod.sh: NET is 'default' or 'none'" >&2; exit 1 ;; esac
command -v podman >/dev/null || tests/deps.sh podman
for t in podman busybox jq runc ss ip iptables-save; do
	command -v "$t" >/dev/null || { echo "bench/pod.sh: '$t' is missing" >&2; exit 1; }
done

W=$(mktemp -d /var/tmp/peapod-bench.XXXXXX)
PP=("$PEAPOD" --root "$W/pp/root" --runroot "$W/pp/run")
PM=(podman --root "$W/pm/root" --runroot "$W/pm/run" --tmpdir "$W/pm/tmp"
	--network-config-dir "$W/pm/netconf" --storage-driver overlay
	--events-backend none --cgroup-manager cgroupfs)
mkdir -p "$W/pm/netconf"

# Host-wide things podman (netavark) leaves behind: the podman0 bridge and
# its iptables chains (NETAVARK*), which it keeps after the last container
# is gone.  Remove them at the end only when this run created them.
had_podman0=0
ip link show podman0 >/dev/null 2>&1 && had_podman0=1
had_netavark=$(iptables-save 2>/dev/null | grep -c NETAVARK || true)

# podman_fix_netns: podman cannot remove a container whose netns file is
# gone (on a shared host an e2e test's leak check may have deleted it):
# put an empty one back so that its teardown (IPAM, port rules) runs.
podman_fix_netns() {
	local id ns
	for id in $("${PM[@]}" ps -a -q --no-trunc 2>/dev/null); do
		ns=$("${PM[@]}" inspect --format '{{.NetworkSettings.SandboxKey}}' "$id" 2>/dev/null) || continue
		case "$ns" in /run/netns/?*) [ -e "$ns" ] || ip netns add "${ns#/run/netns/}" 2>/dev/null ;; esac
	done
}

# netavark_flush: drop the NETAVARK chains and the rules that jump to them.
netavark_flush() {
	local t c
	for t in filter nat; do
		iptables-save -t "$t" 2>/dev/null | grep -E '^-A [A-Z]+ .*-j NETAVARK' |
			grep -vE '^-A NETAVARK' | sed 's/^-A /-D /' |
			while read -r r; do eval "iptables -t $t $r" 2>/dev/null; done
		for c in $(iptables-save -t "$t" 2>/dev/null | sed -n 's/^:\(NETAVARK[^ ]*\) .*/\1/p'); do
			iptables -t "$t" -F "$c" 2>/dev/null
		done
		for c in $(iptables-save -t "$t" 2>/dev/null | sed -n 's/^:\(NETAVARK[^ ]*\) .*/\1/p'); do
			iptables -t "$t" -X "$c" 2>/dev/null
		done
	done
}

cleanup() {
	local before
	before=$(ls /run/netns 2>/dev/null)
	"${PP[@]}" pod rm -a -f >/dev/null 2>&1 || true
	"${PP[@]}" system reset -f >/dev/null 2>&1 || true
	podman_fix_netns
	"${PM[@]}" pod rm -a -f -t 0 >/dev/null 2>&1 || true
	"${PM[@]}" rm -a -f -t 0 >/dev/null 2>&1 || true
	"${PM[@]}" system reset -f >/dev/null 2>&1 || true
	# netns files put back by podman_fix_netns that podman did not remove
	comm -13 <(echo "$before") <(ls /run/netns 2>/dev/null) |
		while read -r n; do ip netns delete "$n" 2>/dev/null; done
	if [ "$had_podman0" = 0 ] && ip link show podman0 >/dev/null 2>&1; then
		ip link delete podman0 || true
	fi
	if [ "$had_netavark" = 0 ] && iptables-save 2>/dev/null | grep -q NETAVARK; then
		netavark_flush
	fi
	grep -F " $W/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf --one-file-system "$W"
}
trap cleanup EXIT

# The runtime: the one peapod picks (crun when it works here, else runc),
# unless RUNTIME says otherwise; podman and the floor use the same.
if [ -z "${RUNTIME:-}" ]; then
	RUNTIME=runc
	if [ "$("${PP[@]}" info --format '{{range .runtimes}}{{.name}}={{.works}} {{end}}' 2>/dev/null |
		tr ' ' '\n' | sed -n 's/^crun=//p')" = true ]; then
		RUNTIME=crun
	else
		echo "note: crun does not work on this host ($(crun --version 2>/dev/null | head -1 ||
			echo not installed)); runc is the runtime and the floor"
	fi
fi
PP+=(--runtime "$RUNTIME")
PM+=(--runtime "$RUNTIME")

# The rootfs: busybox-static with its applets (tests/e2e/lib/busybox.sh).
export E2E_DIR=$W
fail() { echo "$*" >&2; return 1; }
# shellcheck source=../tests/e2e/lib/busybox.sh
source tests/e2e/lib/busybox.sh
# shellcheck source=../tests/e2e/lib/registry.sh
source tests/e2e/lib/registry.sh # free_port
TAR=$(busybox_tar)
"${PP[@]}" import "$TAR" localhost/busybox >/dev/null
"${PM[@]}" import -q "$TAR" localhost/busybox >/dev/null

# Limits: podman's default nofile/nproc (1048576, 4194304) exceed this
# host's hard limits and the runtime refuses them; `pod create` has no
# --ulimit, so the infra container gets them from a private containers.conf
# (peapod clamps by itself).
hard=$(ulimit -Hn)
hardu=$(ulimit -Hu)
[ "$hardu" -le "$hard" ] || hardu=$hard
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' \
	"$hard" "$hard" "$hardu" "$hardu" >"$W/containers.conf"
export CONTAINERS_CONF=$W/containers.conf

# The floor's bundle (as bench/run-true.sh).
B=$W/bundle
mkdir -p "$B"
cp -a "$(busybox_rootfs_dir)" "$B/rootfs"
(cd "$B" && runc spec)
jq --argjson h "$hard" '.process.terminal = false | .process.args = ["true"]
	| .process.rlimits = [{type: "RLIMIT_NOFILE", hard: $h, soft: $h}]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

NETF=()
[ "$NET" = default ] || NETF=(--network none)
now_ns() { date +%s%N; }

# cycle TOOL SCENARIO I: one timed cycle; prints milliseconds.  podman's
# pod rm gets -t 0: httpd is pid 1 of its container and ignores SIGTERM,
# podman would wait its 10 s stop timeout (peapod's pod rm -f kills).
cycle() {
	local t0 t1 port pub=() rmt=() tn=PP
	if [ "$1" = podman ]; then
		tn=PM
		rmt=(-t 0)
	fi
	local -n T=$tn
	if [ "$NET" = default ]; then
		port=$(free_port) || return 1
		pub=(-p "$port:80")
	fi
	t0=$(now_ns)
	case "$1/$2" in
	floor/*) "$RUNTIME" --root "$W/floor" run -b "$B" "bench-$$-$3" >/dev/null || return 1 ;;
	*/create)
		"${T[@]}" pod create "${NETF[@]}" --name "bp$3" >/dev/null &&
			"${T[@]}" pod rm -f "${rmt[@]}" "bp$3" >/dev/null || return 1
		;;
	*/serve)
		"${T[@]}" pod create "${NETF[@]}" "${pub[@]}" --name "bp$3" >/dev/null &&
			"${T[@]}" run -d --pod "bp$3" localhost/busybox httpd -f -p 80 >/dev/null || return 1
		# the warm-up checks that the port answers (untimed)
		if [ "$3" = warm ] && [ -n "${port:-}" ]; then
			t1=$(now_ns)
			probe "$port" || echo "note: $1: 127.0.0.1:$port did not answer" >&2
			t0=$((t0 + $(now_ns) - t1))
		fi
		"${T[@]}" pod rm -f "${rmt[@]}" "bp$3" >/dev/null || return 1
		;;
	esac
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000000))
}

# probe PORT: an HTTP answer (any status) from 127.0.0.1:PORT within 2 s.
probe() {
	local i
	for i in $(seq 1 20); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1" && printf 'GET / HTTP/1.0\r\n\r\n' >&3 &&
			timeout 1 head -c 12 <&3 | grep -q '^HTTP/') 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

# measure KEY TOOL SCENARIO: warm-up, then N cycles into $W/KEY.times.
declare -A med
measure() {
	local i
	: >"$W/$1.times"
	med[$1]=
	cycle "$2" "$3" warm >/dev/null || { echo "$2 $3: warm-up failed" >&2; return 0; }
	for ((i = 0; i < N; i++)); do
		cycle "$2" "$3" "$i" >>"$W/$1.times" || { echo "$2 $3: run $i failed" >&2; return 0; }
	done
	med[$1]=$(median <"$W/$1.times")
}

netdesc="each tool's default pod network, -p PORT:80"
[ "$NET" = default ] || netdesc="--network none, no published port"
echo "pod lifecycle: $N runs each, runtime $RUNTIME, $netdesc, $(nproc) CPUs"
measure floor floor -
rows=()
for sc in create serve; do
	for tool in peapod podman; do
		measure "$tool-$sc" "$tool" "$sc"
		rows+=("$tool-$sc")
	done
done
rows+=(floor)

ratio() { [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", b ? a / b : 0}' || echo -; }
printf '%-14s %10s %10s %10s  %s\n' SCENARIO MEDIAN_MS VS_PODMAN VS_FLOOR RUNS_MS
for k in "${rows[@]}"; do
	m=${med[$k]}
	name=$k
	[ "$k" != floor ] || name="$RUNTIME run"
	if [ -z "$m" ]; then
		printf '%-14s %10s\n' "$name" failed
		continue
	fi
	pm=-
	case "$k" in *-create | *-serve) pm=${med[podman-${k#*-}]} ;; esac
	[ "$pm" != - ] || pm=
	printf '%-14s %10s %10s %10s  %s\n' "$name" "$m" "$(ratio "$m" "$pm")" \
		"$(ratio "$m" "${med[floor]}")" "$(tr '\n' ' ' <"$W/$k.times")"
done
[ -n "${med[peapod-create]}" ] && [ -n "${med[peapod-serve]}" ]
