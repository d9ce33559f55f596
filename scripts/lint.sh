#!/usr/bin/env bash
# Lints the repository; exits non-zero on any finding. Run by .ci/run before the build.
#   - Swift: `swift format lint --strict` with the repository's .swift-format, over every Swift file.
#     `swift format format -i -r Sources Tests Package.swift` fixes what it can.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/swift-env.sh

echo "==> swift format lint --strict"
swift format lint --strict --parallel --configuration .swift-format --recursive Sources Tests Package.swift
