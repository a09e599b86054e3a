#!/bin/bash
# kube generate benchmark, peapod against podman (same busybox rootfs,
# private roots): a pod of 3 containers (created, not started: generate
# reads records, not processes), then N runs of `kube generate POD` with
# each tool, output to /dev/null.  Prints the medians and the ratio to
# podman, and checks once that both outputs name the 3 containers.
#
# Both pods are made without an infra container (podman's infra needs its
# pause image, which is not here offline; peapod's infra would only add a
# record that generate skips).
#
#   bench/kube-generate.sh
#   N=50 PEAPOD=/path/to/peapod bench/kube-generate.sh
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
PEAPOD=${PEAPOD:-$repo/bin/peapod}
N=${N:-20}

[ "$(id -u)" = 0 ] || { echo "bench/kube-generate.sh: run as root" >&2; exit 1; }
[ -x "$PEAPOD" ] || { echo "bench/kube-generate.sh: $PEAPOD is not built (run make)" >&2; exit 1; }
command -v podman >/dev/null || tests/deps.sh podman
for t in podman busybox; do
	command -v "$t" >/dev/null || { echo "bench/kube-generate.sh: '$t' is missing" >&2; exit 1; }
done

W=$(mktemp -d /var/tmp/peapod-bench.XXXXXX)
PP=("$PEAPOD" --root "$W/pp/root" --runroot "$W/pp/run")
PM=(podman --root "$W/pm/root" --runroot "$W/pm/run" --tmpdir "$W/pm/tmp"
	--storage-driver overlay --events-backend none --cgroup-manager cgroupfs)
cleanup() {
	"${PP[@]}" system reset -f >/dev/null 2>&1 || true
	"${PM[@]}" rm -a -f -t 0 >/dev/null 2>&1 || true
	"${PM[@]}" pod rm -a -f >/dev/null 2>&1 || true
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

# The same pod for both: web (a command and env), cache (memory limit, a
# capability dropped), job (a working directory and a user).
make_pod() {
	local -n T=$1
	"${T[@]}" pod create --infra=false --name bench >/dev/null
	"${T[@]}" create --pod bench --name bench-web -e MODE=fast localhost/busybox \
		httpd -f -p 8080 >/dev/null
	"${T[@]}" create --pod bench --name bench-cache --memory 64m --cap-drop KILL \
		localhost/busybox sleep 1000 >/dev/null
	"${T[@]}" create --pod bench --name bench-job -w /tmp --user 1000:1000 \
		localhost/busybox true >/dev/null
}
make_pod PP
make_pod PM

for t in PP PM; do
	declare -n T=$t
	out=$("${T[@]}" kube generate bench 2>/dev/null)
	for c in web cache job; do
		grep -qE "name: (bench-)?$c\$" <<<"$out" ||
			{ echo "bench/kube-generate.sh: $t output lacks container $c" >&2; exit 1; }
	done
	unset -n T
done

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# measure TOOL: N timed runs (microseconds) into $W/TOOL.times.
measure() {
	local -n T=$1
	local i t0
	"${T[@]}" kube generate bench >/dev/null 2>&1    # warm-up
	: >"$W/$1.times"
	for i in $(seq 1 "$N"); do
		t0=$(now_ns)
		"${T[@]}" kube generate bench >/dev/null 2>&1
		echo $((($(now_ns) - t0) / 1000)) >>"$W/$1.times"
	done
}
measure PP
measure PM

pp=$(median <"$W/PP.times")
pm=$(median <"$W/PM.times")
echo "kube generate of a pod of 3 containers; $N runs each; $(nproc) CPUs; $(podman --version)"
printf '%-8s %12s %12s\n' TOOL MEDIAN_MS VS_PODMAN
awk -v pp="$pp" -v pm="$pm" 'BEGIN {
	printf "%-8s %12.1f %11.2fx\n", "peapod", pp / 1000, pp / pm
	printf "%-8s %12.1f %11.2fx\n", "podman", pm / 1000, 1
}'
