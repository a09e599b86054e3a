#!/bin/bash
# Pull benchmark: a ~50 MB image of 3 incompressible layers in a local
# registry (HTTP, 127.0.0.1), pulled N times each into fresh roots by
# peapod, podman and `skopeo copy` (to an OCI dir: the download-and-verify
# floor without any unpacking).  Prints the median of each and its ratio
# to podman.
#
#   bench/pull.sh              N=5 runs each
#   N=9 LAYER_MB=32 bench/pull.sh
#   PEAPOD=/path/to/peapod bench/pull.sh
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
PEAPOD=${PEAPOD:-$repo/bin/peapod}
N=${N:-5}
LAYER_MB=${LAYER_MB:-16}
export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost

[ "$(id -u)" = 0 ] || { echo "bench/pull.sh: run as root" >&2; exit 1; }
[ -x "$PEAPOD" ] || { echo "bench/pull.sh: $PEAPOD is not built (run make)" >&2; exit 1; }
command -v podman >/dev/null || tests/deps.sh podman
for t in podman skopeo umoci docker-registry; do
	command -v "$t" >/dev/null || { echo "bench/pull.sh: '$t' is missing" >&2; exit 1; }
done
# shellcheck source=../tests/e2e/lib/registry.sh
source tests/e2e/lib/registry.sh

W=$(mktemp -d /var/tmp/peapod-bench.XXXXXX)
cleanup() {
	stop_registry "$W/reg"
	grep -F " $W/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf --one-file-system "$W"
}
trap cleanup EXIT

# The image: three layers of random data (incompressible: the time goes to
# transfer, digest and unpacking, not to gzip ratios).
umoci init --layout "$W/img" >/dev/null
umoci new --image "$W/img:latest" >/dev/null
for i in 1 2 3; do
	mkdir -p "$W/l$i/data"
	head -c $((LAYER_MB * 1024 * 1024)) /dev/urandom >"$W/l$i/data/blob$i.bin"
	umoci insert --image "$W/img:latest" "$W/l$i" / >/dev/null
done
port=$(free_port)
start_registry "$W/reg" "$port"
REF=127.0.0.1:$port/bench/pull:latest
skopeo copy -q --dest-tls-verify=false "oci:$W/img:latest" "docker://$REF" >/dev/null
size=$(skopeo inspect --tls-verify=false --raw "docker://$REF" | jq '[.layers[].size] | add')
echo "image: $REF, 3 layers, $((size / 1024 / 1024)) MB compressed; $N runs each; $(nproc) CPUs"

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run_one TOOL DIR: one pull into the fresh dir DIR; prints milliseconds.
run_one() {
	local tool=$1 d=$2 t0 t1
	mkdir -p "$d"
	t0=$(now_ms)
	case "$tool" in
	peapod)
		"$PEAPOD" --root "$d/root" --runroot "$d/run" pull -q --tls-verify=false "$REF" >/dev/null
		;;
	podman)
		podman --root "$d/root" --runroot "$d/run" --storage-driver overlay \
			--events-backend none pull -q --tls-verify=false "$REF" >/dev/null
		;;
	skopeo)
		skopeo copy -q --src-tls-verify=false "docker://$REF" "oci:$d/oci:latest" >/dev/null
		;;
	esac
	t1=$(now_ms)
	echo $((t1 - t0))
}

# reset_one TOOL DIR: remove what the run stored.
reset_one() {
	case "$1" in
	peapod) "$PEAPOD" --root "$2/root" --runroot "$2/run" system reset -f >/dev/null 2>&1 || true ;;
	podman) podman --root "$2/root" --runroot "$2/run" --storage-driver overlay \
		--events-backend none system reset -f >/dev/null 2>&1 || true ;;
	esac
	grep -F " $2/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf --one-file-system "$2"
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

declare -A med
tools=(peapod podman skopeo)
for tool in "${tools[@]}"; do
	: >"$W/$tool.times"
	# One warm-up run (page cache, registry), not counted.
	reset_one "$tool" "$W/run-$tool"
	run_one "$tool" "$W/run-$tool" >/dev/null || { echo "$tool: pull failed" >&2; med[$tool]=; continue; }
	reset_one "$tool" "$W/run-$tool"
	ok=1
	for ((i = 0; i < N; i++)); do
		if ! run_one "$tool" "$W/run-$tool" >>"$W/$tool.times"; then
			echo "$tool: pull failed" >&2
			ok=0
			break
		fi
		reset_one "$tool" "$W/run-$tool"
	done
	if [ $ok = 1 ]; then
		med[$tool]=$(median <"$W/$tool.times")
	else
		med[$tool]=
	fi
done

printf '%-8s %10s %12s  %s\n' TOOL MEDIAN_MS VS_PODMAN RUNS_MS
for tool in "${tools[@]}"; do
	m=${med[$tool]}
	if [ -z "$m" ]; then
		printf '%-8s %10s %12s\n' "$tool" failed -
		continue
	fi
	r=-
	[ -z "${med[podman]}" ] || r=$(awk -v a="$m" -v b="${med[podman]}" 'BEGIN {printf "%.2fx", a / b}')
	printf '%-8s %10s %12s  %s\n' "$tool" "$m" "$r" "$(tr '\n' ' ' <"$W/$tool.times")"
done
[ -n "${med[peapod]}" ]
