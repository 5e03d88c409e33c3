//! A chat with rooms and typing notifications, like the socket.io demo the original used.
//!
//! ```sh
//! PORT=5000 cargo run --release --example chat
//! # its connection and event spans exported to an OTLP/HTTP collector:
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 cargo run --release --features otel --example chat
//! # the handlers' and emits' types checked against the document when the server is built:
//! cargo run --features schemars --example chat
//! ```
//!
//! Every payload, ack and emit is a Rust type; with feature `schemars` they derive
//! `JsonSchema` and the log says `type check: 5 routes checked, 0 unchecked, 6 emits checked`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use asynction::{Ack, AsynctionSocketIo, Payload, State, ValidatedSocket, server_event};
use serde::{Deserialize, Serialize};

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

/// The ack of `add user`: `{error: null}`, or why the name was refused.
#[derive(Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
struct AddUserAck {
    error: Option<String>,
}

/// `login`: sent to a user who joined.
#[derive(Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
struct Login {
    num_users: usize,
}
server_event!(Login, "/", "login");

/// `user joined` / `user left`: who, and how many users are left.
#[derive(Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase")]
struct Presence {
    username: String,
    num_users: usize,
}

#[derive(Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
struct UserJoined(Presence);
server_event!(UserJoined, "/", "user joined");

#[derive(Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
struct UserLeft(Presence);
server_event!(UserLeft, "/", "user left");

/// `typing` / `stop typing`: who.
#[derive(Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
struct Typing {
    username: String,
}
server_event!(Typing, "/", "typing");

#[derive(Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
struct StopTyping {
    username: String,
}
server_event!(StopTyping, "/", "stop typing");

async fn add_user(
    socket: ValidatedSocket,
    Payload(name): Payload<String>,
    State(chat): State<Chat>,
) -> Ack<AddUserAck> {
    if username(&socket).is_some() {
        return Ack(AddUserAck {
            error: Some("already logged in".into()),
        });
    }
    socket
        .unvalidated()
        .extensions
        .insert(Username(name.clone()));
    let num_users = chat.users.fetch_add(1, Ordering::SeqCst) + 1;
    let _ = socket.send(&Login { num_users });
    let joined = UserJoined(Presence {
        username: name,
        num_users,
    });
    let _ = socket.broadcast().send(&joined).await;
    Ack(AddUserAck { error: None })
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
struct NewMessage {
    message: String,
    room: Option<String>,
}

/// `new message` as the other users receive it.
#[derive(Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
struct NewMessageReceived {
    username: String,
    message: String,
    // Never written as `null` (skipped), so its schema is the string's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schemars", schemars(with = "String"))]
    room: Option<String>,
}
server_event!(NewMessageReceived, "/", "new message");

async fn new_message(socket: ValidatedSocket, Payload(msg): Payload<NewMessage>) {
    let Some(username) = username(&socket) else {
        return;
    };
    let target = match &msg.room {
        Some(room) => socket.to(room.clone()),
        None => socket.broadcast(),
    };
    let out = NewMessageReceived {
        username,
        message: msg.message,
        room: msg.room,
    };
    if let Err(e) = target.send(&out).await {
        tracing::warn!(error = %e, "message not delivered");
    }
}

async fn typing(socket: ValidatedSocket) {
    if let Some(username) = username(&socket) {
        let _ = socket.broadcast().send(&Typing { username }).await;
    }
}

async fn stop_typing(socket: ValidatedSocket) {
    if let Some(username) = username(&socket) {
        let _ = socket.broadcast().send(&StopTyping { username }).await;
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
        let left = UserLeft(Presence {
            username: name,
            num_users,
        });
        let _ = socket.broadcast().send(&left).await;
    }
}

/// The event handlers and emits, their types checked against the document at build.
#[cfg(feature = "schemars")]
fn events(builder: AsynctionSocketIo<Chat>) -> AsynctionSocketIo<Chat> {
    builder
        .handler_checked("chat.add_user", add_user)
        .handler_checked("chat.new_message", new_message)
        .handler_checked("chat.typing", typing)
        .handler_checked("chat.stop_typing", stop_typing)
        .handler_checked("chat.join_room", join_room)
        .emits::<Login>()
        .emits::<UserJoined>()
        .emits::<UserLeft>()
        .emits::<Typing>()
        .emits::<StopTyping>()
        .emits::<NewMessageReceived>()
}

/// The event handlers (unchecked: build with `--features schemars` to check their types).
#[cfg(not(feature = "schemars"))]
fn events(builder: AsynctionSocketIo<Chat>) -> AsynctionSocketIo<Chat> {
    builder
        .handler("chat.add_user", add_user)
        .handler("chat.new_message", new_message)
        .handler("chat.typing", typing)
        .handler("chat.stop_typing", stop_typing)
        .handler("chat.join_room", join_room)
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
    let app = events(AsynctionSocketIo::from_spec(spec)?)
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
