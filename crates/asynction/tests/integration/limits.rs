//! Every resource limit: its default holds, its setting changes it, and exceeding it refuses
//! only the offending request or connection while other clients keep being served. (The
//! loader's own limits — document size, `$ref` expansions — are asynction-spec's tests.)

use std::net::SocketAddr;
use std::time::Duration;

use asynction::DEFAULT_MAX_DEPTH;
use asynction::validate::Validators;
use asynction::{Ack, Args, AsynctionSocketIo, Limits, Payload};
use asynction::{DEFAULT_MAX_BINARY_ATTACHMENTS, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_PAYLOAD};
use asynction::{Document, LoadOptions};
use asynction_client::Client;
use asynction_testkit::{ack_json, ack_of, http_request as http, serve, sio};
use serde_json::{Value, json};

const FIXTURE: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/tests/fixtures/server/bad_input.yaml"
);

async fn echo(Payload(text): Payload<String>) -> Ack<String> {
    Ack(text)
}

async fn ack_true() -> Ack<bool> {
    Ack(true)
}

async fn arg_count(args: Args) -> Ack<String> {
    Ack(format!("{} args", args.values.len()))
}

async fn binary_len(args: Args) -> Ack<usize> {
    Ack(args.binaries.iter().map(|b| b.len()).sum())
}

async fn count(Payload(v): Payload<Value>) -> Ack<i64> {
    Ack(v["count"].as_i64().unwrap_or_default())
}

async fn start(configure: impl FnOnce(AsynctionSocketIo) -> AsynctionSocketIo) -> SocketAddr {
    let app = AsynctionSocketIo::from_spec(FIXTURE)
        .unwrap()
        .handler("echo", echo)
        .handler("nothing", arg_count)
        .handler("typed", count)
        .handler("tree", ack_true)
        .handler("upload", binary_len)
        .handler("slow", arg_count)
        .handler("ask", arg_count);
    serve(configure(app).build().unwrap().into_router()).await
}

/// A client connected before the offence still gets a right ack after it.
async fn still_served(client: &mut Client) {
    assert_eq!(
        ack_of(client, "/", "echo", &[json!("still")])
            .await
            .unwrap(),
        json!(["still"])
    );
}

#[test]
fn defaults_are_documented_values() {
    let limits = Limits::default();
    assert_eq!(limits.max_payload, DEFAULT_MAX_PAYLOAD);
    assert_eq!(DEFAULT_MAX_PAYLOAD, 1_000_000);
    assert_eq!(
        limits.max_binary_attachments,
        DEFAULT_MAX_BINARY_ATTACHMENTS
    );
    assert_eq!(limits.max_nesting_depth, DEFAULT_MAX_DEPTH);
    assert_eq!(limits.max_header_bytes, DEFAULT_MAX_HEADER_BYTES);
    let load = LoadOptions::default();
    assert_eq!(load.max_document_bytes, 16 * 1024 * 1024);
    assert_eq!(load.max_ref_expansions, 100_000);
}

// ---- message size -------------------------------------------------------------------------

#[tokio::test]
async fn websocket_messages_over_max_payload_close_only_that_connection() {
    let addr = start(|a| a.max_payload(10_000)).await;
    let mut other = sio(addr, "/").await;
    let mut bad = sio(addr, "/").await;
    // Under the limit: parsed and answered (the schema refuses the length).
    let ack = ack_of(&mut bad, "/", "echo", &[json!("x".repeat(9_000))])
        .await
        .unwrap();
    assert_eq!(ack[0]["error"]["code"], "invalid_payload");
    let _ = ack_of(&mut bad, "/", "echo", &[json!("x".repeat(20_000))]).await;
    assert!(bad.raw().closed_within(Duration::from_secs(2)).await);
    still_served(&mut other).await;
}

#[tokio::test]
async fn default_max_payload_is_one_megabyte_on_websocket() {
    let addr = start(|a| a).await;
    let mut other = sio(addr, "/").await;
    let mut bad = sio(addr, "/").await;
    let ack = ack_of(&mut bad, "/", "echo", &[json!("x".repeat(990_000))])
        .await
        .unwrap();
    assert_eq!(ack[0]["error"]["code"], "invalid_payload");
    let _ = ack_of(&mut bad, "/", "echo", &[json!("x".repeat(1_000_001))]).await;
    assert!(bad.raw().closed_within(Duration::from_secs(2)).await);
    still_served(&mut other).await;
}

#[tokio::test]
async fn polling_posts_over_max_payload_are_refused_with_413() {
    let addr = start(|a| a.max_payload(10_000)).await;
    let mut other = sio(addr, "/").await;
    let (status, open) = http(addr, "GET", "/socket.io/?EIO=4&transport=polling", "", "").await;
    assert_eq!(status, 200, "{open}");
    let sid = serde_json::from_str::<Value>(&open[1..]).unwrap()["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    let target = format!("/socket.io/?EIO=4&transport=polling&sid={sid}");
    let (status, _) = http(addr, "POST", &target, "", "40").await;
    assert_eq!(status, 200);
    let big = format!("42[\"echo\",\"{}\"]", "x".repeat(20_000));
    let (status, _) = http(addr, "POST", &target, "", &big).await;
    assert_eq!(status, 413);
    still_served(&mut other).await;
}

// ---- binary attachments -------------------------------------------------------------------

#[tokio::test]
async fn binary_attachment_count_is_limited_per_event() {
    let addr = start(|a| a.max_binary_attachments(3)).await;
    let mut other = sio(addr, "/").await;
    let placeholders = |n: usize| {
        (0..n)
            .map(|i| format!("{{\"_placeholder\":true,\"num\":{i}}}"))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut ok = sio(addr, "/").await;
    ok.raw()
        .send_text(&format!("453-1[\"nothing\",{}]", placeholders(3)))
        .await
        .unwrap();
    for _ in 0..3 {
        ok.raw().send_binary(vec![7; 10]).await.unwrap();
    }
    assert_eq!(ack_json(&mut ok, "/", 1).await.unwrap(), json!(["3 args"]));
    let mut bad = sio(addr, "/").await;
    bad.raw()
        .send_text(&format!("454-1[\"nothing\",{}]", placeholders(4)))
        .await
        .unwrap();
    assert!(bad.raw().closed_within(Duration::from_secs(2)).await);
    still_served(&mut other).await;
    still_served(&mut ok).await;
}

#[tokio::test]
async fn default_binary_attachment_limit_refuses_a_flood_of_placeholders() {
    let addr = start(|a| a).await;
    let mut other = sio(addr, "/").await;
    let mut bad = sio(addr, "/").await;
    let n = DEFAULT_MAX_BINARY_ATTACHMENTS + 1;
    bad.raw()
        .send_text(&format!("45{n}-1[\"nothing\"]"))
        .await
        .unwrap();
    assert!(bad.raw().closed_within(Duration::from_secs(2)).await);
    still_served(&mut other).await;
}

// ---- nesting depth ------------------------------------------------------------------------

/// `{"children":[…]}` nested `depth` times, built and dropped without recursion.
fn tree(depth: usize) -> Value {
    let mut v = json!({"label": "leaf"});
    for _ in 1..depth {
        // Not `json!`: it would serialize (recursively copy) `v` on every level.
        let mut node = serde_json::Map::new();
        node.insert("children".into(), Value::Array(vec![v]));
        v = Value::Object(node);
    }
    v
}

fn drop_iteratively(v: Value) {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(a) => stack.extend(a),
            Value::Object(m) => stack.extend(m.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// Runs `f` on a thread with tokio's default worker stack (2 MiB).
fn on_worker_sized_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no stack overflow")
}

#[test]
fn ten_thousand_levels_against_a_recursive_schema_are_refused_without_overflow() {
    on_worker_sized_stack(|| {
        let doc = Document::from_path(FIXTURE).unwrap();
        let validators = Validators::compile(&doc).unwrap();
        let schema = validators.namespace("/").unwrap().ingress["tree"]
            .payload
            .clone()
            .unwrap();
        // The default limit is deep enough for real data and safe on a 2 MiB stack.
        let deepest_allowed = tree(DEFAULT_MAX_DEPTH / 2);
        assert_eq!(
            schema.validate_args(std::slice::from_ref(&deepest_allowed)),
            Ok(())
        );
        drop_iteratively(deepest_allowed);
        let deep = tree(10_000);
        let violations = schema
            .validate_args(std::slice::from_ref(&deep))
            .unwrap_err();
        assert_eq!(violations.len(), 1);
        assert!(
            violations[0].message.contains("the limit is 128 levels"),
            "{}",
            violations[0].message
        );
        assert!(!schema.is_valid(&deep));
        drop_iteratively(deep);
    });
}

#[test]
fn the_nesting_limit_is_settable_per_schema() {
    let doc = Document::from_path(FIXTURE).unwrap();
    let mut validators = Validators::compile(&doc).unwrap();
    validators.set_max_depth(8);
    let schema = &validators.namespace("/").unwrap().ingress["tree"]
        .payload
        .clone()
        .unwrap();
    assert_eq!(schema.max_depth(), 8);
    // tree(n) nests n objects and n-1 arrays.
    assert_eq!(schema.validate_args(&[tree(4)]), Ok(()));
    assert!(schema.validate_args(&[tree(5)]).is_err());
}

// ---- handshake headers --------------------------------------------------------------------

#[tokio::test]
async fn oversized_request_heads_get_431_before_socket_io() {
    let addr = start(|a| a).await;
    let mut other = sio(addr, "/").await;
    let handshake = "/socket.io/?EIO=4&transport=polling";
    let (status, _) = http(
        addr,
        "GET",
        handshake,
        &format!("X-Big: {}\r\n", "a".repeat(8_000)),
        "",
    )
    .await;
    assert_eq!(status, 200, "8 KB of headers are fine by default");
    let (status, body) = http(
        addr,
        "GET",
        handshake,
        &format!("X-Big: {}\r\n", "a".repeat(20_000)),
        "",
    )
    .await;
    assert_eq!(status, 431);
    assert!(body.contains("the limit is 16384"), "{body}");
    // Many small headers add up; a long query string counts too.
    let many: String = (0..400)
        .map(|i| format!("X-H{i}: {}\r\n", "v".repeat(40)))
        .collect();
    assert_eq!(http(addr, "GET", handshake, &many, "").await.0, 431);
    let long_query = format!("{handshake}&q={}", "q".repeat(20_000));
    assert_eq!(http(addr, "GET", &long_query, "", "").await.0, 431);
    still_served(&mut other).await;
}

#[tokio::test]
async fn the_header_limit_is_settable() {
    let addr = start(|a| a.max_header_bytes(1_024)).await;
    let mut other = sio(addr, "/").await;
    let handshake = "/socket.io/?EIO=4&transport=polling";
    let header = format!("X-Big: {}\r\n", "a".repeat(2_000));
    let (status, body) = http(addr, "GET", handshake, &header, "").await;
    assert_eq!(status, 431);
    assert!(body.contains("the limit is 1024"), "{body}");
    assert_eq!(http(addr, "GET", handshake, "", "").await.0, 200);
    still_served(&mut other).await;
}
