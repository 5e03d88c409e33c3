//! Unit tests of the server stack driven in process: a small document, its handlers, the
//! built router, and asynction-client's [`ClientBuilder::in_process`] — the real socketioxide
//! and asynction code end to end, over either transport, with no port, no socket and no peer
//! process. Each test builds its own server, so they run in parallel and share nothing.
//!
//! - `dispatch`: after CONNECT — valid events and their acks, refused payloads, unknown events,
//!   handler errors and panics, invalid acks, binary attachments, error handlers.
//! - `connect`: before CONNECT — handshake bindings, security, the connect handler.
//! - `emit`: a handler's emits and the client's acks to them, both validated.

mod connect;
mod dispatch;
mod emit;

use std::time::Duration;

use asynction_client::{ClientBuilder, Transport};
use serde_json::Value;

use crate::Document;
use crate::refusal::RefusalCode;

/// How long a test waits for one answer: an in-process answer takes well under a millisecond,
/// so this only bounds a failing test.
const WAIT: Duration = Duration::from_secs(2);

/// Loads a document written in the test.
fn document(yaml: &str) -> Document {
    Document::from_text(yaml).unwrap_or_else(|e| panic!("the test document loads: {e}"))
}

/// A client of `app` in this process, on `transport`.
fn client(app: &axum::Router, transport: Transport) -> ClientBuilder {
    ClientBuilder::in_process(app.clone())
        .transport(transport)
        .timeout(WAIT)
}

/// The refusal code of an error ack (`[{"error": {"code": …}}]`); panics with the ack
/// otherwise.
fn refusal_code(ack: &asynction_client::Args) -> RefusalCode {
    let code = ack
        .values
        .first()
        .and_then(|a| a.pointer("/error/code"))
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("expected an error ack, got {:?}", ack.values));
    code.parse()
        .unwrap_or_else(|e| panic!("error ack with {e}: {:?}", ack.values))
}

/// Runs each `async fn(Transport)` check once per transport, as `websocket::name` and
/// `polling::name`.
macro_rules! on_both_transports {
    ($($name:ident),* $(,)?) => {
        mod websocket {
            $(#[tokio::test]
            async fn $name() {
                super::$name(asynction_client::Transport::Websocket).await
            })*
        }
        mod polling {
            $(#[tokio::test]
            async fn $name() {
                super::$name(asynction_client::Transport::Polling).await
            })*
        }
    };
}
use on_both_transports;
