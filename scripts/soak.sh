#!/usr/bin/env bash
# Soak test: the chat_bench example under N long-lived connections with mixed valid/invalid
# traffic and reconnecting abusers, on 127.0.0.1 only, bounded in time. Prints one row per
# interval: server RSS, live tokio tasks, answers by kind, timeouts, dropped connections, ack
# latency p50/p99/max.
#
#   scripts/soak.sh                                   # 10 000 connections, 10 minutes
#   CONNECTIONS=2000 DURATION=120 SAMPLE=30 scripts/soak.sh
#
# Settings (environment): CONNECTIONS (10000), DURATION seconds (600), SAMPLE seconds (60),
# EMIT_INTERVAL_MS per connection (5000), INVALID_RATIO (0.2), ABUSERS (10), PORT (5077).
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-10000}
DURATION=${DURATION:-600}
SAMPLE=${SAMPLE:-60}
EMIT_INTERVAL_MS=${EMIT_INTERVAL_MS:-5000}
INVALID_RATIO=${INVALID_RATIO:-0.2}
ABUSERS=${ABUSERS:-10}
PORT=${PORT:-5077}
TARGET_DIR=${CARGO_TARGET_DIR:-target}

# Each connection is one file descriptor on both sides.
ulimit -n "$(( CONNECTIONS * 2 + 1024 ))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"

cargo build --release --example chat_bench
cargo build --release -p asynction-bench

CHAT_BENCH_DEBUG_ENDPOINT=1 PORT=$PORT "$TARGET_DIR/release/examples/chat_bench" &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    sleep 0.1
done

# The whole run is bounded: traffic DURATION plus connecting and draining.
timeout "$(( DURATION + 300 ))" "$TARGET_DIR/release/asynction-bench" soak \
    --url "http://127.0.0.1:$PORT" \
    --connections "$CONNECTIONS" \
    --abusers "$ABUSERS" \
    --duration "$DURATION" \
    --sample "$SAMPLE" \
    --emit-interval-ms "$EMIT_INTERVAL_MS" \
    --invalid-ratio "$INVALID_RATIO" \
    --server-pid "$SERVER" \
    --metrics-url "http://127.0.0.1:$PORT/debug/runtime"
