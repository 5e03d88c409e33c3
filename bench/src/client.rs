//! A minimal Engine.IO v4 / Socket.IO v5 client over a websocket (text frames only).
//!
//! The load generator needs no reconnection, no polling transport, no binary attachments and no
//! buffering, so it speaks the wire protocol itself instead of using a full client: each websocket
//! text frame is one Engine.IO packet (`0` open, `2` ping, `3` pong, `4` message, ...), and each
//! Engine.IO message carries one Socket.IO packet (`0` connect, `2` event, `3` ack, `4` connect
//! error, ...) with an optional `/namespace,` prefix and ack id.

use std::fmt;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The websocket stream type used by [`SocketIoClient`].
pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A decoded Engine.IO packet (one websocket text frame).
#[derive(Debug, PartialEq, Eq)]
pub enum EnginePacket<'a> {
    /// `0{...}`: the handshake, with its JSON body left unparsed.
    Open(&'a str),
    /// `1`: the server closes the session.
    Close,
    /// `2[probe]`: a heartbeat that must be answered with a pong carrying the same payload.
    Ping(&'a str),
    /// `3[probe]`: a heartbeat answer.
    Pong(&'a str),
    /// `4...`: a Socket.IO packet.
    Message(SocketPacket<'a>),
    /// `6`: no operation.
    Noop,
}

/// The kind of a Socket.IO packet (the first character of an Engine.IO message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketPacketKind {
    /// `0`: namespace connect (client request or server confirmation).
    Connect,
    /// `1`: namespace disconnect.
    Disconnect,
    /// `2`: an event.
    Event,
    /// `3`: an acknowledgement.
    Ack,
    /// `4`: the server refused the namespace connect.
    ConnectError,
    /// `5`: an event with binary attachments.
    BinaryEvent,
    /// `6`: an acknowledgement with binary attachments.
    BinaryAck,
}

/// A decoded Socket.IO packet, borrowing from the frame it came from.
#[derive(Debug, PartialEq, Eq)]
pub struct SocketPacket<'a> {
    /// The packet kind.
    pub kind: SocketPacketKind,
    /// The namespace, `"/"` when the packet has no namespace prefix.
    pub namespace: &'a str,
    /// The ack id, when present.
    pub ack_id: Option<u64>,
    /// The JSON data after the header (may be empty).
    pub data: &'a str,
}

/// A frame that is not a valid Engine.IO / Socket.IO text packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketError {
    /// What is wrong with it.
    pub reason: &'static str,
    /// The frame, shortened to 80 characters.
    pub frame: String,
}

impl PacketError {
    fn new(reason: &'static str, frame: &str) -> Self {
        Self {
            reason,
            frame: frame.chars().take(80).collect(),
        }
    }
}

impl fmt::Display for PacketError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in frame {:?}", self.reason, self.frame)
    }
}

impl std::error::Error for PacketError {}

/// Decodes one websocket text frame as an Engine.IO packet.
pub fn parse_engine_packet(frame: &str) -> Result<EnginePacket<'_>, PacketError> {
    let first = frame.chars().next();
    let rest = &frame[first.map_or(0, char::len_utf8)..];
    match first {
        Some('0') => Ok(EnginePacket::Open(rest)),
        Some('1') => Ok(EnginePacket::Close),
        Some('2') => Ok(EnginePacket::Ping(rest)),
        Some('3') => Ok(EnginePacket::Pong(rest)),
        Some('4') => parse_socket_packet(rest)
            .map(EnginePacket::Message)
            .map_err(|e| PacketError::new(e.reason, frame)),
        Some('6') => Ok(EnginePacket::Noop),
        Some(_) => Err(PacketError::new("unknown engine.io packet type", frame)),
        None => Err(PacketError::new("empty frame", frame)),
    }
}

/// Decodes the Socket.IO packet carried by an Engine.IO message (the text after the `4`).
///
/// Layout: `<kind>[<attachments>-][/<namespace>,][<ack id>][<json data>]`.
pub fn parse_socket_packet(text: &str) -> Result<SocketPacket<'_>, PacketError> {
    let bytes = text.as_bytes();
    let kind = match bytes.first() {
        Some(b'0') => SocketPacketKind::Connect,
        Some(b'1') => SocketPacketKind::Disconnect,
        Some(b'2') => SocketPacketKind::Event,
        Some(b'3') => SocketPacketKind::Ack,
        Some(b'4') => SocketPacketKind::ConnectError,
        Some(b'5') => SocketPacketKind::BinaryEvent,
        Some(b'6') => SocketPacketKind::BinaryAck,
        Some(_) => return Err(PacketError::new("unknown socket.io packet type", text)),
        None => return Err(PacketError::new("empty socket.io packet", text)),
    };
    let mut pos = 1;
    if matches!(
        kind,
        SocketPacketKind::BinaryEvent | SocketPacketKind::BinaryAck
    ) {
        let dash = text[pos..]
            .find('-')
            .ok_or_else(|| PacketError::new("binary packet without attachment count", text))?;
        pos += dash + 1;
    }
    let mut namespace = "/";
    if bytes.get(pos) == Some(&b'/') {
        let comma = text[pos..].find(',');
        let end = comma.map_or(text.len(), |c| pos + c);
        namespace = &text[pos..end];
        pos = comma.map_or(end, |_| end + 1);
    }
    let digits = bytes[pos..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let ack_id = if digits == 0 {
        None
    } else {
        let id = text[pos..pos + digits]
            .parse::<u64>()
            .map_err(|_| PacketError::new("ack id out of range", text))?;
        pos += digits;
        Some(id)
    };
    Ok(SocketPacket {
        kind,
        namespace,
        ack_id,
        data: &text[pos..],
    })
}

/// The `/namespace,` prefix of a packet, empty for the main namespace `/`.
pub fn namespace_prefix(namespace: &str) -> String {
    if namespace == "/" || namespace.is_empty() {
        String::new()
    } else if namespace.starts_with('/') {
        format!("{namespace},")
    } else {
        format!("/{namespace},")
    }
}

/// The Engine.IO message that asks to join `namespace` (`40/chat,`).
pub fn encode_connect(namespace: &str) -> String {
    format!("40{}", namespace_prefix(namespace))
}

/// Pre-encodes `event` with `payload` so that each emit only writes its ack id.
#[derive(Debug, Clone)]
pub struct EventEncoder {
    head: String,
    tail: String,
}

impl EventEncoder {
    /// An encoder for `42/<namespace>,<id>["<event>",<payload>]`; `payload` must be JSON text.
    pub fn new(namespace: &str, event: &str, payload: &str) -> Self {
        let event = serde_json::Value::String(event.to_owned()).to_string();
        Self {
            head: format!("42{}", namespace_prefix(namespace)),
            tail: format!("[{event},{payload}]"),
        }
    }

    /// The frame for one emit with ack id `id`.
    pub fn encode(&self, id: u64) -> String {
        let mut frame = String::with_capacity(self.head.len() + self.tail.len() + 20);
        frame.push_str(&self.head);
        frame.push_str(&id.to_string());
        frame.push_str(&self.tail);
        frame
    }
}

/// Whether the ack data (a JSON array of arguments) reports an error: the first argument is an
/// object with an `error` key. Data that is not a JSON array counts as an error too.
pub fn ack_is_error(data: &str) -> bool {
    let trimmed = data.trim_start();
    if !trimmed.starts_with('[') {
        return true;
    }
    // Cheap path: only an object first argument can carry an `error` key.
    if !trimmed[1..].trim_start().starts_with('{') {
        return false;
    }
    match serde_json::from_str::<serde_json::Value>(trimmed) {
        Ok(serde_json::Value::Array(args)) => args
            .first()
            .and_then(|a| a.as_object())
            .is_some_and(|o| o.contains_key("error")),
        _ => true,
    }
}

/// Why connecting to a namespace failed.
#[derive(Debug)]
pub enum ConnectError {
    /// The TCP or websocket handshake failed.
    Transport(String),
    /// The Engine.IO handshake or the namespace connect did not complete in time.
    Timeout(&'static str),
    /// The server answered with a `44` connect error.
    Refused(String),
    /// The server sent something unexpected.
    Protocol(String),
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Transport(e) => write!(f, "transport: {e}"),
            Self::Timeout(stage) => write!(f, "timed out waiting for {stage}"),
            Self::Refused(data) => write!(f, "namespace connect refused: {data}"),
            Self::Protocol(e) => write!(f, "protocol: {e}"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// Where a client connects: `ws://host:port{path}/?EIO=4&transport=websocket`, then `namespace`.
#[derive(Debug, Clone)]
pub struct Target {
    /// Base URL, `http://127.0.0.1:5000` or `ws://127.0.0.1:5000`.
    pub url: String,
    /// Socket.IO request path, `/socket.io` by default.
    pub path: String,
    /// Namespace to join, e.g. `/chat`.
    pub namespace: String,
}

impl Target {
    /// The websocket URL of the Engine.IO endpoint.
    pub fn websocket_url(&self) -> String {
        let base = self.url.trim_end_matches('/');
        let base = if let Some(rest) = base.strip_prefix("http://") {
            format!("ws://{rest}")
        } else if base.starts_with("ws://") {
            base.to_owned()
        } else {
            format!("ws://{base}")
        };
        let path = self.path.trim_end_matches('/');
        let path = if path.starts_with('/') || path.is_empty() {
            path.to_owned()
        } else {
            format!("/{path}")
        };
        format!("{base}{path}/?EIO=4&transport=websocket")
    }
}

/// A websocket connected to one namespace, ready to emit.
pub struct SocketIoClient {
    /// The underlying websocket.
    pub ws: Ws,
}

impl SocketIoClient {
    /// Opens the websocket, reads the Engine.IO handshake and joins the target namespace.
    ///
    /// Pings that arrive meanwhile are answered; the whole exchange is bounded by `timeout`.
    pub async fn connect(target: &Target, timeout: Duration) -> Result<Self, ConnectError> {
        let url = target.websocket_url();
        let (mut ws, _) = tokio::time::timeout(
            timeout,
            tokio_tungstenite::connect_async_with_config(url.as_str(), None, true),
        )
        .await
        .map_err(|_| ConnectError::Timeout("the websocket handshake"))?
        .map_err(|e| ConnectError::Transport(format!("{url}: {e}")))?;

        let deadline = tokio::time::Instant::now() + timeout;
        let mut sent_connect = false;
        loop {
            let stage = if sent_connect {
                "the namespace connect"
            } else {
                "the engine.io open packet"
            };
            let msg = tokio::time::timeout_at(deadline, ws.next())
                .await
                .map_err(|_| ConnectError::Timeout(stage))?;
            let text = match msg {
                Some(Ok(Message::Text(t))) => t,
                Some(Ok(Message::Close(_))) | None => {
                    return Err(ConnectError::Protocol(format!(
                        "closed while waiting for {stage}"
                    )));
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(ConnectError::Transport(e.to_string())),
            };
            let packet =
                parse_engine_packet(&text).map_err(|e| ConnectError::Protocol(e.to_string()))?;
            match packet {
                EnginePacket::Open(_) if !sent_connect => {
                    send_text(&mut ws, encode_connect(&target.namespace)).await?;
                    sent_connect = true;
                }
                EnginePacket::Ping(payload) => {
                    send_text(&mut ws, format!("3{payload}")).await?;
                }
                EnginePacket::Message(p) if p.namespace == normalized(&target.namespace) => {
                    match p.kind {
                        SocketPacketKind::Connect => {
                            if !connect_data_has_sid(p.data) {
                                return Err(ConnectError::Protocol(format!(
                                    "connect packet without sid: {text}"
                                )));
                            }
                            return Ok(Self { ws });
                        }
                        SocketPacketKind::ConnectError => {
                            return Err(ConnectError::Refused(p.data.to_owned()));
                        }
                        _ => {}
                    }
                }
                EnginePacket::Close => {
                    return Err(ConnectError::Protocol("server closed the session".into()));
                }
                _ => {}
            }
        }
    }
}

/// Whether a namespace CONNECT confirmation carries `{"sid": "..."}`.
fn connect_data_has_sid(data: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(data)
        .is_ok_and(|v| v.get("sid").is_some_and(|s| s.is_string()))
}

fn normalized(namespace: &str) -> &str {
    if namespace.is_empty() { "/" } else { namespace }
}

async fn send_text(ws: &mut Ws, text: String) -> Result<(), ConnectError> {
    ws.send(Message::text(text))
        .await
        .map_err(|e| ConnectError::Transport(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_with_namespace_and_id_is_parsed() {
        let p = parse_engine_packet("43/chat,17[true]").unwrap();
        assert_eq!(
            p,
            EnginePacket::Message(SocketPacket {
                kind: SocketPacketKind::Ack,
                namespace: "/chat",
                ack_id: Some(17),
                data: "[true]"
            })
        );
    }

    #[test]
    fn ack_on_main_namespace_has_no_prefix() {
        let p = parse_socket_packet("3123[true]").unwrap();
        assert_eq!(p.namespace, "/");
        assert_eq!(p.ack_id, Some(123));
        assert_eq!(p.data, "[true]");
    }

    #[test]
    fn event_without_ack_id_keeps_data() {
        let p = parse_socket_packet("2/chat,[\"echo\",{\"ts\":1}]").unwrap();
        assert_eq!(p.kind, SocketPacketKind::Event);
        assert_eq!(p.ack_id, None);
        assert_eq!(p.data, "[\"echo\",{\"ts\":1}]");
    }

    #[test]
    fn connect_confirmation_carries_sid() {
        let p = parse_socket_packet("0/chat,{\"sid\":\"abc\"}").unwrap();
        assert_eq!(p.kind, SocketPacketKind::Connect);
        assert_eq!(p.namespace, "/chat");
        assert_eq!(p.data, "{\"sid\":\"abc\"}");
        assert!(connect_data_has_sid(p.data));
        assert!(!connect_data_has_sid("{}"));
    }

    #[test]
    fn connect_error_is_recognised() {
        let p = parse_socket_packet("4/secure,{\"message\":\"nope\"}").unwrap();
        assert_eq!(p.kind, SocketPacketKind::ConnectError);
        assert_eq!(p.namespace, "/secure");
    }

    #[test]
    fn namespace_without_trailing_data_is_accepted() {
        let p = parse_socket_packet("1/chat,").unwrap();
        assert_eq!(p.kind, SocketPacketKind::Disconnect);
        assert_eq!(p.namespace, "/chat");
        assert_eq!(p.data, "");
        let p = parse_socket_packet("1/chat").unwrap();
        assert_eq!(p.namespace, "/chat");
    }

    #[test]
    fn binary_ack_skips_attachment_count() {
        let p = parse_socket_packet("61-/chat,4[{\"_placeholder\":true,\"num\":0}]").unwrap();
        assert_eq!(p.kind, SocketPacketKind::BinaryAck);
        assert_eq!(p.namespace, "/chat");
        assert_eq!(p.ack_id, Some(4));
    }

    #[test]
    fn engine_packets_are_decoded() {
        assert_eq!(parse_engine_packet("2").unwrap(), EnginePacket::Ping(""));
        assert_eq!(
            parse_engine_packet("3probe").unwrap(),
            EnginePacket::Pong("probe")
        );
        assert_eq!(
            parse_engine_packet("0{\"sid\":\"x\"}").unwrap(),
            EnginePacket::Open("{\"sid\":\"x\"}")
        );
        assert_eq!(parse_engine_packet("1").unwrap(), EnginePacket::Close);
        assert_eq!(parse_engine_packet("6").unwrap(), EnginePacket::Noop);
    }

    #[test]
    fn malformed_frames_are_rejected() {
        assert!(parse_engine_packet("").is_err());
        assert!(parse_engine_packet("9").is_err());
        assert!(parse_engine_packet("4").is_err());
        assert!(parse_engine_packet("4x").is_err());
        assert!(parse_socket_packet("399999999999999999999999[true]").is_err());
    }

    #[test]
    fn namespace_prefix_is_empty_for_main_namespace() {
        assert_eq!(namespace_prefix("/"), "");
        assert_eq!(namespace_prefix("/chat"), "/chat,");
        assert_eq!(namespace_prefix("chat"), "/chat,");
        assert_eq!(encode_connect("/chat"), "40/chat,");
        assert_eq!(encode_connect("/"), "40");
    }

    #[test]
    fn event_frame_includes_ack_id_and_escaped_event_name() {
        let enc = EventEncoder::new("/chat", "message", r#"{"text":"hi","ts":0}"#);
        assert_eq!(
            enc.encode(7),
            r#"42/chat,7["message",{"text":"hi","ts":0}]"#
        );
        let enc = EventEncoder::new("/", "say \"x\"", "1");
        assert_eq!(enc.encode(0), r#"420["say \"x\"",1]"#);
    }

    #[test]
    fn error_acks_are_detected() {
        assert!(!ack_is_error("[true]"));
        assert!(!ack_is_error("[{\"ok\":1}]"));
        assert!(!ack_is_error("[]"));
        assert!(ack_is_error("[{\"error\":\"invalid payload\"}]"));
        assert!(ack_is_error("[{\"error\":null},2]"));
        assert!(ack_is_error("true"));
    }

    #[test]
    fn websocket_url_is_built_from_http_or_ws_base() {
        let t = Target {
            url: "http://127.0.0.1:5000/".into(),
            path: "/socket.io".into(),
            namespace: "/chat".into(),
        };
        assert_eq!(
            t.websocket_url(),
            "ws://127.0.0.1:5000/socket.io/?EIO=4&transport=websocket"
        );
        let t = Target {
            url: "ws://127.0.0.1:1".into(),
            path: "ws/socket.io/".into(),
            namespace: "/".into(),
        };
        assert_eq!(
            t.websocket_url(),
            "ws://127.0.0.1:1/ws/socket.io/?EIO=4&transport=websocket"
        );
    }
}
