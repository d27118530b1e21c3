# Environment shared by the Makefile targets: keeps Reflex, bun and caches inside the project
# and offline-friendly. Source it: `. scripts/env.sh`.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
export REFLEX_TELEMETRY_ENABLED=false
export REFLEX_CHECK_LATEST_VERSION=false
export REFLEX_DIR="$ROOT/.reflex"
export REFLEX_BUN_PATH="$ROOT/tools/js/node_modules/.bin/bun"
export BUN_INSTALL_CACHE_DIR="$ROOT/.cache/bun-install"
export BUN_RUNTIME_TRANSPILER_CACHE_PATH="$ROOT/.cache/bun-transpiler"
export NPM_CONFIG_REGISTRY="${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}"
export PYTHONDONTWRITEBYTECODE=1
