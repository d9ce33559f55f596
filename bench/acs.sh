#!/usr/bin/env bash
# Side-by-side ACS benchmark: samlgate (nginx + samlgate-fcgi) against mod_auth_mellon 0.18 and
# Shibboleth SP 3 (mod_shib + shibd; skip with --no-shibboleth), both in Apache 2.4 (prefork), in one
# run, on 127.0.0.1: plaintext and encrypted assertions, samlgate's SP-initiated login (signed and
# unsigned AuthnRequests) and its per-request check. See bench/README.md for what each number means.
#
#   sudo bench/acs.sh                 # ~13 minutes on 2 cores; prints the tables at the end
#   bench/acs.sh --seconds 5          # shorter runs; other options: bench/acs.py --help
#   bench/acs.sh --before-bins OLD/.build/release --before-name REV   # and an older build, back to back
#   bench/acs.sh --store-comparison   # only: SQLite against PostgreSQL 15, one and two responders, and the peers
#
# Installs what it needs (Debian 12), builds release binaries, makes the test IdP's venv, generates
# unique signed (and encrypted) responses before each timed window, drives the SPs with wrk, then runs
# bench/validate.sh for the in-process floor. Exits 1 if any run is invalid (< 99% success answers,
# sessions missing) or something fails. Needs root: Apache switches to www-data, nginx runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/swift-env.sh

if [[ $(id -u) -ne 0 ]]; then
    echo "error: run as root (Apache and nginx are started with their own users, as the e2e tests do)" >&2
    exit 1
fi

scripts/install-deps.sh wrk libapache2-mod-auth-mellon >&2

# Shibboleth SP 3 is optional: if it cannot be installed, say why and measure the others
# (the table then has a "not measured: <reason>" line).
shib_args=()
if [[ " $* " != *" --no-shibboleth "* && " $* " != *" --only-before-after "* ]]; then
    if ! shib_log="$(scripts/install-deps.sh libapache2-mod-shib 2>&1)"; then
        reason="$(printf '%s\n' "$shib_log" | grep -v '^\s*$' | tail -n 1 | cut -c1-200)"
        echo "warning: Shibboleth SP not installed (scripts/install-deps.sh libapache2-mod-shib): $reason" >&2
        shib_args=(--shibboleth-unavailable "scripts/install-deps.sh libapache2-mod-shib failed: ${reason:-unknown}")
    else
        printf '%s\n' "$shib_log" | grep -v '^\s*$' >&2 || true
    fi
fi

echo "==> building release binaries" >&2
for product in samlgate-fcgi samlgate samlgate-bench; do
    swift build -c release --product "$product" >&2
done
BINS="$(swift build -c release --show-bin-path)"
PY="$(Tests/IdP/setup.sh | tail -n 1)"

child=""
cleanup() {
    # acs.py stops what it started (SIGTERM is turned into a normal exit there); this covers an
    # interrupted run of the script itself.
    if [[ -n "$child" ]] && kill -0 "$child" 2>/dev/null; then
        kill -TERM "$child" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$child" 2>/dev/null || break; sleep 0.2; done
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$PY" bench/acs.py --bins "$BINS" --python "$PY" "${shib_args[@]}" "$@" &
child=$!
wait "$child"
