//! The Socket.IO layer: namespaces, events, acks both ways, binary attachments.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use bytes::Bytes;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::connector::{Connector, HttpService};
use crate::engine::{Endpoint, EngineIo, Frame, Handshake, Transport};
use crate::error::{Error, Result};
use crate::packet::{
    EnginePacket, SocketPacketKind, encode_connect, encode_message, normalize_namespace,
    parse_engine_packet,
};

/// A Socket.IO argument list: JSON values, and the binary attachments their placeholders
/// (`{"_placeholder":true,"num":N}`) point to, as on the wire.
///
/// ```
/// use asynction_client::Args;
/// use serde_json::json;
/// let mut args = Args::new().arg(json!("photo")).binary(vec![1u8, 2, 3]);
/// let nested = args.attach(vec![4u8]);
/// let args = args.arg(json!({"thumbnail": nested}));
/// assert_eq!(args.values[1], json!({"_placeholder": true, "num": 0}));
/// assert_eq!(args.binary_of(&args.values[2]["thumbnail"]).unwrap().as_ref(), [4]);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args {
    /// The arguments, placeholders included.
    pub values: Vec<Value>,
    /// The attachments, indexed by placeholder `num`.
    pub binaries: Vec<Bytes>,
}

impl Args {
    /// No arguments.
    pub fn new() -> Args {
        Args::default()
    }

    /// Appends a JSON argument.
    pub fn arg(mut self, value: impl Into<Value>) -> Args {
        self.values.push(value.into());
        self
    }

    /// Appends a binary argument (a placeholder, and its attachment).
    pub fn binary(mut self, bytes: impl Into<Bytes>) -> Args {
        let placeholder = self.attach(bytes);
        self.values.push(placeholder);
        self
    }

    /// Adds an attachment and returns its placeholder, to put anywhere inside an argument.
    pub fn attach(&mut self, bytes: impl Into<Bytes>) -> Value {
        self.binaries.push(bytes.into());
        json!({"_placeholder": true, "num": self.binaries.len() - 1})
    }

    /// The attachment a placeholder value points to.
    pub fn binary_of(&self, placeholder: &Value) -> Option<&Bytes> {
        if placeholder.get("_placeholder") != Some(&Value::Bool(true)) {
            return None;
        }
        let num = placeholder.get("num")?.as_u64()?;
        self.binaries.get(usize::try_from(num).ok()?)
    }

    /// The JSON arguments as one array value.
    pub fn to_value(&self) -> Value {
        Value::Array(self.values.clone())
    }
}

impl From<Vec<Value>> for Args {
    fn from(values: Vec<Value>) -> Args {
        Args {
            values,
            binaries: Vec::new(),
        }
    }
}

impl From<&[Value]> for Args {
    fn from(values: &[Value]) -> Args {
        Args::from(values.to_vec())
    }
}

impl From<()> for Args {
    fn from(_: ()) -> Args {
        Args::new()
    }
}

/// An event the server emitted.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Its namespace (`/` for the main one).
    pub namespace: String,
    /// The event name.
    pub name: String,
    /// Its arguments.
    pub args: Args,
    /// Set when the server asked for an ack: answer with [`Client::ack`].
    pub ack_id: Option<u64>,
}

/// Something the server sent on its own.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// An event.
    Event(Event),
    /// The server disconnected the socket from this namespace (`41`).
    Disconnect {
        /// The namespace.
        namespace: String,
    },
}

/// How to reach a server, and how to connect: the only way to make a [`Client`] or an
/// [`EngineIo`].
///
/// ```no_run
/// # async fn f() -> Result<(), asynction_client::Error> {
/// use asynction_client::{ClientBuilder, Transport};
/// use serde_json::json;
/// use std::time::Duration;
/// let client = ClientBuilder::new("http://127.0.0.1:3000")
///     .path("/socket.io")
///     .transport(Transport::Polling)
///     .query("room", "lobby")
///     .header("authorization", "Bearer x")
///     .auth(json!({"token": "x"}))
///     .timeout(Duration::from_secs(2))
///     .connect("/chat")
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    url: String,
    /// Set by [`ClientBuilder::in_process`]; otherwise TCP to the URL's authority.
    connector: Option<Connector>,
    path: String,
    transport: Transport,
    engine_query: Option<String>,
    query: String,
    headers: Vec<(String, String)>,
    timeout: Duration,
    auth: Option<Value>,
}

impl ClientBuilder {
    /// A server at `url`: `http://host:port`, `ws://host:port` or `host:port` (no TLS). A path
    /// in the URL is ignored; see [`ClientBuilder::path`].
    pub fn new(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            url: url.into(),
            connector: None,
            path: "/socket.io".into(),
            transport: Transport::Websocket,
            engine_query: None,
            query: String::new(),
            headers: Vec::new(),
            timeout: Duration::from_secs(5),
            auth: None,
        }
    }

    /// A server in this process: `service` (an `axum::Router`, a socketioxide service, any
    /// tower HTTP service) serves every connection the client opens — the websocket upgrade,
    /// each polling request — over an in-memory pipe, with no port and no socket. Everything
    /// else (transport, path, query, headers, auth, raw frames) works as over TCP. See
    /// [`Connector::in_process`].
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// use asynction_client::{ClientBuilder, Transport};
    /// use serde_json::{Value, json};
    /// use socketioxide::SocketIo;
    /// use socketioxide::extract::{AckSender, Data, SocketRef};
    ///
    /// let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// runtime.block_on(async {
    ///     let (layer, io) = SocketIo::new_layer();
    ///     io.ns("/", async |socket: SocketRef| {
    ///         socket.on("echo", async |Data(v): Data<Value>, ack: AckSender| {
    ///             let _ = ack.send(&v);
    ///         });
    ///     });
    ///     let app = axum::Router::new().layer(layer);
    ///     for transport in [Transport::Websocket, Transport::Polling] {
    ///         let mut client = ClientBuilder::in_process(app.clone())
    ///             .transport(transport)
    ///             .connect("/")
    ///             .await
    ///             .unwrap();
    ///         let ack = client
    ///             .emit_with_ack("/", "echo", vec![json!("hi")], Duration::from_secs(1))
    ///             .await
    ///             .unwrap();
    ///         assert_eq!(ack.values, [json!("hi")]);
    ///     }
    /// });
    /// ```
    pub fn in_process<S: HttpService>(service: S) -> ClientBuilder {
        let connector = Connector::in_process(service);
        ClientBuilder {
            connector: Some(connector.clone()),
            ..ClientBuilder::new(format!("http://{}", connector.authority()))
        }
    }

    /// The Engine.IO path, `/socket.io` by default.
    pub fn path(mut self, path: impl Into<String>) -> ClientBuilder {
        self.path = path.into();
        self
    }

    /// The transport, websocket by default.
    pub fn transport(mut self, transport: Transport) -> ClientBuilder {
        self.transport = transport;
        self
    }

    /// Adds a query parameter to every Engine.IO request (the Socket.IO handshake query).
    pub fn query(mut self, name: &str, value: &str) -> ClientBuilder {
        self.query.push('&');
        self.query
            .extend(utf8_percent_encode(name, NON_ALPHANUMERIC));
        self.query.push('=');
        self.query
            .extend(utf8_percent_encode(value, NON_ALPHANUMERIC));
        self
    }

    /// Replaces the `EIO=4&transport=...` part of the query verbatim: for tests of malformed
    /// handshakes (`EIO=abc&transport=websocket`).
    pub fn engine_query(mut self, raw: impl Into<String>) -> ClientBuilder {
        self.engine_query = Some(raw.into());
        self
    }

    /// Adds a header to the handshake request (every request on polling).
    pub fn header(mut self, name: &str, value: &str) -> ClientBuilder {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The CONNECT `auth` payload [`ClientBuilder::connect`] sends.
    pub fn auth(mut self, auth: Value) -> ClientBuilder {
        self.auth = Some(auth);
        self
    }

    /// Bound on each handshake step and the default wait of [`Client::join`] (5 s).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// Where the builder's connections go (TCP to the URL's `host:port`, or the
    /// [`ClientBuilder::in_process`] service): for plain HTTP requests with
    /// [`Connector::request`] next to the Socket.IO session. [`Error::InvalidUrl`] when the
    /// URL cannot be used.
    pub fn connector(&self) -> Result<Connector> {
        Ok(self.endpoint()?.connector)
    }

    fn endpoint(&self) -> Result<Endpoint> {
        let path = self.path.trim_matches('/');
        let path = if path.is_empty() {
            "/".to_owned()
        } else {
            format!("/{path}/")
        };
        let connector = match &self.connector {
            Some(connector) => connector.clone(),
            None => Connector::tcp(self.tcp_authority()?),
        };
        Ok(Endpoint {
            connector,
            path,
            transport: self.transport,
            engine_query: self.engine_query.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            timeout: self.timeout,
        })
    }

    /// The URL's `host:port`.
    fn tcp_authority(&self) -> Result<String> {
        let invalid = |reason| Error::InvalidUrl {
            url: self.url.clone(),
            reason,
        };
        let rest = if let Some(rest) = self
            .url
            .strip_prefix("http://")
            .or_else(|| self.url.strip_prefix("ws://"))
        {
            rest
        } else if self.url.contains("://") {
            return Err(invalid("only http:// and ws:// are supported"));
        } else {
            &self.url
        };
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        if authority.is_empty() {
            return Err(invalid("no host"));
        }
        Ok(authority.to_owned())
    }

    /// Opens an Engine.IO session (handshake read) for raw frames.
    pub async fn engine(&self) -> Result<EngineIo> {
        EngineIo::open(&self.endpoint()?).await
    }

    /// Opens a websocket and nothing more: not even the OPEN packet is read. `sid` joins an
    /// existing (polling) session, as in a transport upgrade. Whatever the transport setting.
    pub async fn websocket(&self, sid: Option<&str>) -> Result<EngineIo> {
        EngineIo::websocket(&self.endpoint()?, sid).await
    }

    /// Opens an Engine.IO session and joins no namespace yet (see [`Client::join`]).
    pub async fn open(&self) -> Result<Client> {
        Ok(Client::new(self.engine().await?, self.timeout))
    }

    /// Opens a session and joins `namespace`, sending the [`ClientBuilder::auth`] payload.
    /// A refusal is [`Error::ConnectError`].
    pub async fn connect(&self, namespace: &str) -> Result<Client> {
        let mut client = self.open().await?;
        client.join(namespace, self.auth.as_ref()).await?;
        Ok(client)
    }
}

/// A received Socket.IO packet with its attachments.
struct Received {
    /// How many attachments the packet announced.
    expected: usize,
    kind: SocketPacketKind,
    namespace: String,
    ack_id: Option<u64>,
    data: String,
    binaries: Vec<Bytes>,
}

/// A Socket.IO client over one Engine.IO session, driven by its caller: nothing is read unless
/// a method waits for something, and what arrives meanwhile (events, other acks) is kept for
/// later. Pings are answered whenever frames are read.
///
/// ```no_run
/// # async fn f() -> Result<(), asynction_client::Error> {
/// use asynction_client::{Args, ClientBuilder, Incoming};
/// use serde_json::json;
/// use std::time::Duration;
/// let mut client = ClientBuilder::new("http://127.0.0.1:3000").connect("/").await?;
/// let ack = client
///     .emit_with_ack("/", "echo", vec![json!("hi")], Duration::from_secs(1))
///     .await?;
/// assert_eq!(ack.values, [json!("hi")]);
/// if let Incoming::Event(event) = client.next(Duration::from_secs(1)).await? {
///     if event.ack_id.is_some() {
///         client.ack(&event, Args::new().arg(true)).await?;
///     }
/// }
/// client.disconnect("/").await?;
/// # Ok(()) }
/// ```
pub struct Client {
    engine: EngineIo,
    timeout: Duration,
    next_ack: u64,
    incoming: VecDeque<Incoming>,
    acks: HashMap<(String, u64), Args>,
    /// Connect answers not yet claimed by [`Client::join`]: namespace → `Ok(data)` / error.
    connects: HashMap<String, Result<Value, Value>>,
    sids: HashMap<String, String>,
    /// A binary packet whose attachments are still arriving (kept across cancelled waits).
    partial: Option<Received>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("engine", &self.engine)
            .field("namespaces", &self.sids)
            .finish_non_exhaustive()
    }
}

impl Client {
    fn new(engine: EngineIo, timeout: Duration) -> Client {
        Client {
            engine,
            timeout,
            next_ack: 0,
            incoming: VecDeque::new(),
            acks: HashMap::new(),
            connects: HashMap::new(),
            sids: HashMap::new(),
            partial: None,
        }
    }

    /// The Engine.IO handshake.
    pub fn handshake(&self) -> Option<&Handshake> {
        self.engine.handshake()
    }

    /// The headers of the HTTP response that opened the session (see
    /// [`EngineIo::response_headers`]).
    pub fn response_headers(&self) -> &http::HeaderMap {
        self.engine.response_headers()
    }

    /// The socket id the server gave for `namespace`, once joined.
    pub fn sid(&self, namespace: &str) -> Option<&str> {
        self.sids
            .get(&normalize_namespace(namespace))
            .map(String::as_str)
    }

    /// The raw frames under this client. Frames read here bypass the client's bookkeeping.
    pub fn raw(&mut self) -> &mut EngineIo {
        &mut self.engine
    }

    /// Gives up the Socket.IO layer and keeps the session's raw frames.
    pub fn into_engine(self) -> EngineIo {
        self.engine
    }

    /// Joins `namespace` (CONNECT with an optional `auth` payload) and returns the socket id.
    /// A `connect_error` is [`Error::ConnectError`].
    pub async fn join(&mut self, namespace: &str, auth: Option<&Value>) -> Result<String> {
        let namespace = normalize_namespace(namespace);
        self.connects.remove(&namespace);
        self.engine
            .send_text(encode_connect(&namespace, auth))
            .await?;
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(answer) = self.connects.remove(&namespace) {
                return match answer {
                    Ok(data) => {
                        let sid = data["sid"].as_str().ok_or_else(|| {
                            Error::Protocol(format!("CONNECT answer without sid: {data}"))
                        })?;
                        let sid = sid.to_owned();
                        self.sids.insert(namespace, sid.clone());
                        Ok(sid)
                    }
                    Err(data) => Err(Error::ConnectError {
                        namespace,
                        message: data["message"].as_str().unwrap_or_default().to_owned(),
                        data,
                    }),
                };
            }
            self.pump(deadline, "the namespace CONNECT answer").await?;
        }
    }

    /// Leaves `namespace` (DISCONNECT `41`).
    pub async fn disconnect(&mut self, namespace: &str) -> Result<()> {
        let namespace = normalize_namespace(namespace);
        self.sids.remove(&namespace);
        let frame = format!("41{}", crate::packet::namespace_prefix(&namespace));
        self.engine.send_text(frame).await
    }

    /// Emits `event` with `args`, asking for no ack.
    pub async fn emit(
        &mut self,
        namespace: &str,
        event: &str,
        args: impl Into<Args>,
    ) -> Result<()> {
        self.send_event(namespace, event, None, &args.into()).await
    }

    /// Emits `event` asking for an ack and returns its id at once (see
    /// [`Client::wait_ack`]): several acks may be outstanding.
    pub async fn emit_ack_id(
        &mut self,
        namespace: &str,
        event: &str,
        args: impl Into<Args>,
    ) -> Result<u64> {
        let id = self.next_ack_id();
        self.send_event(namespace, event, Some(id), &args.into())
            .await?;
        Ok(id)
    }

    /// Emits `event` asking for an ack, and waits at most `timeout` for it.
    pub async fn emit_with_ack(
        &mut self,
        namespace: &str,
        event: &str,
        args: impl Into<Args>,
        timeout: Duration,
    ) -> Result<Args> {
        let id = self.emit_ack_id(namespace, event, args).await?;
        self.wait_ack(namespace, id, timeout).await
    }

    /// Sends `42[/ns,]<id><list>` with the argument list (event name first) written verbatim,
    /// well formed or not, and waits for the ack.
    pub async fn emit_text_with_ack(
        &mut self,
        namespace: &str,
        list: &str,
        timeout: Duration,
    ) -> Result<Args> {
        let id = self.next_ack_id();
        let frame = format!("42{}{id}{list}", crate::packet::namespace_prefix(namespace));
        self.engine.send_text(frame).await?;
        self.wait_ack(namespace, id, timeout).await
    }

    /// The next ack id this client will use (ids start at 1 and only grow).
    pub fn next_ack_id(&mut self) -> u64 {
        self.next_ack += 1;
        self.next_ack
    }

    /// Waits at most `timeout` for the ack `id` on `namespace`; what else arrives is kept.
    pub async fn wait_ack(&mut self, namespace: &str, id: u64, timeout: Duration) -> Result<Args> {
        let key = (normalize_namespace(namespace), id);
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(args) = self.acks.remove(&key) {
                return Ok(args);
            }
            if let Some(i) = self.incoming.iter().position(
                |m| matches!(m, Incoming::Disconnect { namespace } if *namespace == key.0),
            ) {
                self.incoming.remove(i);
                return Err(Error::Disconnected(key.0));
            }
            self.pump(deadline, "an ack").await?;
        }
    }

    /// The next event or namespace disconnect the server sent, waiting at most `timeout`.
    pub async fn next(&mut self, timeout: Duration) -> Result<Incoming> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(m) = self.incoming.pop_front() {
                return Ok(m);
            }
            self.pump(deadline, "an event").await?;
        }
    }

    /// The next event named `name` (others before it are dropped), waiting at most `timeout`.
    pub async fn next_event(&mut self, name: &str, timeout: Duration) -> Result<Event> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left).await? {
                Incoming::Event(e) if e.name == name => return Ok(e),
                Incoming::Event(_) => continue,
                Incoming::Disconnect { namespace } => return Err(Error::Disconnected(namespace)),
            }
        }
    }

    /// Answers an event that asked for an ack (`43`, or `46` with binaries).
    pub async fn ack(&mut self, event: &Event, args: impl Into<Args>) -> Result<()> {
        let id = event
            .ack_id
            .ok_or_else(|| Error::Protocol(format!("event {} asked for no ack", event.name)))?;
        let args = args.into();
        let frame = encode_message(
            SocketPacketKind::Ack,
            &event.namespace,
            Some(id),
            None,
            &args,
        );
        self.send_with_binaries(frame, args.binaries).await
    }

    /// Ends the Engine.IO session.
    pub async fn close(self) -> Result<()> {
        self.engine.close().await
    }

    async fn send_event(
        &mut self,
        namespace: &str,
        event: &str,
        id: Option<u64>,
        args: &Args,
    ) -> Result<()> {
        let frame = encode_message(SocketPacketKind::Event, namespace, id, Some(event), args);
        self.send_with_binaries(frame, args.binaries.clone()).await
    }

    async fn send_with_binaries(&mut self, frame: String, binaries: Vec<Bytes>) -> Result<()> {
        if binaries.is_empty() {
            return self.engine.send_text(frame).await;
        }
        let mut frames = vec![Frame::Text(frame)];
        frames.extend(binaries.into_iter().map(Frame::Binary));
        self.engine.send_batch(frames).await
    }

    /// Reads one Socket.IO packet (with its attachments) and files it.
    async fn pump(&mut self, deadline: Instant, waiting_for: &'static str) -> Result<()> {
        let started = Instant::now();
        let timeout = |_| Error::Timeout {
            waiting_for,
            after: deadline.saturating_duration_since(started),
        };
        let received = tokio::time::timeout_at(deadline, self.read_packet())
            .await
            .map_err(timeout)??;
        let Some(p) = received else { return Ok(()) };
        match p.kind {
            SocketPacketKind::Connect => {
                let data = serde_json::from_str(&p.data).unwrap_or(Value::Null);
                self.connects.insert(p.namespace, Ok(data));
            }
            SocketPacketKind::ConnectError => {
                let data = serde_json::from_str(&p.data).unwrap_or(Value::String(p.data));
                self.connects.insert(p.namespace, Err(data));
            }
            SocketPacketKind::Disconnect => {
                self.sids.remove(&p.namespace);
                self.incoming.push_back(Incoming::Disconnect {
                    namespace: p.namespace,
                });
            }
            SocketPacketKind::Ack | SocketPacketKind::BinaryAck => {
                let values: Vec<Value> = serde_json::from_str(&p.data)?;
                let Some(id) = p.ack_id else {
                    return Err(Error::Protocol(format!("ack without id: {}", p.data)));
                };
                let args = Args {
                    values,
                    binaries: p.binaries,
                };
                self.acks.insert((p.namespace, id), args);
            }
            SocketPacketKind::Event | SocketPacketKind::BinaryEvent => {
                let mut values: Vec<Value> = serde_json::from_str(&p.data)?;
                if values.is_empty() || !values[0].is_string() {
                    return Err(Error::Protocol(format!("event without a name: {}", p.data)));
                }
                let Value::String(name) = values.remove(0) else {
                    unreachable!("checked above")
                };
                self.incoming.push_back(Incoming::Event(Event {
                    namespace: p.namespace,
                    name,
                    args: Args {
                        values,
                        binaries: p.binaries,
                    },
                    ack_id: p.ack_id,
                }));
            }
        }
        Ok(())
    }

    /// The next Socket.IO packet; `None` for Engine.IO packets that carry none. Cancel-safe:
    /// a binary packet read in part is kept in `partial` and completed by the next call.
    async fn read_packet(&mut self) -> Result<Option<Received>> {
        if self.partial.is_none() {
            let text = match self.engine.recv().await? {
                Frame::Text(t) => t,
                Frame::Binary(_) => {
                    return Err(Error::Protocol(
                        "binary frame without a binary packet".into(),
                    ));
                }
            };
            let p = match parse_engine_packet(&text)? {
                EnginePacket::Message(p) => p,
                EnginePacket::Close => return Err(Error::Closed),
                _ => return Ok(None),
            };
            let received = Received {
                expected: p.attachments,
                kind: p.kind,
                namespace: p.namespace.to_owned(),
                ack_id: p.ack_id,
                data: p.data.to_owned(),
                binaries: Vec::with_capacity(p.attachments),
            };
            if received.expected == 0 {
                return Ok(Some(received));
            }
            self.partial = Some(received);
        }
        loop {
            let frame = self.engine.recv().await?;
            let Some(partial) = self.partial.as_mut() else {
                unreachable!("set above or by a cancelled call")
            };
            match frame {
                Frame::Binary(b) => partial.binaries.push(b),
                Frame::Text(t) => {
                    self.partial = None;
                    return Err(Error::Protocol(format!(
                        "text frame {t:?} while attachments were due"
                    )));
                }
            }
            if partial.binaries.len() == partial.expected {
                return Ok(self.partial.take());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_is_built_from_http_ws_or_bare_urls() {
        let e = ClientBuilder::new("http://127.0.0.1:5000/")
            .endpoint()
            .unwrap();
        assert_eq!(
            (e.connector.authority(), e.path.as_str()),
            ("127.0.0.1:5000", "/socket.io/")
        );
        let e = ClientBuilder::new("ws://127.0.0.1:1")
            .path("ws/socket.io/")
            .query("a", "b c")
            .endpoint()
            .unwrap();
        assert_eq!(
            (e.connector.authority(), e.path.as_str()),
            ("127.0.0.1:1", "/ws/socket.io/")
        );
        assert_eq!(e.query, "&a=b%20c");
        let e = ClientBuilder::new("localhost:3000")
            .path("/")
            .endpoint()
            .unwrap();
        assert_eq!(
            (e.connector.authority(), e.path.as_str()),
            ("localhost:3000", "/")
        );
        for bad in ["https://x", "wss://x", "http://", ""] {
            assert!(ClientBuilder::new(bad).endpoint().is_err(), "{bad:?}");
        }
    }
}
