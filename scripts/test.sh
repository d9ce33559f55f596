#!/usr/bin/env bash
# Runs every samlgate test: installs what is missing, builds, then runs the unit and CLI tests.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/swift-env.sh

scripts/install-deps.sh

echo "==> swift build --build-tests"
swift build --build-tests

echo "==> swift test"
swift test --skip-build
