#!/usr/bin/env bash
# `npm test`: every check and test of the project, in the order that fails fastest.
# Playwright resolves relative report paths against its config folder, hence $PWD below.
# Ends with one summary line "total: N passed, N failed, N skipped" over all suites.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-deps.sh
export CI="${CI:-}"
# Node's on-disk compile cache for every Node process below (eslint, tsc, the test workers,
# the servers the tests spawn, the build, Playwright): each compiles the same files.
export NODE_COMPILE_CACHE="${NODE_COMPILE_CACHE:-${TMPDIR:-/tmp}/smartcloudops-node-compile-cache}"
results=test-results
rm -rf "$results/summary" && mkdir -p "$results/summary"

echo "== lint ==" && node_modules/.bin/eslint --max-warnings=0 . && node scripts/check-feature-cycles.ts
echo "== typecheck ==" && node scripts/typecheck.ts

echo "== unit and integration tests (vitest) =="
status=0
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json="$results/summary/vitest.json" || status=$?

if [ "$status" -eq 0 ]; then
  echo "== build (electron-vite: main, preload, renderer; vite: web console) =="
  npm run --silent build
  npm run --silent build:web
  for suite in tests/e2e tests/electron; do
    [ -f "$suite/playwright.config.ts" ] || continue
    echo "== end-to-end: $suite =="
    PLAYWRIGHT_JSON_OUTPUT_NAME="$PWD/$results/summary/$(basename "$suite").json" \
      node_modules/.bin/playwright test -c "$suite/playwright.config.ts" --reporter=list,json || status=$?
  done
fi

node scripts/test-summary.ts "$results/summary"
exit "$status"
