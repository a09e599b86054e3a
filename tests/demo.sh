#!/bin/bash
# `make demo`: the README's quick start.  Starts a throw-away registry on
# 127.0.0.1, builds a busybox image from Debian's busybox-static with umoci,
# pushes it with skopeo, then pulls it with peapod and lists it.  The
# registry is stopped at the end; the image stays in peapod's store.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
peapod=${PEAPOD:-$top/bin/peapod}
. "$top/tests/e2e/lib/registry.sh"
. "$top/tests/e2e/lib/images.sh"

work=$(mktemp -d /var/tmp/peapod-demo.XXXXXX)
cleanup() { stop_registry "$work/reg"; rm -rf "$work"; }
trap cleanup EXIT

echo "== building a busybox image (umoci, busybox-static)"
build_test_images "$work/images"
export TEST_IMAGES_DIR=$work/images
port=$(free_port)
echo "== starting a registry on 127.0.0.1:$port"
start_registry "$work/reg" "$port"
push_test_image busybox "127.0.0.1:$port/demo/busybox" --dest-tls-verify=false
echo "== peapod pull --tls-verify=false 127.0.0.1:$port/demo/busybox"
"$peapod" pull --tls-verify=false "127.0.0.1:$port/demo/busybox"
echo "== peapod images"
"$peapod" images
echo "== peapod image inspect --format '{{.Id}} {{.Os}}/{{.Architecture}}'"
"$peapod" image inspect --format '{{.Id}} {{.Os}}/{{.Architecture}}' "127.0.0.1:$port/demo/busybox"
