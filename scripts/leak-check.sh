#!/usr/bin/env bash
# Memory check of the ACS validation path under valgrind's memcheck: validates one pysaml2 response
# 100 and 400 times (release build) and fails on any invalid access, any definitely-lost block, or
# blocks still allocated at exit growing with the iteration count (a per-request leak).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/swift-env.sh
scripts/install-deps.sh >&2
swift build -c release --product samlgate-bench >&2
BIN="$(swift build -c release --show-bin-path)/samlgate-bench"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
source scripts/sample-response.sh

outstanding() {
    valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 \
        "$BIN" --response "$WORK/response.b64" --cert "$WORK/cert.pem" -n "$1" >"$WORK/vg$1.log" 2>&1 || {
        echo "valgrind reported errors or definite leaks at n=$1:" >&2
        grep -E "Invalid|definitely lost|ERROR SUMMARY" "$WORK/vg$1.log" >&2
        exit 1
    }
    # "total heap usage: A allocs, F frees" -> A - F blocks still allocated at exit.
    sed -n 's/.*total heap usage: \([0-9,]*\) allocs, \([0-9,]*\) frees.*/\1 \2/p' "$WORK/vg$1.log" | tr -d , |
        awk '{ print $1 - $2 }'
}

small=$(outstanding 100)
large=$(outstanding 400)
echo "blocks still allocated at exit: $small after 100 validations, $large after 400"
if [[ "$large" -gt "$small" ]]; then
    echo "leak: $((large - small)) more blocks after 300 more validations" >&2
    exit 1
fi
echo "leak check: 0 errors, no definitely lost blocks, no growth"
