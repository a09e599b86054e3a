#!/usr/bin/env bats
# The command line itself: help, version, unknown commands and flags,
# info, system df/reset on an empty root.

load helpers

# Every command the image milestone has; each must answer --help.
CMDS=(
	"pull" "push" "images" "image ls" "image list" "image inspect" "image mount"
	"image unmount" "image save" "image load" "image import" "image tag" "image rm"
	"image prune" "image exists" "image pull" "image push" "save" "load" "import"
	"tag" "rmi" "login" "logout" "system df" "system reset" "info" "version"
)

@test "version prints the version and exits 0" {
	run_pp version
	assert_success
	assert_output_matches '^Version: +[0-9]+\.[0-9]+\.[0-9]+'
	run --separate-stderr "$PEAPOD" --version
	assert_success
	[[ "$output" =~ [0-9]+\.[0-9]+\.[0-9]+ ]] || fail "no version in '$output'"
}

@test "--help lists the commands and exits 0" {
	run --separate-stderr "$PEAPOD" --help
	assert_success
	assert_output_contains "Usage: peapod"
	local c
	for c in pull push images image login logout system info version; do
		assert_output_matches "^  $c " || return 1
	done
}

@test "--help on every command prints its usage and exits 0" {
	local c
	for c in "${CMDS[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr "$PEAPOD" $c --help
		[ "$status" -eq 0 ] || fail "'peapod $c --help' exited $status: $stderr" || return 1
		[[ "$output" == *"Usage: peapod $c"* ]] ||
			[[ "$output" == *"Usage: peapod "* ]] ||
			fail "'peapod $c --help' has no usage line: $output" || return 1
	done
}

@test "an unknown command exits 125 with a message" {
	run_pp no-such-command
	assert_engine_error "unknown command 'no-such-command'"
	run_pp image no-such-command
	assert_engine_error "no-such-command"
}

@test "an unknown flag exits 125 with a message, for every command" {
	local c
	run_pp --no-such-flag version
	assert_status 125
	for c in "${CMDS[@]}"; do
		# shellcheck disable=SC2086
		run --separate-stderr pp $c --no-such-flag
		[ "$status" -eq 125 ] || fail "'peapod $c --no-such-flag' exited $status" || return 1
		grep -qiE 'no-such-flag|unrecognized|unknown' <<<"$stderr" ||
			fail "'peapod $c --no-such-flag': no message naming the flag: $stderr" || return 1
	done
}

@test "a missing argument exits 125 with a message" {
	local c
	for c in pull push "image inspect" "image mount" tag "image rm" "image exists" login logout; do
		# shellcheck disable=SC2086
		run --separate-stderr pp $c
		[ "$status" -eq 125 ] || fail "'peapod $c' without arguments exited $status" || return 1
		[ -n "$stderr" ] || fail "'peapod $c' without arguments printed no error" || return 1
	done
}

@test "info describes the host, as text and as json" {
	run_pp info
	assert_success
	[ -n "$output" ] || fail "info printed nothing"
	run_pp info --format json
	assert_success
	jq -e 'type == "object" and length > 0' <<<"$output" >/dev/null || fail "info --format json: not a JSON object"
	# The private root is what info reports.
	grep -qF "$(root_of)" <<<"$output" || fail "info does not mention the --root in use"
}

@test "an empty root lists no images, in every format" {
	run_pp images
	assert_success
	assert_output_matches '^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE'
	[ "${#lines[@]}" -eq 1 ] || fail "expected only the header, got: $output"
	run_pp images -q
	assert_success
	assert_output_empty
	run_pp images --format json
	assert_success
	assert_equal "$(jq -c . <<<"$output")" "[]"
}

@test "image exists: 1 for a missing image, no output" {
	run_pp image exists "$REG/busybox"
	assert_status 1
	assert_output_empty
	run_pp image inspect "$REG/busybox"
	assert_status 125
	assert_stderr_matches 'no such image|not known|not found'
}

@test "system df and system reset -f work on an empty root" {
	run_pp system df
	assert_success
	assert_output_matches '^TYPE'
	run_pp system reset -f
	assert_success
	run_pp images -q
	assert_success
	assert_output_empty
}

@test "system reset -f removes pulled images and their files" {
	pull_plain "$REG/busybox" >/dev/null
	run_pp images -q
	assert_success
	[ -n "$output" ] || fail "pull stored nothing"
	run_pp system reset -f
	assert_success
	run_pp images -q
	assert_output_empty
	local left
	left=$(find "$(root_of)" -type f -size +100k ! -name 'state.db*' 2>/dev/null)
	[ -z "$left" ] || fail "reset left files: $left"
}

@test "global --root and --runroot keep stores apart" {
	pull_plain "$REG/busybox" >/dev/null
	run_pp_in other images -q
	assert_success
	assert_output_empty
}
