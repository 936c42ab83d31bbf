#!/usr/bin/env bash
# Installs the Debian packages the project needs, when they are missing.
#   runtime: what `npm ci` needs to build keytar (libsecret headers, a compiler), and jemalloc,
#            the allocator the server runs on (scripts/server-runtime-env.ts).
#   test:    plus Chromium (browser tests), PostgreSQL (database tests; initdb + pg_ctl), Prometheus/Alertmanager/node_exporter
#            (integration tests), gnome-keyring + D-Bus (keychain tests), Xvfb, wrk (the benchmarks' load generator).
set -euo pipefail
profile="${1:-runtime}"
packages=(libsecret-1-dev g++ make python3 libjemalloc2)
if [ "$profile" = test ]; then
  packages+=(chromium postgresql prometheus prometheus-alertmanager prometheus-node-exporter gnome-keyring dbus dbus-x11 xvfb wrk)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "[setup] missing Debian packages: ${missing[*]} (run as root: apt-get install ${missing[*]})" >&2
  exit 0
fi
echo "[setup] installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
