#!/usr/bin/env bash
# Runs every samlgate test: installs what is missing, builds, then runs the test IdP's self-test,
# the Swift suites (unit, CLI, attack battery, pysaml2 interop, handlers, FastCGI transport) and the
# end-to-end suites through real nginx and Apache (against the pysaml2 IdP and SimpleSAMLphp). Exits non-zero
# on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/swift-env.sh

scripts/install-deps.sh

echo "==> Test IdP (pysaml2) venv"
SAMLGATE_IDP_PYTHON="$(Tests/IdP/setup.sh | tail -n 1)"
export SAMLGATE_IDP_PYTHON
"$SAMLGATE_IDP_PYTHON" -m pytest -q -p no:cacheprovider Tests/IdP

echo "==> swift build --build-tests"
swift build --build-tests
SAMLGATE_BIN_DIR="$(swift build --show-bin-path)"
export SAMLGATE_BIN_DIR

echo "==> swift test"
swift test --skip-build

echo "==> end-to-end tests (nginx, Apache, samlgate-fcgi; pysaml2 and SimpleSAMLphp IdPs)"
"$SAMLGATE_IDP_PYTHON" -m pytest -q -p no:cacheprovider Tests/E2E
