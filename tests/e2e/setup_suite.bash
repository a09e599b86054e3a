#!/bin/bash
# Suite-wide fixtures for the e2e tests (bats 1.8, --setup-suite-file):
# two local registries on 127.0.0.1 and the test images pushed into them.
#
# Exported for the tests:
#   PEAPOD           the binary under test (default $REPO/bin/peapod)
#   E2E_DIR          the suite's work dir (removed at the end)
#   E2E_LIB          tests/e2e/lib
#   REG              host:port of the plain-HTTP registry without auth
#   REG_DIR          its dir (storage/ holds the registry's files)
#   REG_TLS          host:port of the HTTPS registry with basic auth
#   REG_TLS_DIR      its dir
#   REG_USER/REG_PASS  the HTTPS registry's credentials
#   REG_CA_DIR       a certs.d-style dir holding ca.crt for REG_TLS
#   TEST_IMAGES_DIR  OCI layouts of the test images (see lib/images.sh)
#   CORRUPT_DIGEST   the layer digest of $REG/corrupt whose blob was tampered with
#
# Images in REG: busybox layers3 zstd multi corrupt evil-dotdot evil-symlink
# evil-abs owned33 (all tagged latest).  Images in REG_TLS: busybox layers3 zstd multi.

setup_suite() {
	local repo
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	export REPO=$repo
	export E2E_LIB=$repo/tests/e2e/lib
	export PEAPOD=${PEAPOD:-$repo/bin/peapod}
	export no_proxy=127.0.0.1,localhost NO_PROXY=127.0.0.1,localhost
	unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
	# shellcheck source=lib/registry.sh
	source "$E2E_LIB/registry.sh"
	# shellcheck source=lib/images.sh
	source "$E2E_LIB/images.sh"

	[ -x "$PEAPOD" ] || { echo "setup_suite: $PEAPOD is not built (run make)" >&2; return 1; }
	local t
	for t in docker-registry skopeo umoci openssl htpasswd jq curl ss busybox; do
		command -v "$t" >/dev/null || { echo "setup_suite: '$t' is missing (run make deps)" >&2; return 1; }
	done

	E2E_DIR=$(mktemp -d /var/tmp/peapod-e2e.XXXXXX) || return 1
	export E2E_DIR
	echo "$E2E_DIR" >"$BATS_SUITE_TMPDIR/e2e-dir"

	build_test_images "$E2E_DIR/images" || return 1
	export TEST_IMAGES_DIR=$E2E_DIR/images

	_suite_start_registries || return 1
	_suite_push_images || return 1
	_suite_corrupt_blob || return 1
}

_suite_start_registries() {
	local p1 p2
	export REG_USER=peapod REG_PASS=e2e-s3cret
	export REG_CA_DIR=$E2E_DIR/certs.d
	make_ca "$E2E_DIR/ca" || { echo "setup_suite: making the test CA failed" >&2; return 1; }
	mkdir -p "$REG_CA_DIR"
	cp "$E2E_DIR/ca/ca.crt" "$REG_CA_DIR/ca.crt"
	htpasswd -Bbn "$REG_USER" "$REG_PASS" >"$E2E_DIR/htpasswd" || return 1

	p1=$(free_port) || return 1
	export REG_DIR=$E2E_DIR/reg-plain REG=127.0.0.1:$p1
	start_registry "$REG_DIR" "$p1" || return 1
	p2=$(free_port $((p1 + 1))) || return 1
	export REG_TLS_DIR=$E2E_DIR/reg-tls REG_TLS=127.0.0.1:$p2
	start_registry "$REG_TLS_DIR" "$p2" "$E2E_DIR/ca" "$E2E_DIR/htpasswd"
}

_suite_push_images() {
	local n pids=() rc=0 p
	for n in busybox layers3 zstd multi corrupt evil-dotdot evil-symlink evil-abs owned33; do
		push_test_image "$n" "$REG/$n" --dest-tls-verify=false &
		pids+=($!)
	done
	for n in busybox layers3 zstd multi; do
		push_test_image "$n" "$REG_TLS/$n" --dest-cert-dir "$REG_CA_DIR" \
			--dest-creds "$REG_USER:$REG_PASS" &
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p" || rc=1; done
	[ $rc = 0 ] || echo "setup_suite: pushing the test images failed" >&2
	return $rc
}

# Overwrite bytes in the middle of the stored blob of the corrupt image's
# layer, keeping its size and path: the registry serves it as is.
_suite_corrupt_blob() {
	local m d f size
	m=$(_manifest_blob "$TEST_IMAGES_DIR/corrupt")
	d=$(jq -r '.layers[0].digest' "$TEST_IMAGES_DIR/corrupt/blobs/sha256/$m") || return 1
	f=$REG_DIR/storage/docker/registry/v2/blobs/sha256/${d:7:2}/${d#sha256:}/data
	[ -f "$f" ] || { echo "setup_suite: no blob file $f" >&2; return 1; }
	size=$(stat -c %s "$f")
	printf 'PEAPOD-TAMPERED-BLOB' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc status=none
	export CORRUPT_DIGEST=$d
}

teardown_suite() {
	local dir
	source "${E2E_LIB:-$(dirname "${BASH_SOURCE[0]}")/lib}/registry.sh"
	dir=${E2E_DIR:-$(cat "$BATS_SUITE_TMPDIR/e2e-dir" 2>/dev/null)}
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	# users, their dirs and the devices' modes that rootless test files
	# did not put back (lib/rootless.bash)
	if [ -d "$dir/rootless" ]; then
		source "${E2E_LIB:-$(dirname "${BASH_SOURCE[0]}")/lib}/rootless.bash"
		rootless_suite_sweep "$dir"
	fi
	stop_registry "$dir/reg-plain"
	stop_registry "$dir/reg-tls"
	# Nothing may stay mounted below the work dir (the tests check it; this
	# is the last line of defence so that rm -rf never crosses a mount).
	grep -F " $dir/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r mp; do umount -l "$mp" 2>/dev/null; done
	rm -rf --one-file-system "$dir"
	return 0
}
