#!/usr/bin/env bats
# peapod volume create|ls|inspect|rm|prune|exists (local driver).

load helpers

# fake_user VOLUME CONTAINER_ID: record in the state database that a
# container uses the volume (what `run -v VOLUME:/x` will do), without
# running one.
fake_user() {
	sqlite3 "$(root_of)/state.db" \
		"PRAGMA foreign_keys=ON;
		 INSERT OR IGNORE INTO containers (id, name, state, created, spec)
		   VALUES ('$2', '$2', 'created', 0, '{}');
		 INSERT INTO volume_users (volume, container_id) VALUES ('$1', '$2');"
}

@test "volume create prints the name; ls lists it; exists says so" {
	run_pp volume create data1
	assert_success
	assert_equal "$output" "data1"
	[ -d "$(root_of)/volumes/data1/_data" ] || fail "no data dir"
	assert_equal "$(stat -c %a "$(root_of)/volumes/data1/_data")" 755
	run_pp volume ls
	assert_success
	assert_equal "${lines[0]}" "DRIVER      VOLUME NAME"
	assert_output_matches '^local +data1$'
	run_pp volume exists data1
	assert_success
	assert_output_empty
	run_pp volume exists nope
	assert_status 1
	assert_output_empty
	assert_stderr_empty
}

@test "volume create without a name makes a random 64-hex name" {
	run_pp volume create
	assert_success
	[[ "$output" =~ ^[0-9a-f]{64}$ ]] || fail "not a random name: $output"
	local name=$output
	run_pp volume ls -q
	assert_equal "$output" "$name"
}

@test "volume create of an existing name fails unless --ignore" {
	pp volume create dup >/dev/null
	echo data >"$(root_of)/volumes/dup/_data/f"
	run_pp volume create dup
	assert_engine_error "volume with name 'dup' already exists"
	run_pp volume create --ignore dup
	assert_success
	assert_equal "$output" "dup"
	assert_equal "$(cat "$(root_of)/volumes/dup/_data/f")" data
}

@test "volume create refuses bad names, drivers and options" {
	run_pp volume create 'a/b'
	assert_engine_error "invalid volume name 'a/b'"
	run_pp volume create .hidden
	assert_engine_error "invalid volume name"
	run_pp volume create --driver nfs v
	assert_engine_error "driver 'nfs' is not supported"
	run_pp volume create --opt type=nfs --opt device=1.2.3.4:/x v
	assert_engine_error "unsupported volume type 'nfs'"
	run_pp volume create --opt colour=blue v
	assert_engine_error "unsupported volume option 'colour'"
	run_pp volume create --bogus v
	assert_status 125
	run_pp volume ls -q
	assert_output_empty
}

@test "volume inspect prints podman's JSON" {
	pp volume create --label app=web --label tier v1 >/dev/null
	run_pp volume inspect v1
	assert_success
	assert_equal "$(jq -r 'length' <<<"$output")" 1
	assert_equal "$(jq -r '.[0].Name' <<<"$output")" v1
	assert_equal "$(jq -r '.[0].Driver' <<<"$output")" local
	assert_equal "$(jq -r '.[0].Scope' <<<"$output")" local
	assert_equal "$(jq -r '.[0].Mountpoint' <<<"$output")" "$(root_of)/volumes/v1/_data"
	assert_equal "$(jq -r '.[0].Labels.app' <<<"$output")" web
	assert_equal "$(jq -r '.[0].Labels.tier' <<<"$output")" ""
	assert_equal "$(jq -c '.[0].Options' <<<"$output")" "{}"
	assert_equal "$(jq -r '.[0].MountCount' <<<"$output")" 0
	assert_equal "$(jq -r '.[0].NeedsCopyUp' <<<"$output")" true
	assert_equal "$(jq -r '.[0].Anonymous' <<<"$output")" false
	jq -e '.[0].CreatedAt | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}(Z|[+-][0-9]{2}:[0-9]{2})$")' \
		<<<"$output" >/dev/null || fail "bad CreatedAt"
	run_pp volume inspect --format '{{.Name}} {{.Mountpoint}} {{.Labels.app}}' v1
	assert_success
	assert_equal "$output" "v1 $(root_of)/volumes/v1/_data web"
}

@test "volume inspect of several and of a missing volume" {
	pp volume create a >/dev/null
	pp volume create b >/dev/null
	run_pp volume inspect --format '{{.Name}}' a b
	assert_success
	assert_equal "$output" $'a\nb'
	run_pp volume inspect --all --format '{{.Name}}'
	assert_equal "$output" $'a\nb'
	run_pp volume inspect a nope
	assert_engine_error "no volume with name 'nope' found"
	assert_output_empty
}

@test "volume ls --format and --filter" {
	pp volume create --label env=prod zeta >/dev/null
	pp volume create alpha >/dev/null
	pp volume create --label env=dev middle >/dev/null
	run_pp volume ls --format json
	assert_success
	assert_equal "$(jq -r '.[].Name' <<<"$output" | tr '\n' ' ')" "alpha middle zeta "
	run_pp volume ls --format '{{.Name}}:{{.Driver}}'
	assert_equal "$output" $'alpha:local\nmiddle:local\nzeta:local'
	run_pp volume ls --format 'table {{.Name}}'
	assert_equal "${lines[0]}" "VOLUME NAME"
	assert_equal "${#lines[@]}" 4
	run_pp volume ls -q --filter label=env=prod
	assert_equal "$output" zeta
	run_pp volume ls -q --filter label=env
	assert_equal "$output" $'middle\nzeta'
	run_pp volume ls -q --filter name=^al --filter name=mid
	assert_equal "$output" $'alpha\nmiddle'
	run_pp volume ls -q --filter label=env --filter name=^z
	assert_equal "$output" zeta
	fake_user alpha c1
	run_pp volume ls -q --filter dangling=true
	assert_equal "$output" $'middle\nzeta'
	run_pp volume ls -q --filter dangling=false
	assert_equal "$output" alpha
	run_pp volume ls --filter colour=red
	assert_engine_error "invalid volume filter 'colour'"
	run_pp volume ls --format '{{.Nope}}'
	assert_status 125
}

@test "volume rm removes data; missing volume exits 1; used volume exits 2" {
	pp volume create v1 >/dev/null
	pp volume create v2 >/dev/null
	echo x >"$(root_of)/volumes/v1/_data/f"
	run_pp volume rm v1
	assert_success
	assert_equal "$output" v1
	[ ! -e "$(root_of)/volumes/v1" ] || fail "volume dir left behind"
	run_pp volume rm v1
	assert_status 1
	assert_stderr_contains "no volume with name 'v1' found"
	fake_user v2 0123456789ab
	run_pp volume rm v2
	assert_status 2
	assert_stderr_contains "volume 'v2' is being used by the following container(s): 0123456789ab"
	run_pp volume rm -f v2
	assert_status 2
	run_pp volume exists v2
	assert_success
}

@test "volume rm of several names tries each one" {
	pp volume create a >/dev/null
	pp volume create b >/dev/null
	run_pp volume rm a nope b
	assert_status 1
	assert_equal "$output" $'a\nb'
	assert_stderr_contains "'nope'"
	run_pp volume ls -q
	assert_output_empty
	run_pp volume rm
	assert_status 125
}

@test "volume prune removes unused volumes, asks unless -f" {
	pp volume create used >/dev/null
	pp volume create free1 >/dev/null
	pp volume create free2 >/dev/null
	fake_user used c1
	run --separate-stderr pp volume prune <<<"n"
	assert_success
	run_pp volume ls -q
	assert_equal "$output" $'free1\nfree2\nused'
	run --separate-stderr pp volume prune <<<"y"
	assert_success
	assert_equal "$output" $'free1\nfree2'
	run_pp volume ls -q
	assert_equal "$output" used
	pp volume create free3 >/dev/null
	run_pp volume prune -f
	assert_success
	assert_equal "$output" free3
	[ ! -e "$(root_of)/volumes/free3" ] || fail "pruned volume dir left behind"
}

@test "volume create --opt type=tmpfs records the options" {
	run_pp volume create --opt type=tmpfs --opt device=tmpfs --opt o=size=2m,nodev t1
	assert_success
	run_pp volume inspect --format '{{.Options.type}} {{.Options.device}} {{.Options.o}}' t1
	assert_equal "$output" "tmpfs tmpfs size=2m,nodev"
	run_pp volume create --opt type=tmpfs --opt o=bogus=1 t2
	assert_engine_error "unsupported mount option 'bogus=1'"
	run_pp volume rm t1
	assert_success
}

@test "volume --help lists the subcommands" {
	run_pp volume --help
	assert_success
	assert_output_contains "create"
	assert_output_contains "prune"
	run_pp volume create --help
	assert_success
	assert_output_contains "Usage: peapod volume create"
}
