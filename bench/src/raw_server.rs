//! The reference server: the benchmark's handlers on bare socketioxide + axum, with no validation.
//!
//! Namespace `/chat`: `message` is acked with `true`; `echo` emits `echo` back to the sender with
//! the same payload and is acked with `true`. It is the floor asynction's overhead is measured
//! against, so it does nothing else.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use axum::serve::ListenerExt;
use serde_json::Value;
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, Data, SocketRef};

/// Which tokio runtime serves the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuntimeFlavor {
    /// `tokio::runtime::Builder::new_multi_thread` with one worker per core.
    MultiThread,
    /// `tokio::runtime::Builder::new_current_thread`: everything on one OS thread.
    CurrentThread,
}

/// Builds the runtime and serves on `127.0.0.1:port` until the process is killed.
pub fn run(port: u16, flavor: RuntimeFlavor) -> io::Result<()> {
    let runtime = match flavor {
        RuntimeFlavor::MultiThread => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?,
        RuntimeFlavor::CurrentThread => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
    };
    runtime.block_on(serve(port))
}

/// Serves the `/chat` namespace on `127.0.0.1:port`.
pub async fn serve(port: u16) -> io::Result<()> {
    let (layer, io) = SocketIo::new_layer();
    io.ns("/chat", on_chat_connect);
    let app = axum::Router::new().layer(layer);
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    eprintln!(
        "raw socketioxide server on http://{} (pid {})",
        listener.local_addr()?,
        std::process::id()
    );
    // Nagle off, as Node does: `echo` writes twice per request and would otherwise wait for the
    // client's delayed ACK.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await
}

async fn on_chat_connect(socket: SocketRef) {
    socket.on("message", on_message);
    socket.on("echo", on_echo);
}

/// Takes its payload like every other implementation's handler does (Node's, Python's and
/// asynction's all receive the parsed argument), so the floor includes parsing it.
async fn on_message(Data(_payload): Data<Value>, ack: AckSender) {
    let _ = ack.send(&true);
}

async fn on_echo(socket: SocketRef, Data(payload): Data<Value>, ack: AckSender) {
    let _ = socket.emit("echo", &payload);
    let _ = ack.send(&true);
}
