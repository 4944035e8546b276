#!/usr/bin/env bash
# Installs what `cargo bench --bench scale -- --hugo` compares against, only when missing:
# Debian's hugo and the Pagefind npm package pinned in bench/package.json.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hugo >/dev/null || bash scripts/apt-install.sh hugo
command -v npm >/dev/null || { echo "bench deps: npm is required (apt-get install -y npm)" >&2; exit 2; }
[ -d bench/node_modules/pagefind ] || npm ci --prefix bench --no-audit --no-fund
