#!/usr/bin/env bash
# The whole suite: services and handlers on SQLite (and MariaDB when TEST_MYSQL_URL is set),
# speech engine, then the browser journeys against the production build.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

if [[ -n "${TEST_MYSQL_URL:-}" ]]; then say "MariaDB/MySQL tests on ${TEST_MYSQL_URL%%\?*}"; else say "TEST_MYSQL_URL not set: database tests run on SQLite only"; fi
say "Running the test suite"
.venv/bin/python -m pytest "$@"
