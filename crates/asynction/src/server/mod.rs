//! The spec-driven Socket.IO server on socketioxide.
//!
//! Private: its public types are re-exported at the crate root, each under one path.
//!
//! - `builder/`: document + handlers → [`Asynction`] (layer, router, validated io handle).
//! - `connect`: handshake bindings, security and the `connect` handler, before CONNECT.
//! - `dispatch`: every event: lookup → validate → handler → validate ack → answer.
//! - `emit`: validated emits, broadcasts and emit-with-ack.
//! - `handler`, `extract`: async handler functions and their arguments.
//! - `reply`: what clients see when something is refused.
//! - `limits`: what one client may send (message size, attachments, nesting, headers).
//! - `identify`: the `Server: asynction/VERSION` header on every response.
//!
//! # Layering
//!
//! Modules import downward only, so each can be read knowing only what lies below it:
//!
//! ```text
//! builder                      document + handlers → registered namespaces (imports all below)
//!   connect    dispatch        before CONNECT / after CONNECT; never import each other
//!     handler                  Handler, Reply, NamespaceHandlers, run_handler
//!       extract                FromContext and the extractors
//!         context              HandlerContext (what one handler call sees), ConnectAuth
//!           emit               validated emits (ValidatedSocket, ValidatedIo, EmitError)
//!             runtime          SpecRuntime, NamespaceRuntime: shared, read-only, no handlers
//! leaves: reply, limits, identify  (import no other server module)
//! ```
//!
//! Below the server: `wire` (argument lists, the payload serializer), `validate` (schemas,
//! namespace index), `security`, `docs`, `observe` (the
//! [`Observer`](crate::observe) seam it reports to) and `plugin` (what features add). No
//! module here is compiled differently by a cargo feature: features plug in through those
//! seams (metrics, traces, the mock) or extend the builder from their own module (`msgpack`).
//!
//! The types are recursive (a namespace's handlers take a context that holds the namespace's
//! runtime); the split between `runtime::NamespaceRuntime` (what a context holds) and
//! `handler::NamespaceHandlers` (the runtime plus the handlers) is what keeps the modules acyclic.

mod builder;
mod connect;
mod context;
mod dispatch;
pub(crate) mod emit;
mod emit_error;
mod extract;
pub(crate) mod handler;
mod identify;
mod limits;
mod reply;
mod runtime;
#[cfg(test)]
mod tests;

// Read by the route check of a feature (`typecheck/`), if the build has one.
pub use builder::{
    Asynction, AsynctionSocketIo, AsynctionWithState, BuildError, NoState, RouteError,
};
#[allow(unused_imports)]
pub(crate) use builder::{Registrations, RouteCheck};
pub use context::HandlerContext;
pub use emit::{
    AckFailure, EmitError, SendFailure, ValidatedBroadcast, ValidatedIo, ValidatedSocket,
};
pub use extract::FromContext;
pub use extract::{AuthPayload, EventName, ExtractError, Payload, Recovered, State};
pub use handler::{Ack, BoxFuture, Handler, IntoReply, Reply};
pub use identify::{SERVER_PRODUCT, identify_layer, server_header};
pub use limits::{
    DEFAULT_MAX_BINARY_ATTACHMENTS, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_PAYLOAD, HeaderLimit,
    HeaderLimitLayer, Limits,
};
pub use reply::{ConnectRefusal, EventError};
