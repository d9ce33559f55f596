#!/usr/bin/env bash
# samlgate demo: installs what is needed, builds release binaries, and signs a demo user in through
# nginx + samlgate-fcgi against a local test IdP (pysaml2). Then keeps running so you can try it in a
# browser at http://127.0.0.1:8080/app/ — Ctrl-C stops everything. `run.sh --check` exits after the
# scripted sign-in.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/swift-env.sh

scripts/install-deps.sh

echo "==> Building samlgate and samlgate-fcgi (release; the first build takes a few minutes)"
swift build -c release --product samlgate
swift build -c release --product samlgate-fcgi
BIN_DIR="$(swift build -c release --show-bin-path)"

PY="$(Tests/IdP/setup.sh | tail -n 1)"
exec "$PY" examples/demo/demo.py --bin-dir "$BIN_DIR" "$@"
