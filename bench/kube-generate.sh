#!/bin/bash
# `kube generate` benchmark, peapod against podman: the same 3-container
# pod (env, a ConfigMap volume, an emptyDir, resources, a securityContext;
# no ports: podman refuses them with --network none; no probes: podman
# turns them into systemd timers, and there may be no systemd) is played into each tool's private roots with `kube play
# --network none`, then `kube generate POD` runs N times in each; prints
# the medians and their ratio to podman.  For information, the size of
# each output and what the offline Kubernetes validator
# (tests/k8s-validate, when `make deps` installed it) says of it.
#
#   bench/kube-generate.sh          N=20 runs each
#   N=50 bench/kube-generate.sh
#   PEAPOD=/path/to/peapod RUNTIME=runc bench/kube-generate.sh
#   VERBOSE=1 bench/kube-generate.sh   also print both outputs and the
#                                      validator's errors
set -eu
cd "$(dirname "$0")/.."
repo=$(pwd)
PEAPOD=${PEAPOD:-$repo/bin/peapod}
N=${N:-20}

[ "$(id -u)" = 0 ] || { echo "bench/kube-generate.sh: run as root" >&2; exit 1; }
[ -x "$PEAPOD" ] || { echo "bench/kube-generate.sh: $PEAPOD is not built (run make)" >&2; exit 1; }
command -v podman >/dev/null || tests/deps.sh podman
for t in podman busybox runc; do
	command -v "$t" >/dev/null || { echo "bench/kube-generate.sh: '$t' is missing" >&2; exit 1; }
done

W=$(mktemp -d /var/tmp/peapod-bench.XXXXXX)
PP=("$PEAPOD" --root "$W/pp/root" --runroot "$W/pp/run")
PM=(podman --root "$W/pm/root" --runroot "$W/pm/run" --tmpdir "$W/pm/tmp"
	--network-config-dir "$W/pm/netconf" --storage-driver overlay
	--events-backend none --cgroup-manager cgroupfs)
mkdir -p "$W/pm/netconf"
cleanup() {
	"${PP[@]}" pod rm -a -f >/dev/null 2>&1 || true
	"${PP[@]}" system reset -f >/dev/null 2>&1 || true
	"${PM[@]}" pod rm -a -f -t 0 >/dev/null 2>&1 || true
	"${PM[@]}" rm -a -f -t 0 >/dev/null 2>&1 || true
	"${PM[@]}" system reset -f >/dev/null 2>&1 || true
	grep -F " $W/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf --one-file-system "$W"
}
trap cleanup EXIT

# The runtime: the one peapod picks (crun when it works here, else runc),
# unless RUNTIME says otherwise; podman uses the same.
if [ -z "${RUNTIME:-}" ]; then
	RUNTIME=runc
	if [ "$("${PP[@]}" info --format '{{range .runtimes}}{{.name}}={{.works}} {{end}}' 2>/dev/null |
		tr ' ' '\n' | sed -n 's/^crun=//p')" = true ]; then
		RUNTIME=crun
	fi
fi
PP+=(--runtime "$RUNTIME")
PM+=(--runtime "$RUNTIME")

# The image: busybox-static with its applets (tests/e2e/lib/busybox.sh),
# tagged :bench (not :latest, whose default pull policy is Always), with
# a PATH (podman sets none for a kube container of an image without one).
export E2E_DIR=$W
fail() { echo "$*" >&2; return 1; }
# shellcheck source=../tests/e2e/lib/busybox.sh
source tests/e2e/lib/busybox.sh
TAR=$(busybox_tar)
IMPORT_PATH='ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin'
"${PP[@]}" import --change "$IMPORT_PATH" "$TAR" localhost/busybox:bench >/dev/null
"${PM[@]}" import -q --change "$IMPORT_PATH" "$TAR" localhost/busybox:bench >/dev/null

# podman's default nofile/nproc exceed this host's hard limits and the
# runtime refuses them; its infra container gets them from a private
# containers.conf (as in bench/pod.sh).
hard=$(ulimit -Hn)
hardu=$(ulimit -Hu)
[ "$hardu" -le "$hard" ] || hardu=$hard
printf '[containers]\ndefault_ulimits = ["nofile=%s:%s", "nproc=%s:%s"]\n' \
	"$hard" "$hard" "$hardu" "$hardu" >"$W/containers.conf"
export CONTAINERS_CONF=$W/containers.conf

cat >"$W/bench.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: bench-conf
data:
  app.conf: |
    color=blue
---
apiVersion: v1
kind: Pod
metadata:
  name: benchpod
  labels:
    app: benchpod
    tier: web
  annotations:
    example.com/owner: bench
spec:
  terminationGracePeriodSeconds: 5
  containers:
  - name: web
    image: localhost/busybox:bench
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"]
    workingDir: /tmp
    env:
    - name: MODE
      value: production
    - name: COLOR
      valueFrom:
        configMapKeyRef: {name: bench-conf, key: app.conf}
    resources:
      limits: {cpu: 500m, memory: 64Mi}
    securityContext:
      capabilities:
        drop: [NET_RAW]
    volumeMounts:
    - {name: conf, mountPath: /etc/app}
    - {name: cache, mountPath: /cache}
  - name: worker
    image: localhost/busybox:bench
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"]
    env:
    - name: QUEUE
      value: jobs
    securityContext:
      runAsUser: 1000
      readOnlyRootFilesystem: true
    volumeMounts:
    - {name: cache, mountPath: /cache}
  - name: logger
    image: localhost/busybox:bench
    imagePullPolicy: IfNotPresent
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"]
    args: []
    stdin: true
  volumes:
  - name: conf
    configMap:
      name: bench-conf
  - name: cache
    emptyDir: {}
EOF
for t in PP PM; do
	declare -n T=$t
	"${T[@]}" kube play --network none "$W/bench.yaml" >"$W/play.log" 2>&1 ||
		{ echo "bench/kube-generate.sh: ${T[0]##*/} kube play failed:" >&2; cat "$W/play.log" >&2; exit 1; }
	unset -n T
done

now_ns() { date +%s%N; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }

# measure TOOL: one uncounted run (its output kept), then N timed runs
# into $W/TOOL.times; each run's milliseconds.
declare -A med
measure() {
	local -n T=$2
	local i t0 t1
	: >"$W/$1.times"
	med[$1]=
	"${T[@]}" kube generate benchpod >"$W/$1.yaml" 2>"$W/$1.err" ||
		{ echo "$1: kube generate failed: $(head -3 "$W/$1.err")" >&2; return 0; }
	for ((i = 0; i < N; i++)); do
		t0=$(now_ns)
		"${T[@]}" kube generate benchpod >/dev/null 2>&1 || { echo "$1: run $i failed" >&2; return 0; }
		t1=$(now_ns)
		echo $(((t1 - t0) / 1000000)) >>"$W/$1.times"
	done
	med[$1]=$(median <"$W/$1.times")
}

# verdict TOOL: what the offline validator says of the output (strict
# about unknown fields; podman's creationTimestamp and status are allowed
# here, --generated would refuse them).
verdict() {
	local v=$repo/tests/k8s-validate
	[ -d "$v/node_modules/kubernetes-models" ] && command -v node >/dev/null || { echo "-"; return; }
	if node "$v/validate.mjs" -q "$W/$1.yaml" >"$W/$1.valid" 2>&1; then
		echo valid
	else
		echo "invalid ($(grep -c '^  ' "$W/$1.valid") errors)"
	fi
}

echo "kube generate of a 3-container pod (played with --network none): $N runs each," \
	"runtime $RUNTIME, $(nproc) CPUs, $(podman --version)"
measure peapod PP
measure podman PM
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2fx", b ? a / b : 0}' || echo -; }
printf '%-8s %10s %10s %7s  %-22s %s\n' TOOL MEDIAN_MS VS_PODMAN LINES K8S_VALIDATE RUNS_MS
for t in peapod podman; do
	if [ -z "${med[$t]}" ]; then
		printf '%-8s %10s\n' "$t" failed
		continue
	fi
	printf '%-8s %10s %10s %7s  %-22s %s\n' "$t" "${med[$t]}" "$(ratio "${med[$t]}" "${med[podman]}")" \
		"$(wc -l <"$W/$t.yaml")" "$(verdict "$t")" "$(tr '\n' ' ' <"$W/$t.times")"
done
[ -z "${VERBOSE:-}" ] || for t in peapod podman; do
	echo "== $t: kube generate benchpod"
	cat "$W/$t.yaml"
	[ ! -s "$W/$t.valid" ] || { echo "== $t: tests/k8s-validate"; cat "$W/$t.valid"; }
done
[ -n "${med[peapod]}" ]
