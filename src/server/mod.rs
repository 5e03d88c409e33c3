//! The spec-driven Socket.IO server on socketioxide.
//!
//! - [`builder`]: document + handlers → [`Asynction`] (layer, router, validated io handle).
//! - [`connect`]: handshake bindings, security and the `connect` handler, before CONNECT.
//! - [`dispatch`]: every event: lookup → validate → handler → validate ack → answer.
//! - [`emit`]: validated emits, broadcasts and emit-with-ack.
//! - [`handler`], [`extract`]: async handler functions and their arguments.
//! - [`reply`]: what clients see when something is refused.
//! - [`args`]: Socket.IO argument lists with binary attachments.

pub mod args;
pub mod builder;
mod connect;
pub mod context;
mod dispatch;
pub mod emit;
pub mod extract;
pub mod handler;
pub mod reply;
mod runtime;

pub use args::Args;
pub use builder::{Asynction, AsynctionSocketIo, BuildError};
pub use context::HandlerContext;
pub use emit::{EmitError, ValidatedBroadcast, ValidatedIo, ValidatedSocket};
pub use extract::{AuthPayload, EventName, ExtractError, Payload, State};
pub use handler::{Ack, FromContext, Handler, IntoReply, Reply};
pub use reply::{ConnectRefusal, EventError};
pub use socketioxide::socket::DisconnectReason;

/// Docs routes for a built server (the `docs` module serves them; until it lands, only the
/// raw document).
pub(crate) fn docs_routes(doc: &crate::spec::Document, socketio_path: &str) -> axum::Router {
    let base = crate::model::docs_base(socketio_path);
    let json = doc.resolved.clone();
    let yaml = doc.text.clone();
    axum::Router::new()
        .route(
            &format!("{base}/docs/asyncapi.json"),
            axum::routing::get(move || async move { axum::Json((*json).clone()) }),
        )
        .route(
            &format!("{base}/docs/asyncapi.yaml"),
            axum::routing::get(move || async move {
                (
                    [(http::header::CONTENT_TYPE, "application/yaml")],
                    yaml.to_string(),
                )
            }),
        )
}
