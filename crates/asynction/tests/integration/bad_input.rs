//! Bad input from real clients: each test sends one kind of hostile or broken traffic over a
//! raw websocket (or a client that misbehaves), checks the answer it gets, and checks that a
//! well-behaved client connected all along got every ack right — the server keeps serving.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asynction::{Ack, Args, AsynctionSocketIo, EmitError, Payload, State, ValidatedSocket};
use asynction_client::Frame;
use asynction_client::packet::encode_connect;
use asynction_testkit::{ack_json, ack_of, ack_of_text, node, serve, sio, sio_open};
use serde_json::{Value, json};
use tokio::sync::oneshot;

const FIXTURE: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/tests/fixtures/server/bad_input.yaml"
);

type Log = Arc<Mutex<Vec<String>>>;

async fn echo(Payload(text): Payload<String>) -> Ack<String> {
    Ack(text)
}

async fn nothing(args: Args) -> Ack<String> {
    Ack(format!("{} args", args.values.len()))
}

#[derive(serde::Deserialize)]
struct Typed {
    count: i64,
}

async fn typed(Payload(t): Payload<Typed>) -> Ack<i64> {
    Ack(t.count)
}

async fn tree() -> Ack<bool> {
    Ack(true)
}

async fn upload(args: Args) -> Ack<usize> {
    Ack(args.binaries.iter().map(|b| b.len()).sum())
}

async fn slow(State(log): State<Log>) -> Ack<String> {
    log.lock().unwrap().push("slow started".into());
    tokio::time::sleep(Duration::from_millis(300)).await;
    log.lock().unwrap().push("slow finished".into());
    Ack("done".into())
}

async fn ask(socket: ValidatedSocket, State(log): State<Log>) -> Ack<String> {
    let answer = match socket
        .emit_with_ack::<_, Value>("question", "how many?")
        .await
    {
        Ok(v) => format!("answer:{v}"),
        Err(EmitError::Ack(e)) => format!("ack error: {e}"),
        Err(e) => format!("other error: {e}"),
    };
    log.lock().unwrap().push(answer.clone());
    Ack(answer)
}

/// The fixture's handlers; they take `State<Log>`, given last with `with_state`.
fn app() -> AsynctionSocketIo<Log> {
    AsynctionSocketIo::from_spec(FIXTURE)
        .unwrap()
        .ack_timeout(Duration::from_millis(300))
        .handler("echo", echo)
        .handler("nothing", nothing)
        .handler("typed", typed)
        .handler("tree", tree)
        .handler("upload", upload)
        .handler("slow", slow)
        .handler("ask", ask)
}

async fn start_with(
    configure: impl FnOnce(AsynctionSocketIo<Log>) -> AsynctionSocketIo<Log>,
) -> (SocketAddr, Log) {
    let log = Log::default();
    let built = configure(app())
        .with_state(log.clone())
        .build()
        .expect("fixture builds");
    (serve(built.into_router()).await, log)
}

async fn start() -> (SocketAddr, Log) {
    start_with(|a| a).await
}

/// A well-behaved client emitting `echo` every few milliseconds while a test misbehaves.
struct Steady {
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<(u32, Vec<String>)>,
}

impl Steady {
    async fn start(addr: SocketAddr) -> Steady {
        let mut client = sio(addr, "/").await;
        let (stop, mut stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            let mut sent = 0u32;
            let mut wrong = Vec::new();
            loop {
                let text = format!("ok-{sent}");
                sent += 1;
                match ack_of(&mut client, "/", "echo", &[json!(text)]).await {
                    Ok(ack) if ack == json!([text]) => {}
                    other => wrong.push(format!("{text}: {other:?}")),
                }
                if stopped.try_recv().is_ok() {
                    return (sent, wrong);
                }
                // Pacing (a steady trickle of traffic), not synchronization.
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
        Steady { stop, task }
    }

    /// Stops the loop; asserts every ack was right, then that a fresh Node socket.io-client
    /// is served too.
    async fn finish(self, addr: SocketAddr) {
        let _ = self.stop.send(());
        let (sent, wrong) = self.task.await.unwrap();
        assert!(sent >= 1, "the steady client sent nothing");
        assert!(
            wrong.is_empty(),
            "{} of {sent} acks wrong: {wrong:?}",
            wrong.len()
        );
        let r = node(
            addr,
            "/socket.io",
            json!([
                {"op": "connect", "id": "n", "ns": "/"},
                {"op": "emit", "id": "n", "event": "echo", "args": ["node"], "ack": true},
            ]),
        )
        .await;
        assert_eq!(
            r,
            vec![json!({"connected": true}), json!({"ack": ["node"]})]
        );
    }
}

fn error_code(ack: &Value) -> &str {
    ack[0]["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("expected an error ack, got {ack}"))
}

#[tokio::test]
async fn malformed_packets_close_only_the_offending_connection() {
    let (addr, _) = start().await;
    let steady = Steady::start(addr).await;
    // Each frame is broken at the engine.io or Socket.IO level. `true`: socketioxide closes
    // the connection (a parse error); `false`: the packet is dropped and the connection goes
    // on (trailing bytes after the JSON, a namespace the socket never joined).
    let frames = [
        ("", true),
        ("9", true),
        ("4", true),
        ("4x", true),
        ("47", true),
        ("42", true),
        ("42[", true),
        ("42{}", true),
        ("42[1,2]", true),
        ("42[\"echo\"", true),
        ("42[null]", true),
        ("45x-[\"upload\",{\"_placeholder\":true,\"num\":0}]", true),
        ("42\u{0}\u{1}", true),
        ("4999999999999999999999[\"echo\",\"x\"]", true),
        ("421[\"echo\",\"hi\"]]", false),
        ("42/nowhere,[\"echo\",\"x\"]", false),
    ];
    for (frame, closes) in frames {
        let mut bad = sio(addr, "/").await;
        bad.raw().send_text(frame).await.unwrap();
        let closed = bad.raw().closed_within(Duration::from_millis(200)).await;
        assert_eq!(closed, closes, "{frame:?}");
        if !closed {
            // A connection that survives is answered properly afterwards.
            let ack = ack_of(&mut bad, "/", "echo", &[json!("after")]).await;
            let ack = ack.unwrap_or_else(|e| panic!("{frame:?}: {e}"));
            assert_eq!(ack, json!(["after"]), "{frame:?}");
        }
    }
    // A binary event announcing an attachment, followed by a text packet instead.
    let mut bad = sio(addr, "/").await;
    bad.raw().send_text("451-[\"upload\"]").await.unwrap();
    let after = ack_of(&mut bad, "/", "echo", &[json!("x")]).await;
    assert!(matches!(after, Err(ref e) if e.is_closed()), "{after:?}");
    // A binary frame with no binary packet waiting for it.
    let mut bad = sio(addr, "/").await;
    bad.raw().send_binary(vec![0xff, 0xfe, 0x00]).await.unwrap();
    assert!(
        bad.raw().closed_within(Duration::from_secs(2)).await,
        "an unexpected binary frame closes the connection"
    );
    steady.finish(addr).await;
}

#[tokio::test]
async fn events_without_arguments_and_with_wrong_types_get_error_acks() {
    let (addr, _) = start().await;
    let steady = Steady::start(addr).await;
    let mut bad = sio(addr, "/").await;
    let ack = ack_of_text(&mut bad, "/", "[\"echo\"]").await.unwrap();
    assert_eq!(error_code(&ack), "invalid_payload");
    assert!(
        ack[0]["error"]["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("expected exactly 1 argument, got 0"),
        "{ack}"
    );
    // An event without a payload schema takes any list, the empty one included.
    assert_eq!(
        ack_of_text(&mut bad, "/", "[\"nothing\"]").await.unwrap(),
        json!(["0 args"])
    );
    for wrong in [
        json!(42),
        json!(null),
        json!({"count": "7"}),
        json!({"count": -1}),
        json!({"count": 1.5}),
        json!([]),
    ] {
        let ack = ack_of(&mut bad, "/", "typed", std::slice::from_ref(&wrong))
            .await
            .unwrap();
        assert_eq!(error_code(&ack), "invalid_payload", "{wrong}");
        assert_eq!(ack[0]["error"]["event"], "typed");
    }
    let ack = ack_of(&mut bad, "/", "echo", &[json!(7)]).await.unwrap();
    assert_eq!(error_code(&ack), "invalid_payload");
    let ack = ack_of(&mut bad, "/", "no such event", &[]).await.unwrap();
    assert_eq!(error_code(&ack), "unknown_event");
    assert_eq!(
        ack_of(&mut bad, "/", "typed", &[json!({"count": 3})])
            .await
            .unwrap(),
        json!([3])
    );
    steady.finish(addr).await;
}

#[tokio::test]
async fn huge_strings_are_refused_by_schema_or_by_the_payload_limit() {
    let (addr, _) = start().await;
    let steady = Steady::start(addr).await;
    let mut bad = sio(addr, "/").await;
    // Under the 1 MB message limit: the schema (maxLength 20) refuses it.
    let big = "x".repeat(900_000);
    let ack = ack_of(&mut bad, "/", "echo", &[json!(big)]).await.unwrap();
    assert_eq!(error_code(&ack), "invalid_payload");
    // Over it: the connection is closed before anything is parsed.
    let huge = "x".repeat(1_100_000);
    let _ = ack_of(&mut bad, "/", "echo", &[json!(huge)]).await;
    assert!(bad.raw().closed_within(Duration::from_secs(2)).await);
    steady.finish(addr).await;
}

/// `[` × depth, `]` × depth.
fn nested_text(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

/// `{"children":[` … `]}` nested `depth` trees deep.
fn nested_tree(depth: usize) -> String {
    let mut text = String::new();
    for _ in 0..depth {
        text.push_str("{\"children\":[");
    }
    for _ in 0..depth {
        text.push_str("]}");
    }
    text
}

#[tokio::test]
async fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let (addr, _) = start_with(|a| a.max_nesting_depth(16)).await;
    let steady = Steady::start(addr).await;
    let mut bad = sio(addr, "/").await;
    // Within the limit, a valid recursive tree is accepted.
    let ack = ack_of_text(&mut bad, "/", &format!("[\"tree\",{}]", nested_tree(7)))
        .await
        .unwrap();
    assert_eq!(ack, json!([true]));
    // Past the configured depth (16), refused before validation recurses.
    let ack = ack_of_text(&mut bad, "/", &format!("[\"tree\",{}]", nested_tree(12)))
        .await
        .unwrap();
    assert_eq!(error_code(&ack), "invalid_payload");
    assert!(
        ack[0]["error"]["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("the limit is 16 levels"),
        "{ack}"
    );
    // 10 000 levels: the JSON parser's own recursion limit refuses it as malformed.
    for body in [
        format!("[\"tree\",{}]", nested_tree(10_000)),
        format!("[\"echo\",{}]", nested_text(10_000)),
    ] {
        let ack = ack_of_text(&mut bad, "/", &body).await.unwrap();
        assert_eq!(error_code(&ack), "invalid_payload");
        assert!(
            ack[0]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("malformed arguments"),
            "{ack}"
        );
    }
    steady.finish(addr).await;
}

#[tokio::test]
async fn non_utf8_binary_attachments_are_delivered_as_bytes() {
    let (addr, _) = start().await;
    let steady = Steady::start(addr).await;
    let mut bad = sio(addr, "/").await;
    bad.raw()
        .send_text("451-1[\"upload\",{\"_placeholder\":true,\"num\":0}]")
        .await
        .unwrap();
    bad.raw()
        .send_binary(vec![0xff, 0xfe, 0xc3, 0x28, 0x00])
        .await
        .unwrap();
    assert_eq!(ack_json(&mut bad, "/", 1).await.unwrap(), json!([5]));
    // A text argument where a binary one is expected is still just a string for the schema.
    bad.raw()
        .send_text(
            "451-2[\"upload\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":0}]",
        )
        .await
        .unwrap();
    bad.raw().send_binary(vec![1]).await.unwrap();
    let ack = ack_json(&mut bad, "/", 2).await;
    // One attachment announced, two placeholders: two arguments for a one-argument schema.
    assert_eq!(error_code(&ack.unwrap()), "invalid_payload");
    steady.finish(addr).await;
}

#[tokio::test]
async fn too_many_binary_attachments_close_the_connection() {
    let (addr, _) = start_with(|a| a.max_binary_attachments(2)).await;
    let steady = Steady::start(addr).await;
    let mut ok = sio(addr, "/").await;
    ok.raw()
        .send_text(
            "452-1[\"upload\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]",
        )
        .await
        .unwrap();
    ok.raw().send_binary(vec![1, 2]).await.unwrap();
    ok.raw().send_binary(vec![3]).await.unwrap();
    // Two attachments are allowed (the schema then refuses two arguments).
    let ack = ack_json(&mut ok, "/", 1).await.unwrap();
    assert_eq!(error_code(&ack), "invalid_payload");
    let mut bad = sio(addr, "/").await;
    bad.raw()
        .send_text("453-1[\"upload\",{\"_placeholder\":true,\"num\":0}]")
        .await
        .unwrap();
    assert!(bad.raw().closed_within(Duration::from_secs(2)).await);
    steady.finish(addr).await;
}

#[tokio::test]
async fn unknown_namespaces_are_refused_with_connect_error() {
    let (addr, _) = start().await;
    let steady = Steady::start(addr).await;
    let mut bad = sio_open(addr).await;
    for ns in ["/nope", "/admin", "/%00", "/a,b"] {
        // Raw frames: the reply to `40/a,b,` names the namespace `/a`, not the one asked for.
        bad.raw().send_text(encode_connect(ns, None)).await.unwrap();
        let reply = match bad.raw().recv_timeout(Duration::from_secs(2)).await {
            Ok(Frame::Text(t)) => t,
            other => panic!("no answer to CONNECT {ns}: {other:?}"),
        };
        assert!(
            reply.starts_with("44") && reply.contains("Invalid namespace"),
            "{ns}: {reply}"
        );
    }
    // The same engine.io connection can still join a real namespace.
    bad.join("/", None).await.expect("CONNECT to / accepted");
    assert_eq!(
        ack_of(&mut bad, "/", "echo", &[json!("x")]).await.unwrap(),
        json!(["x"])
    );
    steady.finish(addr).await;
}

#[tokio::test]
async fn a_client_that_never_acks_gives_the_handler_an_ack_error() {
    let (addr, log) = start().await;
    let steady = Steady::start(addr).await;
    let mut silent = sio(addr, "/").await;
    // The raw client reads the `question` emit but never answers it.
    let ack = ack_of_text(&mut silent, "/", "[\"ask\"]").await.unwrap();
    let text = ack[0].as_str().unwrap();
    assert!(text.starts_with("ack error:"), "{ack}");
    assert_eq!(log.lock().unwrap().as_slice(), [text.to_owned()]);
    steady.finish(addr).await;
}

#[tokio::test]
async fn a_client_that_disconnects_mid_handler_lets_the_handler_finish() {
    let (addr, log) = start().await;
    let steady = Steady::start(addr).await;
    let mut leaving = sio(addr, "/").await;
    leaving.raw().send_text("421[\"slow\"]").await.unwrap();
    asynction_testkit::until("the slow handler starts", || {
        !log.lock().unwrap().is_empty()
    })
    .await;
    leaving.close().await.unwrap();
    asynction_testkit::until("the slow handler finishes", || {
        log.lock().unwrap().len() == 2
    })
    .await;
    assert_eq!(
        log.lock().unwrap().as_slice(),
        ["slow started", "slow finished"]
    );
    steady.finish(addr).await;
}
