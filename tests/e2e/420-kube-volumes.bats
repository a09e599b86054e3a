#!/usr/bin/env bats
# kube play volumes, checked from inside the containers and on the host:
# configMap and secret (items, modes, defaultMode, optional, binaryData),
# emptyDir shared by two containers and in memory, hostPath types,
# subPath (and a symlink escaping its volume), PersistentVolumeClaims as
# named volumes across kube down, downwardAPI and projected volumes.
# Pods run on a network of the test's own (10.242.<random>.0/24).

load helpers
source "$BATS_TEST_DIRNAME/lib/busybox.sh"
source "$BATS_TEST_DIRNAME/lib/kube.sh"

eval "_helpers_$(declare -f setup)"
setup() {
	_helpers_setup
	kube_images
	kube_net 242
	KHOST=$TEST_DIR/host
	mkdir -p "$KHOST"
}

teardown() {
	kube_teardown
}

# Wait (3 s at most) for a file another container writes.
WAITF='for i in $(seq 1 30); do [ -s "$F" ] && break; sleep 0.1; done; cat "$F"'

# manifest  container  command (sh -c in <pod>-<container>)  expected stdout
ROWS=(
	volumes-files app 'cat /cm/a.txt' 'alpha'
	volumes-files app 'cat /cm/b.txt' $'beta line 1\nbeta line 2'
	volumes-files app 'ls /cm | xargs' 'a.txt b.txt blob'
	volumes-files app 'stat -L -c %a /cm/a.txt' '644'
	volumes-files app 'od -An -tx1 /cm/blob | tr -d " \n"' '000102ff'
	volumes-files app 'ls /cm-items | xargs' 'b-copy.txt sub'
	volumes-files app 'ls /cm-items/sub | xargs' 'renamed.txt'
	volumes-files app 'cat /cm-items/sub/renamed.txt' 'alpha'
	volumes-files app 'stat -L -c %a /cm-items/sub/renamed.txt' '600'
	volumes-files app 'stat -L -c %a /cm-items/b-copy.txt' '440'
	volumes-files app 'stat -L -c %a /cm-mode/a.txt' '400'
	volumes-files app 'ls /sec | xargs' 'extra pass user'
	volumes-files app 'cat /sec/user' 'root'
	volumes-files app 'cat /sec/pass' 'hunter2'
	volumes-files app 'cat /sec/extra' 'plain-text'
	volumes-files app 'stat -L -c %a /sec/pass' '644'
	volumes-files app 'ls /sec-items | xargs' 'p'
	volumes-files app 'cat /sec-items/p' 'hunter2'
	volumes-files app 'stat -L -c %a /sec-items/p' '400'
	volumes-files app 'ls /opt-cm | wc -l | xargs' '0'
	volumes-files app 'ls /opt-sec | wc -l | xargs' '0'
	volumes-files app 'touch /cm/new 2>/dev/null && echo writable || echo read-only' 'read-only'
	volumes-files app 'touch /sec/new 2>/dev/null && echo writable || echo read-only' 'read-only'

	emptydir reader "F=/shared/msg; $WAITF" 'from-writer'
	emptydir reader "F=/shared-mem/msg; $WAITF" 'in-memory'
	emptydir reader 'grep " /shared-mem " /proc/mounts | cut -d" " -f3' 'tmpfs'
	emptydir writer 'grep " /mem " /proc/mounts | cut -d" " -f3' 'tmpfs'
	emptydir writer 'grep " /mem " /proc/mounts | grep -o "size=[0-9]*k"' 'size=16384k'
	emptydir writer 'grep " /data " /proc/mounts | cut -d" " -f3 | grep -c "^tmpfs$"' '0'
	emptydir writer 'stat -c %a /data' '777'
	emptydir reader 'touch /shared-mem/x 2>/dev/null && echo writable || echo read-only' 'read-only'
	emptydir reader 'echo back > /shared/reply && echo ok' 'ok'
	emptydir writer 'cat /data/reply' 'back'

	hostpath app 'cat /hp-untyped/hello.txt' 'host-hello'
	hostpath app 'cat /hp-dir/hello.txt' 'host-hello'
	hostpath app 'echo from-ctr > /hp-dir/written && echo ok' 'ok'
	hostpath app 'ls -A /hp-created | wc -l | xargs' '0'
	hostpath app 'echo made > /hp-created/x && echo ok' 'ok'
	hostpath app 'cat /etc/hp-file.conf' 'file-body'
	hostpath app 'stat -c %s /hp-made.txt' '0'

	subpath app 'cat /etc/app/app.conf' 'conf-body'
	subpath app 'ls /etc/app | xargs' 'app.conf'
	subpath app 'echo w > /work/f && echo ok' 'ok'
	subpath viewer 'cat /all/part1/f' 'w'
	subpath app 'echo l > /logs/l && echo ok' 'ok'
	subpath viewer 'cat /all/logs-subpathpod/l' 'l'
	subpath app 'cat /hp-inner/inner.txt' 'inner-body'
	subpath app 'ls /hp-inner | xargs' 'inner.txt'

	pvc app 'cat /data/runs' 'run'

	downward app 'cat /etc/podinfo/labels' $'app="dapi"\nzone="east"'
	downward app 'grep "^build=" /etc/podinfo/annotations' 'build="42"'
	downward app 'cat /etc/podinfo/name' 'dapipod'
	downward app 'cat /etc/podinfo/ns/namespace' 'default'
	downward app 'cat /etc/podinfo/cpu_limit' '250'
	downward app 'cat /etc/podinfo/mem_limit' '32'
	downward app 'stat -L -c %a /etc/podinfo/name' '444'
	downward app 'stat -L -c %a /etc/podinfo/ns/namespace' '400'
	downward app 'touch /etc/podinfo/x 2>/dev/null && echo writable || echo read-only' 'read-only'

	projected app 'ls /projected | xargs' 'api-key conf podname'
	projected app 'cat /projected/conf/settings' 'mode=fast'
	projected app 'cat /projected/api-key' 'k-987'
	projected app 'cat /projected/podname' 'projpod'
	projected app 'stat -L -c %a /projected/conf/settings' '440'
	projected app 'stat -L -c %a /projected/api-key' '400'
)

@test "kube volumes: configMap and secret: keys, items, modes, binaryData, optional" {
	kplay "$KDATA/volumes-files.yaml"
	assert_success
	check_rows volumes-files filespod
}

@test "kube volumes: emptyDir shared by two containers, medium Memory is a tmpfs" {
	kplay "$KDATA/emptydir.yaml"
	assert_success
	check_rows emptydir emptypod
}

@test "kube volumes: hostPath types: untyped, Directory, DirectoryOrCreate, File, FileOrCreate" {
	mkdir -p "$KHOST/existing"
	echo host-hello >"$KHOST/existing/hello.txt"
	echo file-body >"$KHOST/file.conf"
	kplay "$(render hostpath)"
	assert_success
	# made by play as the kubelet does: directories 0755, files 0644
	assert_equal "$(stat -c %a "$KHOST/created" "$KHOST/created/deeper" | xargs)" "755 755"
	assert_equal "$(stat -c '%a %s' "$KHOST/made.txt")" "644 0"
	check_rows hostpath hostpathpod
	assert_equal "$(cat "$KHOST/existing/written")" "from-ctr"
	assert_equal "$(cat "$KHOST/created/deeper/x")" "made"
	# kube down never removes what is on the host
	run_ctr kube down "$TEST_DIR/hostpath.yaml"
	assert_success
	assert_equal "$(cat "$KHOST/created/deeper/x")" "made"
	assert_equal "$(cat "$KHOST/existing/hello.txt")" "host-hello"
}

@test "kube volumes: hostPath type Directory on a file fails, nothing is left" {
	echo file-body >"$KHOST/file.conf"
	state_snapshot
	kplay "$(render hostpath-mismatch)"
	assert_engine_error "is not a directory"
	assert_stderr_contains "$KHOST/file.conf"
	assert_nothing_created
	assert_equal "$(cat "$KHOST/file.conf")" "file-body"
}

@test "kube volumes: subPath of a configMap, an emptyDir, subPathExpr and a hostPath" {
	mkdir -p "$KHOST/sp/inner"
	echo inner-body >"$KHOST/sp/inner/inner.txt"
	kplay "$(render subpath)"
	assert_success
	check_rows subpath subpathpod
}

@test "kube volumes: a subPath symlink out of its volume is refused, nothing is left" {
	mkdir -p "$KHOST/sp" "$TEST_DIR/secret"
	echo top-secret >"$TEST_DIR/secret/secret.txt"
	ln -s ../../secret "$KHOST/sp/evil"
	state_snapshot
	kplay "$(render subpath-escape)"
	assert_status 125
	assert_stderr_matches 'sub ?path'
	assert_output_not_contains top-secret
	assert_nothing_created
	# the absolute form too
	rm "$KHOST/sp/evil"
	ln -s "$TEST_DIR/secret" "$KHOST/sp/evil"
	kplay "$TEST_DIR/subpath-escape.yaml"
	assert_status 125
	assert_stderr_matches 'sub ?path'
	assert_nothing_created
}

@test "kube volumes: a PVC is a named volume, kept by kube down, removed by kube down --force" {
	f=$KDATA/pvc.yaml
	kplay "$f"
	assert_success
	# podman's shape: the volumes it made come first
	assert_equal "${lines[0]} ${lines[1]} ${lines[2]}" "Volumes: kdata Pod:"
	run_ctr volume ls -q
	assert_equal "$output" "kdata"
	check_rows pvc pvcpod
	run_ctr kube down "$f"
	assert_success
	run_ctr pod ps -q
	assert_output_empty
	run_ctr volume ls -q
	assert_equal "$output" "kdata" "volume after kube down"
	# played again: the same data
	kplay "$f"
	assert_success
	run_ctr exec pvcpod-app cat /data/runs
	assert_equal "$output" $'run\nrun'
	run_ctr kube down --force "$f"
	assert_success
	assert_equal "$(sed -n '/^Volumes removed:$/,$p' <<<"$output" | xargs)" "Volumes removed: kdata"
	run_ctr volume ls -q
	assert_output_empty
	run_ctr pod ps -q
	assert_output_empty
}

@test "kube volumes: downwardAPI volume: labels, annotations, names, limits, modes" {
	kplay "$KDATA/downward.yaml"
	assert_success
	check_rows downward dapipod
}

@test "kube volumes: projected volume: configMap, secret and downwardAPI in one dir" {
	kplay "$KDATA/projected.yaml"
	assert_success
	check_rows projected projpod
}
