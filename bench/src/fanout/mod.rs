//! `fanout`: room broadcasts to many idle clients, the same servers side by side in one run.
//!
//! For each round, each client count N and each server (in turn, so contenders alternate):
//! 1. a fresh server is started; its `VmRSS` is read, N clients join `/fanout` (the servers put
//!    every `/fanout` client in room `all` on connect) and `VmRSS` is read again after a settle
//!    period: (after − before) / N is the memory per connection;
//! 2. a control client (not in the broadcast: the servers make it leave room `all` before they
//!    broadcast) sends `start broadcast {rate, count, ack}` for each phase:
//!    - a fixed rate (`--rate` broadcasts/s for `--duration` s),
//!    - as fast as the server can (`--max-count` broadcasts, the server yielding to its socket
//!      writers between two),
//!    - with acks (`--ack-count` broadcasts with `emit_with_ack`, each awaited with all its
//!      acks before the next);
//! 3. every receiver records, per `tick`, the latency from the server's send timestamp (`ts`,
//!    µs since the epoch, same machine clock) to its receipt, and answers ack requests `true`.
//!
//! Per phase: delivered events (all clients), delivered/s (from the `start broadcast` to the
//! last receipt), server CPU µs per delivered event (`utime + stime` of the server process,
//! plus Redis's in cluster mode), p50/p99/max latency over all deliveries.
//!
//! Cluster mode (`--cluster`) starts a `redis-server` on a free port and two nodes of each
//! server joined through it; clients are split across the nodes, the control client sits on
//! node 0 (or alternates with `--from-both`), and CPU is the sum of both nodes.

//!
//! Files: `config.rs` (what a run is asked for), `report.rs` (rows, lines and the ratio
//! table), this one (the run); the private Redis is `crate::redis_server`.

mod config;
mod report;

use crate::redis_server::Redis;
pub(crate) use config::{ClusterOptions, FanoutConfig, Phase, Source};
pub(crate) use report::{FanoutRow, human_line, render_table};

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::sync::watch;

use crate::client::{EngineIo, Frame, Target};
use crate::cpu::{CpuTicks, load_average_1m, raise_open_file_limit, resident_set_kib};
use crate::emitter::{Via, children_cpu, run_cli_ticks, spawn_emit_ticks};
use crate::servers::{RunningServer, ServerSpec, free_port};
use crate::stats::LatencyHistogram;
use crate::tick::{FANOUT_NAMESPACE, now_us};

/// What every receiver records into: a shared histogram and counters.
#[derive(Debug, Default)]
struct Sink {
    histogram: Mutex<LatencyHistogram>,
    delivered: AtomicU64,
    last_receipt_us: AtomicU64,
    dropped: AtomicU64,
}

impl Sink {
    fn reset(&self) {
        *self.histogram.lock().unwrap_or_else(|e| e.into_inner()) = LatencyHistogram::new();
        self.delivered.store(0, Ordering::Relaxed);
        self.last_receipt_us.store(0, Ordering::Relaxed);
    }

    fn record(&self, sent_us: u64, now: u64) {
        self.histogram
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .record(Duration::from_micros(now.saturating_sub(sent_us)));
        self.delivered.fetch_add(1, Ordering::Relaxed);
        self.last_receipt_us.fetch_max(now, Ordering::Relaxed);
    }
}

/// A `tick` event as the receivers see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TickFrame {
    /// The ack id, when the server asked for an ack.
    pub ack_id: Option<u64>,
    /// The server's send timestamp, µs since the epoch.
    pub ts_us: u64,
}

/// Parses `42/fanout,[<id>]["tick",{…"ts":N…}]` without building a JSON tree; `None` for any
/// other frame.
pub(crate) fn parse_tick(frame: &str) -> Option<TickFrame> {
    let rest = frame.strip_prefix("42/fanout,")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let ack_id = if digits > 0 {
        Some(rest[..digits].parse().ok()?)
    } else {
        None
    };
    let body = rest[digits..].strip_prefix("[\"tick\",")?;
    let after_ts = &body[body.find("\"ts\":")? + 5..];
    let after_ts = after_ts.trim_start();
    let len = after_ts.bytes().take_while(u8::is_ascii_digit).count();
    let ts_us = after_ts[..len].parse().ok()?;
    Some(TickFrame { ack_id, ts_us })
}

/// Delivered/s and CPU µs per delivery from the raw counts of a phase.
pub(crate) fn rates(delivered: u64, window: Duration, cpu: Option<Duration>) -> (f64, Option<f64>) {
    let secs = window.as_secs_f64();
    let per_s = if secs > 0.0 {
        delivered as f64 / secs
    } else {
        0.0
    };
    let cpu_per = cpu
        .filter(|_| delivered > 0)
        .map(|c| c.as_secs_f64() * 1e6 / delivered as f64);
    (per_s, cpu_per)
}

/// Runs every round, count and server; returns one row per phase (or a skipped row).
pub(crate) async fn run_fanout(config: &FanoutConfig) -> Result<Vec<FanoutRow>, String> {
    let max = config.counts.iter().copied().max().unwrap_or(0) as u64;
    // The generator holds N sockets; each server (which inherits the limit) N more.
    let limit =
        raise_open_file_limit(2 * max + 4096).map_err(|e| format!("raising RLIMIT_NOFILE: {e}"))?;
    if limit < max + 64 {
        return Err(format!(
            "RLIMIT_NOFILE is {limit}, too low for {max} connections"
        ));
    }
    for spec in &config.servers {
        if let Err(why) = spec.prepare() {
            eprintln!("{}: skipped: {why}", spec.name());
        }
    }
    let redis = match &config.cluster {
        Some(options) => Some(Redis::start(&options.redis_server).await?),
        None => None,
    };
    let mut rows = Vec::new();
    for round in 1..=config.rounds.max(1) {
        for &clients in &config.counts {
            for spec in &config.servers {
                let base = FanoutRow {
                    round,
                    server: spec.name().to_owned(),
                    description: spec.description().to_owned(),
                    clients,
                    ..FanoutRow::default()
                };
                if let Err(why) = spec.check_available() {
                    rows.push(FanoutRow {
                        skipped: Some(format!("skipped: {why}")),
                        ..base
                    });
                    continue;
                }
                match run_one(config, spec, clients, base.clone(), redis.as_ref()).await {
                    Ok(mut phase_rows) => {
                        for row in &phase_rows {
                            eprintln!("{}", human_line(row));
                        }
                        rows.append(&mut phase_rows);
                    }
                    Err(e) => {
                        eprintln!("{} with {clients} clients: {e}", spec.name());
                        rows.push(FanoutRow {
                            skipped: Some(e),
                            ..base
                        });
                    }
                }
                // Let sockets in TIME_WAIT and the CPU settle before the next server.
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
    if let Some(redis) = redis {
        redis.stop();
    }
    Ok(rows)
}

/// One server (one or two nodes), N clients, every phase.
async fn run_one(
    config: &FanoutConfig,
    spec: &ServerSpec,
    clients: usize,
    base: FanoutRow,
    redis: Option<&Redis>,
) -> Result<Vec<FanoutRow>, String> {
    let node_count = if redis.is_some() { 2 } else { 1 };
    let mut nodes: Vec<RunningServer> = Vec::new();
    for _ in 0..node_count {
        let port = free_port().map_err(|e| e.to_string())?;
        let url = redis.map(Redis::url);
        let env: Vec<(&str, &str)> = url.iter().map(|u| ("REDIS_URL", u.as_str())).collect();
        let node = spec
            .start_with_env(port, config.ready_timeout, &env)
            .await
            .map_err(|e| e.to_string())?;
        nodes.push(node);
    }
    let pids: Vec<u32> = nodes.iter().map(RunningServer::pid).collect();
    tokio::time::sleep(config.settle).await;
    let rss_before: u64 = pids.iter().map(|&p| resident_set_kib(p).unwrap_or(0)).sum();

    let targets: Vec<Target> = nodes
        .iter()
        .map(|n| Target {
            url: n.url(),
            path: config.path.clone(),
            namespace: FANOUT_NAMESPACE.to_owned(),
        })
        .collect();
    let connect_timeout = config.connect_timeout;
    let sink = Arc::new(Sink::default());
    let (stop, stop_rx) = watch::channel(false);
    // Each receiver starts reading (and answering pings) as soon as it joined: connecting
    // tens of thousands takes longer than the server's ping timeout.
    let results: Vec<_> = futures_util::stream::iter(0..clients)
        .map(|i| {
            let target = targets[i % targets.len()].clone();
            let (sink, stop_rx) = (sink.clone(), stop_rx.clone());
            let auth = spec.client_auth();
            async move {
                let ws = target.connect_with(connect_timeout, auth.as_ref()).await?;
                Ok::<_, crate::client::ConnectError>(tokio::spawn(receive(ws, sink, stop_rx)))
            }
        })
        .buffer_unordered(config.parallel_connects.max(1))
        .collect()
        .await;
    let mut receivers = Vec::with_capacity(clients);
    let mut connect_errors = 0;
    let mut first_connect_error = None;
    for result in results {
        match result {
            Ok(receiver) => receivers.push(receiver),
            Err(e) => {
                connect_errors += 1;
                first_connect_error.get_or_insert(e.to_string());
            }
        }
    }
    let connected = clients - connect_errors;
    if let Some(e) = &first_connect_error {
        eprintln!("{connect_errors} connect errors (first: {e})");
    }
    tokio::time::sleep(config.settle).await;
    let rss_after: u64 = pids.iter().map(|&p| resident_set_kib(p).unwrap_or(0)).sum();
    let kib_per_connection = if connected == 0 {
        0.0
    } else {
        rss_after.saturating_sub(rss_before) as f64 / connected as f64
    };

    // A node's control client connects when the node first broadcasts, and leaves room `all`
    // in its `start broadcast` handler: a control client is never a receiver (an idle one on
    // the other node would otherwise get the ticks and leave every ack broadcast waiting for
    // its ack until the timeout).
    let mut controls: Vec<Option<asynction_client::Client>> = nodes.iter().map(|_| None).collect();
    let from_both = config.cluster.as_ref().is_some_and(|c| c.from_both);

    let mut rows = Vec::new();
    for (i, phase) in config.phases.iter().enumerate() {
        let external = match phase.source {
            Source::Node => None,
            source => match (external_source(spec, source), redis, &config.cluster) {
                (Ok(via), Some(redis), Some(options)) => Some((via, redis.url(), options)),
                (Err(why), _, _) => {
                    rows.push(FanoutRow {
                        phase: phase.label(),
                        skipped: Some(why.to_owned()),
                        ..base.clone()
                    });
                    continue;
                }
                _ => return Err("--from-emitter needs --cluster".to_owned()),
            },
        };
        sink.reset();
        let cpu_before: Vec<Option<CpuTicks>> =
            pids.iter().map(|&p| CpuTicks::of(p).ok()).collect();
        let redis_before = redis.and_then(|r| CpuTicks::of(r.pid()).ok());
        let generator_before = CpuTicks::of(std::process::id()).ok();
        let children_before = children_cpu();
        let started_us = now_us();
        let started = Instant::now();
        let is_external = external.is_some();
        let (sent, failed, acks) = match external {
            None => {
                let control_index = if from_both { i % controls.len() } else { 0 };
                let control = match &mut controls[control_index] {
                    Some(control) => control,
                    slot => slot.insert(
                        asynction_client::ClientBuilder::new(nodes[control_index].url())
                            .path(config.path.as_str())
                            .timeout(config.connect_timeout)
                            .connect(FANOUT_NAMESPACE)
                            .await
                            .map_err(|e| format!("control client: {e}"))?,
                    ),
                };
                start_broadcast(control, phase).await?
            }
            Some((via, url, options)) => {
                let report = match via {
                    Some(via) => {
                        spawn_emit_ticks(via, &url, &options.spec, phase.rate, phase.count).await?
                    }
                    None => {
                        run_cli_ticks(&options.cli, &url, &options.spec, phase.rate, phase.count)
                            .await?
                    }
                };
                (report.sent, report.failed, 0)
            }
        };
        // Every tick of the phase has left the source (and, with acks, every ack is in).
        let source_done_us = now_us();
        let emitter_cpu = children_before
            .zip(children_cpu())
            .filter(|_| is_external)
            .map(|(before, after)| after.saturating_sub(before));
        let expected = sent * connected as u64;
        // Acks the server neither got nor saw time out (a remote node's ack lost on the way:
        // its stream then ends at the timeout without them).
        let missing_acks = if phase.ack {
            expected.saturating_sub(acks + failed)
        } else {
            0
        };
        // Wait for the last deliveries: until all arrived or nothing came for 1 s (≤ 15 s).
        let drain_deadline = Instant::now() + Duration::from_secs(15);
        let mut last = sink.delivered.load(Ordering::Relaxed);
        let mut last_progress = Instant::now();
        while last < expected && Instant::now() < drain_deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let now = sink.delivered.load(Ordering::Relaxed);
            if now != last {
                last = now;
                last_progress = Instant::now();
            } else if last_progress.elapsed() > Duration::from_secs(1) {
                break;
            }
        }
        let wall = started.elapsed();
        let cpu: Option<Duration> = pids
            .iter()
            .zip(&cpu_before)
            .map(|(&p, before)| Some(CpuTicks::of(p).ok()?.since((*before)?)))
            .sum();
        let redis_cpu = redis
            .zip(redis_before)
            .and_then(|(r, before)| Some(CpuTicks::of(r.pid()).ok()?.since(before)));
        let generator_cpu = generator_before
            .and_then(|before| Some(CpuTicks::of(std::process::id()).ok()?.since(before)));
        let delivered = sink.delivered.load(Ordering::Relaxed);
        let last_us = sink.last_receipt_us.load(Ordering::Relaxed);
        // With acks, a broadcast ends when its acks are in: the phase ends with the last one.
        let end_us = if phase.ack {
            last_us.max(source_done_us)
        } else {
            last_us
        };
        let window = Duration::from_micros(end_us.saturating_sub(started_us));
        let (delivered_per_s, server_cpu_us_per_delivery) = rates(delivered, window, cpu);
        let latency = sink
            .histogram
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .summary();
        rows.push(FanoutRow {
            connected,
            connect_errors,
            first_connect_error: first_connect_error.clone(),
            kib_per_connection,
            phase: phase.label(),
            sent,
            failed: failed + missing_acks,
            acks,
            expected,
            delivered,
            dropped: sink.dropped.load(Ordering::Relaxed),
            delivered_per_s,
            server_cpu_us_per_delivery,
            server_cpu_pct: cpu.map(|c| 100.0 * c.as_secs_f64() / wall.as_secs_f64()),
            redis_cpu_us_per_delivery: rates(delivered, window, redis_cpu).1,
            emitter_cpu_us_per_delivery: rates(delivered, window, emitter_cpu).1,
            generator_cpu_pct: generator_cpu.map(|c| 100.0 * c.as_secs_f64() / wall.as_secs_f64()),
            latency,
            load_average_1m: load_average_1m(),
            ..base.clone()
        });
    }

    let _ = stop.send(true);
    for receiver in receivers {
        let _ = receiver.await;
    }
    for control in controls.into_iter().flatten() {
        let _ = tokio::time::timeout(Duration::from_secs(2), control.close()).await;
    }
    for node in nodes {
        node.stop();
    }
    Ok(rows)
}

/// Asks the server, through `control`, for the phase's broadcasts; returns its
/// `(sent, failed, acks)`.
async fn start_broadcast(
    control: &mut asynction_client::Client,
    phase: &Phase,
) -> Result<(u64, u64, u64), String> {
    // Bound: the paced duration plus a generous margin for acks and slow servers.
    let bound = Duration::from_secs_f64(if phase.rate > 0.0 {
        phase.count as f64 / phase.rate + 30.0
    } else {
        120.0
    });
    let request = serde_json::json!({"rate": phase.rate, "count": phase.count, "ack": phase.ack});
    let done = control
        .emit_with_ack(
            FANOUT_NAMESPACE,
            "start broadcast",
            asynction_client::Args::new().arg(request),
            bound,
        )
        .await
        .map_err(|e| format!("start broadcast ({}): {e}", phase.label()))?;
    let done = done.to_value();
    let done = done.get(0).cloned().unwrap_or_default();
    let field = |k: &str| done.get(k).and_then(serde_json::Value::as_u64).unwrap_or(0);
    Ok((field("sent"), field("failed"), field("acks")))
}

/// The external publisher of `source` for `spec`'s servers: `Some(via)` for an `emit-ticks`
/// process, `None` for `asynction emit`; `Err` when the server has none.
fn external_source(spec: &ServerSpec, source: Source) -> Result<Option<Via>, &'static str> {
    match (spec, source) {
        (ServerSpec::Asynction { .. }, Source::Emitter) => Ok(Some(Via::Asynction)),
        (ServerSpec::Asynction { .. }, Source::Cli) => Ok(None),
        (ServerSpec::RawCurrentThread | ServerSpec::RawMultiThread, Source::Emitter) => {
            Ok(Some(Via::Socketioxide))
        }
        (ServerSpec::RawCurrentThread | ServerSpec::RawMultiThread, _) => {
            Err("no command-line emitter for raw socketioxide")
        }
        (ServerSpec::Node { .. }, _) => Err(
            "no external emitter: @socket.io/redis-emitter is not in bench/node's dependencies \
             (and socketioxide's Redis format is not Node's)",
        ),
        _ => Err("no external emitter for this server"),
    }
}

/// A receiver: records every tick, acks it when asked, until told to stop.
async fn receive(mut ws: EngineIo, sink: Arc<Sink>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            frame = ws.recv() => match frame {
                Ok(Frame::Text(text)) => {
                    if let Some(tick) = parse_tick(&text) {
                        sink.record(tick.ts_us, now_us());
                        if let Some(id) = tick.ack_id
                            && ws.send_text(format!("43/fanout,{id}[true]")).await.is_err()
                        {
                            sink.dropped.fetch_add(1, Ordering::Relaxed);
                            return;
                        }
                    }
                }
                Ok(Frame::Binary(_)) => {}
                Err(_) => {
                    sink.dropped.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            },
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), ws.close()).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_parsed_with_and_without_ack_id() {
        assert_eq!(
            parse_tick(r#"42/fanout,["tick",{"seq":3,"ts":1700000000123456,"text":"x"}]"#),
            Some(TickFrame {
                ack_id: None,
                ts_us: 1_700_000_000_123_456
            })
        );
        assert_eq!(
            parse_tick(r#"42/fanout,17["tick",{"seq":0,"ts": 42,"text":"x"}]"#),
            Some(TickFrame {
                ack_id: Some(17),
                ts_us: 42
            })
        );
        assert_eq!(parse_tick(r#"42/fanout,["other",{"ts":1}]"#), None);
        assert_eq!(parse_tick(r#"42/chat,["tick",{"ts":1}]"#), None);
        assert_eq!(parse_tick("3"), None);
        assert_eq!(parse_tick(r#"42/fanout,["tick",{"seq":1}]"#), None);
    }

    #[test]
    fn rates_divide_by_window_and_deliveries() {
        let (per_s, cpu) = rates(
            20_000,
            Duration::from_secs(2),
            Some(Duration::from_millis(100)),
        );
        assert_eq!(per_s, 10_000.0);
        assert_eq!(cpu, Some(5.0));
        assert_eq!(
            rates(0, Duration::ZERO, Some(Duration::from_secs(1))),
            (0.0, None)
        );
    }

    #[test]
    fn phase_labels() {
        let p = |rate, ack, source| Phase {
            rate,
            count: 1,
            ack,
            source,
        };
        assert_eq!(p(10.0, false, Source::Node).label(), "10/s");
        assert_eq!(p(0.0, false, Source::Node).label(), "max");
        assert_eq!(p(0.0, true, Source::Node).label(), "ack");
        assert_eq!(p(10.0, false, Source::Emitter).label(), "emitter 10/s");
        assert_eq!(p(0.0, false, Source::Cli).label(), "cli max");
    }

    #[test]
    fn sink_records_and_resets() {
        let sink = Sink::default();
        sink.record(1_000, 3_000);
        sink.record(1_000, 2_000);
        assert_eq!(sink.delivered.load(Ordering::Relaxed), 2);
        assert_eq!(sink.last_receipt_us.load(Ordering::Relaxed), 3_000);
        assert_eq!(sink.histogram.lock().unwrap().len(), 2);
        sink.reset();
        assert_eq!(sink.delivered.load(Ordering::Relaxed), 0);
        assert_eq!(sink.histogram.lock().unwrap().len(), 0);
    }
}
