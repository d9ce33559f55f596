#!/usr/bin/env bash
# In-process floor of the ACS path: single-thread SAMLResponse validations per second (release build),
# printed next to `openssl speed rsa2048` verifies per second measured in the same run.
# The response comes from pysaml2 (Tests/IdP), signed with RSA-2048/SHA-256 like a typical IdP's.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/swift-env.sh
scripts/install-deps.sh >&2
N="${N:-20000}"

echo "==> building samlgate-bench (release)" >&2
swift build -c release --product samlgate-bench >&2
BIN="$(swift build -c release --show-bin-path)/samlgate-bench"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
source scripts/sample-response.sh

echo "==> openssl speed rsa2048 (verify, one core)" >&2
OPENSSL_VERIFY=$(openssl speed -seconds 3 rsa2048 2>/dev/null | awk '/^rsa 2048 bits/ {print $(NF)}')
echo "==> samlgate-bench -n $N" >&2
RESULT=$("$BIN" --response "$WORK/response.b64" --cert "$WORK/cert.pem" -n "$N")
SAMLGATE=$(sed -n 's/.*validations_per_second=\([0-9]*\).*/\1/p' <<<"$RESULT")

echo
echo "samlgate single-thread validations/s : $SAMLGATE   ($RESULT)"
echo "openssl speed rsa2048 verify/s       : ${OPENSSL_VERIFY%.*}"
awk -v a="$SAMLGATE" -v b="$OPENSSL_VERIFY" 'BEGIN { printf "ratio samlgate/openssl-verify       : %.1f%%\n", 100 * a / b }'
