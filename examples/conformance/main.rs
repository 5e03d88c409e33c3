//! The server the official Socket.IO protocol test suite expects, booted through asynction
//! from its AsyncAPI document with validation on.
//!
//! ```sh
//! PORT=3000 cargo run --release --example conformance                           # AsyncAPI 2.6
//! ASYNCTION_CONFORMANCE_SPEC=3.0 PORT=3000 cargo run --release --example conformance  # AsyncAPI 3.0
//! ASYNCTION_CONFORMANCE_SPEC=3.1 PORT=3000 cargo run --release --example conformance  # AsyncAPI 3.1
//! ```
//! Engine.IO settings the suite asserts (not expressible in AsyncAPI): ping interval 300 ms,
//! ping timeout 200 ms, max payload 1 000 000 bytes, connect timeout 1000 ms.

use std::time::Duration;

use asynction::{Args, AsynctionSocketIo, AuthPayload, ValidatedSocket};

/// On connect to `/` and `/custom`: emit `auth` with the CONNECT payload (`{}` when absent).
async fn emit_auth(socket: ValidatedSocket, AuthPayload(auth): AuthPayload) -> Result<(), String> {
    socket.emit("auth", &auth).map_err(|e| e.to_string())
}

/// `message` → `message-back` with the same arguments, binary attachments included.
async fn echo_as_message_back(socket: ValidatedSocket, args: Args) {
    if let Err(e) = socket.emit_args("message-back", &args) {
        tracing::warn!(error = %e, "message-back not sent");
    }
}

/// `message-with-ack` → ack with the same arguments.
async fn ack_with_same_args(args: Args) -> Args {
    args
}

/// `message`: raw arguments in, nothing typed out, so with feature `schemars` the check has
/// nothing to refuse (`type check: 1 routes checked, 1 unchecked, 0 emits checked`).
#[cfg(feature = "schemars")]
fn echo_handlers(builder: AsynctionSocketIo) -> AsynctionSocketIo {
    builder.handler_checked("conformance.echo_as_message_back", echo_as_message_back)
}

/// `message` (unchecked without feature `schemars`).
#[cfg(not(feature = "schemars"))]
fn echo_handlers(builder: AsynctionSocketIo) -> AsynctionSocketIo {
    builder.handler("conformance.echo_as_message_back", echo_as_message_back)
}

fn spec_path() -> String {
    let version = std::env::var("ASYNCTION_CONFORMANCE_SPEC").unwrap_or_else(|_| "2.6".into());
    format!(
        "{}/../../examples/conformance/asyncapi-{version}.yaml",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let app = echo_handlers(AsynctionSocketIo::from_spec(spec_path())?)
        .handler("conformance.emit_auth", emit_auth)
        // Raw arguments both ways (the suite sends any): its ack has no type to check, so it
        // is counted as unchecked under `schemars`.
        .handler("conformance.ack_with_same_args", ack_with_same_args)
        .path("/socket.io")
        .docs(false)
        .configure_socketio(|b| {
            b.ping_interval(Duration::from_millis(300))
                .ping_timeout(Duration::from_millis(200))
                .max_payload(1_000_000)
                .connect_timeout(Duration::from_millis(1000))
        })
        .build()?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    tracing::info!(
        "conformance server on http://{}/socket.io/ ({})",
        listener.local_addr()?,
        spec_path()
    );
    app.serve(listener, asynction::lifecycle::shutdown_signal())
        .await?;
    Ok(())
}
