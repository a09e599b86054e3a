#!/usr/bin/env bats
# Pulling from a registry on 127.0.0.1: layer formats, whiteouts, indexes,
# the merged tree compared with umoci's, listing and inspecting.

load helpers

# mount_of REF: `image mount` REF, print the directory.
mount_of() {
	local d
	d=$(pp image mount "$1" | tail -n 1) || fail "image mount $1 failed" || return 1
	[ -d "$d" ] || fail "image mount $1 printed '$d', not a directory" || return 1
	echo "$d"
}

@test "pull: progress on stderr, the full image id on stdout" {
	run_pp pull --tls-verify=false "$REG/busybox"
	assert_success
	assert_image_id "$(last_line)"
	[ -n "$stderr" ] || fail "no progress on stderr"
	# -q: only the id.
	run_pp pull -q --tls-verify=false "$REG/busybox"
	assert_success
	assert_stderr_empty
	assert_equal "${#lines[@]}" 1 "lines of output"
	assert_image_id "$output"
}

@test "pull: the image id is the config digest" {
	local id m cfg
	id=$(pull_plain "$REG/busybox")
	m=$(registry_manifest "$REG" busybox) || fail "no manifest from the registry"
	cfg=$(jq -r .config.digest <<<"$m")
	assert_equal "sha256:$id" "$cfg"
}

@test "pull: the busybox image's tree is the one umoci unpacks" {
	local mnt ref
	pull_plain "$REG/busybox" >/dev/null
	mnt=$(mount_of "$REG/busybox")
	ref=$(ref_rootfs busybox)
	assert_same_tree "$mnt" "$ref"
	# Spot checks the listing covers, said out loud.
	[ "$(stat -c '%u %g' "$mnt/var/www/index.html")" = "33 33" ] || fail "owner of uid 33's file lost"
	[ "$(stat -c %a "$mnt/bin/suid-script")" = 4755 ] || fail "setuid bit lost"
	[ "$(stat -c %a "$mnt/tmp")" = 1777 ] || fail "sticky bit lost"
	[ "$(readlink "$mnt/bin/sh")" = busybox ] || fail "symlink target lost"
	cmp -s "$mnt/bin/busybox" /bin/busybox || fail "busybox differs"
	run_pp image unmount "$REG/busybox"
	assert_success
}

@test "pull: the mounted image is read-only" {
	local mnt
	pull_plain "$REG/busybox" >/dev/null
	mnt=$(mount_of "$REG/busybox")
	if touch "$mnt/new-file" 2>/dev/null; then
		rm -f "$mnt/new-file"
		fail "could write into the mounted image"
	fi
	run_pp image unmount "$REG/busybox"
	assert_success
}

@test "pull: a 3-layer image with whiteouts and an opaque dir merges as umoci does" {
	local mnt
	pull_plain "$REG/layers3" >/dev/null
	mnt=$(mount_of "$REG/layers3")
	assert_same_tree "$mnt" "$(ref_rootfs layers3)"
	# The whiteouts hide files of layer 1.
	[ ! -e "$mnt/etc/motd" ] || fail "/etc/motd survived its whiteout"
	[ ! -e "$mnt/srv/keep/a.txt" ] || fail "/srv/keep/a.txt survived its whiteout"
	[ "$(cat "$mnt/srv/keep/b.txt")" = b ] || fail "layer 2's file missing"
	[ -e "$mnt/etc/motd.hardlink" ] || fail "the hard link to a whited-out file went too"
	# The opaque dir shows only the new content.
	assert_equal "$(ls -A "$mnt/opt/app" | tr '\n' ' ')" "z "
	# No whiteout marker is visible.
	[ -z "$(find "$mnt" -name '.wh.*')" ] || fail "whiteout files visible: $(find "$mnt" -name '.wh.*')"
	run_pp image unmount "$REG/layers3"
	assert_success
}

@test "pull: zstd-compressed layers" {
	local m mnt
	m=$(registry_manifest "$REG" zstd)
	jq -e '[.layers[].mediaType] | all(endswith("+zstd"))' <<<"$m" >/dev/null ||
		fail "the registry's zstd image has no zstd layers: $m"
	pull_plain "$REG/zstd" >/dev/null
	mnt=$(mount_of "$REG/zstd")
	assert_same_tree "$mnt" "$(ref_rootfs layers3)"
	run_pp image unmount "$REG/zstd"
	assert_success
}

@test "pull: an index picks the host platform by default" {
	local id mnt want
	id=$(pull_plain "$REG/multi")
	mnt=$(mount_of "$REG/multi")
	assert_equal "$(cat "$mnt/etc/platform")" amd64
	assert_same_tree "$mnt" "$(ref_rootfs multi-amd64)"
	run_pp image inspect --format '{{.Architecture}}' "$REG/multi"
	assert_success
	assert_equal "$output" amd64
	want=$(jq -r '.manifests[0].digest' "$TEST_IMAGES_DIR/multi-amd64/index.json")
	want=$(jq -r .config.digest "$TEST_IMAGES_DIR/multi-amd64/blobs/sha256/${want#sha256:}")
	assert_equal "sha256:$id" "$want"
	run_pp image unmount "$REG/multi"
}

@test "pull --platform linux/arm64 picks the arm64 manifest" {
	local mnt
	pull_plain --platform linux/arm64 "$REG/multi" >/dev/null
	run_pp image inspect "$REG/multi"
	assert_success
	assert_equal "$(jq -r '.[0].Architecture' <<<"$output")" arm64
	assert_equal "$(jq -r '.[0].Os' <<<"$output")" linux
	mnt=$(mount_of "$REG/multi")
	assert_equal "$(cat "$mnt/etc/platform")" arm64
	assert_same_tree "$mnt" "$(ref_rootfs multi-arm64)"
	run_pp image unmount "$REG/multi"
}

@test "pull --platform for a platform the index lacks fails clearly" {
	run_pp pull --tls-verify=false --platform linux/s390x "$REG/multi"
	assert_engine_error 's390x'
	assert_nothing_stored
}

@test "pull of a missing repository or tag fails with 125 and stores nothing" {
	run_pp pull --tls-verify=false "$REG/no-such-repo"
	assert_engine_error 'not found|unknown|does not exist|no such'
	run_pp pull --tls-verify=false "$REG/busybox:no-such-tag"
	assert_engine_error 'no-such-tag|not found|unknown'
	assert_nothing_stored
}

@test "pull by digest" {
	local dg id
	dg=$(curl -sfI --noproxy '*' -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
		"http://$REG/v2/busybox/manifests/latest" | tr -d '\r' |
		sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
	[ -n "$dg" ] || fail "registry gave no digest"
	id=$(pull_plain "$REG/busybox@$dg")
	run_pp image inspect "$id"
	assert_success
	jq -e --arg d "$dg" '.[0].RepoDigests | any(endswith($d))' <<<"$output" >/dev/null ||
		fail "RepoDigests lacks $dg"
}

@test "pulling twice and layer sharing: one copy of the shared layer" {
	local id1 id2
	id1=$(pull_plain "$REG/busybox")
	id2=$(pull_plain "$REG/busybox")
	assert_equal "$id1" "$id2"
	pull_plain "$REG/layers3" >/dev/null
	run_pp images -q
	assert_equal "${#lines[@]}" 2 "number of images"
	# busybox's layer is stored once though both images use it.
	local n
	n=$(find "$(root_of)" -type f -name busybox -path '*bin/busybox' | wc -l)
	[ "$n" -le 1 ] || fail "the busybox layer is unpacked $n times"
}

@test "images: table, -q, --no-trunc, json and a Go template" {
	local id
	id=$(pull_plain "$REG/busybox")
	run_pp images
	assert_success
	assert_output_matches '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE'
	assert_output_matches "^$REG/busybox +latest +${id:0:12} "
	run_pp images -q
	assert_success
	assert_equal "$output" "${id:0:12}"
	run_pp images -q --no-trunc
	assert_success
	[[ "$output" == "$id" || "$output" == "sha256:$id" ]] || fail "--no-trunc: '$output'"
	run_pp images --format json
	assert_success
	jq -e --arg id "$id" --arg n "$REG/busybox:latest" '
		length == 1 and (.[0].Id == $id or .[0].Id == "sha256:" + $id)
		and (.[0].Names | index($n)) != null and (.[0].RepoTags | index($n)) != null
		and (.[0].Digest | startswith("sha256:")) and .[0].Size > 1000000
		and (.[0].Created != null)' <<<"$output" >/dev/null || fail "bad json: $output"
	run_pp images --format '{{.Repository}}:{{.Tag}}'
	assert_success
	assert_equal "$output" "$REG/busybox:latest"
	run_pp image ls -q
	assert_success
	assert_equal "$output" "${id:0:12}"
}

@test "image inspect: the config of the image" {
	local id
	id=$(pull_plain "$REG/layers3")
	run_pp image inspect "$REG/layers3"
	assert_success
	jq -e --arg id "$id" --arg n "$REG/layers3:latest" '
		type == "array" and length == 1 and .[0] as $i |
		($i.Id == $id or $i.Id == "sha256:" + $id) and ($i.Digest | startswith("sha256:"))
		and ($i.RepoTags | index($n)) != null and ($i.RepoDigests | length) >= 1
		and $i.Config.Cmd == ["/bin/ls"] and ($i.Config.Env | index("PEAPOD_TEST=1")) != null
		and $i.Config.WorkingDir == "/srv" and $i.Config.User == "33"
		and $i.Config.Labels["org.peapod.test"] == "yes"
		and $i.Architecture == "amd64" and $i.Os == "linux" and $i.Size > 1000000
		and $i.RootFS.Type == "layers" and ($i.RootFS.Layers | length) == 3
		and ($i.Created | type) == "string"' <<<"$output" >/dev/null ||
		fail "unexpected inspect output: $output"
	# The diff ids are the config's.
	local m c want
	m=$(jq -r '.manifests[0].digest' "$TEST_IMAGES_DIR/layers3/index.json")
	c=$(jq -r .config.digest "$TEST_IMAGES_DIR/layers3/blobs/sha256/${m#sha256:}")
	want=$(jq -c .rootfs.diff_ids "$TEST_IMAGES_DIR/layers3/blobs/sha256/${c#sha256:}")
	assert_equal "$(jq -c '.[0].RootFS.Layers' <<<"$output")" "$want"
	run_pp image inspect --format '{{.Id}}' "$REG/layers3"
	assert_success
	[[ "$output" == "$id" || "$output" == "sha256:$id" ]] || fail "--format {{.Id}}: '$output'"
	# By short id too.
	run_pp image inspect --format '{{.Id}}' "${id:0:12}"
	assert_success
}

@test "image exists: 0 for a pulled image, by name and by id" {
	local id
	id=$(pull_plain "$REG/busybox")
	run_pp image exists "$REG/busybox"
	assert_success
	run_pp image exists "$id"
	assert_success
	run_pp image exists "$REG/busybox:other"
	assert_status 1
}

@test "system df counts a pulled image" {
	pull_plain "$REG/busybox" >/dev/null
	run_pp system df
	assert_success
	assert_output_matches '^Images +1 '
}
