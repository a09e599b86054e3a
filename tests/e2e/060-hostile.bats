#!/usr/bin/env bats
# Hostile input: tampered blobs and layers that try to write outside
# their directory.  Nothing may be stored and nothing may escape.

load helpers

@test "a blob whose content does not match its digest is refused" {
	run_pp pull --tls-verify=false "$REG/corrupt"
	assert_engine_error 'digest|checksum|mismatch|verif'
	assert_stderr_contains "${CORRUPT_DIGEST#sha256:}"
	assert_nothing_stored
	# No unpacked layer either.
	[ ! -e "$(root_of)" ] || [ -z "$(find "$(root_of)" -name data.bin)" ] || fail "the corrupt layer was unpacked"
}

@test "a layer with ../ paths is refused and writes nothing outside" {
	rm -f /tmp/peapod-e2e-escape
	run_pp pull --tls-verify=false "$REG/evil-dotdot"
	assert_engine_error '\.\./escape|\.\.|outside|unsafe|invalid path|escap'
	[ ! -e /tmp/peapod-e2e-escape ] || { rm -f /tmp/peapod-e2e-escape; fail "a layer wrote /tmp/peapod-e2e-escape"; }
	assert_no_file_named escape peapod-e2e-escape
	# The harmless base layer may stay cached; the image may not.
	assert_no_images
}

@test "a layer writing through its own symlink is refused" {
	rm -f /tmp/pwned
	run_pp pull --tls-verify=false "$REG/evil-symlink"
	assert_engine_error 'evil/pwned|symlink|outside|unsafe|escap'
	[ ! -e /tmp/pwned ] || { rm -f /tmp/pwned; fail "a layer wrote /tmp/pwned through a symlink"; }
	assert_no_file_named pwned
	assert_no_images
}

@test "a layer with an absolute path is refused or kept inside" {
	rm -f /tmp/peapod-e2e-abs
	run_pp pull --tls-verify=false "$REG/evil-abs"
	[ ! -e /tmp/peapod-e2e-abs ] || { rm -f /tmp/peapod-e2e-abs; fail "a layer wrote /tmp/peapod-e2e-abs"; }
	if [ "$status" -eq 0 ]; then
		# Accepted the way tar does it: the leading / stripped.
		local mnt
		mnt=$(pp image mount "$REG/evil-abs") || fail "mount failed"
		[ -f "$mnt/tmp/peapod-e2e-abs" ] || fail "the entry went nowhere visible"
		pp image unmount "$REG/evil-abs"
	else
		assert_engine_error 'absolute|/tmp/peapod-e2e-abs|unsafe|outside'
		assert_no_images
	fi
}

@test "a hostile docker archive is refused by load" {
	local f=$TEST_DIR/evil.tar
	skopeo copy -q "oci:$TEST_IMAGES_DIR/evil-symlink:latest" "docker-archive:$f:localhost/evil:1" >/dev/null ||
		fail "skopeo could not write the archive"
	rm -f /tmp/pwned
	run_pp load -i "$f"
	assert_status 125
	[ ! -e /tmp/pwned ] || { rm -f /tmp/pwned; fail "load wrote /tmp/pwned"; }
	assert_no_file_named pwned
	assert_no_images
}

@test "an archive whose member does not match the manifest digest is refused" {
	local f=$TEST_DIR/bad.tar d=$TEST_DIR/bad l
	skopeo copy -q "oci:$TEST_IMAGES_DIR/busybox:latest" "oci-archive:$f:localhost/bad:1" >/dev/null ||
		fail "skopeo could not write the archive"
	mkdir -p "$d" && tar -C "$d" -xf "$f"
	l=$(jq -r '.manifests[0].digest' "$d/index.json")
	l=$(jq -r '.layers[0].digest' "$d/blobs/sha256/${l#sha256:}")
	printf 'TAMPERED' | dd of="$d/blobs/sha256/${l#sha256:}" bs=1 seek=5000 conv=notrunc status=none
	tar -C "$d" -cf "$f" .
	run_pp load -i "$f"
	assert_engine_error 'digest|checksum|mismatch|verif'
	assert_nothing_stored
}
