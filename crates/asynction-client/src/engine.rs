//! The Engine.IO v4 layer: one session over a websocket or HTTP long-polling, exchanged as raw
//! text and binary frames.
//!
//! [`EngineIo`] is also the crate's raw-frames API: [`EngineIo::send_text`] writes any frame
//! as is, well formed or not, and [`EngineIo::recv`] returns the next frame, answering the
//! server's pings on the way unless [`EngineIo::set_auto_pong`] turned that off.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::sync::{Mutex, mpsc};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::connector::{Connector, Stream};
use crate::error::{Error, Result};

/// The record separator of a polling payload.
const SEPARATOR: char = '\u{1e}';

/// Which Engine.IO transport carries the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transport {
    /// One websocket (`transport=websocket`), no polling phase.
    #[default]
    Websocket,
    /// HTTP long-polling (`transport=polling`): a GET always pending, one POST per write.
    Polling,
}

impl Transport {
    /// The `transport` query value.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Websocket => "websocket",
            Transport::Polling => "polling",
        }
    }
}

/// One frame from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    /// A text frame: one Engine.IO packet (`4...`, `1`, `6`, or `2` when pings are not
    /// answered automatically).
    Text(String),
    /// A binary frame (a Socket.IO binary attachment).
    Binary(Bytes),
}

/// The Engine.IO OPEN packet's content.
#[derive(Debug, Clone, PartialEq)]
pub struct Handshake {
    /// The session id.
    pub sid: String,
    /// Transports the session may upgrade to.
    pub upgrades: Vec<String>,
    /// How often the server pings.
    pub ping_interval: Duration,
    /// How long the server waits for a pong.
    pub ping_timeout: Duration,
    /// The largest message the server accepts, in bytes.
    pub max_payload: u64,
    /// The OPEN packet's JSON as sent.
    pub raw: Value,
}

impl Handshake {
    /// Parses the text of an OPEN packet (`0{...}`).
    pub fn parse(frame: &str) -> Result<Handshake> {
        let json = frame
            .strip_prefix('0')
            .ok_or_else(|| Error::Protocol(format!("expected an OPEN packet, got {frame:?}")))?;
        let raw: Value = serde_json::from_str(json)?;
        let sid = raw["sid"]
            .as_str()
            .ok_or_else(|| Error::Protocol(format!("OPEN packet without sid: {frame}")))?
            .to_owned();
        let millis = |key: &str| Duration::from_millis(raw[key].as_u64().unwrap_or(0));
        Ok(Handshake {
            sid,
            upgrades: raw["upgrades"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|u| u.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            ping_interval: millis("pingInterval"),
            ping_timeout: millis("pingTimeout"),
            max_payload: raw["maxPayload"].as_u64().unwrap_or(0),
            raw,
        })
    }
}

/// Where and how to reach the server: built by [`crate::ClientBuilder`].
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// TCP to `host:port`, or a service in this process.
    pub connector: Connector,
    /// The Engine.IO path with a trailing slash, `/socket.io/`.
    pub path: String,
    pub transport: Transport,
    /// Replaces `EIO=4&transport=...` verbatim when set.
    pub engine_query: Option<String>,
    /// Extra query pairs, already percent-encoded as `&k=v...`.
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub timeout: Duration,
}

impl Endpoint {
    /// `/socket.io/?EIO=4&transport=...[&sid=...]&extra`.
    fn path_and_query(&self, transport: Transport, sid: Option<&str>) -> String {
        let mut q = format!("{}?", self.path);
        match &self.engine_query {
            Some(raw) => q.push_str(raw),
            None => {
                q.push_str("EIO=4&transport=");
                q.push_str(transport.as_str());
            }
        }
        if let Some(sid) = sid {
            q.push_str("&sid=");
            q.push_str(sid);
        }
        q.push_str(&self.query);
        q
    }
}

type Ws = WebSocketStream<Stream>;

enum Inner {
    Websocket(Box<Ws>),
    Polling(Polling),
}

struct Polling {
    poster: Arc<Poster>,
    frames: mpsc::UnboundedReceiver<Frame>,
    reader: tokio::task::JoinHandle<()>,
}

impl Drop for Polling {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Writes of one polling session, one POST at a time.
struct Poster {
    endpoint: Endpoint,
    url: String,
    lock: Mutex<()>,
}

impl Poster {
    async fn post(&self, body: String) -> Result<()> {
        let _one_at_a_time = self.lock.lock().await;
        let (status, body) = self
            .endpoint
            .connector
            .request("POST", &self.url, &self.endpoint.headers, Some(body))
            .await?;
        match status {
            200 => Ok(()),
            400 => Err(Error::Closed),
            status => Err(Error::HttpStatus {
                status,
                body: String::from_utf8_lossy(&body).into_owned(),
            }),
        }
    }
}

/// One Engine.IO session: raw frames in both directions.
///
/// Obtained from [`crate::ClientBuilder::engine`] (handshake read) or
/// [`crate::ClientBuilder::websocket`] (nothing read), or from a [`crate::Client`] with
/// [`crate::Client::raw`] / [`crate::Client::into_engine`].
pub struct EngineIo {
    inner: Inner,
    handshake: Option<Handshake>,
    auto_pong: Arc<AtomicBool>,
    /// Frames read together with the OPEN packet (polling), returned first.
    pending: std::collections::VecDeque<Frame>,
    /// The headers of the HTTP response that opened the session.
    response_headers: http::HeaderMap,
}

impl std::fmt::Debug for EngineIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineIo")
            .field("transport", &self.transport())
            .field("handshake", &self.handshake)
            .finish_non_exhaustive()
    }
}

impl EngineIo {
    /// Opens the websocket and returns at once, the OPEN packet still unread.
    pub(crate) async fn websocket(endpoint: &Endpoint, sid: Option<&str>) -> Result<EngineIo> {
        let url = format!(
            "ws://{}{}",
            endpoint.connector.authority(),
            endpoint.path_and_query(Transport::Websocket, sid)
        );
        let mut request = url.as_str().into_client_request()?;
        for (name, value) in &endpoint.headers {
            let name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|e| Error::Http(format!("header name {name:?}: {e}")))?;
            let value = http::HeaderValue::from_str(value)
                .map_err(|e| Error::Http(format!("header value {value:?}: {e}")))?;
            request.headers_mut().append(name, value);
        }
        let handshake = async {
            let stream = endpoint.connector.connect().await?;
            tokio_tungstenite::client_async_with_config(request, stream, None)
                .await
                .map_err(Error::from)
        };
        let (ws, response) = tokio::time::timeout(endpoint.timeout, handshake)
            .await
            .map_err(|_| Error::Timeout {
                waiting_for: "the websocket handshake",
                after: endpoint.timeout,
            })??;
        Ok(EngineIo {
            inner: Inner::Websocket(Box::new(ws)),
            handshake: None,
            auto_pong: Arc::new(AtomicBool::new(true)),
            pending: Default::default(),
            response_headers: response.headers().clone(),
        })
    }

    /// Opens a session on the endpoint's transport and reads the OPEN packet.
    pub(crate) async fn open(endpoint: &Endpoint) -> Result<EngineIo> {
        match endpoint.transport {
            Transport::Websocket => {
                let mut engine = Self::websocket(endpoint, None).await?;
                let first = engine.recv_timeout(endpoint.timeout).await;
                let first = match first {
                    Err(Error::Timeout { after, .. }) => {
                        return Err(Error::Timeout {
                            waiting_for: "the engine.io OPEN packet",
                            after,
                        });
                    }
                    other => other?,
                };
                match first {
                    Frame::Text(t) => engine.handshake = Some(Handshake::parse(&t)?),
                    Frame::Binary(_) => {
                        return Err(Error::Protocol("binary frame instead of OPEN".into()));
                    }
                }
                Ok(engine)
            }
            Transport::Polling => Self::open_polling(endpoint).await,
        }
    }

    async fn open_polling(endpoint: &Endpoint) -> Result<EngineIo> {
        let path = endpoint.path_and_query(Transport::Polling, None);
        let (status, response_headers, body) = tokio::time::timeout(
            endpoint.timeout,
            endpoint
                .connector
                .exchange("GET", &path, &endpoint.headers, None),
        )
        .await
        .map_err(|_| Error::Timeout {
            waiting_for: "the polling handshake",
            after: endpoint.timeout,
        })??;
        let body = String::from_utf8_lossy(&body).into_owned();
        if status != 200 {
            return Err(Error::HttpStatus { status, body });
        }
        let mut frames = split_payload(&body)?.into_iter();
        let handshake = match frames.next() {
            Some(Frame::Text(t)) => Handshake::parse(&t)?,
            _ => return Err(Error::Protocol(format!("no OPEN packet in {body:?}"))),
        };
        let poster = Arc::new(Poster {
            url: endpoint.path_and_query(Transport::Polling, Some(&handshake.sid)),
            endpoint: endpoint.clone(),
            lock: Mutex::new(()),
        });
        let auto_pong = Arc::new(AtomicBool::new(true));
        let (queue, rx) = mpsc::unbounded_channel();
        let reader = tokio::spawn(poll_loop(poster.clone(), queue, auto_pong.clone()));
        Ok(EngineIo {
            inner: Inner::Polling(Polling {
                poster,
                frames: rx,
                reader,
            }),
            handshake: Some(handshake),
            auto_pong,
            pending: frames.collect(),
            response_headers,
        })
    }

    /// The OPEN packet, unless the engine was made with [`crate::ClientBuilder::websocket`].
    pub fn handshake(&self) -> Option<&Handshake> {
        self.handshake.as_ref()
    }

    /// The headers of the HTTP response that opened the session: the websocket upgrade's
    /// `101 Switching Protocols`, or the polling handshake's `200` (the one carrying the OPEN
    /// packet). How a server names itself (`Server`), its cookies and CORS answers are there.
    pub fn response_headers(&self) -> &http::HeaderMap {
        &self.response_headers
    }

    /// The transport in use.
    pub fn transport(&self) -> Transport {
        match self.inner {
            Inner::Websocket(_) => Transport::Websocket,
            Inner::Polling(_) => Transport::Polling,
        }
    }

    /// Whether pings (`2...`) are answered with pongs (`3...`) and kept out of
    /// [`EngineIo::recv`] (on by default). With it off, pings are returned as text frames.
    pub fn set_auto_pong(&self, on: bool) {
        self.auto_pong.store(on, Ordering::SeqCst);
    }

    /// Sends one text frame as is (one POST on polling).
    pub async fn send_text(&mut self, text: impl Into<String>) -> Result<()> {
        match &mut self.inner {
            Inner::Websocket(ws) => ws
                .send(Message::text(text.into()))
                .await
                .map_err(write_error),
            Inner::Polling(p) => p.poster.post(text.into()).await,
        }
    }

    /// Sends one binary frame as is (`b<base64>` in a POST on polling).
    pub async fn send_binary(&mut self, bytes: impl Into<Bytes>) -> Result<()> {
        let bytes = bytes.into();
        match &mut self.inner {
            Inner::Websocket(ws) => ws.send(Message::binary(bytes)).await.map_err(write_error),
            Inner::Polling(p) => {
                let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
                p.poster.post(format!("b{encoded}")).await
            }
        }
    }

    /// Sends several frames; on polling they go in one POST, separated by `\x1e`.
    pub async fn send_batch(&mut self, frames: Vec<Frame>) -> Result<()> {
        match &mut self.inner {
            Inner::Websocket(ws) => {
                for frame in frames {
                    let message = match frame {
                        Frame::Text(t) => Message::text(t),
                        Frame::Binary(b) => Message::binary(b),
                    };
                    ws.feed(message).await.map_err(write_error)?;
                }
                ws.flush().await.map_err(write_error)
            }
            Inner::Polling(p) => {
                let mut body = String::new();
                for (i, frame) in frames.into_iter().enumerate() {
                    if i > 0 {
                        body.push(SEPARATOR);
                    }
                    match frame {
                        Frame::Text(t) => body.push_str(&t),
                        Frame::Binary(b) => {
                            body.push('b');
                            body.push_str(&base64::engine::general_purpose::STANDARD.encode(&b));
                        }
                    }
                }
                p.poster.post(body).await
            }
        }
    }

    /// The next frame; [`Error::Closed`] once the server closed the connection (close frame,
    /// EOF, reset) or the polling session ended. Pings are answered and skipped while
    /// auto-pong is on. Cancel-safe: no frame is lost when the future is dropped.
    pub async fn recv(&mut self) -> Result<Frame> {
        if let Some(frame) = self.pending.pop_front() {
            return Ok(frame);
        }
        match &mut self.inner {
            Inner::Websocket(ws) => loop {
                match ws.next().await {
                    None | Some(Err(_)) => return Err(Error::Closed),
                    Some(Ok(Message::Text(t))) => {
                        if t.as_bytes().first() == Some(&b'2')
                            && self.auto_pong.load(Ordering::Relaxed)
                        {
                            let pong = format!("3{}", &t.as_str()[1..]);
                            ws.send(Message::text(pong)).await?;
                            continue;
                        }
                        return Ok(Frame::Text(t.as_str().to_owned()));
                    }
                    Some(Ok(Message::Binary(b))) => return Ok(Frame::Binary(b)),
                    Some(Ok(Message::Close(_))) => return Err(Error::Closed),
                    Some(Ok(_)) => continue,
                }
            },
            Inner::Polling(p) => p.frames.recv().await.ok_or(Error::Closed),
        }
    }

    /// [`EngineIo::recv`] bounded by `wait` ([`Error::Timeout`] when nothing came).
    pub async fn recv_timeout(&mut self, wait: Duration) -> Result<Frame> {
        tokio::time::timeout(wait, self.recv())
            .await
            .map_err(|_| Error::Timeout {
                waiting_for: "a frame",
                after: wait,
            })?
    }

    /// Reads and discards frames until the server closes the connection (`true`) or `wait`
    /// passes (`false`).
    pub async fn closed_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.recv()).await {
                Err(_) => return false,
                Ok(Err(_)) => return true,
                Ok(Ok(_)) => continue,
            }
        }
    }

    /// Ends the session: a websocket close frame, or the CLOSE packet `1` on polling.
    pub async fn close(mut self) -> Result<()> {
        match &mut self.inner {
            Inner::Websocket(ws) => match WebSocketStream::close(&mut **ws, None).await {
                Ok(()) | Err(tokio_tungstenite::tungstenite::Error::ConnectionClosed) => Ok(()),
                Err(e) => Err(e.into()),
            },
            Inner::Polling(p) => {
                p.reader.abort();
                p.poster.post("1".into()).await
            }
        }
    }
}

/// A failed websocket write: the connection is gone unless the frame itself was refused.
fn write_error(e: tokio_tungstenite::tungstenite::Error) -> Error {
    use tokio_tungstenite::tungstenite::Error as WsError;
    match e {
        WsError::Io(_) | WsError::Protocol(_) => Error::Closed,
        other => other.into(),
    }
}

/// The GET loop of a polling session: every record of every payload becomes a frame; pings
/// are answered here while auto-pong is on, so they never wait for the reader.
async fn poll_loop(
    poster: Arc<Poster>,
    queue: mpsc::UnboundedSender<Frame>,
    auto: Arc<AtomicBool>,
) {
    loop {
        let got = poster
            .endpoint
            .connector
            .request("GET", &poster.url, &poster.endpoint.headers, None)
            .await;
        let body = match got {
            Ok((200, body)) => String::from_utf8_lossy(&body).into_owned(),
            _ => return,
        };
        let Ok(frames) = split_payload(&body) else {
            return;
        };
        for frame in frames {
            if let Frame::Text(t) = &frame {
                if t.starts_with('2') && auto.load(Ordering::SeqCst) {
                    if poster.post(format!("3{}", &t[1..])).await.is_err() {
                        return;
                    }
                    continue;
                }
                if t == "1" {
                    let _ = queue.send(frame);
                    return;
                }
            }
            if queue.send(frame).is_err() {
                return;
            }
        }
    }
}

/// The records of a polling payload: text packets, and `b<base64>` binary ones.
fn split_payload(body: &str) -> Result<Vec<Frame>> {
    body.split(SEPARATOR)
        .filter(|r| !r.is_empty())
        .map(|record| match record.strip_prefix('b') {
            Some(b64) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map(|b| Frame::Binary(Bytes::from(b)))
                .map_err(|e| Error::Protocol(format!("bad base64 binary record: {e}"))),
            None => Ok(Frame::Text(record.to_owned())),
        })
        .collect()
}

/// One HTTP/1.1 request over a fresh TCP connection to `authority` (`host:port`): the status
/// and the whole body. `path` is the path and query. Shorthand for
/// [`Connector::tcp`]`(authority).`[`request`](Connector::request)`(..)`; use a
/// [`Connector::in_process`] for a service in this process.
///
/// ```no_run
/// # async fn f() -> Result<(), asynction_client::Error> {
/// let (status, body) = asynction_client::engine::request(
///     "127.0.0.1:3000", "GET", "/socket.io/?EIO=4&transport=polling", &[], None,
/// ).await?;
/// assert_eq!(status, 200);
/// assert!(body.starts_with(b"0{"));
/// # Ok(()) }
/// ```
pub async fn request(
    authority: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<String>,
) -> Result<(u16, Bytes)> {
    Connector::tcp(authority)
        .request(method, path, headers, body)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_payloads_split_into_text_and_binary_frames() {
        let frames = split_payload("40{\"sid\":\"a\"}\u{1e}bAQID\u{1e}2").unwrap();
        assert_eq!(
            frames,
            [
                Frame::Text("40{\"sid\":\"a\"}".into()),
                Frame::Binary(Bytes::from_static(&[1, 2, 3])),
                Frame::Text("2".into()),
            ]
        );
        assert!(split_payload("b!!").is_err());
    }

    #[test]
    fn handshake_is_parsed() {
        let h = Handshake::parse(
            r#"0{"sid":"x","upgrades":["websocket"],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000}"#,
        )
        .unwrap();
        assert_eq!(h.sid, "x");
        assert_eq!(h.upgrades, ["websocket"]);
        assert_eq!(h.ping_interval, Duration::from_millis(300));
        assert_eq!(h.max_payload, 1_000_000);
        assert!(Handshake::parse("40").is_err());
    }
}
