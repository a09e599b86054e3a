#!/usr/bin/env bats
# Archives and local image management: save/load (docker and OCI
# archives), import, tag, rm/rmi, prune.

load helpers

inspect_id() {
	pp_in "$1" image inspect --format '{{.Id}}' "$2"
}

@test "save/load round trip, docker-archive" {
	local id f=$TEST_DIR/bb.tar
	id=$(pull_plain "$REG/layers3")
	run_pp image save -o "$f" --format docker-archive "$REG/layers3"
	assert_success
	[ -s "$f" ] || fail "no archive written"
	run skopeo inspect "docker-archive:$f"
	[ "$status" -eq 0 ] || fail "skopeo rejects our docker archive: $output"
	assert_equal "$(jq '.Layers | length' <<<"$output")" 3
	tar -tf "$f" | grep -qx manifest.json || fail "no manifest.json in the docker archive"
	run_pp_in second image load -i "$f"
	assert_success
	assert_output_contains "Loaded image: $REG/layers3:latest"
	assert_equal "$(inspect_id second "$REG/layers3")" "$(inspect_id main "$REG/layers3")"
	[[ "$(inspect_id second "$REG/layers3")" == *"$id" ]] || fail "loaded id differs from $id"
	# The loaded image's tree is the pulled one.
	local m1 m2
	m1=$(pp image mount "$REG/layers3") && m2=$(pp_in second image mount "$REG/layers3") ||
		fail "image mount failed"
	assert_same_tree "$m2" "$m1"
	pp image unmount "$REG/layers3"
	pp_in second image unmount "$REG/layers3"
}

@test "save/load round trip, oci-archive" {
	local f=$TEST_DIR/bb.oci.tar
	pull_plain "$REG/busybox" >/dev/null
	run_pp image save --format oci-archive -o "$f" "$REG/busybox"
	assert_success
	run skopeo inspect "oci-archive:$f"
	[ "$status" -eq 0 ] || fail "skopeo rejects our oci archive: $output"
	tar -tf "$f" | grep -qx oci-layout || fail "no oci-layout in the OCI archive"
	tar -tf "$f" | grep -qx index.json || fail "no index.json in the OCI archive"
	run_pp_in second load -q -i "$f"
	assert_success
	assert_equal "$(inspect_id second "$REG/busybox")" "$(inspect_id main "$REG/busybox")"
}

@test "save to stdout and load from stdin" {
	pull_plain "$REG/busybox" >/dev/null
	pp save "$REG/busybox" >"$TEST_DIR/out.tar" || fail "save to stdout failed"
	run skopeo inspect "docker-archive:$TEST_DIR/out.tar"
	[ "$status" -eq 0 ] || fail "skopeo rejects the archive from stdout: $output"
	run --separate-stderr pp_in second load <"$TEST_DIR/out.tar"
	assert_success
	assert_output_contains "Loaded image: $REG/busybox:latest"
}

@test "save of several images into one docker archive, load gets them all" {
	local f=$TEST_DIR/two.tar
	pull_plain "$REG/busybox" >/dev/null
	pull_plain "$REG/layers3" >/dev/null
	run_pp save -o "$f" "$REG/busybox" "$REG/layers3"
	assert_success
	run_pp_in second load -i "$f"
	assert_success
	assert_output_contains "Loaded image: $REG/busybox:latest"
	assert_output_contains "Loaded image: $REG/layers3:latest"
	run_pp_in second images -q
	assert_equal "${#lines[@]}" 2
}

@test "load of an archive made by skopeo" {
	local f=$TEST_DIR/sk.tar
	skopeo copy -q "oci:$TEST_IMAGES_DIR/layers3:latest" "docker-archive:$f:localhost/sk:1" >/dev/null ||
		fail "skopeo could not write the archive"
	run_pp load -i "$f"
	assert_success
	assert_output_contains "Loaded image: localhost/sk:1"
	local mnt
	mnt=$(pp image mount localhost/sk:1) || fail "mount failed"
	assert_same_tree "$mnt" "$(ref_rootfs layers3)"
	pp image unmount localhost/sk:1
}

@test "load of a garbage file fails with 125 and stores nothing" {
	head -c 10000 /dev/urandom >"$TEST_DIR/garbage.tar"
	run_pp load -i "$TEST_DIR/garbage.tar"
	assert_status 125
	[ -n "$stderr" ] || fail "no error message"
	assert_nothing_stored
	run_pp load -i "$TEST_DIR/does-not-exist.tar"
	assert_engine_error 'does-not-exist.tar'
}

@test "import a rootfs tarball with --change" {
	local d=$TEST_DIR/rootfs id
	mkdir -p "$d/bin" "$d/etc"
	cp /bin/busybox "$d/bin/"
	ln -s busybox "$d/bin/sh"
	echo imported >"$d/etc/marker"
	tar -C "$d" -cf "$TEST_DIR/rootfs.tar" .
	run_pp import --change 'CMD ["/bin/sh", "-c", "echo hi"]' --change 'ENV FOO=bar' \
		"$TEST_DIR/rootfs.tar" localhost/imported:v1
	assert_success
	id=$(last_line)
	id=${id#sha256:}
	assert_image_id "$id"
	run_pp image inspect localhost/imported:v1
	assert_success
	jq -e '.[0].Config.Cmd == ["/bin/sh", "-c", "echo hi"] and (.[0].Config.Env | index("FOO=bar")) != null
		and (.[0].RootFS.Layers | length) == 1' <<<"$output" >/dev/null || fail "bad config: $output"
	local mnt
	mnt=$(pp image mount localhost/imported:v1) || fail "mount failed"
	assert_equal "$(cat "$mnt/etc/marker")" imported
	pp image unmount localhost/imported:v1
}

@test "import from stdin without a name" {
	local d=$TEST_DIR/rootfs
	mkdir -p "$d/etc"
	echo x >"$d/etc/x"
	run --separate-stderr pp import - < <(tar -C "$d" -cf - .)
	assert_success
	assert_image_id "$(last_line | sed 's/^sha256://')"
	run_pp images -q
	assert_equal "${#lines[@]}" 1
}

@test "tag adds names; rmi untags, then deletes" {
	local id
	id=$(pull_plain "$REG/busybox")
	run_pp tag "$REG/busybox" localhost/mine:1 localhost/mine:2
	assert_success
	run_pp images --format '{{.Repository}}:{{.Tag}}'
	assert_output_contains "localhost/mine:1"
	assert_output_contains "localhost/mine:2"
	assert_equal "$(pp image inspect --format '{{.Id}}' localhost/mine:1)" "$(pp image inspect --format '{{.Id}}' "$REG/busybox")"
	run_pp rmi localhost/mine:1
	assert_success
	assert_output_contains "Untagged: localhost/mine:1"
	assert_output_not_contains "Deleted:"
	run_pp image exists localhost/mine:1
	assert_status 1
	run_pp image rm localhost/mine:2 "$REG/busybox"
	assert_success
	assert_output_contains "Untagged: $REG/busybox:latest"
	assert_output_contains "Deleted: "
	assert_output_contains "$id"
	run_pp images -q
	assert_output_empty
	local left
	left=$(find "$(root_of)" -type f -size +100k ! -name 'state.db*' 2>/dev/null)
	[ -z "$left" ] || fail "rmi left the layer behind: $left"
}

@test "rmi of a missing image fails with 125 and names it" {
	run_pp rmi localhost/nope
	assert_engine_error 'localhost/nope'
	pull_plain "$REG/busybox" >/dev/null
	run_pp rmi "$REG/busybox" localhost/nope
	assert_status 125
}

@test "rmi by id with several names needs -f" {
	local id
	id=$(pull_plain "$REG/busybox")
	pp tag "$REG/busybox" localhost/other
	run_pp rmi "${id:0:12}"
	assert_status 125
	run_pp rmi -f "${id:0:12}"
	assert_success
	run_pp images -q
	assert_output_empty
}

@test "removing one image keeps the layers another uses" {
	pull_plain "$REG/busybox" >/dev/null
	pull_plain "$REG/layers3" >/dev/null
	run_pp rmi "$REG/busybox"
	assert_success
	local mnt
	mnt=$(pp image mount "$REG/layers3") || fail "mount failed"
	assert_same_tree "$mnt" "$(ref_rootfs layers3)"
	pp image unmount "$REG/layers3"
}

@test "image prune removes dangling images; -a removes unused ones" {
	local d=$TEST_DIR/rootfs
	mkdir -p "$d/etc"
	echo x >"$d/etc/x"
	tar -C "$d" -cf "$TEST_DIR/r.tar" .
	pp import "$TEST_DIR/r.tar" >/dev/null || fail "import failed"
	pull_plain "$REG/busybox" >/dev/null
	run_pp image prune -f
	assert_success
	run_pp images -q
	assert_equal "${#lines[@]}" 1 "images left after prune"
	run_pp image exists "$REG/busybox"
	assert_success
	run_pp image prune -a -f
	assert_success
	run_pp images -q
	assert_output_empty
}
