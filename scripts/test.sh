#!/usr/bin/env bash
# `npm test`: every check and test of the project, in the order that fails fastest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh

echo "== lint ==" && npx eslint --max-warnings=0 .
echo "== typecheck ==" && node scripts/typecheck.ts
echo "== unit and integration tests ==" && npx vitest run
