#!/usr/bin/env bash
# The whole test suite: installs what the tests need when it is missing, then checks
# formatting and lints, then runs every unit, integration and browser test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-deps.sh
cargo fmt --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
# The `minify` feature (`build --minify`) is off by default; lint and test it here, which
# compiles minify-html, its minifiers and gongshi once more (about four minutes on two cores).
cargo clippy -p gongshi --all-targets --features minify --quiet -- -D warnings
# The fuzz target is built (not run) so it keeps compiling against the library.
cargo build -p gongshi-fuzz --quiet
cargo test --all-targets
cargo test --features minify --lib --test minify
