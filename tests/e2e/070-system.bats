#!/usr/bin/env bats
# Engine-wide behaviour with images: concurrency, interrupted pulls,
# disk usage, reset.

load helpers

@test "two pulls of the same image into one root at once both succeed" {
	local a b
	pp pull -q --tls-verify=false "$REG/layers3" >"$TEST_DIR/a" 2>"$TEST_DIR/a.err" &
	a=$!
	pp pull -q --tls-verify=false "$REG/layers3" >"$TEST_DIR/b" 2>"$TEST_DIR/b.err" &
	b=$!
	wait $a || fail "first pull failed: $(cat "$TEST_DIR/a.err")"
	wait $b || fail "second pull failed: $(cat "$TEST_DIR/b.err")"
	assert_equal "$(tail -n1 "$TEST_DIR/a")" "$(tail -n1 "$TEST_DIR/b")"
	run_pp images -q
	assert_equal "${#lines[@]}" 1
	local mnt
	mnt=$(pp image mount "$REG/layers3") || fail "mount failed"
	assert_same_tree "$mnt" "$(ref_rootfs layers3)"
	pp image unmount "$REG/layers3"
}

@test "different images pulled in parallel into one root" {
	local p=() n i=0
	for n in busybox layers3 zstd multi; do
		pp pull -q --tls-verify=false "$REG/$n" >"$TEST_DIR/$n" 2>"$TEST_DIR/$n.err" &
		p+=($!)
	done
	for n in busybox layers3 zstd multi; do
		wait "${p[$i]}" || fail "pull $n failed: $(cat "$TEST_DIR/$n.err")"
		i=$((i + 1))
	done
	run_pp images -q
	# layers3 and zstd have the same config, hence the same id.
	[ "${#lines[@]}" -ge 3 ] || fail "expected at least 3 images: $output"
}

@test "a pull killed halfway leaves a store that works" {
	pp pull --tls-verify=false "$REG/layers3" >/dev/null 2>&1 &
	local pid=$!
	sleep 0.05
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	local id
	id=$(pull_plain "$REG/layers3")
	local mnt
	mnt=$(pp image mount "$id") || fail "mount failed"
	assert_same_tree "$mnt" "$(ref_rootfs layers3)"
	pp image unmount "$id"
}

@test "system df reports images and their size" {
	pull_plain "$REG/busybox" >/dev/null
	pull_plain "$REG/layers3" >/dev/null
	run_pp system df
	assert_success
	assert_output_matches '^TYPE +TOTAL +ACTIVE +SIZE +RECLAIMABLE'
	assert_output_matches '^Images +2 +0 '
}

@test "system reset -f unmounts mounted images and empties the root" {
	pull_plain "$REG/layers3" >/dev/null
	pp image mount "$REG/layers3" >/dev/null || fail "mount failed"
	run_pp system reset -f
	assert_success
	! grep -qF " $(root_of)/" /proc/self/mountinfo || fail "mounts left after reset"
	local left
	left=$(find "$(root_of)" -mindepth 1 -type f 2>/dev/null | grep -v -E '\.(db|lock)$|/storage\.lock$' || true)
	[ -z "$left" ] || fail "files left after reset: $left"
}

@test "info --format json reports the store and the registries config" {
	pull_plain "$REG/busybox" >/dev/null
	run_pp info --format json
	assert_success
	jq -e . <<<"$output" >/dev/null || fail "not JSON"
	grep -qF "$(root_of)" <<<"$output" || fail "info does not show --root"
}

@test "the leak checker sees a leaked mount" {
	# Self-test of the helper every test relies on.
	mkdir -p "$TEST_DIR/main/root/leak"
	mount -t tmpfs peapod-leak-test "$TEST_DIR/main/root/leak"
	run check_leaks
	[ "$status" -eq 1 ] || fail "check_leaks missed a mount"
	! grep -qF " $TEST_DIR/main/root/leak " /proc/self/mountinfo || fail "check_leaks did not clean up"
	run check_leaks
	[ "$status" -eq 0 ] || fail "check_leaks still sees a leak after cleaning up"
}

@test "the leak checker sees a leaked monitor process of this test only" {
	cp /bin/sleep "$TEST_DIR/peapod-conmon"
	"$TEST_DIR/peapod-conmon" 300 </dev/null >/dev/null 2>&1 3>&- &
	local pid=$!
	run check_leaks
	[ "$status" -eq 1 ] || { kill -9 "$pid"; fail "check_leaks missed a process"; }
	[[ "$output" == *"leaked process: $pid"* ]] || fail "check_leaks did not name pid $pid: $output"
	wait "$pid" 2>/dev/null || true
	! kill -0 "$pid" 2>/dev/null || fail "check_leaks did not kill it"
}
