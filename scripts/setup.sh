#!/usr/bin/env bash
# Idempotent setup: Python virtual environment and packages, and the JavaScript runtime
# (bun, from the npm registry) that Reflex builds the front end with. `--test` adds the test
# tools and Debian's Chromium. Each step says what it does and skips what is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

want_test=0
[[ "${1:-}" == "--test" ]] && want_test=1

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

PYTHON_BIN="${PYTHON:-python3}"
if [[ ! -x .venv/bin/python ]]; then
  say "Creating the Python virtual environment (.venv) with $($PYTHON_BIN --version)"
  "$PYTHON_BIN" -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
fi

req_files=(requirements.txt requirements-speech.txt)
[[ $want_test == 1 ]] && req_files+=(requirements-dev.txt)
stamp_file=".venv/.installed-$( [[ $want_test == 1 ]] && echo test || echo app )"
stamp="$(cat "${req_files[@]}" | sha256sum | cut -c1-16)"
if [[ ! -f "$stamp_file" || "$(cat "$stamp_file")" != "$stamp" ]]; then
  say "Installing Python packages from ${req_files[*]}"
  # requirements-dev.txt includes requirements.txt, which includes requirements-speech.txt.
  top=requirements.txt; [[ $want_test == 1 ]] && top=requirements-dev.txt
  .venv/bin/pip install --quiet --disable-pip-version-check -r "$top"
  echo "$stamp" > "$stamp_file"
else
  say "Python packages are up to date"
fi

if [[ ! -x tools/js/node_modules/.bin/bun ]] || ! tools/js/node_modules/.bin/bun --version >/dev/null 2>&1; then
  say "Installing bun from the npm registry into tools/js (Reflex builds the front end with it)"
  (cd tools/js && npm ci --no-audit --no-fund --loglevel=error)
else
  say "bun $(tools/js/node_modules/.bin/bun --version) is installed"
fi

if [[ $want_test == 1 ]]; then
  if [[ ! -x /usr/bin/chromium ]]; then
    say "Installing Debian's chromium for the browser tests"
    if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
  else
    say "Chromium is installed ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
  fi
fi
