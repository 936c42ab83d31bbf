#!/usr/bin/env bash
# `npm start`: install everything a fresh machine lacks, build the console and start it on
# its embedded defaults (SQLite in SMARTCLOUDOPS_DATA_DIR, host metrics collected locally).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh runtime
source scripts/ensure-deps.sh
exec node scripts/start-console.ts
