#!/usr/bin/env bats
# kube generate (alias generate kube): YAML for played pods, pods of `pod
# create`, containers of `peapod run`; -t deployment -r N, -s, -f; the
# errors podman gives; and the round trip: play -> generate -> play
# --replace -> generate gives the same bytes, and the same pods.
# Pods run on a network of the test's own (10.247.<random>.0/24).

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

HEADER='# Save the output of this file and use kubectl create -f to import
# it into Kubernetes.
#
# Created with peapod-0.1.0'

# A pod with what a spec cannot say: env from a ConfigMap and a Secret,
# probes, a hook, a sidecar, a configMap volume.
write_app() {
	cat >"$TEST_DIR/app.yaml" <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: gen-cm
data:
  mode: fast
---
apiVersion: v1
kind: Secret
metadata:
  name: gen-secret
stringData:
  password: hunter2-not-printed
---
apiVersion: v1
kind: Pod
metadata:
  name: genpod
  labels:
    tier: back
  annotations:
    note: "keep: me"
spec:
  terminationGracePeriodSeconds: 3
  initContainers:
  - name: tail
    image: localhost/kbox:1
    restartPolicy: Always
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"]
  containers:
  - name: app
    image: localhost/kbox:1
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done"]
    env:
    - name: MODE
      valueFrom:
        configMapKeyRef: {name: gen-cm, key: mode}
    - name: PASS
      valueFrom:
        secretKeyRef: {name: gen-secret, key: password}
    - name: GREETING
      value: "yes"
    resources:
      limits: {cpu: 250m, memory: 32Mi}
    readinessProbe:
      exec:
        command: [cat, /etc/hostname]
      periodSeconds: 2
    lifecycle:
      preStop:
        exec:
          command: [sh, -c, "sleep 0"]
    volumeMounts:
    - name: conf
      mountPath: /conf
  volumes:
  - name: conf
    configMap:
      name: gen-cm
EOF
	# the objects a replay of the output needs besides it
	objects_of "$TEST_DIR/app.yaml" >"$TEST_DIR/app-objects.yaml"
}

# What `kube generate genpod` prints.
app_pod() {
	cat <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: genpod
  labels:
    app: genpod
    tier: back
  annotations:
    note: "keep: me"
spec:
  restartPolicy: Always
  terminationGracePeriodSeconds: 3
  initContainers:
  - name: tail
    image: localhost/kbox:1
    restartPolicy: Always
    command:
    - sh
    - -c
    - trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done
  containers:
  - name: app
    image: localhost/kbox:1
    command:
    - sh
    - -c
    - trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done
    env:
    - name: MODE
      valueFrom:
        configMapKeyRef:
          name: gen-cm
          key: mode
    - name: PASS
      valueFrom:
        secretKeyRef:
          name: gen-secret
          key: password
    - name: GREETING
      value: "yes"
    resources:
      limits:
        cpu: 250m
        memory: 32Mi
    volumeMounts:
    - name: conf
      mountPath: /conf
    readinessProbe:
      exec:
        command:
        - cat
        - /etc/hostname
      initialDelaySeconds: 0
      timeoutSeconds: 1
      periodSeconds: 2
      successThreshold: 1
      failureThreshold: 3
    lifecycle:
      preStop:
        exec:
          command:
          - sh
          - -c
          - sleep 0
  volumes:
  - name: conf
    configMap:
      name: gen-cm
EOF
}

@test "kube generate: a played pod comes back as written, secrets by name only" {
	write_app
	kplay "$TEST_DIR/app.yaml"
	assert_success
	run_ctr kube generate genpod
	assert_success
	assert_stderr_empty
	want=$(printf '%s\n%s' "$HEADER" "$(app_pod)")
	assert_equal "$output" "$want"
	assert_output_not_contains hunter2
	# the same through podman's older spelling
	run_ctr generate kube genpod
	assert_success
	assert_equal "$output" "$want"
}

@test "kube generate -t deployment -r 3 wraps the pod; -t job refuses restartPolicy Always" {
	write_app
	kplay "$TEST_DIR/app.yaml"
	assert_success
	run_ctr kube generate -t deployment -r 3 genpod
	assert_success
	want=$(printf '%s\n%s\n' "$HEADER" 'apiVersion: apps/v1
kind: Deployment
metadata:
  name: genpod-deployment
  labels:
    app: genpod
    tier: back
spec:
  replicas: 3
  selector:
    matchLabels:
      app: genpod
  template:
    metadata:
      labels:
        app: genpod
        tier: back
      annotations:
        note: "keep: me"
    spec:
      restartPolicy: Always
      terminationGracePeriodSeconds: 3
      initContainers:
      - name: tail')
	[[ "$output" == "$want"* ]] || fail "deployment head differs: '$output'"
	# the output plays as three replicas
	echo "$output" >"$TEST_DIR/deploy.yaml"
	kplay "$TEST_DIR/deploy.yaml" "$TEST_DIR/app-objects.yaml"
	assert_success
	run_ctr pod ps --format '{{.Name}}'
	assert_equal "$(sort <<<"$output" | xargs)" \
		"genpod genpod-deployment-pod-0 genpod-deployment-pod-1 genpod-deployment-pod-2"
	run_ctr kube generate -t job genpod
	assert_engine_error '^Error: k8s Jobs can not have restartPolicy set to Always; only Never and OnFailure policies allowed$'
	run_ctr kube generate -t daemonset -r 2 genpod
	assert_engine_error '^Error: --replicas can only be set when --type is set to deployment$'
	run_ctr kube generate -t statefulset genpod
	assert_engine_error '^Error: invalid generation type - only pods, deployments, jobs, and daemonsets are currently supported: statefulset$'
}

@test "kube generate -s: a NodePort Service per pod, containers keep only containerPort" {
	port=$(free_tcp_port)
	cat >"$TEST_DIR/web.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: webgen
spec:
  containers:
  - name: web
    image: localhost/kbox:1
    command: ["httpd", "-f", "-p", "80"]
    ports:
    - containerPort: 80
      hostPort: $port
EOF
	kplay "$TEST_DIR/web.yaml"
	assert_success
	run_ctr kube generate webgen
	assert_success
	assert_output_contains "      hostPort: $port"
	run_ctr kube generate -s webgen
	assert_success
	node=
	[ "$port" -lt 30000 ] || [ "$port" -gt 32767 ] || node="
    nodePort: $port"
	assert_equal "$output" "$HEADER
apiVersion: v1
kind: Service
metadata:
  name: webgen
  labels:
    app: webgen
spec:
  type: NodePort
  selector:
    app: webgen
  ports:
  - name: \"80\"
    protocol: TCP
    port: 80
    targetPort: 80$node
---
apiVersion: v1
kind: Pod
metadata:
  name: webgen
  labels:
    app: webgen
spec:
  restartPolicy: Always
  containers:
  - name: web
    image: localhost/kbox:1
    command:
    - httpd
    - -f
    - -p
    - \"80\"
    ports:
    - containerPort: 80
      protocol: TCP"
}

@test "kube generate -f writes a new file and never overwrites one" {
	write_app
	kplay "$TEST_DIR/app.yaml"
	assert_success
	run_ctr kube generate genpod
	want=$output
	run_ctr kube generate -f "$TEST_DIR/out.yaml" genpod
	assert_success
	assert_output_empty
	assert_equal "$(cat "$TEST_DIR/out.yaml")" "$want"
	echo "precious" >"$TEST_DIR/taken.yaml"
	run_ctr kube generate --filename "$TEST_DIR/taken.yaml" genpod
	assert_engine_error "^Error: cannot write to \"$TEST_DIR/taken.yaml\"; file exists\$"
	assert_equal "$(cat "$TEST_DIR/taken.yaml")" "precious"
}

@test "kube generate of peapod run containers: one pod, only what differs from the image" {
	mkdir -p "$TEST_DIR/share"
	ctr run -d --name Gen_One -e FOO='$(BAR)' --memory 64m --cpus 0.5 --cap-add net_admin \
		--cap-drop KILL -v "$TEST_DIR/share:/share:ro" -v genvol:/data \
		--tmpfs /scratch:size=16m --user 1000:1000 -w /tmp --restart always \
		"$KBOX" sleep 1000 >/dev/null
	ctr create --name gen-two --read-only "$KBOX" >/dev/null
	run_ctr kube generate Gen_One gen-two
	assert_success
	assert_equal "$stderr" 'Note: container name "Gen_One" changed to "gen-one"'
	share=${TEST_DIR#/}
	share=$(tr '/A-Z_.' '-a-z--' <<<"$share/share" | sed 's/^-*//' | cut -c1-58 | sed 's/-*$//')
	assert_equal "$output" "$HEADER
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: genvol
spec:
  accessModes:
  - ReadWriteOnce
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: gen-one-pod
  labels:
    app: gen-one-pod
spec:
  restartPolicy: Always
  terminationGracePeriodSeconds: 10
  containers:
  - name: gen-one
    image: localhost/kbox:1
    args:
    - sleep
    - \"1000\"
    workingDir: /tmp
    env:
    - name: FOO
      value: \$\$(BAR)
    resources:
      limits:
        cpu: 500m
        memory: 64Mi
    securityContext:
      runAsUser: 1000
      runAsGroup: 1000
      capabilities:
        add:
        - NET_ADMIN
        drop:
        - KILL
    volumeMounts:
    - name: $share-host
      mountPath: /share
      readOnly: true
    - name: genvol-pvc
      mountPath: /data
    - name: scratch-tmpfs
      mountPath: /scratch
  - name: gen-two
    image: localhost/kbox:1
    securityContext:
      readOnlyRootFilesystem: true
  volumes:
  - name: $share-host
    hostPath:
      path: $TEST_DIR/share
      type: Directory
  - name: genvol-pvc
    persistentVolumeClaim:
      claimName: genvol
  - name: scratch-tmpfs
    emptyDir:
      medium: Memory
      sizeLimit: 16Mi"
	# it plays: the same command, user and environment
	echo "$output" >"$TEST_DIR/run.yaml"
	kplay "$TEST_DIR/run.yaml"
	assert_success
	wait_state gen-one-pod-gen-one running
	run_ctr exec gen-one-pod-gen-one sh -c 'echo "$FOO $(id -u):$(id -g) $(pwd)"'
	assert_equal "$output" '$(BAR) 1000:1000 /tmp'
}

@test "kube generate: podman's errors for what cannot be generated" {
	run_ctr kube --help
	assert_output_matches '^  generate +print Kubernetes YAML'
	run_ctr kube generate --help
	assert_success
	assert_output_contains "Usage: peapod kube generate [options] POD|CONTAINER|VOLUME"
	assert_output_contains "-f, --filename FILE"
	ctr pod create --name lonely >/dev/null
	id=$(ctr pod inspect --format '{{.Id}}' lonely)
	run_ctr kube generate lonely
	assert_engine_error "^Error: pod $id only has an infra container\$"
	ctr create --pod lonely --name lonely-app "$KBOX" >/dev/null
	cid=$(ctr inspect --format '{{.Id}}' lonely-app)
	run_ctr kube generate lonely-app
	assert_engine_error "^Error: container $cid is associated with pod $id: use generate on the pod itself\$"
	run_ctr kube generate no-such-thing
	assert_engine_error '^Error: name or ID "no-such-thing" not found$'
	run_ctr kube generate
	assert_engine_error 'requires at least one POD, CONTAINER or VOLUME'
	run_ctr kube generate -r 0 lonely
	assert_engine_error '^Error: --replicas has to be greater than or equal to 1'
	# a pod of `pod create` with a container: generated, its app label added
	run_ctr kube generate lonely
	assert_success
	assert_output_contains "  name: lonely
  labels:
    app: lonely"
	assert_output_contains "  - name: app
    image: localhost/kbox:1"
}

# The objects of a manifest that are not pods (ConfigMaps, Secrets): what
# a replay of the generated pods needs besides them.
objects_of() {
	awk 'BEGIN { RS = "\n---\n" } /\nkind: (ConfigMap|Secret)\n/ { printf "---\n%s\n", $0 }' "$1"
}

# What a pod's containers run with, for comparing pods before and after.
pod_facts() {
	local c
	for c in $(ctr ps -a --filter "pod=$1" --format '{{.Names}}' | sort); do
		[[ "$c" == *-infra ]] && continue
		ctr inspect --format "$c {{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Config.WorkingDir}} {{.Config.User}} {{json .HostConfig.CapAdd}} {{json .HostConfig.CapDrop}} {{.HostConfig.Privileged}} {{.HostConfig.ReadonlyRootfs}} {{.HostConfig.Memory}} {{.HostConfig.CpuQuota}} {{json .Mounts}}" "$c" |
			sed 's/"Source":"[^"]*\/pods\/[0-9a-f]*\//"Source":"POD\//g'
	done
}

# round_trip NAME: play tests/data/kube/NAME.yaml, generate its pods, play
# that with --replace (and the manifest's ConfigMaps and Secrets), check
# the same pods run the same way and generating again gives the same
# bytes.  Problems are printed; the pods are removed in any case.
round_trip() {
	local m=$1 f pods before after rc=0
	f=$(render "$m")
	kplay "$f"
	[ "$status" = 0 ] || { echo "# $m: play failed: $stderr" >&2; return 1; }
	pods=$(ctr pod ps --format '{{.Name}}' | sort | xargs)
	before=$(for p in $pods; do pod_facts "$p"; done)
	run_ctr kube generate $pods
	[ "$status" = 0 ] || { echo "# $m: generate failed: $stderr" >&2; return 1; }
	echo "$output" >"$TEST_DIR/$m.gen1.yaml"
	grep -q '^kind: Pod$' "$TEST_DIR/$m.gen1.yaml" ||
		{ echo "# $m: no Pod generated" >&2; return 1; }
	objects_of "$f" >"$TEST_DIR/$m.objects.yaml"
	if [ -s "$TEST_DIR/$m.objects.yaml" ]; then
		kplay "$TEST_DIR/$m.gen1.yaml" --replace "$TEST_DIR/$m.objects.yaml"
	else
		kplay "$TEST_DIR/$m.gen1.yaml" --replace
	fi
	[ "$status" = 0 ] || { echo "# $m: replay failed: $stderr" >&2; return 1; }
	run_ctr pod ps --format '{{.Name}}'
	[ "$(sort <<<"$output" | xargs)" = "$pods" ] ||
		{ echo "# $m: pods '$output' after replay, not '$pods'" >&2; rc=1; }
	after=$(for p in $pods; do pod_facts "$p"; done)
	[ "$before" = "$after" ] || {
		echo "# $m: the replayed pods differ:" >&2
		diff <(echo "$before") <(echo "$after") | sed 's/^/#   /' >&2
		rc=1
	}
	run_ctr kube generate $pods
	echo "$output" >"$TEST_DIR/$m.gen2.yaml"
	cmp -s "$TEST_DIR/$m.gen1.yaml" "$TEST_DIR/$m.gen2.yaml" || {
		echo "# $m: not a fixed point:" >&2
		diff "$TEST_DIR/$m.gen1.yaml" "$TEST_DIR/$m.gen2.yaml" | sed 's/^/#   /' >&2
		rc=1
	}
	return $rc
}

@test "kube generate: play, generate, play --replace, generate is a fixed point" {
	kube_images_extra
	KHOST=$TEST_DIR/host
	mkdir -p "$KHOST/existing"
	echo conf >"$KHOST/file.conf"
	KPORT=$(free_tcp_port)
	local m bad=()
	for m in caps cmd env init sidecar resources names stdio downward pvc hostpath emptydir \
		restart users projected volumes-files ports pidns deployment daemonset job hostns; do
		round_trip "$m" || bad+=("$m")
		ctr pod rm -af >/dev/null
	done
	[ ${#bad[@]} = 0 ] || fail "round trips failed: ${bad[*]}"
}
