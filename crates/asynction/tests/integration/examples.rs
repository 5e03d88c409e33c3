//! Every example starts and answers a real socket.io-client.

use std::net::SocketAddr;

use asynction_testkit::process::{Example, ServerProcess};
use asynction_testkit::{error_ack, node};
use serde_json::json;

fn start(name: &str) -> (ServerProcess, SocketAddr) {
    let example = Example::new(name).start();
    let addr = example.addr;
    (example, addr)
}

#[tokio::test]
async fn user_accounts_reports_sign_up_and_log_in_to_admins() {
    let (_server, addr) = start("user_accounts");
    asynction_testkit::user_accounts::run_and_check(addr).await;
}

#[tokio::test]
async fn chat_adds_users_joins_rooms_and_relays_messages() {
    let (_server, addr) = start("chat");
    let r = node(addr, "/socket.io", json!([
        {"op": "connect", "id": "ada", "ns": "/"},
        {"op": "connect", "id": "bob", "ns": "/"},
        {"op": "emit", "id": "ada", "event": "add user", "args": ["Ada"], "ack": true},
        {"op": "emit", "id": "bob", "event": "add user", "args": ["Bob"], "ack": true},
        {"op": "expect", "id": "ada", "event": "user joined"},
        {"op": "emit", "id": "bob", "event": "join room", "args": ["rust"], "ack": true},
        {"op": "emit", "id": "ada", "event": "new message", "args": [{"message": "hi rust", "room": "rust"}]},
        {"op": "expect", "id": "bob", "event": "new message"},
        {"op": "emit", "id": "ada", "event": "add user", "args": [""], "ack": true},
    ]))
    .await;
    assert_eq!(r[2], json!({"ack": [{"error": null}]}));
    assert_eq!(r[4], json!({"args": [{"username": "Bob", "numUsers": 2}]}));
    let rooms = r[5]["ack"][0].as_array().unwrap();
    assert!(rooms.contains(&json!("rust")), "{}", r[5]);
    assert_eq!(
        r[7],
        json!({"args": [{"username": "Ada", "message": "hi rust", "room": "rust"}]})
    );
    assert_eq!(error_ack(&r[8])["code"], "invalid_payload");
}

#[tokio::test]
async fn chat_bench_acks_messages_and_validates_echo_replies() {
    let (_server, addr) = start("chat_bench");
    let long = "x".repeat(300);
    let r = node(addr, "/socket.io", json!([
        {"op": "connect", "id": "a", "ns": "/chat"},
        {"op": "emit", "id": "a", "event": "message", "args": [{"text": "hi", "ts": 0}], "ack": true},
        {"op": "emit", "id": "a", "event": "echo", "args": [{"text": "hey", "ts": 1}], "ack": true},
        {"op": "expect", "id": "a", "event": "echo"},
        {"op": "emit", "id": "a", "event": "echo", "args": [{"text": long, "ts": 2}], "ack": true},
        {"op": "emit", "id": "a", "event": "message", "args": [{"text": "no ts"}], "ack": true},
        {"op": "connect", "id": "admin", "ns": "/admin", "query": {"token": "x"}},
        {"op": "expect", "id": "admin", "event": "server metric"},
    ]))
    .await;
    assert_eq!(r[1], json!({"ack": [true]}));
    assert_eq!(r[2], json!({"ack": [true]}));
    assert_eq!(r[3], json!({"args": [{"text": "hey", "ts": 1}]}));
    assert_eq!(
        r[4],
        json!({"ack": [false]}),
        "a 300-char echo passes ingress (1000) but not egress (200)"
    );
    assert_eq!(error_ack(&r[5])["code"], "invalid_payload");
    assert_eq!(r[7]["args"][0]["name"], "CPU_COUNT");
}

#[tokio::test]
async fn chat_bench_secure_namespace_requires_the_api_key() {
    let (_server, addr) = start("chat_bench");
    let r = node(
        addr,
        "/socket.io",
        json!([
            {"op": "connect", "id": "none", "ns": "/secure"},
            {"op": "connect", "id": "bad", "ns": "/secure", "query": {"token": "nope"}},
            {"op": "connect", "id": "ok", "ns": "/secure", "query": {"token": "secret"}},
            {"op": "connect", "id": "payload", "ns": "/secure", "auth": {"token": "secret"}},
        ]),
    )
    .await;
    assert_eq!(r[0]["connect_error"], "unauthorized");
    assert_eq!(r[1]["connect_error"], "unauthorized");
    assert_eq!(r[2], json!({"connected": true}));
    assert_eq!(
        r[3],
        json!({"connected": true}),
        "the CONNECT auth payload carries the key too"
    );
}

/// With `schemars`, chat and user_accounts register every event handler and emit with its
/// types, and those agree with their documents (a mismatch would stop the example at build);
/// conformance's raw-argument ack stays unchecked and is counted.
#[cfg(feature = "schemars")]
#[tokio::test]
async fn the_examples_types_are_all_checked_and_agree_with_their_documents() {
    for (name, summary) in [
        (
            "chat",
            "type check: 5 routes checked, 0 unchecked, 6 emits checked",
        ),
        (
            "user_accounts",
            "type check: 2 routes checked, 0 unchecked, 1 emits checked",
        ),
        // The protocol suite's raw-argument ack cannot be typed: counted, not refused.
        (
            "conformance",
            "type check: 1 routes checked, 1 unchecked, 0 emits checked",
        ),
    ] {
        let server = Example::new(name).env("RUST_LOG", "info").logged().start();
        server.wait_log(summary).await;
    }
}
