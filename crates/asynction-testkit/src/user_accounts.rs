//! The `user_accounts` example's scenario for a Node socket.io-client, run against the example
//! itself (asynction's `tests/integration/examples.rs`) and against a server built from its
//! document converted to 3.0 (asynction-cli's `tests/cli/convert.rs`): both must behave the
//! same.

use std::net::SocketAddr;

use serde_json::{Value, json};

use crate::peers::{error_ack, node};

/// Runs the scenario against the server at `addr` and checks every answer: an admin connects
/// with its token and one without is refused (`invalid_handshake`); a sign-up and a log-in are
/// reported to the admin (`metrics`); a log-in without a password is refused with
/// `invalid_payload`.
pub async fn run_and_check(addr: SocketAddr) {
    let r = node(addr, "/socket.io", json!([
        {"op": "connect", "id": "admin", "ns": "/admin", "query": {"token": "t0ken"}},
        {"op": "connect", "id": "anon", "ns": "/admin"},
        {"op": "connect", "id": "user", "ns": "/user"},
        {"op": "emit", "id": "user", "event": "sign up", "args": [{"username": "ada", "password": "lovelace1815"}]},
        {"op": "expect", "id": "admin", "event": "metrics"},
        {"op": "emit", "id": "user", "event": "log in", "args": [{"username": "ada", "password": "lovelace1815"}], "ack": true},
        {"op": "expect", "id": "admin", "event": "metrics"},
        {"op": "emit", "id": "user", "event": "log in", "args": [{"username": "ada"}], "ack": true},
    ]))
    .await;
    assert_eq!(r[0], json!({"connected": true}));
    let refusal: &Value = &r[1];
    assert!(
        refusal["connect_error"]
            .as_str()
            .unwrap()
            .starts_with("invalid_handshake"),
        "{refusal}"
    );
    assert_eq!(r[4], json!({"args": ["signup"]}));
    assert_eq!(r[5], json!({"ack": [true]}));
    assert_eq!(r[6], json!({"args": ["login"]}));
    assert_eq!(error_ack(&r[7])["code"], "invalid_payload");
}
