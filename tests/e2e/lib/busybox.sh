#!/bin/bash
# A busybox image for the container tests, made without a registry: a
# rootfs tarball imported with `peapod import`.  Source this file (after
# `load helpers`), then:
#
#   busybox_tar                 print the path of the (cached) rootfs tarball
#   busybox_rootfs_dir          print the path of the (cached) rootfs tree
#   import_busybox [REF [--change INSTR]...]
#                               import it into the test's main root as REF
#                               (default localhost/busybox)
#   LONG                        a long-running command array (exits on TERM)
#   ctr ARGS / run_ctr ARGS     pp / run_pp with `--runtime $PEAPOD_RUNTIME`
#                               (default runc: crun 1.8.1 refuses this
#                               host's hybrid cgroups)
#   ctr_state / wait_state / wait_log / conmon_pids_of / cgroup_dirs_of
#   ctr_teardown                teardown for container tests: reset, then
#                               kill and report leaked container processes
#                               and cgroups, then the helpers' teardown
#
# Container test files start with:
#   load helpers
#   source "$BATS_TEST_DIRNAME/lib/busybox.sh"
#   eval "_helpers_$(declare -f setup)"
#   setup() { _helpers_setup; import_busybox; }
#   teardown() { ctr_teardown; }
#
# The tree: /bin/busybox from Debian's busybox-static with every applet
# linked in /bin, /etc/passwd (root, nobody, app uid 1000), /etc/group
# (root, wheel with app, app gid 1000, nogroup), /etc/hostname, a sticky
# /tmp, /root, /home/app (owned by app), /mnt, /proc, /sys, /dev, /run.
# The tarball is built once per suite in $E2E_DIR (or $BATS_SUITE_TMPDIR).

: "${PEAPOD_RUNTIME:=runc}"
export PEAPOD_RUNTIME

BUSYBOX_REF=localhost/busybox

# LONG: a command that runs until stopped and exits 0 at once on SIGTERM
# (`sleep 1000` as pid 1 ignores SIGTERM: every stop, rm -f or reset of it
# would wait out the 10 s timeout).
LONG=(sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done')

_bb_cache_dir() {
	echo "${E2E_DIR:-${BATS_SUITE_TMPDIR:?no E2E_DIR and no BATS_SUITE_TMPDIR}}/busybox-img"
}

# _bb_make_tree DIR: the image's tree.
_bb_make_tree() {
	local r=$1 a bb
	bb=$(command -v busybox) || { echo "busybox (busybox-static) is missing" >&2; return 1; }
	mkdir -p "$r"/{bin,etc,tmp,root,home/app,mnt,proc,sys,dev,run,var/tmp} || return 1
	cp "$bb" "$r/bin/busybox" || return 1
	for a in $("$r/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
		'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
		'app:x:1000:1000:app:/home/app:/bin/sh' >"$r/etc/passwd"
	printf '%s\n' 'root:x:0:' 'wheel:x:10:app' 'app:x:1000:' \
		'nogroup:x:65534:' >"$r/etc/group"
	echo busybox >"$r/etc/hostname"
	chmod 1777 "$r/tmp" "$r/var/tmp"
	chmod 0700 "$r/root"
	chown 1000:1000 "$r/home/app"
}

# busybox_rootfs_dir: build (once) and print the rootfs tree.
busybox_rootfs_dir() {
	local c tmp
	c=$(_bb_cache_dir) || return 1
	if [ ! -f "$c/.complete" ]; then
		mkdir -p "$c"
		tmp=$(mktemp -d "$c/build.XXXXXX") || return 1
		if ! _bb_make_tree "$tmp/rootfs" ||
			! tar -C "$tmp/rootfs" --numeric-owner -cf "$tmp/rootfs.tar" .; then
			rm -rf "$tmp"
			echo "busybox_rootfs_dir: building the busybox rootfs failed" >&2
			return 1
		fi
		# First builder wins; a concurrent one throws its copy away.
		if mv -T "$tmp/rootfs" "$c/rootfs" 2>/dev/null; then
			mv "$tmp/rootfs.tar" "$c/rootfs.tar" && touch "$c/.complete"
		fi
		rm -rf "$tmp"
		local i
		for i in $(seq 1 50); do
			[ -f "$c/.complete" ] && break
			sleep 0.1
		done
	fi
	echo "$c/rootfs"
}

busybox_tar() {
	local d
	d=$(busybox_rootfs_dir) || return 1
	echo "${d%/rootfs}/rootfs.tar"
}

# import_busybox [REF [import flags...]]: import into the main root.
import_busybox() {
	local ref=${1:-$BUSYBOX_REF} t out
	[ $# -eq 0 ] || shift
	t=$(busybox_tar) || return 1
	out=$(pp import "$@" --change 'CMD ["/bin/sh"]' "$t" "$ref" 2>&1) ||
		fail "import of the busybox rootfs as '$ref' failed: $out"
}

# ctr ARGS: peapod on the main root with the test runtime.
ctr() {
	pp --runtime "$PEAPOD_RUNTIME" "$@"
}

# run_ctr ARGS: run_pp with the test runtime (stdout in $output, stderr in
# $stderr).
run_ctr() {
	run --separate-stderr ctr "$@"
	_show_run --runtime "$PEAPOD_RUNTIME" "$@"
}

# ctr_state NAME: State.Status from inspect.
ctr_state() {
	ctr inspect --format '{{.State.Status}}' "$1"
}

# wait_state NAME STATE [TENTHS]: poll until State.Status is STATE.
wait_state() {
	local i s
	for i in $(seq 1 "${3:-100}"); do
		s=$(ctr_state "$1" 2>/dev/null)
		[ "$s" = "$2" ] && return 0
		sleep 0.1
	done
	fail "container '$1' is '$s', not '$2'"
}

# wait_log NAME TEXT [TENTHS]: poll until `logs NAME` contains TEXT.
wait_log() {
	local _
	for _ in $(seq 1 "${3:-100}"); do
		ctr logs "$1" 2>/dev/null | grep -qF -- "$2" && return 0
		sleep 0.1
	done
	fail "logs of '$1' never showed '$2': '$(ctr logs "$1" 2>&1)'"
}

# conmon_pids_of ID: peapod-conmon processes of container ID (full id).
conmon_pids_of() {
	pgrep -f -- "peapod-conmon.*$1" || true
}

# cgroup_dirs_of ID: the container's cgroup dirs on the host (cgroupfs
# driver, default parent /peapod), v1 controllers and v2.
cgroup_dirs_of() {
	local d
	for d in /sys/fs/cgroup/*/peapod/"$1" /sys/fs/cgroup/peapod/"$1"; do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}

# _kill_ours: processes whose root is inside the test's dir (containers
# whose monitor is gone); kill and name them.
_kill_ours() {
	local p r found=1
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		case "$r" in
		"$TEST_DIR"/*)
			echo "leaked container process: ${p#/proc/} ($(tr '\0' ' ' <"$p/cmdline" 2>/dev/null))" >&2
			kill -9 "${p#/proc/}" 2>/dev/null
			found=0
			;;
		esac
	done
	return $found
}

# ctr_teardown: reset, then what the helpers' leak checks do not look at
# (container processes, not named peapod-*; the cgroups of the test's
# containers), then the helpers' teardown.  Fails the test on any leak.
ctr_teardown() {
	local ids id d rc=0 _
	[ -n "${TEST_DIR:-}" ] && [ -d "$TEST_DIR" ] || return 0
	# Every container the test still has (and $IDS, kept by tests that
	# reset by themselves).
	ids=$( (ctr ps -a -q --no-trunc 2>/dev/null; ls "$(root_of)/containers" 2>/dev/null;
		printf '%s\n' ${IDS:-}) | grep -E '^[0-9a-f]{64}$' | sort -u)
	pp system reset -f >/dev/null 2>&1 || true
	if _kill_ours; then
		rc=1
		sleep 0.2
	fi
	e2e_teardown || rc=1
	for id in $ids; do
		for d in $(cgroup_dirs_of "$id"); do
			rc=1
			echo "leaked cgroup: $d" >&2
			for _ in 1 2 3; do
				xargs -r kill -9 <"$d/cgroup.procs" 2>/dev/null
				rmdir "$d" 2>/dev/null && break
				sleep 0.2
			done
		done
	done
	return $rc
}
