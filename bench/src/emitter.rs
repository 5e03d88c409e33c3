//! Broadcasts that originate outside every server node (`asynction-bench fanout --from-emitter`):
//! `tick`s published to a cluster's Redis by a separate process.
//!
//! - [`run_emit_ticks`] is the `emit-ticks` subcommand: one process publishing `count` ticks to
//!   room `all` of `/fanout`, through asynction's validating [`asynction::cluster::Emitter`]
//!   or through bare `socketioxide-emitter` (the reference, no validation), paced at `rate`/s
//!   or as fast as the publishes return; it prints `{sent, failed, elapsed_us}` as JSON.
//! - [`run_cli_ticks`] runs the `asynction emit` command once per tick (a process each: load
//!   the document, compile its schemas, connect, validate, publish).
//!
//! Their CPU is read with `getrusage(RUSAGE_CHILDREN)` around the phase ([`children_cpu`]):
//! the harness waits for every such process, and reaps no other child during a phase.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};

use crate::tick::{FANOUT_NAMESPACE, FANOUT_ROOM, TICK_TEXT, now_us};

/// Which publisher `emit-ticks` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Via {
    /// asynction's cluster `Emitter`: validates each tick once, then publishes.
    Asynction,
    /// Bare `socketioxide-emitter`: publishes without validation.
    Socketioxide,
}

/// What `emit-ticks` reports on stdout.
#[derive(Debug, Default, Clone, Copy, Serialize, Deserialize)]
pub(crate) struct EmitReport {
    /// Ticks published.
    pub sent: u64,
    /// Ticks refused (invalid) or not published (Redis error).
    pub failed: u64,
    /// From the first to the last publish, µs.
    pub elapsed_us: u64,
}

/// One broadcast event, as the servers send it.
#[derive(Debug, Serialize)]
struct Tick {
    seq: u64,
    ts: u64,
    text: &'static str,
}

/// A ticker at `rate`/s (bursting to catch up, as the servers do), or none at rate 0.
fn pacer(rate: f64) -> Option<tokio::time::Interval> {
    (rate > 0.0).then(|| {
        let mut every = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        every
    })
}

/// socketioxide-emitter's PUBLISH side on a redis-rs connection.
#[derive(Clone)]
struct Publisher(ConnectionManager);

impl socketioxide_emitter::Driver for Publisher {
    type Error = redis::RedisError;

    async fn emit(&self, channel: String, data: Vec<u8>) -> Result<(), Self::Error> {
        self.0
            .clone()
            .publish::<_, _, redis::Value>(channel, data)
            .await?;
        Ok(())
    }
}

/// The `emit-ticks` subcommand: publishes `count` ticks to room `all` of `/fanout` on every
/// node of the cluster at `redis_url`.
pub(crate) async fn run_emit_ticks(
    via: Via,
    redis_url: &str,
    spec: &Path,
    rate: f64,
    count: u64,
) -> Result<EmitReport, String> {
    let mut report = EmitReport::default();
    let mut pace = pacer(rate);
    let began = Instant::now();
    match via {
        Via::Asynction => {
            let doc = asynction::Document::from_path(spec)
                .map_err(|e| format!("{}: {e}", spec.display()))?;
            let emitter = asynction::cluster::Emitter::connect(&doc, redis_url)
                .await
                .map_err(|e| e.to_string())?;
            for seq in 0..count {
                wait_turn(pace.as_mut()).await;
                let tick = Tick {
                    seq,
                    ts: now_us(),
                    text: TICK_TEXT,
                };
                let room = emitter.of(FANOUT_NAMESPACE).map_err(|e| e.to_string())?;
                match room.to(FANOUT_ROOM).emit("tick", &tick).await {
                    Ok(()) => report.sent += 1,
                    Err(_) => report.failed += 1,
                }
            }
        }
        Via::Socketioxide => {
            let client = redis::Client::open(redis_url).map_err(|e| e.to_string())?;
            let publisher = Publisher(
                client
                    .get_connection_manager()
                    .await
                    .map_err(|e| format!("Redis at {redis_url}: {e}"))?,
            );
            for seq in 0..count {
                wait_turn(pace.as_mut()).await;
                let tick = Tick {
                    seq,
                    ts: now_us(),
                    text: TICK_TEXT,
                };
                let io = socketioxide_emitter::IoEmitter::new()
                    .of(FANOUT_NAMESPACE)
                    .to(FANOUT_ROOM);
                match io.emit("tick", &tick, &publisher).await {
                    Ok(()) => report.sent += 1,
                    Err(_) => report.failed += 1,
                }
            }
        }
    }
    report.elapsed_us = began.elapsed().as_micros() as u64;
    Ok(report)
}

async fn wait_turn(pace: Option<&mut tokio::time::Interval>) {
    if let Some(every) = pace {
        every.tick().await;
    }
}

/// Runs `emit-ticks` as a child process (this binary) and returns its report.
pub(crate) async fn spawn_emit_ticks(
    via: Via,
    redis_url: &str,
    spec: &Path,
    rate: f64,
    count: u64,
) -> Result<EmitReport, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let via = match via {
        Via::Asynction => "asynction",
        Via::Socketioxide => "socketioxide",
    };
    let output = tokio::process::Command::new(exe)
        .args(["emit-ticks", "--via", via, "--redis", redis_url, "--spec"])
        .arg(spec)
        .args(["--rate", &rate.to_string(), "--count", &count.to_string()])
        .stdin(Stdio::null())
        .output()
        .await
        .map_err(|e| format!("starting emit-ticks: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "emit-ticks failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("emit-ticks printed no report ({e})"))
}

/// Runs `cli --spec SPEC emit --redis URL --namespace /fanout --event tick --room all TICK`
/// `count` times, one after the other, paced at `rate`/s (0: each as soon as the last ended).
pub(crate) async fn run_cli_ticks(
    cli: &PathBuf,
    redis_url: &str,
    spec: &Path,
    rate: f64,
    count: u64,
) -> Result<EmitReport, String> {
    let mut report = EmitReport::default();
    let mut pace = pacer(rate);
    let began = Instant::now();
    for seq in 0..count {
        wait_turn(pace.as_mut()).await;
        let tick = serde_json::to_string(&Tick {
            seq,
            ts: now_us(),
            text: TICK_TEXT,
        })
        .map_err(|e| e.to_string())?;
        let output = tokio::process::Command::new(cli)
            .arg("--spec")
            .arg(spec)
            .args([
                "emit",
                "--redis",
                redis_url,
                "--namespace",
                FANOUT_NAMESPACE,
            ])
            .args(["--event", "tick", "--room", FANOUT_ROOM, &tick])
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|e| format!("running {}: {e}", cli.display()))?;
        if output.status.success() {
            report.sent += 1;
        } else {
            if report.failed == 0 {
                eprintln!(
                    "{} emit failed: {}",
                    cli.display(),
                    String::from_utf8_lossy(&output.stderr).trim()
                );
            }
            report.failed += 1;
        }
    }
    report.elapsed_us = began.elapsed().as_micros() as u64;
    Ok(report)
}

/// CPU (user + system) of every child process this one has waited for so far.
pub(crate) fn children_cpu() -> Option<Duration> {
    // SAFETY: an all-zero rusage is a valid value for getrusage to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable rusage.
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
        return None;
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1_000);
    Some(tv(usage.ru_utime) + tv(usage.ru_stime))
}
