//! Socket.IO protocol conformance: the `conformance` example (the server the official
//! socket.io-protocol test suite expects, booted through asynction from its AsyncAPI 2.6,
//! 3.0 and 3.1 documents with validation on; the 3.1 one uses operations without `messages`,
//! plain-value example payloads and dotted `x-` keys) checked against every server behaviour of the suite's
//! inventory (`shared/research/peers.md` §1.1). Our own tests, written from that inventory.
//!
//! Raw Engine.IO frames go through asynction-client's raw-frames API: [`EngineIo`] over a
//! websocket (frames sent as written, the next frame read; tungstenite buffers what arrives, so
//! two frames in one TCP read are never lost) and `engine::request` for HTTP long-polling.
//! socketioxide sends its first PING right after the Engine.IO handshake (then every 300 ms);
//! the client answers pings while it reads, unless a test drives the heartbeat by hand.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use asynction_client::{ClientBuilder, EngineIo, Error, Frame};
use asynction_testkit::process::{Example, ServerProcess};
use serde_json::{Value, json};

/// How long any single expected frame or response may take before the test fails.
const WAIT: Duration = Duration::from_secs(5);

/// The document the example boots from.
#[derive(Debug, Clone, Copy)]
enum Doc {
    V2_6,
    V3_0,
    V3_1,
}

impl Doc {
    fn version(self) -> &'static str {
        match self {
            Doc::V2_6 => "2.6",
            Doc::V3_0 => "3.0",
            Doc::V3_1 => "3.1",
        }
    }
}

/// The `conformance` example serving `doc`, killed on drop.
fn start(doc: Doc) -> ServerProcess {
    Example::new("conformance")
        .env("ASYNCTION_CONFORMANCE_SPEC", doc.version())
        .start()
}

// ---------------------------------------------------------------------------------------------
// HTTP long-polling

fn polling_url(sid: Option<&str>) -> String {
    match sid {
        Some(sid) => format!("/socket.io/?EIO=4&transport=polling&sid={sid}"),
        None => "/socket.io/?EIO=4&transport=polling".to_owned(),
    }
}

/// One HTTP/1.1 request over a fresh connection: `(status, body)`; `(0, "")` when the server
/// resets the connection instead of answering.
async fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let authority = addr.to_string();
    let exchange =
        asynction_client::engine::request(&authority, method, path, &[], body.map(str::to_owned));
    match tokio::time::timeout(WAIT, exchange).await {
        Ok(Ok((status, body))) => (status, String::from_utf8_lossy(&body).into_owned()),
        Ok(Err(_)) => (0, String::new()),
        Err(_) => panic!("{method} {path}: no response within {WAIT:?}"),
    }
}

/// The Engine.IO OPEN packet's JSON (`0{...}`).
fn open_packet(frame: &str) -> Value {
    let json = frame
        .strip_prefix('0')
        .unwrap_or_else(|| panic!("expected an OPEN packet, got {frame:?}"));
    serde_json::from_str(json).unwrap()
}

/// Checks the handshake keys and values the suite asserts; returns the sid.
fn check_handshake(open: &Value, upgrades: Value) -> String {
    let obj = open.as_object().unwrap();
    let mut keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "maxPayload",
            "pingInterval",
            "pingTimeout",
            "sid",
            "upgrades"
        ],
        "{open}"
    );
    assert_eq!(open["upgrades"], upgrades, "{open}");
    assert_eq!(open["pingInterval"], 300, "{open}");
    assert_eq!(open["pingTimeout"], 200, "{open}");
    assert_eq!(open["maxPayload"], 1_000_000, "{open}");
    let sid = open["sid"].as_str().expect("sid is a string");
    assert!(!sid.is_empty());
    sid.to_owned()
}

/// Opens a polling session; returns its sid.
async fn open_polling(addr: SocketAddr) -> String {
    let (status, body) = http(addr, "GET", &polling_url(None), None).await;
    assert_eq!(status, 200, "{body}");
    check_handshake(&open_packet(&body), json!(["websocket"]))
}

// ---------------------------------------------------------------------------------------------
// WebSocket

/// What the next websocket read gave, in order; `Closed` once the server closed.
#[derive(Debug, Clone, PartialEq)]
enum Next {
    Text(String),
    Binary(Vec<u8>),
    Closed,
}

/// Opens a websocket with `query` (e.g. `EIO=4&transport=websocket`) and reads nothing; pings
/// are answered (and not returned) while `auto_pong` holds.
async fn ws_connect(addr: SocketAddr, query: &str, auto_pong: bool) -> Result<EngineIo, Error> {
    let ws = ClientBuilder::new(format!("http://{addr}"))
        .engine_query(query)
        .timeout(WAIT)
        .websocket(None)
        .await?;
    ws.set_auto_pong(auto_pong);
    Ok(ws)
}

/// A new Engine.IO session over websocket (pings answered); checks the OPEN packet.
async fn ws_open(addr: SocketAddr) -> EngineIo {
    let mut ws = ws_connect(addr, "EIO=4&transport=websocket", true)
        .await
        .unwrap();
    let open = open_packet(&text(&mut ws).await);
    check_handshake(&open, json!([]));
    ws
}

/// Sends one text frame; the connection may already be gone (the next read tells).
async fn send(ws: &mut EngineIo, frame: &str) {
    let _ = ws.send_text(frame).await;
}

async fn next(ws: &mut EngineIo) -> Next {
    match ws.recv_timeout(WAIT).await {
        Ok(Frame::Text(t)) => Next::Text(t),
        Ok(Frame::Binary(b)) => Next::Binary(b.to_vec()),
        Err(Error::Closed) => Next::Closed,
        Err(e) => panic!("no frame within {WAIT:?}: {e}"),
    }
}

async fn text(ws: &mut EngineIo) -> String {
    match next(ws).await {
        Next::Text(t) => t,
        other => panic!("expected a text frame, got {other:?}"),
    }
}

async fn binary(ws: &mut EngineIo) -> Vec<u8> {
    match next(ws).await {
        Next::Binary(b) => b,
        other => panic!("expected a binary frame, got {other:?}"),
    }
}

/// The server closes the connection next. Pings in between are tolerated, and so is the
/// Engine.IO CLOSE packet `1` that socketioxide sends before closing the websocket.
async fn expect_closed(ws: &mut EngineIo) {
    loop {
        match next(ws).await {
            Next::Closed => return,
            Next::Text(t) if t == "2" || t == "1" => continue,
            other => panic!("expected the server to close, got {other:?}"),
        }
    }
}

/// Socket.IO CONNECT: sends `packet` (e.g. `40`, `40/custom,{...}`), expects the CONNECT
/// reply with only a `sid`, then the `auth` event carrying `auth`.
async fn sio_connect(ws: &mut EngineIo, packet: &str, nsp_prefix: &str, auth: Value) {
    send(ws, packet).await;
    let reply = text(ws).await;
    let body = reply
        .strip_prefix(&format!("40{nsp_prefix}"))
        .unwrap_or_else(|| panic!("expected CONNECT for {packet:?}, got {reply:?}"));
    let body: Value = serde_json::from_str(body).unwrap();
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["sid"], "{reply}");
    assert!(body["sid"].is_string(), "{reply}");
    assert_packet(
        &text(ws).await,
        &format!("42{nsp_prefix}"),
        json!(["auth", auth]),
    );
}

/// A websocket request with `query` opens no session: the HTTP upgrade is refused with 400, or
/// the websocket closes before any frame. Returns which of the two happened.
async fn assert_websocket_refused(addr: SocketAddr, query: &str) -> &'static str {
    match ws_connect(addr, query, false).await {
        Err(Error::HttpStatus { status, .. }) => {
            assert_eq!(status, 400, "{query}");
            "HTTP 400"
        }
        Err(e) => panic!("{query}: unexpected websocket error {e}"),
        Ok(mut ws) => {
            assert_eq!(next(&mut ws).await, Next::Closed, "{query}");
            "closed"
        }
    }
}

/// `frame` is exactly `prefix` followed by `expected` serialized compactly, as the suite
/// compares frames (serde_json keeps `json!` key order, so placeholders read
/// `{"_placeholder":true,"num":N}`).
fn assert_packet(frame: &str, prefix: &str, expected: Value) {
    assert_eq!(frame, format!("{prefix}{expected}"));
}

// ---------------------------------------------------------------------------------------------
// Engine.IO handshake

async fn polling_handshake_opens_a_session(doc: Doc) {
    let server = start(doc);
    open_polling(server.addr).await;
}

async fn polling_handshake_rejects_invalid_eio(doc: Doc) {
    let server = start(doc);
    for path in [
        "/socket.io/?transport=polling",
        "/socket.io/?EIO=abc&transport=polling",
    ] {
        assert_eq!(http(server.addr, "GET", path, None).await.0, 400, "{path}");
    }
}

async fn polling_handshake_rejects_invalid_transport(doc: Doc) {
    let server = start(doc);
    for path in ["/socket.io/?EIO=4", "/socket.io/?EIO=4&transport=abc"] {
        assert_eq!(http(server.addr, "GET", path, None).await.0, 400, "{path}");
    }
}

async fn polling_handshake_rejects_post_and_put_without_sid(doc: Doc) {
    let server = start(doc);
    for method in ["POST", "PUT"] {
        let (status, _) = http(server.addr, method, &polling_url(None), Some("")).await;
        assert_eq!(status, 400, "{method}");
    }
}

async fn websocket_handshake_opens_a_session(doc: Doc) {
    let server = start(doc);
    ws_open(server.addr).await;
}

/// The suite sends these without awaiting anything; we check the upgrade is refused with 400.
async fn websocket_handshake_with_invalid_eio_or_transport_opens_no_session(doc: Doc) {
    let server = start(doc);
    for query in [
        "transport=websocket",
        "EIO=abc&transport=websocket",
        "EIO=4&transport=abc",
    ] {
        let how = assert_websocket_refused(server.addr, query).await;
        assert_eq!(how, "HTTP 400", "{query}");
    }
}

// ---------------------------------------------------------------------------------------------
// Heartbeat

async fn polling_heartbeat_sends_pings_and_accepts_pongs(doc: Doc) {
    let server = start(doc);
    let sid = open_polling(server.addr).await;
    for round in 0..3 {
        let (status, body) = http(server.addr, "GET", &polling_url(Some(&sid)), None).await;
        assert_eq!((status, body.as_str()), (200, "2"), "round {round}");
        let (status, _) = http(server.addr, "POST", &polling_url(Some(&sid)), Some("3")).await;
        assert_eq!(status, 200, "round {round}");
    }
}

async fn polling_session_closes_on_ping_timeout(doc: Doc) {
    let server = start(doc);
    let sid = open_polling(server.addr).await;
    // The behaviour under test: no pong for longer than pingInterval + pingTimeout (500 ms).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, _) = http(server.addr, "GET", &polling_url(Some(&sid)), None).await;
    assert_eq!(status, 400);
}

async fn websocket_heartbeat_sends_pings_and_accepts_pongs(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_connect(server.addr, "EIO=4&transport=websocket", false)
        .await
        .unwrap();
    check_handshake(&open_packet(&text(&mut ws).await), json!([]));
    let opened = Instant::now();
    let mut last: Option<Instant> = None;
    for round in 0..3 {
        assert_eq!(text(&mut ws).await, "2", "round {round}");
        let now = Instant::now();
        match last {
            // socketioxide's documented difference from the Node server: the first PING comes
            // right after the handshake, not after pingInterval.
            None => assert!(now - opened < Duration::from_millis(300), "first ping late"),
            // Then pings follow the 300 ms interval.
            Some(last) => assert!(now - last >= Duration::from_millis(250), "round {round}"),
        }
        last = Some(now);
        send(&mut ws, "3").await;
    }
}

async fn websocket_closes_on_ping_timeout(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_connect(server.addr, "EIO=4&transport=websocket", false)
        .await
        .unwrap();
    check_handshake(&open_packet(&text(&mut ws).await), json!([]));
    assert_eq!(text(&mut ws).await, "2");
    expect_closed(&mut ws).await;
}

// ---------------------------------------------------------------------------------------------
// Close

async fn polling_close_packet_ends_the_session(doc: Doc) {
    let server = start(doc);
    let addr = server.addr;
    let sid = open_polling(addr).await;
    // Consume and answer socketioxide's immediate first ping, so the next GET stays pending.
    assert_eq!(
        http(addr, "GET", &polling_url(Some(&sid)), None).await.1,
        "2"
    );
    assert_eq!(
        http(addr, "POST", &polling_url(Some(&sid)), Some("3"))
            .await
            .0,
        200
    );
    let url = polling_url(Some(&sid));
    let pending = tokio::spawn(async move { http(addr, "GET", &url, None).await });
    // The GET must be pending at the server before the CLOSE arrives, and nothing on the wire
    // says it is (the server answers it only at the next ping or on close): a short head start.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (status, _) = http(addr, "POST", &polling_url(Some(&sid)), Some("1")).await;
    assert_eq!(status, 200);
    let (status, body) = pending.await.unwrap();
    assert_eq!((status, body.as_str()), (200, "6"));
    let (status, _) = http(addr, "GET", &polling_url(Some(&sid)), None).await;
    assert_eq!(status, 400);
}

async fn websocket_close_packet_closes_the_connection(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_open(server.addr).await;
    send(&mut ws, "1").await;
    expect_closed(&mut ws).await;
}

// ---------------------------------------------------------------------------------------------
// Upgrade

/// Opens a polling session and upgrades it to websocket (`2probe` → `3probe`, `5`).
async fn upgraded_session(addr: SocketAddr) -> (String, EngineIo) {
    let sid = open_polling(addr).await;
    assert_eq!(
        http(addr, "GET", &polling_url(Some(&sid)), None).await.1,
        "2"
    );
    assert_eq!(
        http(addr, "POST", &polling_url(Some(&sid)), Some("3"))
            .await
            .0,
        200
    );
    let mut ws = ws_connect(addr, &format!("EIO=4&transport=websocket&sid={sid}"), true)
        .await
        .unwrap();
    send(&mut ws, "2probe").await;
    assert_eq!(text(&mut ws).await, "3probe");
    send(&mut ws, "5").await;
    // Packets after `5` are read once the upgrade is complete: this round trip waits for it.
    sio_connect(&mut ws, "40", "", json!({})).await;
    (sid, ws)
}

async fn upgrade_probe_is_answered_and_the_session_moves_to_websocket(doc: Doc) {
    let server = start(doc);
    let (_, mut ws) = upgraded_session(server.addr).await;
    send(&mut ws, r#"42["message","over websocket"]"#).await;
    assert_packet(
        &text(&mut ws).await,
        "42",
        json!(["message-back", "over websocket"]),
    );
}

async fn polling_requests_after_upgrade_are_refused(doc: Doc) {
    let server = start(doc);
    let (sid, _ws) = upgraded_session(server.addr).await;
    let (status, _) = http(server.addr, "GET", &polling_url(Some(&sid)), None).await;
    assert_eq!(status, 400);
}

async fn second_websocket_for_an_upgraded_session_is_closed(doc: Doc) {
    let server = start(doc);
    let (sid, _ws) = upgraded_session(server.addr).await;
    let query = format!("EIO=4&transport=websocket&sid={sid}");
    // socketioxide accepts the HTTP upgrade, then closes the websocket without a frame.
    let how = assert_websocket_refused(server.addr, &query).await;
    assert_eq!(how, "closed");
}

// ---------------------------------------------------------------------------------------------
// Socket.IO connect

async fn connect_to_main_namespace_emits_empty_auth(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_open(server.addr).await;
    sio_connect(&mut ws, "40", "", json!({})).await;
}

async fn connect_to_main_namespace_with_payload_emits_it_as_auth(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_open(server.addr).await;
    sio_connect(&mut ws, r#"40{"token":"123"}"#, "", json!({"token": "123"})).await;
}

async fn connect_to_custom_namespace_emits_empty_auth(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_open(server.addr).await;
    sio_connect(&mut ws, "40/custom,", "/custom,", json!({})).await;
}

async fn connect_to_custom_namespace_with_payload_emits_it_as_auth(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_open(server.addr).await;
    sio_connect(
        &mut ws,
        r#"40/custom,{"token":"abc"}"#,
        "/custom,",
        json!({"token": "abc"}),
    )
    .await;
}

async fn connect_to_unknown_namespace_is_refused(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_open(server.addr).await;
    send(&mut ws, "40/random").await;
    assert_eq!(
        text(&mut ws).await,
        r#"44/random,{"message":"Invalid namespace"}"#
    );
}

async fn invalid_handshake_closes_the_connection(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_open(server.addr).await;
    send(&mut ws, "4abc").await;
    expect_closed(&mut ws).await;
}

async fn no_handshake_closes_the_connection_after_connect_timeout(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_open(server.addr).await;
    let opened = Instant::now();
    expect_closed(&mut ws).await;
    let elapsed = opened.elapsed();
    assert!(
        elapsed >= Duration::from_millis(500) && elapsed < Duration::from_millis(2000),
        "closed after {elapsed:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Socket.IO disconnect

async fn disconnect_keeps_the_engine_io_session(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_open(server.addr).await;
    sio_connect(&mut ws, "40", "", json!({})).await;
    ws.set_auto_pong(false);
    send(&mut ws, "41").await;
    assert_eq!(
        text(&mut ws).await,
        "2",
        "the next frame is a heartbeat PING"
    );
    send(&mut ws, "3").await;
    ws.set_auto_pong(true);
    sio_connect(&mut ws, "40", "", json!({})).await;
}

async fn disconnect_from_custom_keeps_the_main_namespace(doc: Doc) {
    let server = start(doc);
    let mut ws = ws_open(server.addr).await;
    sio_connect(&mut ws, "40", "", json!({})).await;
    sio_connect(&mut ws, "40/custom,", "/custom,", json!({})).await;
    send(&mut ws, "41/custom,").await;
    send(&mut ws, r#"42["message","message to main namespace"]"#).await;
    assert_packet(
        &text(&mut ws).await,
        "42",
        json!(["message-back", "message to main namespace"]),
    );
}

// ---------------------------------------------------------------------------------------------
// Socket.IO messages

async fn connected(addr: SocketAddr) -> EngineIo {
    let mut ws = ws_open(addr).await;
    sio_connect(&mut ws, "40", "", json!({})).await;
    ws
}

async fn message_with_several_arguments_is_echoed(doc: Doc) {
    let server = start(doc);
    let mut ws = connected(server.addr).await;
    send(&mut ws, r#"42["message",1,"2",{"3":[true]}]"#).await;
    assert_packet(
        &text(&mut ws).await,
        "42",
        json!(["message-back", 1, "2", {"3": [true]}]),
    );
}

fn placeholder(num: u64) -> Value {
    json!({"_placeholder": true, "num": num})
}

async fn binary_message_is_echoed_with_its_attachments(doc: Doc) {
    let server = start(doc);
    let mut ws = connected(server.addr).await;
    send(
        &mut ws,
        r#"452-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#,
    )
    .await;
    ws.send_binary([1, 2, 3].to_vec()).await.unwrap();
    ws.send_binary([4, 5, 6].to_vec()).await.unwrap();
    assert_packet(
        &text(&mut ws).await,
        "452-",
        json!(["message-back", placeholder(0), placeholder(1)]),
    );
    assert_eq!(binary(&mut ws).await, [1, 2, 3]);
    assert_eq!(binary(&mut ws).await, [4, 5, 6]);
}

async fn ack_carries_the_same_arguments(doc: Doc) {
    let server = start(doc);
    let mut ws = connected(server.addr).await;
    send(&mut ws, r#"42456["message-with-ack",1,"2",{"3":[false]}]"#).await;
    assert_packet(
        &text(&mut ws).await,
        "43456",
        json!([1, "2", {"3": [false]}]),
    );
}

async fn binary_ack_carries_the_attachments(doc: Doc) {
    let server = start(doc);
    let mut ws = connected(server.addr).await;
    send(&mut ws,
        r#"452-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]"#,
    ).await;
    ws.send_binary([1, 2, 3].to_vec()).await.unwrap();
    ws.send_binary([4, 5, 6].to_vec()).await.unwrap();
    assert_packet(
        &text(&mut ws).await,
        "462-789",
        json!([placeholder(0), placeholder(1)]),
    );
    assert_eq!(binary(&mut ws).await, [1, 2, 3]);
    assert_eq!(binary(&mut ws).await, [4, 5, 6]);
}

async fn unknown_packet_type_closes_the_connection(doc: Doc) {
    let server = start(doc);
    let mut ws = connected(server.addr).await;
    send(&mut ws, "4abc").await;
    expect_closed(&mut ws).await;
}

async fn invalid_payload_closes_the_connection(doc: Doc) {
    let server = start(doc);
    let mut ws = connected(server.addr).await;
    send(&mut ws, "42{}").await;
    expect_closed(&mut ws).await;
}

async fn invalid_ack_id_closes_the_connection(doc: Doc) {
    let server = start(doc);
    let mut ws = connected(server.addr).await;
    send(&mut ws, r#"42abc["message-with-ack",1,"2",{"3":[false]}]"#).await;
    expect_closed(&mut ws).await;
}

// ---------------------------------------------------------------------------------------------
// The real Node socket.io-client

async fn node_client_receives_its_auth_payload_on_connect(doc: Doc) {
    let server = start(doc);
    let r = asynction_testkit::node(
        server.addr,
        "/socket.io",
        json!([
            {"op": "connect", "id": "main", "ns": "/", "auth": {"token": "123"}},
            {"op": "expect", "id": "main", "event": "auth"},
            {"op": "connect", "id": "custom", "ns": "/custom", "auth": {"token": "abc"}},
            {"op": "expect", "id": "custom", "event": "auth"},
            {"op": "connect", "id": "anonymous", "ns": "/"},
            {"op": "expect", "id": "anonymous", "event": "auth"},
        ]),
    )
    .await;
    assert_eq!(r[0], json!({"connected": true}));
    assert_eq!(r[1], json!({"args": [{"token": "123"}]}));
    assert_eq!(r[2], json!({"connected": true}));
    assert_eq!(r[3], json!({"args": [{"token": "abc"}]}));
    assert_eq!(r[5], json!({"args": [{}]}));
}

async fn node_client_round_trips_several_arguments(doc: Doc) {
    let server = start(doc);
    let args = json!([1, "2", {"3": [true]}, null, [4.5]]);
    let r = asynction_testkit::node(
        server.addr,
        "/socket.io",
        json!([
            {"op": "connect", "id": "a", "ns": "/"},
            {"op": "emit", "id": "a", "event": "message", "args": args},
            {"op": "expect", "id": "a", "event": "message-back"},
        ]),
    )
    .await;
    assert_eq!(r[2], json!({"args": args}));
}

async fn node_client_round_trips_binary(doc: Doc) {
    let server = start(doc);
    let r = asynction_testkit::node(
        server.addr,
        "/socket.io",
        json!([
            {"op": "connect", "id": "a", "ns": "/"},
            {"op": "emit", "id": "a", "event": "message",
             "args": [{"$binary": "first"}, "text", {"nested": {"$binary": "second"}}]},
            {"op": "expect", "id": "a", "event": "message-back"},
            {"op": "emit", "id": "a", "event": "message-with-ack",
             "args": [{"$binary": "acked"}, 7], "ack": true},
        ]),
    )
    .await;
    assert_eq!(
        r[2],
        json!({"args": [{"$binary": "first"}, "text", {"nested": {"$binary": "second"}}]})
    );
    assert_eq!(r[3], json!({"ack": [{"$binary": "acked"}, 7]}));
}

async fn node_client_ack_carries_several_arguments(doc: Doc) {
    let server = start(doc);
    let r = asynction_testkit::node(
        server.addr,
        "/socket.io",
        json!([
            {"op": "connect", "id": "a", "ns": "/"},
            {"op": "emit", "id": "a", "event": "message-with-ack",
             "args": [1, "2", {"3": [false]}], "ack": true},
        ]),
    )
    .await;
    assert_eq!(r[1], json!({"ack": [1, "2", {"3": [false]}]}));
}

async fn node_client_is_refused_an_unknown_namespace(doc: Doc) {
    let server = start(doc);
    let r = asynction_testkit::node(
        server.addr,
        "/socket.io",
        json!([{"op": "connect", "id": "a", "ns": "/random"}]),
    )
    .await;
    assert_eq!(r[0]["connect_error"], "Invalid namespace", "{}", r[0]);
}

/// Runs every check above once per document.
macro_rules! per_document {
    ($($name:ident),* $(,)?) => {
        mod asyncapi_2_6 {
            $(#[tokio::test] async fn $name() { super::$name(super::Doc::V2_6).await })*
        }
        mod asyncapi_3_0 {
            $(#[tokio::test] async fn $name() { super::$name(super::Doc::V3_0).await })*
        }
        mod asyncapi_3_1 {
            $(#[tokio::test] async fn $name() { super::$name(super::Doc::V3_1).await })*
        }
    };
}

per_document!(
    polling_handshake_opens_a_session,
    polling_handshake_rejects_invalid_eio,
    polling_handshake_rejects_invalid_transport,
    polling_handshake_rejects_post_and_put_without_sid,
    websocket_handshake_opens_a_session,
    websocket_handshake_with_invalid_eio_or_transport_opens_no_session,
    polling_heartbeat_sends_pings_and_accepts_pongs,
    polling_session_closes_on_ping_timeout,
    websocket_heartbeat_sends_pings_and_accepts_pongs,
    websocket_closes_on_ping_timeout,
    polling_close_packet_ends_the_session,
    websocket_close_packet_closes_the_connection,
    upgrade_probe_is_answered_and_the_session_moves_to_websocket,
    polling_requests_after_upgrade_are_refused,
    second_websocket_for_an_upgraded_session_is_closed,
    connect_to_main_namespace_emits_empty_auth,
    connect_to_main_namespace_with_payload_emits_it_as_auth,
    connect_to_custom_namespace_emits_empty_auth,
    connect_to_custom_namespace_with_payload_emits_it_as_auth,
    connect_to_unknown_namespace_is_refused,
    invalid_handshake_closes_the_connection,
    no_handshake_closes_the_connection_after_connect_timeout,
    disconnect_keeps_the_engine_io_session,
    disconnect_from_custom_keeps_the_main_namespace,
    message_with_several_arguments_is_echoed,
    binary_message_is_echoed_with_its_attachments,
    ack_carries_the_same_arguments,
    binary_ack_carries_the_attachments,
    unknown_packet_type_closes_the_connection,
    invalid_payload_closes_the_connection,
    invalid_ack_id_closes_the_connection,
    node_client_receives_its_auth_payload_on_connect,
    node_client_round_trips_several_arguments,
    node_client_round_trips_binary,
    node_client_ack_carries_several_arguments,
    node_client_is_refused_an_unknown_namespace,
);
