# shellcheck shell=bash
# Sourced by bench/validate.sh and scripts/leak-check.sh: a fresh test-IdP key pair and one pysaml2
# response for the benchmark account in $WORK (key.pem, cert.pem, response.b64), valid for an hour.
PY="$(Tests/IdP/setup.sh | tail -n 1)"
"$PY" Tests/IdP/samlidp.py keys --out "$WORK" >/dev/null
"$PY" Tests/IdP/samlidp.py response --acs https://help.example.com/sso/acme/acs \
    --audience https://help.example.com/sso/acme/metadata --email ann@example.com \
    --given-name Ann --family-name Lee --key "$WORK/key.pem" --cert "$WORK/cert.pem" \
    --valid-seconds 3600 >"$WORK/response.b64"
