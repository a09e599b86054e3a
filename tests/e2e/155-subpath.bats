#!/usr/bin/env bats
# subPath mounts (--mount ...,subpath=X / volume-subpath=X, what kube play's
# volumeMounts[].subPath become): resolved inside their volume, missing
# directories made there, symlinks out of the volume refused, and the
# private bind mount that carries them released when the container exits.
# Mount propagation options reach config.json with the root propagation
# they need.  Runtime: $PEAPOD_RUNTIME.

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	import_busybox
}

teardown() {
	ctr_teardown
}

BB=localhost/busybox

# subpath_mounts: how many subPath bind mounts of this test exist.
subpath_mounts() {
	grep -cF "$TEST_DIR/main/runroot/containers/" /proc/self/mountinfo || true
}

@test "subpath: a bind mount's missing subPath is made inside the source and used" {
	local src=$TEST_DIR/src
	mkdir -p "$src"
	chmod 0750 "$src"
	run_ctr run --name sp1 --network none \
		--mount "type=bind,src=$src,dst=/data,subpath=a/b" $BB \
		sh -c 'echo hi >/data/f && ls /data'
	assert_success
	assert_equal "$output" "f"
	assert_equal "$(cat "$src/a/b/f")" hi
	# made with the mode of the volume's root, as the kubelet makes it
	assert_equal "$(stat -c %a "$src/a")" 750
	assert_equal "$(stat -c %a "$src/a/b")" 750
	# the container exited: its subPath mount is gone, the record stays
	assert_equal "$(subpath_mounts)" 0
	assert_equal "$(ctr_state sp1)" exited
	# a restart makes it again and it still works
	run_ctr start -a sp1
	assert_success
	assert_equal "$output" "f"
	assert_equal "$(subpath_mounts)" 0
}

@test "subpath: a running container's subPath is a bind of the resolved directory" {
	local src=$TEST_DIR/src
	mkdir -p "$src/dir"
	echo inside >"$src/dir/file"
	run_ctr run -d --name sp2 --network none \
		--mount "type=bind,src=$src,dst=/data,subpath=dir" $BB sleep 300
	assert_success
	assert_equal "$(subpath_mounts)" 1
	run_ctr exec sp2 cat /data/file
	assert_success
	assert_equal "$output" inside
	# what the runtime was given is peapod's private mount, not a path
	# inside the volume that the container could swap
	local src_in_cfg
	src_in_cfg=$(jq -r '.mounts[] | select(.destination == "/data") | .source' \
		"$(root_of)/containers/$(ctr inspect --format '{{.Id}}' sp2)/userdata/config.json")
	[[ "$src_in_cfg" == "$TEST_DIR/main/runroot/containers/"*/subpaths/* ]] ||
		fail "runtime source is '$src_in_cfg'"
	run_ctr stop -t 0 sp2
	assert_success
	assert_equal "$(subpath_mounts)" 0
}

@test "subpath: a symlink out of the volume is refused and nothing is mounted" {
	local src=$TEST_DIR/src outside=$TEST_DIR/outside
	mkdir -p "$src/data" "$outside"
	ln -s "$outside" "$src/abs"
	ln -s ../.. "$src/data/up"
	run_ctr run --rm --network none \
		--mount "type=bind,src=$src,dst=/data,subpath=abs/new" $BB true
	assert_engine_error "subPath 'abs/new' of volume '$src' leaves the volume"
	[ ! -e "$outside/new" ] || fail "a directory was made outside the volume"
	run_ctr run --rm --network none \
		--mount "type=bind,src=$src,dst=/data,subpath=data/up" $BB true
	assert_engine_error "subPath 'data/up' of volume '$src' leaves the volume"
	run_ctr run --rm --network none \
		--mount "type=bind,src=$src,dst=/data,subpath=../x" $BB true
	assert_engine_error "leaves the volume"
	assert_equal "$(subpath_mounts)" 0
	# a symlink that stays inside is fine
	mkdir -p "$src/real"
	echo ok >"$src/real/f"
	ln -s real "$src/alias"
	run_ctr run --rm --network none \
		--mount "type=bind,src=$src,dst=/data,subpath=alias" $BB cat /data/f
	assert_success
	assert_equal "$output" ok
}

@test "subpath: a named volume's subPath" {
	pp volume create spvol >/dev/null
	run_ctr run --rm --network none \
		--mount "type=volume,src=spvol,dst=/d,volume-subpath=sub/dir" $BB \
		sh -c 'echo x >/d/y'
	assert_success
	assert_equal "$(cat "$(root_of)/volumes/spvol/_data/sub/dir/y")" x
	assert_equal "$(subpath_mounts)" 0
}

@test "subpath: mount propagation options set the root propagation" {
	local src=$TEST_DIR/src cfg
	mkdir -p "$src"
	run_ctr create --name prop1 --network none \
		--mount "type=bind,src=$src,dst=/data,bind-propagation=rslave" $BB true
	assert_success
	run_ctr start -a prop1
	assert_success
	cfg="$(root_of)/containers/$(ctr inspect --format '{{.Id}}' prop1)/userdata/config.json"
	assert_equal "$(jq -r '.linux.rootfsPropagation' "$cfg")" rslave
	assert_equal "$(jq -c '.mounts[] | select(.destination == "/data") | .options' "$cfg")" \
		'["rbind","rw","rslave"]'
	run_ctr run --rm --network none \
		--mount "type=bind,src=$src,dst=/data,bind-propagation=rshared" $BB true
	assert_success
}
