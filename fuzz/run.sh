#!/usr/bin/env bash
# Runs samlgate's libFuzzer targets (ACS path, certificate import, IdP metadata, return paths, form and
# DEFLATE decoding, whole FastCGI connections to the real server and gateway, Single Logout messages) with AddressSanitizer, each for a bounded time, seeded with valid inputs.
#   fuzz/run.sh                 # every target, 60 s each (FUZZ_SECONDS to change)
#   fuzz/run.sh acs metadata    # only these
# A crash leaves its input in fuzz/findings/<target>/ and makes the script exit non-zero; turn it into
# a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/swift-env.sh
scripts/install-deps.sh >&2

SECONDS_EACH="${FUZZ_SECONDS:-60}"
TARGETS=("$@")
if [[ ${#TARGETS[@]} -eq 0 ]]; then TARGETS=(acs certificate metadata returnpath form fastcgi logout); fi

echo "==> building samlgate-fuzz with -sanitize=fuzzer,address" >&2
swift build -c debug --product samlgate-fuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xswiftc -DSAMLGATE_FUZZ >&2
BIN="$(swift build -c debug --scratch-path .build-fuzz --show-bin-path)/samlgate-fuzz"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
PY="$(Tests/IdP/setup.sh | tail -n 1)"

seed() {
    local target="$1" dir="$WORK/corpus-$1"
    mkdir -p "$dir"
    case "$target" in
    acs)
        for sign in assertion response both none; do
            "$PY" Tests/IdP/samlidp.py response --acs https://help.example.com/sso/acme/acs \
                --audience https://help.example.com/sso/acme/metadata --email alice@example.com \
                --key Tests/Fixtures/certificates/idp-rsa-key.pem --cert Tests/Fixtures/certificates/idp-rsa-cert.pem \
                --sign "$sign" --valid-seconds 315360000 | base64 -d >"$dir/pysaml2-$sign.xml"
        done
        cp Tests/Fixtures/metadata/*.xml "$dir/" ;;
    certificate) cp Tests/Fixtures/certificates/* "$dir/" ;;
    metadata) cp Tests/Fixtures/metadata/*.xml "$dir/" ;;
    returnpath) printf '/tickets?x=1' >"$dir/a"; printf 'https://help.example.com/desk/x' >"$dir/b"; printf '//evil' >"$dir/c" ;;
    form) printf 'a=b%%20c&d=%%zz' >"$dir/a"; printf '\x4b\x4c\x04\x00' >"$dir/b" ;;
    fastcgi)
        "$PY" Tests/IdP/samlidp.py response --acs https://help.example.com/sso/acme/acs \
            --audience https://help.example.com/sso/acme/metadata --email alice@example.com \
            --key Tests/Fixtures/certificates/idp-rsa-key.pem --cert Tests/Fixtures/certificates/idp-rsa-cert.pem \
            --valid-seconds 315360000 | base64 -d >"$WORK/fastcgi-response.xml"
        "$PY" fuzz/fastcgi_seeds.py "$dir" "$WORK/fastcgi-response.xml" ;;
    logout)
        local request='<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_l1" Version="2.0" IssueInstant="2026-11-30T16:00:00Z" Destination="https://help.example.com/sso/acme/slo"><saml:Issuer>https://idp.example.com/saml</saml:Issuer><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">alice@example.com</saml:NameID><samlp:SessionIndex>_s1</samlp:SessionIndex></samlp:LogoutRequest>'
        printf '%s' "$request" >"$dir/request.xml"
        printf '%s' "${request//LogoutRequest/LogoutResponse}" >"$dir/response.xml"
        printf 'SAMLRequest=fZBLa8MwEITv&RelayState=r&SigAlg=http%%3A%%2F%%2Fwww.w3.org%%2F2001%%2F04%%2Fxmldsig-more%%23rsa-sha256&Signature=AAAA' >"$dir/query" ;;
    esac
}

status=0
for target in "${TARGETS[@]}"; do
    seed "$target"
    mkdir -p "fuzz/findings/$target"
    echo "==> fuzzing $target for ${SECONDS_EACH}s" >&2
    extra=() asan="${ASAN_OPTIONS:-}"
    # The fastcgi target's server threads may still be in a request when libFuzzer checks for leaks
    # (after an input, and at exit), which then reports their live objects as leaks. Leaks of the
    # whole sign-in path are checked by scripts/leak-check.sh under valgrind instead.
    if [[ "$target" == fastcgi ]]; then extra=(-detect_leaks=0) asan="detect_leaks=0${asan:+:$asan}"; fi
    if ! ASAN_OPTIONS="$asan" SAMLGATE_FUZZ_TARGET="$target" "$BIN" "$WORK/corpus-$target" "${extra[@]}" \
        -max_total_time="$SECONDS_EACH" \
        -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="fuzz/findings/$target/" 2>"$WORK/$target.log"; then
        echo "!! $target: crash — input saved under fuzz/findings/$target/" >&2
        tail -40 "$WORK/$target.log" >&2
        status=1
    fi
    grep -E "stat::number_of_executed_units|cov:" "$WORK/$target.log" | tail -2 | sed "s/^/   $target: /" >&2
done
exit "$status"
