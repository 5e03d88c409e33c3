#!/usr/bin/env bash
# The crate split is a promise about dependency trees; this checks it (run by .ci/run):
# - asynction-spec (the AsyncAPI model) pulls in no server stack: no socketioxide, axum, hyper
#   or tokio, so any Rust project can read AsyncAPI with it;
# - asynction-codegen reads the model only: no server stack either;
# - asynction-diff compares two models: no server stack, no command-line parser;
# - asynction (the framework) pulls in no command-line parser: clap is the CLI crate's; its
#   default build has no observability stack (prometheus-client, OpenTelemetry, reqwest): those
#   come with the `metrics` and `otel` features only; nor schemars and asynction-diff, which
#   come with the `schemars` feature (the type check) only;
# - asynction-client is a client of any Socket.IO server: no socketioxide, no axum;
# - asynction-testkit (shared test support, never published) depends on none of the published
#   crates but asynction-client: each crate's own unit tests use it, and a dependency back on
#   the crate under test would link a second copy of that crate into its test binary;
# - no published crate has asynction-testkit as a normal dependency (dev-dependencies only).
set -euo pipefail
cd "$(dirname "$0")/.."

forbid() {
  forbid_with --all-features "$@"
}

# forbid_with FEATURE-FLAG CRATE NAME…: as `forbid`, for the crate built with FEATURE-FLAG
# (`--all-features`, or `--no-default-features` for the default build's promise).
forbid_with() {
  local features=$1; shift
  local crate=$1; shift
  local tree
  tree=$(cargo tree -p "$crate" -e normal "$features" --prefix none --format '{p}' | awk '{print $1}' | sort -u)
  local bad=()
  for name in "$@"; do
    if grep -qx "$name" <<<"$tree"; then bad+=("$name"); fi
  done
  if ((${#bad[@]})); then
    echo "dependency tree of $crate must not contain: ${bad[*]}" >&2
    for name in "${bad[@]}"; do cargo tree -p "$crate" -e normal "$features" -i "$name" >&2 || true; done
    exit 1
  fi
  echo "dependency tree of $crate ($features): none of $* (ok)"
}

forbid asynction-spec socketioxide axum hyper tokio clap
forbid asynction-codegen socketioxide axum hyper tokio clap
forbid asynction-diff socketioxide axum hyper tokio clap
forbid asynction clap
forbid_with --no-default-features asynction prometheus-client opentelemetry opentelemetry_sdk opentelemetry-otlp tracing-opentelemetry reqwest schemars asynction-diff
forbid asynction-client socketioxide socketioxide-core engineioxide axum clap
forbid asynction-testkit asynction asynction-spec asynction-codegen asynction-diff asynction-contract asynction-cli
for crate in asynction-spec asynction asynction-codegen asynction-diff asynction-contract asynction-cli asynction-client; do
  forbid "$crate" asynction-testkit
done
