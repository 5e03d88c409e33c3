//! The stable, machine-readable codes of everything a client (or a caller of a validated emit)
//! can be refused with: one enum, so every code is spelled in one place.
//!
//! The codes are wire format: the `code` of an error ack, the start of a `connect_error`
//! message (see [`EventError`](crate::EventError) and [`ConnectRefusal`](crate::ConnectRefusal)), the `code` field of log lines. They serialize as
//! their snake-case names and never change spelling.
//!
//! It sits at the crate's root, not in `server/`, because the layers below the server produce
//! them too: [`crate::validate::Interaction::code`] and [`crate::security::Refusal::code`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why something was refused, as a stable machine-readable code.
///
/// ```
/// use asynction::RefusalCode;
///
/// assert_eq!(RefusalCode::InvalidPayload.as_str(), "invalid_payload");
/// assert_eq!(serde_json::to_value(RefusalCode::Unauthorized)?, "unauthorized");
/// assert_eq!("unknown_event".parse::<RefusalCode>(), Ok(RefusalCode::UnknownEvent));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RefusalCode {
    /// `invalid_payload`: an event's arguments break its schema (or could not be parsed).
    InvalidPayload,
    /// `unknown_event`: the document does not list the event for the namespace.
    UnknownEvent,
    /// `invalid_server_ack`: the handler's ack breaks the event's ack schema.
    InvalidServerAck,
    /// `handler_error`: the handler returned an error (or refused the connection).
    HandlerError,
    /// `internal_error`: the handler panicked or one of its extractors failed.
    InternalError,
    /// `invalid_handshake`: the handshake request breaks the namespace's `bindings.ws`.
    InvalidHandshake,
    /// `unauthorized`: no security requirement was met.
    Unauthorized,
    /// `forbidden`: valid credentials, but not sufficient (scopes, or a handler said so).
    Forbidden,
    /// `invalid_emit`: a server emit breaks the document; it was not sent.
    InvalidEmit,
    /// `invalid_client_ack`: a client's ack to a server emit breaks the ack schema.
    InvalidClientAck,
}

impl RefusalCode {
    /// Every code, in declaration order.
    pub const ALL: &'static [RefusalCode] = &[
        RefusalCode::InvalidPayload,
        RefusalCode::UnknownEvent,
        RefusalCode::InvalidServerAck,
        RefusalCode::HandlerError,
        RefusalCode::InternalError,
        RefusalCode::InvalidHandshake,
        RefusalCode::Unauthorized,
        RefusalCode::Forbidden,
        RefusalCode::InvalidEmit,
        RefusalCode::InvalidClientAck,
    ];

    /// The code as it appears on the wire and in logs.
    pub const fn as_str(self) -> &'static str {
        match self {
            RefusalCode::InvalidPayload => "invalid_payload",
            RefusalCode::UnknownEvent => "unknown_event",
            RefusalCode::InvalidServerAck => "invalid_server_ack",
            RefusalCode::HandlerError => "handler_error",
            RefusalCode::InternalError => "internal_error",
            RefusalCode::InvalidHandshake => "invalid_handshake",
            RefusalCode::Unauthorized => "unauthorized",
            RefusalCode::Forbidden => "forbidden",
            RefusalCode::InvalidEmit => "invalid_emit",
            RefusalCode::InvalidClientAck => "invalid_client_ack",
        }
    }
}

impl fmt::Display for RefusalCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not one of the [`RefusalCode`]s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a refusal code")]
pub struct UnknownRefusalCode(pub String);

impl FromStr for RefusalCode {
    type Err = UnknownRefusalCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RefusalCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownRefusalCode(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The strings the codes had as literals before the enum: the wire format.
    const WIRE: &[(RefusalCode, &str)] = &[
        (RefusalCode::InvalidPayload, "invalid_payload"),
        (RefusalCode::UnknownEvent, "unknown_event"),
        (RefusalCode::InvalidServerAck, "invalid_server_ack"),
        (RefusalCode::HandlerError, "handler_error"),
        (RefusalCode::InternalError, "internal_error"),
        (RefusalCode::InvalidHandshake, "invalid_handshake"),
        (RefusalCode::Unauthorized, "unauthorized"),
        (RefusalCode::Forbidden, "forbidden"),
        (RefusalCode::InvalidEmit, "invalid_emit"),
        (RefusalCode::InvalidClientAck, "invalid_client_ack"),
    ];

    #[test]
    fn every_code_round_trips_through_its_exact_wire_string() {
        assert_eq!(WIRE.len(), RefusalCode::ALL.len());
        for (code, wire) in WIRE {
            assert!(RefusalCode::ALL.contains(code), "{code:?} missing from ALL");
            assert_eq!(code.as_str(), *wire);
            assert_eq!(code.to_string(), *wire);
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(wire));
            assert_eq!(
                serde_json::from_value::<RefusalCode>(serde_json::json!(wire)).unwrap(),
                *code
            );
            assert_eq!(wire.parse::<RefusalCode>(), Ok(*code));
        }
    }

    #[test]
    fn as_str_agrees_with_serde_for_every_variant() {
        for code in RefusalCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
        }
    }

    #[test]
    fn an_unknown_string_is_not_a_code() {
        assert_eq!(
            "InvalidPayload".parse::<RefusalCode>(),
            Err(UnknownRefusalCode("InvalidPayload".into()))
        );
        assert!(serde_json::from_str::<RefusalCode>("\"teapot\"").is_err());
    }
}
