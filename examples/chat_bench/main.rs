//! The benchmark server: the original's peer document (`/chat` `message` acked `true`, `echo`
//! re-emitted and acked) with trivial handlers, so a load test measures asynction itself.
//!
//! ```sh
//! PORT=5000 cargo run --release --example chat_bench
//! ```
//! Runtime: a current-thread tokio runtime by default (measured cheaper per event than the
//! multi-thread one on small machines, see BENCHMARKS.md); `ASYNCTION_RUNTIME=multi_thread`
//! switches.
//!
//! `CHAT_BENCH_DEBUG_ENDPOINT=1` adds `GET /debug/runtime` → `{"alive_tasks": N, "workers": W}`
//! (tokio runtime metrics) for the soak run (`scripts/soak.sh`). It is this example's own
//! route, not part of the library.

use asynction::security::{ApiKeyCredentials, Refusal, SecurityHandlers, SecurityInfo};
use asynction::server::{Ack, AsynctionSocketIo, Payload, ValidatedSocket};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Serialize)]
struct Text {
    text: String,
    ts: i64,
}

async fn chat_message() -> Ack<bool> {
    Ack(true)
}

async fn echo(socket: ValidatedSocket, Payload(msg): Payload<Text>) -> Ack<bool> {
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

async fn admin_connect(socket: ValidatedSocket) {
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

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/chat_bench/asyncapi.yaml"
    );
    let app = AsynctionSocketIo::from_spec(spec)?
        .handler("handlers.chat_message", chat_message)
        .handler("handlers.echo", echo)
        .handler("handlers.chat_disconnect", chat_disconnect)
        .handler("handlers.admin_connect", admin_connect)
        .security_handlers(SecurityHandlers::new().api_key("handlers.token_info", token_info));
    // `ASYNCTION_METRICS=1` (built with `--features metrics`) turns the Prometheus metrics on,
    // for the overhead measurement in BENCHMARKS.md.
    #[cfg(feature = "metrics")]
    let app = if std::env::var("ASYNCTION_METRICS").as_deref() == Ok("1") {
        app.metrics(asynction::observe::Metrics::new())
    } else {
        app
    };
    let app = app.build()?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "5000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    tracing::info!(
        "chat_bench listening on http://{}{}",
        listener.local_addr()?,
        app.socketio_path()
    );
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let mut runtime = match std::env::var("ASYNCTION_RUNTIME").as_deref() {
        Ok("multi_thread") => tokio::runtime::Builder::new_multi_thread(),
        _ => tokio::runtime::Builder::new_current_thread(),
    };
    runtime.enable_all().build()?.block_on(run())
}
