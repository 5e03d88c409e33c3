//! The Rust Socket.IO client (asynction-client, websocket) of the tests: joined to a namespace
//! over TCP or in this process, and its acks as JSON.

use std::net::SocketAddr;
use std::time::Duration;

use asynction_client::{Client, ClientBuilder};
use serde_json::Value;

/// How long a test waits for one ack of the Socket.IO client.
pub const ACK_WAIT: Duration = Duration::from_secs(3);

/// A Socket.IO client on `addr` with the Engine.IO session open and no namespace joined.
pub async fn sio_open(addr: SocketAddr) -> Client {
    ClientBuilder::new(format!("http://{addr}"))
        .open()
        .await
        .expect("engine.io handshake")
}

/// A Socket.IO client joined to `ns` on `addr`; panics unless the CONNECT is accepted.
pub async fn sio(addr: SocketAddr, ns: &str) -> Client {
    ClientBuilder::new(format!("http://{addr}"))
        .connect(ns)
        .await
        .unwrap_or_else(|e| panic!("CONNECT to {ns}: {e}"))
}

/// A Socket.IO client of `router` in this process — no listener, no port
/// ([`ClientBuilder::in_process`]) — joined to `ns`; panics unless the CONNECT is accepted.
/// For tests that need nothing but a Rust client.
pub async fn sio_in_process(router: &axum::Router, ns: &str) -> Client {
    ClientBuilder::in_process(router.clone())
        .connect(ns)
        .await
        .unwrap_or_else(|e| panic!("CONNECT to {ns}: {e}"))
}

/// Emits `event` with `args` on `ns` and returns the ack's arguments as one JSON array.
pub async fn ack_of(
    client: &mut Client,
    ns: &str,
    event: &str,
    args: &[Value],
) -> Result<Value, asynction_client::Error> {
    client
        .emit_with_ack(ns, event, args, ACK_WAIT)
        .await
        .map(|a| a.to_value())
}

/// Sends `42{ns},{id}{list}` with the argument list written verbatim; the ack as a JSON array.
pub async fn ack_of_text(
    client: &mut Client,
    ns: &str,
    list: &str,
) -> Result<Value, asynction_client::Error> {
    client
        .emit_text_with_ack(ns, list, ACK_WAIT)
        .await
        .map(|a| a.to_value())
}

/// Waits for the ack `id` on `ns`; its arguments as a JSON array.
pub async fn ack_json(
    client: &mut Client,
    ns: &str,
    id: u64,
) -> Result<Value, asynction_client::Error> {
    client
        .wait_ack(ns, id, Duration::from_secs(2))
        .await
        .map(|a| a.to_value())
}
