#!/usr/bin/env bash
# In-process floor of the ACS path: single-thread SAMLResponse validations per second (release build),
# printed next to `openssl speed rsa2048` verifies per second measured in the same run.
# The response comes from pysaml2 (Tests/IdP), signed with RSA-2048/SHA-256 like a typical IdP's.
#
# BEFORE_BIN=<an older build's samlgate-bench> also validates the same response with that binary,
# alternating with this build's (ROUNDS times each, default 2; the best of each is printed), and prints
# the ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/swift-env.sh
scripts/install-deps.sh >&2
N="${N:-20000}"
ROUNDS="${ROUNDS:-2}"
BEFORE_BIN="${BEFORE_BIN:-}"

echo "==> building samlgate-bench (release)" >&2
swift build -c release --product samlgate-bench >&2
BIN="$(swift build -c release --show-bin-path)/samlgate-bench"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
source scripts/sample-response.sh

echo "==> openssl speed rsa2048 (verify, one core)" >&2
OPENSSL_VERIFY=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $(NF)}')

# validations BINARY: one run's validations per second (its whole output line goes to stderr).
validations() {
    local result
    echo "==> $1 -n $N" >&2
    result=$("$1" --response "$WORK/response.b64" --cert "$WORK/cert.pem" -n "$N")
    echo "    $result" >&2
    sed -n 's/.*validations_per_second=\([0-9]*\).*/\1/p' <<<"$result"
}

SAMLGATE=0
BEFORE=0
for _ in $(seq 1 "$([[ -n "$BEFORE_BIN" ]] && echo "$ROUNDS" || echo 1)"); do
    if [[ -n "$BEFORE_BIN" ]]; then
        rate=$(validations "$BEFORE_BIN")
        if ((rate > BEFORE)); then BEFORE=$rate; fi
    fi
    rate=$(validations "$BIN")
    if ((rate > SAMLGATE)); then SAMLGATE=$rate; fi
done

echo
echo "samlgate single-thread validations/s : $SAMLGATE"
echo "openssl speed rsa2048 verify/s       : ${OPENSSL_VERIFY%.*}"
awk -v a="$SAMLGATE" -v b="$OPENSSL_VERIFY" 'BEGIN { printf "ratio samlgate/openssl-verify       : %.1f%%\n", 100 * a / b }'
if [[ -n "$BEFORE_BIN" ]]; then
    echo "older build validations/s            : $BEFORE   ($BEFORE_BIN)"
    awk -v a="$SAMLGATE" -v b="$BEFORE" 'BEGIN { printf "ratio this build/older build        : %.2fx\n", a / b }'
fi
