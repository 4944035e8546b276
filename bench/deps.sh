#!/usr/bin/env bash
# Installs what `cargo bench --bench scale -- --hugo` compares against, only when missing:
# Debian's hugo and the Pagefind npm package pinned in bench/package.json.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v hugo >/dev/null; then
  echo "bench deps: installing hugo" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq hugo >/dev/null
fi
command -v npm >/dev/null || { echo "bench deps: npm is required (apt-get install -y npm)" >&2; exit 2; }
[ -d bench/node_modules/pagefind ] || npm ci --prefix bench --no-audit --no-fund
