#!/bin/bash
# Run unit test binaries (TAP) and sum their counts.  Prints
# "unit: N passed, N failed[, N skipped]" and exits non-zero on failure.
set -u
pass=0 fail=0 skip=0
for t in "$@"; do
	echo "# $t"
	out=$("$t" 2>&1); rc=$?
	printf '%s\n' "$out" | grep -v -E '^[0-9]+ passed, [0-9]+ failed' 
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -1)
	if [ -z "$line" ]; then
		echo "not ok - $t crashed or printed no summary (exit $rc)"
		fail=$((fail + 1)); continue
	fi
	p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
	s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
	pass=$((pass + p)); fail=$((fail + f)); skip=$((skip + ${s:-0}))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $t exited $rc"; fail=$((fail + 1))
	fi
done
echo "unit: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
