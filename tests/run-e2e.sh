#!/bin/bash
# Run the bats e2e suite (TAP) and sum its counts.  Needs root for most
# tests.  Prints "e2e: N passed, N failed, N skipped".
#
# E2E_JOBS (default 2) test files run at once (bats --jobs, GNU parallel;
# the tests of one file stay in order).  Each test checks its own leaks
# (mounts, processes under its dir); what is host-wide and cannot be told
# apart by test -- netns, veth interfaces, nftables tables -- is then
# checked once for the whole run: anything new after the suite is a leak,
# reported as a failing test of its own.  E2E_JOBS=1 runs the files one
# after another and checks host-wide leaks after every test.
set -u
cd "$(dirname "$0")/.." || exit 1
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/e2e/*.bats)
[ -e "${files[0]}" ] || { echo "e2e: 0 passed, 0 failed, 0 skipped"; exit 0; }
jobs=${E2E_JOBS:-2}
command -v parallel >/dev/null || jobs=1
[ ${#files[@]} -gt 1 ] || jobs=1

host_snapshot() {
	ip netns list 2>/dev/null | awk '{print "netns " $1}'
	ip -o link show type veth 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print "veth " $2}'
	nft list tables 2>/dev/null | awk '{print "nft " $2 " " $3}'
}

out=$(mktemp)
before=$(mktemp)
args=()
if [ "$jobs" -gt 1 ]; then
	host_snapshot | sort >"$before"
	export PEAPOD_E2E_SHARED_HOST=1
	args=(--jobs "$jobs" --no-parallelize-within-files)
fi
bats --tap "${args[@]}" --setup-suite-file tests/e2e/setup_suite.bash "${files[@]}" 2>&1 | tee "$out"
pass=$(grep -cE '^ok [0-9]+' "$out" | tr -d ' ')
skipped=$(grep -cE '^ok [0-9]+ .*# skip' "$out" | tr -d ' ')
fail=$(grep -cE '^not ok [0-9]+' "$out" | tr -d ' ')
pass=$((pass - skipped))
planned=$(sed -nE 's/^1\.\.([0-9]+)$/\1/p' "$out" | head -1)
ran=$((pass + skipped + fail))
if [ -n "$planned" ] && [ "$ran" -lt "$planned" ]; then
	echo "not ok - bats planned $planned tests but reported $ran"
	fail=$((fail + planned - ran))
fi
if grep -q 'setup_suite' "$out" && [ "$ran" = 0 ]; then
	fail=$((fail + 1))
fi
if [ "$jobs" -gt 1 ]; then
	# the suite's own host-wide leftovers (conmon exit commands may still
	# be tearing down for a moment)
	for _ in $(seq 1 20); do
		leaks=$(host_snapshot | sort | comm -13 "$before" -)
		[ -z "$leaks" ] && break
		sleep 0.5
	done
	if [ -n "$leaks" ]; then
		echo "not ok - host-wide leak check: the suite left" $leaks
		fail=$((fail + 1))
	else
		echo "ok - host-wide leak check: no netns, veth or nftables table left"
		pass=$((pass + 1))
	fi
fi
rm -f "$out" "$before"
echo "e2e: $pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
