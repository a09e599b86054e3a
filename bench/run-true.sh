#!/bin/bash
# Container start-to-exit benchmark: N runs of `run --rm --network none
# busybox true` with peapod and with podman (same busybox rootfs imported
# into each, same OCI runtime), and the floor: `<runtime> run` of a
# prepared bundle (no storage, no monitor, no state): crun if it works on
# this host, else runc (Debian's crun 1.8.1 refuses hybrid cgroup hosts).
# Prints the median of each and its ratio to podman.
#
#   bench/run-true.sh           N=20 runs each
#   N=50 bench/run-true.sh
#   PEAPOD=/path/to/peapod RUNTIME=runc bench/run-true.sh
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
PEAPOD=${PEAPOD:-$repo/bin/peapod}
N=${N:-20}

[ "$(id -u)" = 0 ] || { echo "bench/run-true.sh: run as root" >&2; exit 1; }
[ -x "$PEAPOD" ] || { echo "bench/run-true.sh: $PEAPOD is not built (run make)" >&2; exit 1; }
command -v podman >/dev/null || tests/deps.sh podman
for t in podman busybox jq runc; do
	command -v "$t" >/dev/null || { echo "bench/run-true.sh: '$t' is missing" >&2; exit 1; }
done

W=$(mktemp -d /var/tmp/peapod-bench.XXXXXX)
PP=("$PEAPOD" --root "$W/pp/root" --runroot "$W/pp/run")
PM=(podman --root "$W/pm/root" --runroot "$W/pm/run" --storage-driver overlay
	--events-backend none --cgroup-manager cgroupfs)
cleanup() {
	"${PP[@]}" ps -a -q 2>/dev/null | xargs -r "${PP[@]}" rm -f >/dev/null 2>&1 || true
	"${PP[@]}" system reset -f >/dev/null 2>&1 || true
	"${PM[@]}" rm -a -f -t 0 >/dev/null 2>&1 || true
	"${PM[@]}" system reset -f >/dev/null 2>&1 || true
	grep -F " $W/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf --one-file-system "$W"
}
trap cleanup EXIT

# The runtime: the one peapod picks (crun when it works here, else runc),
# unless RUNTIME says otherwise; podman and the floor use the same.
if [ -z "${RUNTIME:-}" ]; then
	RUNTIME=runc
	if [ "$("$PEAPOD" --runroot "$W/pp/run" --root "$W/pp/root" info \
		--format '{{range .runtimes}}{{.name}}={{.works}} {{end}}' 2>/dev/null |
		tr ' ' '\n' | sed -n 's/^crun=//p')" = true ]; then
		RUNTIME=crun
	else
		echo "note: crun does not work on this host ($(crun --version 2>/dev/null | head -1 ||
			echo not installed)); runc is the runtime and the floor"
	fi
fi

# The rootfs: busybox-static with its applets (tests/e2e/lib/busybox.sh).
export E2E_DIR=$W
fail() { echo "$*" >&2; return 1; }
# shellcheck source=../tests/e2e/lib/busybox.sh
source tests/e2e/lib/busybox.sh
TAR=$(busybox_tar)
"${PP[@]}" import "$TAR" localhost/busybox >/dev/null
"${PM[@]}" import -q "$TAR" localhost/busybox >/dev/null

# The floor's bundle: the same tree, runtime defaults (`runc spec`: new
# pid, net, ipc, uts, mount namespaces), no terminal, nofile within the
# host's hard limit (this host's root lacks CAP_SYS_RESOURCE).
B=$W/bundle
mkdir -p "$B"
cp -a "$(busybox_rootfs_dir)" "$B/rootfs"
(cd "$B" && runc spec)
hard=$(ulimit -Hn)
hardu=$(ulimit -Hu)
# (podman 4.3 fails with nproc at the host hard limit, 20000 works)
[ "$hardu" -le "$hard" ] || hardu=$hard
jq --argjson h "$hard" '.process.terminal = false | .process.args = ["true"]
	| .process.rlimits = [{type: "RLIMIT_NOFILE", hard: $h, soft: $h}]' \
	"$B/config.json" >"$B/c.json" && mv "$B/c.json" "$B/config.json"

now_ns() { date +%s%N; }

# run_one TOOL I: one container, start to exit; prints milliseconds.
# podman needs --ulimit nofile and nproc: its defaults (1048576, 4194304)
# exceed this host's hard limits and runc refuses them; peapod clamps.
run_one() {
	local t0 t1
	t0=$(now_ns)
	case "$1" in
	peapod) "${PP[@]}" --runtime "$RUNTIME" run --rm --network none localhost/busybox true ;;
	podman) "${PM[@]}" --runtime "$RUNTIME" run --rm --network none \
		--ulimit "nofile=$hard:$hard" --ulimit "nproc=$hardu:$hardu" localhost/busybox true ;;
	floor) "$RUNTIME" --root "$W/floor" run -b "$B" "bench-$$-$2" ;;
	esac >/dev/null || return 1
	t1=$(now_ns)
	echo $(((t1 - t0) / 1000000))
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

echo "run --rm --network none busybox true: $N runs each, runtime $RUNTIME, $(nproc) CPUs"
declare -A med
tools=(peapod podman floor)
for tool in "${tools[@]}"; do
	: >"$W/$tool.times"
	med[$tool]=
	run_one "$tool" warm >/dev/null || { echo "$tool: run failed" >&2; continue; }
	ok=1
	for ((i = 0; i < N; i++)); do
		run_one "$tool" "$i" >>"$W/$tool.times" || { echo "$tool: run failed" >&2; ok=0; break; }
	done
	[ $ok = 0 ] || med[$tool]=$(median <"$W/$tool.times")
done

printf '%-8s %10s %10s %10s  %s\n' TOOL MEDIAN_MS VS_PODMAN VS_FLOOR RUNS_MS
for tool in "${tools[@]}"; do
	m=${med[$tool]}
	if [ -z "$m" ]; then
		printf '%-8s %10s\n' "$tool" failed
		continue
	fi
	r=- f=-
	[ -z "${med[podman]}" ] || r=$(awk -v a="$m" -v b="${med[podman]}" 'BEGIN {printf "%.2fx", a / b}')
	[ -z "${med[floor]}" ] || f=$(awk -v a="$m" -v b="${med[floor]}" 'BEGIN {printf "%.2fx", b ? a / b : 0}')
	name=$tool
	[ "$tool" != floor ] || name=$RUNTIME
	printf '%-8s %10s %10s %10s  %s\n' "$name" "$m" "$r" "$f" "$(tr '\n' ' ' <"$W/$tool.times")"
done
[ -n "${med[peapod]}" ]
