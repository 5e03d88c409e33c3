//! A ticker for the recovery jitter test: every client of `/ticks` receives `tick`
//! `{seq, sentAt, node}` every `TICK_MS` milliseconds, with connection state recovery on
//! (`x-socketio-recovery` in the document, `asynction::recovery`), so a client that loses its
//! connection gets every tick it missed when it comes back.
//!
//! ```sh
//! PORT=5000 cargo run --release --example recovery_ticker
//! # then: node tests/peers/recovery-jitter.mjs http://127.0.0.1:5000 /ticks 1000 60 15 20 2
//! ```
//!
//! Environment: `PORT` (default 5000); `TICK_MS` (default 500); `NODE_NAME` (default
//! `ticker`; the `node` of each tick is `NODE_NAME-<process id>`, so a restarted process or
//! another node starts a sequence of its own); `RECOVERY=off` turns recovery off whatever the
//! document says; `TICK=off` sends nothing (a node that only serves clients);
//! `REDIS_URL` (a build with `--features redis`) makes it a node of a cluster: sessions and the
//! recovery log in Redis, so a client recovers on any node; `READINESS_GRACE_MS` keeps a
//! draining node accepting (and `{base}/readyz` answering `draining`) that long after SIGTERM.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use asynction::{Adapter, Asynction, AsynctionSocketIo, ValidatedIo};
use serde::Serialize;

const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/recovery_ticker/asyncapi.yaml"
);

/// The `tick` event of `/ticks`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Tick<'a> {
    seq: u64,
    sent_at: u64,
    node: &'a str,
}

/// What the environment asks for.
struct Config {
    port: String,
    tick: Option<Duration>,
    recovery: bool,
    node: String,
}

impl Config {
    fn from_env() -> Result<Self, Box<dyn std::error::Error>> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let tick_ms: u64 = match var("TICK_MS") {
            Some(ms) => ms
                .parse()
                .map_err(|e| format!("TICK_MS={ms:?} is not a number of milliseconds: {e}"))?,
            None => 500,
        };
        Ok(Config {
            port: var("PORT").unwrap_or_else(|| "5000".into()),
            tick: (var("TICK").as_deref() != Some("off")).then(|| Duration::from_millis(tick_ms)),
            recovery: var("RECOVERY").as_deref() != Some("off"),
            node: format!(
                "{}-{}",
                var("NODE_NAME").unwrap_or_else(|| "ticker".into()),
                std::process::id()
            ),
        })
    }
}

/// Broadcasts `tick` to `/ticks` every `every`, numbering from 0, forever.
async fn tick<A: Adapter>(io: ValidatedIo<A>, every: Duration, node: String) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for seq in 0u64.. {
        interval.tick().await;
        let sent_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let tick = Tick {
            seq,
            sent_at,
            node: &node,
        };
        let sent = match io.of("/ticks") {
            Ok(ticks) => ticks.emit("tick", &tick).await,
            Err(e) => Err(e),
        };
        if let Err(e) = sent {
            tracing::warn!(seq, error = %e, "tick not sent");
        }
    }
}

/// The document's server, with recovery off when `RECOVERY=off`; on any adapter.
fn builder<A: Adapter>(config: &Config) -> Result<AsynctionSocketIo<(), A>, asynction::SpecError> {
    let builder = AsynctionSocketIo::from_spec(SPEC)?;
    Ok(if config.recovery {
        builder
    } else {
        builder.recovery_options(None)
    })
}

/// Starts the ticker (unless `TICK=off`) and serves `app` until a shutdown signal: the same
/// for every adapter, so a cluster mode is one more way to build `app`.
async fn run<A: Adapter>(
    app: Asynction<A>,
    config: Config,
) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(every) = config.tick {
        tokio::spawn(tick(app.io.clone(), every, config.node.clone()));
    }
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{}", config.port)).await?;
    tracing::info!(
        node = %config.node,
        recovery = config.recovery,
        "recovery_ticker listening on http://{}{}",
        listener.local_addr()?,
        app.socketio_path()
    );
    let app = match std::env::var("READINESS_GRACE_MS").ok() {
        Some(ms) => {
            let grace = Duration::from_millis(ms.parse().map_err(|e| {
                format!("READINESS_GRACE_MS={ms:?} is not a number of milliseconds: {e}")
            })?);
            let drain = app.drain_options().readiness_grace(grace);
            app.with_drain(drain)
        }
        None => app,
    };
    app.serve(listener, asynction::lifecycle::shutdown_signal())
        .await?;
    Ok(())
}

// Current-thread runtime: cheaper per event on small machines (BENCHMARKS.md).
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let config = Config::from_env()?;
    match std::env::var("REDIS_URL").ok().filter(|v| !v.is_empty()) {
        Some(url) => cluster_node(&url, config).await,
        None => run(builder(&config)?.build()?, config).await,
    }
}

/// A node of a cluster through Redis at `url`.
#[cfg(feature = "redis")]
async fn cluster_node(url: &str, config: Config) -> Result<(), Box<dyn std::error::Error>> {
    use asynction::cluster::RedisAdapter;
    let app = builder::<RedisAdapter>(&config)?.build_redis(url).await?;
    run(app, config).await
}

#[cfg(not(feature = "redis"))]
async fn cluster_node(_: &str, _: Config) -> Result<(), Box<dyn std::error::Error>> {
    Err("REDIS_URL needs a build with --features redis".into())
}
