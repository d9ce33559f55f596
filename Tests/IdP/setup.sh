#!/usr/bin/env bash
# Sets up what the test IdP (samlidp.py) and the browser tests need:
#   - xmlsec1 (pysaml2 signs by running it), from apt if missing
#   - a venv at ${SAMLGATE_VENV:-<repo>/.venv} with requirements.txt installed, and the repository's
#     Python helpers (pyproject.toml: samlgate_tools and samlidp) installed editable from this checkout
# Idempotent and quick when nothing changed. Progress goes to stderr; the last (and
# only) line on stdout is the venv's python, so callers can do PY=$(Tests/IdP/setup.sh).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${SAMLGATE_VENV:-$repo/.venv}"
req="$here/requirements.txt"
py="$venv/bin/python"
# The stamp records what the venv was built from: requirements.txt, pyproject.toml (the package's
# layout) and the checkout the editable install points at (a venv shared by two checkouts follows the last).
stamp="$venv/.samlidp-requirements.sha256"
want="$( (sha256sum "$req" "$repo/pyproject.toml"; echo "$repo") | sha256sum | cut -d' ' -f1)"

log() { echo "setup.sh: $*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=""
apt_install() {
    # apt-cache lists may be missing or stale on a fresh machine: update once.
    if [ -z "$apt_updated" ]; then
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        apt_updated=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

if ! command -v xmlsec1 >/dev/null 2>&1; then
    log "installing xmlsec1"
    apt_install xmlsec1
fi

# Fast path: venv present, built from these exact files for this checkout.
if [ -x "$py" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "$py"
    exit 0
fi

python="${PYTHON:-python3}"
if [ ! -x "$py" ]; then
    log "creating venv $venv"
    existed=""; [ -e "$venv" ] && existed=1
    # Stock Debian ships python3 without ensurepip: venv creation fails (leaving a
    # half-made directory) until python3-venv is installed.
    if ! "$python" -m venv "$venv" >&2 2>&1; then
        # Only clear what this attempt made, never a directory that was already there.
        [ -z "$existed" ] && rm -rf "$venv"
        log "python3 -m venv failed; installing python3-venv and retrying"
        apt_install python3-venv
        "$python" -m venv "$venv" >&2
    fi
fi

log "installing $(basename "$req") into $venv"
"$py" -m pip install --disable-pip-version-check -q -r "$req" >&2
log "installing the repository's Python helpers (editable) into $venv"
"$py" -m pip install --disable-pip-version-check -q --no-deps -e "$repo" >&2
echo "$want" > "$stamp"
echo "$py"
