//! `ReloadingMock`: a document swapped under a listening mock. WebSocket clients keep their
//! connection and their document version, polling clients must reconnect, new clients get
//! the new document, and a replaced instance goes away with its last client.

use std::time::Duration;

use asynction::Document;
use asynction::mock::{MockOptions, MockServer, ReloadingMock};
use asynction_client::{Client, ClientBuilder, Transport};
use serde_json::{Value, json};

fn doc(event: &str) -> Document {
    Document::from_text(&format!(
        "asyncapi: 2.6.0\ninfo: {{ title: Swap, version: '1' }}\nchannels:\n  /:\n    publish:\n      message: {{ name: {event}, payload: {{ type: string }} }}\n"
    ))
    .unwrap()
}

fn mock(event: &str) -> MockServer {
    MockServer::new(doc(event), MockOptions::default()).unwrap()
}

const ACK: Duration = Duration::from_secs(5);

/// The refusal code of the ack to `event`, or `None` when it was accepted.
async fn refusal(client: &mut Client, event: &str) -> Option<String> {
    let ack = client
        .emit_with_ack("/", event, vec![json!("x")], ACK)
        .await
        .expect("an ack");
    ack.values
        .first()
        .and_then(|v| v.get("error"))
        .map(|e| e["code"].as_str().unwrap_or_default().to_owned())
}

#[tokio::test]
async fn a_replaced_instance_keeps_its_websocket_clients_and_goes_away_with_the_last() {
    let reloading = ReloadingMock::new(mock("hello"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(reloading.clone().serve(listener, std::future::pending()));
    let url = format!("http://{addr}");
    let mut old = ClientBuilder::new(url.clone()).connect("/").await.unwrap();
    reloading.replace(mock("bye"));
    assert_eq!(reloading.retired_instances(), 1);
    // New clients: the new document.
    let mut new = ClientBuilder::new(url.clone()).connect("/").await.unwrap();
    assert_eq!(refusal(&mut new, "bye").await, None);
    assert_eq!(
        refusal(&mut new, "hello").await.as_deref(),
        Some("unknown_event")
    );
    // The WebSocket client keeps its connection and its document.
    assert_eq!(refusal(&mut old, "hello").await, None);
    assert_eq!(
        refusal(&mut old, "bye").await.as_deref(),
        Some("unknown_event")
    );
    // The replaced instance goes away once its last client has left.
    old.close().await.unwrap();
    let watched = reloading.clone();
    asynction_testkit::until("the replaced instance is dropped", move || {
        watched.retired_instances() == 0
    })
    .await;
    server.abort();
}

#[tokio::test]
async fn a_polling_client_reconnects_after_a_replacement_and_gets_the_new_document() {
    let reloading = ReloadingMock::new(mock("hello"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(reloading.clone().serve(listener, std::future::pending()));
    let polling = ClientBuilder::new(format!("http://{addr}")).transport(Transport::Polling);
    let mut before = polling.connect("/").await.unwrap();
    assert_eq!(refusal(&mut before, "hello").await, None);
    reloading.replace(mock("bye"));
    // Its session is unknown to the new instance: the next request fails.
    let lost = before
        .emit_with_ack("/", "hello", vec![Value::from("x")], Duration::from_secs(2))
        .await;
    assert!(lost.is_err(), "{lost:?}");
    // Reconnected: the new document.
    let mut after = polling.connect("/").await.unwrap();
    assert_eq!(refusal(&mut after, "bye").await, None);
    server.abort();
}
