#!/bin/bash
# Helpers for tests that run peapod as unprivileged users that the suite
# creates (issue 8, rootless).  Source after `load helpers`:
#
#   load helpers
#   source "$BATS_TEST_DIRNAME/lib/rootless.bash"
#   setup_file()    { rootless_setup_file; }
#   teardown_file() { rootless_teardown_file; }
#   eval "_helpers_$(declare -f setup)"
#   setup()         { _helpers_setup; rootless_setup; }
#   teardown()      { local rc=0; rootless_teardown || rc=1; e2e_teardown || rc=1; return $rc; }
#
# Per file (setup_file / teardown_file):
#   rootless_check              print why rootless tests cannot run here
#                               (missing tool or kernel feature), or nothing
#   rootless_setup_file         when rootless_check finds a reason: export
#                               RL_SKIP="rootless: <reason>" and do nothing
#                               else (bats 1.8 cannot skip in setup_file;
#                               rootless_setup skips each test).  Otherwise
#                               RL_DIR (/var/tmp/peapod-rl.XXXXXX, 0711):
#                               RL_BIN = copies of bin/peapod* readable by
#                               the users (peapod finds peapod-conmon and
#                               peapod-pause next to its own executable);
#                               RL_DIR/home/<login> = the users' homes;
#                               /dev/net/tun and /dev/fuse made 0666
#   rootless_teardown_file      delete users a test left, put the devices'
#                               modes back, remove RL_DIR
#   rootless_setup              per test: skip with $RL_SKIP when set
#   host_cgroup_v2              true on a cgroup v2 (unified) host
#   (teardown_suite calls rootless_suite_sweep: users and dirs a killed
#   test file left behind, device modes when no holder is alive)
#
# Users (per test; NAME is the test's own short name, e.g. "a"; the login
# is pprl<8 hex>, unique on the machine):
#   rootless_user_create NAME   a user with 65536 subuids and subgids of its
#                               own (a free, non-overlapping slot from 700000000
#                               up, picked under a machine-wide lock)
#   rootless_user_create_noranges NAME
#                               a user with no /etc/subuid, /etc/subgid lines
#   rootless_user_setenv NAME VAR=VALUE...
#                               extra environment for every later as_user /
#                               rpp of NAME, the teardown's reset included
#   rootless_user_xdg_runtime NAME
#                               make a 0700 XDG_RUNTIME_DIR for NAME (under
#                               RL_DIR), set it, print it
#   rootless_teardown           per test: rootless_user_delete of every user
#                               the test made; non-zero when one leaked
#   rootless_user_delete NAME   `peapod system reset -f` as NAME
#                               (rootless_user_reset, a hook), then the leak
#                               checks: processes of the uid or the subid
#                               ranges, host mounts naming the home or the run
#                               root, files in <runroot>/netns; leftovers
#                               are printed, killed, unmounted (and fail the
#                               test); then userdel -r and the user's files
#                               in /tmp, /var/tmp, /dev/shm
#
# Running things as a user (login-like environment: HOME, USER, LOGNAME,
# SHELL, PATH, LANG; no XDG_* unless set; cwd = home; fd 3 closed so a
# daemonized process never holds bats' output open):
#   as_user NAME [VAR=VALUE...] CMD...
#   rpp NAME ARGS               $RL_BIN/peapod as NAME with its default paths
#                               (no --root/--runroot; --runtime $RL_RUNTIME
#                               when set)
#   run_as NAME CMD... / run_rpp NAME ARGS
#                               bats `run --separate-stderr` of those
#                               ($output, $stderr), both shown on failure
#   rl_write NAME RELPATH       stdin to ~NAME/RELPATH, owned by NAME; prints
#                               the path
#   rl_pull NAME IMAGE...       pull $REG/IMAGE (--tls-verify=false) as NAME
#   rl_import_busybox NAME [REF]
#                               import the full busybox rootfs of
#                               lib/busybox.sh (every applet) as REF
#                               (default localhost/busybox; source
#                               lib/busybox.sh first)
#
# Facts about a user:
#   rl_login rl_uid rl_gid rl_home NAME
#   rl_subuid NAME / rl_subgid NAME   first id of the range ("" without)
#   rl_subcount NAME                  size of the ranges (0 without)
#   rl_graphroot NAME           $XDG_DATA_HOME/peapod or ~/.local/share/peapod
#   rl_runroot NAME             $XDG_RUNTIME_DIR/peapod or /tmp/peapod-run-UID
#   rl_pause_pid NAME           the pid in <runroot>/pause.pid (if alive)
#   rl_pids NAME                "PID RUID EUID ARGS" of every process of the
#                               uid or its subid ranges
#   rl_wait_no_pids NAME [EXCEPT-PID] [TENTHS]
#                               poll until rl_pids lists nothing but EXCEPT
#
# Also used by bench/rootless.sh (plain bash: define fail() first).

# Where users get ids: slots of RL_SUB_COUNT from RL_SUB_BASE up, above
# what useradd hands out by itself (SUB_UID_MAX 600100000).
: "${RL_SUB_BASE:=700000000}"
: "${RL_SUB_COUNT:=65536}"
# Shared by every suite and benchmark on the machine: the lock for
# useradd/userdel and /etc/sub[ug]id, and the devices' holders.
: "${RL_SHARED:=/run/peapod-e2e-rootless}"
RL_DEVICES=(/dev/net/tun /dev/fuse)
RL_PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin

# --- checks ----------------------------------------------------------------

# rootless_check: print the reason rootless tests cannot run here, or
# nothing.  Names the missing tool or kernel feature.
rootless_check() {
	local t m
	[ "$(id -u)" = 0 ] || { echo "the rootless tests create users: run them as root"; return; }
	for t in useradd userdel usermod setpriv flock unshare newuidmap newgidmap pasta timeout; do
		command -v "$t" >/dev/null || { echo "'$t' is missing (rootless needs uidmap, passt, util-linux)"; return; }
	done
	for t in newuidmap newgidmap; do
		m=$(command -v "$t")
		[ -u "$m" ] || getcap "$m" 2>/dev/null | grep -q cap_set ||
			{ echo "$m is neither setuid nor has file capabilities"; return; }
	done
	[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
		{ echo "user namespaces are disabled (user.max_user_namespaces = 0)"; return; }
	[ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 1 ] ||
		{ echo "unprivileged user namespaces are disabled (kernel.unprivileged_userns_clone = 0)"; return; }
	(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user --map-root-user true) \
		>/dev/null 2>&1 ||
		{ echo "an unprivileged user cannot create a user namespace (CONFIG_USER_NS, LSM policy such as kernel.apparmor_restrict_unprivileged_userns)"; return; }
	[ -c /dev/net/tun ] || { echo "no /dev/net/tun (CONFIG_TUN): pasta cannot run"; return; }
}

rootless_setup() {
	[ -z "${RL_SKIP:-}" ] || skip "$RL_SKIP"
	[ -n "${RL_DIR:-}" ] && [ -d "$RL_DIR/users" ] ||
		fail "rootless: rootless_setup_file did not run (setup_file)"
}

host_cgroup_v2() {
	[ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]
}

# --- the machine-wide lock -------------------------------------------------

# _rl_locked CMD...: run CMD (a function is fine) in a subshell holding the
# machine-wide lock.  useradd/userdel also lock /etc/passwd themselves and
# fail rather than wait: the lock makes the suites wait for each other.
_rl_locked() {
	mkdir -p "$RL_SHARED" && chmod 0700 "$RL_SHARED" || return 1
	(
		flock -w 300 9 || { echo "rootless: timed out waiting for $RL_SHARED/lock" >&2; exit 1; }
		"$@"
	) 9>>"$RL_SHARED/lock"
}

# _rl_retry CMD...: CMD, retried while another tool holds the shadow locks.
_rl_retry() {
	local _ out rc
	for _ in $(seq 1 50); do
		out=$("$@" 2>&1)
		rc=$?
		[ $rc = 0 ] && return 0
		grep -qiE 'lock|try again' <<<"$out" || break
		sleep 0.2
	done
	echo "rootless: $* failed ($rc): $out" >&2
	return $rc
}

# --- devices ----------------------------------------------------------------

# rootless_devices_acquire TOKEN PID: make the devices 0666 while PID
# lives (TOKEN names the holder).  The first holder saves the modes; the
# last one to release puts them back; holders whose PID is gone are
# dropped (and their saved modes put back first when no holder is left).
rootless_devices_acquire() {
	_rl_locked _rl_dev_acquire "$1" "$2"
}

rootless_devices_release() {
	_rl_locked _rl_dev_release "$1"
}

_rl_dev_prune() {
	local f p
	mkdir -p "$RL_SHARED/holders"
	for f in "$RL_SHARED"/holders/*; do
		[ -f "$f" ] || continue
		p=$(cat "$f" 2>/dev/null)
		[ -n "$p" ] && kill -0 "$p" 2>/dev/null || rm -f "$f"
	done
}

_rl_dev_holders() {
	find "$RL_SHARED/holders" -mindepth 1 -maxdepth 1 -type f 2>/dev/null | wc -l
}

_rl_dev_restore() {
	local d m
	[ -f "$RL_SHARED/modes" ] || return 0
	while read -r d m; do
		[ -c "$d" ] && chmod "$m" "$d"
	done <"$RL_SHARED/modes"
	rm -f "$RL_SHARED/modes"
}

_rl_dev_acquire() {
	local d
	_rl_dev_prune
	if [ "$(_rl_dev_holders)" = 0 ]; then
		_rl_dev_restore
		for d in "${RL_DEVICES[@]}"; do
			[ -c "$d" ] && echo "$d $(stat -c %a "$d")"
		done >"$RL_SHARED/modes"
	fi
	echo "$2" >"$RL_SHARED/holders/$1"
	for d in "${RL_DEVICES[@]}"; do
		[ -c "$d" ] && chmod 0666 "$d"
	done
	return 0
}

_rl_dev_release() {
	rm -f "$RL_SHARED/holders/$1"
	_rl_dev_prune
	[ "$(_rl_dev_holders)" != 0 ] || _rl_dev_restore
}

# --- per file ---------------------------------------------------------------

# rootless_setup_file: RL_DIR with the binaries and the homes; the devices.
rootless_setup_file() {
	local src f why
	why=$(rootless_check)
	if [ -n "$why" ]; then
		export RL_SKIP="rootless: $why"
		return 0
	fi
	src=$(dirname "${PEAPOD:?}")
	RL_DIR=$(mktemp -d /var/tmp/peapod-rl.XXXXXX) || return 1
	chmod 0711 "$RL_DIR"
	mkdir -m 0755 "$RL_DIR/bin"
	mkdir -m 0711 "$RL_DIR/home" "$RL_DIR/xdg"
	mkdir -m 0700 "$RL_DIR/users"
	RL_BIN=$RL_DIR/bin
	export RL_DIR RL_BIN
	_rl_record dirs "$(basename "$RL_DIR")"
	for f in "$src"/peapod "$src"/peapod-*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		install -m 0755 "$f" "$RL_BIN/" || return 1
	done
	[ -x "$RL_BIN/peapod" ] || { echo "rootless_setup_file: no $src/peapod" >&2; return 1; }
	RL_DEV_TOKEN=$(basename "${BATS_TEST_FILENAME:-$0}").$$.$RANDOM
	export RL_DEV_TOKEN
	rootless_devices_acquire "$RL_DEV_TOKEN" "$$"
}

rootless_teardown_file() {
	local rc=0 u
	[ -n "${RL_DIR:-}" ] && [ -d "$RL_DIR" ] || return 0
	for u in "$RL_DIR"/users/*.user; do
		[ -f "$u" ] || continue
		u=$(basename "$u" .user)
		echo "rootless: user '$u' was left by a test" >&2
		rootless_user_delete "$u" || rc=1
	done
	[ -z "${RL_DEV_TOKEN:-}" ] || rootless_devices_release "$RL_DEV_TOKEN"
	_rl_umount_below "$RL_DIR"
	rm -rf --one-file-system "$RL_DIR"
	_rl_unrecord dirs "$(basename "$RL_DIR")"
	return $rc
}

# _rl_record KIND NAME / _rl_unrecord KIND NAME: what the suite's sweep
# removes if a test file does not (E2E_DIR/rootless/KIND/NAME).
_rl_record() {
	[ -n "${E2E_DIR:-}" ] || return 0
	mkdir -p "$E2E_DIR/rootless/$1" && : >"$E2E_DIR/rootless/$1/$2"
}

_rl_unrecord() {
	[ -z "${E2E_DIR:-}" ] || rm -f "$E2E_DIR/rootless/$1/$2"
}

# rootless_suite_sweep E2E_DIR: last line of defence for teardown_suite:
# users and dirs that test files recorded and did not remove, and the
# devices' modes when no live holder is left.
rootless_suite_sweep() {
	local dir=$1 f l
	[ -d "$dir/rootless" ] || return 0
	for f in "$dir"/rootless/users/*; do
		[ -f "$f" ] || continue
		l=$(basename "$f")
		getent passwd "$l" >/dev/null || continue
		echo "rootless: removing leftover user $l" >&2
		_rl_purge_login "$l"
	done
	for f in "$dir"/rootless/dirs/*; do
		[ -f "$f" ] || continue
		l=/var/tmp/$(basename "$f")
		[ -d "$l" ] || continue
		_rl_umount_below "$l"
		rm -rf --one-file-system "$l"
	done
	_rl_locked _rl_dev_release none
	# nobody holds the devices any more: the shared lock dir goes too
	if [ "$(_rl_dev_holders)" = 0 ] && [ ! -f "$RL_SHARED/modes" ]; then
		rm -rf "$RL_SHARED"
	fi
	return 0
}

_rl_umount_below() {
	grep -F " $1/" /proc/self/mountinfo | awk '{print $5}' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	return 0
}

# --- users -----------------------------------------------------------------

_rl_rec() {
	echo "${RL_DIR:?rootless_setup_file did not run}/users/$1.user"
}

# _rl_load NAME: RLU_LOGIN RLU_UID RLU_GID RLU_HOME RLU_SUBUID RLU_SUBGID
# RLU_SUBCOUNT and RLU_ENV (array of VAR=VALUE) in the caller's scope.
_rl_load() {
	local f
	f=$(_rl_rec "$1") || return 1
	[ -f "$f" ] || { echo "rootless: no user '$1' in this test" >&2; return 1; }
	# shellcheck disable=SC1090
	source "$f"
	RLU_ENV=()
	[ ! -f "${f%.user}.env" ] || mapfile -t RLU_ENV <"${f%.user}.env"
}

# _rl_used_ranges: "start count" of every line of /etc/subuid and /etc/subgid.
_rl_used_ranges() {
	cat /etc/subuid /etc/subgid 2>/dev/null | awk -F: 'NF >= 3 && $2 ~ /^[0-9]+$/ {print $2, $3}'
}

# _rl_free_slot: the first slot from RL_SUB_BASE up that overlaps no range.
_rl_free_slot() {
	local k s used
	used=$(_rl_used_ranges)
	for ((k = 0; k < 4096; k++)); do
		s=$((RL_SUB_BASE + k * RL_SUB_COUNT))
		awk -v s="$s" -v n="$RL_SUB_COUNT" '$1 < s + n && s < $1 + $2 {hit = 1} END {exit !hit}' \
			<<<"$used" && continue
		echo "$s"
		return 0
	done
	echo "rootless: no free subordinate id range from $RL_SUB_BASE up" >&2
	return 1
}

# _rl_useradd LOGIN HOME MODE: useradd (+ ranges), under the lock; prints
# the range start (or nothing).
_rl_useradd() {
	local login=$1 home=$2 mode=$3 s=
	_rl_retry useradd -M -d "$home" -s /bin/sh -U -c "peapod e2e rootless" \
		-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$login" || return 1
	if [ "$mode" = ranges ]; then
		s=$(_rl_free_slot) || return 1
		_rl_retry usermod --add-subuids "$s-$((s + RL_SUB_COUNT - 1))" \
			--add-subgids "$s-$((s + RL_SUB_COUNT - 1))" "$login" || return 1
	fi
	echo "$s"
}

_rl_user_create() {
	local name=$1 mode=$2 login home rec s uid gid
	rec=$(_rl_rec "$name") || return 1
	[ ! -e "$rec" ] || { fail "rootless: user '$name' exists already in this test"; return 1; }
	login=pprl$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
	home=$RL_DIR/home/$login
	_rl_record users "$login"
	if ! s=$(_rl_locked _rl_useradd "$login" "$home" "$mode"); then
		_rl_purge_login "$login"
		fail "rootless: creating user $login failed"
		return 1
	fi
	uid=$(id -u "$login") && gid=$(id -g "$login") || return 1
	mkdir -m 0700 "$home" && chown "$uid:$gid" "$home" || return 1
	{
		printf 'RLU_LOGIN=%q\nRLU_UID=%q\nRLU_GID=%q\nRLU_HOME=%q\n' "$login" "$uid" "$gid" "$home"
		printf 'RLU_SUBUID=%q\nRLU_SUBGID=%q\nRLU_SUBCOUNT=%q\n' "$s" "$s" "$([ -n "$s" ] && echo "$RL_SUB_COUNT" || echo 0)"
	} >"$rec"
	if [ "$mode" = ranges ]; then
		grep -qx "$login:$s:$RL_SUB_COUNT" /etc/subuid && grep -qx "$login:$s:$RL_SUB_COUNT" /etc/subgid ||
			{ fail "rootless: /etc/subuid or /etc/subgid lacks $login:$s:$RL_SUB_COUNT"; return 1; }
	elif grep -q "^$login:" /etc/subuid /etc/subgid; then
		fail "rootless: $login got subordinate ids it should not have"
		return 1
	fi
}

rootless_user_create() {
	_rl_user_create "$1" ranges
}

rootless_user_create_noranges() {
	_rl_user_create "$1" none
}

rootless_user_setenv() {
	local name=$1 rec
	shift
	rec=$(_rl_rec "$name") || return 1
	[ -f "$rec" ] || { fail "rootless: no user '$name'"; return 1; }
	printf '%s\n' "$@" >>"${rec%.user}.env"
}

rootless_user_xdg_runtime() {
	local d
	_rl_load "$1" || return 1
	d=$RL_DIR/xdg/$RLU_LOGIN
	mkdir -m 0700 "$d" && chown "$RLU_UID:$RLU_GID" "$d" || return 1
	rootless_user_setenv "$1" "XDG_RUNTIME_DIR=$d"
	echo "$d"
}

rl_login() { (_rl_load "$1" && echo "$RLU_LOGIN"); }
rl_uid() { (_rl_load "$1" && echo "$RLU_UID"); }
rl_gid() { (_rl_load "$1" && echo "$RLU_GID"); }
rl_home() { (_rl_load "$1" && echo "$RLU_HOME"); }
rl_subuid() { (_rl_load "$1" && echo "$RLU_SUBUID"); }
rl_subgid() { (_rl_load "$1" && echo "$RLU_SUBGID"); }
rl_subcount() { (_rl_load "$1" && echo "$RLU_SUBCOUNT"); }

# _rl_envval VAR: the value of VAR in RLU_ENV (after _rl_load).
_rl_envval() {
	local e v=
	for e in "${RLU_ENV[@]}"; do
		[[ "$e" != "$1="* ]] || v=${e#*=}
	done
	echo "$v"
}

rl_graphroot() {
	(
		_rl_load "$1" || exit 1
		x=$(_rl_envval XDG_DATA_HOME)
		echo "${x:-$RLU_HOME/.local/share}/peapod"
	)
}

rl_runroot() {
	(
		_rl_load "$1" || exit 1
		x=$(_rl_envval XDG_RUNTIME_DIR)
		if [ -n "$x" ]; then echo "$x/peapod"; else echo "/tmp/peapod-run-$RLU_UID"; fi
	)
}

rl_pause_pid() {
	local f p
	f=$(rl_runroot "$1")/pause.pid
	p=$(cat "$f" 2>/dev/null) || return 1
	[[ "$p" =~ ^[0-9]+$ ]] && kill -0 "$p" 2>/dev/null || return 1
	echo "$p"
}

# _rl_pids_of UID SUBUID COUNT: "PID RUID EUID ARGS" of the processes whose
# real or effective uid is UID or in [SUBUID, SUBUID+COUNT).
_rl_pids_of() {
	ps -e -o pid=,ruid=,euid=,args= | awk -v u="$1" -v s="${2:-0}" -v n="${3:-0}" '
		function ours(x) { return x == u || (n > 0 && x >= s && x < s + n) }
		ours($2) || ours($3)'
}

rl_pids() {
	(_rl_load "$1" && _rl_pids_of "$RLU_UID" "$RLU_SUBUID" "$RLU_SUBCOUNT")
}

rl_wait_no_pids() {
	local name=$1 except=${2:-} left _
	for _ in $(seq 1 "${3:-50}"); do
		left=$(rl_pids "$name" | awk -v x="$except" '$1 != x')
		[ -n "$left" ] || return 0
		sleep 0.1
	done
	fail "processes of user '$name' still running: $left"
}

# --- running as a user --------------------------------------------------------

as_user() {
	local name=$1 envs
	shift
	_rl_load "$name" || return 1
	envs=(HOME="$RLU_HOME" USER="$RLU_LOGIN" LOGNAME="$RLU_LOGIN" SHELL=/bin/sh
		PATH="$RL_PATH" LANG=C.UTF-8 "${RLU_ENV[@]}")
	[ -z "${no_proxy:-}" ] || envs+=(no_proxy="$no_proxy" NO_PROXY="$no_proxy")
	while [[ $# -gt 0 && "$1" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; do
		envs+=("$1")
		shift
	done
	(
		cd "$RLU_HOME" || exit 1
		exec setpriv --reuid="$RLU_UID" --regid="$RLU_GID" --init-groups \
			env -i "${envs[@]}" "$@"
	) 3>&-
}

rpp() {
	local name=$1
	shift
	as_user "$name" "${RL_BIN:?rootless_setup_file did not run}/peapod" \
		${RL_RUNTIME:+--runtime "$RL_RUNTIME"} "$@"
}

_rl_show_run() {
	printf '# $ [%s] %s -> exit %s\n' "$1" "$2" "$status"
	[ -z "$output" ] || printf '%s\n' "$output" | head -40 | sed 's/^/# stdout: /'
	[ -z "${stderr:-}" ] || printf '%s\n' "$stderr" | head -40 | sed 's/^/# stderr: /'
	return 0
}

run_as() {
	run --separate-stderr as_user "$@"
	_rl_show_run "$1" "${*:2}"
}

run_rpp() {
	run --separate-stderr rpp "$@"
	_rl_show_run "$1" "peapod ${*:2}"
}

rl_write() {
	local name=$1 rel=$2 home
	home=$(rl_home "$name") || return 1
	as_user "$name" sh -c 'mkdir -p "$(dirname "$1")" && cat >"$1"' sh "$home/$rel" || return 1
	echo "$home/$rel"
}

rl_pull() {
	local name=$1 img out
	shift
	for img in "$@"; do
		out=$(rpp "$name" pull -q --tls-verify=false "${REG:?}/$img" 2>&1) ||
			{ fail "pull $REG/$img as '$name' failed: $out"; return 1; }
	done
}

rl_import_busybox() {
	local name=$1 ref=${2:-localhost/busybox} t dst out
	t=$(busybox_tar) || return 1
	dst=$(rl_home "$name")/busybox-rootfs.tar
	install -m 0644 -o "$(rl_uid "$name")" "$t" "$dst" || return 1
	out=$(rpp "$name" import --change 'CMD ["/bin/sh"]' "$dst" "$ref" 2>&1) ||
		{ fail "import of the busybox rootfs as '$ref' by '$name' failed: $out"; return 1; }
	rm -f "$dst"
}

# --- teardown -----------------------------------------------------------------

# rootless_user_reset NAME: what ends everything of NAME (a hook: a test
# file may redefine it).
rootless_user_reset() {
	as_user "$1" timeout 120 "$RL_BIN/peapod" ${RL_RUNTIME:+--runtime "$RL_RUNTIME"} system reset -f
}

# _rl_runroots: the run roots NAME may have used (after _rl_load).
_rl_runroots() {
	local x
	echo "/tmp/peapod-run-$RLU_UID"
	x=$(_rl_envval XDG_RUNTIME_DIR)
	[ -z "$x" ] || echo "$x/peapod"
}

# _rl_leak_check NAME: print and undo what NAME left; 1 if anything.
_rl_leak_check() {
	local name=$1 rc=0 left p m r _
	_rl_load "$name" || return 1
	# processes: give exit commands a moment, then kill what is left
	for _ in $(seq 1 50); do
		left=$(_rl_pids_of "$RLU_UID" "$RLU_SUBUID" "$RLU_SUBCOUNT")
		[ -n "$left" ] || break
		sleep 0.1
	done
	if [ -n "$left" ]; then
		rc=1
		sed "s/^/rootless: leaked process of '$name' ($RLU_LOGIN): /" <<<"$left" >&2
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			for p in $(awk '{print $1}' <<<"$left"); do kill -9 "$p" 2>/dev/null; done
			sleep 0.2
			left=$(_rl_pids_of "$RLU_UID" "$RLU_SUBUID" "$RLU_SUBCOUNT")
			[ -n "$left" ] || break
		done
		[ -z "$left" ] || echo "rootless: could not kill: $left" >&2
	fi
	# mounts in the host's namespace naming the user's dirs
	m=$( (
		grep -F "$RLU_HOME/" /proc/self/mountinfo
		_rl_runroots | while read -r r; do grep -F "$r" /proc/self/mountinfo; done
	) | awk '{print $5}' | sort -ru)
	if [ -n "$m" ]; then
		rc=1
		echo "rootless: leaked mounts of '$name':" $m >&2
		while read -r p; do umount -l "$p" 2>/dev/null; done <<<"$m"
	fi
	# netns files left in the run root
	for r in $(_rl_runroots); do
		m=$(find "$r/netns" -mindepth 1 -maxdepth 1 2>/dev/null)
		[ -z "$m" ] || { rc=1; echo "rootless: netns files left by '$name':" $m >&2; }
	done
	return $rc
}

# _rl_purge_login LOGIN: kill what runs as LOGIN, remove its files in the
# shared temp dirs, the user, its home and its /etc/sub[ug]id lines.
_rl_purge_login() {
	local login=$1 uid home p
	uid=$(id -u "$login" 2>/dev/null) || return 0
	home=$(getent passwd "$login" | cut -d: -f6)
	for p in $(ps -e -o pid=,ruid=,euid= | awk -v u="$uid" '$2 == u || $3 == u {print $1}'); do
		kill -9 "$p" 2>/dev/null
	done
	sleep 0.1
	# before userdel: the uid is still this user's (no reuse yet)
	find /tmp /var/tmp /dev/shm -xdev -mindepth 1 -maxdepth 1 -uid "$uid" \
		-exec rm -rf --one-file-system {} + 2>/dev/null
	_rl_locked _rl_userdel "$login" || return 1
	case "$home" in
	/var/tmp/peapod-rl.*/home/pprl*) _rl_umount_below "$home"; rm -rf --one-file-system "$home" ;;
	esac
}

_rl_userdel() {
	local login=$1
	_rl_retry userdel -r "$login" || _rl_retry userdel "$login" || return 1
	# userdel removes the subordinate ids of the user it deletes; make sure
	local f
	for f in /etc/subuid /etc/subgid; do
		if grep -q "^$login:" "$f" 2>/dev/null; then
			sed -i "/^$login:/d" "$f"
		fi
	done
}

rootless_user_delete() {
	local name=$1 rc=0 rec out x
	rec=$(_rl_rec "$name") || return 1
	[ -f "$rec" ] || return 0
	_rl_load "$name" || return 1
	if ! out=$(rootless_user_reset "$name" 2>&1); then
		echo "rootless: system reset -f as '$name' failed: $out" >&2
	fi
	_rl_leak_check "$name" || rc=1
	_rl_purge_login "$RLU_LOGIN" || rc=1
	x=$(_rl_envval XDG_RUNTIME_DIR)
	case "$x" in "$RL_DIR"/xdg/*) _rl_umount_below "$x"; rm -rf --one-file-system "$x" ;; esac
	if getent passwd "$RLU_LOGIN" >/dev/null || grep -q "^$RLU_LOGIN:" /etc/subuid /etc/subgid; then
		echo "rootless: user $RLU_LOGIN is still there" >&2
		rc=1
	else
		_rl_unrecord users "$RLU_LOGIN"
	fi
	rm -f "$rec" "${rec%.user}.env"
	return $rc
}

rootless_teardown() {
	local rc=0 u
	[ -n "${RL_DIR:-}" ] && [ -d "$RL_DIR/users" ] || return 0
	for u in "$RL_DIR"/users/*.user; do
		[ -f "$u" ] || continue
		rootless_user_delete "$(basename "$u" .user)" || rc=1
	done
	return $rc
}

# Ports: free_port from registry.sh.
# shellcheck source=registry.sh
source "$(dirname "${BASH_SOURCE[0]}")/registry.sh"
