//! What a failed validation says: which interaction, where, and every schema violation.

use std::fmt;

use serde::Serialize;

use crate::refusal::RefusalCode;

/// One way an instance breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// JSON pointer into the validated instance (`/text`, `/1/name`); empty for the root.
    #[serde(rename = "instancePath")]
    pub instance_path: String,
    /// JSON pointer of the failing keyword inside the schema.
    #[serde(rename = "schemaPath")]
    pub schema_path: String,
    /// Readable reason, e.g. `"x" is longer than 200 characters`.
    pub message: String,
}

impl Violation {
    /// A violation of the instance as a whole (empty instance path), found by the schema
    /// keyword at `schema_path` (empty when no single keyword is to blame).
    pub fn whole(schema_path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            instance_path: String::new(),
            schema_path: schema_path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.instance_path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.instance_path, self.message)
        }
    }
}

/// Which interaction failed validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Interaction {
    /// Arguments of an event a client sent.
    IngressPayload,
    /// The ack a server handler returned.
    ServerAck,
    /// Arguments of an event the server emits.
    EgressPayload,
    /// The ack a client returned to a server emit.
    ClientAck,
    /// The engine.io handshake request (query, headers, method).
    Handshake,
    /// An event the document does not list for the namespace.
    UnknownEvent,
}

impl Interaction {
    /// Its stable, machine-readable code (also the `code` of error acks sent to clients).
    pub fn code(self) -> RefusalCode {
        match self {
            Interaction::IngressPayload => RefusalCode::InvalidPayload,
            Interaction::ServerAck => RefusalCode::InvalidServerAck,
            Interaction::EgressPayload => RefusalCode::InvalidEmit,
            Interaction::ClientAck => RefusalCode::InvalidClientAck,
            Interaction::Handshake => RefusalCode::InvalidHandshake,
            Interaction::UnknownEvent => RefusalCode::UnknownEvent,
        }
    }
}

/// A validation failure with the context needed to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    /// What was being validated.
    pub interaction: Interaction,
    /// The namespace (as the client connected to it).
    pub namespace: String,
    /// The event, when one is involved.
    pub event: Option<String>,
    /// Every violation found.
    pub violations: Vec<Violation>,
}

impl ValidationError {
    /// Attaches namespace and event context to raw violations.
    pub fn new(
        interaction: Interaction,
        namespace: &str,
        event: Option<&str>,
        violations: Vec<Violation>,
    ) -> Self {
        Self {
            interaction,
            namespace: namespace.to_owned(),
            event: event.map(str::to_owned),
            violations,
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.interaction {
            Interaction::IngressPayload => "invalid event payload",
            Interaction::ServerAck => "invalid ack returned by the handler",
            Interaction::EgressPayload => "invalid emit",
            Interaction::ClientAck => "invalid ack returned by the client",
            Interaction::Handshake => "invalid handshake",
            Interaction::UnknownEvent => "event not defined by the AsyncAPI document",
        };
        write!(f, "{what} in namespace {}", self.namespace)?;
        if let Some(e) = &self.event {
            write!(f, ", event '{e}'")?;
        }
        for (i, v) in self.violations.iter().enumerate() {
            write!(f, "{}{v}", if i == 0 { ": " } else { "; " })?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_interaction_has_its_wire_code() {
        let codes = [
            (Interaction::IngressPayload, "invalid_payload"),
            (Interaction::ServerAck, "invalid_server_ack"),
            (Interaction::EgressPayload, "invalid_emit"),
            (Interaction::ClientAck, "invalid_client_ack"),
            (Interaction::Handshake, "invalid_handshake"),
            (Interaction::UnknownEvent, "unknown_event"),
        ];
        for (interaction, wire) in codes {
            assert_eq!(interaction.code().as_str(), wire, "{interaction:?}");
        }
    }
}
