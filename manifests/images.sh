#!/bin/bash
# Make the image the example manifests use, localhost/peapod-demo/busybox:1,
# without a network: a root filesystem around Debian's busybox-static
# (/bin/busybox and its applets, /etc/passwd and /etc/group, /tmp,
# /var/www), imported with `peapod import`.  peapod never pulls
# localhost/... images, so the manifests then play offline.
#
#   manifests/images.sh [PEAPOD-GLOBAL-FLAGS...]     e.g. --root DIR --runroot DIR
#
# PEAPOD names the binary (default: the repo's bin/peapod when built, else
# peapod from PATH).  An image already there is kept; FORCE=1 re-imports.
set -eu

REF=localhost/peapod-demo/busybox:1

top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${PEAPOD:-}" ]; then
	if [ -x "$top/bin/peapod" ]; then PEAPOD=$top/bin/peapod; else PEAPOD=peapod; fi
fi

if [ "${FORCE:-0}" != 1 ] &&
	"$PEAPOD" "$@" image inspect --format '{{.Id}}' "$REF" >/dev/null 2>&1; then
	echo "$REF is already there"
	exit 0
fi

bb=$(command -v busybox || true)
if [ -z "$bb" ]; then
	echo "images.sh: busybox is missing: apt-get install busybox-static" >&2
	exit 1
fi
bb=$(readlink -f "$bb")
if ! LC_ALL=C ldd "$bb" 2>&1 | grep -q 'not a dynamic executable'; then
	echo "images.sh: $bb is dynamically linked: apt-get install busybox-static" >&2
	exit 1
fi

work=$(mktemp -d "${TMPDIR:-/var/tmp}/peapod-demo-img.XXXXXX")
trap 'rm -rf "$work"' EXIT
r=$work/rootfs
mkdir -p "$r"/{bin,etc,tmp,root,var/www,proc,sys,dev,run}
cp "$bb" "$r/bin/busybox"
for a in $("$r/bin/busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
done
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
	'www-data:x:33:33:www-data:/var/www:/bin/false' \
	'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$r/etc/passwd"
printf '%s\n' 'root:x:0:' 'www-data:x:33:' 'nogroup:x:65534:' >"$r/etc/group"
echo '<h1>peapod demo image</h1>' >"$r/var/www/index.html"
chmod 1777 "$r/tmp"
chmod 0700 "$r/root"
tar -C "$r" --numeric-owner --owner=0 --group=0 -cf "$work/rootfs.tar" .

"$PEAPOD" "$@" import --change 'CMD ["/bin/sh"]' \
	--change 'LABEL org.opencontainers.image.title=peapod-demo-busybox' \
	"$work/rootfs.tar" "$REF" >/dev/null
echo "$REF imported"
