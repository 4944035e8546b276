#!/usr/bin/env bash
# The whole test suite: installs what the tests need when it is missing, then checks
# formatting and lints, then runs every unit, integration and browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-deps.sh
cargo fmt --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
# The fuzz target is built (not run) so it keeps compiling against the library.
cargo build -p gongshi-fuzz --quiet
cargo test --all-targets
