//! The server's client-facing behaviour, driven by the real Python `python-socketio` client.

use asynction::{Ack, AsynctionSocketIo};
use asynction_testkit::{error_ack, python, serve};
use serde_json::{Value, json};

const FIXTURE: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/examples/user_accounts/asyncapi.yaml"
);

async fn log_in() -> Ack<bool> {
    Ack(true)
}

async fn noop() {}

async fn start() -> std::net::SocketAddr {
    let app = AsynctionSocketIo::from_spec(FIXTURE)
        .unwrap()
        .handler("user_accounts.sign_up", noop)
        .handler("user_accounts.log_in", log_in)
        .handler("user_accounts.user_error", noop)
        .handler("user_accounts.admin_error", noop)
        .build()
        .unwrap();
    serve(app.into_router()).await
}

#[tokio::test]
async fn python_client_gets_acks_error_acks_and_handshake_refusals() {
    let addr = start().await;
    let r = python(addr, "/socket.io", json!([
        {"op": "connect", "id": "u", "ns": "/user"},
        {"op": "emit", "id": "u", "event": "log in", "args": [{"username": "ada", "password": "lovelace1815"}], "ack": true},
        {"op": "emit", "id": "u", "event": "log in", "args": [{"username": "ada", "password": "short"}], "ack": true},
        {"op": "emit", "id": "u", "event": "unknown", "args": [1], "ack": true},
        {"op": "connect", "id": "anon", "ns": "/admin"},
        {"op": "connect", "id": "admin", "ns": "/admin", "query": {"token": "secret"}},
    ]))
    .await;
    assert_eq!(r[0], json!({"connected": true}));
    assert_eq!(r[1], json!({"ack": [true]}));
    let err = error_ack(&r[2]);
    assert_eq!(err["code"], "invalid_payload");
    assert_eq!(err["violations"][0]["instancePath"], "/password");
    assert_eq!(error_ack(&r[3])["code"], "unknown_event");
    let refusal = r[4]["connect_error"].as_str().unwrap_or_default();
    assert!(refusal.contains("invalid_handshake"), "{}", r[4]);
    assert_eq!(r[5], json!({"connected": true}));
}

#[tokio::test]
async fn python_client_polling_transport_works_too() {
    let addr = start().await;
    let r = python(addr, "/socket.io", json!([
        {"op": "connect", "id": "u", "ns": "/user", "transports": ["polling"]},
        {"op": "emit", "id": "u", "event": "log in", "args": [{"username": "bob", "password": "12345678"}], "ack": true},
    ]))
    .await;
    assert_eq!(r[1], json!({"ack": [Value::Bool(true)]}));
}
