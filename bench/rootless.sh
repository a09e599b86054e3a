#!/bin/bash
# Rootless benchmark: as an unprivileged user made for the run (65536
# subuids and subgids of its own, tests/e2e/lib/rootless.bash), N runs of
# `run --rm --network none busybox true` and N cycles of `kube play
# bench/kube-1.yaml` + `kube down`, with peapod rootless and podman
# rootless, each with its default rootless paths in that user's home, the
# same busybox rootfs imported into each, the same OCI runtime.  Prints the
# medians and their ratio to podman.  The user, its files and processes,
# and the devices' modes are gone at the end.
#
#   bench/rootless.sh                 N=10 runs each
#   N=20 bench/rootless.sh
#   PEAPOD=/path/to/peapod RUNTIME=runc bench/rootless.sh
#   NET=none bench/rootless.sh        kube play --network none for both
#   TOOLS=peapod bench/rootless.sh    leave podman out
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
PEAPOD=${PEAPOD:-$repo/bin/peapod}
N=${N:-10}
NET=${NET:-default}
TOOLS=${TOOLS:-peapod podman}
PM_DRIVER=${PM_DRIVER:-overlay}
me=bench/rootless.sh

[ "$(id -u)" = 0 ] || { echo "$me: run as root (it creates a user)" >&2; exit 1; }
[ -x "$PEAPOD" ] || { echo "$me: $PEAPOD is not built (run make)" >&2; exit 1; }
case " $TOOLS " in *" podman "*) command -v podman >/dev/null || tests/deps.sh podman ;; esac
for t in busybox jq; do
	command -v "$t" >/dev/null || { echo "$me: '$t' is missing" >&2; exit 1; }
done

fail() { echo "$*" >&2; return 1; }
# shellcheck source=../tests/e2e/lib/rootless.bash
source tests/e2e/lib/rootless.bash
why=$(rootless_check)
if [ -n "$why" ]; then
	echo "$me: cannot run here: $why"
	exit 1
fi

W=$(mktemp -d /var/tmp/peapod-bench.XXXXXX)
export E2E_DIR=$W
# What ends everything of the user: both tools' reset.
rootless_user_reset() {
	local rc=0
	as_user "$1" timeout 120 "$RL_BIN/peapod" system reset -f || rc=1
	if command -v podman >/dev/null; then
		as_user "$1" timeout 120 podman system reset -f || rc=1
	fi
	return $rc
}
cleanup() {
	set +e
	rootless_teardown
	rootless_teardown_file
	rootless_suite_sweep "$W"
	rm -rf --one-file-system "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PEAPOD=$PEAPOD rootless_setup_file
rootless_user_create bench
U=$(rl_login bench)
H=$(rl_home bench)

# The image: the busybox rootfs of the e2e tests, with a PATH.
# shellcheck source=../tests/e2e/lib/busybox.sh
source tests/e2e/lib/busybox.sh
TAR=$(busybox_tar)
install -m 0644 -o "$(rl_uid bench)" "$TAR" "$H/busybox.tar"
install -m 0644 -o "$(rl_uid bench)" bench/kube-1.yaml "$H/kube-1.yaml"
IMG_PATH=/usr/sbin:/usr/bin:/sbin:/bin

# podman: cgroupfs (no systemd session here), events to a file, the
# storage driver PM_DRIVER (overlay: native in the user namespace on
# kernels >= 5.13; podman 4.3 falls back to vfs without a config), nofile
# and nproc within the host's hard limits.
hard=$(ulimit -Hn)
hardu=$(ulimit -Hu)
[ "$hardu" -le "$hard" ] || hardu=$hard
rl_write bench .config/containers/containers.conf >/dev/null <<EOF
[containers]
default_ulimits = ["nofile=$hard:$hard", "nproc=$hardu:$hardu"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
rl_write bench .config/containers/storage.conf >/dev/null <<EOF
[storage]
driver = "$PM_DRIVER"
EOF

# The runtime: what peapod picks rootless (info), unless RUNTIME says.
if [ -z "${RUNTIME:-}" ]; then
	RUNTIME=$(rpp bench info --format json 2>/dev/null | jq -r '.host.ociRuntime.name // empty')
	RUNTIME=${RUNTIME:-crun}
fi
export RL_RUNTIME=$RUNTIME

# The timing loop runs as the user (no setpriv in the numbers).
cat >"$RL_BIN/bench-rootless-time" <<'EOF'
#!/bin/bash
# bench-rootless-time run N CMD...        one line per run: ms
# bench-rootless-time kube N FILE CMD...  one line per cycle: whole play down (ms)
# One uncounted warm-up first.  Exits 1 (stderr shown) when a command fails.
set -u
mode=$1 n=$2
shift 2
file=
if [ "$mode" = kube ]; then file=$1; shift; fi
now() { date +%s%N; }
one() {
	local t0 tm t1
	t0=$(now)
	if [ "$mode" = run ]; then
		"$@" </dev/null >/dev/null 2>"$HOME/err" || { cat "$HOME/err" >&2; return 1; }
		tm=$(now)
	else
		"$@" kube play ${KUBE_FLAGS:-} "$file" </dev/null >/dev/null 2>"$HOME/err" ||
			{ cat "$HOME/err" >&2; return 1; }
		tm=$(now)
		"$@" kube down "$file" </dev/null >/dev/null 2>"$HOME/err" ||
			{ cat "$HOME/err" >&2; return 1; }
	fi
	t1=$(now)
	echo "$(((t1 - t0) / 1000000)) $(((tm - t0) / 1000000)) $(((t1 - tm) / 1000000))"
}
one "$@" >/dev/null || exit 1
for ((i = 0; i < n; i++)); do
	one "$@" || exit 1
done
EOF
chmod 0755 "$RL_BIN/bench-rootless-time"

declare -A CMD
CMD[peapod]="$RL_BIN/peapod --runtime $RUNTIME"
CMD[podman]="podman --runtime $RUNTIME"
KF=
[ "$NET" = default ] || KF="--network $NET"

drivers=
for tool in $TOOLS; do
	# shellcheck disable=SC2086
	out=$(as_user bench ${CMD[$tool]} import --change "ENV PATH=$IMG_PATH" "$H/busybox.tar" \
		localhost/busybox 2>&1) || { echo "$me: $tool import failed: $out" >&2; exit 1; }
	# shellcheck disable=SC2086
	d=$(as_user bench ${CMD[$tool]} info --format json 2>/dev/null |
		jq -r '.store.graphDriverName // .store.GraphDriverName // "?"')
	drivers="$drivers $tool=$d"
done

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

declare -A med medp medd
# measure KEY TOOL MODE: the runs into $W/KEY.runs, medians in med/medp/medd.
measure() {
	local key=$1 tool=$2 mode=$3 args
	med[$key]=
	if [ "$mode" = run ]; then
		# shellcheck disable=SC2206
		args=(run "$N" ${CMD[$tool]} run --rm --network none localhost/busybox true)
	else
		# shellcheck disable=SC2206
		args=(kube "$N" "$H/kube-1.yaml" ${CMD[$tool]})
	fi
	if ! as_user bench KUBE_FLAGS="$KF" "$RL_BIN/bench-rootless-time" "${args[@]}" >"$W/$key.runs"; then
		echo "$me: $tool $mode failed" >&2
		return 0
	fi
	med[$key]=$(awk '{print $1}' "$W/$key.runs" | median)
	medp[$key]=$(awk '{print $2}' "$W/$key.runs" | median)
	medd[$key]=$(awk '{print $3}' "$W/$key.runs" | median)
}

echo "rootless, as user $U (subuids $(rl_subuid bench)+65536): $N runs each, runtime $RUNTIME, $(nproc) CPUs, load average $(cut -d" " -f1-3 /proc/loadavg)"
echo "storage drivers:$drivers; kube play network: $NET (peapod: pasta; podman $(podman --version 2>/dev/null | awk '{print $3}'): its rootless default)"
rows=()
for mode in run kube; do
	for tool in $TOOLS; do
		measure "$tool-$mode" "$tool" "$mode"
		rows+=("$tool-$mode")
	done
done

ratio() { [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", b ? a / b : 0}' || echo -; }
printf '%-20s %9s %9s %9s %9s  %s\n' SCENARIO MEDIAN_MS VS_PODMAN PLAY_MS DOWN_MS RUNS_MS
for k in "${rows[@]}"; do
	tool=${k%%-*}
	mode=${k#*-}
	name=$tool-$([ "$mode" = run ] && echo run-true || echo kube-1)
	m=${med[$k]}
	if [ -z "$m" ]; then
		printf '%-20s %9s\n' "$name" failed
		continue
	fi
	p=- d=-
	[ "$mode" = run ] || { p=${medp[$k]}; d=${medd[$k]}; }
	printf '%-20s %9s %9s %9s %9s  %s\n' "$name" "$m" "$(ratio "$m" "${med[podman-$mode]:-}")" \
		"$p" "$d" "$(awk '{printf "%s ", $1}' "$W/$k.runs")"
done
for k in "${rows[@]}"; do
	case "$k" in peapod-*) [ -n "${med[$k]}" ] || exit 1 ;; esac
done
