#!/bin/bash
# `make demo`: the README's quick start.  With everything installed and
# built (make demo depends on deps and all), make the example image offline
# (manifests/images.sh), play manifests/web.yaml -- a web server and a
# sidecar sharing an emptyDir, published on the host's port 8080 --, fetch
# the page from 127.0.0.1:8080 twice, show the pod, and take it down again.
# KEEP=1 leaves the pod running.  Other peapod flags (--root DIR ...) may be
# given in PEAPOD_FLAGS.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
peapod=${PEAPOD:-$top/bin/peapod}
read -r -a flags <<<"${PEAPOD_FLAGS:-}"
pp() { "$peapod" "${flags[@]}" "$@"; }
yaml=$top/manifests/web.yaml
port=$(sed -n 's/^ *hostPort: *\([0-9]*\).*/\1/p' "$yaml")

fetch() {
	local i
	for i in $(seq 1 50); do
		if out=$(curl -fsS --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null); then
			printf '%s\n' "$out"
			return 0
		fi
		sleep 0.2
	done
	echo "demo: nothing answered on 127.0.0.1:$port" >&2
	return 1
}

if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
	echo "demo: port $port is in use on this machine; free it or change hostPort in $yaml" >&2
	exit 1
fi
echo "== manifests/images.sh   (localhost/peapod-demo/busybox:1 from Debian's busybox-static)"
PEAPOD=$peapod "$top/manifests/images.sh" "${flags[@]}"
echo "== peapod kube play manifests/web.yaml"
pp kube play "$yaml"
[ "${KEEP:-0}" = 1 ] || trap 'echo "== peapod kube down manifests/web.yaml"; pp kube down "$yaml"' EXIT
echo "== peapod pod ps; peapod ps"
pp pod ps
pp ps --format '{{.Names}}\t{{.Status}}'
echo "== curl http://127.0.0.1:$port/"
fetch
sleep 5
echo "== curl http://127.0.0.1:$port/   (5 s later: the sidecar wrote a new page)"
fetch
