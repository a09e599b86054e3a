#!/usr/bin/env bats
# Bearer token auth (the distribution spec's WWW-Authenticate: Bearer
# realm=..,service=..,scope=.. challenge) for pull, push and login, through
# lib/token-proxy.py: a token server in front of the plain registry $REG.
#   PX    needs user:pass for every token
#   PXA   also issues pull-only tokens without credentials (like Docker Hub)

load helpers

PX_USER=bear
PX_PASS=t0ken-s3cret

# _start_proxy NAME [FLAGS]: run a token proxy for $REG on a free port;
# print the port.  Its log is $BATS_FILE_TMPDIR/NAME.log.
_start_proxy() {
	local name=$1 port i code
	shift
	# shellcheck source=lib/registry.sh
	source "$E2E_LIB/registry.sh"
	port=$(free_port) || return 1
	setsid python3 "$E2E_LIB/token-proxy.py" --port "$port" --backend "$REG" \
		--user "$PX_USER" --password "$PX_PASS" "$@" \
		>"$BATS_FILE_TMPDIR/$name.log" 2>&1 </dev/null 3>&- &
	echo $! >"$BATS_FILE_TMPDIR/$name.pid"
	for ((i = 0; i < 100; i++)); do
		code=$(curl -s -o /dev/null -w '%{http_code}' --noproxy '*' "http://127.0.0.1:$port/v2/")
		[ "$code" = 401 ] && { echo "$port"; return 0; }
		sleep 0.1
	done
	cat "$BATS_FILE_TMPDIR/$name.log" >&2
	return 1
}

_stop_proxy() {
	local f=$BATS_FILE_TMPDIR/$1.pid pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	kill "$pid" 2>/dev/null
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null
	rm -f "$f"
}

setup_file() {
	local p
	p=$(_start_proxy px) || return 1
	export PX=127.0.0.1:$p
	p=$(_start_proxy pxa --anonymous-pull) || return 1
	export PXA=127.0.0.1:$p
}

teardown_file() {
	_stop_proxy px
	_stop_proxy pxa
}

setup() {
	TEST_DIR=$(mktemp -d "$E2E_DIR/t.XXXXXX")
	export TEST_DIR
	_snapshot "$TEST_DIR/.snap"
	# Where this test's part of the proxies' logs starts.
	PX_MARK=$(wc -l <"$BATS_FILE_TMPDIR/px.log")
	PXA_MARK=$(wc -l <"$BATS_FILE_TMPDIR/pxa.log")
}

# proxy_log NAME: the lines NAME logged during this test.
proxy_log() {
	local mark=$PX_MARK
	[ "$1" = px ] || mark=$PXA_MARK
	tail -n +$((mark + 1)) "$BATS_FILE_TMPDIR/$1.log"
}

# assert_proxy_log NAME ERE: NAME logged a line matching ERE in this test.
assert_proxy_log() {
	proxy_log "$1" | grep -qE -- "$2" ||
		fail "proxy $1 logged no line matching /$2/: $(proxy_log "$1")"
}

# direct_id IMAGE: the id of IMAGE pulled straight from $REG (root "direct").
direct_id() {
	local id
	id=$(pp_in direct pull -q --tls-verify=false "$REG/$1" | tail -n 1) || return 1
	is_image_id "$id" || fail "pull $REG/$1 printed '$id'" || return 1
	echo "$id"
}

@test "bearer: pull with --creds gets a token and the same image" {
	local want
	want=$(direct_id busybox) || return 1
	run_pp pull -q --tls-verify=false --creds "$PX_USER:$PX_PASS" "$PX/busybox"
	assert_success
	assert_equal "$(last_line)" "$want"
	assert_proxy_log px "^token-proxy: 401 GET /v2/busybox/manifests/"
	assert_proxy_log px "^token-proxy: token issued to $PX_USER service=peapod-test grants=busybox:pull$"
	assert_proxy_log px "^token-proxy: pass GET /v2/busybox/blobs/sha256:"
	run_pp images -q --no-trunc
	assert_success
	assert_output_contains "$want"
}

@test "bearer: pull without credentials fails clearly and stores nothing" {
	run_pp pull -q --tls-verify=false "$PX/busybox"
	assert_engine_error 'unauthori[sz]ed|authentication required'
	assert_stderr_contains "$PX"
	assert_proxy_log px "^token-proxy: token DENIED for no credentials"
	assert_nothing_stored
}

@test "bearer: a wrong password fails clearly and stores nothing" {
	run_pp pull -q --tls-verify=false --creds "$PX_USER:wrong" "$PX/busybox"
	assert_engine_error 'invalid username or password'
	assert_proxy_log px "^token-proxy: token DENIED for user '$PX_USER'"
	assert_nothing_stored
	run_pp pull -q --tls-verify=false --creds "nobody:$PX_PASS" "$PX/busybox"
	assert_engine_error 'invalid username or password'
	assert_nothing_stored
}

@test "bearer: anonymous pull-only tokens work without credentials" {
	local want
	want=$(direct_id layers3) || return 1
	run_pp pull -q --tls-verify=false "$PXA/layers3"
	assert_success
	assert_equal "$(last_line)" "$want"
	assert_proxy_log pxa "^token-proxy: token issued to anonymous .*grants=layers3:pull$"
	local mnt
	mnt=$(pp image mount "$PXA/layers3") || fail "mount failed"
	assert_same_tree "$mnt" "$(ref_rootfs layers3)"
	pp image unmount "$PXA/layers3"
}

@test "bearer: a wrong password fails even where anonymous pull is allowed" {
	run_pp pull -q --tls-verify=false --creds "$PX_USER:wrong" "$PXA/busybox"
	assert_engine_error 'invalid username or password'
	assert_nothing_stored
}

@test "bearer: push with --creds gets a push token; the image pulls back" {
	local id name
	id=$(pull_plain "$REG/busybox") || return 1
	name=$(unique_name bearer-push)
	run_pp push --tls-verify=false --creds "$PX_USER:$PX_PASS" "$REG/busybox" "$PX/$name:v1"
	assert_success
	assert_proxy_log px "^token-proxy: token issued to $PX_USER .*grants=$name:pull,push$"
	assert_proxy_log px "^token-proxy: pass PUT /v2/$name/manifests/v1$"
	# It is in the backend registry...
	registry_manifest "$REG" "$name:v1" >/dev/null || fail "no manifest for $name:v1 in $REG"
	# ... and pulls back through the proxy into a fresh root.
	run_pp_in fresh pull -q --tls-verify=false --creds "$PX_USER:$PX_PASS" "$PX/$name:v1"
	assert_success
	assert_equal "$(last_line)" "$id"
}

@test "bearer: push with a pull-only anonymous token fails clearly" {
	local name
	pull_plain "$REG/busybox" >/dev/null || return 1
	name=$(unique_name bearer-anon)
	run_pp push --tls-verify=false "$REG/busybox" "$PXA/$name"
	assert_engine_error 'insufficient scope'
	assert_stderr_contains "$name"
	assert_proxy_log pxa "^token-proxy: token issued to anonymous .*grants=$name:pull$"
	assert_proxy_log pxa "^token-proxy: 401 (POST|PUT|HEAD) /v2/$name/.*insufficient_scope"
	if registry_manifest "$REG" "$name" >/dev/null; then
		fail "$name was written to $REG"
	fi
}

@test "bearer: login stores credentials; pull and push use the auth file" {
	local af=$TEST_DIR/auth.json id name
	run_pp login --tls-verify=false -u "$PX_USER" -p "$PX_PASS" --authfile "$af" "$PX"
	assert_success
	assert_output_contains "Login Succeeded"
	[ -f "$af" ] || fail "no auth file written"
	jq -e --arg h "$PX" '.auths[$h].auth' "$af" >/dev/null || fail "no entry for $PX in $(cat "$af")"
	# /v2/ names no repository: the token request carries no scope (the
	# proxy rejects a malformed one such as "repository::pull").
	assert_proxy_log px "^token-proxy: token issued to $PX_USER service=peapod-test grants=$"
	assert_proxy_log px "^token-proxy: pass GET /v2/$"
	proxy_log px | grep -q REJECTED && fail "malformed token request: $(proxy_log px)"

	run_pp pull -q --tls-verify=false --authfile "$af" "$PX/busybox"
	assert_success
	id=$(last_line)
	assert_image_id "$id"
	name=$(unique_name bearer-login)
	run_pp push --tls-verify=false --authfile "$af" "$PX/busybox" "$PX/$name"
	assert_success
	run_pp_in fresh pull -q --tls-verify=false --authfile "$af" "$PX/$name"
	assert_success
	assert_equal "$(last_line)" "$id"
}

@test "bearer: login with a wrong password fails and writes nothing" {
	local af=$TEST_DIR/auth.json
	run_pp login --tls-verify=false -u "$PX_USER" -p wrong --authfile "$af" "$PX"
	assert_engine_error 'invalid username or password'
	[ ! -s "$af" ] || fail "auth file written: $(cat "$af")"
}
