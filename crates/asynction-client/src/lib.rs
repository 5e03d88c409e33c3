//! A Socket.IO v5 client (Engine.IO v4) for any Socket.IO server, written for tests, contract
//! checks and load generation rather than for applications.
//!
//! - **Transports**: websocket, and HTTP long-polling (a GET always pending, one POST per
//!   write), chosen with [`ClientBuilder::transport`]. No TLS, no reconnection, no upgrade
//!   from polling to websocket (a test can drive one by hand with the raw API).
//! - **Socket.IO**: namespaces joined with an optional CONNECT `auth` payload; query
//!   parameters and headers on the handshake; events with any number of arguments; binary
//!   attachments as placeholders plus [`Args::binaries`]; acks both ways (the client waits
//!   for its acks with a timeout, and answers the server's with [`Client::ack`]); a refused
//!   CONNECT is [`Error::ConnectError`]; pings answered; DISCONNECT both ways.
//! - **Raw frames**: [`EngineIo`] sends any text or binary frame as is and returns the next
//!   frame, for conformance and bad-input tests; [`packet`] parses and encodes packets.
//!
//! - **In process**: [`ClientBuilder::in_process`] takes the server's tower HTTP service (an
//!   `axum::Router`, a socketioxide service) instead of a URL; every connection the client
//!   would open becomes an in-memory pipe served by hyper, so a test drives the server's whole
//!   stack over either transport with no port, no socket and no peer process ([`Connector`]).
//!
//! The client is driven by its caller: frames are read only while a method waits for
//! something (a CONNECT answer, an ack, an event), and what arrives meanwhile is kept. So a
//! test is deterministic, and the load generator pays for no background task on websocket.
//! On polling a background task keeps one GET pending and answers pings.
//!
//! Over TCP (the URL of a running server):
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use asynction_client::{Args, ClientBuilder, Error, Incoming, Transport};
//! use serde_json::json;
//!
//! # async fn run() -> Result<(), Error> {
//! let mut client = ClientBuilder::new("http://127.0.0.1:3000")
//!     .transport(Transport::Polling)
//!     .auth(json!({"token": "secret"}))
//!     .connect("/chat")
//!     .await?;
//!
//! // An event with two arguments, one binary, and its ack.
//! let args = Args::new().arg(json!({"room": "lobby"})).binary(vec![1u8, 2, 3]);
//! let ack = client.emit_with_ack("/chat", "upload", args, Duration::from_secs(2)).await?;
//! println!("acked with {:?}", ack.values);
//!
//! // An event from the server, acked if it asks.
//! if let Incoming::Event(event) = client.next(Duration::from_secs(2)).await? {
//!     if event.ack_id.is_some() {
//!         client.ack(&event, vec![json!("thanks")]).await?;
//!     }
//! }
//!
//! // A refused namespace is a typed error.
//! match client.join("/admin", None).await {
//!     Err(Error::ConnectError { message, .. }) => println!("refused: {message}"),
//!     other => println!("{other:?}"),
//! }
//!
//! // Raw frames on the same session.
//! client.raw().send_text("42/chat,[\"typing\"]").await?;
//! client.close().await?;
//! # Ok(())
//! # }
//! ```
//!
//! In process, for unit tests of a server (a runnable example; an `asynction::Asynction`'s
//! `into_router()` is driven the same way):
//!
//! ```
//! use std::time::Duration;
//!
//! use asynction_client::{Args, ClientBuilder, Transport};
//! use bytes::Bytes;
//! use socketioxide::SocketIo;
//! use socketioxide::extract::{AckSender, Data, SocketRef};
//!
//! let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! runtime.block_on(async {
//!     let (layer, io) = SocketIo::new_layer();
//!     io.ns("/files", async |socket: SocketRef| {
//!         socket.on("size", async |Data(file): Data<Bytes>, ack: AckSender| {
//!             let _ = ack.send(&file.len());
//!         });
//!     });
//!     let app = axum::Router::new().layer(layer);
//!
//!     let mut client = ClientBuilder::in_process(app)
//!         .transport(Transport::Polling)
//!         .connect("/files")
//!         .await
//!         .unwrap();
//!     let args = Args::new().binary(vec![0u8; 3]);
//!     let ack = client.emit_with_ack("/files", "size", args, Duration::from_secs(1)).await.unwrap();
//!     assert_eq!(ack.values, [serde_json::json!(3)]);
//! });
//! ```

mod client;
mod connector;
pub mod engine;
mod error;
pub mod packet;

pub use client::{Args, Client, ClientBuilder, Event, Incoming};
pub use connector::{Connector, HttpService};
pub use engine::{EngineIo, Frame, Handshake, Transport};
pub use error::{Error, Result};
