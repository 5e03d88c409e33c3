//! Async handler functions, axum style: [`Handler`], [`IntoReply`] and the namespace's
//! handler table (an example is on [`Handler`]).

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::FutureExt;
use serde::Serialize;
use serde_json::Value;
use socketioxide::adapter::{Adapter, LocalAdapter};

use super::context::HandlerContext;
use super::extract::ExtractError;
use super::extract::FromContext;
use super::reply::EventError;
use super::runtime::NamespaceRuntime;
use crate::observe::EventObserver;
use crate::refusal::RefusalCode;
use crate::validate::EventValidators;
use crate::wire::Args;

/// What a handler produced.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Reply {
    /// Nothing to acknowledge with (an ack, if requested, carries no arguments).
    NoAck,
    /// Acknowledge with these arguments.
    Ack(Args),
    /// The handler refused: a connect handler refuses the connection with this message; an
    /// event handler's client gets an error ack with code `handler_error`.
    Refuse(String),
}

/// Turns a handler's return value into a [`Reply`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a reply a handler can return",
    label = "not a reply",
    note = "a handler returns `()` (no ack data), `Ack<T>` (T: Serialize), `Args`, `Reply`, `Option<serde_json::Value>`, or `Result<R, E>` with R one of these and E: Display"
)]
pub trait IntoReply {
    /// The reply.
    fn into_reply(self) -> Reply;
}

impl IntoReply for () {
    fn into_reply(self) -> Reply {
        Reply::NoAck
    }
}

impl IntoReply for Reply {
    fn into_reply(self) -> Reply {
        self
    }
}

/// Acknowledge an event with one value (validated against the event's ack schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack<T>(pub T);

impl<T: Serialize> IntoReply for Ack<T> {
    fn into_reply(self) -> Reply {
        match serde_json::to_value(&self.0) {
            Ok(v) => Reply::Ack(Args::json(vec![v])),
            Err(e) => Reply::Refuse(format!("the ack could not be serialized: {e}")),
        }
    }
}

impl IntoReply for Args {
    fn into_reply(self) -> Reply {
        Reply::Ack(self)
    }
}

impl<T: IntoReply, E: std::fmt::Display> IntoReply for Result<T, E> {
    fn into_reply(self) -> Reply {
        match self {
            Ok(t) => t.into_reply(),
            Err(e) => Reply::Refuse(e.to_string()),
        }
    }
}

impl IntoReply for Option<Value> {
    fn into_reply(self) -> Reply {
        match self {
            Some(v) => Reply::Ack(Args::json(vec![v])),
            None => Reply::NoAck,
        }
    }
}

/// A boxed future returned by type-erased handlers.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A handler function, axum style: any `async fn` (up to 8 arguments) whose arguments are
/// extractors ([`FromContext`]) and whose return value becomes the ack ([`IntoReply`]).
///
/// ```
/// use asynction::{Ack, Payload, State, ValidatedSocket};
///
/// #[derive(serde::Deserialize)]
/// struct Credentials { username: String }
///
/// #[derive(Clone)]
/// struct Db;
/// impl Db { async fn knows(&self, user: &str) -> bool { !user.is_empty() } }
///
/// async fn log_in(socket: ValidatedSocket, Payload(c): Payload<Credentials>, State(db): State<Db>) -> Ack<bool> {
///     Ack(db.knows(&c.username).await)
/// }
/// ```
/// The same traits serve event handlers, namespace `connect`/`disconnect`/`error` handlers:
/// each receives a [`HandlerContext`] and picks from it what its arguments ask for.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a handler",
    label = "not an `async fn` whose arguments are extractors and whose return value is a reply",
    note = "every argument must be an extractor (`FromContext`): `Payload<T>` (T: Deserialize) for the event's arguments, `State<S>`, `ValidatedSocket`, `ValidatedIo`, `Args`, `EventName`, `AuthPayload`, `EventError`, `DisconnectReason`, `SecurityInfo`, `Option<SecurityInfo>`",
    note = "the return value must be a reply (`IntoReply`): `()`, `Ack<T>` (T: Serialize), `Args`, `Reply`, `Option<serde_json::Value>`, or `Result<R, E>` with E: Display",
    note = "the function must be `async` (or return a `Send` future), `Clone + Send + Sync + 'static`, with at most 8 arguments"
)]
pub trait Handler<T, S, A: Adapter = LocalAdapter>: Clone + Send + Sync + 'static {
    /// Extracts the arguments and runs the function.
    fn call(&self, ctx: HandlerContext<S, A>) -> BoxFuture<Result<Reply, ExtractError>>;
}

macro_rules! impl_handler {
    ($($ty:ident),*) => {
        #[allow(non_snake_case, unused_variables, unused_mut)]
        impl<F, Fut, R, S, A, $($ty,)*> Handler<($($ty,)*), S, A> for F
        where
            F: Fn($($ty,)*) -> Fut + Clone + Send + Sync + 'static,
            Fut: Future<Output = R> + Send + 'static,
            R: IntoReply,
            A: Adapter,
            S: Send + 'static,
            $($ty: FromContext<S, A> + Send + 'static,)*
        {
            fn call(&self, mut ctx: HandlerContext<S, A>) -> BoxFuture<Result<Reply, ExtractError>> {
                $(let $ty = match $ty::from_context(&mut ctx) {
                    Ok(v) => v,
                    Err(e) => return Box::pin(async move { Err(e) }),
                };)*
                let fut = (self)($($ty,)*);
                Box::pin(async move { Ok(fut.await.into_reply()) })
            }
        }
    };
}

impl_handler!();
impl_handler!(T1);
impl_handler!(T1, T2);
impl_handler!(T1, T2, T3);
impl_handler!(T1, T2, T3, T4);
impl_handler!(T1, T2, T3, T4, T5);
impl_handler!(T1, T2, T3, T4, T5, T6);
impl_handler!(T1, T2, T3, T4, T5, T6, T7);
impl_handler!(T1, T2, T3, T4, T5, T6, T7, T8);

/// A type-erased handler.
pub(crate) type BoxedHandler<S, A> =
    Arc<dyn Fn(HandlerContext<S, A>) -> BoxFuture<Result<Reply, ExtractError>> + Send + Sync>;

/// Erases a handler's argument types.
pub(crate) fn boxed<H, T, S, A>(h: H) -> BoxedHandler<S, A>
where
    H: Handler<T, S, A>,
    T: 'static,
    S: 'static,
    A: Adapter,
{
    Arc::new(move |ctx| h.call(ctx))
}

/// What handling one ingress event needs: found with one lookup per event.
pub(crate) struct EventRoute<S, A: Adapter> {
    pub handler: BoxedHandler<S, A>,
    pub validators: EventValidators,
    /// Who observes this event, handed out once when the server was built.
    pub observer: Arc<dyn EventObserver>,
}

/// The handlers of one namespace beside what its sockets share; the connect middleware and the
/// dispatcher both serve from it.
pub(crate) struct NamespaceHandlers<S, A: Adapter> {
    /// Validators, state and server handle: what every handler call's context holds.
    pub runtime: Arc<NamespaceRuntime<S, A>>,
    /// Ingress events by name: handler and compiled schemas, found with one lookup.
    pub events: HashMap<String, EventRoute<S, A>>,
    /// Who observes the events the document does not list.
    pub unknown_event: Arc<dyn EventObserver>,
    pub connect: Option<BoxedHandler<S, A>>,
    pub disconnect: Option<BoxedHandler<S, A>>,
    pub error: Option<BoxedHandler<S, A>>,
}

/// Runs a handler, turning panics and extractor failures into an `internal_error`.
pub(crate) async fn run_handler<S, A: Adapter>(
    handler: &BoxedHandler<S, A>,
    ctx: HandlerContext<S, A>,
    ns: &str,
    event: &str,
) -> Result<Reply, EventError> {
    match AssertUnwindSafe(handler(ctx)).catch_unwind().await {
        Ok(Ok(reply)) => Ok(reply),
        Ok(Err(e)) => {
            tracing::error!(namespace = ns, event, error = %e, "handler argument extraction failed");
            Err(EventError::other(
                RefusalCode::InternalError,
                ns,
                event,
                "the server failed to handle the event",
            ))
        }
        Err(_) => {
            tracing::error!(namespace = ns, event, "handler panicked");
            Err(EventError::other(
                RefusalCode::InternalError,
                ns,
                event,
                "the server failed to handle the event",
            ))
        }
    }
}
