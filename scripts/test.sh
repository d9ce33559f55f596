#!/usr/bin/env bash
# Runs every samlgate test: installs what is missing, builds, then runs the test IdP's self-test,
# the Swift suites (unit, CLI, attack battery, pysaml2 interop, handlers, FastCGI transport; the store,
# gateway and CLI ones on SQLite and again on a throw-away PostgreSQL cluster) and the
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

# The store, gateway, settings and CLI suites again, each test on a new database of a throw-away
# PostgreSQL cluster (loopback only, its own port), stopped when this script ends.
echo "==> swift test on PostgreSQL (store, gateway, settings, CLI)"
pg_folder="$(mktemp -d /tmp/samlgate-test-pg.XXXXXX)"
trap 'scripts/test-postgres.sh stop "$pg_folder"' EXIT
SAMLGATE_TEST_POSTGRES="$(scripts/test-postgres.sh start "$pg_folder")"
SAMLGATE_TEST_STORE=postgresql SAMLGATE_TEST_POSTGRES="$SAMLGATE_TEST_POSTGRES" \
    swift test --skip-build --filter 'StoreTests|EndpointsTests|AdminTests|CLITests'

echo "==> end-to-end tests (nginx, Apache, samlgate-fcgi; pysaml2 and SimpleSAMLphp IdPs)"
"$SAMLGATE_IDP_PYTHON" -m pytest -q -p no:cacheprovider Tests/E2E
