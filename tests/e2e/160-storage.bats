#!/usr/bin/env bats
# Storage drivers (rootful): the store records the driver it was made with
# and why (info's store.graphStatus); overlay, vfs and fuse-overlayfs all
# show an image's tree as the layers say: a file owned by uid 33, whiteouts
# and an opaque directory of an upper layer.  Runtime: $PEAPOD_RUNTIME.

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"

teardown() {
	ctr_teardown
}

# info_store KEY: store.KEY of `info --format json`, as jq prints it.
info_store() {
	pp "${@:2}" info --format json | jq -r ".store$1"
}

@test "storage: the store records the driver it was made with, and info says why" {
	local rec
	run_pp info --format json
	assert_success
	assert_equal "$(jq -r .store.graphDriverName <<<"$output")" overlay
	assert_equal "$(jq -r '.store.graphStatus["Driver Reason"]' <<<"$output")" \
		"overlay mounts under the graph root"
	assert_equal "$(jq -r '.store.graphStatus["Native Overlay Diff"]' <<<"$output")" true
	assert_equal "$(jq -r .host.security.rootless <<<"$output")" false
	rec=$(head -n 1 "$(root_of)/storage-driver")
	assert_equal "$rec" overlay
	# a flag on an existing store is for that command only
	assert_equal "$(info_store .graphDriverName --storage-driver vfs)" vfs
	assert_equal "$(info_store '.graphStatus["Driver Reason"]' --storage-driver vfs)" \
		"--storage-driver vfs (the store's driver is overlay)"
	assert_equal "$(head -n 1 "$(root_of)/storage-driver")" overlay
	# a new store made with a flag keeps it
	pp_in second --storage-driver vfs info >/dev/null || fail "info on a new store failed"
	run_pp_in second info --format json
	assert_success
	assert_equal "$(jq -r .store.graphDriverName <<<"$output")" vfs
	ls "$(root_of)" | grep -q probe && fail "the driver probe left files in the graph root"
	true
}

# layers3: busybox with /var/www owned by 33:33, then /etc/motd and
# /srv/keep/a.txt whited out and /opt/app made opaque holding only z.
check_layers3() {
	local drv=$1
	pull_plain "$REG/layers3" >/dev/null
	run_ctr --storage-driver "$drv" run --rm --user 0 "$REG/layers3" sh -c \
		'ls /etc/motd /srv/keep/a.txt 2>&1; ls /opt/app; stat -c %u:%g /var/www/index.html;
		 echo w >/srv/w && cat /srv/w'
	assert_success
	assert_output_contains "/etc/motd: No such file or directory"
	assert_output_contains "/srv/keep/a.txt: No such file or directory"
	assert_equal "${lines[2]}" z
	assert_equal "${lines[3]}" 33:33
	assert_equal "${lines[4]}" w
}

@test "storage: overlay shows the layers' owners, whiteouts and opaque dirs" {
	check_layers3 overlay
}

@test "storage: vfs shows the layers' owners, whiteouts and opaque dirs" {
	check_layers3 vfs
}

@test "storage: fuse-overlayfs shows the layers, and its daemon goes with the mount" {
	command -v fuse-overlayfs >/dev/null && [ -e /dev/fuse ] ||
		skip "needs the fuse-overlayfs program and /dev/fuse"
	check_layers3 fuse-overlayfs
	run_ctr --storage-driver fuse-overlayfs run -d --name f "$REG/layers3" "${LONG[@]}"
	assert_success
	grep -F "$TEST_DIR/" /proc/self/mountinfo | grep -q ' fuse.fuse-overlayfs ' ||
		fail "no fuse-overlayfs mount for the container"
	assert_equal "$(cat "$(root_of)/containers/$output/driver")" fuse-overlayfs
	run_ctr rm -f f
	assert_success
	local i
	for i in $(seq 1 50); do
		pgrep -f "fuse-overlayfs .*$TEST_DIR/" >/dev/null || break
		sleep 0.1
	done
	pgrep -af "fuse-overlayfs .*$TEST_DIR/" && fail "fuse-overlayfs outlived its mount"
	true
}
