//! Extractors: the types a handler may take as arguments (the table is on [`FromContext`]).

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::socket::DisconnectReason;

use super::context::HandlerContext;
use super::emit::{ValidatedIo, ValidatedSocket};
use super::reply::EventError;
use crate::security::SecurityInfo;
use crate::wire::Args;

/// Builds one argument of a handler from the context: the extractors.
///
/// | extractor | what it gives | where |
/// |---|---|---|
/// | [`ValidatedSocket`] | the client's socket; its emits are validated | all handlers |
/// | [`ValidatedIo`] | the server, for emits to other namespaces and rooms | all handlers |
/// | [`Payload<T>`] | the validated arguments deserialized into `T` (one argument → that argument; several → a tuple/array) | event and error handlers |
/// | [`Args`] | every argument as JSON, binary attachments aside | event and error handlers |
/// | [`State<S>`] | the state given to the builder | all handlers |
/// | [`EventName`] | the event's name | event and error handlers |
/// | [`AuthPayload`] | the CONNECT `auth` payload (`{}` when absent) | all handlers |
/// | [`EventError`] | why an event was refused | error handlers |
/// | [`DisconnectReason`] | why a client left | disconnect handlers |
/// | [`SecurityInfo`] / `Option<SecurityInfo>` | who authenticated (secured namespaces) | all handlers after authentication |
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a handler argument",
    label = "not an extractor",
    note = "handler arguments are extractors: `Payload<T>` (T: Deserialize) for the event's arguments, `State<S>`, `ValidatedSocket`, `ValidatedIo`, `Args`, `EventName`, `AuthPayload`, `EventError`, `DisconnectReason`, `SecurityInfo`, `Option<SecurityInfo>`",
    note = "every handler of one server that takes `State<_>` takes the same state type, the one given to `with_state`"
)]
pub trait FromContext<S, A: Adapter>: Sized {
    /// Extracts the value; an error is reported to the client as an internal error.
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError>;
}

/// An extractor could not produce its value (a programming error in the server, reported to
/// the client as an `internal_error` and logged).
#[derive(Debug, Clone)]
pub struct ExtractError(pub String);

impl fmt::Display for ExtractError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ExtractError {}

/// The event's arguments, validated by the document, then deserialized into `T`.
///
/// One argument deserializes as itself; several (an `x-socketio-args: spread` schema)
/// deserialize as a sequence, so `Payload<(f64, String)>` takes `emit("move", 1, "up")`.
#[derive(Debug, Clone)]
pub struct Payload<T>(pub T);

impl<T: DeserializeOwned, S, A: Adapter> FromContext<S, A> for Payload<T> {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        let value = match ctx.args.values.as_slice() {
            [one] => one.clone(),
            [] => Value::Null,
            many => Value::Array(many.to_vec()),
        };
        serde_json::from_value(value).map(Payload).map_err(|e| {
            ExtractError(format!(
                "the payload passed validation but does not deserialize into {}: {e} (the Rust type and the document's schema disagree)",
                std::any::type_name::<T>()
            ))
        })
    }
}

impl<S, A: Adapter> FromContext<S, A> for Args {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        Ok(ctx.args.clone())
    }
}

/// The state given to [`crate::server::AsynctionSocketIo::with_state`] (the same `S` for every
/// handler of a server).
#[derive(Debug, Clone)]
pub struct State<S>(pub S);

impl<S: Clone, A: Adapter> FromContext<S, A> for State<S> {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        Ok(State(ctx.runtime.state.clone()))
    }
}

impl<S, A: Adapter> FromContext<S, A> for ValidatedSocket<A> {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        Ok(ctx.validated_socket())
    }
}

impl<S, A: Adapter> FromContext<S, A> for ValidatedIo<A> {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        Ok(ctx.validated_io())
    }
}

/// The name of the event being handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventName(pub String);

impl<S, A: Adapter> FromContext<S, A> for EventName {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        ctx.event.clone().map(EventName).ok_or_else(|| {
            ExtractError("EventName is only available to event and error handlers".into())
        })
    }
}

/// The CONNECT `auth` payload the client sent (`{}` when it sent none).
#[derive(Debug, Clone, PartialEq)]
pub struct AuthPayload(pub Value);

impl<S, A: Adapter> FromContext<S, A> for AuthPayload {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        Ok(AuthPayload(
            ctx.connect_auth()
                .unwrap_or_else(|| Value::Object(Default::default())),
        ))
    }
}

/// Whether this connection recovered an earlier one of its client (see [`crate::recovery`]):
/// `true` when its session was restored and its missed events replayed, as `socket.recovered`
/// in Node. Known from the `connect` handler on; `false` without recovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recovered(pub bool);

impl<S, A: Adapter> FromContext<S, A> for Recovered {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        Ok(Recovered(ctx.validated_socket().recovered()))
    }
}

impl<S, A: Adapter> FromContext<S, A> for EventError {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        ctx.error
            .clone()
            .ok_or_else(|| ExtractError("EventError is only available to error handlers".into()))
    }
}

impl<S, A: Adapter> FromContext<S, A> for DisconnectReason {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        ctx.disconnect_reason.ok_or_else(|| {
            ExtractError("DisconnectReason is only available to disconnect handlers".into())
        })
    }
}

impl<S, A: Adapter> FromContext<S, A> for Option<SecurityInfo> {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        Ok(ctx.socket.extensions.get::<SecurityInfo>())
    }
}

impl<S, A: Adapter> FromContext<S, A> for SecurityInfo {
    fn from_context(ctx: &mut HandlerContext<S, A>) -> Result<Self, ExtractError> {
        ctx.socket.extensions.get::<SecurityInfo>().ok_or_else(|| {
            ExtractError(format!(
                "SecurityInfo is only available in secured namespaces ({} is public); take Option<SecurityInfo>",
                ctx.socket.ns()
            ))
        })
    }
}
