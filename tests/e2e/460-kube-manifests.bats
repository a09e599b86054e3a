#!/usr/bin/env bats
# The example manifests of manifests/ play as the README there says, with
# the image manifests/images.sh makes offline.  web.yaml's hostPort is
# fixed at 8080 in the file; the test plays a copy with only that number
# changed to a free port (8080 may be taken on a test machine, and kube
# play has no --publish override) and checks that exactly one line
# changed, so the copy stays the file users run.
# Pods run on a network of the test's own (10.246.<random>.0/24).

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"
source "$BATS_TEST_DIRNAME/lib/kube.sh"

MANIFESTS=$BATS_TEST_DIRNAME/../../manifests

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	pp info >/dev/null 2>&1 || true # makes the private roots
	local d
	d=$(_root_dir main)
	PEAPOD=$PEAPOD "$MANIFESTS/images.sh" --root "$d/root" --runroot "$d/runroot" \
		>"$TEST_DIR/images.log" 2>&1 ||
		fail "manifests/images.sh failed: $(cat "$TEST_DIR/images.log")"
	kube_net 246
}

teardown() {
	kube_teardown
}

@test "manifests: images.sh imports the demo image once" {
	run_ctr image inspect --format '{{.Id}}' localhost/peapod-demo/busybox:1
	assert_success
	id=$output
	d=$(_root_dir main)
	run env PEAPOD="$PEAPOD" "$MANIFESTS/images.sh" --root "$d/root" --runroot "$d/runroot"
	assert_success
	assert_output_contains "already there"
	run_ctr image inspect --format '{{.Id}}' localhost/peapod-demo/busybox:1
	assert_equal "$output" "$id"
}

@test "manifests: web.yaml serves the sidecar's page through the hostPort" {
	port=$(free_tcp_port)
	sed "s/hostPort: 8080\$/hostPort: $port/" "$MANIFESTS/web.yaml" >"$TEST_DIR/web.yaml"
	assert_equal "$(diff "$MANIFESTS/web.yaml" "$TEST_DIR/web.yaml" | grep -c '^>')" "1" \
		"lines changed in the copy of web.yaml"
	kplay "$TEST_DIR/web.yaml"
	assert_success
	out=
	for _ in $(seq 1 30); do
		out=$(curl -sf --noproxy '*' -m 2 "http://127.0.0.1:$port/") && [ -n "$out" ] && break
		sleep 0.2
	done
	[[ "$out" == *"<h1>Hello from peapod</h1>"* ]] || fail "page: '$out'"
	[[ "$out" =~ \<p\>pod\ web,\ page\ [0-9]+,\ written\ at\ [0-9:]+\ by\ the\ sidecar\</p\> ]] ||
		fail "page: '$out'"
	run_ctr ps --format '{{.Names}}'
	assert_equal "$(sort <<<"$output" | grep -v infra | xargs)" "web-content web-httpd"
	run_ctr kube down "$TEST_DIR/web.yaml"
	assert_success
	run_ctr pod ps -q
	assert_output_empty
}

@test "manifests: deployment.yaml runs 3 replicas that reach each other" {
	kplay "$MANIFESTS/deployment.yaml"
	assert_success
	run_ctr pod ps --format '{{.Name}}'
	assert_equal "$(sort <<<"$output" | xargs)" "hello-pod-0 hello-pod-1 hello-pod-2"
	for r in 0 1 2; do
		wait_log "hello-pod-$r-hello" "hello from hello-pod-$r at $KNET_PREFIX."
	done
	ip2=$(ctr exec hello-pod-2-hello sh -c 'echo $POD_IP')
	[[ "$ip2" == "$KNET_PREFIX".* ]] || fail "POD_IP of hello-pod-2: '$ip2'"
	out=
	for _ in $(seq 1 25); do
		out=$(ctr exec hello-pod-0-hello wget -q -O - "http://$ip2:8000/" 2>/dev/null) && break
		sleep 0.2
	done
	assert_equal "$out" "hello from hello-pod-2"
	run_ctr kube down "$MANIFESTS/deployment.yaml"
	assert_success
	run_ctr pod ps -q
	assert_output_empty
}

@test "manifests: config.yaml gets the ConfigMap and the Secret as env and files" {
	kplay "$MANIFESTS/config.yaml"
	assert_success
	wait_log config-demo-app "/etc/secret:"
	run_ctr logs config-demo-app
	assert_equal "$output" "GREETING=Hello from a ConfigMap
DB_username=demo
DB_password has 19 characters
/etc/app/app.properties:
color=blue
replicas=3
/etc/secret: password username, mode 400"
	run_ctr kube down "$MANIFESTS/config.yaml"
	assert_success
	run_ctr ps -aq
	assert_output_empty
}
