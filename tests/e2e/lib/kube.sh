#!/bin/bash
# Helpers for the `kube play` e2e files (4xx-kube-*.bats).  Source after
# `load helpers` and lib/busybox.sh.
#
#   KDATA                       tests/data/kube (the manifests)
#   kube_images                 import localhost/kbox:1 (busybox), the image
#                               of most manifests
#   kube_images_extra           localhost/kenv:1 (+ ENV) and localhost/kentry:1
#                               (ENTRYPOINT + CMD)
#   kube_net OCTET              a network of the test's own on
#                               10.OCTET.<random>.0/24; sets KNET
#   render NAME                 tests/data/kube/NAME.yaml with @DIR@ (the
#                               test's $KHOST dir) and @PORT@ ($KPORT)
#                               filled in, written to $TEST_DIR; prints the path
#   kplay FILE [FLAGS]          run_ctr kube play [--network $KNET] FLAGS FILE
#   check_rows MANIFEST POD     run the rows of $ROWS for MANIFEST (see below)
#   state_snapshot / assert_nothing_created
#                               what kube play may have made, before and after
#   cap_names HEX               capability names of a CapEff mask, sorted
#   free_tcp_port               a port nothing listens on
#
# Row tables: ROWS is a flat array of 4-tuples
#   manifest  container  command  expected
# `check_rows M POD` runs, for each row of manifest M, `sh -c COMMAND` in
# container POD-CONTAINER (kube play names containers <pod>-<container>)
# and compares its stdout with EXPECTED: equal, or matching the ERE after a
# leading "~".  Placeholders (see _subst) are replaced in both.  The
# command "@logs" compares `logs POD-CONTAINER` after `wait` instead.
# Every row runs; the test fails at the end with all mismatches listed.

KDATA=$BATS_TEST_DIRNAME/../data/kube
KBOX=localhost/kbox:1

kube_images() {
	import_busybox "$KBOX"
}

# kube_images_extra: localhost/kenv:1 (busybox + ENV IMG_VAR=from-image,
# IMG_OVER=image) and localhost/kentry:1 (ENTRYPOINT ["/bin/echo", "ep"],
# CMD ["img-cmd"]), for the env and command/args manifests.
kube_images_extra() {
	local t
	t=$(busybox_tar) || return 1
	pp import --change 'CMD ["/bin/sh"]' --change 'ENV IMG_VAR=from-image' \
		--change 'ENV IMG_OVER=image' "$t" localhost/kenv:1 >/dev/null ||
		fail "import localhost/kenv:1 failed" || return 1
	pp import --change 'ENTRYPOINT ["/bin/echo", "ep"]' --change 'CMD ["img-cmd"]' \
		"$t" localhost/kentry:1 >/dev/null ||
		fail "import localhost/kentry:1 failed"
}

# kube_net OCTET: create network "k<octet>net" on 10.OCTET.X.0/24 (X random,
# retried when taken) with a bridge of its own.
kube_net() {
	local octet=$1 _ x br
	KNET=k${octet}net
	for _ in 1 2 3 4 5 6 7 8; do
		x=$((RANDOM % 250 + 1))
		br=ppk$(printf '%04x' $((RANDOM % 65536)))$x
		if ctr network create --subnet "10.$octet.$x.0/24" --interface-name "$br" "$KNET" \
			>/dev/null 2>"$TEST_DIR/knet.err"; then
			KNET_PREFIX=10.$octet.$x
			return 0
		fi
	done
	fail "network create: $(cat "$TEST_DIR/knet.err")"
}

# free_tcp_port: a TCP port nothing listens on (from 20000 up, random start).
free_tcp_port() {
	local p=$((20000 + RANDOM % 20000)) _
	for _ in $(seq 1 200); do
		if ! ss -Htln "sport = :$p" | grep -q .; then
			echo "$p"
			return 0
		fi
		p=$((p + 1))
	done
	return 1
}

# Placeholders: @DIR@ ($KHOST), @PORT@ ($KPORT), @NET@ ($KNET_PREFIX, the
# first three octets of the test network), @HOSTNAME@, @TESTDIR@, and
# @KEY@ for every KEY of the associative array KSUBST.
declare -gA KSUBST=()

_subst() {
	local k args=(-e "s|@DIR@|${KHOST:-@DIR@}|g" -e "s|@PORT@|${KPORT:-@PORT@}|g"
		-e "s|@NET@|${KNET_PREFIX:-@NET@}|g" -e "s|@HOSTNAME@|$(uname -n)|g"
		-e "s|@TESTDIR@|$TEST_DIR|g")
	for k in "${!KSUBST[@]}"; do
		args+=(-e "s|@$k@|${KSUBST[$k]}|g")
	done
	sed "${args[@]}"
}

# render NAME: fill in the placeholders of tests/data/kube/NAME.yaml.
render() {
	local out=$TEST_DIR/$1.yaml
	_subst <"$KDATA/$1.yaml" >"$out" || return 1
	echo "$out"
}

# kplay FILE [FLAGS...]: kube play on the test network (when there is one).
kplay() {
	local f=$1
	shift
	run_ctr kube play ${KNET:+--network "$KNET"} "$@" "$f"
}

# check_rows MANIFEST POD: see the header.
check_rows() {
	# (no loop variable "i": bats' run sets a global i)
	local m=$1 pod=$2 row n=0 bad=0 c cmd want got
	[ "${#ROWS[@]}" -gt 0 ] && [ $((${#ROWS[@]} % 4)) = 0 ] ||
		fail "ROWS is not a table of 4-tuples" || return 1
	for ((row = 0; row < ${#ROWS[@]}; row += 4)); do
		[ "${ROWS[row]}" = "$m" ] || continue
		n=$((n + 1))
		c=${ROWS[row + 1]}
		cmd=$(_subst <<<"${ROWS[row + 2]}")
		want=$(_subst <<<"${ROWS[row + 3]}")
		if [ "$cmd" = @logs ]; then
			ctr wait "$pod-$c" >/dev/null 2>"$TEST_DIR/row.err" || true
			got=$(ctr logs "$pod-$c" 2>>"$TEST_DIR/row.err") || true
		else
			# (a failing command is a mismatch, not the end of the test)
			got=$(ctr exec "$pod-$c" sh -c "$cmd" 2>"$TEST_DIR/row.err") || true
		fi
		if [[ "$want" == "~"* ]]; then
			grep -qE -- "${want:1}" <<<"$got" && continue
		else
			[ "$got" = "$want" ] && continue
		fi
		bad=$((bad + 1))
		printf '# row %s / %s: $ %s\n#   want: %s\n#   got:  %s\n' \
			"$m" "$c" "$cmd" "$want" "$got" >&2
		[ ! -s "$TEST_DIR/row.err" ] || sed 's/^/#   stderr: /' "$TEST_DIR/row.err" >&2
	done
	[ "$n" -gt 0 ] || fail "no rows for manifest '$m'" || return 1
	[ "$bad" = 0 ] || fail "$bad of $n rows of '$m' failed"
}

# What a kube play can make: pods, containers, volumes, networks, mounts
# below the test's dir, netns files in the run root's netns/.
_kube_state() {
	echo "pods: $(ctr pod ps -q --no-trunc | sort | xargs)"
	echo "containers: $(ctr ps -aq --no-trunc | sort | xargs)"
	echo "volumes: $(ctr volume ls -q | sort | xargs)"
	echo "networks: $(ctr network ls -q | sort | xargs)"
	echo "mounts: $(grep -cF "$TEST_DIR/" /proc/self/mountinfo)"
	echo "netns: $(find "$(_root_dir main)/runroot/netns" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort | xargs)"
}

state_snapshot() {
	_kube_state >"$TEST_DIR/state.before"
}

# assert_nothing_created: the state equals the last state_snapshot.
assert_nothing_created() {
	_kube_state >"$TEST_DIR/state.after"
	if ! diff "$TEST_DIR/state.before" "$TEST_DIR/state.after" >"$TEST_DIR/state.diff"; then
		sed 's/^/# /' "$TEST_DIR/state.diff" >&2
		fail "kube play left something behind"
		return 1
	fi
}

# assert_error_line LINE: stderr has a line that is LINE exactly (after the
# CLI's "Error: " prefix).
assert_error_line() {
	local l
	while IFS= read -r l; do
		[ "${l#Error: }" = "$1" ] && return 0
	done <<<"${stderr:-}"
	fail "no stderr line is exactly '$1'; stderr: '${stderr:-}'"
}

# cap_names HEX: the names of the capabilities set in HEX, sorted, on one line.
CAP_NAMES=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID
	SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW
	IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT
	SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
	AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM
	BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE)

cap_names() {
	local v=$((16#$1)) b out=()
	for ((b = 0; b < 64; b++)); do
		((v >> b & 1)) || continue
		out+=("${CAP_NAMES[b]:-CAP$b}")
	done
	printf '%s\n' "${out[@]}" | LC_ALL=C sort | xargs
}

# capeff CTR: the CapEff names of the container's shell.
capeff() {
	local hex
	hex=$(ctr exec "$1" sh -c 'grep ^CapEff: /proc/self/status' | awk '{print $2}') || return 1
	cap_names "$hex"
}

# wait_restarts CTR MIN [TENTHS]: poll until RestartCount >= MIN.
wait_restarts() {
	local _ n
	for _ in $(seq 1 "${3:-200}"); do
		n=$(ctr inspect --format '{{.RestartCount}}' "$1" 2>/dev/null)
		[ -n "$n" ] && [ "$n" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "container '$1' restarted ${n:-?} times, not >= $2"
}

# kube_teardown: everything the test made goes (system reset), leaks fail it.
kube_teardown() {
	ctr pod rm -af >/dev/null 2>&1 || true
	ctr_teardown
}
