#!/usr/bin/env bash
# samlgate demo. For now it builds the CLI, creates a demo database and account, and shows the values
# an admin gives the identity provider. The full sign-in demo (nginx + responder + a local IdP) comes
# with the FastCGI responder.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/swift-env.sh

scripts/install-deps.sh

echo "==> Building samlgate (release)"
swift build -c release --product samlgate
BIN="$(swift build -c release --show-bin-path)/samlgate"

DEMO_DIR="${DEMO_DIR:-$PWD/.demo}"
export SAMLGATE_DB="$DEMO_DIR/samlgate.db"
rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR"

"$BIN" init
"$BIN" account add demo --base-url http://127.0.0.1:8080 --name "Demo Helpdesk"
echo "demo-owner-password" | "$BIN" user add --account demo --email owner@demo.test --role owner \
    --given-name Demo --family-name Owner --password-stdin
"$BIN" user add --account demo --email agent@demo.test --role user --given-name Ada --family-name Agent

# A throw-away IdP signing certificate, as an admin would download from their IdP.
openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=demo-idp.test" \
    -keyout "$DEMO_DIR/idp-key.pem" -out "$DEMO_DIR/idp-cert.pem" 2>/dev/null
"$BIN" saml set --account demo --sso-url http://127.0.0.1:8081/sso --cert "$DEMO_DIR/idp-cert.pem" --enable
echo
"$BIN" user list --account demo
echo
echo "Demo database: $SAMLGATE_DB   (try: SAMLGATE_DB=$SAMLGATE_DB $BIN --help)"
