//! One dispatcher per namespace receives every event (socketioxide `on_fallback`): it looks the
//! event up in the document, validates its arguments, runs the handler, validates the ack and
//! answers. Anything refused is answered as [`super::reply`] describes.

use std::sync::Arc;

use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, Event, SocketRef, TryData};
use socketioxide::handler::FromMessageParts;
use socketioxide::socket::{DisconnectReason, Socket};
use tracing::Instrument;

use super::context::HandlerContext;
use super::handler::{NamespaceHandlers, Reply, run_handler};
use super::reply::EventError;
use crate::observe::{Direction, EventFrame, EventObserver, HandlerOutcome, SocketInfo};
use crate::recovery::{self, Membership};
use crate::refusal::RefusalCode;
use crate::validate::{Interaction, ValidationError};
use crate::wire::{Args, WireArgs};

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

/// Before CONNECT (at the end of the connect middleware): installs the socket's event
/// dispatcher and, when the namespace has one (or its observer counts disconnects), its
/// disconnect handler.
pub(crate) fn serve<S: Clone + Send + Sync + 'static, A: Adapter>(
    nsh: Arc<NamespaceHandlers<S, A>>,
    s: SocketRef<A>,
) {
    let events = nsh.clone();
    s.on_fallback(
        move |s: SocketRef<A>,
              Event(event): Event,
              TryData(data): TryData<WireArgs>,
              ack: AckSender<A>,
              AckRequested(requested): AckRequested| {
            let nsh = events.clone();
            // `Span::none()` unless traced: the handler runs inside the event's span.
            let span = nsh
                .runtime
                .observer
                .event_span(&SocketInfo::of(&s), &event, requested);
            // Boxed: socketioxide spawns this future per event, and tokio copies a spawned
            // future by value several times; a pointer is cheaper to move than the dispatch state.
            Box::pin(dispatch(nsh, s, event, data, ack, requested).instrument(span))
        },
    );
    let recovery = nsh.runtime.rt.recovery.is_some();
    if nsh.disconnect.is_some() || nsh.runtime.observer.observes_disconnects() || recovery {
        s.on_disconnect(move |s: SocketRef<A>, reason: DisconnectReason| {
            let nsh = nsh.clone();
            async move {
                // Before the handler: the socket is still in its rooms (socketioxide removes
                // it after this handler).
                if let (Some(engine), Some(Membership(member))) =
                    (&nsh.runtime.rt.recovery, s.extensions.get::<Membership>())
                {
                    recovery::keep_session(engine, &s, &member, reason).await;
                }
                nsh.runtime.observer.disconnected(&SocketInfo::of(&s));
                if let Some(handler) = &nsh.disconnect {
                    let ns = s.ns().to_owned();
                    let mut ctx =
                        HandlerContext::new(nsh.runtime.clone(), s, None, Args::default());
                    ctx.disconnect_reason = Some(reason);
                    let _ = run_handler(handler, ctx, &ns, "disconnect").await;
                }
            }
        });
    }
}

/// Handles one incoming event.
pub(crate) async fn dispatch<S: Clone + Send + Sync + 'static, A: Adapter>(
    nsh: Arc<NamespaceHandlers<S, A>>,
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
            let observer = match nsh.events.get(&event) {
                Some(route) => &route.observer,
                None => &nsh.unknown_event,
            };
            observer.received(&EventFrame {
                id: s.id,
                path: ns_path,
                event: &event,
                args: None,
                ack_requested: requested,
            });
            observer.refused(err.code);
            let answer = Answer {
                ack,
                requested,
                observer,
            };
            return Box::pin(refuse(&nsh, s, event, Args::default(), answer, err)).await;
        }
    };
    // The route's own key names the event from here on: the received `String` moves into the
    // handler context without a copy.
    let Some((name, route)) = nsh.events.get_key_value(&event) else {
        let err = EventError::from_validation(
            &ValidationError::new(Interaction::UnknownEvent, ns_path, Some(&event), Vec::new()),
            &event,
        );
        let observer = &nsh.unknown_event;
        observer.received(&EventFrame {
            id: s.id,
            path: ns_path,
            event: &event,
            args: Some(&args),
            ack_requested: requested,
        });
        observer.refused(err.code);
        let answer = Answer {
            ack,
            requested,
            observer,
        };
        return Box::pin(refuse(&nsh, s, event, args, answer, err)).await;
    };
    let observer = &route.observer;
    observer.received(&EventFrame {
        id: s.id,
        path: ns_path,
        event: name,
        args: Some(&args),
        ack_requested: requested,
    });
    let server_observer = &nsh.runtime.rt.observer;
    let validation_started = server_observer.validation_started();
    if nsh.runtime.rt.validation
        && let Some(schema) = &route.validators.payload
        && let Err(violations) = schema.validate_args(&args.validation_view())
    {
        let e = ValidationError::new(Interaction::IngressPayload, ns_path, Some(name), violations);
        let err = EventError::from_validation(&e, name);
        observer.refused(err.code);
        let answer = Answer {
            ack,
            requested,
            observer,
        };
        return Box::pin(refuse(&nsh, s, event, args, answer, err)).await;
    }
    server_observer.validated(validation_started, Direction::Ingress);
    let ctx = HandlerContext::new(nsh.runtime.clone(), s, Some(event), args);
    let handler_started = observer.handler_started();
    let reply = run_handler(&route.handler, ctx, ns_path, name).await;
    observer.handled(
        handler_started,
        match &reply {
            Ok(Reply::Refuse(_)) => HandlerOutcome::Error,
            Ok(_) => HandlerOutcome::Ok,
            Err(_) => HandlerOutcome::Panic,
        },
    );
    let reply = match reply {
        Ok(r) => r,
        Err(err) => {
            observer.finished(Some(err.code));
            return send_ack(ack, requested, &err.to_ack_args());
        }
    };
    if !requested {
        observer.finished(match reply {
            Reply::Refuse(_) => Some(RefusalCode::HandlerError),
            _ => None,
        });
        return;
    }
    let ack_args = match reply {
        Reply::NoAck => Args::default(),
        Reply::Ack(a) => a,
        Reply::Refuse(message) => {
            observer.finished(Some(RefusalCode::HandlerError));
            tracing::warn!(namespace = %ns_path, event = %name, %message, "handler returned an error");
            return send_ack(
                ack,
                true,
                &EventError::other(RefusalCode::HandlerError, ns_path, name, message).to_ack_args(),
            );
        }
    };
    if nsh.runtime.rt.validation
        && let Some(schema) = &route.validators.ack
        && let Err(violations) = schema.validate_args(&ack_args.validation_view())
    {
        let e = ValidationError::new(Interaction::ServerAck, ns_path, Some(name), violations);
        observer.finished(Some(RefusalCode::InvalidServerAck));
        tracing::error!(error = %e, "the handler's ack breaks the document; the client gets an error ack");
        return send_ack(
            ack,
            true,
            &EventError::from_validation(&e, name).to_ack_args(),
        );
    }
    observer.finished(None);
    observer.acked(&ack_args);
    send_ack(ack, true, &ack_args);
}

/// How a refused event is answered: its ack (if the client asked for one) and its observer.
struct Answer<'a, A: Adapter> {
    ack: AckSender<A>,
    requested: bool,
    observer: &'a Arc<dyn EventObserver>,
}

fn send_ack<A: Adapter>(ack: AckSender<A>, requested: bool, args: &Args) {
    if requested && let Err(e) = ack.send(&args.as_wire()) {
        tracing::debug!(error = %e, "ack could not be sent (client gone?)");
    }
}

/// Answers a refused event: the error handler, else an error ack, else a log line.
async fn refuse<S: Clone + Send + Sync + 'static, A: Adapter>(
    nsh: &Arc<NamespaceHandlers<S, A>>,
    s: SocketRef<A>,
    event: String,
    args: Args,
    answer: Answer<'_, A>,
    err: EventError,
) {
    let Answer {
        ack,
        requested,
        observer,
    } = answer;
    observer.finished(Some(err.code));
    if let Some(handler) = &nsh.error {
        let ns = s.ns().to_owned();
        let mut ctx = HandlerContext::new(nsh.runtime.clone(), s, Some(event.clone()), args);
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
        tracing::warn!(namespace = %err.namespace, event = %err.event, code = err.code.as_str(), reason = %err.message, "event refused");
    }
}

impl EventError {
    fn to_ack_args(&self) -> Args {
        Args::json(vec![self.to_ack()])
    }
}
