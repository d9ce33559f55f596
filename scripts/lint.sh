#!/usr/bin/env bash
# Lints the repository; exits non-zero on any finding. Run by .ci/run before the build (and before
# scripts/test.sh makes the test venv), so it prepares its own tools; quick when they are there.
#   - Swift: `swift format lint --strict` with the repository's .swift-format, over every Swift file.
#     `swift format format -i -r Sources Tests Package.swift` fixes what it can.
#   - Python: `ruff check` with pyproject.toml's settings, over every Python file. ruff lives in its own
#     venv, ${SAMLGATE_LINT_VENV:-<repo>/.venv-lint}, from the pinned scripts/lint-requirements.txt: one
#     small wheel, not the test IdP's pysaml2 stack, and a new ruff does not rebuild the test venv.
#     `ruff check --fix` fixes what it can.
#   - Shell: shellcheck (Debian's package, from scripts/install-deps.sh) over every shell script: the
#     tracked and new files named *.sh or starting with a sh/bash shebang (.ci/run has no extension).
# Every linter runs even when an earlier one found something, so one run shows every finding.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/swift-env.sh
failed=()

# The shell linter, and python3-venv for ruff's venv (stock Debian's python3 has no ensurepip without it).
if ! command -v shellcheck >/dev/null 2>&1 || ! python3 -c "import ensurepip" 2>/dev/null; then
    scripts/install-deps.sh >&2
fi

echo "==> swift format lint --strict"
swift format lint --strict --parallel --configuration .swift-format --recursive Sources Tests Package.swift ||
    failed+=("swift format")

lint_venv="${SAMLGATE_LINT_VENV:-$PWD/.venv-lint}"
lint_req=scripts/lint-requirements.txt
stamp="$lint_venv/.lint-requirements.sha256"
want="$(sha256sum "$lint_req" | cut -d' ' -f1)"
if [[ ! -x "$lint_venv/bin/ruff" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "==> installing $lint_req into $lint_venv"
    python3 -m venv "$lint_venv"
    "$lint_venv/bin/python" -m pip install --disable-pip-version-check -q -r "$lint_req"
    echo "$want" >"$stamp"
fi
echo "==> ruff check ($("$lint_venv/bin/ruff" --version))"
"$lint_venv/bin/ruff" check --no-cache . || failed+=(ruff)

shell_scripts=()
while IFS= read -r -d '' path; do
    [[ -f "$path" ]] || continue # listed but deleted in the work tree
    if [[ "$path" == *.sh ]] || head -n 1 "$path" | grep -qE '^#!.*[/ ](ba|da)?sh([[:space:]]|$)'; then
        shell_scripts+=("$path")
    fi
done < <(git ls-files -z --cached --others --exclude-standard)
echo "==> shellcheck ($(shellcheck --version | sed -n 's/^version: //p')): ${#shell_scripts[@]} scripts"
# -x: follow `source`d files (paths are relative to the repository root, where the scripts cd to).
shellcheck -x "${shell_scripts[@]}" || failed+=(shellcheck)

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "lint: findings from ${failed[*]}" >&2
    exit 1
fi
echo "lint: no findings"
