//! Engine.IO v4 and Socket.IO v5 packets: decoding (borrowing from the frame) and encoding.
//!
//! Each websocket text frame (each `\x1e`-separated record of a polling payload) is one
//! Engine.IO packet: `0` open, `1` close, `2` ping, `3` pong, `4` message, `5` upgrade, `6`
//! noop. An Engine.IO message carries one Socket.IO packet:
//! `<kind>[<attachments>-][/<namespace>,][<ack id>][<json data>]`, kinds `0` connect,
//! `1` disconnect, `2` event, `3` ack, `4` connect error, `5` binary event, `6` binary ack.
//! The binary attachments of kinds 5 and 6 follow as separate binary frames.

use std::fmt::Write as _;

use serde_json::Value;

use crate::Args;
use crate::error::{Error, Result};

/// A decoded Engine.IO packet (one text frame).
#[derive(Debug, PartialEq, Eq)]
pub enum EnginePacket<'a> {
    /// `0{...}`: the handshake, with its JSON body left unparsed.
    Open(&'a str),
    /// `1`: the session is closed.
    Close,
    /// `2[probe]`: a heartbeat, answered with a pong carrying the same payload.
    Ping(&'a str),
    /// `3[probe]`: a heartbeat answer.
    Pong(&'a str),
    /// `4...`: a Socket.IO packet.
    Message(SocketPacket<'a>),
    /// `5`: the transport upgrade is complete.
    Upgrade,
    /// `6`: no operation.
    Noop,
}

/// The kind of a Socket.IO packet (the first character of an Engine.IO message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

impl SocketPacketKind {
    /// The digit that starts the packet.
    pub fn digit(self) -> char {
        match self {
            Self::Connect => '0',
            Self::Disconnect => '1',
            Self::Event => '2',
            Self::Ack => '3',
            Self::ConnectError => '4',
            Self::BinaryEvent => '5',
            Self::BinaryAck => '6',
        }
    }

    /// Kinds 5 and 6, which announce binary attachments.
    pub fn is_binary(self) -> bool {
        matches!(self, Self::BinaryEvent | Self::BinaryAck)
    }
}

/// A decoded Socket.IO packet, borrowing from the frame it came from.
#[derive(Debug, PartialEq, Eq)]
pub struct SocketPacket<'a> {
    /// The packet kind.
    pub kind: SocketPacketKind,
    /// How many binary frames follow (kinds 5 and 6 only; 0 otherwise).
    pub attachments: usize,
    /// The namespace, `"/"` when the packet has no namespace prefix.
    pub namespace: &'a str,
    /// The ack id, when present.
    pub ack_id: Option<u64>,
    /// The JSON data after the header (may be empty).
    pub data: &'a str,
}

fn malformed(reason: &str, frame: &str) -> Error {
    let frame: String = frame.chars().take(80).collect();
    Error::Protocol(format!("{reason} in frame {frame:?}"))
}

/// Decodes one text frame as an Engine.IO packet.
///
/// ```
/// use asynction_client::packet::{EnginePacket, SocketPacketKind, parse_engine_packet};
/// let EnginePacket::Message(p) = parse_engine_packet("43/chat,17[true]").unwrap() else {
///     panic!()
/// };
/// assert_eq!((p.kind, p.namespace, p.ack_id, p.data), (SocketPacketKind::Ack, "/chat", Some(17), "[true]"));
/// ```
pub fn parse_engine_packet(frame: &str) -> Result<EnginePacket<'_>> {
    let Some(first) = frame.as_bytes().first() else {
        return Err(malformed("empty frame", frame));
    };
    let rest = &frame[1..];
    match first {
        b'0' => Ok(EnginePacket::Open(rest)),
        b'1' => Ok(EnginePacket::Close),
        b'2' => Ok(EnginePacket::Ping(rest)),
        b'3' => Ok(EnginePacket::Pong(rest)),
        b'4' => parse_socket_packet(rest)
            .map(EnginePacket::Message)
            .map_err(|_| malformed("malformed socket.io packet", frame)),
        b'5' => Ok(EnginePacket::Upgrade),
        b'6' => Ok(EnginePacket::Noop),
        _ => Err(malformed("unknown engine.io packet type", frame)),
    }
}

/// Decodes the Socket.IO packet carried by an Engine.IO message (the text after the `4`).
pub fn parse_socket_packet(text: &str) -> Result<SocketPacket<'_>> {
    let bytes = text.as_bytes();
    let kind = match bytes.first() {
        Some(b'0') => SocketPacketKind::Connect,
        Some(b'1') => SocketPacketKind::Disconnect,
        Some(b'2') => SocketPacketKind::Event,
        Some(b'3') => SocketPacketKind::Ack,
        Some(b'4') => SocketPacketKind::ConnectError,
        Some(b'5') => SocketPacketKind::BinaryEvent,
        Some(b'6') => SocketPacketKind::BinaryAck,
        Some(_) => return Err(malformed("unknown socket.io packet type", text)),
        None => return Err(malformed("empty socket.io packet", text)),
    };
    let mut pos = 1;
    let mut attachments = 0;
    if kind.is_binary() {
        let dash = text[pos..]
            .find('-')
            .ok_or_else(|| malformed("binary packet without attachment count", text))?;
        attachments = text[pos..pos + dash]
            .parse()
            .map_err(|_| malformed("bad attachment count", text))?;
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
            .map_err(|_| malformed("ack id out of range", text))?;
        pos += digits;
        Some(id)
    };
    Ok(SocketPacket {
        kind,
        attachments,
        namespace,
        ack_id,
        data: &text[pos..],
    })
}

/// The `/namespace,` prefix of a packet, empty for the main namespace `/`.
///
/// ```
/// use asynction_client::packet::namespace_prefix;
/// assert_eq!(namespace_prefix("/"), "");
/// assert_eq!(namespace_prefix("/chat"), "/chat,");
/// assert_eq!(namespace_prefix("chat"), "/chat,");
/// ```
pub fn namespace_prefix(namespace: &str) -> String {
    if namespace == "/" || namespace.is_empty() {
        String::new()
    } else if namespace.starts_with('/') {
        format!("{namespace},")
    } else {
        format!("/{namespace},")
    }
}

/// `"/"` for an empty namespace, `"/name"` for `"name"`, the namespace itself otherwise.
pub fn normalize_namespace(namespace: &str) -> String {
    if namespace.is_empty() {
        "/".to_owned()
    } else if namespace.starts_with('/') {
        namespace.to_owned()
    } else {
        format!("/{namespace}")
    }
}

/// Encodes one Socket.IO packet as the text of an Engine.IO message (`4...`); binary
/// attachments (when `args` has any) are the caller's to send next, in order.
///
/// `kind` is `Event` or `Ack`; it becomes `BinaryEvent` / `BinaryAck` when `args` carries
/// binaries. `head` is the event name for events (prepended to the argument list).
pub fn encode_message(
    kind: SocketPacketKind,
    namespace: &str,
    ack_id: Option<u64>,
    head: Option<&str>,
    args: &Args,
) -> String {
    let mut list = Vec::with_capacity(args.values.len() + 1);
    if let Some(name) = head {
        list.push(Value::String(name.to_owned()));
    }
    list.extend(args.values.iter().cloned());
    let data = Value::Array(list).to_string();
    let mut frame = String::with_capacity(data.len() + namespace.len() + 24);
    frame.push('4');
    let binary = !args.binaries.is_empty();
    match (kind, binary) {
        (SocketPacketKind::Event, true) => frame.push('5'),
        (SocketPacketKind::Ack, true) => frame.push('6'),
        (kind, _) => frame.push(kind.digit()),
    }
    if binary {
        let _ = write!(frame, "{}-", args.binaries.len());
    }
    frame.push_str(&namespace_prefix(namespace));
    if let Some(id) = ack_id {
        let _ = write!(frame, "{id}");
    }
    frame.push_str(&data);
    frame
}

/// The Engine.IO message that asks to join `namespace` (`40/chat,`), with an optional `auth`
/// payload (`40/chat,{"token":"x"}`).
pub fn encode_connect(namespace: &str, auth: Option<&Value>) -> String {
    let mut frame = format!("40{}", namespace_prefix(namespace));
    if let Some(auth) = auth {
        frame.push_str(&auth.to_string());
    }
    frame
}

/// Pre-encodes one event with its arguments so that each emit only writes its ack id (the load
/// generator's hot path).
///
/// ```
/// use asynction_client::packet::EventEncoder;
/// let enc = EventEncoder::new("/chat", "message", r#"{"text":"hi"}"#);
/// assert_eq!(enc.encode(7), r#"42/chat,7["message",{"text":"hi"}]"#);
/// ```
#[derive(Debug, Clone)]
pub struct EventEncoder {
    head: String,
    tail: String,
}

impl EventEncoder {
    /// An encoder for `42/<namespace>,<id>["<event>",<args>]`; `args` is JSON text: the
    /// arguments after the event name, comma-separated (one JSON value for one argument).
    pub fn new(namespace: &str, event: &str, args: &str) -> Self {
        let event = Value::String(event.to_owned()).to_string();
        let tail = if args.is_empty() {
            format!("[{event}]")
        } else {
            format!("[{event},{args}]")
        };
        Self {
            head: format!("42{}", namespace_prefix(namespace)),
            tail,
        }
    }

    /// The frame for one emit with ack id `id`.
    pub fn encode(&self, id: u64) -> String {
        let mut frame = String::with_capacity(self.head.len() + self.tail.len() + 20);
        frame.push_str(&self.head);
        let _ = write!(frame, "{id}");
        frame.push_str(&self.tail);
        frame
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ack_on_main_namespace_has_no_prefix() {
        let p = parse_socket_packet("3123[true]").unwrap();
        assert_eq!((p.namespace, p.ack_id, p.data), ("/", Some(123), "[true]"));
    }

    #[test]
    fn event_without_ack_id_keeps_data() {
        let p = parse_socket_packet("2/chat,[\"echo\",{\"ts\":1}]").unwrap();
        assert_eq!(p.kind, SocketPacketKind::Event);
        assert_eq!(p.ack_id, None);
        assert_eq!(p.data, "[\"echo\",{\"ts\":1}]");
    }

    #[test]
    fn connect_confirmation_and_error() {
        let p = parse_socket_packet("0/chat,{\"sid\":\"abc\"}").unwrap();
        assert_eq!((p.kind, p.namespace), (SocketPacketKind::Connect, "/chat"));
        let p = parse_socket_packet("4/secure,{\"message\":\"nope\"}").unwrap();
        assert_eq!(
            (p.kind, p.namespace),
            (SocketPacketKind::ConnectError, "/secure")
        );
    }

    #[test]
    fn namespace_without_trailing_data_is_accepted() {
        let p = parse_socket_packet("1/chat,").unwrap();
        assert_eq!(
            (p.kind, p.namespace, p.data),
            (SocketPacketKind::Disconnect, "/chat", "")
        );
        assert_eq!(parse_socket_packet("1/chat").unwrap().namespace, "/chat");
    }

    #[test]
    fn binary_packets_carry_their_attachment_count() {
        let p = parse_socket_packet("62-/chat,4[{\"_placeholder\":true,\"num\":0}]").unwrap();
        assert_eq!(p.kind, SocketPacketKind::BinaryAck);
        assert_eq!(
            (p.attachments, p.namespace, p.ack_id),
            (2, "/chat", Some(4))
        );
        assert!(parse_socket_packet("5x-[]").is_err());
    }

    #[test]
    fn engine_packets_are_decoded() {
        assert_eq!(parse_engine_packet("2").unwrap(), EnginePacket::Ping(""));
        assert_eq!(
            parse_engine_packet("3probe").unwrap(),
            EnginePacket::Pong("probe")
        );
        assert_eq!(
            parse_engine_packet("0{}").unwrap(),
            EnginePacket::Open("{}")
        );
        assert_eq!(parse_engine_packet("1").unwrap(), EnginePacket::Close);
        assert_eq!(parse_engine_packet("5").unwrap(), EnginePacket::Upgrade);
        assert_eq!(parse_engine_packet("6").unwrap(), EnginePacket::Noop);
    }

    #[test]
    fn malformed_frames_are_rejected() {
        for frame in ["", "9", "4", "4x"] {
            assert!(parse_engine_packet(frame).is_err(), "{frame:?}");
        }
        assert!(parse_socket_packet("399999999999999999999999[true]").is_err());
    }

    #[test]
    fn messages_are_encoded_with_placeholders() {
        let args = Args::new().arg(json!(1)).binary(vec![1u8, 2]);
        assert_eq!(
            encode_message(SocketPacketKind::Event, "/a", Some(3), Some("up"), &args),
            r#"451-/a,3["up",1,{"_placeholder":true,"num":0}]"#
        );
        assert_eq!(
            encode_message(
                SocketPacketKind::Ack,
                "/",
                Some(9),
                None,
                &Args::from(vec![json!("x")])
            ),
            r#"439["x"]"#
        );
        assert_eq!(encode_connect("/", Some(&json!({"t": 1}))), r#"40{"t":1}"#);
        assert_eq!(encode_connect("/chat", None), "40/chat,");
    }

    #[test]
    fn event_encoder_escapes_the_event_name() {
        assert_eq!(
            EventEncoder::new("/", "say \"x\"", "1").encode(0),
            r#"420["say \"x\"",1]"#
        );
        assert_eq!(EventEncoder::new("/", "e", "").encode(1), r#"421["e"]"#);
    }
}
