//! What a client sees when something is refused — never a hang.
//!
//! - A refused **connection** gets a `connect_error` whose `message` starts with a stable code:
//!   `invalid_handshake: <details>` (bindings), `unauthorized` / `forbidden` (security), or the
//!   connect handler's own message. (socketioxide's CONNECT_ERROR carries only `message`, so
//!   details follow the code after `": "`.)
//! - A refused **event** whose sender asked for an ack gets one ack argument, the *error object*:
//!   ```json
//!   {"error": {"code": "invalid_payload", "message": "…", "namespace": "/chat", "event": "message",
//!              "violations": [{"instancePath": "/text", "schemaPath": "/properties/text/maxLength", "message": "…"}]}}
//!   ```
//!   Codes: `invalid_payload`, `unknown_event`, `invalid_server_ack` (the handler's ack broke
//!   the schema), `handler_error` (the handler returned `Err`), `internal_error` (the handler
//!   panicked or an extractor failed).
//! - Without an ack request, the namespace's error handler runs (its return value is the ack
//!   when one was requested); without one, the refusal is logged at `warn`.

use serde::Serialize;
use serde_json::{Value, json};

use crate::validate::{Interaction, ValidationError, Violation};

/// Why an event was refused; error handlers receive it.
#[derive(Debug, Clone, Serialize)]
pub struct EventError {
    /// Stable machine-readable code (see the module docs).
    pub code: &'static str,
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
        code: &'static str,
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
        self.code == Interaction::IngressPayload.code()
            || self.code == Interaction::UnknownEvent.code()
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

/// A refused connection: its `Display` is the `connect_error` message the client receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectRefusal(pub String);

impl std::fmt::Display for ConnectRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConnectRefusal {}
