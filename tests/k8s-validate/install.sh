#!/bin/sh
# `make deps`: install the validator's npm packages (the exact versions of
# package-lock.json) into tests/k8s-validate/node_modules, quietly.  Does
# nothing when they are already there for this lock file, so that a
# machine without network access keeps working once installed.
set -e
cd "$(dirname "$0")"
for t in node npm; do
	command -v "$t" >/dev/null || { echo "make deps: '$t' is missing (Debian: nodejs, npm)" >&2; exit 1; }
done
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 18 ] || { echo "make deps: tests/k8s-validate needs node >= 18, not $(node --version)" >&2; exit 1; }
stamp=node_modules/.peapod-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
[ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && exit 0
echo "make deps: npm ci in tests/k8s-validate" >&2
npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
echo "$want" >"$stamp"
