//! The client against a real socketioxide server started in this process, over both
//! transports, each reached over TCP (a listener on a free port) and in process
//! ([`ClientBuilder::in_process`], no socket).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asynction_client::{Args, ClientBuilder, Error, Frame, Incoming, Transport};
use bytes::Bytes;
use serde_json::{Value, json};
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, Data, SocketRef};
use socketioxide::handler::ConnectHandler;

const WAIT: Duration = Duration::from_secs(5);

/// What the server saw at each connect: namespace, auth, query, `x-test` header.
type Seen = Arc<Mutex<Vec<Value>>>;

fn record(seen: &Seen, socket: SocketRef, auth: Value) {
    {
        let parts = socket.req_parts();
        seen.lock().unwrap().push(json!({
            "ns": socket.ns(),
            "auth": auth,
            "query": parts.uri.query().unwrap_or_default(),
            "header": parts.headers.get("x-test").and_then(|v| v.to_str().ok()),
        }));
        socket.on("echo", async |Data(v): Data<Value>, ack: AckSender| {
            let _ = ack.send(&v);
        });
        socket.on(
            "sum",
            async |Data((a, b, c)): Data<(i64, i64, i64)>, ack: AckSender| {
                let _ = ack.send(&(a + b + c, "three", [a, b, c]));
            },
        );
        socket.on(
            "upload",
            async |Data((name, file)): Data<(String, Bytes)>, ack: AckSender| {
                let reversed: Vec<u8> = file.iter().rev().copied().collect();
                let _ = ack.send(&(name, file.len(), Bytes::from(reversed)));
            },
        );
        socket.on("notify", async |socket: SocketRef, Data(v): Data<Value>| {
            let _ = socket.emit("notified", &(v, Bytes::from_static(b"\x00\xff")));
        });
        socket.on("ask", async |socket: SocketRef, ack: AckSender| {
            let answer = match socket.emit_with_ack::<_, Value>("question", &"how many?") {
                Ok(stream) => match stream.await {
                    Ok(v) => v,
                    Err(e) => json!(format!("ack error: {e}")),
                },
                Err(e) => json!(format!("emit error: {e}")),
            };
            let _ = ack.send(&answer);
        });
        socket.on("kick", async |socket: SocketRef| {
            let _ = socket.disconnect();
        });
    }
}

/// Refuses `/secure` unless the CONNECT auth carries `{"token": "ok"}`.
async fn token_ok(Data(auth): Data<Value>) -> Result<(), String> {
    if auth["token"] == "ok" {
        Ok(())
    } else {
        Err("bad token".into())
    }
}

/// How a test reaches the server.
#[derive(Debug, Clone, Copy)]
enum Over {
    /// A TCP listener on a free loopback port.
    Tcp,
    /// [`ClientBuilder::in_process`]: the router itself, no socket.
    InProcess,
}

/// A started server, as the client reaches it.
enum Server {
    Tcp(SocketAddr),
    InProcess(axum::Router),
}

async fn start(over: Over) -> (Server, Seen) {
    let seen = Seen::default();
    let (layer, io) = SocketIo::builder()
        .ping_interval(Duration::from_millis(300))
        .ping_timeout(Duration::from_millis(200))
        .build_layer();
    let log = seen.clone();
    let handler = move |socket: SocketRef, Data(auth): Data<Value>| {
        let log = log.clone();
        async move { record(&log, socket, auth) }
    };
    io.ns("/", handler.clone());
    io.ns("/chat", handler.clone());
    io.ns("/secure", handler.with(token_ok));
    let app = axum::Router::new()
        .layer(layer)
        .layer(axum::middleware::map_response(served_by));
    let server = match over {
        Over::InProcess => Server::InProcess(app),
        Over::Tcp => Server::Tcp(asynction_testkit::serve(app).await),
    };
    (server, seen)
}

/// Names the server on every HTTP response, as a `Server` header would.
async fn served_by(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        "x-served-by",
        http::HeaderValue::from_static("client-tests"),
    );
    response
}

fn builder(server: &Server, transport: Transport) -> ClientBuilder {
    let builder = match server {
        Server::Tcp(addr) => ClientBuilder::new(format!("http://{addr}")),
        Server::InProcess(app) => ClientBuilder::in_process(app.clone()),
    };
    builder.transport(transport).timeout(WAIT)
}

/// Runs each check once per transport, over TCP and in process.
macro_rules! every_way {
    ($($name:ident),* $(,)?) => {
        mod tcp {
            mod websocket {
                $(#[tokio::test] async fn $name() { super::super::$name(asynction_client::Transport::Websocket, super::super::Over::Tcp).await })*
            }
            mod polling {
                $(#[tokio::test] async fn $name() { super::super::$name(asynction_client::Transport::Polling, super::super::Over::Tcp).await })*
            }
        }
        mod in_process {
            mod websocket {
                $(#[tokio::test] async fn $name() { super::super::$name(asynction_client::Transport::Websocket, super::super::Over::InProcess).await })*
            }
            mod polling {
                $(#[tokio::test] async fn $name() { super::super::$name(asynction_client::Transport::Polling, super::super::Over::InProcess).await })*
            }
        }
    };
}

async fn connects_with_auth_query_and_headers(transport: Transport, over: Over) {
    let (server, seen) = start(over).await;
    let client = builder(&server, transport)
        .query("room", "a b&c")
        .header("x-test", "yes")
        .auth(json!({"token": "ok"}))
        .connect("/chat")
        .await
        .unwrap();
    assert_eq!(
        client.handshake().unwrap().ping_interval,
        Duration::from_millis(300)
    );
    assert!(!client.sid("/chat").unwrap().is_empty());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0]["ns"], "/chat");
    assert_eq!(seen[0]["auth"], json!({"token": "ok"}));
    assert_eq!(seen[0]["header"], "yes");
    let query = seen[0]["query"].as_str().unwrap();
    assert!(
        query.contains(&format!("transport={}", transport.as_str())),
        "{query}"
    );
    assert!(query.ends_with("&room=a%20b%26c"), "{query}");
}

async fn the_opening_responses_headers_are_kept(transport: Transport, over: Over) {
    let (server, _) = start(over).await;
    let client = builder(&server, transport).connect("/").await.unwrap();
    assert_eq!(client.response_headers()["x-served-by"], "client-tests");
    let engine = builder(&server, transport).engine().await.unwrap();
    assert_eq!(engine.response_headers()["x-served-by"], "client-tests");
}

async fn acks_carry_several_arguments(transport: Transport, over: Over) {
    let (server, _) = start(over).await;
    let mut client = builder(&server, transport).connect("/").await.unwrap();
    let ack = client
        .emit_with_ack("/", "echo", vec![json!({"a": [1, "2"]})], WAIT)
        .await
        .unwrap();
    assert_eq!(ack, Args::from(vec![json!({"a": [1, "2"]})]));
    let ack = client
        .emit_with_ack("/", "sum", vec![json!(1), json!(2), json!(3)], WAIT)
        .await
        .unwrap();
    assert_eq!(ack.values, [json!(6), json!("three"), json!([1, 2, 3])]);
}

async fn several_acks_may_be_outstanding(transport: Transport, over: Over) {
    let (server, _) = start(over).await;
    let mut client = builder(&server, transport).connect("/").await.unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(
            client
                .emit_ack_id("/", "echo", vec![json!(i)])
                .await
                .unwrap(),
        );
    }
    // Waited for in reverse: acks that arrive first are kept.
    for (i, id) in ids.into_iter().enumerate().rev() {
        let ack = client.wait_ack("/", id, WAIT).await.unwrap();
        assert_eq!(ack.values, [json!(i)]);
    }
}

async fn binary_attachments_go_both_ways(transport: Transport, over: Over) {
    let (server, _) = start(over).await;
    let mut client = builder(&server, transport).connect("/chat").await.unwrap();
    let args = Args::new().arg("photo").binary(vec![1u8, 2, 3, 0xff]);
    let ack = client
        .emit_with_ack("/chat", "upload", args, WAIT)
        .await
        .unwrap();
    assert_eq!(ack.values[..2], [json!("photo"), json!(4)]);
    assert_eq!(
        ack.binary_of(&ack.values[2]).unwrap().as_ref(),
        [0xff, 3, 2, 1]
    );
    client
        .emit("/chat", "notify", vec![json!("hello")])
        .await
        .unwrap();
    let event = client.next_event("notified", WAIT).await.unwrap();
    assert_eq!((event.namespace.as_str(), event.ack_id), ("/chat", None));
    assert_eq!(event.args.values[0], json!("hello"));
    assert_eq!(
        event
            .args
            .binary_of(&event.args.values[1])
            .unwrap()
            .as_ref(),
        [0, 0xff]
    );
}

async fn the_client_answers_server_acks(transport: Transport, over: Over) {
    let (server, _) = start(over).await;
    let mut client = builder(&server, transport).connect("/").await.unwrap();
    let id = client.emit_ack_id("/", "ask", ()).await.unwrap();
    let question = client.next_event("question", WAIT).await.unwrap();
    assert_eq!(question.args.values, [json!("how many?")]);
    assert!(question.ack_id.is_some());
    client
        .ack(&question, Args::new().arg(42).binary(vec![7u8]))
        .await
        .unwrap();
    // socketioxide hands the handler the ack's first argument (the binary one is dropped
    // by the JSON decoding of `Value`).
    let answer = client.wait_ack("/", id, WAIT).await.unwrap();
    assert_eq!(answer.values, [json!(42)]);
}

async fn connect_error_is_typed(transport: Transport, over: Over) {
    let (server, _) = start(over).await;
    let err = builder(&server, transport)
        .auth(json!({"token": "wrong"}))
        .connect("/secure")
        .await
        .unwrap_err();
    match err {
        Error::ConnectError {
            namespace, message, ..
        } => assert_eq!(
            (namespace.as_str(), message.as_str()),
            ("/secure", "bad token")
        ),
        other => panic!("expected a connect error, got {other:?}"),
    }
    // The same session can still join another namespace, and an unknown one is refused too.
    let mut client = builder(&server, transport).open().await.unwrap();
    let err = client.join("/nowhere", None).await.unwrap_err();
    assert!(err.is_connect_error(), "{err}");
    assert!(err.to_string().contains("Invalid namespace"), "{err}");
    client
        .join("/secure", Some(&json!({"token": "ok"})))
        .await
        .unwrap();
    let ack = client
        .emit_with_ack("/secure", "echo", vec![json!(1)], WAIT)
        .await
        .unwrap();
    assert_eq!(ack.values, [json!(1)]);
}

async fn pings_are_answered_while_waiting(transport: Transport, over: Over) {
    let (server, _) = start(over).await;
    let mut client = builder(&server, transport).connect("/").await.unwrap();
    // Several ping intervals (300 ms, 200 ms timeout) pass with nothing else to read.
    let err = client.next(Duration::from_millis(1200)).await.unwrap_err();
    assert!(err.is_timeout(), "{err}");
    let ack = client
        .emit_with_ack("/", "echo", vec![json!("still here")], WAIT)
        .await
        .unwrap();
    assert_eq!(ack.values, [json!("still here")]);
}

async fn disconnects_both_ways(transport: Transport, over: Over) {
    let (server, _) = start(over).await;
    let mut client = builder(&server, transport).connect("/").await.unwrap();
    client.join("/chat", None).await.unwrap();
    client.emit("/chat", "kick", ()).await.unwrap();
    assert_eq!(
        client.next(WAIT).await.unwrap(),
        Incoming::Disconnect {
            namespace: "/chat".into()
        }
    );
    assert_eq!(client.sid("/chat"), None);
    client.disconnect("/").await.unwrap();
    client.join("/", None).await.unwrap();
    let ack = client
        .emit_with_ack("/", "echo", vec![json!("back")], WAIT)
        .await
        .unwrap();
    assert_eq!(ack.values, [json!("back")]);
    client.close().await.unwrap();
}

async fn raw_frames_reach_the_server_as_written(transport: Transport, over: Over) {
    let (server, _) = start(over).await;
    let mut client = builder(&server, transport).connect("/").await.unwrap();
    let engine = client.raw();
    engine.send_text(r#"427["echo","raw"]"#).await.unwrap();
    assert_eq!(
        engine.recv_timeout(WAIT).await.unwrap(),
        Frame::Text(r#"437["raw"]"#.into())
    );
    engine
        .send_text(r#"451-8["upload","f",{"_placeholder":true,"num":0}]"#)
        .await
        .unwrap();
    engine.send_binary(vec![1u8, 2]).await.unwrap();
    assert_eq!(
        engine.recv_timeout(WAIT).await.unwrap(),
        Frame::Text(r#"461-8["f",2,{"_placeholder":true,"num":0}]"#.into())
    );
    assert_eq!(
        engine.recv_timeout(WAIT).await.unwrap(),
        Frame::Binary(Bytes::from_static(&[2, 1]))
    );
    // Pings surface as frames once auto-pong is off.
    engine.set_auto_pong(false);
    assert_eq!(
        engine.recv_timeout(WAIT).await.unwrap(),
        Frame::Text("2".into())
    );
    engine.send_text("3").await.unwrap();
    engine.set_auto_pong(true);
    // A malformed packet: socketioxide closes the session.
    engine.send_text("42{}").await.unwrap();
    assert!(engine.closed_within(WAIT).await);
    assert!(engine.recv().await.unwrap_err().is_closed());
}

every_way!(
    connects_with_auth_query_and_headers,
    the_opening_responses_headers_are_kept,
    acks_carry_several_arguments,
    several_acks_may_be_outstanding,
    binary_attachments_go_both_ways,
    the_client_answers_server_acks,
    connect_error_is_typed,
    pings_are_answered_while_waiting,
    disconnects_both_ways,
    raw_frames_reach_the_server_as_written,
);

#[tokio::test]
async fn an_ack_that_never_comes_times_out() {
    let (server, _) = start(Over::InProcess).await;
    let mut client = builder(&server, Transport::Websocket)
        .connect("/")
        .await
        .unwrap();
    let err = client
        .emit_with_ack("/", "no such event", (), Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
}

#[tokio::test]
async fn a_bad_handshake_query_is_an_http_error() {
    for over in [Over::Tcp, Over::InProcess] {
        let (server, _) = start(over).await;
        for transport in [Transport::Websocket, Transport::Polling] {
            let err = builder(&server, transport)
                .engine_query("EIO=abc&transport=".to_owned() + transport.as_str())
                .engine()
                .await
                .unwrap_err();
            assert!(
                matches!(err, Error::HttpStatus { status: 400, .. }),
                "{over:?} {transport:?}: {err}"
            );
        }
    }
    let err = ClientBuilder::new("https://example.invalid")
        .engine()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidUrl { .. }), "{err}");
}

#[tokio::test]
async fn a_polling_session_is_upgraded_by_hand_with_raw_frames() {
    for over in [Over::Tcp, Over::InProcess] {
        let (server, _) = start(over).await;
        let b = builder(&server, Transport::Polling);
        let mut polling = b.engine().await.unwrap();
        let handshake = polling.handshake().unwrap().clone();
        assert_eq!(handshake.upgrades, ["websocket"]);
        let mut ws = b.websocket(Some(&handshake.sid)).await.unwrap();
        ws.send_text("2probe").await.unwrap();
        assert_eq!(
            ws.recv_timeout(WAIT).await.unwrap(),
            Frame::Text("3probe".into())
        );
        ws.send_text("5").await.unwrap();
        // The pending GET is answered with a noop, then the session lives on the websocket.
        assert_eq!(
            polling.recv_timeout(WAIT).await.unwrap(),
            Frame::Text("6".into())
        );
        ws.send_text("40").await.unwrap();
        let Frame::Text(reply) = ws.recv_timeout(WAIT).await.unwrap() else {
            panic!("{over:?}: expected the CONNECT answer as text")
        };
        assert!(reply.starts_with("40{\"sid\":"), "{over:?}: {reply}");
        drop(polling);
    }
}

#[tokio::test]
async fn plain_http_requests_go_through_the_builders_connector() {
    for over in [Over::Tcp, Over::InProcess] {
        let (server, _) = start(over).await;
        let connector = builder(&server, Transport::Polling).connector().unwrap();
        assert_eq!(connector.is_in_process(), matches!(over, Over::InProcess));
        let (status, body) = connector
            .request("GET", "/socket.io/?EIO=4&transport=polling", &[], None)
            .await
            .unwrap();
        assert_eq!(status, 200, "{over:?}");
        assert!(body.starts_with(b"0{\"sid\":"), "{over:?}: {body:?}");
        // The router's own 404 for a path it does not serve.
        let (status, _) = connector
            .request("GET", "/nowhere", &[], None)
            .await
            .unwrap();
        assert_eq!(status, 404, "{over:?}");
    }
}
