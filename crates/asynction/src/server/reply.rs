//! What a client sees when something is refused: [`EventError`] (the error ack) and
//! [`ConnectRefusal`] (the `connect_error` message); the whole story is on [`EventError`].

use serde::Serialize;
use serde_json::{Value, json};

use crate::refusal::RefusalCode;
use crate::security::Refusal;
use crate::validate::{ValidationError, Violation};

/// Why an event was refused; error handlers receive it.
///
/// What a client sees when something is refused — never a hang:
///
/// Every code is a [`RefusalCode`].
///
/// - A refused **connection** gets a `connect_error` whose `message` starts with a stable code:
///   `invalid_handshake: <details>` (bindings), `unauthorized` / `forbidden` (security),
///   `internal_error` (the connect handler panicked or an extractor failed), or the connect
///   handler's own message, verbatim ([`ConnectRefusal`]). (socketioxide's CONNECT_ERROR
///   carries only `message`, so details follow the code after `": "`.)
/// - A refused **event** whose sender asked for an ack gets one ack argument, the *error object*:
///   ```json
///   {"error": {"code": "invalid_payload", "message": "…", "namespace": "/chat", "event": "message",
///              "violations": [{"instancePath": "/text", "schemaPath": "/properties/text/maxLength", "message": "…"}]}}
///   ```
///   Codes: `invalid_payload`, `unknown_event`, `invalid_server_ack` (the handler's ack broke
///   the schema), `handler_error` (the handler returned `Err`), `internal_error` (the handler
///   panicked or an extractor failed).
/// - Without an ack request, the namespace's error handler runs (its return value is the ack
///   when one was requested); without one, the refusal is logged at `warn`.
#[derive(Debug, Clone, Serialize)]
pub struct EventError {
    /// Stable machine-readable code (see above); serialized as its snake-case name.
    pub code: RefusalCode,
    /// Human-readable reason.
    pub message: String,
    /// Namespace the event arrived on.
    pub namespace: String,
    /// The event's name.
    pub event: String,
    /// Schema violations, for validation failures.
    pub violations: Vec<Violation>,
}

impl EventError {
    /// From a validation failure.
    pub fn from_validation(e: &ValidationError, event: &str) -> Self {
        Self {
            code: e.interaction.code(),
            message: e.to_string(),
            namespace: e.namespace.clone(),
            event: event.to_owned(),
            violations: e.violations.clone(),
        }
    }

    /// A failure that is not about a schema.
    pub fn other(
        code: RefusalCode,
        namespace: &str,
        event: &str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            code,
            message: message.into(),
            namespace: namespace.to_owned(),
            event: event.to_owned(),
            violations: Vec::new(),
        }
    }

    /// Whether this is a validation failure of the client's input.
    pub fn is_validation(&self) -> bool {
        matches!(
            self.code,
            RefusalCode::InvalidPayload | RefusalCode::UnknownEvent
        )
    }

    /// The ack argument sent to the client.
    pub fn to_ack(&self) -> Value {
        json!({ "error": self })
    }
}

impl std::fmt::Display for EventError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.code, self.message)
    }
}

impl std::error::Error for EventError {}

/// A refused connection: a code and, for some codes, details. Its `Display` is the
/// `connect_error` message the client receives:
///
/// | refused by | code | message |
/// |---|---|---|
/// | security | `unauthorized` / `forbidden` | the code alone (nothing a client could probe) |
/// | handshake bindings | `invalid_handshake` | `invalid_handshake: /query/limit: …; …` |
/// | the connect handler's `Err` | `handler_error` | the handler's message, verbatim |
/// | a panicking handler, a failed extractor | `internal_error` | the code alone |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectRefusal {
    code: RefusalCode,
    details: Option<String>,
}

impl ConnectRefusal {
    /// Refused with `code` alone.
    pub(crate) fn code_only(code: RefusalCode) -> Self {
        Self {
            code,
            details: None,
        }
    }

    /// The handshake request breaks the namespace's bindings: every violation, `; `-separated.
    pub(crate) fn handshake(e: &ValidationError) -> Self {
        let details: Vec<String> = e.violations.iter().map(ToString::to_string).collect();
        Self {
            code: RefusalCode::InvalidHandshake,
            details: Some(details.join("; ")),
        }
    }

    /// The connect handler refused with `message` (sent as is).
    pub(crate) fn handler(message: String) -> Self {
        Self {
            code: RefusalCode::HandlerError,
            details: Some(message),
        }
    }

    /// Why the connection was refused.
    pub fn code(&self) -> RefusalCode {
        self.code
    }

    /// What follows the code (for `handler_error`, the handler's whole message), if anything.
    pub fn details(&self) -> Option<&str> {
        self.details.as_deref()
    }
}

impl From<Refusal> for ConnectRefusal {
    fn from(refusal: Refusal) -> Self {
        Self::code_only(refusal.code())
    }
}

impl std::fmt::Display for ConnectRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.code, &self.details) {
            // The application chose the whole message its clients see.
            (RefusalCode::HandlerError, Some(message)) => f.write_str(message),
            (code, Some(details)) => write!(f, "{code}: {details}"),
            (code, None) => write!(f, "{code}"),
        }
    }
}

impl std::error::Error for ConnectRefusal {}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::validate::Interaction;

    #[test]
    fn connect_refusal_messages_are_the_wire_strings() {
        assert_eq!(
            ConnectRefusal::from(Refusal::Unauthorized).to_string(),
            "unauthorized"
        );
        assert_eq!(
            ConnectRefusal::from(Refusal::Forbidden).to_string(),
            "forbidden"
        );
        assert_eq!(
            ConnectRefusal::code_only(RefusalCode::InternalError).to_string(),
            "internal_error"
        );
        let handler = ConnectRefusal::handler("no seats left".into());
        assert_eq!(handler.to_string(), "no seats left");
        assert_eq!(handler.code(), RefusalCode::HandlerError);
        let e = ValidationError::new(
            Interaction::Handshake,
            "/limited",
            None,
            vec![
                Violation {
                    instance_path: "/query/limit".into(),
                    schema_path: "/properties/limit/maximum".into(),
                    message: "11 is greater than the maximum of 10".into(),
                },
                Violation::whole(
                    "/method",
                    "the handshake request method POST does not match GET",
                ),
            ],
        );
        let handshake = ConnectRefusal::handshake(&e);
        assert_eq!(
            handshake.to_string(),
            "invalid_handshake: /query/limit: 11 is greater than the maximum of 10; \
             the handshake request method POST does not match GET"
        );
        assert_eq!(handshake.code(), RefusalCode::InvalidHandshake);
    }

    #[test]
    fn the_error_ack_object_keeps_its_shape_and_code_strings() {
        let e = ValidationError::new(
            Interaction::IngressPayload,
            "/chat",
            Some("message"),
            vec![Violation {
                instance_path: "/text".into(),
                schema_path: "/properties/text/maxLength".into(),
                message: "too long".into(),
            }],
        );
        let err = EventError::from_validation(&e, "message");
        assert!(err.is_validation());
        assert_eq!(
            err.to_ack(),
            json!({"error": {
                "code": "invalid_payload",
                "message": e.to_string(),
                "namespace": "/chat",
                "event": "message",
                "violations": [{"instancePath": "/text", "schemaPath": "/properties/text/maxLength", "message": "too long"}],
            }})
        );
        let other = EventError::other(RefusalCode::HandlerError, "/chat", "message", "nope");
        assert!(!other.is_validation());
        assert_eq!(other.to_ack()["error"]["code"], "handler_error");
        assert_eq!(other.to_string(), "[handler_error] nope");
    }
}
