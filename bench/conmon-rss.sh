#!/bin/bash
# Monitor memory: start K (default 5) detached `busybox sleep 1000`
# containers with peapod and with podman (same rootfs, same runtime), then
# report VmRSS and RssAnon (from /proc/PID/status) of each container's
# monitor process: peapod-conmon vs podman's conmon, and the medians.
#
#   bench/conmon-rss.sh
#   K=10 PEAPOD=/path/to/peapod RUNTIME=runc bench/conmon-rss.sh
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
PEAPOD=${PEAPOD:-$repo/bin/peapod}
K=${K:-5}
RUNTIME=${RUNTIME:-runc}

[ "$(id -u)" = 0 ] || { echo "bench/conmon-rss.sh: run as root" >&2; exit 1; }
[ -x "$PEAPOD" ] || { echo "bench/conmon-rss.sh: $PEAPOD is not built (run make)" >&2; exit 1; }
command -v podman >/dev/null || tests/deps.sh podman
for t in podman busybox conmon; do
	command -v "$t" >/dev/null || { echo "bench/conmon-rss.sh: '$t' is missing" >&2; exit 1; }
done

W=$(mktemp -d /var/tmp/peapod-bench.XXXXXX)
PP=("$PEAPOD" --root "$W/pp/root" --runroot "$W/pp/run" --runtime "$RUNTIME")
PM=(podman --root "$W/pm/root" --runroot "$W/pm/run" --storage-driver overlay
	--events-backend none --cgroup-manager cgroupfs --runtime "$RUNTIME")
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

export E2E_DIR=$W
fail() { echo "$*" >&2; return 1; }
# shellcheck source=../tests/e2e/lib/busybox.sh
source tests/e2e/lib/busybox.sh
TAR=$(busybox_tar)
"${PP[@]}" import "$TAR" localhost/busybox >/dev/null
"${PM[@]}" import -q "$TAR" localhost/busybox >/dev/null
hard=$(ulimit -Hn)

# kb FIELD PID: a /proc/PID/status field in kB.
kb() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$2/status"; }

# monitor_pid TOOL ID: the monitor of container ID.
monitor_pid() {
	local p=""
	case "$1" in
	peapod)
		p=$("${PP[@]}" inspect --format '{{.State.ConmonPid}}' "$2" 2>/dev/null || true)
		[ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "<no value>" ] ||
			p=$(pgrep -f -- "peapod-conmon.*$2" | head -1)
		;;
	podman) p=$("${PM[@]}" inspect --format '{{.State.ConmonPid}}' "$2") ;;
	esac
	echo "$p"
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

echo "$K detached 'sleep 1000' containers each, runtime $RUNTIME; monitor memory from /proc/PID/status"
printf '%-8s %-12s %8s %10s %12s\n' TOOL CONTAINER PID VMRSS_KB RSSANON_KB
declare -A rss anon
for tool in peapod podman; do
	: >"$W/$tool.rss"
	: >"$W/$tool.anon"
	for ((i = 0; i < K; i++)); do
		case "$tool" in
		peapod) id=$("${PP[@]}" run -d --network none localhost/busybox sleep 1000) ;;
		podman) id=$("${PM[@]}" run -d --network none --ulimit "nofile=$hard:$hard" \
			--ulimit "nproc=$hard:$hard" localhost/busybox sleep 1000) ;;
		esac || { echo "$tool: run -d failed" >&2; continue 2; }
		id=$(tail -n 1 <<<"$id")
		pid=$(monitor_pid "$tool" "$id")
		[ -n "$pid" ] && [ -r "/proc/$pid/status" ] ||
			{ echo "$tool: no monitor process for $id" >&2; continue 2; }
		# Settled: the monitor has done its setup by now.
		sleep 0.2
		r=$(kb VmRSS "$pid")
		a=$(kb RssAnon "$pid")
		echo "$r" >>"$W/$tool.rss"
		echo "$a" >>"$W/$tool.anon"
		printf '%-8s %-12s %8s %10s %12s\n' "$tool" "${id:0:12}" "$pid" "$r" "$a"
	done
	rss[$tool]=$(median <"$W/$tool.rss")
	anon[$tool]=$(median <"$W/$tool.anon")
done

echo
printf '%-8s %16s %18s %10s\n' TOOL MEDIAN_VMRSS_KB MEDIAN_RSSANON_KB VS_PODMAN
for tool in peapod podman; do
	if [ -z "${rss[$tool]:-}" ]; then
		printf '%-8s %16s\n' "$tool" failed
		continue
	fi
	r=-
	[ -z "${rss[podman]:-}" ] || r=$(awk -v a="${rss[$tool]}" -v b="${rss[podman]}" 'BEGIN {printf "%.2fx", a / b}')
	printf '%-8s %16s %18s %10s\n' "$tool" "${rss[$tool]}" "${anon[$tool]}" "$r"
done
[ -n "${rss[peapod]:-}" ]
