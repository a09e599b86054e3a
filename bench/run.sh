#!/bin/bash
# Run every benchmark in bench/ (each bench/*.sh but this one), one after
# the other; exit non-zero if any failed.
set -u
cd "$(dirname "$0")" || exit 1
rc=0
for b in ./*.sh; do
	[ "$b" = ./run.sh ] && continue
	echo "== bench/${b#./}"
	bash "$b" || { echo "bench/${b#./}: failed" >&2; rc=1; }
	echo
done
exit $rc
