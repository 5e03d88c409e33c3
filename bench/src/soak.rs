//! The soak run: N long-lived connections send mixed valid and invalid traffic for a bounded
//! time while the server's RSS, live tokio tasks and per-interval ack latency are sampled.
//!
//! Each connection joins the namespace, then every `emit_interval` (with a random phase) emits
//! one event with an ack: `message` with a valid payload, or (with probability
//! `invalid_ratio`) one of three invalid ones — wrong type, missing field, unknown event —
//! whose answer must be an error ack. A small population of "abusers" connects, sends a
//! malformed packet (which makes the server close that connection) and reconnects, all along.
//! Every answer is checked: a valid event must be acked `[true]`, an invalid one with an error
//! ack; anything else, or no answer within `ack_timeout`, is counted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use crate::client::{
    EngineIo, EnginePacket, EventEncoder, Frame, SocketPacketKind, Target, ack_is_error,
    parse_engine_packet,
};
use crate::cpu::resident_set_kib;
use crate::stats::LatencyHistogram;

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct SoakConfig {
    /// Server, path and namespace (`/chat` of the chat_bench example).
    pub target: Target,
    /// Long-lived connections.
    pub connections: usize,
    /// Connections that keep sending malformed packets and reconnecting.
    pub abusers: usize,
    /// Total length of the traffic phase.
    pub duration: Duration,
    /// Length of one sample row.
    pub sample: Duration,
    /// Time between two emits of one connection.
    pub emit_interval: Duration,
    /// Share of emits that are invalid (0..=1).
    pub invalid_ratio: f64,
    /// An ack not received after this long is a timeout.
    pub ack_timeout: Duration,
    /// Handshakes in progress at once while connecting.
    pub parallel_connects: usize,
    /// Server process whose RSS is sampled.
    pub server_pid: Option<u32>,
    /// `http://127.0.0.1:PORT/debug/runtime` style URL answering `{"alive_tasks": N}`.
    pub metrics_url: Option<String>,
}

/// Counts of one interval.
#[derive(Debug, Default, Clone)]
struct Interval {
    latencies: LatencyHistogram,
    valid_ok: u64,
    invalid_refused: u64,
    wrong_answers: u64,
    timeouts: u64,
    dropped_connections: u64,
    abuser_cycles: u64,
}

impl Interval {
    fn add(&mut self, other: &Interval) {
        self.latencies.merge(&other.latencies);
        self.valid_ok += other.valid_ok;
        self.invalid_refused += other.invalid_refused;
        self.wrong_answers += other.wrong_answers;
        self.timeouts += other.timeouts;
        self.dropped_connections += other.dropped_connections;
        self.abuser_cycles += other.abuser_cycles;
    }
}

type Shared = Arc<Mutex<Interval>>;

/// One printed row.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct SoakRow {
    /// End of the interval, seconds since traffic started.
    pub at_s: u64,
    /// Server RSS in MiB.
    pub rss_mib: Option<f64>,
    /// Live tokio tasks in the server.
    pub alive_tasks: Option<u64>,
    /// Valid events acked `[true]`.
    pub valid_ok: u64,
    /// Invalid events answered with an error ack.
    pub invalid_refused: u64,
    /// Answers that were not what the event deserved.
    pub wrong_answers: u64,
    /// Acks that never came.
    pub timeouts: u64,
    /// Well-behaved connections the server dropped.
    pub dropped_connections: u64,
    /// Malformed-packet connections closed by the server and reopened.
    pub abuser_cycles: u64,
    /// Ack latency percentiles of the interval (all answered events), ms.
    pub p50_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Maximum, ms.
    pub max_ms: f64,
}

/// The invalid emits, by kind: wrong type, missing field, unknown event.
const INVALID: [(&str, &str); 3] = [
    ("message", "{\"text\":42,\"ts\":1}"),
    ("message", "{\"ts\":1}"),
    ("no such event", "{\"text\":\"x\",\"ts\":1}"),
];

fn jitter(seed: &mut u64) -> f64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed >> 11) as f64 / (1u64 << 53) as f64
}

/// Runs the soak; returns one row per interval plus the connect failures.
pub(crate) async fn run_soak(config: &SoakConfig) -> (Vec<SoakRow>, u64) {
    let shared: Shared = Arc::default();
    let semaphore = Arc::new(tokio::sync::Semaphore::new(config.parallel_connects.max(1)));
    let connecting = Instant::now();
    let handles: Vec<_> = (0..config.connections)
        .map(|_| {
            let (target, sem) = (config.target.clone(), semaphore.clone());
            tokio::spawn(async move {
                let _permit = sem.acquire().await;
                target.connect(Duration::from_secs(20)).await
            })
        })
        .collect();
    let mut clients = Vec::new();
    let mut connect_failures = 0u64;
    for h in handles {
        match h.await {
            Ok(Ok(c)) => clients.push(c),
            _ => connect_failures += 1,
        }
    }
    eprintln!(
        "{} connections open in {:.1}s ({} failed)",
        clients.len(),
        connecting.elapsed().as_secs_f64(),
        connect_failures
    );
    let start = Instant::now();
    let end = start + config.duration;
    let mut tasks = Vec::new();
    for (i, client) in clients.into_iter().enumerate() {
        let (shared, config) = (shared.clone(), config.clone());
        tasks.push(tokio::spawn(async move {
            drive(client, i as u64 + 1, &config, end, shared).await;
        }));
    }
    for i in 0..config.abusers {
        let (shared, target) = (shared.clone(), config.target.clone());
        tasks.push(tokio::spawn(async move {
            abuse(target, i as u64, end, shared).await;
        }));
    }
    let mut rows = Vec::new();
    let mut next = start + config.sample;
    while next <= end + Duration::from_millis(10) {
        tokio::time::sleep_until(next).await;
        let interval = std::mem::take(&mut *shared.lock().unwrap());
        let row = sample(config, &interval, start.elapsed().as_secs()).await;
        println!("{}", row_line(&row));
        rows.push(row);
        next += config.sample;
    }
    for t in tasks {
        let _ = t.await;
    }
    (rows, connect_failures)
}

async fn sample(config: &SoakConfig, interval: &Interval, at_s: u64) -> SoakRow {
    let rss_mib = config
        .server_pid
        .and_then(|pid| resident_set_kib(pid).ok())
        .map(|kib| kib as f64 / 1024.0);
    let alive_tasks = match &config.metrics_url {
        Some(url) => alive_tasks(url).await,
        None => None,
    };
    let s = interval.latencies.summary();
    SoakRow {
        at_s,
        rss_mib,
        alive_tasks,
        valid_ok: interval.valid_ok,
        invalid_refused: interval.invalid_refused,
        wrong_answers: interval.wrong_answers,
        timeouts: interval.timeouts,
        dropped_connections: interval.dropped_connections,
        abuser_cycles: interval.abuser_cycles,
        p50_ms: s.p50_ms,
        p99_ms: s.p99_ms,
        max_ms: s.max_ms,
    }
}

/// `GET url` over a raw loopback connection; reads `alive_tasks` from the JSON body.
async fn alive_tasks(url: &str) -> Option<u64> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://")?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream =
        tokio::time::timeout(Duration::from_secs(2), tokio::net::TcpStream::connect(host))
            .await
            .ok()?
            .ok()?;
    let req = format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    stream.write_all(req.as_bytes()).await.ok()?;
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(2), stream.read_to_end(&mut raw))
        .await
        .ok()?
        .ok()?;
    let text = String::from_utf8_lossy(&raw);
    let body = text.split_once("\r\n\r\n")?.1;
    serde_json::from_str::<serde_json::Value>(body)
        .ok()?
        .get("alive_tasks")?
        .as_u64()
}

/// One well-behaved-or-invalid connection until `end`.
async fn drive(mut ws: EngineIo, seed: u64, config: &SoakConfig, end: Instant, shared: Shared) {
    let mut rng = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let valid = EventEncoder::new(
        &config.target.namespace,
        "message",
        "{\"text\":\"soak\",\"ts\":1}",
    );
    let invalid: Vec<EventEncoder> = INVALID
        .iter()
        .map(|(e, p)| EventEncoder::new(&config.target.namespace, e, p))
        .collect();
    let phase = config.emit_interval.mul_f64(jitter(&mut rng));
    let mut tick = tokio::time::interval_at(Instant::now() + phase, config.emit_interval);
    let mut pending: HashMap<u64, (Instant, bool)> = HashMap::new();
    let mut next_id = 0u64;
    let mut local = Interval::default();
    let mut flushed = Instant::now();
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let now = Instant::now();
                pending.retain(|_, (sent, _)| {
                    let late = now.duration_since(*sent) > config.ack_timeout;
                    if late { local.timeouts += 1; }
                    !late
                });
                if now >= end {
                    break;
                }
                next_id += 1;
                let is_invalid = jitter(&mut rng) < config.invalid_ratio;
                let frame = if is_invalid {
                    invalid[(next_id % 3) as usize].encode(next_id)
                } else {
                    valid.encode(next_id)
                };
                pending.insert(next_id, (now, is_invalid));
                if ws.send_text(frame).await.is_err() {
                    local.dropped_connections += 1;
                    break;
                }
            }
            // Pings are answered inside `recv`.
            msg = ws.recv() => {
                let text = match msg {
                    Ok(Frame::Text(t)) => t,
                    Ok(Frame::Binary(_)) => continue,
                    Err(_) => {
                        local.dropped_connections += 1;
                        break;
                    }
                };
                match parse_engine_packet(&text) {
                    Ok(EnginePacket::Message(p)) if p.kind == SocketPacketKind::Ack => {
                        let Some((sent, is_invalid)) = p.ack_id.and_then(|id| pending.remove(&id)) else {
                            local.wrong_answers += 1;
                            continue;
                        };
                        local.latencies.record(sent.elapsed());
                        match (is_invalid, ack_is_error(p.data)) {
                            (false, false) if p.data == "[true]" => local.valid_ok += 1,
                            (true, true) => local.invalid_refused += 1,
                            _ => local.wrong_answers += 1,
                        }
                    }
                    _ => {}
                }
            }
        }
        if flushed.elapsed() > Duration::from_millis(500) {
            shared.lock().unwrap().add(&std::mem::take(&mut local));
            flushed = Instant::now();
        }
    }
    local.timeouts += pending.len() as u64;
    shared.lock().unwrap().add(&local);
    let _ = ws.close().await;
}

/// Connect, send a malformed packet, expect the server to close; repeat until `end`.
async fn abuse(target: Target, seed: u64, end: Instant, shared: Shared) {
    // Socket.IO packets are broken in the client's own namespace (a packet for a namespace the
    // socket has not joined is dropped, not refused) or at the engine.io level.
    let ns = crate::client::namespace_prefix(&target.namespace);
    let garbage = [
        format!("42{ns}["),
        "4x".to_owned(),
        format!("42{ns}{{\"not\":\"a list\"}}"),
        "9".to_owned(),
    ];
    let mut n = seed;
    while Instant::now() < end {
        n += 1;
        if let Ok(mut ws) = target.connect(Duration::from_secs(5)).await {
            let _ = ws.send_text(garbage[(n % 4) as usize].clone()).await;
            let closed = ws.closed_within(Duration::from_secs(5)).await;
            let mut s = shared.lock().unwrap();
            if closed {
                s.abuser_cycles += 1;
            } else {
                s.wrong_answers += 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The table header.
pub(crate) fn header_line() -> String {
    format!(
        "{:>6} {:>9} {:>8} {:>9} {:>9} {:>6} {:>8} {:>7} {:>7} {:>8} {:>8} {:>8}",
        "t(s)",
        "rss MiB",
        "tasks",
        "valid ok",
        "refused",
        "wrong",
        "timeouts",
        "dropped",
        "abuse",
        "p50 ms",
        "p99 ms",
        "max ms"
    )
}

/// One table line.
pub(crate) fn row_line(r: &SoakRow) -> String {
    let opt_f = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}"));
    let opt_u = |v: Option<u64>| v.map_or("-".to_owned(), |v| v.to_string());
    format!(
        "{:>6} {:>9} {:>8} {:>9} {:>9} {:>6} {:>8} {:>7} {:>7} {:>8.2} {:>8.2} {:>8.2}",
        r.at_s,
        opt_f(r.rss_mib),
        opt_u(r.alive_tasks),
        r.valid_ok,
        r.invalid_refused,
        r.wrong_answers,
        r.timeouts,
        r.dropped_connections,
        r.abuser_cycles,
        r.p50_ms,
        r.p99_ms,
        r.max_ms
    )
}
