#!/usr/bin/env bats
# Pushing back to the registries and pulling again into a fresh root.

load helpers

@test "push to a new name and pull into a fresh root: same id and tree" {
	local id name
	id=$(pull_plain "$REG/layers3")
	name=$(unique_name pushed)
	run_pp push --tls-verify=false "$REG/layers3" "$REG/$name:v1"
	assert_success
	skopeo inspect --tls-verify=false "docker://$REG/$name:v1" >/dev/null ||
		fail "skopeo cannot read the pushed image"
	run_pp_in fresh pull -q --tls-verify=false "$REG/$name:v1"
	assert_success
	assert_equal "$(last_line)" "$id"
	local mnt
	mnt=$(pp_in fresh image mount "$REG/$name:v1") || fail "mount failed"
	assert_same_tree "$mnt" "$(ref_rootfs layers3)"
	pp_in fresh image unmount "$REG/$name:v1"
}

@test "push of a tagged image to its own name" {
	local id name
	id=$(pull_plain "$REG/busybox")
	name=$(unique_name own)
	pp tag "$REG/busybox" "$REG/$name" || fail "tag failed"
	run_pp push --tls-verify=false "$REG/$name"
	assert_success
	run_pp_in fresh pull -q --tls-verify=false "$REG/$name"
	assert_success
	assert_equal "$(last_line)" "$id"
}

@test "push of zstd layers keeps them valid" {
	local id name m
	id=$(pull_plain "$REG/zstd")
	name=$(unique_name zstd)
	run_pp push --tls-verify=false "$REG/zstd" "$REG/$name"
	assert_success
	m=$(registry_manifest "$REG" "$name") || fail "no manifest for the pushed image"
	# Whatever compression was chosen, the digests must verify: pull it.
	run_pp_in fresh pull -q --tls-verify=false "$REG/$name"
	assert_success
	assert_equal "$(last_line)" "$id"
}

@test "push of an imported image, then skopeo copies it" {
	local d=$TEST_DIR/rootfs name
	mkdir -p "$d/etc"
	echo pushed >"$d/etc/marker"
	tar -C "$d" -cf "$TEST_DIR/r.tar" .
	pp import --change 'CMD ["/bin/sh"]' "$TEST_DIR/r.tar" localhost/mine >/dev/null || fail "import failed"
	name=$(unique_name imported)
	run_pp push --tls-verify=false localhost/mine "$REG/$name"
	assert_success
	skopeo copy -q --src-tls-verify=false "docker://$REG/$name" "oci:$TEST_DIR/copy:latest" >/dev/null ||
		fail "skopeo could not copy the pushed image"
	umoci unpack --image "$TEST_DIR/copy:latest" "$TEST_DIR/unp" >/dev/null || fail "umoci could not unpack it"
	assert_equal "$(cat "$TEST_DIR/unp/rootfs/etc/marker")" pushed
}

@test "https: push with --creds, refused without" {
	local name
	pull_plain "$REG/busybox" >/dev/null
	name=$(unique_name tlspush)
	run_pp push --cert-dir "$REG_CA_DIR" "$REG/busybox" "$REG_TLS/$name"
	assert_engine_error 'unauthori[sz]ed|authentication|401|credentials|invalid username or password'
	run_pp push --cert-dir "$REG_CA_DIR" --creds "$REG_USER:$REG_PASS" "$REG/busybox" "$REG_TLS/$name"
	assert_success
	run_pp_in fresh pull -q --cert-dir "$REG_CA_DIR" --creds "$REG_USER:$REG_PASS" "$REG_TLS/$name"
	assert_success
}

@test "push of a missing image fails with 125" {
	run_pp push --tls-verify=false localhost/nope "$REG/nope"
	assert_engine_error 'nope'
}
