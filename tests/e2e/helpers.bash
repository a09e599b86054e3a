#!/bin/bash
# Shared helpers for the e2e tests: `load helpers` from every .bats file.
#
# Each test gets private storage: `pp ARGS` runs $PEAPOD on the test's own
# --root/--runroot; `pp_in NAME ARGS` on a second (third, ...) pair of
# roots called NAME.  teardown() resets every root the test used, then
# checks that nothing leaked (mounts, conmon/pause processes, netns, veth
# interfaces, nftables tables) and fails the test if something did.
# Mounts and processes count when they name the test's dir; netns, veth
# and nftables tables are host-wide (see PEAPOD_E2E_SHARED_HOST below).

bats_require_minimum_version 1.5.0

: "${PEAPOD:?run the e2e tests through tests/run-e2e.sh}"
: "${E2E_DIR:?setup_suite did not run}"

# --- private roots --------------------------------------------------------

# _root_dir NAME: the dir holding root/ and runroot/ of the root pair NAME.
_root_dir() {
	echo "$TEST_DIR/$1"
}

pp_in() {
	local name=$1 d
	shift
	d=$(_root_dir "$name")
	if [ ! -d "$d" ]; then
		mkdir -p "$d/root" "$d/runroot"
		echo "$name" >>"$TEST_DIR/.roots"
	fi
	"$PEAPOD" --root "$d/root" --runroot "$d/runroot" "$@"
}

# pp ARGS: peapod on the test's main private root.
pp() {
	pp_in main "$@"
}

# root_of [NAME]: path of the --root of NAME (default main).
root_of() {
	echo "$(_root_dir "${1:-main}")/root"
}

# run_pp ARGS: bats `run` with stdout in $output/$lines and stderr in
# $stderr/$stderr_lines.  Always prints both (shown when a test fails).
run_pp() {
	run --separate-stderr pp "$@"
	_show_run "$@"
}

run_pp_in() {
	run --separate-stderr pp_in "$@"
	_show_run "$@"
}

# Shown by bats when the test fails.
_show_run() {
	printf '# $ peapod %s -> exit %s\n' "$*" "$status"
	[ -z "$output" ] || printf '%s\n' "$output" | head -40 | sed 's/^/# stdout: /'
	[ -z "${stderr:-}" ] || printf '%s\n' "$stderr" | head -40 | sed 's/^/# stderr: /'
	return 0
}

# --- assertions (bats-assert is not installed) -----------------------------

fail() {
	printf '%s\n' "$*" >&2
	return 1
}

assert_success() {
	[ "$status" -eq 0 ] || fail "expected success, got exit $status"
}

# assert_failure [CODE]
assert_failure() {
	if [ $# -gt 0 ]; then
		[ "$status" -eq "$1" ] || fail "expected exit $1, got exit $status"
	else
		[ "$status" -ne 0 ] || fail "expected failure, got exit 0"
	fi
}

assert_status() {
	[ "$status" -eq "$1" ] || fail "expected exit $1, got exit $status"
}

assert_equal() {
	[ "$1" = "$2" ] || fail "expected '$2', got '$1'${3:+ ($3)}"
}

assert_output_contains() {
	[[ "$output" == *"$1"* ]] || fail "stdout does not contain '$1': '$output'"
}

assert_output_not_contains() {
	[[ "$output" != *"$1"* ]] || fail "stdout contains '$1': '$output'"
}

assert_stderr_contains() {
	[[ "${stderr:-}" == *"$1"* ]] || fail "stderr does not contain '$1': '${stderr:-}'"
}

# assert_stderr_matches ERE: case-insensitive extended regexp on stderr.
assert_stderr_matches() {
	grep -qiE -- "$1" <<<"${stderr:-}" || fail "stderr does not match /$1/: '${stderr:-}'"
}

assert_output_matches() {
	grep -qE -- "$1" <<<"$output" || fail "stdout does not match /$1/: '$output'"
}

assert_output_empty() {
	[ -z "$output" ] || fail "expected empty stdout, got '$output'"
}

assert_stderr_empty() {
	[ -z "${stderr:-}" ] || fail "expected empty stderr, got '${stderr:-}'"
}

# assert_engine_error REGEX: exit 125 and a message matching REGEX on stderr.
assert_engine_error() {
	assert_status 125 && assert_stderr_matches "$1"
}

# last_line: the last line of $output.
last_line() {
	printf '%s\n' "$output" | tail -n 1
}

is_image_id() {
	[[ "$1" =~ ^[0-9a-f]{64}$ ]]
}

assert_image_id() {
	is_image_id "$1" || fail "not a full image id: '$1'"
}

# --- images ----------------------------------------------------------------

# pull_plain REF [FLAGS]: pull REF from the plain registry into the main
# root; fail if that fails; print the image id.
pull_plain() {
	local id
	id=$(pp pull -q --tls-verify=false "$@" | tail -n 1) || fail "pull $* failed" || return 1
	is_image_id "$id" || fail "pull $* printed '$id', not an image id" || return 1
	echo "$id"
}

# ref_rootfs IMAGE: unpack test image IMAGE with umoci (the reference
# implementation) and print its rootfs dir.
ref_rootfs() {
	local d=$TEST_DIR/ref-$1
	if [ ! -d "$d/rootfs" ]; then
		umoci unpack --image "$TEST_IMAGES_DIR/$1:latest" "$d" >/dev/null 2>&1 ||
			fail "umoci unpack $1 failed" || return 1
	fi
	echo "$d/rootfs"
}

# tree_listing DIR: one line per entry below DIR: path, type, mode, uid, gid,
# symlink target, sha256 of regular files.  Sorted; comparable across trees.
tree_listing() {
	(
		cd "$1" || exit 1
		find . -mindepth 1 -printf '%P\t%y\t%m\t%U\t%G\t%l\n' | LC_ALL=C sort |
			while IFS=$'\t' read -r p y m u g l; do
				s=-
				[ "$y" != f ] || s=$(sha256sum <"$p" | cut -c1-64)
				printf '%s %s %s %s %s %s %s\n' "$p" "$y" "$m" "$u" "$g" "${l:--}" "$s"
			done
	)
}

# assert_same_tree GOT WANT: the two trees list the same.
assert_same_tree() {
	local a b
	a=$(tree_listing "$1") || return 1
	b=$(tree_listing "$2") || return 1
	[ -n "$b" ] || fail "reference tree $2 is empty" || return 1
	if [ "$a" != "$b" ]; then
		diff <(echo "$b") <(echo "$a") | head -40 >&2
		fail "tree $1 differs from $2 (- want, + got)"
		return 1
	fi
}

# registry_manifest REG REPO[:TAG]: the manifest as the registry serves it.
registry_manifest() {
	local reg=$1 ref=$2 repo tag
	repo=${ref%%:*}
	tag=latest
	[[ "$ref" != *:* ]] || tag=${ref##*:}
	curl -sf --noproxy '*' \
		-H 'Accept: application/vnd.oci.image.index.v1+json' \
		-H 'Accept: application/vnd.oci.image.manifest.v1+json' \
		-H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
		-H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
		"http://$reg/v2/$repo/manifests/$tag"
}

# unique_name PREFIX: a repository name no other test uses.
unique_name() {
	echo "$1-$(basename "$TEST_DIR" | tr '[:upper:]' '[:lower:]' | tr -cd 'a-z0-9')"
}

# assert_no_images [NAME]: the root NAME lists no image.
assert_no_images() {
	run_pp_in "${1:-main}" images -q
	assert_success || return 1
	assert_output_empty
}

# assert_no_file_named NAME...: no file of these names anywhere below the
# test's dir (what a hostile layer tried to write).
assert_no_file_named() {
	local n f
	for n in "$@"; do
		f=$(find "$TEST_DIR" -name "$n" 2>/dev/null)
		[ -z "$f" ] || fail "found $f" || return 1
	done
}

# assert_nothing_stored [NAME]: no image listed, and no file below the top
# level of the root NAME (no blob, no layer, no temporary download).
assert_nothing_stored() {
	local name=${1:-main} r left
	run_pp_in "$name" images -q
	assert_success || return 1
	assert_output_empty || return 1
	r=$(root_of "$name")
	[ -d "$r" ] || return 0
	# Files at the top (the state database, lock files) are the root's own;
	# anything deeper (blobs, layers, temporary downloads) is stored content.
	left=$(cd "$r" && find . -mindepth 2 ! -type d 2>/dev/null)
	[ -z "$left" ] || fail "files left in the root: $left"
}

# --- setup / teardown and the leak checker ---------------------------------

# Mounts of this test: the mount point, the source or an option (overlay's
# lowerdir=...) names the test's dir.
_snap_mounts() {
	grep -F "$TEST_DIR/" /proc/self/mountinfo | awk '{print $5}' | LC_ALL=C sort -u
}

_snap_procs() {
	ps -e -o pid=,comm= | awk '$2 ~ /^peapod-(conmon|pause)/ {print $1, $2}' | LC_ALL=C sort
}

# _proc_is_ours PID: the process belongs to this test: its command line,
# root, working directory or environment names the test's dir.  (Other
# peapod processes on the machine are not this test's to judge or kill.)
_proc_is_ours() {
	local p=/proc/$1
	{ tr '\0' '\n' <"$p/cmdline"; } 2>/dev/null | grep -qF "$TEST_DIR" && return 0
	case "$(readlink "$p/root" 2>/dev/null)" in "$TEST_DIR"/*) return 0 ;; esac
	case "$(readlink "$p/cwd" 2>/dev/null)" in "$TEST_DIR"/*) return 0 ;; esac
	{ tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -qF "$TEST_DIR" && return 0
	return 1
}

_snap_netns() {
	ls -1 /run/netns 2>/dev/null | LC_ALL=C sort
}

_snap_veth() {
	ip -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | LC_ALL=C sort
}

_snap_nft() {
	command -v nft >/dev/null || return 0
	nft list tables 2>/dev/null | awk '$3 ~ /peapod/ {print $2, $3}' | LC_ALL=C sort
}

_snapshot() {
	local d=$1
	mkdir -p "$d"
	_snap_mounts >"$d/mounts"
	_snap_procs >"$d/procs"
	_snap_netns >"$d/netns"
	_snap_veth >"$d/veth"
	_snap_nft >"$d/nft"
}

# _new_since FILE: lines of stdin not in FILE.
_new_since() {
	LC_ALL=C comm -13 "$1" -
}

# check_leaks: compare with the snapshot of setup(); print and clean up
# what is new; return 1 if anything was.
check_leaks() {
	local s=$TEST_DIR/.snap leaked=0 x pid
	x=$(_snap_mounts | _new_since "$s/mounts")
	if [ -n "$x" ]; then
		leaked=1
		echo "leaked mounts:" "$x" >&2
		sort -r <<<"$x" | while read -r m; do umount -l "$m" 2>/dev/null; done
	fi
	x=$(_snap_procs | _new_since "$s/procs")
	while read -r pid comm; do
		[ -n "$pid" ] || continue
		if _proc_is_ours "$pid"; then
			leaked=1
			echo "leaked process: $pid $comm ($(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null))" >&2
			kill -9 "$pid" 2>/dev/null
		fi
	done <<<"$x"
	# Host-wide resources cannot be told apart by owner: on a machine where
	# other peapod tests run at the same time, PEAPOD_E2E_SHARED_HOST=1
	# skips these checks (CI runs alone and checks them).
	[ "${PEAPOD_E2E_SHARED_HOST:-0}" = 1 ] && return $leaked
	x=$(_snap_netns | _new_since "$s/netns")
	if [ -n "$x" ]; then
		leaked=1
		echo "leaked netns:" "$x" >&2
		while read -r n; do ip netns delete "$n" 2>/dev/null; done <<<"$x"
	fi
	x=$(_snap_veth | _new_since "$s/veth")
	if [ -n "$x" ]; then
		leaked=1
		echo "leaked veth interfaces:" "$x" >&2
		while read -r n; do ip link delete "$n" 2>/dev/null; done <<<"$x"
	fi
	x=$(_snap_nft | _new_since "$s/nft")
	if [ -n "$x" ]; then
		leaked=1
		echo "leaked nftables tables:" "$x" >&2
		while read -r fam name; do nft delete table "$fam" "$name" 2>/dev/null; done <<<"$x"
	fi
	return $leaked
}

setup() {
	TEST_DIR=$(mktemp -d "$E2E_DIR/t.XXXXXX")
	export TEST_DIR
	_snapshot "$TEST_DIR/.snap"
}

# teardown: files that define their own teardown() call e2e_teardown.
e2e_teardown() {
	local name rc=0
	[ -n "${TEST_DIR:-}" ] && [ -d "$TEST_DIR" ] || return 0
	if [ -f "$TEST_DIR/.roots" ]; then
		while read -r name; do
			pp_in "$name" system reset -f >/dev/null 2>&1 || true
		done <"$TEST_DIR/.roots"
	fi
	check_leaks || rc=1
	# Whatever reset did not remove (including a whole root when reset is
	# not implemented); never across a mount.
	grep -F " $TEST_DIR/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	rm -rf --one-file-system "$TEST_DIR"
	return $rc
}

teardown() {
	e2e_teardown
}
