//! Connection state recovery under a flaky network (issue 28; anycable/nodejs-websocket-bench's
//! Socket.IO jitter scenario scaled to this machine): 1,000 stock socket.io-clients
//! (`tests/peers/recovery-jitter.mjs`) listen to the `recovery_ticker` example, which
//! broadcasts a numbered `tick` every 500 ms; every 15–20 s each client's TCP connection is
//! reset under it and it stays offline 2 s before reconnecting. With recovery on, every client
//! gets every tick once and in order; with it off, the ticks sent while a client was offline
//! are lost, and the test says how many.

use std::process::Stdio;
use std::time::{Duration, Instant};

use asynction_testkit::peers::ensure_node_peers;
use asynction_testkit::peers_dir;
use asynction_testkit::process::Example;
use serde_json::Value;

const CLIENTS: u32 = 1_000;
/// How long a client stays offline after its connection was reset (its reconnection delay).
const OFFLINE: Duration = Duration::from_secs(2);
/// The replay's own latency budget (issue 28's goal).
const REPLAY_BUDGET_MS: f64 = 2_000.0;

/// Runs the harness against a fresh `recovery_ticker` (with `server_env`) and returns its
/// summary.
async fn jitter(server_env: &[(&str, &str)], mode: &str, duration_s: u32) -> Value {
    ensure_node_peers();
    let mut example = Example::new("recovery_ticker").quiet();
    for (key, value) in server_env {
        example = example.env(key, value);
    }
    let server = example.start();
    let output = tokio::process::Command::new("node")
        .arg(peers_dir().join("recovery-jitter.mjs"))
        .arg(format!("http://{}", server.addr))
        .arg("/ticks")
        .args(["--clients", &CLIENTS.to_string()])
        .args(["--duration", &duration_s.to_string()])
        .args(["--jitter", "15-20"])
        .args(["--offline", &OFFLINE.as_secs().to_string()])
        .args(["--mode", mode])
        .current_dir(peers_dir())
        .stdin(Stdio::null())
        .output()
        .await
        .expect("node runs tests/peers/recovery-jitter.mjs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "recovery-jitter.mjs failed: {}\nstdout: {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("recovery-jitter.mjs printed no JSON summary ({e}): {stdout}"))
}

fn number(summary: &Value, pointer: &str) -> f64 {
    summary
        .pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("the summary has no number at {pointer}: {summary}"))
}

/// Every figure of a run, on one line each, in the test's output.
fn report(what: &str, summary: &Value, wall: Duration) {
    eprintln!(
        "jitter, {what} ({CLIENTS} clients, wall {:.1} s):",
        wall.as_secs_f64()
    );
    eprintln!(
        "  delivery {:.3} % ({} of {} ticks), duplicates {}, out of order {}",
        number(summary, "/deliveryPct"),
        summary["ticksReceived"],
        summary["ticksExpected"],
        summary["duplicates"],
        summary["outOfOrder"]
    );
    eprintln!(
        "  disconnects {} {}, forced closes {}, recoveries {}, misses {}, connect errors {}",
        summary["disconnects"],
        summary["disconnectReasons"],
        summary["forcedCloses"],
        summary["recoveries"],
        summary["misses"],
        summary["connectErrors"]
    );
    eprintln!(
        "  replayed ticks {}: age (received - sent) ms {}, delay (received - reconnection) ms {}",
        summary["replayed"], summary["replayAgeMs"], summary["replayDelayMs"]
    );
}

#[tokio::test]
async fn a_thousand_jittering_clients_miss_nothing_with_recovery_and_lose_ticks_without() {
    let started = Instant::now();
    let on = jitter(&[], "recovery", 60).await;
    report("recovery on", &on, started.elapsed());
    assert_eq!(number(&on, "/unconnectedAtEnd"), 0.0, "{on}");
    assert!(
        number(&on, "/forcedCloses") >= f64::from(CLIENTS) * 2.0,
        "{on}"
    );
    assert_eq!(number(&on, "/deliveryPct"), 100.0, "{on}");
    assert_eq!(number(&on, "/duplicates"), 0.0, "{on}");
    assert_eq!(number(&on, "/outOfOrder"), 0.0, "{on}");
    assert_eq!(number(&on, "/misses"), 0.0, "{on}");
    assert_eq!(
        number(&on, "/recoveries"),
        number(&on, "/forcedCloses"),
        "every reset connection recovers: {on}"
    );
    // The replay itself: from the reconnection to each replayed tick.
    assert!(
        number(&on, "/replayDelayMs/p99") <= REPLAY_BUDGET_MS,
        "replay p99 over {REPLAY_BUDGET_MS} ms: {on}"
    );
    // A replayed tick is at least as old as the time its client was offline; beyond that, the
    // same budget.
    let offline_ms = OFFLINE.as_secs_f64() * 1000.0;
    assert!(
        number(&on, "/replayAgeMs/p99") <= offline_ms + REPLAY_BUDGET_MS,
        "replayed ticks p99 older than the {offline_ms} ms offline + {REPLAY_BUDGET_MS} ms: {on}"
    );

    let started = Instant::now();
    let off = jitter(&[("RECOVERY", "off")], "plain", 30).await;
    report("recovery off", &off, started.elapsed());
    assert_eq!(number(&off, "/unconnectedAtEnd"), 0.0, "{off}");
    assert!(number(&off, "/forcedCloses") > 0.0, "{off}");
    let delivery = number(&off, "/deliveryPct");
    assert!(
        delivery < 100.0,
        "without recovery the ticks sent while clients were offline should be lost: {off}"
    );
    eprintln!(
        "  loss without recovery: {:.3} % of ticks",
        100.0 - delivery
    );
}
