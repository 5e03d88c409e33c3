//! One dispatcher per namespace receives every event (socketioxide `on_fallback`): it looks the
//! event up in the document, validates its arguments, runs the handler, validates the ack and
//! answers. Anything refused is answered as [`super::reply`] describes.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, SocketRef};
use socketioxide::handler::FromMessageParts;
use socketioxide::socket::Socket;

use super::args::{Args, WireArgs};
use super::context::HandlerContext;
use super::emit::ValidatedIo;
use super::handler::{BoxedHandler, Reply};
use super::reply::EventError;
use super::runtime::SpecRuntime;
use crate::validate::{Interaction, NamespaceValidators, ValidationError};

/// What handling one ingress event needs.
pub(crate) struct EventRoute<S, A: Adapter> {
    pub handler: BoxedHandler<S, A>,
    pub validators: crate::validate::EventValidators,
}

/// Everything the handlers of one namespace need, shared by all its sockets.
pub(crate) struct NamespaceRuntime<S, A: Adapter> {
    pub doc_path: String,
    pub validators: Arc<NamespaceValidators>,
    /// Ingress events by name: handler and compiled schemas, found with one lookup.
    pub events: HashMap<String, EventRoute<S, A>>,
    pub connect: Option<BoxedHandler<S, A>>,
    pub disconnect: Option<BoxedHandler<S, A>>,
    pub error: Option<BoxedHandler<S, A>>,
    pub state: S,
    pub rt: Arc<SpecRuntime>,
    pub io: ValidatedIo<A>,
}

/// Whether the client asked for an ack (socketioxide's `AckSender` cannot tell).
pub(crate) struct AckRequested(pub bool);

impl<A: Adapter> FromMessageParts<A> for AckRequested {
    type Error = std::convert::Infallible;
    fn from_message_parts(
        _: &Arc<Socket<A>>,
        _: &mut socketioxide_core::Value,
        ack_id: &Option<i64>,
    ) -> Result<Self, Self::Error> {
        Ok(AckRequested(ack_id.is_some()))
    }
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
                "internal_error",
                ns,
                event,
                "the server failed to handle the event",
            ))
        }
        Err(_) => {
            tracing::error!(namespace = ns, event, "handler panicked");
            Err(EventError::other(
                "internal_error",
                ns,
                event,
                "the server failed to handle the event",
            ))
        }
    }
}

/// Handles one incoming event.
pub(crate) async fn dispatch<S: Clone + Send + Sync + 'static, A: Adapter>(
    nsr: Arc<NamespaceRuntime<S, A>>,
    s: SocketRef<A>,
    event: String,
    data: Result<WireArgs, socketioxide_core::parser::ParserError>,
    ack: AckSender<A>,
    requested: bool,
) {
    // Kept for error messages without allocating the namespace name per event.
    let socket_for_errors = s.clone();
    let ns_path = socket_for_errors.ns();
    let args = match data {
        Ok(WireArgs(args)) => args,
        Err(e) => {
            let err = EventError::other(
                Interaction::IngressPayload.code(),
                ns_path,
                &event,
                format!("malformed arguments: {e}"),
            );
            return Box::pin(refuse(&nsr, s, event, Args::default(), ack, requested, err)).await;
        }
    };
    // The route's own key names the event from here on: the received `String` moves into the
    // handler context without a copy.
    let Some((name, route)) = nsr.events.get_key_value(&event) else {
        let err = EventError::from_validation(
            &ValidationError::new(Interaction::UnknownEvent, ns_path, Some(&event), Vec::new()),
            &event,
        );
        return Box::pin(refuse(&nsr, s, event, args, ack, requested, err)).await;
    };
    if nsr.rt.validation
        && let Some(schema) = &route.validators.payload
        && let Err(violations) = schema.validate_args(&args.validation_view())
    {
        let e = ValidationError::new(Interaction::IngressPayload, ns_path, Some(name), violations);
        let err = EventError::from_validation(&e, name);
        return Box::pin(refuse(&nsr, s, event, args, ack, requested, err)).await;
    }
    let ctx = HandlerContext::new(nsr.clone(), s, Some(event), args);
    let reply = match run_handler(&route.handler, ctx, ns_path, name).await {
        Ok(r) => r,
        Err(err) => return send_ack(ack, requested, &err.to_ack_args()),
    };
    if !requested {
        return;
    }
    let ack_args = match reply {
        Reply::NoAck => Args::default(),
        Reply::Ack(a) => a,
        Reply::Refuse(message) => {
            tracing::warn!(namespace = %ns_path, event = %name, %message, "handler returned an error");
            return send_ack(
                ack,
                true,
                &EventError::other("handler_error", ns_path, name, message).to_ack_args(),
            );
        }
    };
    if nsr.rt.validation
        && let Some(schema) = &route.validators.ack
        && let Err(violations) = schema.validate_args(&ack_args.validation_view())
    {
        let e = ValidationError::new(Interaction::ServerAck, ns_path, Some(name), violations);
        tracing::error!(error = %e, "the handler's ack breaks the document; the client gets an error ack");
        return send_ack(
            ack,
            true,
            &EventError::from_validation(&e, name).to_ack_args(),
        );
    }
    send_ack(ack, true, &ack_args);
}

fn send_ack<A: Adapter>(ack: AckSender<A>, requested: bool, args: &Args) {
    if requested && let Err(e) = ack.send(&args.as_wire()) {
        tracing::debug!(error = %e, "ack could not be sent (client gone?)");
    }
}

/// Answers a refused event: the error handler, else an error ack, else a log line.
async fn refuse<S: Clone + Send + Sync + 'static, A: Adapter>(
    nsr: &Arc<NamespaceRuntime<S, A>>,
    s: SocketRef<A>,
    event: String,
    args: Args,
    ack: AckSender<A>,
    requested: bool,
    err: EventError,
) {
    if let Some(handler) = &nsr.error {
        let ns = s.ns().to_owned();
        let mut ctx = HandlerContext::new(nsr.clone(), s, Some(event.clone()), args);
        ctx.error = Some(err.clone());
        let reply = run_handler(handler, ctx, &ns, &event).await;
        if requested {
            match reply {
                Ok(Reply::Ack(a)) => send_ack(ack, true, &a),
                Ok(_) => send_ack(ack, true, &err.to_ack_args()),
                Err(internal) => send_ack(ack, true, &internal.to_ack_args()),
            }
        }
        return;
    }
    if requested {
        tracing::debug!(error = %err, "event refused; answered with an error ack");
        send_ack(ack, true, &err.to_ack_args());
    } else {
        tracing::warn!(namespace = %err.namespace, event = %err.event, code = err.code, reason = %err.message, "event refused");
    }
}

impl EventError {
    fn to_ack_args(&self) -> Args {
        Args::json(vec![self.to_ack()])
    }
}
