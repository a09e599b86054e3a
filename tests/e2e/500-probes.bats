#!/usr/bin/env bats
# Probes and lifecycle hooks (issue 7), run by peapod-conmon and peapod
# without systemd and without tools in the image.  Timings are checked in
# ranges that tolerate a noisy machine.  Pods run on a network of the
# test's own (10.247.<random>.0/24).

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"
source "$BATS_TEST_DIRNAME/lib/kube.sh"

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	kube_images
	kube_net 247
}

teardown() {
	kube_teardown
}

# An image holding one static binary and nothing else: tinyhttp (see
# tests/data/probes/tinyhttp.c), built here with gcc -static.
static_image() {
	local d=$TEST_DIR/static
	command -v gcc >/dev/null || fail "gcc is missing (make deps)" || return 1
	mkdir -p "$d/rootfs/flag" "$d/rootfs/proc" "$d/rootfs/dev" "$d/rootfs/etc"
	gcc -static -O2 -o "$d/rootfs/tinyhttp" "$BATS_TEST_DIRNAME/../data/probes/tinyhttp.c" ||
		fail "gcc -static failed" || return 1
	tar -C "$d/rootfs" -cf "$d/img.tar" . || return 1
	pp import --change 'CMD ["/tinyhttp", "8080"]' "$d/img.tar" localhost/tinyhttp:1 \
		>/dev/null || fail "import of the static image failed"
}

# field CTR TEMPLATE: inspect --format
field() {
	ctr inspect --format "$2" "$1"
}

# wait_field CTR TEMPLATE VALUE SECONDS: poll (0.2 s) until it shows VALUE;
# prints the seconds waited.
wait_field() {
	local t0=$SECONDS v _
	for _ in $(seq 1 $(($4 * 5))); do
		v=$(field "$1" "$2" 2>/dev/null)
		if [ "$v" = "$3" ]; then
			echo $((SECONDS - t0))
			return 0
		fi
		sleep 0.2
	done
	fail "$1: $2 is '$v', not '$3' after $4 s"
}

@test "probes: httpGet liveness and tcpSocket readiness on an image with no shell or tools" {
	static_image
	mkdir -p "$TEST_DIR/flag"
	touch "$TEST_DIR/flag/ok"
	cat >"$TEST_DIR/static.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: localhost/tinyhttp:1
    ports: [{name: http, containerPort: 8080}]
    volumeMounts: [{name: flag, mountPath: /flag}]
    livenessProbe:
      httpGet: {path: /healthz, port: http, httpHeaders: [{name: X-Probe, value: "1"}]}
      periodSeconds: 2
      failureThreshold: 3
    readinessProbe:
      tcpSocket: {port: 8081}
      periodSeconds: 1
  volumes:
  - {name: flag, hostPath: {path: $TEST_DIR/flag, type: Directory}}
YAML
	kplay "$TEST_DIR/static.yaml"
	assert_success
	[ "$stderr" = "" ] || [[ "$stderr" != *probe* ]] || fail "unexpected warning: $stderr"
	wait_field bare-web '{{.State.Ready}}' true 10 >/dev/null
	wait_field bare-web '{{.State.Health.Status}}' healthy 10 >/dev/null
	run_ctr ps --format '{{.Names}} {{.Ready}} {{.Status}}' --filter name=bare-web
	assert_output_matches '^bare-web true Up .* \(healthy\)$'
	run_ctr pod inspect --format '{{.Ready}}' bare
	assert_output_contains true
	run_ctr healthcheck run bare-web
	assert_success
	# conmon stays small with probes running
	pid=$(field bare-web '{{.State.ConmonPid}}')
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
	[ "$rss" -le 1024 ] || fail "peapod-conmon VmRSS is $rss kB (> 1 MiB)"
	echo "# peapod-conmon VmRSS with probes: $rss kB" >&3

	# liveness fails from now on: period 2 s x 3 failures, then the stop
	# signal (ignored by an init without handlers) and 2 s of grace
	rm "$TEST_DIR/flag/ok"
	run_ctr healthcheck run bare-web
	assert_status 1
	assert_output_contains unhealthy
	t=$(wait_field bare-web '{{.RestartCount}}' 1 30)
	[ "$t" -ge 3 ] && [ "$t" -le 16 ] || fail "restarted after $t s, expected 3-16 s"
	echo "# liveness restart after $t s" >&3
	run_ctr inspect --format '{{.State.Health.KillReason}}' bare-web
	assert_output_contains "liveness probe failed: HTTP probe failed with statuscode: 500"
	# kubelet backoff (10 s), then it runs again and is healthy
	touch "$TEST_DIR/flag/ok"
	wait_field bare-web '{{.State.Status}}' running 20 >/dev/null
	wait_field bare-web '{{.State.Health.Status}}' healthy 10 >/dev/null
}

@test "probes: tcpSocket readiness flips Ready in ps, inspect and pod inspect" {
	cat >"$TEST_DIR/ready.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: rdy}
spec:
  containers:
  - name: app
    image: $KBOX
    command: [sh, -c, "sleep 3; httpd -p 9000 -h /tmp; exec sleep 3600"]
    readinessProbe:
      tcpSocket: {port: 9000}
      periodSeconds: 1
      failureThreshold: 1
YAML
	kplay "$TEST_DIR/ready.yaml"
	assert_success
	[ "$(field rdy-app '{{.State.Ready}}')" = false ] || fail "ready before the port opened"
	run_ctr pod inspect --format '{{.Ready}}' rdy
	assert_output_contains false
	t=$(wait_field rdy-app '{{.State.Ready}}' true 15)
	[ "$t" -ge 1 ] || fail "ready after $t s, before the listener started"
	run_ctr ps --format '{{.Ready}}' --filter name=rdy-app
	assert_output_contains true
	run_ctr pod inspect --format '{{.Ready}}' rdy
	assert_output_contains true
	ctr exec rdy-app killall httpd
	wait_field rdy-app '{{.State.Ready}}' false 10 >/dev/null
	run_ctr inspect --format '{{.State.Running}} {{.RestartCount}}' rdy-app
	assert_output_contains "true 0"
	run_ctr pod inspect --format '{{.Ready}}' rdy
	assert_output_contains false
}

@test "probes: a startup probe holds an exec liveness probe off" {
	cat >"$TEST_DIR/startup.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: stp}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: $KBOX
    command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 0.2; done"]
    startupProbe:
      exec: {command: [test, -f, /tmp/started]}
      periodSeconds: 1
      failureThreshold: 60
    livenessProbe:
      exec: {command: [test, -f, /tmp/live]}
      periodSeconds: 1
      failureThreshold: 2
YAML
	kplay "$TEST_DIR/startup.yaml"
	assert_success
	sleep 4
	# liveness would have failed twice by now: the startup probe holds it
	run_ctr inspect --format '{{.State.Status}} {{.RestartCount}} {{.State.Health.Status}}' stp-app
	assert_output_contains "running 0 starting"
	run_ctr ps --format '{{.Status}}' --filter name=stp-app
	assert_output_contains "(starting)"
	ctr exec stp-app touch /tmp/started
	t=$(wait_field stp-app '{{.RestartCount}}' 1 20)
	[ "$t" -ge 1 ] && [ "$t" -le 10 ] || fail "liveness killed it after $t s, expected 2-8 s"
	run_ctr inspect --format '{{.State.Health.KillReason}}' stp-app
	assert_output_contains "liveness probe failed"
}

@test "probes: postStart and preStop hooks run, a failing postStart kills the container" {
	mkdir -p "$TEST_DIR/hooks"
	cat >"$TEST_DIR/hooks.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: hk}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: $KBOX
    command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 0.2; done"]
    volumeMounts: [{name: h, mountPath: /hooks}]
    lifecycle:
      postStart:
        exec: {command: [sh, -c, "echo post > /hooks/post"]}
      preStop:
        exec: {command: [sh, -c, "echo pre > /hooks/pre; sleep 1"]}
  - name: bad
    image: $KBOX
    command: [sleep, "3600"]
    lifecycle:
      postStart:
        exec: {command: ["false"]}
  volumes:
  - {name: h, hostPath: {path: $TEST_DIR/hooks}}
YAML
	kplay "$TEST_DIR/hooks.yaml"
	assert_success
	[ "$(cat "$TEST_DIR/hooks/post")" = post ] || fail "postStart did not run"
	[ ! -e "$TEST_DIR/hooks/pre" ] || fail "preStop ran at start"
	wait_field hk-bad '{{.State.Status}}' exited 10 >/dev/null
	run_ctr inspect --format '{{.State.Error}}' hk-bad
	assert_output_contains "PostStartHookError"
	run_ctr pod stop hk
	assert_success
	[ "$(cat "$TEST_DIR/hooks/pre")" = pre ] || fail "preStop did not run before the stop"
	run_ctr inspect --format '{{.State.ExitCode}}' hk-app
	assert_output_contains 0
}

@test "probes: healthcheck run without a liveness probe is an error" {
	run_ctr run -d --name plain "$KBOX" sleep 60
	assert_success
	run_ctr healthcheck run plain
	assert_status 125
	assert_stderr_contains "has no defined healthcheck"
	ctr rm -f plain >/dev/null
}
