//! A raw Socket.IO v5 client over one websocket (tokio-tungstenite): it sends exactly the
//! frames a test writes, well formed or not, and answers engine.io pings on its own.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

type Ws = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// What the next frame from the server was.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// A text frame (engine.io packet, pings already answered).
    Text(String),
    /// A binary frame.
    Binary(Vec<u8>),
    /// The server closed the connection (close frame, EOF or reset).
    Closed,
    /// Nothing arrived in time.
    Timeout,
}

/// One engine.io websocket connection.
pub struct RawClient {
    ws: Ws,
    next_ack: u64,
}

impl RawClient {
    /// Opens the websocket transport and reads engine.io's OPEN packet.
    pub async fn open(addr: SocketAddr) -> RawClient {
        let url = format!("ws://{addr}/socket.io/?EIO=4&transport=websocket");
        let (ws, _) = connect_async(url).await.expect("websocket handshake");
        let mut client = RawClient { ws, next_ack: 0 };
        match client.next(Duration::from_secs(2)).await {
            Frame::Text(t) if t.starts_with('0') => {}
            other => panic!("expected engine.io OPEN, got {other:?}"),
        }
        client
    }

    /// Opens and joins namespace `ns` ("/" or "/name"); panics unless CONNECT is accepted.
    pub async fn connect(addr: SocketAddr, ns: &str) -> RawClient {
        let mut c = Self::open(addr).await;
        let reply = c.join(ns).await;
        assert!(
            reply.starts_with(&format!("40{}", ns_prefix(ns))),
            "CONNECT to {ns} refused: {reply}"
        );
        c
    }

    /// Sends CONNECT for `ns` and returns the server's answer (`40…` or `44…`).
    pub async fn join(&mut self, ns: &str) -> String {
        self.send_text(&format!("40{}", ns_prefix(ns))).await;
        match self.next(Duration::from_secs(2)).await {
            Frame::Text(t) => t,
            other => panic!("no answer to CONNECT {ns}: {other:?}"),
        }
    }

    /// Sends one text frame as is; `false` when the connection is already gone.
    pub async fn send_text(&mut self, text: &str) -> bool {
        self.ws.send(Message::text(text)).await.is_ok()
    }

    /// Sends one binary frame as is; `false` when the connection is already gone.
    pub async fn send_binary(&mut self, bytes: Vec<u8>) -> bool {
        self.ws.send(Message::binary(bytes)).await.is_ok()
    }

    /// The next frame; engine.io pings are answered and skipped.
    pub async fn next(&mut self, wait: Duration) -> Frame {
        loop {
            let msg = match tokio::time::timeout(wait, self.ws.next()).await {
                Err(_) => return Frame::Timeout,
                Ok(None) | Ok(Some(Err(_))) => return Frame::Closed,
                Ok(Some(Ok(m))) => m,
            };
            match msg {
                Message::Text(t) if t.as_str() == "2" => {
                    let _ = self.ws.send(Message::text("3")).await;
                }
                Message::Text(t) => return Frame::Text(t.as_str().to_owned()),
                Message::Binary(b) => return Frame::Binary(b.to_vec()),
                Message::Close(_) => return Frame::Closed,
                _ => {}
            }
        }
    }

    /// Emits `event` with `args` (JSON) on `ns`, asking for an ack; returns the ack's
    /// arguments, or the frame that came instead.
    pub async fn emit_ack(
        &mut self,
        ns: &str,
        event: &str,
        args: &[Value],
    ) -> Result<Value, Frame> {
        let mut list = vec![Value::String(event.to_owned())];
        list.extend_from_slice(args);
        let body = Value::Array(list).to_string();
        self.emit_raw_ack(ns, &body).await
    }

    /// Sends `42{ns},{id}{body}` with `body` written verbatim, then waits for the ack `43…{id}`.
    pub async fn emit_raw_ack(&mut self, ns: &str, body: &str) -> Result<Value, Frame> {
        self.next_ack += 1;
        let id = self.next_ack;
        let prefix = ns_prefix(ns);
        if !self.send_text(&format!("42{prefix}{id}{body}")).await {
            return Err(Frame::Closed);
        }
        self.wait_ack(ns, id, Duration::from_secs(3)).await
    }

    /// Waits for the ack with `id`, skipping other packets.
    pub async fn wait_ack(&mut self, ns: &str, id: u64, wait: Duration) -> Result<Value, Frame> {
        let head = format!("43{}{id}", ns_prefix(ns));
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                Frame::Text(t) if t.starts_with(&head) && t[head.len()..].starts_with('[') => {
                    return Ok(serde_json::from_str(&t[head.len()..]).expect("ack is JSON"));
                }
                Frame::Text(_) | Frame::Binary(_) => continue,
                other => return Err(other),
            }
        }
    }

    /// Waits until the server closes the connection (`true`) or `wait` passes (`false`).
    pub async fn closed_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                Frame::Closed => return true,
                Frame::Timeout => return false,
                _ => continue,
            }
        }
    }

    /// Closes the websocket without a Socket.IO DISCONNECT.
    pub async fn drop_connection(mut self) {
        let _ = self.ws.close(None).await;
    }
}

/// `""` for the main namespace, `"/name,"` otherwise (the packet prefix).
pub fn ns_prefix(ns: &str) -> String {
    if ns == "/" {
        String::new()
    } else {
        format!("{ns},")
    }
}
