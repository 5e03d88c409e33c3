//! The spec-driven Socket.IO server on socketioxide.
//!
//! - [`builder`]: document + handlers → [`Asynction`] (layer, router, validated io handle).
//! - `connect`: handshake bindings, security and the `connect` handler, before CONNECT.
//! - `dispatch`: every event: lookup → validate → handler → validate ack → answer.
//! - [`emit`]: validated emits, broadcasts and emit-with-ack.
//! - [`handler`], [`extract`]: async handler functions and their arguments.
//! - [`reply`]: what clients see when something is refused.
//! - [`args`]: Socket.IO argument lists with binary attachments.
//! - [`limits`]: what one client may send (message size, attachments, nesting, headers).

pub mod args;
pub mod builder;
mod connect;
pub mod context;
mod dispatch;
pub mod emit;
pub mod extract;
pub mod handler;
pub mod limits;
pub(crate) mod namespaces;
pub mod reply;
mod runtime;

pub use args::Args;
pub use builder::{
    Asynction, AsynctionSocketIo, AsynctionWithState, BuildError, NoState, RouteError,
};
pub use context::HandlerContext;
pub use emit::{EmitError, ValidatedBroadcast, ValidatedIo, ValidatedSocket};
pub use extract::{AuthPayload, EventName, ExtractError, Payload, State};
pub use handler::{Ack, FromContext, Handler, IntoReply, Reply};
pub use limits::{HeaderLimitLayer, Limits};
pub use reply::{ConnectRefusal, EventError};
/// socketioxide's adapter trait: handlers generic over `A: Adapter` serve a single process and
/// a cluster alike.
pub use socketioxide::adapter::Adapter;
pub use socketioxide::socket::DisconnectReason;
