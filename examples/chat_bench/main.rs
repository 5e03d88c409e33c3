//! The benchmark server: the original's peer document (`/chat` `message` acked `true`, `echo`
//! re-emitted and acked) with trivial handlers, so a load test measures asynction itself, plus
//! the `/fanout` namespace of `asynction-bench fanout` (room broadcasts, see BENCHMARKS.md).
//!
//! ```sh
//! PORT=5000 cargo run --release --example chat_bench
//! REDIS_URL=redis://127.0.0.1:6390 PORT=5001 cargo run --release --features redis --example chat_bench
//! ```
//! Runtime: a current-thread tokio runtime by default (measured cheaper per event than the
//! multi-thread one on small machines, see BENCHMARKS.md); `ASYNCTION_RUNTIME=multi_thread`
//! switches. With `REDIS_URL` set (and the `redis` feature) the node joins a cluster.
//!
//! Observability switches, for the overhead comparison (`asynction-bench compare --servers
//! asynction,asynction-metrics,asynction-traces`): `ASYNCTION_METRICS=1` (needs
//! `--features metrics`) serves Prometheus metrics at `/metrics`; `ASYNCTION_TRACES=1` (needs
//! `--features traces`) enables asynction's connection and event spans under the log
//! subscriber; with `--features otel` and `OTEL_EXPORTER_OTLP_ENDPOINT` set, the spans are
//! exported over OTLP. A switch the build lacks stops the server with an error instead of
//! measuring nothing.
//!
//! `CHAT_BENCH_DEBUG_ENDPOINT=1` adds `GET /debug/runtime` → `{"alive_tasks": N, "workers": W}`
//! (tokio runtime metrics) for the soak run (`scripts/soak.sh`). It is this example's own
//! route, not part of the library.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use asynction::security::{ApiKeyCredentials, Refusal, SecurityHandlers, SecurityInfo};
use asynction::{
    Ack, Adapter, Asynction, AsynctionSocketIo, EmitError, Payload, SendFailure, ValidatedSocket,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Serialize)]
struct Text {
    text: String,
    ts: i64,
}

async fn chat_message() -> Ack<bool> {
    Ack(true)
}

async fn echo<A: Adapter>(socket: ValidatedSocket<A>, Payload(msg): Payload<Text>) -> Ack<bool> {
    // Validated against EchoReply (maxLength 200) before it is sent.
    match socket.emit("echo", &msg) {
        Ok(()) => Ack(true),
        Err(e) => {
            tracing::debug!(error = %e, "echo refused");
            Ack(false)
        }
    }
}

async fn chat_disconnect() {}

async fn admin_connect<A: Adapter>(socket: ValidatedSocket<A>) {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    if let Err(e) = socket.emit(
        "server metric",
        &serde_json::json!({"name": "CPU_COUNT", "value": cpus}),
    ) {
        tracing::warn!(error = %e, "server metric not sent");
    }
}

/// `/secure` requires the `token` query parameter to be `secret` (httpApiKey).
async fn token_info(key: ApiKeyCredentials) -> Result<SecurityInfo, Refusal> {
    if key.key == "secret" {
        Ok(SecurityInfo::for_user("tester"))
    } else {
        Err(Refusal::Unauthorized)
    }
}

/// The room every `/fanout` client joins on connect.
const FANOUT_ROOM: &str = "all";
/// The text every `tick` carries (the same in the raw and Node servers).
const TICK_TEXT: &str = "fan-out tick from the benchmark server";

/// `start broadcast`: how many `tick`s, at what rate (0 = as fast as the server can), acked or not.
#[derive(Debug, Deserialize)]
struct StartBroadcast {
    rate: f64,
    count: u64,
    #[serde(default)]
    ack: bool,
}

/// One broadcast event; `ts` is the send time (µs since the Unix epoch) for latency.
#[derive(Debug, Serialize)]
struct Tick {
    seq: u64,
    ts: u64,
    text: &'static str,
}

/// The ack of `start broadcast`, once every tick was emitted (and, with acks, collected).
#[derive(Debug, Default, Serialize)]
struct BroadcastDone {
    sent: u64,
    failed: u64,
    acks: u64,
    elapsed_us: u64,
}

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

async fn fanout_connect<A: Adapter>(socket: ValidatedSocket<A>) {
    socket.join(FANOUT_ROOM);
}

/// Broadcasts `count` validated `tick`s to the room, paced at `rate` per second or, at rate 0,
/// yielding to the socket writers between two broadcasts. The control client leaves the room
/// first: in a cluster, a control client on another node would otherwise receive (and not
/// ack) the ticks of this one.
async fn start_broadcast<A: Adapter>(
    socket: ValidatedSocket<A>,
    Payload(start): Payload<StartBroadcast>,
) -> Ack<BroadcastDone> {
    socket.leave(FANOUT_ROOM);
    let began = Instant::now();
    let mut done = BroadcastDone::default();
    let mut pace = (start.rate > 0.0).then(|| {
        let mut every = tokio::time::interval(Duration::from_secs_f64(1.0 / start.rate));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        every
    });
    for seq in 0..start.count {
        match pace.as_mut() {
            Some(every) => {
                every.tick().await;
            }
            None => tokio::task::yield_now().await,
        }
        let tick = Tick {
            seq,
            ts: now_us(),
            text: TICK_TEXT,
        };
        let to = socket.to(FANOUT_ROOM);
        if start.ack {
            match to.emit_with_ack::<_, bool>("tick", &tick).await {
                Ok(acks) => {
                    for (_, ack) in acks {
                        match ack {
                            Ok(true) => done.acks += 1,
                            _ => done.failed += 1,
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "tick not broadcast");
                    done.failed += 1;
                }
            }
        } else {
            match to.emit("tick", &tick).await {
                Ok(()) => {}
                Err(EmitError::Send(SendFailure::Sockets(sockets))) => {
                    done.failed += sockets.len() as u64;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "tick not broadcast");
                    done.failed += 1;
                }
            }
        }
        done.sent += 1;
    }
    done.elapsed_us = began.elapsed().as_micros() as u64;
    Ack(done)
}

/// The same handlers for one process and for a cluster: the build method picks the adapter.
fn handlers<A: Adapter>(spec: &str) -> Result<AsynctionSocketIo<(), A>, asynction::SpecError> {
    let app = AsynctionSocketIo::from_spec(spec)?
        .handler("handlers.chat_message", chat_message)
        .handler("handlers.echo", echo::<A>)
        .handler("handlers.chat_disconnect", chat_disconnect)
        .handler("handlers.admin_connect", admin_connect::<A>)
        .handler("handlers.fanout_connect", fanout_connect::<A>)
        .handler("handlers.start_broadcast", start_broadcast::<A>)
        .security_handlers(SecurityHandlers::new().api_key("handlers.token_info", token_info));
    // `ASYNCTION_RECOVERY=1` turns connection state recovery on (sessions kept 120 s), for its
    // cost measurement in BENCHMARKS.md (`asynction-recovery`: the clients opt in).
    let app = if switched_on("ASYNCTION_RECOVERY") {
        app.recovery(std::time::Duration::from_secs(120))
    } else {
        app
    };
    // `ASYNCTION_METRICS=1` (built with `--features metrics`) turns the Prometheus metrics on,
    // for the overhead measurement in BENCHMARKS.md.
    #[cfg(feature = "metrics")]
    let app = if switched_on("ASYNCTION_METRICS") {
        app.metrics(asynction::metrics::Metrics::new())
    } else {
        app
    };
    Ok(app)
}

/// The example's document.
const SPEC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../examples/chat_bench/asyncapi.yaml"
);

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => serve_cluster(handlers(SPEC)?, &url).await,
        _ => serve(handlers(SPEC)?.build()?).await,
    }
}

#[cfg(feature = "redis")]
async fn serve_cluster(
    builder: AsynctionSocketIo<(), asynction::cluster::RedisAdapter>,
    url: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let app = builder.build_redis(url).await?;
    tracing::info!(redis = %asynction::cluster::redact_url(url), "joined the cluster");
    serve(app).await
}

#[cfg(not(feature = "redis"))]
async fn serve_cluster(_: AsynctionSocketIo, _: &str) -> Result<(), Box<dyn std::error::Error>> {
    Err("REDIS_URL is set but this build has no `redis` feature".into())
}

async fn serve<A: Adapter>(app: Asynction<A>) -> Result<(), Box<dyn std::error::Error>> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "5000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    tracing::info!(
        "chat_bench listening on http://{}{}",
        listener.local_addr()?,
        app.socketio_path()
    );
    let shutdown = asynction::lifecycle::shutdown_signal();
    if std::env::var("CHAT_BENCH_DEBUG_ENDPOINT").as_deref() == Ok("1") {
        use axum::serve::ListenerExt;
        let router = app
            .into_router()
            .route("/debug/runtime", axum::routing::get(runtime_metrics));
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown)
            .await?;
    } else {
        app.serve(listener, shutdown).await?;
    }
    Ok(())
}

/// Live tokio tasks and workers of the server's runtime.
async fn runtime_metrics() -> axum::Json<serde_json::Value> {
    let metrics = tokio::runtime::Handle::current().metrics();
    axum::Json(serde_json::json!({
        "alive_tasks": metrics.num_alive_tasks(),
        "workers": metrics.num_workers(),
    }))
}

/// Whether the switch `name` is `1`.
fn switched_on(name: &str) -> bool {
    std::env::var(name).as_deref() == Ok("1")
}

/// Refuses an observability switch the build lacks, then installs the log subscriber
/// (`RUST_LOG`, default `warn`); asynction's spans enabled with
/// `ASYNCTION_TRACES=1`, and exported over OTLP when the build has `otel` and
/// `OTEL_EXPORTER_OTLP_ENDPOINT` is set. The returned guard flushes the export on drop.
fn init_tracing(spec: &str) -> Result<Option<Box<dyn std::any::Any>>, Box<dyn std::error::Error>> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    if cfg!(not(feature = "metrics")) && switched_on("ASYNCTION_METRICS") {
        return Err("ASYNCTION_METRICS=1 needs a build with --features metrics".into());
    }
    let default = if switched_on("ASYNCTION_TRACES") {
        if cfg!(not(feature = "traces")) {
            return Err("ASYNCTION_TRACES=1 needs a build with --features traces".into());
        }
        "warn,asynction=info"
    } else {
        "warn"
    };
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default.into());
    let registry = tracing_subscriber::registry()
        .with(filter)
        .with(tracing_subscriber::fmt::layer());
    #[cfg(feature = "otel")]
    if std::env::var(asynction::otel::OTEL_EXPORTER_OTLP_ENDPOINT).is_ok_and(|v| !v.is_empty()) {
        let doc = asynction::Document::from_path(spec)?;
        let (otel, guard) = asynction::otel::layer(&doc)?;
        registry.with(otel).init();
        return Ok(Some(Box::new(guard)));
    }
    let _ = spec;
    registry.init();
    Ok(None)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _otel = init_tracing(SPEC)?;
    let mut runtime = match std::env::var("ASYNCTION_RUNTIME").as_deref() {
        Ok("multi_thread") => tokio::runtime::Builder::new_multi_thread(),
        _ => tokio::runtime::Builder::new_current_thread(),
    };
    runtime.enable_all().build()?.block_on(run())
}
