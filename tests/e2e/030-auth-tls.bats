#!/usr/bin/env bats
# The HTTPS registry with basic auth and a private CA: credentials,
# login/logout, auth files, certificate verification.

load helpers

tls_pull() {
	run_pp pull -q --cert-dir "$REG_CA_DIR" "$@"
}

@test "https: pull without credentials fails clearly and stores nothing" {
	tls_pull "$REG_TLS/busybox"
	assert_engine_error 'unauthori[sz]ed|authentication required|401|credentials'
	assert_nothing_stored
}

@test "https: a wrong password fails clearly and stores nothing" {
	tls_pull --creds "$REG_USER:wrong-password" "$REG_TLS/busybox"
	assert_engine_error 'unauthori[sz]ed|authentication|401|credentials|invalid username or password'
	assert_nothing_stored
}

@test "https: pull with --creds" {
	local id
	tls_pull --creds "$REG_USER:$REG_PASS" "$REG_TLS/layers3"
	assert_success
	id=$(last_line)
	assert_image_id "$id"
	local mnt
	mnt=$(pp image mount "$REG_TLS/layers3") || fail "mount failed"
	assert_same_tree "$mnt" "$(ref_rootfs layers3)"
	pp image unmount "$REG_TLS/layers3"
}

@test "https: the certificate is not trusted without the CA" {
	mkdir -p "$TEST_DIR/empty-certs"
	run_pp pull -q --cert-dir "$TEST_DIR/empty-certs" --creds "$REG_USER:$REG_PASS" "$REG_TLS/busybox"
	assert_engine_error 'certificate|tls|ssl|x509|verify'
	assert_nothing_stored
}

@test "https: --tls-verify=false skips the certificate check" {
	run_pp pull -q --tls-verify=false --creds "$REG_USER:$REG_PASS" "$REG_TLS/busybox"
	assert_success
	assert_image_id "$(last_line)"
}

@test "https: the CA from certs.d under a custom --cert-dir with a host subdir" {
	# podman's layout: DIR/host:port/ca.crt
	mkdir -p "$TEST_DIR/certs.d/$REG_TLS"
	cp "$REG_CA_DIR/ca.crt" "$TEST_DIR/certs.d/$REG_TLS/ca.crt"
	run_pp pull -q --cert-dir "$TEST_DIR/certs.d/$REG_TLS" --creds "$REG_USER:$REG_PASS" "$REG_TLS/busybox"
	assert_success
}

@test "login stores credentials in --authfile; pull uses them; logout removes them" {
	local af=$TEST_DIR/auth.json
	run_pp login --cert-dir "$REG_CA_DIR" -u "$REG_USER" -p "$REG_PASS" --authfile "$af" "$REG_TLS"
	assert_success
	assert_output_contains "Login Succeeded"
	[ -f "$af" ] || fail "no auth file written"
	jq -e --arg h "$REG_TLS" '.auths[$h].auth' "$af" >/dev/null || fail "auth.json lacks $REG_TLS: $(cat "$af")"
	assert_equal "$(jq -r --arg h "$REG_TLS" '.auths[$h].auth' "$af" | base64 -d)" "$REG_USER:$REG_PASS"
	[ "$(stat -c %a "$af")" = 600 ] || fail "auth file mode is $(stat -c %a "$af"), not 600"
	tls_pull --authfile "$af" "$REG_TLS/busybox"
	assert_success
	assert_image_id "$(last_line)"
	run_pp logout --authfile "$af" "$REG_TLS"
	assert_success
	jq -e --arg h "$REG_TLS" '.auths[$h] == null' "$af" >/dev/null || fail "logout left the entry: $(cat "$af")"
	pp rmi -f "$REG_TLS/busybox" >/dev/null
	tls_pull --authfile "$af" "$REG_TLS/busybox"
	assert_status 125
}

@test "login --password-stdin; a wrong password is refused and not stored" {
	local af=$TEST_DIR/auth.json
	run --separate-stderr pp login --cert-dir "$REG_CA_DIR" -u "$REG_USER" --password-stdin \
		--authfile "$af" "$REG_TLS" <<<"$REG_PASS"
	assert_success
	run_pp login --cert-dir "$REG_CA_DIR" -u "$REG_USER" -p wrong --authfile "$TEST_DIR/bad.json" "$REG_TLS"
	assert_engine_error 'unauthori[sz]ed|authentication|401|credentials|invalid'
	if [ -f "$TEST_DIR/bad.json" ]; then
		jq -e --arg h "$REG_TLS" '.auths[$h] == null' "$TEST_DIR/bad.json" >/dev/null ||
			fail "a refused login was stored"
	fi
}

@test "an auth.json written by skopeo/podman is understood" {
	local af=$TEST_DIR/auth.json
	printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REG_TLS" \
		"$(printf '%s:%s' "$REG_USER" "$REG_PASS" | base64 -w0)" >"$af"
	tls_pull --authfile "$af" "$REG_TLS/busybox"
	assert_success
	# REGISTRY_AUTH_FILE, as podman reads it.
	pp rmi -f "$REG_TLS/busybox" >/dev/null
	REGISTRY_AUTH_FILE=$af tls_pull "$REG_TLS/busybox"
	assert_success
}

@test "logout of a host never logged in fails with 125" {
	echo '{"auths":{}}' >"$TEST_DIR/auth.json"
	run_pp logout --authfile "$TEST_DIR/auth.json" "$REG_TLS"
	assert_engine_error "not logged in.*$REG_TLS|$REG_TLS.*not logged in"
}

@test "https: a plain HTTP registry is refused while TLS is verified" {
	run_pp pull -q "$REG/busybox"
	assert_status 125
	[ -n "$stderr" ] || fail "no error message"
	assert_nothing_stored
}

@test "https: pull of an index and of zstd layers with credentials" {
	tls_pull --creds "$REG_USER:$REG_PASS" --platform linux/arm64 "$REG_TLS/multi"
	assert_success
	tls_pull --creds "$REG_USER:$REG_PASS" "$REG_TLS/zstd"
	assert_success
	run_pp images -q
	assert_equal "${#lines[@]}" 2
}
