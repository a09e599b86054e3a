#!/bin/bash
# Test images for the e2e suite, built with GNU tar and umoci from Debian's
# busybox-static.  Source this file, then `build_test_images DIR`.
# Every image is an OCI layout DIR/<name> with the tag "latest":
#
#   busybox       one layer: /bin/busybox and applet symlinks, /etc/passwd,
#                 /etc/group, a file owned by uid 33, a setuid file, a
#                 hardlink, a sticky /tmp, an empty dir, /etc/motd, /srv/keep
#   layers3       busybox + layer 2 (adds /srv/new.txt, /srv/keep/b.txt,
#                 /opt/app/{x,y}) + layer 3 (whiteouts of /etc/motd and
#                 /srv/keep/a.txt, /opt/app made opaque holding only z);
#                 Cmd /bin/ls, User 33, WorkingDir /srv
#   zstd          layers3 with zstd-compressed layers
#   multi         an OCI index: linux/amd64 and linux/arm64 manifests, told
#                 apart by /etc/platform ("amd64" / "arm64"); multi-amd64
#                 and multi-arm64 are the same two images on their own
#   corrupt       one small unique layer (its blob gets tampered with in the
#                 registry by the suite)
#   evil-dotdot   busybox + a layer holding "../escape" and "../../../../../../../../../../tmp/peapod-e2e-escape"
#   evil-symlink  busybox + a layer holding "evil -> /tmp" then "evil/pwned"
#   evil-abs      busybox + a layer holding "/tmp/peapod-e2e-abs"
#   owned33       busybox + /data/www (0750, uid 33, gid 33) holding
#                 index.html (0640, 33:33): ids other than 0 for the rootless
#                 tests (a user's subordinate ids own them on the host)
#
# Layouts are cached by content under $PEAPOD_E2E_CACHE
# (default /var/tmp/peapod-e2e-cache): the key hashes this file, busybox,
# and the umoci and skopeo versions.

_img_key() {
	{
		cat "${BASH_SOURCE[0]}"
		sha256sum /bin/busybox
		umoci --version
		skopeo --version
	} | sha256sum | cut -c1-16
}

# _mk_base_rootfs DIR: the busybox image's tree.
_mk_base_rootfs() {
	local r=$1 a
	mkdir -p "$r"/{bin,etc,tmp,root,srv/keep,var/www,empty}
	cp /bin/busybox "$r/bin/busybox"
	for a in sh ls cat echo true false sleep httpd id env stat find sha256sum \
		wc head tail grep mkdir rm touch ps kill nc wget mount hostname; do
		ln -s busybox "$r/bin/$a"
	done
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
		'www-data:x:33:33:www-data:/var/www:/bin/false' \
		'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$r/etc/passwd"
	printf '%s\n' 'root:x:0:' 'www-data:x:33:' 'nogroup:x:65534:' >"$r/etc/group"
	echo 'peapod test image' >"$r/etc/motd"
	echo '<h1>peapod</h1>' >"$r/var/www/index.html"
	chown -R 33:33 "$r/var/www"
	echo secret >"$r/root/secret"
	chmod 0600 "$r/root/secret"
	printf '#!/bin/sh\necho suid\n' >"$r/bin/suid-script"
	chmod 4755 "$r/bin/suid-script"
	ln "$r/etc/motd" "$r/etc/motd.hardlink"
	echo a >"$r/srv/keep/a.txt"
	chmod 1777 "$r/tmp"
	chmod 0750 "$r/root"
}

# _add_dir_layer LAYOUT DIR [HISTORY]: add the tree DIR as one layer.
# The tar is written by GNU tar and added verbatim: umoci 0.4.7's own
# layer writer (umoci insert) leaves out the padding of the last member and
# the end-of-archive blocks, which is not what real images look like.
_add_dir_layer() {
	local l=$1 dir=$2 hist=${3:-layer} t
	t=$(mktemp "$l.XXXXXX.tar")
	# shellcheck disable=SC2046
	tar -C "$dir" --numeric-owner --sort=name --format=pax \
		--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
		-cf "$t" $(cd "$dir" && ls -A) || { rm -f "$t"; return 1; }
	umoci raw add-layer --image "$l:latest" --history.created_by "$hist" "$t"
	local rc=$?
	rm -f "$t"
	return $rc
}

# _new_image LAYOUT: empty OCI layout with an empty image tagged latest.
_new_image() {
	umoci init --layout "$1" && umoci new --image "$1:latest"
}

# _config_image LAYOUT CMD [UMOCI-CONFIG-FLAGS...]
_config_image() {
	local l=$1 cmd=$2
	shift 2
	umoci config --image "$l:latest" --no-history --config.env PATH=/bin \
		--config.env PEAPOD_TEST=1 --config.cmd "$cmd" \
		--config.label org.peapod.test=yes --author peapod-e2e "$@"
}

_build_busybox() {
	local out=$1 tmp=$2
	_mk_base_rootfs "$tmp/bb"
	_new_image "$out/busybox" &&
		_add_dir_layer "$out/busybox" "$tmp/bb" base &&
		_config_image "$out/busybox" /bin/sh --config.workingdir /
}

_build_layers3() {
	local out=$1 tmp=$2 l
	l=$out/layers3
	cp -a "$out/busybox" "$l"
	mkdir -p "$tmp/l2/srv/keep" "$tmp/l2/opt/app" "$tmp/l3/etc" "$tmp/l3/srv/keep" "$tmp/l3/opt/app"
	echo new >"$tmp/l2/srv/new.txt"
	echo b >"$tmp/l2/srv/keep/b.txt"
	echo x >"$tmp/l2/opt/app/x"
	echo y >"$tmp/l2/opt/app/y"
	# Layer 3 is written by hand (umoci makes one layer per whiteout,
	# without the tar end-of-archive blocks): two whiteouts and an opaque
	# directory, as docker and buildah write them.
	: >"$tmp/l3/etc/.wh.motd"
	: >"$tmp/l3/srv/keep/.wh.a.txt"
	: >"$tmp/l3/opt/app/.wh..wh..opq"
	echo z >"$tmp/l3/opt/app/z"
	(cd "$tmp/l3" && tar --numeric-owner --owner=0 --group=0 --sort=name \
		-cf "$tmp/l3.tar" etc srv opt) || return 1
	_add_dir_layer "$l" "$tmp/l2" layer2 &&
		umoci raw add-layer --image "$l:latest" --history.created_by layer3 "$tmp/l3.tar" &&
		_config_image "$l" /bin/ls --config.user 33 --config.workingdir /srv
}

_manifest_blob() {
	jq -r '.manifests[] | select(.annotations."org.opencontainers.image.ref.name" == "latest") | .digest' \
		"$1/index.json" | sed 's/^sha256://'
}

# _put_blob LAYOUT FILE: store FILE as a blob, print its sha256 hex.
_put_blob() {
	local h
	h=$(sha256sum "$2" | cut -d' ' -f1)
	cp "$2" "$1/blobs/sha256/$h"
	echo "$h"
}

# _set_latest LAYOUT HEX SIZE MEDIATYPE [PLATFORM-JSON]
_set_latest() {
	jq -n --arg d "sha256:$2" --argjson s "$3" --arg mt "$4" \
		'{schemaVersion: 2, manifests: [{mediaType: $mt, digest: $d, size: $s,
		  annotations: {"org.opencontainers.image.ref.name": "latest"}}]}' >"$1/index.json"
}

_build_zstd() {
	local out=$1
	skopeo copy -q --dest-compress-format zstd --dest-compress \
		"oci:$out/layers3:latest" "oci:$out/zstd:latest" >/dev/null
}

_build_multi() {
	local out=$1 tmp=$2 l arch m1 m2 s1 s2 idx
	l=$out/multi
	mkdir -p "$tmp/amd64/etc" "$tmp/arm64/etc"
	echo amd64 >"$tmp/amd64/etc/platform"
	echo arm64 >"$tmp/arm64/etc/platform"
	for arch in amd64 arm64; do
		cp -a "$out/busybox" "$tmp/m-$arch"
		_add_dir_layer "$tmp/m-$arch" "$tmp/$arch" platform &&
			_config_image "$tmp/m-$arch" /bin/sh --architecture "$arch" --os linux || return 1
		umoci gc --layout "$tmp/m-$arch" || return 1
	done
	cp -a "$tmp/m-amd64" "$l"
	cp -n "$tmp/m-arm64/blobs/sha256/"* "$l/blobs/sha256/"
	m1=$(_manifest_blob "$tmp/m-amd64")
	m2=$(_manifest_blob "$tmp/m-arm64")
	s1=$(stat -c %s "$l/blobs/sha256/$m1")
	s2=$(stat -c %s "$l/blobs/sha256/$m2")
	jq -n --arg d1 "sha256:$m1" --arg d2 "sha256:$m2" --argjson s1 "$s1" --argjson s2 "$s2" \
		'{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
		  manifests: [
		    {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d1, size: $s1,
		     platform: {architecture: "amd64", os: "linux"}},
		    {mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d2, size: $s2,
		     platform: {architecture: "arm64", os: "linux", variant: "v8"}}]}' >"$tmp/index.blob"
	idx=$(_put_blob "$l" "$tmp/index.blob")
	_set_latest "$l" "$idx" "$(stat -c %s "$tmp/index.blob")" \
		application/vnd.oci.image.index.v1+json
	# The single-platform images too, as references for the tests.
	mv "$tmp/m-amd64" "$out/multi-amd64" && mv "$tmp/m-arm64" "$out/multi-arm64"
}

_build_corrupt() {
	local out=$1 tmp=$2
	mkdir -p "$tmp/corrupt"
	# Unique, incompressible content so no other image shares this blob.
	head -c 65536 /dev/urandom >"$tmp/corrupt/data.bin"
	_new_image "$out/corrupt" &&
		_add_dir_layer "$out/corrupt" "$tmp/corrupt" data &&
		_config_image "$out/corrupt" /data.bin
}

# _build_evil NAME TAR: busybox plus the layer TAR taken verbatim.
_build_evil() {
	local out=$1 name=$2 tar=$3
	cp -a "$out/busybox" "$out/$name"
	umoci raw add-layer --image "$out/$name:latest" "$tar"
}

_build_hostile() {
	local out=$1 tmp=$2 d
	d=$tmp/evil
	mkdir -p "$d/src/d"
	echo escaped >"$d/src/escape"
	echo pwned >"$d/src/d/pwned"
	ln -s /tmp "$d/src/evil"
	(
		cd "$d/src" || exit 1
		tar -P --transform 's,^escape$,../escape,' -cf "$d/dotdot.tar" escape &&
			tar -P --transform 's,^escape$,../../../../../../../../../../tmp/peapod-e2e-escape,' \
				-rf "$d/dotdot.tar" escape &&
			tar -P --transform 's,^d/,evil/,' -cf "$d/symlink.tar" evil d/pwned &&
			tar -P --transform 's,^escape$,/tmp/peapod-e2e-abs,' -cf "$d/abs.tar" escape
	) || return 1
	_build_evil "$out" evil-dotdot "$d/dotdot.tar" &&
		_build_evil "$out" evil-symlink "$d/symlink.tar" &&
		_build_evil "$out" evil-abs "$d/abs.tar"
}

# build_test_images DIR: make (or reuse from the cache) every test image
# and link DIR to them.  Prints nothing on success.
build_test_images() {
	local dest=$1 cache key out tmp
	cache=${PEAPOD_E2E_CACHE:-/var/tmp/peapod-e2e-cache}
	key=$(_img_key)
	out=$cache/$key
	if [ ! -f "$out/.complete" ]; then
		mkdir -p "$cache"
		find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" \
			-mmin +60 -exec rm -rf {} + 2>/dev/null
		tmp=$(mktemp -d "$cache/build.XXXXXX")
		mkdir -p "$tmp/out" "$tmp/work"
		if ! _build_all "$tmp/out" "$tmp/work"; then
			rm -rf "$tmp"
			echo "build_test_images: building the test images failed" >&2
			return 1
		fi
		touch "$tmp/out/.complete"
		# Another suite may have finished the same build meanwhile: keep
		# the first one (mv -T refuses to replace a non-empty dir).
		mv -T "$tmp/out" "$out" 2>/dev/null || [ -f "$out/.complete" ] || {
			rm -rf "$out" && mv -T "$tmp/out" "$out"
		} || { rm -rf "$tmp"; return 1; }
		rm -rf "$tmp"
	fi
	ln -sfn "$out" "$dest"
}

_build_owned33() {
	local out=$1 tmp=$2 d=$tmp/o33
	cp -a "$out/busybox" "$out/owned33"
	mkdir -p "$d/data/www"
	echo owned33 >"$d/data/www/index.html"
	chown -R 33:33 "$d/data/www"
	chmod 0750 "$d/data/www"
	chmod 0640 "$d/data/www/index.html"
	_add_dir_layer "$out/owned33" "$d" owned33 &&
		_config_image "$out/owned33" /bin/sh --config.workingdir /
}

_build_all() {
	local out=$1 tmp=$2 n
	_build_busybox "$out" "$tmp" &&
		_build_layers3 "$out" "$tmp" &&
		_build_owned33 "$out" "$tmp" &&
		_build_zstd "$out" &&
		_build_multi "$out" "$tmp" &&
		_build_corrupt "$out" "$tmp" &&
		_build_hostile "$out" "$tmp" || return 1
	for n in "$out"/*/; do
		umoci gc --layout "$n" || return 1
	done
}

# push_test_image NAME DEST-REPO [SKOPEO-DEST-FLAGS...]: copy image NAME from
# $TEST_IMAGES_DIR to docker://DEST-REPO:latest (all platforms for an
# index, layers kept as they are: no recompression).
push_test_image() {
	local name=$1 dest=$2
	shift 2
	skopeo copy -q --all --preserve-digests "$@" \
		"oci:$TEST_IMAGES_DIR/$name:latest" "docker://$dest:latest" >/dev/null
}
