#!/usr/bin/env bats
# kube play / kube down as commands: podman's output shapes, all-or-nothing
# (a taken name creates nothing; a failure in a later document removes the
# pods of earlier ones), --replace, --down, --start=false, --wait (pods
# exit, SIGTERM), reading from stdin and from a URL, --configmap, warnings
# for kinds that are not run.  (What each Kubernetes field does is tested
# in other files.)
# Every test puts its pods on a network of its own (10.241.X.0/24, bridge
# "ppk..."), never the default one; images are the local busybox
# (localhost/..., never pulled).  A URL is served by python's http.server on
# 127.0.0.1.

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"

eval "_helpers_setup_$(declare -f setup)"
setup() {
	_helpers_setup_setup
	import_busybox
	HTTP_PID=
	NET=knet
	mknet "$NET" >/dev/null || fail "no network"
}

teardown() {
	[ -z "$HTTP_PID" ] || kill "$HTTP_PID" 2>/dev/null || true
	ctr_teardown
}

BB=localhost/busybox
LONG_CMD='["sh", "-c", "trap \"exit 0\" TERM; while :; do sleep 0.1; done"]'

# mknet NAME: a network on a free 10.241.X.0/24 with a bridge of its own.
mknet() {
	local name=$1 i x br
	for i in 1 2 3 4 5 6 7 8; do
		x=$((RANDOM % 250 + 1))
		br=ppk$(printf '%04x' $((RANDOM % 65536)))$x
		if ctr network create --subnet "10.241.$x.0/24" --interface-name "$br" "$name" \
			>/dev/null 2>"$TEST_DIR/mknet.err"; then
			echo "$x"
			return 0
		fi
	done
	cat "$TEST_DIR/mknet.err" >&2
	return 1
}

# pod_doc NAME [CONTAINER...]: a Pod whose containers (default "main") run
# until stopped.
pod_doc() {
	local name=$1 c
	shift
	[ $# -gt 0 ] || set -- main
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: %s\nspec:\n  containers:\n' "$name"
	for c in "$@"; do
		printf '  - name: %s\n    image: %s\n    command: %s\n' "$c" "$BB" "$LONG_CMD"
	done
}

# play ARGS: kube play on the test's network.
play() {
	run_ctr kube play --network "$NET" "$@"
}

pod_id() {
	ctr pod inspect --format '{{.Id}}' "$1"
}

ctr_id() {
	ctr inspect --format '{{.Id}}' "$1"
}

# assert_no_pods: pod ps and ps -a list nothing.
assert_no_pods() {
	run_ctr pod ps -q
	assert_output_empty || return 1
	run_ctr ps -aq
	assert_output_empty
}

@test "kube play: podman's output, pods running; kube down: podman's output, nothing left" {
	pod_doc web front back >"$TEST_DIR/app.yaml"
	ctr kube play --network "$NET" "$TEST_DIR/app.yaml" >"$TEST_DIR/out" 2>"$TEST_DIR/err" ||
		fail "kube play failed: $(cat "$TEST_DIR/err")"
	id=$(pod_id web)
	c1=$(ctr_id web-front)
	c2=$(ctr_id web-back)
	# byte for byte, with the blank line after each pod
	printf 'Pod:\n%s\nContainers:\n%s\n%s\n\n' "$id" "$c1" "$c2" >"$TEST_DIR/want"
	diff "$TEST_DIR/want" "$TEST_DIR/out" || fail "kube play output differs"
	run_ctr pod ps --format '{{.Name}} {{.Status}} {{.NumberOfContainers}}'
	assert_equal "$output" "web Running 3"
	wait_state web-front running
	wait_state web-back running

	run_ctr kube down "$TEST_DIR/app.yaml"
	assert_success
	assert_equal "$output" "$(printf 'Pods stopped:\n%s\nPods removed:\n%s\nSecrets removed:\nVolumes removed:' "$id" "$id")"
	assert_no_pods
	# again: missing pods are skipped, not an error
	run_ctr kube down "$TEST_DIR/app.yaml"
	assert_success
	assert_equal "$output" "$(printf 'Pods stopped:\nPods removed:\nSecrets removed:\nVolumes removed:')"
}

@test "kube play: one container prints 'Container:'; play kube is an alias" {
	pod_doc solo >"$TEST_DIR/solo.yaml"
	run_ctr play kube --network "$NET" "$TEST_DIR/solo.yaml"
	assert_success
	assert_equal "$output" "$(printf 'Pod:\n%s\nContainer:\n%s' "$(pod_id solo)" "$(ctr_id solo-main)")"
	run_ctr play kube --down "$TEST_DIR/solo.yaml"
	assert_success
	assert_output_contains "Pods removed:"
	assert_no_pods
}

@test "kube play: a taken pod name fails at once and creates nothing; --replace replaces" {
	pod_doc web >"$TEST_DIR/web.yaml"
	play "$TEST_DIR/web.yaml"
	assert_success
	old=$(pod_id web)
	pods_before=$(ctr pod ps -q --no-trunc)
	ctrs_before=$(ctr ps -aq --no-trunc | sort)
	{ pod_doc fresh; echo '---'; pod_doc web; } >"$TEST_DIR/two.yaml"
	play "$TEST_DIR/two.yaml"
	assert_engine_error 'Pod/web: .*name "web" is in use: pod already exists'
	assert_output_empty
	assert_equal "$(ctr pod ps -q --no-trunc)" "$pods_before"
	assert_equal "$(ctr ps -aq --no-trunc | sort)" "$ctrs_before"
	run_ctr pod exists fresh
	assert_status 1

	play --replace "$TEST_DIR/two.yaml"
	assert_success
	new=$(pod_id web)
	[ "$new" != "$old" ] || fail "web was not replaced"
	# podman prints the teardown first
	assert_equal "${lines[0]}" "Pods stopped:"
	assert_equal "${lines[1]}" "$old"
	assert_equal "${lines[2]}" "Pods removed:"
	assert_equal "${lines[3]}" "$old"
	assert_output_contains "$(printf 'Pod:\n%s\n' "$(pod_id fresh)")"
	assert_output_contains "$(printf 'Pod:\n%s\n' "$new")"
	run_ctr pod ps --format '{{.Name}} {{.Status}}'
	assert_output_contains "web Running"
	assert_output_contains "fresh Running"
}

@test "kube play: a container name in use by another container is refused up front" {
	ctr create --name web-main $BB true >/dev/null
	pod_doc web >"$TEST_DIR/web.yaml"
	play --replace "$TEST_DIR/web.yaml"
	assert_engine_error 'the container name "web-main" is already in use'
	run_ctr pod ps -q
	assert_output_empty
}

@test "kube play: a missing image (pull never) in the 2nd document: exit 125, nothing created" {
	{ pod_doc first; echo '---'; pod_doc second | sed 's#image: .*#image: docker.io/library/peapod-no-such-image:1#'; } \
		>"$TEST_DIR/app.yaml"
	play --pull never "$TEST_DIR/app.yaml"
	assert_engine_error 'Pod/second: container image "docker.io/library/peapod-no-such-image:1" is not present with pull policy of Never'
	assert_no_pods
	# localhost images are never pulled, whatever the policy
	pod_doc third | sed 's#image: .*#image: localhost/peapod-no-such-image#' >"$TEST_DIR/local.yaml"
	play --pull always "$TEST_DIR/local.yaml"
	assert_engine_error 'localhost/peapod-no-such-image.* never pulled'
	assert_no_pods
}

@test "kube play: a container that cannot start in the 2nd document removes the 1st pod too" {
	{
		pod_doc first
		echo '---'
		printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: broken\nspec:\n  containers:\n'
		printf '  - name: c\n    image: %s\n    command: ["/no/such/binary"]\n' "$BB"
	} >"$TEST_DIR/app.yaml"
	play "$TEST_DIR/app.yaml"
	assert_status 125
	assert_stderr_contains "Pod/broken: "
	assert_no_pods
}

@test "kube play: a host port in use by another pod rolls everything back" {
	port=$((30000 + RANDOM % 20000))
	ctr pod create --network "$NET" -p "$port:80" --name holder >/dev/null
	ctr pod start holder >/dev/null
	holder=$(pod_id holder)
	{
		pod_doc first
		echo '---'
		pod_doc second
		printf '    ports:\n    - containerPort: 80\n      hostPort: %s\n' "$port"
	} >"$TEST_DIR/app.yaml"
	play "$TEST_DIR/app.yaml"
	assert_engine_error "Pod/second: .*port $port/tcp is already published by pod"
	run_ctr pod ps -q --no-trunc
	assert_equal "$output" "$holder"
	run_ctr ps -a --format '{{.Names}}'
	assert_equal "$output" "${holder:0:12}-infra"
}

@test "kube play -: YAML from stdin; several files at once" {
	pod_doc fromstdin >"$TEST_DIR/a.yaml"
	pod_doc fromfile >"$TEST_DIR/b.yaml"
	run --separate-stderr ctr kube play --network "$NET" - "$TEST_DIR/b.yaml" <"$TEST_DIR/a.yaml"
	assert_success
	assert_equal "${lines[0]}" "Pod:"
	assert_equal "${lines[1]}" "$(pod_id fromstdin)"
	assert_output_contains "$(pod_id fromfile)"
	run --separate-stderr ctr kube down - "$TEST_DIR/b.yaml" <"$TEST_DIR/a.yaml"
	assert_success
	assert_no_pods
	run_ctr kube play - -
	assert_engine_error "stdin.*only once"
}

# serve DIR: python's http.server on 127.0.0.1, a free port; sets HTTP_PORT.
serve() {
	local i
	for i in 1 2 3 4 5 6 7 8; do
		HTTP_PORT=$((20000 + RANDOM % 20000))
		python3 -m http.server --bind 127.0.0.1 --directory "$1" "$HTTP_PORT" \
			>"$TEST_DIR/http.log" 2>&1 &
		HTTP_PID=$!
		for _ in $(seq 1 50); do
			curl -sf --noproxy '*' -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && return 0
			kill -0 "$HTTP_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill "$HTTP_PID" 2>/dev/null
		HTTP_PID=
	done
	fail "could not start http.server: $(cat "$TEST_DIR/http.log")"
}

@test "kube play URL: YAML over http; an HTTP error is a clear failure" {
	mkdir -p "$TEST_DIR/www"
	pod_doc fromurl >"$TEST_DIR/www/app.yaml"
	serve "$TEST_DIR/www"
	export no_proxy='*' NO_PROXY='*'
	play "http://127.0.0.1:$HTTP_PORT/app.yaml"
	assert_success
	assert_equal "${lines[1]}" "$(pod_id fromurl)"
	run_ctr kube down "http://127.0.0.1:$HTTP_PORT/app.yaml"
	assert_success
	assert_no_pods
	play "http://127.0.0.1:$HTTP_PORT/missing.yaml"
	assert_engine_error "fetch 'http://127.0.0.1:$HTTP_PORT/missing.yaml': HTTP status 404"
	play "$TEST_DIR/no-such-file.yaml"
	assert_engine_error "open '$TEST_DIR/no-such-file.yaml'"
}

@test "kube play --configmap: ConfigMaps from another file are looked up" {
	cat >"$TEST_DIR/cm.yaml" <<-EOF
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: settings
	data:
	  greeting: hello-from-configmap
	EOF
	cat >"$TEST_DIR/app.yaml" <<-EOF
	apiVersion: v1
	kind: Pod
	metadata:
	  name: cmpod
	spec:
	  containers:
	  - name: main
	    image: $BB
	    command: $LONG_CMD
	    env:
	    - name: GREETING
	      valueFrom:
	        configMapKeyRef:
	          name: settings
	          key: greeting
	EOF
	play "$TEST_DIR/app.yaml"
	assert_status 125
	assert_stderr_contains "settings"
	assert_no_pods
	play --configmap "$TEST_DIR/cm.yaml" "$TEST_DIR/app.yaml"
	assert_success
	run_ctr exec cmpod-main sh -c 'echo $GREETING'
	assert_equal "$output" "hello-from-configmap"
	# a --configmap file holds ConfigMaps only
	play --configmap "$TEST_DIR/app.yaml" "$TEST_DIR/cm.yaml"
	assert_engine_error "--configmap: kind Pod is not a ConfigMap"
}

@test "kube play --down and --force; --force alone is refused" {
	pod_doc web >"$TEST_DIR/web.yaml"
	play --force "$TEST_DIR/web.yaml"
	assert_engine_error "--force may be specified only with --down"
	play "$TEST_DIR/web.yaml"
	assert_success
	id=$(pod_id web)
	run_ctr kube play --down --force "$TEST_DIR/web.yaml"
	assert_success
	assert_equal "$output" "$(printf 'Pods stopped:\n%s\nPods removed:\n%s\nSecrets removed:\nVolumes removed:' "$id" "$id")"
	assert_no_pods
}

@test "kube play FILE --start=false: pods and containers created, nothing running" {
	pod_doc idle a b >"$TEST_DIR/idle.yaml"
	# flags may follow the files, as podman's
	run_ctr kube play "$TEST_DIR/idle.yaml" --network "$NET" --start=false
	assert_success
	assert_equal "${lines[1]}" "$(pod_id idle)"
	run_ctr pod ps --format '{{.Name}} {{.Status}}'
	assert_equal "$output" "idle Created"
	assert_equal "$(ctr_state idle-a)" "created"
	assert_equal "$(ctr_state idle-b)" "created"
	run_ctr kube down "$TEST_DIR/idle.yaml"
	assert_success
	assert_no_pods
}

@test "kube play --wait: returns when every pod has exited and removes everything" {
	cat >"$TEST_DIR/job.yaml" <<-EOF
	apiVersion: v1
	kind: Pod
	metadata:
	  name: shortlived
	spec:
	  restartPolicy: Never
	  containers:
	  - name: main
	    image: $BB
	    command: ["sh", "-c", "sleep 1; echo done"]
	EOF
	run --separate-stderr timeout 60 "$PEAPOD" --root "$(root_of)" --runroot "$TEST_DIR/main/runroot" \
		--runtime "$PEAPOD_RUNTIME" kube play --network "$NET" --wait "$TEST_DIR/job.yaml"
	_show_run kube play --wait
	assert_success
	assert_equal "${lines[0]}" "Use ctrl+c to clean up or wait for pods to exit"
	assert_equal "${lines[1]}" "Pod:"
	assert_output_contains "Cleaning up containers, pods, and volumes..."
	assert_output_contains "Pods removed:"
	assert_no_pods
}

@test "kube play --wait: SIGTERM tears everything down, exit 0" {
	pod_doc forever >"$TEST_DIR/app.yaml"
	"$PEAPOD" --root "$(root_of)" --runroot "$TEST_DIR/main/runroot" --runtime "$PEAPOD_RUNTIME" \
		kube play --network "$NET" --wait "$TEST_DIR/app.yaml" >"$TEST_DIR/out" 2>&1 &
	pid=$!
	for _ in $(seq 1 100); do
		grep -q '^Pod:' "$TEST_DIR/out" && break
		sleep 0.1
	done
	wait_state forever-main running
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	cat "$TEST_DIR/out"
	assert_equal "$rc" 0
	grep -q "Cleaning up containers, pods, and volumes..." "$TEST_DIR/out" || fail "no cleanup message"
	grep -q "^Pods removed:" "$TEST_DIR/out" || fail "no teardown report"
	assert_no_pods
}

@test "kube play: kinds that are not run are named in a warning" {
	{
		printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: frontend\nspec:\n  ports:\n  - port: 80\n'
		echo '---'
		pod_doc web
	} >"$TEST_DIR/app.yaml"
	play "$TEST_DIR/app.yaml"
	assert_success
	assert_stderr_contains "Warning: $TEST_DIR/app.yaml: skipping kind Service \"frontend\": not supported"
	assert_equal "${lines[1]}" "$(pod_id web)"
}

@test "kube play: usage errors" {
	run_ctr kube play
	assert_engine_error "requires at least one FILE"
	run_ctr kube down
	assert_engine_error "requires at least one FILE"
	run_ctr kube play --userns auto x.yaml
	assert_engine_error "--userns 'auto': not supported yet"
	run_ctr kube play --pull sometimes x.yaml
	assert_engine_error "bad --pull 'sometimes'"
	run_ctr kube play --wait --start=false x.yaml
	assert_engine_error "cannot be used together"
	run_ctr kube play --log-driver journald x.yaml
	assert_engine_error "unsupported --log-driver 'journald'"
	run_ctr kube play --annotation novalue x.yaml
	assert_engine_error "must include an '=' sign"
	run_ctr kube play --help
	assert_success
	assert_output_contains "Usage: peapod kube play"
	run_ctr kube down --help
	assert_output_contains "Usage: peapod kube down"
	run_ctr kube --help
	assert_output_contains "play"
	assert_output_contains "down"
}

@test "kube play --annotation and --log-opt reach every pod and container" {
	pod_doc annotated a >"$TEST_DIR/app.yaml"
	play --annotation team=blue --log-opt max-size=1m "$TEST_DIR/app.yaml"
	assert_success
	run_ctr inspect --format '{{.Config.Annotations.team}}' annotated-a
	assert_equal "$output" "blue"
	# the log limit goes to the container's conmon
	id=$(ctr_id annotated-a)
	for pid in $(conmon_pids_of "$id"); do
		tr '\0' ' ' <"/proc/$pid/cmdline"
	done >"$TEST_DIR/conmon.args"
	grep -q -- "--log-max-size 1048576" "$TEST_DIR/conmon.args" ||
		fail "conmon of $id runs without --log-max-size 1048576: $(cat "$TEST_DIR/conmon.args")"
}

@test "kube play: init containers run but are not listed (as podman); Deployment replicas" {
	cat >"$TEST_DIR/app.yaml" <<-EOF
	apiVersion: v1
	kind: Pod
	metadata:
	  name: withinit
	spec:
	  initContainers:
	  - name: setup
	    image: $BB
	    command: ["true"]
	  containers:
	  - name: main
	    image: $BB
	    command: $LONG_CMD
	---
	apiVersion: apps/v1
	kind: Deployment
	metadata:
	  name: dep
	spec:
	  replicas: 2
	  selector:
	    matchLabels:
	      app: dep
	  template:
	    metadata:
	      labels:
	        app: dep
	    spec:
	      containers:
	      - name: c
	        image: $BB
	        command: $LONG_CMD
	EOF
	play "$TEST_DIR/app.yaml"
	assert_success
	assert_equal "$output" "$(printf 'Pod:\n%s\nContainer:\n%s\n\nPod:\n%s\nContainer:\n%s\n\nPod:\n%s\nContainer:\n%s' \
		"$(pod_id withinit)" "$(ctr_id withinit-main)" "$(pod_id dep-pod-0)" "$(ctr_id dep-pod-0-c)" \
		"$(pod_id dep-pod-1)" "$(ctr_id dep-pod-1-c)")"
	assert_equal "$(ctr_state withinit-setup)" "exited"
	run_ctr kube down "$TEST_DIR/app.yaml"
	assert_success
	assert_equal "$(printf '%s\n' "${lines[@]}" | grep -c '^[0-9a-f]\{64\}$')" 6
	assert_no_pods
}

@test "kube play: PersistentVolumeClaims become volumes; kube down keeps them unless --force" {
	cat >"$TEST_DIR/app.yaml" <<-EOF
	apiVersion: v1
	kind: PersistentVolumeClaim
	metadata:
	  name: kdata
	  labels:
	    tier: db
	spec:
	  accessModes: [ReadWriteOnce]
	  resources:
	    requests:
	      storage: 1Gi
	---
	apiVersion: v1
	kind: Pod
	metadata:
	  name: db
	spec:
	  containers:
	  - name: main
	    image: $BB
	    command: $LONG_CMD
	    volumeMounts:
	    - name: d
	      mountPath: /data
	  volumes:
	  - name: d
	    persistentVolumeClaim:
	      claimName: kdata
	EOF
	play "$TEST_DIR/app.yaml"
	assert_success
	assert_equal "${lines[0]}" "Volumes:"
	assert_equal "${lines[1]}" "kdata"
	assert_equal "${lines[2]}" "Pod:"
	run_ctr volume inspect --format '{{.Labels.tier}}' kdata
	assert_equal "$output" "db"
	ctr exec db-main sh -c 'echo kept >/data/f'
	run_ctr kube down "$TEST_DIR/app.yaml"
	assert_success
	assert_output_contains "$(printf 'Volumes removed:')"
	run_ctr volume exists kdata
	assert_success
	# played again: the volume exists, it is not listed as made, its data is there
	play "$TEST_DIR/app.yaml"
	assert_success
	assert_equal "${lines[0]}" "Pod:"
	run_ctr exec db-main cat /data/f
	assert_equal "$output" "kept"
	run_ctr kube down --force "$TEST_DIR/app.yaml"
	assert_success
	assert_output_contains "$(printf 'Volumes removed:\nkdata')"
	run_ctr volume exists kdata
	assert_status 1
	assert_no_pods
}

@test "kube play: a failure removes the volumes it made, not the ones that were there" {
	ctr volume create old >/dev/null
	cat >"$TEST_DIR/app.yaml" <<-EOF
	apiVersion: v1
	kind: Pod
	metadata:
	  name: vols
	spec:
	  containers:
	  - name: main
	    image: $BB
	    command: ["/no/such/binary"]
	    volumeMounts:
	    - {name: a, mountPath: /a}
	    - {name: b, mountPath: /b}
	  volumes:
	  - name: a
	    persistentVolumeClaim: {claimName: old}
	  - name: b
	    persistentVolumeClaim: {claimName: new}
	EOF
	play "$TEST_DIR/app.yaml"
	assert_status 125
	run_ctr volume ls -q
	assert_equal "$output" "old"
	assert_no_pods
}

@test "kube play --publish-all and -p publish on the host; kube down after --configmap" {
	port=$((30000 + RANDOM % 20000))
	extra=$((port + 1))
	cat >"$TEST_DIR/cm.yaml" <<-EOF
	apiVersion: v1
	kind: ConfigMap
	metadata:
	  name: page
	data:
	  index.html: hello-published
	EOF
	cat >"$TEST_DIR/app.yaml" <<-EOF
	apiVersion: v1
	kind: Pod
	metadata:
	  name: pub
	spec:
	  containers:
	  - name: web
	    image: $BB
	    command: ["httpd", "-f", "-p", "$port", "-h", "/www"]
	    ports:
	    - containerPort: $port
	    volumeMounts:
	    - {name: page, mountPath: /www}
	  - name: web2
	    image: $BB
	    command: ["httpd", "-f", "-p", "81", "-h", "/www"]
	    volumeMounts:
	    - {name: page, mountPath: /www}
	  volumes:
	  - name: page
	    configMap: {name: page}
	EOF
	play --publish-all -p "$extra:81" --configmap "$TEST_DIR/cm.yaml" "$TEST_DIR/app.yaml"
	assert_success
	for u in "http://127.0.0.1:$port/" "http://127.0.0.1:$extra/"; do
		got=
		for _ in $(seq 1 25); do
			got=$(curl -sf --noproxy '*' -m 2 "$u") && break
			sleep 0.2
		done
		assert_equal "$got" "hello-published" "$u"
	done
	# down does not need the ConfigMap to find the pod
	run_ctr kube down "$TEST_DIR/app.yaml"
	assert_success
	assert_output_contains "Pods removed:"
	assert_no_pods
}

@test "kube play: unknown fields warn, decoding errors of every file are reported at once" {
	pod_doc web | sed 's/^spec:/spec:\n  bogusField: 1/' >"$TEST_DIR/warn.yaml"
	play "$TEST_DIR/warn.yaml"
	assert_success
	assert_stderr_matches "^Warning: $TEST_DIR/warn.yaml:[0-9]+:[0-9]+: .*unknown field \"bogusField\""
	printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bad1\n' >"$TEST_DIR/bad1.yaml"
	pod_doc bad2 | sed 's/    image: .*/    image: 5/' | sed 's/  - name: main/  - name: Main/' >"$TEST_DIR/bad2.yaml"
	pod_doc good >"$TEST_DIR/good.yaml"
	play "$TEST_DIR/good.yaml" "$TEST_DIR/bad1.yaml" "$TEST_DIR/bad2.yaml"
	assert_status 125
	assert_stderr_contains "$TEST_DIR/bad1.yaml:"
	assert_stderr_contains "$TEST_DIR/bad2.yaml:"
	run_ctr pod exists good
	assert_status 1
}
