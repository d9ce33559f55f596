#!/usr/bin/env bash
# Installs the Debian packages samlgate needs to build and test, if any is missing.
# Idempotent: with everything present it only checks. Needs root (or sudo) to install.
set -euo pipefail

packages=(
    # build
    pkg-config libfcgi-dev libssl-dev libxml2-dev libxmlsec1-dev libxmlsec1-openssl libsqlite3-dev zlib1g-dev
    libcurl4-openssl-dev libpq-dev
    # tests: certificate and signature tooling, the test IdP's venv, real web servers for end-to-end tests
    openssl xmlsec1 libxml2-utils python3-venv nginx apache2 libapache2-mod-fcgid
    # the second test IdP: SimpleSAMLphp (PHP, xmlseclibs) run by php-cli's built-in server. php-cgi comes
    # before simplesamlphp so it satisfies the `php` package's choice of a PHP runtime: otherwise apt takes the
    # first one, libapache2-mod-php, and changes the system Apache. php-cgi starts no service (php-fpm does).
    php-cgi simplesamlphp php-cli php-xml php-mbstring
    # Request Tracker 5 behind samlgate (Tests/E2E/test_request_tracker.py, examples/request-tracker): RT's
    # FastCGI server under spawn-fcgi, on a SQLite database. Naming rt5-fcgi satisfies RT's choice of a web
    # server package (apt would take rt5-standalone, the first); RT also pulls in an MTA (exim4).
    request-tracker5 rt5-fcgi rt5-db-sqlite spawn-fcgi
    # the browser test
    chromium chromium-driver fonts-dejavu-core
    # the PostgreSQL client's tests: a throw-away cluster from initdb and pg_ctl in /usr/lib/postgresql/15/bin
    postgresql-15
    # the leak check
    valgrind
    # the shell linter (scripts/lint.sh)
    shellcheck
)
if [[ $# -gt 0 ]]; then packages+=("$@"); fi

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
    echo "==> Installing Debian packages: ${missing[*]}"
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
    if [[ -x /opt/swift/usr/bin/swift ]]; then
        echo "==> Swift found at /opt/swift/usr/bin (add it to PATH to use it directly)"
    else
        echo "error: no Swift toolchain found. samlgate needs Swift 6.1 or newer: install it from swift.org" \
            "(e.g. with swiftly) and make sure 'swift' is on PATH." >&2
        exit 1
    fi
fi
