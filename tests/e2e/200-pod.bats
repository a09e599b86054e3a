#!/usr/bin/env bats
# Pods: create/ps/inspect/exists/rm, the infra container, app containers
# sharing the network (127.0.0.1), IPC (/dev/shm) and UTS (hostname)
# namespaces, stop/start/restart, and `pod rm -f` leaving nothing behind.
# Runtime: $PEAPOD_RUNTIME (runc by default).

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"

eval "_helpers_setup_$(declare -f setup)"
setup() {
	_helpers_setup_setup
	import_busybox
}

teardown() {
	ctr pod rm -af >/dev/null 2>&1 || true
	e2e_teardown
}

BB=localhost/busybox

@test "pod: create, ps, inspect, exists, rm" {
	run_ctr pod create --name p1 --label app=web --hostname h1 --add-host db:10.1.2.3
	assert_success
	[[ "$output" =~ ^[0-9a-f]{64}$ ]] || fail "pod create printed '$output'"
	id=$output
	run_ctr pod exists p1
	assert_success
	run_ctr pod exists nope
	assert_status 1
	run_ctr pod ps
	assert_success
	# podman's columns; CREATED's width depends on its text ("1 second ago")
	[[ "${lines[0]}" =~ ^"POD ID        NAME        STATUS      CREATED "\ +"INFRA ID      # OF CONTAINERS"$ ]] ||
		fail "pod ps header: '${lines[0]}'"
	assert_output_contains "${id:0:12}  p1"
	run_ctr pod ps -q --no-trunc
	assert_equal "$output" "$id"
	run_ctr pod ps --format '{{.Name}} {{.Status}} {{.NumberOfContainers}}'
	assert_equal "$output" "p1 Created 1"
	run_ctr pod inspect --format '{{.Name}} {{.State}} {{.Hostname}} {{.Labels.app}} {{.NumContainers}} {{.SharedNamespaces}}' p1
	assert_equal "$output" "p1 Created h1 web 1 [ipc net uts]"
	run_ctr pod inspect p1
	infra=$(jq -r '.[0].InfraContainerId' <<<"$output")
	[[ "$infra" =~ ^[0-9a-f]{64}$ ]] || fail "no infra id: $output"
	assert_equal "$(jq -r '.[0].InfraConfig.HostAdd[0]' <<<"$output")" "db:10.1.2.3"
	run_ctr ps -a --format '{{.Names}}'
	assert_equal "$output" "${id:0:12}-infra"
	run_ctr pod rm p1
	assert_success
	assert_equal "$output" "$id"
	run_ctr pod exists p1
	assert_status 1
	run_ctr ps -aq
	assert_output_empty
	run_ctr pod rm p1
	assert_engine_error "no pod with name or ID p1 found"
}

@test "pod: --infra=false has no infra container; name clash refused" {
	run_ctr pod create --infra=false --name bare
	assert_success
	run_ctr pod inspect --format '{{.CreateInfra}} {{.NumContainers}}' bare
	assert_equal "$output" "false 0"
	run_ctr pod create --name bare
	assert_engine_error "already exists"
}

@test "pod: two containers share 127.0.0.1, /dev/shm and the hostname" {
	ctr pod create --name pw >/dev/null
	mkdir -p "$TEST_DIR/www"
	echo hello-from-pod >"$TEST_DIR/www/index.html"
	run_ctr create --pod pw --name web -v "$TEST_DIR/www:/www" $BB \
		httpd -f -p 127.0.0.1:8080 -h /www
	assert_success
	run_ctr create --pod pw --name side $BB "${LONG[@]}"
	assert_success
	run_ctr pod start pw
	assert_success
	run_ctr pod ps --format '{{.Status}} {{.NumberOfContainers}}'
	assert_equal "$output" "Running 3"
	for _ in $(seq 50); do
		run_ctr exec side wget -qO- http://127.0.0.1:8080/
		[ "$status" -ne 0 ] || break
		sleep 0.1
	done
	assert_equal "$output" "hello-from-pod"
	run_ctr exec web sh -c 'echo shared >/dev/shm/marker'
	assert_success
	run_ctr exec side cat /dev/shm/marker
	assert_equal "$output" "shared"
	run_ctr exec web hostname
	assert_equal "$output" "pw"
	run_ctr exec side hostname
	assert_equal "$output" "pw"
	run_ctr exec side cat /etc/hosts
	assert_output_matches "pw web side"
	run_ctr exec web readlink /proc/1/ns/net
	a=$output
	run_ctr exec side readlink /proc/1/ns/net
	assert_equal "$output" "$a"
}

@test "pod: ps --pod, {{.PodName}} and --filter pod=NAME" {
	ctr pod create --name pp1 >/dev/null
	ctr create --pod pp1 --name inpod $BB "${LONG[@]}" >/dev/null
	ctr create --name alone $BB "${LONG[@]}" >/dev/null
	id=$(ctr pod inspect --format '{{.Id}}' pp1)
	run_ctr ps -a --filter pod=pp1 --format '{{.Names}} {{.PodName}}'
	assert_success
	assert_output_contains "inpod pp1"
	assert_output_not_contains "alone"
	run_ctr ps -a --pod
	assert_success
	assert_output_contains "PODNAME"
	assert_output_matches "inpod +${id:0:12} +pp1"
}

@test "pod: stop, start, restart" {
	ctr pod create --name ps1 >/dev/null
	run_ctr create --pod ps1 --name app $BB "${LONG[@]}"
	assert_success
	run_ctr pod start ps1
	assert_success
	run_ctr inspect --format '{{.State.Status}}' app
	assert_equal "$output" "running"
	run_ctr pod stop ps1
	assert_success
	run_ctr pod ps --format '{{.Status}}'
	assert_equal "$output" "Exited"
	run_ctr inspect --format '{{.State.Status}}' app
	assert_equal "$output" "exited"
	run_ctr ps -q
	assert_output_empty
	run_ctr pod start ps1
	assert_success
	run_ctr inspect --format '{{.State.Pid}}' app
	pid1=$output
	run_ctr pod restart ps1
	assert_success
	run_ctr inspect --format '{{.State.Status}} {{.State.Pid}}' app
	[[ "$output" == running* ]] || fail "not running after restart: $output"
	[ "$output" != "running $pid1" ] || fail "same pid after restart"
	run_ctr pod ps --format '{{.Status}}'
	assert_equal "$output" "Running"
}

@test "pod: starting a container of a stopped pod starts its infra" {
	ctr pod create --name lazy >/dev/null
	run_ctr create --pod lazy --name one $BB "${LONG[@]}"
	assert_success
	run_ctr start one
	assert_success
	run_ctr pod inspect --format '{{range .Containers}}{{.State}} {{end}}' lazy
	assert_equal "$output" "running running "
	run_ctr exec one hostname
	assert_equal "$output" "lazy"
}

@test "pod: rm refuses running pods; rm -f leaves no process, mount or netns" {
	ctr pod create --name gone >/dev/null
	run_ctr create --pod gone --name g1 $BB "${LONG[@]}"
	assert_success
	run_ctr pod start gone
	assert_success
	run_ctr inspect --format '{{.State.Pid}}' g1
	pid=$output
	run_ctr pod rm gone
	assert_engine_error "running"
	run_ctr pod rm -f gone
	assert_success
	run_ctr ps -aq
	assert_output_empty
	! kill -0 "$pid" 2>/dev/null || fail "container process $pid still alive"
	! grep -qF "$TEST_DIR/" /proc/self/mountinfo || fail "mounts left: $(grep -F "$TEST_DIR/" /proc/self/mountinfo)"
	[ ! -d "$(root_of)/pods" ] || [ -z "$(ls -A "$(root_of)/pods")" ] || fail "pod dir left"
	for p in $(pgrep -x peapod-pause); do
		! _proc_is_ours "$p" || fail "pause process $p left"
	done
}

@test "pod: kill, prune, logs prefixed with container names" {
	ctr pod create --name pk >/dev/null
	run_ctr create --pod pk --name talker $BB sh -c 'echo said-hello; trap "exit 0" TERM; while :; do sleep 0.1; done'
	assert_success
	run_ctr pod start pk
	assert_success
	for _ in $(seq 50); do
		run_ctr pod logs pk
		[[ "$output" != *said-hello* ]] || break
		sleep 0.1
	done
	assert_equal "$output" "talker said-hello"
	run_ctr pod kill pk
	assert_success
	# SIGKILL is sent, not waited for: let the container die first
	ctr wait talker >/dev/null
	run_ctr pod prune -f
	assert_success
	run_ctr pod exists pk
	assert_status 1
}
