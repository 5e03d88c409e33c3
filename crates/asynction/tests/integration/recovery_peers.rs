//! Connection state recovery with stock clients, exactly as the README tells their users: the
//! README's snippets for socket.io-client (Node) and python-socketio are read from README.md (so
//! the documentation cannot drift from what works) and run against a server with recovery
//! (`tests/fixtures/server/recovery.yaml`). The client's transport is closed under it, the server
//! emits while it is away, and the client must come back recovered, get what it missed once and
//! in order, and hand its listeners every event with the offset as the last argument, as Node's
//! recovery does.

use std::ffi::OsStr;
use std::time::Duration;

use asynction::ValidatedIo;
use asynction_testkit::peers::{LinePeer, python_bin};
use asynction_testkit::{peers_dir, root};
use serde_json::{Value, json};

use crate::recovery::{app, serve};

/// The code block that follows the marker `<!-- recovery-snippet: {client} ` in README.md.
fn readme_snippet(client: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md is readable");
    let marker = format!("<!-- recovery-snippet: {client} ");
    let after = readme
        .split_once(&marker)
        .unwrap_or_else(|| panic!("README.md has no `{marker}…-->` before the snippet"))
        .1;
    let fence = after
        .split_once("\n```")
        .expect("a fenced code block follows the marker")
        .1;
    let body = fence.split_once('\n').expect("the fence's language line").1;
    body.split_once("\n```")
        .expect("the code block is closed")
        .0
        .to_owned()
}

/// The value of `key` in the next line of `peer` (the peer prints nothing the test does not
/// wait for, so a line of another kind is a failure).
async fn expect(peer: &mut LinePeer, key: &str) -> Value {
    let line = peer.next().await;
    line.get(key)
        .unwrap_or_else(|| panic!("expected a `{key}` line, got {line}"))
        .clone()
}

/// The next `message` a listener saw: its text and the offset, its last argument.
async fn message(peer: &mut LinePeer) -> (String, String) {
    let line = peer.next().await;
    assert_eq!(line["event"], "message", "expected a message, got {line}");
    let args = line["args"].as_array().expect("the arguments");
    assert_eq!(args.len(), 2, "the payload and the offset: {line}");
    let offset = args[1].as_str().expect("the offset is a string");
    (
        args[0]["text"]
            .as_str()
            .expect("a message's text")
            .to_owned(),
        offset.to_owned(),
    )
}

async fn send(io: &ValidatedIo, text: &str) {
    io.of("/chat")
        .unwrap()
        .emit("message", &json!({ "text": text }))
        .await
        .unwrap();
}

/// Waits until the server keeps the session of the lost client.
async fn server_kept_the_session(io: &ValidatedIo) {
    for _ in 0..250 {
        if io.recovery_stats().unwrap().sessions > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server did not keep the session of the lost client");
}

/// Offsets `"<ms>-<seq>"` in the order the server wrote them.
fn increasing(offsets: &[String]) -> bool {
    let key = |o: &String| -> (u64, u64) {
        let (ms, seq) = o.split_once('-').expect("an offset is <ms>-<seq>");
        (ms.parse().unwrap(), seq.parse().unwrap())
    };
    offsets.windows(2).all(|w| key(&w[0]) < key(&w[1]))
}

/// The whole story with one peer: connect, receive, lose the transport, miss two events,
/// recover them, receive live again; the snippet's state follows the offsets.
async fn lost_and_recovered(what: &str, program: &str, harness: &str, client: &str) {
    let (addr, io) = serve(app()).await;
    let origin = format!("http://{addr}");
    let snippet = readme_snippet(client);
    let script = peers_dir().join(harness);
    let args: [&OsStr; 3] = [script.as_os_str(), origin.as_ref(), snippet.as_ref()];
    let mut peer = LinePeer::start(what, program, &args);

    let first = expect(&mut peer, "session").await;
    assert_eq!(first["recovered"], false, "{first}");
    let pid = first["pid"].as_str().expect("a pid").to_owned();
    send(&io, "m1").await;
    let (text, m1) = message(&mut peer).await;
    assert_eq!(text, "m1");

    peer.send("drop").await;
    server_kept_the_session(&io).await;
    send(&io, "m2").await;
    send(&io, "m3").await;
    peer.send("reconnect").await;

    assert_eq!(
        expect(&mut peer, "session").await,
        json!({ "pid": pid, "recovered": true })
    );
    let (m2, m3) = (message(&mut peer).await, message(&mut peer).await);
    assert_eq!((m2.0.as_str(), m3.0.as_str()), ("m2", "m3"));
    send(&io, "m4").await;
    let m4 = message(&mut peer).await;
    assert_eq!(m4.0, "m4");
    assert!(
        increasing(&[m1, m2.1, m3.1, m4.1.clone()]),
        "offsets in order"
    );

    // Nothing was delivered twice: the next line is the snippet's state, the last offset kept.
    peer.send("done").await;
    assert_eq!(
        expect(&mut peer, "recovery").await,
        json!({ "pid": pid, "offset": m4.1 })
    );
    let stats = io.recovery_stats().unwrap();
    assert_eq!((stats.recoveries, stats.replayed), (1, 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_snippet_recovers_a_stock_socket_io_client() {
    lost_and_recovered(
        "the README's socket.io-client snippet",
        "node",
        "recovery-snippet.mjs",
        "socket.io-client",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_snippet_recovers_a_python_socketio_client() {
    lost_and_recovered(
        "the README's python-socketio snippet",
        &python_bin(),
        "recovery_snippet.py",
        "python-socketio",
    )
    .await;
}
