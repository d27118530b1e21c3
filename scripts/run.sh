#!/usr/bin/env bash
# Check the settings, migrate, load demo data on the default SQLite database, then serve.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

PORT="${PORT:-8000}"
export PORT
say "Checking the configuration"
.venv/bin/python -m aesp_app check-config
say "Migrating the database"
.venv/bin/python -m aesp_app migrate
if [[ -z "${DATABASE_URL:-}" ]]; then
  say "Loading demo data into the default SQLite database"
  .venv/bin/python -m aesp_app demo-data
fi
if [[ "${1:-}" == "--dev" ]]; then
  say "Starting the development server: http://localhost:3000 (hot reload)"
  exec .venv/bin/reflex run --env dev
fi
say "Building and serving the production app on http://localhost:${PORT}"
exec .venv/bin/reflex run --env prod --backend-port "$PORT" --frontend-port "$PORT"
