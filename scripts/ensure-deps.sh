# Sourced: Node 24 on PATH, then `npm ci` when node_modules does not match the lockfile.
source "$(dirname "${BASH_SOURCE[0]}")/node-env.sh"
sco_lock_sum="$(sha256sum "$SCO_ROOT/package-lock.json" | cut -d' ' -f1)-$(node -v)"
if [ "$(cat "$SCO_ROOT/node_modules/.sco-installed" 2>/dev/null)" != "$sco_lock_sum" ]; then
  echo "[setup] installing npm dependencies (npm ci)" >&2
  (cd "$SCO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$sco_lock_sum" > "$SCO_ROOT/node_modules/.sco-installed"
fi
