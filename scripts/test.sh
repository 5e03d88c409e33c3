#!/usr/bin/env bash
# Runs every test: formatting, lints, unit + integration tests against real peers (Node
# socket.io-client, python-socketio, @asyncapi/parser, ajv, Chromium, Redis).
# Installs missing peers first, so a fresh machine needs nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-peers.sh

cargo fmt --all -- --check
cargo clippy --all-targets --all-features -- -D warnings
cargo test --all-features --workspace 2>&1 | tee target/test-output.txt
