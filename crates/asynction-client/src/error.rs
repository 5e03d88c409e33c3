//! The one error type of the crate.

use std::time::Duration;

use serde_json::Value;

/// Everything that can go wrong talking to a Socket.IO server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server URL could not be used (only `http://` and `ws://` are supported).
    #[error("invalid url {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A TCP-level failure (connect refused, reset while writing, ...).
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// The websocket handshake or a websocket write failed for another reason than a closed
    /// connection.
    #[error("websocket: {0}")]
    WebSocket(Box<tokio_tungstenite::tungstenite::Error>),
    /// An HTTP request failed below the status line (hyper error).
    #[error("http: {0}")]
    Http(String),
    /// The server answered an HTTP request (polling request or websocket upgrade) with a
    /// status other than the one expected.
    #[error("HTTP status {status}: {body}")]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The response body, lossily decoded.
        body: String,
    },
    /// Nothing (or not the awaited packet) arrived in time.
    #[error("timed out after {after:?} waiting for {waiting_for}")]
    Timeout {
        /// What was awaited.
        waiting_for: &'static str,
        /// How long.
        after: Duration,
    },
    /// The connection is closed (close frame, Engine.IO CLOSE packet, EOF, reset, or a
    /// polling request refused after the session ended).
    #[error("connection closed")]
    Closed,
    /// The server sent something that is not valid Engine.IO / Socket.IO.
    #[error("protocol: {0}")]
    Protocol(String),
    /// The server refused the namespace CONNECT with a `connect_error` packet (`44`).
    #[error("namespace {namespace} refused: {message}")]
    ConnectError {
        /// The namespace asked for.
        namespace: String,
        /// The `message` field of the packet's data (empty when absent).
        message: String,
        /// The packet's whole data (`{"message": ..., "data": ...}` for Socket.IO v5 servers).
        data: Value,
    },
    /// The server disconnected the namespace (`41`) while an answer on it was awaited.
    #[error("namespace {0} disconnected by the server")]
    Disconnected(String),
    /// An argument list could not be serialized or parsed as JSON.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

impl Error {
    /// The namespace CONNECT was refused (`connect_error`).
    pub fn is_connect_error(&self) -> bool {
        matches!(self, Error::ConnectError { .. })
    }

    /// The connection is gone.
    pub fn is_closed(&self) -> bool {
        matches!(self, Error::Closed)
    }

    /// Nothing arrived in time.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }
}

impl From<tokio_tungstenite::tungstenite::Error> for Error {
    fn from(e: tokio_tungstenite::tungstenite::Error) -> Self {
        use tokio_tungstenite::tungstenite::Error as WsError;
        match e {
            WsError::ConnectionClosed | WsError::AlreadyClosed => Error::Closed,
            WsError::Io(io) => Error::Io(io),
            WsError::Http(response) => Error::HttpStatus {
                status: response.status().as_u16(),
                body: response
                    .body()
                    .as_deref()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default(),
            },
            other => Error::WebSocket(Box::new(other)),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
