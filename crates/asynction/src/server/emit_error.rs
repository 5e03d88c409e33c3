//! Why an emit did not happen, or its ack was refused: [`EmitError`] and the failures of the
//! layer below it ([`SendFailure`], [`AckFailure`]), each keeping socketioxide's or serde's
//! error as its source.

use crate::validate::ValidationError;

/// Why an emit did not happen (or its ack was refused). The error of the layer below
/// (serde, socketioxide) is kept as the [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// The payload (or the client's ack) breaks the document; nothing was sent.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The namespace is not in the document.
    #[error("namespace {0} is not defined in the AsyncAPI document")]
    UnknownNamespace(String),
    /// The payload could not be turned into JSON.
    #[error("the payload could not be serialized: {0}")]
    Serialize(#[source] serde_json::Error),
    /// The event could not be sent (socket closed, send buffer full, adapter error).
    #[error("the event could not be sent: {0}")]
    Send(#[source] SendFailure),
    /// The client did not acknowledge in time, or its ack could not be decoded.
    #[error("no valid ack from the client: {0}")]
    Ack(#[source] AckFailure),
    /// A typed emit (`send`) of a server event that another namespace sends; nothing was sent.
    #[error("'{event}' is a server event of namespace {declared}, not of {target}")]
    OtherNamespace {
        /// The event.
        event: String,
        /// The namespace its type declares.
        declared: String,
        /// The document namespace of the socket or broadcast it was sent on.
        target: String,
    },
}

/// Why socketioxide (or the cluster's Redis publisher) could not send an event.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SendFailure {
    /// Sending to one socket failed: the packet did not encode, or the socket is closed or its
    /// send buffer is full.
    #[error(transparent)]
    Socket(#[from] socketioxide::SendError),
    /// A broadcast could not reach these sockets (closed, send buffer full).
    #[error("Error sending data through the engine.io socket: {0:?}")]
    Sockets(Vec<socketioxide::SocketError>),
    /// The packet of a broadcast could not be encoded.
    #[error("the packet could not be encoded: {0}")]
    Encode(#[source] socketioxide::ParserError),
    /// The adapter could not broadcast to the other nodes. socketioxide's adapter errors are
    /// not `Sync`, so only their message is kept.
    #[error("adapter error: {0}")]
    Adapter(String),
    /// The cluster `Emitter`'s Redis publisher failed or timed out.
    #[error("{0}")]
    Publish(String),
    /// `emit_with_ack` inside a `connect` handler: the client cannot answer before it is
    /// connected.
    #[error(
        "emit_with_ack is not available before the connection is accepted; emit it after connect"
    )]
    NotConnected,
}

impl From<socketioxide::BroadcastError> for SendFailure {
    fn from(e: socketioxide::BroadcastError) -> Self {
        use socketioxide::BroadcastError as B;
        match e {
            B::Socket(sockets) => SendFailure::Sockets(sockets),
            B::Serialize(p) => SendFailure::Encode(p),
            B::Adapter(a) => SendFailure::Adapter(a.to_string()),
        }
    }
}

impl From<socketioxide::EmitWithAckError> for SendFailure {
    fn from(e: socketioxide::EmitWithAckError) -> Self {
        use socketioxide::EmitWithAckError as E;
        match e {
            E::Encode(p) => SendFailure::Encode(p),
            E::Adapter(a) => SendFailure::Adapter(a.to_string()),
        }
    }
}

impl From<SendFailure> for EmitError {
    fn from(e: SendFailure) -> Self {
        EmitError::Send(e)
    }
}

/// Why a client's ack to an emit could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AckFailure {
    /// socketioxide's: no ack before the timeout, an undecodable ack packet, a closed socket.
    #[error(transparent)]
    Socketio(#[from] socketioxide::AckError),
    /// The ack is valid for the document but does not deserialize into the requested type.
    #[error("the ack does not deserialize: {0}")]
    Decode(#[source] serde_json::Error),
}

impl From<AckFailure> for EmitError {
    fn from(e: AckFailure) -> Self {
        EmitError::Ack(e)
    }
}
