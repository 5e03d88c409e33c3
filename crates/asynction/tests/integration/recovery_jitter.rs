//! Connection state recovery under a flaky network (issue 28; anycable/nodejs-websocket-bench's
//! Socket.IO jitter scenario scaled to this machine): 1,000 stock socket.io-clients
//! (`tests/peers/recovery-jitter.mjs`) listen to the `recovery_ticker` example, which
//! broadcasts a numbered `tick` every 500 ms; every 15–20 s each client's TCP connection is
//! reset under it and it stays offline 2 s before reconnecting. With recovery on, every client
//! gets every tick once and in order; with it off, the ticks sent while a client was offline
//! are lost, and the test says how many.

use std::net::SocketAddr;
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
    harness(server.addr, mode, duration_s, "15-20").await
}

/// Runs the harness's `CLIENTS` clients against `addr` for `duration_s` seconds, each reset
/// every `jitter` (`MIN-MAX` seconds), and returns its summary.
async fn harness(addr: SocketAddr, mode: &str, duration_s: u32, jitter: &str) -> Value {
    ensure_node_peers();
    let output = tokio::process::Command::new("node")
        .arg(peers_dir().join("recovery-jitter.mjs"))
        .arg(format!("http://{addr}"))
        .arg("/ticks")
        .args(["--clients", &CLIENTS.to_string()])
        .args(["--duration", &duration_s.to_string()])
        .args(["--jitter", jitter])
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
    assert_lossless(&on);
    assert!(
        number(&on, "/forcedCloses") >= f64::from(CLIENTS) * 2.0,
        "{on}"
    );
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

/// What every run with recovery on must show: every tick once, in order, no miss, every
/// client connected at the end.
fn assert_lossless(summary: &Value) {
    assert_eq!(number(summary, "/unconnectedAtEnd"), 0.0, "{summary}");
    assert_eq!(number(summary, "/deliveryPct"), 100.0, "{summary}");
    assert_eq!(number(summary, "/duplicates"), 0.0, "{summary}");
    assert_eq!(number(summary, "/outOfOrder"), 0.0, "{summary}");
    assert_eq!(number(summary, "/misses"), 0.0, "{summary}");
}

/// Two `recovery_ticker` nodes of one cluster through a private Redis, behind a balancer:
/// clients that lose their connection come back through the balancer, most often to the other
/// node, and are recovered there.
#[cfg(feature = "redis")]
mod cluster {
    use asynction_testkit::balancer::Balancer;
    use asynction_testkit::http_get;
    use asynction_testkit::process::ServerProcess;
    use asynction_testkit::redis::Redis;

    use super::*;

    fn node(redis: &Redis, name: &str) -> ServerProcess {
        Example::new("recovery_ticker")
            .env("REDIS_URL", &redis.url())
            .env("NODE_NAME", name)
            .env("READINESS_GRACE_MS", "1000")
            .quiet()
            .start()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_thousand_clients_jittering_across_two_nodes_miss_nothing() {
        let redis = Redis::start();
        let (a, b) = (node(&redis, "a"), node(&redis, "b"));
        redis.wait_nodes("/ticks", 2);
        let balancer = Balancer::start(vec![a.addr, b.addr]).await;
        let started = Instant::now();
        let summary = harness(balancer.addr(), "recovery", 60, "15-20").await;
        report(
            "two nodes through Redis, recovery on",
            &summary,
            started.elapsed(),
        );
        assert_lossless(&summary);
        assert!(
            number(&summary, "/forcedCloses") >= f64::from(CLIENTS) * 2.0,
            "{summary}"
        );
        assert_eq!(
            number(&summary, "/recoveries"),
            number(&summary, "/forcedCloses"),
            "{summary}"
        );
        assert!(
            number(&summary, "/replayDelayMs/p99") <= REPLAY_BUDGET_MS,
            "{summary}"
        );
        // Both nodes' ticks reached every client.
        assert_eq!(
            summary["sources"].as_object().map(|s| s.len()),
            Some(2),
            "{summary}"
        );
    }

    /// `{base}/readyz`'s status and `status` field.
    async fn readyz(addr: SocketAddr) -> (u16, String) {
        let (status, body) = http_get(addr, "/readyz").await;
        let body: Value = serde_json::from_str(&body).unwrap_or_default();
        (
            status,
            body["status"].as_str().unwrap_or_default().to_owned(),
        )
    }

    /// Takes `node` out of the balancer, sends it SIGTERM and checks its readiness flips to
    /// `draining` before it exits cleanly; then starts its replacement and puts it in.
    async fn restart(
        node: ServerProcess,
        name: &str,
        redis: &Redis,
        balancer: &Balancer,
        others: &[SocketAddr],
    ) -> ServerProcess {
        assert_eq!(readyz(node.addr).await, (200, "ready".to_owned()));
        balancer.set_backends(others.to_vec());
        let mut node = node;
        let pid = node.child().id().to_string();
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_millis(900);
        let mut seen = None;
        while Instant::now() < deadline {
            let answer = readyz(node.addr).await;
            if answer.0 == 503 {
                seen = Some(answer);
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(
            seen,
            Some((503, "draining".to_owned())),
            "readiness flips when draining"
        );
        let exited = tokio::task::spawn_blocking(move || {
            let status = node.child().wait();
            (node, status)
        });
        let (_gone, status) = tokio::time::timeout(Duration::from_secs(20), exited)
            .await
            .expect("the drained node exits")
            .unwrap();
        assert!(status.unwrap().success(), "a drained node exits with 0");
        let fresh = self::node(redis, name);
        assert_eq!(readyz(fresh.addr).await, (200, "ready".to_owned()));
        let mut backends = others.to_vec();
        backends.push(fresh.addr);
        balancer.set_backends(backends);
        fresh
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_rolling_restart_of_two_nodes_under_a_thousand_clients_loses_nothing() {
        let redis = Redis::start();
        let (a, b) = (node(&redis, "a"), node(&redis, "b"));
        redis.wait_nodes("/ticks", 2);
        let balancer = Balancer::start(vec![a.addr, b.addr]).await;
        let started = Instant::now();
        // No jitter: only the restarts move the clients.
        let run = tokio::spawn({
            let addr = balancer.addr();
            async move { harness(addr, "recovery", 45, "100000-100001").await }
        });
        tokio::time::sleep(Duration::from_secs(10)).await;
        let b_addr = b.addr;
        let a = restart(a, "a", &redis, &balancer, &[b_addr]).await;
        tokio::time::sleep(Duration::from_secs(8)).await;
        let _b = restart(b, "b", &redis, &balancer, &[a.addr]).await;
        let summary = run.await.unwrap();
        report("rolling restart of two nodes", &summary, started.elapsed());
        assert_lossless(&summary);
        // Every client was moved at least once (its node drained: `transport close`), and came
        // back recovered each time.
        let moved = number(&summary, "/disconnectReasons/transport close");
        assert!(moved >= f64::from(CLIENTS), "{summary}");
        assert_eq!(number(&summary, "/recoveries"), moved, "{summary}");
    }
}
