#!/usr/bin/env bats
# The same smoke test (run --rm echo; run -d, stop, rm) with each OCI
# runtime: runc and crun (skipped, naming the host feature it lacks, when
# `peapod info` says it does not work here: Debian's crun 1.8.1 refuses
# hybrid cgroup v1/v2 hosts), by name and by path; the default runtime is
# the working one.

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

# runtime_works NAME: "true"/"false" from peapod info.
runtime_works() {
	pp info --format '{{range .runtimes}}{{.name}}={{.works}} {{end}}' |
		tr ' ' '\n' | sed -n "s/^$1=//p"
}

# skip_unless_works NAME: skip with the runtime's own reason.
skip_unless_works() {
	local works info version reason
	command -v "$1" >/dev/null || skip "$1 is not installed"
	works=$(runtime_works "$1")
	[ "$works" = false ] || return 0
	info=$(pp info --format json)
	version=$(jq -r --arg n "$1" '.runtimes[] | select(.name == $n) | .version' <<<"$info")
	reason=$(jq -r --arg n "$1" '.runtimes[] | select(.name == $n) | .reason // ""' <<<"$info")
	case "$reason" in
	*hybrid*) reason="$version refuses hybrid cgroups (cgroup v1 controllers with a v2 mount; mount the hugetlb v1 hierarchy or boot pure v2/v1): $reason" ;;
	*) reason="$version does not work on this host: $reason" ;;
	esac
	skip "$reason"
}

# smoke RUNTIME: the runtime runs a container to completion, and a detached
# one is in its state dir until stopped.
smoke() {
	local rt=$1 id rr
	rr=$(dirname "$(root_of)")/runroot
	run_pp --runtime "$rt" run --rm --network none $BB echo "hello from $rt"
	assert_success || return 1
	assert_equal "$output" "hello from $rt" || return 1
	run_pp --runtime "$rt" run -d --name "smoke" $BB "${LONG[@]}"
	assert_success || return 1
	id=$output
	run_pp inspect --format '{{.OCIRuntime}} {{.State.Status}}' smoke
	assert_equal "$output" "$(basename "$rt") running" || return 1
	# The runtime's own view, in peapod's runtime root for it.
	run "$rt" --root "$rr/runtime/$(basename "$rt")" state "$id"
	[ "$status" -eq 0 ] || fail "$rt state $id: $output" || return 1
	[ "$(jq -r .status <<<"$output")" = running ] || fail "$rt says: $output" || return 1
	# Later commands find the runtime from the container record.
	run_pp stop -t 2 smoke
	assert_success || return 1
	run_pp inspect --format '{{.State.Status}}' smoke
	assert_equal "$output" "exited" || return 1
	run_pp rm smoke
	assert_success || return 1
	run "$rt" --root "$rr/runtime/$(basename "$rt")" list -q
	[ -z "$output" ] || fail "$rt still lists: $output"
}

@test "runtimes: runc" {
	skip_unless_works runc
	echo "# runtime: runc ($(runc --version | head -1))" >&3
	smoke runc
}

@test "runtimes: crun" {
	skip_unless_works crun
	echo "# runtime: crun ($(crun --version | head -1))" >&3
	smoke crun
}

@test "runtimes: runc by absolute path" {
	skip_unless_works runc
	smoke "$(command -v runc)"
}

@test "runtimes: the default is the first that works (crun, else runc)" {
	local want=runc
	[ "$(runtime_works crun)" != true ] || want=crun
	run_pp run --name dflt $BB true
	assert_success
	run_pp inspect --format '{{.OCIRuntime}}' dflt
	assert_equal "$output" "$want"
}

@test "runtimes: an unknown runtime is an engine error" {
	run_pp --runtime no-such-runtime run --rm $BB true
	assert_engine_error 'no-such-runtime'
	run_pp run --rm --runtime /no/such/runtime $BB true
	assert_engine_error '/no/such/runtime'
	run_pp ps -a -q
	assert_output_empty
}
