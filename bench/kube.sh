#!/bin/bash
# kube play + kube down benchmark: N timed cycles of `kube play FILE` then
# `kube down FILE`, of a one-container pod (bench/kube-1.yaml) and of a
# three-container pod (bench/kube-3.yaml), peapod against podman (same
# busybox rootfs imported into each private store, same OCI runtime, each
# on a network of its own made for the run), and the floor: the bare OCI
# runtime starting the same number of containers from a prepared bundle
# (`<runtime> run -d`, one after the other) and removing them (`<runtime>
# delete -f`): no image store, no monitor, no state, no pod, no network.
# Prints the medians and their ratios to podman and to the floor.
#
# The floor is crun when it can run here, else runc.  Debian's crun 1.8.1
# refuses a hybrid cgroup host while the hugetlb controller sits in the v2
# hierarchy; with HUGETLB=1 the benchmark mounts the hugetlb v1 hierarchy
# at /sys/fs/cgroup/hugetlb for its run (and unmounts it at exit).  Not by
# default: the kernel keeps hugetlb bound to the (unmounted) v1 hierarchy
# until reboot, so crun keeps working afterwards and the host's
# /sys/fs/cgroup/unified/cgroup.controllers no longer lists hugetlb.
#
#   bench/kube.sh               N=10 runs each
#   N=5 HUGETLB=1 bench/kube.sh mount hugetlb when crun needs it
#   PEAPOD=/path/to/peapod RUNTIME=runc bench/kube.sh
#   TOOLS="peapod floor" bench/kube.sh   leave podman out
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
PEAPOD=${PEAPOD:-$repo/bin/peapod}
N=${N:-10}
HUGETLB=${HUGETLB:-0}
TOOLS=${TOOLS:-peapod podman floor}
me=bench/kube.sh

[ "$(id -u)" = 0 ] || { echo "$me: run as root" >&2; exit 1; }
[ -x "$PEAPOD" ] || { echo "$me: $PEAPOD is not built (run make)" >&2; exit 1; }
command -v podman >/dev/null || tests/deps.sh podman
for t in podman busybox jq runc ip iptables-save; do
	command -v "$t" >/dev/null || { echo "$me: '$t' is missing" >&2; exit 1; }
done
case " $TOOLS " in
*" peapod "*)
	"$PEAPOD" kube play --help >/dev/null 2>&1 ||
		{ echo "$me: $PEAPOD has no 'kube play'" >&2; exit 1; } ;;
esac

W=$(mktemp -d /var/tmp/peapod-bench.XXXXXX)
PP=("$PEAPOD" --root "$W/pp/root" --runroot "$W/pp/run")
PM=(podman --root "$W/pm/root" --runroot "$W/pm/run" --tmpdir "$W/pm/tmp"
	--network-config-dir "$W/pm/netconf" --storage-driver overlay
	--events-backend none --cgroup-manager cgroupfs)
mkdir -p "$W/pm/netconf"
FLOOR_ROOT=$W/floor
PP_NET=ppkube$$
PM_NET=pmkube$$

# What podman (netavark) leaves on the host after its last container: the
# bridges podmanN and the NETAVARK* iptables chains.  Removed at the end
# when this run made them.
bridges_before=$(ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}')
had_netavark=$(iptables-save 2>/dev/null | grep -c NETAVARK || true)

# hugetlb: what this run mounted (and the cgroups that existed then).
HUGETLB_DIR=/sys/fs/cgroup/hugetlb
mounted_hugetlb=0
made_hugetlb_dir=0
hugetlb_before=

mount_hugetlb() {
	[ "$HUGETLB" = 1 ] || return 1
	[ -d /sys/fs/cgroup/unified ] || [ -d /sys/fs/cgroup/memory ] || return 1
	mountpoint -q "$HUGETLB_DIR" && return 1
	grep -qw hugetlb /proc/cgroups || return 1
	if [ ! -d "$HUGETLB_DIR" ]; then
		mkdir "$HUGETLB_DIR" || return 1
		made_hugetlb_dir=1
	fi
	if ! mount -t cgroup -o hugetlb cgroup "$HUGETLB_DIR"; then
		[ "$made_hugetlb_dir" = 0 ] || rmdir "$HUGETLB_DIR"
		made_hugetlb_dir=0
		return 1
	fi
	mounted_hugetlb=1
	hugetlb_before=$(find "$HUGETLB_DIR" -mindepth 1 -type d | sort)
}

# umount_hugetlb: remove the (empty) cgroups made during the run, deepest
# first, then the mount and the mount point, as they were before.
umount_hugetlb() {
	[ "$mounted_hugetlb" = 1 ] || return 0
	comm -13 <(echo "$hugetlb_before") <(find "$HUGETLB_DIR" -mindepth 1 -type d | sort) |
		sort -r | while read -r d; do rmdir "$d" 2>/dev/null || true; done
	umount "$HUGETLB_DIR" 2>/dev/null || umount -l "$HUGETLB_DIR" ||
		echo "$me: could not unmount $HUGETLB_DIR" >&2
	[ "$made_hugetlb_dir" = 0 ] || rmdir "$HUGETLB_DIR" 2>/dev/null ||
		echo "$me: could not remove $HUGETLB_DIR" >&2
	mounted_hugetlb=0
}

# podman cannot remove a container whose netns file is gone (on a shared
# host an e2e test's leak check may have deleted it): put an empty one back
# so that its teardown (IPAM, port rules) runs.
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

floor_clean() {
	local id
	for id in $("$RUNTIME_FLOOR" --root "$FLOOR_ROOT" list -q 2>/dev/null); do
		"$RUNTIME_FLOOR" --root "$FLOOR_ROOT" delete -f "$id" >/dev/null 2>&1 || true
	done
}

cleanup() {
	local before b
	set +e
	before=$(ls /run/netns 2>/dev/null)
	for f in kube-1 kube-3; do
		"${PP[@]}" kube down "bench/$f.yaml" >/dev/null 2>&1
	done
	"${PP[@]}" pod rm -a -f >/dev/null 2>&1
	"${PP[@]}" network rm -f "$PP_NET" >/dev/null 2>&1
	"${PP[@]}" system reset -f >/dev/null 2>&1
	podman_fix_netns
	"${PM[@]}" pod rm -a -f -t 0 >/dev/null 2>&1
	"${PM[@]}" rm -a -f -t 0 >/dev/null 2>&1
	"${PM[@]}" network rm -f "$PM_NET" >/dev/null 2>&1
	"${PM[@]}" system reset -f >/dev/null 2>&1
	[ -z "${RUNTIME_FLOOR:-}" ] || floor_clean
	for r in crun runc; do
		[ "$r" = "${RUNTIME_FLOOR:-}" ] || "$r" --root "$FLOOR_ROOT" delete -f probe >/dev/null 2>&1
	done
	# netns files put back by podman_fix_netns that podman did not remove
	comm -13 <(echo "$before") <(ls /run/netns 2>/dev/null) |
		while read -r n; do ip netns delete "$n" 2>/dev/null; done
	for b in $(ip -o link show type bridge 2>/dev/null | awk -F': ' '{print $2}'); do
		case "$b" in podman*) grep -qxF "$b" <<<"$bridges_before" || ip link delete "$b" ;; esac
	done
	if [ "$had_netavark" = 0 ] && iptables-save 2>/dev/null | grep -q NETAVARK; then
		netavark_flush
	fi
	umount_hugetlb
	grep -F " $W/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf --one-file-system "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The rootfs: busybox-static with its applets (tests/e2e/lib/busybox.sh).
export E2E_DIR=$W
fail() { echo "$*" >&2; return 1; }
# shellcheck source=../tests/e2e/lib/busybox.sh
source tests/e2e/lib/busybox.sh

# Limits: podman's default nofile/nproc (1048576, 4194304) exceed this
# host's hard limits and the runtime refuses them (peapod clamps by
# itself): a private containers.conf for podman, the same in the bundle.
hard=$(ulimit -Hn)
hardu=$(ulimit -Hu)
[ "$hardu" -le "$hard" ] || hardu=$hard
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' \
	"$hard" "$hard" "$hardu" "$hardu" >"$W/containers.conf"
export CONTAINERS_CONF=$W/containers.conf

# The floor's bundle: the busybox tree, runtime defaults (`runc spec`: new
# pid, net, ipc, uts, mount namespaces), the manifests' command.
B=$W/bundle
mkdir -p "$B"
cp -a "$(busybox_rootfs_dir)" "$B/rootfs"
(cd "$B" && runc spec)
jq --argjson h "$hard" '.process.terminal = false
	| .process.args = ["sh", "-c", "trap '"'exit 0'"' TERM; sleep 3600 & wait"]
	| .process.rlimits = [{type: "RLIMIT_NOFILE", hard: $h, soft: $h}]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

# runtime_works R: R starts and removes a container of the bundle.
runtime_works() {
	command -v "$1" >/dev/null || return 1
	"$1" --root "$FLOOR_ROOT" run -d -b "$B" probe </dev/null >/dev/null 2>&1 || {
		"$1" --root "$FLOOR_ROOT" delete -f probe >/dev/null 2>&1
		return 1
	}
	"$1" --root "$FLOOR_ROOT" delete -f probe >/dev/null 2>&1
}

# The floor: crun if it works (mounting hugetlb when that is what it
# lacks), else runc.  Both tools use the floor's runtime unless RUNTIME
# says otherwise.
floor_note=
if runtime_works crun; then
	RUNTIME_FLOOR=crun
elif mount_hugetlb; then
	if runtime_works crun; then
		RUNTIME_FLOOR=crun
		floor_note="crun, with the hugetlb v1 hierarchy mounted at $HUGETLB_DIR for this run"
	else
		umount_hugetlb
	fi
fi
if [ -z "${RUNTIME_FLOOR:-}" ]; then
	runtime_works runc || { echo "$me: neither crun nor runc runs a container here" >&2; exit 1; }
	RUNTIME_FLOOR=runc
	floor_note="runc: crun does not work here ($(crun --version 2>/dev/null | head -1 ||
		echo not installed))"
	[ "$HUGETLB" = 1 ] || floor_note="$floor_note; HUGETLB=1 mounts the hugetlb v1 hierarchy for it"
fi
[ -n "$floor_note" ] || floor_note=$RUNTIME_FLOOR
RUNTIME=${RUNTIME:-$RUNTIME_FLOOR}
PP+=(--runtime "$RUNTIME")
PM+=(--runtime "$RUNTIME")

# The image, as the manifests name it, with a PATH as real images have.
TAR=$(busybox_tar)
IMG_PATH=/usr/sbin:/usr/bin:/sbin:/bin
"${PP[@]}" import --change "ENV PATH=$IMG_PATH" "$TAR" localhost/busybox >/dev/null
"${PM[@]}" import -q --change "ENV PATH=$IMG_PATH" "$TAR" localhost/busybox >/dev/null

# free_subnet [SKIP]: a 10.X.Y.0/24 that no route or address of the host
# overlaps (the default route aside), other than SKIP.
free_subnet() {
	local i s
	for ((i = 0; i < 200; i++)); do
		s=10.$((200 + RANDOM % 50)).$((RANDOM % 256)).0/24
		[ "$s" != "${1:-}" ] || continue
		if [ -z "$( (ip -4 route show match "$s"; ip -4 route show root "$s") | grep -v '^default')" ] &&
			! ip -4 -o addr show | grep -qF " ${s%.0/24}."; then
			echo "$s"
			return 0
		fi
	done
	echo "$me: no free 10.x.y.0/24 subnet" >&2
	return 1
}

# Networks of their own for both tools (bridges made on first use).
PP_SUBNET=$(free_subnet)
PM_SUBNET=$(free_subnet "$PP_SUBNET")
PP_PLAY=()
if "$PEAPOD" kube play --help 2>&1 | grep -q -- '--network'; then
	"${PP[@]}" network create --subnet "$PP_SUBNET" --interface-name "pk$$" "$PP_NET" >/dev/null
	# shellcheck disable=SC2034 # used through a nameref in cycle
	PP_PLAY=(--network "$PP_NET")
else
	# no `kube play --network`: the pods go to the private root's default
	# network, made here with the benchmark's subnet and bridge
	"${PP[@]}" network create --subnet "$PP_SUBNET" --interface-name "pk$$" peapod >/dev/null
	PP_NET=peapod
fi
"${PM[@]}" network create --subnet "$PM_SUBNET" "$PM_NET" >/dev/null
# shellcheck disable=SC2034 # used through a nameref in cycle
PM_PLAY=(--network "$PM_NET")

now_ns() { date +%s%N; }

# running_in TOOL POD: how many of POD's containers (infra aside) run.
# By name (<pod>-<container>): peapod's `ps --filter pod=` takes pod ids
# only; podman 4.3's {{.State}} reads "Up 2 seconds ago".
running_in() {
	local -n T=$1
	"${T[@]}" ps --format '{{.Names}} {{.State}}' 2>/dev/null |
		grep -E "^$2-[^ ]+ (running|Up .*)$" | grep -vc -- '-infra ' || true
}

# cycle TOOL K I: one timed play + down of the K-container pod (or, for
# the floor, K containers run and deleted); prints the milliseconds of the
# whole, of the first half (play; run -d) and of the second (down;
# delete -f).  The warm-up checks, untimed, that all K containers run after
# the play.
cycle() {
	local t0 t1 tm i n f=bench/kube-$2.yaml pod=bench-kube-$2
	t0=$(now_ns)
	case "$1" in
	floor)
		for ((i = 0; i < $2; i++)); do
			"$RUNTIME_FLOOR" --root "$FLOOR_ROOT" run -d -b "$B" "k$2-$3-$i" \
				</dev/null >/dev/null 2>&1 || return 1
		done
		tm=$(now_ns)
		for ((i = 0; i < $2; i++)); do
			"$RUNTIME_FLOOR" --root "$FLOOR_ROOT" delete -f "k$2-$3-$i" >/dev/null 2>&1 || return 1
		done
		;;
	peapod | podman)
		local tn=PP pl=PP_PLAY
		[ "$1" = peapod ] || { tn=PM; pl=PM_PLAY; }
		local -n T=$tn P=$pl
		"${T[@]}" kube play "${P[@]}" "$f" </dev/null >/dev/null 2>"$W/err" ||
			{ cat "$W/err" >&2; return 1; }
		tm=$(now_ns)
		if [ "$3" = warm ]; then
			n=$(running_in "$tn" "$pod")
			[ "$n" = "$2" ] || echo "note: $1: $n of $2 containers of $pod run after kube play" >&2
			t1=$(now_ns)
			t0=$((t0 + t1 - tm))
			tm=$t1
		fi
		"${T[@]}" kube down "$f" </dev/null >/dev/null 2>"$W/err" ||
			{ cat "$W/err" >&2; return 1; }
		;;
	esac
	t1=$(now_ns)
	echo "$(((t1 - t0) / 1000000)) $(((tm - t0) / 1000000)) $(((t1 - tm) / 1000000))"
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

# measure KEY TOOL K: warm-up, then N cycles into $W/KEY.runs (one line
# per cycle: whole, play, down); medians in med, medp, medd.
declare -A med medp medd
measure() {
	local i
	: >"$W/$1.runs"
	med[$1]=
	cycle "$2" "$3" warm >/dev/null || { echo "$2 $3 containers: warm-up failed" >&2; return 0; }
	for ((i = 0; i < N; i++)); do
		cycle "$2" "$3" "$i" >>"$W/$1.runs" || { echo "$2 $3 containers: run $i failed" >&2; return 0; }
	done
	med[$1]=$(awk '{print $1}' "$W/$1.runs" | median)
	medp[$1]=$(awk '{print $2}' "$W/$1.runs" | median)
	medd[$1]=$(awk '{print $3}' "$W/$1.runs" | median)
}

echo "kube play + kube down: $N runs each, runtime $RUNTIME, $(nproc) CPUs, load average $(cut -d" " -f1-3 /proc/loadavg)"
echo "floor: $floor_note (run -d of each container, then delete -f)"
echo "networks: peapod '$PP_NET' $PP_SUBNET, podman '$PM_NET' $PM_SUBNET"
rows=()
for k in 1 3; do
	for tool in $TOOLS; do
		measure "$tool-$k" "$tool" "$k"
		rows+=("$tool-$k")
	done
done

ratio() { [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", b ? a / b : 0}' || echo -; }
declare -A target=([peapod-1]="<=5x" [peapod-3]="<=8x")
printf '%-16s %9s %9s %9s %9s %9s %6s  %s\n' SCENARIO MEDIAN_MS VS_PODMAN VS_FLOOR PLAY_MS DOWN_MS TARGET RUNS_MS
for k in "${rows[@]}"; do
	m=${med[$k]}
	n=${k#*-}
	name="${k%-*}-${n}ctr"
	[ "${k%-*}" != floor ] || name="$RUNTIME_FLOOR-${n}ctr"
	if [ -z "$m" ]; then
		printf '%-16s %9s\n' "$name" failed
		continue
	fi
	pm=
	[ "${k%-*}" = floor ] || pm=${med[podman-$n]:-}
	printf '%-16s %9s %9s %9s %9s %9s %6s  %s\n' "$name" "$m" "$(ratio "$m" "$pm")" \
		"$(ratio "$m" "${med[floor-$n]:-}")" "${medp[$k]}" "${medd[$k]}" "${target[$k]:--}" \
		"$(awk '{printf "%s ", $1}' "$W/$k.runs")"
done
for k in "${rows[@]}"; do [ -n "${med[$k]}" ] || exit 1; done
