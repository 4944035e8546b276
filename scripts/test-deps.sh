#!/usr/bin/env bash
# Installs what the test suite needs, only when it is missing (idempotent, safe to run often).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  bash scripts/apt-install.sh "$@"
}

pip_install() {
  local missing=()
  for mod in "$@"; do
    python3 -c "import ${mod%%=*}" >/dev/null 2>&1 || missing+=("${mod#*=}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "test-deps: pip installing ${missing[*]}" >&2
    python3 -m pip install --quiet --disable-pip-version-check "${missing[@]}"
  fi
}

command -v cargo >/dev/null || { echo "test-deps: cargo is required (rustup)" >&2; exit 2; }
rustup component list --installed 2>/dev/null | grep -q rustfmt || rustup component add rustfmt clippy

# tests/export.rs: the data package must pass `frictionless validate`, every Atom feed must parse
# in feedparser, and SHA256SUMS must pass `sha256sum -c` (GNU coreutils).
command -v python3 >/dev/null || apt_install python3 python3-pip
pip_install frictionless feedparser
command -v sha256sum >/dev/null || apt_install coreutils

# tests/browser.rs: real-browser tests (headless Debian chromium driven by playwright-core, axe-core,
# Lighthouse) need chromium and CJK fonts (so screenshots show the text); the Nu HTML Checker needs Java.
apt_install chromium fonts-noto-cjk default-jre-headless
# The browser tests serve the site with Debian's nginx and docs/deploy/nginx.conf.
apt_install nginx-light
command -v npm >/dev/null || apt_install npm
[ -d tests/js/node_modules ] || npm ci --prefix tests/js --no-audit --no-fund
