#!/usr/bin/env bash
# Memory checks (release build; CI runs this, about 2-3 minutes on 2 cores):
#  1. the ACS validation path under valgrind's memcheck: one pysaml2 response validated 100 and 400 times;
#  2. the full sign-in path under memcheck: `samlgate-bench gateway` posts freshly signed, unique responses
#     to the real SSOGateway's ACS handler (SQLite in a temporary folder) and runs the auth check with the
#     cookie it set, 25 and 100 times;
#  3. peak RSS of the gateway path without valgrind at 10,000 and 100,000 sign-ins, which must agree
#     within ±10 %.
# Fails on any invalid access, any definitely-lost block, blocks still allocated at exit growing with the
# iteration count (a per-request leak), or RSS growing with the count.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/swift-env.sh
scripts/install-deps.sh >&2
swift build -c release --product samlgate-bench >&2
BIN="$(swift build -c release --show-bin-path)/samlgate-bench"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
source scripts/sample-response.sh

# Debian 12's valgrind 3.19 gives up on the DWARF 5 debug info of the larger binary ("Possibly corrupted
# debuginfo file"); symbols survive --strip-debug, so reports still name functions.
objcopy --strip-debug "$BIN" "$WORK/samlgate-bench"
# GRDB's migration SQL builder (run once, before any request) reads an enum payload the Swift optimizer
# left partly uninitialised on the stack: the same 2 reports whatever the count, outside our code.
cat >"$WORK/swift.supp" <<'SUPP'
{
   grdb-migration-sql-interpolation
   Memcheck:Value8
   fun:$s4GRDB13SQLExpressionV3sql_20wrappedInParenthesis*
}
SUPP

# Runs one valgrind check and prints the blocks still allocated at exit.
outstanding() {
    local name="$1"
    shift
    valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=9 --suppressions="$WORK/swift.supp" \
        "$WORK/samlgate-bench" "$@" >"$WORK/vg-$name.log" 2>&1 || {
        echo "valgrind reported errors or definite leaks ($name):" >&2
        grep -E "Invalid|uninitialised|definitely lost|ERROR SUMMARY" "$WORK/vg-$name.log" >&2
        exit 1
    }
    # "total heap usage: A allocs, F frees" -> A - F blocks still allocated at exit.
    sed -n 's/.*total heap usage: \([0-9,]*\) allocs, \([0-9,]*\) frees.*/\1 \2/p' "$WORK/vg-$name.log" | tr -d , |
        awk '{ print $1 - $2 }'
}

# `slack` blocks of difference are allowed: lazily opened SQLite reader connections vary by one or two between
# runs; a per-request leak would add at least one block per extra iteration (hundreds here).
compare() {
    local what="$1" small="$2" small_n="$3" large="$4" large_n="$5" slack="$6"
    echo "$what: blocks still allocated at exit: $small after $small_n, $large after $large_n"
    if [[ "$large" -gt $((small + slack)) ]]; then
        echo "leak ($what): $((large - small)) more blocks after $((large_n - small_n)) more iterations" >&2
        exit 1
    fi
}

compare "ACS validation" \
    "$(outstanding validate-100 --response "$WORK/response.b64" --cert "$WORK/cert.pem" -n 100)" 100 \
    "$(outstanding validate-400 --response "$WORK/response.b64" --cert "$WORK/cert.pem" -n 400)" 400 0
compare "gateway sign-in + auth" \
    "$(outstanding gateway-25 gateway --no-signer-thread -n 25)" 25 \
    "$(outstanding gateway-100 gateway --no-signer-thread -n 100)" 100 2

# Peak RSS without valgrind: the process must not grow with the number of sign-ins.
peak() {
    "$BIN" gateway -n "$1" | tee -a "$WORK/rss.log" >&2
    tail -n 1 "$WORK/rss.log" | sed -n 's/.*peak_rss_kb=\([0-9]*\).*/\1/p'
}
rss_small=$(peak 10000)
rss_large=$(peak 100000)
echo "peak RSS: ${rss_small} KiB after 10,000 sign-ins, ${rss_large} KiB after 100,000"
if [[ $((rss_large * 100)) -gt $((rss_small * 110)) || $((rss_large * 100)) -lt $((rss_small * 90)) ]]; then
    echo "peak RSS differs by more than 10 % between 10,000 and 100,000 sign-ins" >&2
    exit 1
fi
echo "leak check: 0 errors, no definitely lost blocks, no growth in blocks or RSS"
