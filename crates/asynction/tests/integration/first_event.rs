//! An event a client sends the moment its CONNECT arrives is handled: asynction installs the
//! socket's dispatcher before socketioxide sends CONNECT (socketioxide spawns the connect
//! handler only after sending it, so a dispatcher installed there could come too late on a
//! multi-thread runtime, and the event was dropped).

use asynction::Document;
use asynction::{Ack, AsynctionSocketIo};
use serde_json::json;

const DOC: &str = r#"
asyncapi: 2.6.0
info: {title: first event, version: 1.0.0}
channels:
  /first:
    publish:
      message:
        name: hello
        x-handler: hello
        x-ack: {args: {type: boolean}}
    x-handlers:
      connect: connected
"#;

/// Clients that connect and emit at once, one after the other (kept open: 600 descriptors).
const CLIENTS: usize = 300;

async fn hello() -> Ack<bool> {
    Ack(true)
}

/// A connect handler that yields, as real ones (a database look-up) do.
async fn connected() {
    tokio::task::yield_now().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_sent_right_after_connect_is_handled_on_a_multi_thread_runtime() {
    let doc = Document::from_text(DOC).expect("the test document loads");
    let app = AsynctionSocketIo::from_document(doc)
        .handler("hello", hello)
        .handler("connected", connected)
        .docs(false)
        .build()
        .expect("the test document builds");
    let addr = asynction_testkit::serve(app.into_router()).await;
    // One client after another, each kept open: with idle workers, the spawned connect handler
    // waits in the worker's queue while the same worker reads the client's next frame. Before
    // the fix, one of them was dropped (client 0, 1 or 180 in the runs seen).
    let mut clients = Vec::with_capacity(CLIENTS);
    for i in 0..CLIENTS {
        let mut c = asynction_testkit::sio(addr, "/first").await;
        let ack = asynction_testkit::ack_of(&mut c, "/first", "hello", &[])
            .await
            .unwrap_or_else(|e| panic!("client {i}: no ack for its first event: {e}"));
        assert_eq!(ack, json!([true]), "client {i}");
        clients.push(c);
    }
}
