//! A chat with rooms and typing notifications, like the socket.io demo the original used.
//!
//! ```sh
//! PORT=5000 cargo run --release --example chat
//! # its connection and event spans exported to an OTLP/HTTP collector:
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 cargo run --release --features otel --example chat
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use asynction::{Ack, AsynctionSocketIo, Payload, State, ValidatedSocket};
use serde::Deserialize;
use serde_json::json;

#[derive(Clone, Default)]
struct Chat {
    users: Arc<AtomicUsize>,
}

/// The username chosen by a socket, kept in its extensions.
#[derive(Clone)]
struct Username(String);

fn username(socket: &ValidatedSocket) -> Option<String> {
    socket
        .unvalidated()
        .extensions
        .get::<Username>()
        .map(|u| u.0)
}

async fn add_user(
    socket: ValidatedSocket,
    Payload(name): Payload<String>,
    State(chat): State<Chat>,
) -> Ack<serde_json::Value> {
    if username(&socket).is_some() {
        return Ack(json!({"error": "already logged in"}));
    }
    socket
        .unvalidated()
        .extensions
        .insert(Username(name.clone()));
    let num_users = chat.users.fetch_add(1, Ordering::SeqCst) + 1;
    let _ = socket.emit("login", &json!({"numUsers": num_users}));
    let _ = socket
        .broadcast()
        .emit(
            "user joined",
            &json!({"username": name, "numUsers": num_users}),
        )
        .await;
    Ack(json!({"error": null}))
}

#[derive(Deserialize)]
struct NewMessage {
    message: String,
    room: Option<String>,
}

async fn new_message(socket: ValidatedSocket, Payload(msg): Payload<NewMessage>) {
    let Some(name) = username(&socket) else {
        return;
    };
    let mut out = json!({"username": name, "message": msg.message});
    let target = match msg.room {
        Some(room) => {
            out["room"] = json!(room);
            socket.to(room)
        }
        None => socket.broadcast(),
    };
    if let Err(e) = target.emit("new message", &out).await {
        tracing::warn!(error = %e, "message not delivered");
    }
}

async fn typing(socket: ValidatedSocket) {
    if let Some(name) = username(&socket) {
        let _ = socket
            .broadcast()
            .emit("typing", &json!({"username": name}))
            .await;
    }
}

async fn stop_typing(socket: ValidatedSocket) {
    if let Some(name) = username(&socket) {
        let _ = socket
            .broadcast()
            .emit("stop typing", &json!({"username": name}))
            .await;
    }
}

async fn join_room(socket: ValidatedSocket, Payload(room): Payload<String>) -> Ack<Vec<String>> {
    socket.join(room);
    let mut rooms = socket.rooms();
    rooms.sort();
    Ack(rooms)
}

async fn disconnect(socket: ValidatedSocket, State(chat): State<Chat>) {
    if let Some(name) = username(&socket) {
        let num_users = chat.users.fetch_sub(1, Ordering::SeqCst).saturating_sub(1);
        let _ = socket
            .broadcast()
            .emit(
                "user left",
                &json!({"username": name, "numUsers": num_users}),
            )
            .await;
    }
}

/// Logs to stderr (`RUST_LOG`, default `info`); with `--features otel` and
/// `OTEL_EXPORTER_OTLP_ENDPOINT` set, also exports the spans over OTLP (`asynction::otel`).
#[cfg(feature = "otel")]
fn init_tracing(
    spec: &str,
) -> Result<Option<asynction::otel::OtelGuard>, Box<dyn std::error::Error>> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let registry = tracing_subscriber::registry()
        .with(log_filter())
        .with(tracing_subscriber::fmt::layer());
    if std::env::var(asynction::otel::OTEL_EXPORTER_OTLP_ENDPOINT).is_ok_and(|v| !v.is_empty()) {
        let (otel, guard) = asynction::otel::layer(&asynction::Document::from_path(spec)?)?;
        registry.with(otel).init();
        return Ok(Some(guard));
    }
    registry.init();
    Ok(None)
}

/// Logs to stderr (`RUST_LOG`, default `info`); nothing to flush without `otel`.
#[cfg(not(feature = "otel"))]
fn init_tracing(_spec: &str) -> Result<Option<()>, Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(log_filter())
        .init();
    Ok(None)
}

fn log_filter() -> tracing_subscriber::EnvFilter {
    tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into())
}

// Current-thread runtime: cheaper per event on small machines (BENCHMARKS.md).
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/chat/asyncapi.yaml"
    );
    // Kept until the server stops: dropping it flushes the spans still queued.
    let _otel = init_tracing(spec)?;
    let app = AsynctionSocketIo::from_spec(spec)?
        .handler("chat.add_user", add_user)
        .handler("chat.new_message", new_message)
        .handler("chat.typing", typing)
        .handler("chat.stop_typing", stop_typing)
        .handler("chat.join_room", join_room)
        .handler("chat.disconnect", disconnect)
        .with_state(Chat::default())
        .build()?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "5000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    tracing::info!(
        "chat listening on http://{}{}",
        listener.local_addr()?,
        app.socketio_path()
    );
    app.serve(listener, asynction::lifecycle::shutdown_signal())
        .await?;
    Ok(())
}
