#!/bin/bash
# Run the bats e2e suite (TAP) and sum its counts.  Needs root for most
# tests.  Prints "e2e: N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/.." || exit 1
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(tests/e2e/*.bats)
[ -e "${files[0]}" ] || { echo "e2e: 0 passed, 0 failed, 0 skipped"; exit 0; }
out=$(mktemp)
bats --tap --setup-suite-file tests/e2e/setup_suite.bash "${files[@]}" 2>&1 | tee "$out"
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
rm -f "$out"
echo "e2e: $pass passed, $fail failed, $skipped skipped"
[ "$fail" = 0 ]
