//! Shared test harness: serve an app on a free loopback port, drive real peers (the Node
//! `socket.io-client`, the Python `python-socketio` client) through JSON scenarios, or reach
//! the app in process with asynction-client when a Rust client is all a test needs.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Once;

use std::time::Duration;

use asynction_client::{Client, ClientBuilder};
use serde_json::Value;

pub mod ajv;
pub mod example;
pub mod otlp;
pub mod prometheus;
pub mod user_accounts;

/// The repository (workspace) root: fixtures, peers and examples are shared by every crate.
pub fn root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::canonicalize(&root).unwrap_or(root)
}

/// `tests/peers`, where the peer scripts and their npm packages live.
pub fn peers() -> PathBuf {
    root().join("tests/peers")
}

static NPM: Once = Once::new();

/// Installs the npm peers when a fresh checkout has none (CI's `.ci/run` does it up front).
pub fn ensure_node_peers() {
    NPM.call_once(|| {
        if peers()
            .join("node_modules/socket.io-msgpack-parser")
            .exists()
        {
            return;
        }
        let status = std::process::Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(peers())
            .status()
            .expect("npm must be installed to run the peer tests");
        assert!(status.success(), "npm install in tests/peers failed");
    });
}

/// A free loopback port (bound, then released for the caller).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Serves `router` on 127.0.0.1 (free port) in the background.
pub async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router).await.unwrap();
    });
    addr
}

/// Runs `tests/peers/sio-client.mjs` with a scenario; returns one result per step.
pub async fn node(addr: SocketAddr, path: &str, steps: Value) -> Vec<Value> {
    let scenario =
        serde_json::json!({ "url": format!("http://{addr}"), "path": path, "steps": steps });
    node_scenario(scenario).await
}

/// Like [`node`], with the client speaking the MessagePack parser.
pub async fn node_msgpack(addr: SocketAddr, path: &str, steps: Value) -> Vec<Value> {
    let scenario = serde_json::json!({
        "url": format!("http://{addr}"), "path": path, "parser": "msgpack", "steps": steps
    });
    node_scenario(scenario).await
}

async fn node_scenario(scenario: Value) -> Vec<Value> {
    ensure_node_peers();
    run_json(
        "node",
        &[
            peers().join("sio-client.mjs").to_str().unwrap(),
            &scenario.to_string(),
        ],
        &peers(),
    )
    .await
}

/// Runs `tests/peers/sio_client.py` (python-socketio) with a scenario.
pub async fn python(addr: SocketAddr, path: &str, steps: Value) -> Vec<Value> {
    let scenario =
        serde_json::json!({ "url": format!("http://{addr}"), "path": path, "steps": steps });
    run_json(
        &python_bin(),
        &[
            peers().join("sio_client.py").to_str().unwrap(),
            &scenario.to_string(),
        ],
        &peers(),
    )
    .await
}

/// The Python interpreter with python-socketio: `ASYNCTION_PYTHON`, else `python3`.
pub fn python_bin() -> String {
    std::env::var("ASYNCTION_PYTHON").unwrap_or_else(|_| "python3".into())
}

async fn run_json(program: &str, args: &[&str], cwd: &Path) -> Vec<Value> {
    let output = tokio::process::Command::new(program)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{program} failed: {}\nstdout: {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("{program} printed no JSON ({e}): {stdout}"))
}

/// The error object of an error ack (`[{"error": {...}}]`), or panics with the ack.
pub fn error_ack(result: &Value) -> &Value {
    result
        .get("ack")
        .and_then(|a| a.get(0))
        .and_then(|a| a.get("error"))
        .unwrap_or_else(|| panic!("expected an error ack, got {result}"))
}

/// A plain HTTP/1.1 GET over a raw socket: `(status, body)`.
pub async fn http_get(addr: SocketAddr, path: &str) -> (u16, String) {
    http_request(addr, "GET", path, "", "").await
}

/// One HTTP/1.1 request over a fresh connection (`headers` as `Name: value\r\n` lines):
/// `(status, body)`. The server may answer and close before the whole body is written.
pub async fn http_request(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &str,
    body: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "{method} {target} HTTP/1.1\r\nHost: {addr}\r\n{headers}Content-Type: text/plain;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(request.as_bytes()).await;
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw).await;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// How long a test waits for one ack of the Socket.IO client.
pub const ACK_WAIT: Duration = Duration::from_secs(3);

/// A Socket.IO client (asynction-client, websocket) on `addr` with the Engine.IO session open
/// and no namespace joined.
pub async fn sio_open(addr: SocketAddr) -> Client {
    ClientBuilder::new(format!("http://{addr}"))
        .open()
        .await
        .expect("engine.io handshake")
}

/// A Socket.IO client (asynction-client, websocket) joined to `ns` on `addr`; panics unless the
/// CONNECT is accepted.
pub async fn sio(addr: SocketAddr, ns: &str) -> Client {
    ClientBuilder::new(format!("http://{addr}"))
        .connect(ns)
        .await
        .unwrap_or_else(|e| panic!("CONNECT to {ns}: {e}"))
}

/// A Socket.IO client (asynction-client, websocket) of `router` in this process — no listener,
/// no port ([`ClientBuilder::in_process`]) — joined to `ns`; panics unless the CONNECT is
/// accepted. For tests that need nothing but a Rust client.
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

/// Waits (polling every few milliseconds, at most 20 s) until `done` holds; panics with `what`
/// otherwise. For state a test can only observe, not await.
pub async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
