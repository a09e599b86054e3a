#!/bin/bash
# `make check`: unit tests, then the e2e suite; one closing line
# "N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/.." || exit 1
log=$(mktemp)
tests/run-unit.sh "$@" 2>&1 | tee "$log"
tests/run-e2e.sh 2>&1 | tee -a "$log"
sum() { grep -E "^$1: " "$log" | sed -nE "s/.* ([0-9]+) $2.*/\1/p" | awk '{s+=$1} END {print s+0}'; }
p=$(sum '(unit|e2e)' passed); f=$(sum '(unit|e2e)' failed); s=$(sum '(unit|e2e)' skipped)
p=${p:-0}; f=${f:-0}; s=${s:-0}
rm -f "$log"
if [ "$s" != 0 ]; then
	echo "$p passed, $f failed, $s skipped"
else
	echo "$p passed, $f failed"
fi
[ "$f" = 0 ]
