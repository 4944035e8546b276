#!/usr/bin/env bash
# Installs the given Debian packages that dpkg does not list as installed (idempotent), with sudo
# when not root. Shared by scripts/test-deps.sh, bench/deps.sh and scripts/instructions.sh.
#
#   bash scripts/apt-install.sh PACKAGE [PACKAGE ...]
set -euo pipefail
missing=()
for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -gt 0 ] || exit 0
echo "apt-install: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
