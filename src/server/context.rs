//! What a handler call can see: the socket, the state, the arguments, the error being handled.

use serde_json::Value;
use socketioxide::adapter::{Adapter, LocalAdapter};
use socketioxide::socket::DisconnectReason;

use super::args::Args;
use super::emit::{ValidatedIo, ValidatedSocket};
use super::reply::EventError;

/// Everything one handler call may extract from. Built by the dispatcher; extractors take
/// what they need from it.
pub struct HandlerContext<S, A: Adapter = LocalAdapter> {
    pub(crate) socket: ValidatedSocket<A>,
    pub(crate) io: ValidatedIo<A>,
    pub(crate) state: S,
    pub(crate) event: Option<String>,
    pub(crate) args: Args,
    pub(crate) auth: Option<Value>,
    pub(crate) error: Option<EventError>,
    pub(crate) disconnect_reason: Option<DisconnectReason>,
}
