//! The load generator's side of the wire: asynction-client's raw frames, with pre-encoded
//! emits ([`EventEncoder`]) and borrowed packet parsing on the hot path.
//!
//! Each client joins its namespace through [`asynction_client::Client`], then keeps only the
//! Engine.IO session ([`EngineIo`]): on websocket, frames are read by the caller (no
//! background task, no channel hop), and pings are answered inside [`EngineIo::recv`].

use std::time::Duration;

pub(crate) use asynction_client::packet::{
    EnginePacket, EventEncoder, SocketPacketKind, namespace_prefix, parse_engine_packet,
};
pub(crate) use asynction_client::{EngineIo, Error as ConnectError, Frame};

/// Whether the ack data (a JSON array of arguments) reports an error: the first argument is an
/// object with an `error` key. Data that is not a JSON array counts as an error too.
pub(crate) fn ack_is_error(data: &str) -> bool {
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

/// Where a client connects: `ws://host:port{path}/?EIO=4&transport=websocket`, then `namespace`.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// Base URL, `http://127.0.0.1:5000` or `ws://127.0.0.1:5000`.
    pub url: String,
    /// Socket.IO request path, `/socket.io` by default.
    pub path: String,
    /// Namespace to join, e.g. `/chat`.
    pub namespace: String,
}

impl Target {
    /// Opens a websocket session, reads the Engine.IO handshake and joins the namespace; each
    /// step is bounded by `timeout`. A refused namespace is [`ConnectError::ConnectError`].
    pub(crate) async fn connect(&self, timeout: Duration) -> Result<EngineIo, ConnectError> {
        self.connect_with(timeout, None).await
    }

    /// [`Target::connect`] with a CONNECT `auth` payload.
    pub(crate) async fn connect_with(
        &self,
        timeout: Duration,
        auth: Option<&serde_json::Value>,
    ) -> Result<EngineIo, ConnectError> {
        let mut builder = asynction_client::ClientBuilder::new(self.url.as_str())
            .path(self.path.as_str())
            .timeout(timeout);
        if let Some(auth) = auth {
            builder = builder.auth(auth.clone());
        }
        let client = builder.connect(&self.namespace).await?;
        Ok(client.into_engine())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_acks_are_detected() {
        assert!(!ack_is_error("[true]"));
        assert!(!ack_is_error("[{\"ok\":1}]"));
        assert!(!ack_is_error("[]"));
        assert!(ack_is_error("[{\"error\":\"invalid payload\"}]"));
        assert!(ack_is_error("[{\"error\":null},2]"));
        assert!(ack_is_error("true"));
    }
}
