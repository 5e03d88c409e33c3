//! `tracing` spans (feature `traces`): `asynction.connection` per accepted connection, and
//! `asynction.event` per received event as its child, the handler running inside it. Fields:
//! `namespace` (document path), `event`, `handler` (the `x-handler` id, if any), `socket_id`,
//! `ack_requested`, `outcome` (`ok` or the refusal code); on the connection span of a client
//! that opted in to connection state recovery, `recovered` (`true`/`false`) and, when recovery
//! missed, `recovery.miss` (the reason, as `recovery_misses` labels it). Any `tracing` layer exports them,
//! e.g. `tracing-opentelemetry` into OTLP.
//!
//! An [`Observer`] that every server of a build with the feature has (a built-in plug-in).

use std::collections::HashMap;
use std::sync::Arc;

use tracing::Span;

use super::{EventObserver, NamespaceObserver, Observer, RecoveryOutcome, SocketInfo};
use crate::model::Namespace;
use crate::plugin::Plugin;
use crate::refusal::RefusalCode;

/// The spans' plug-in and observer.
pub(crate) struct Traces;

impl Plugin for Traces {
    fn observer(&self) -> Option<Arc<dyn Observer>> {
        Some(Arc::new(Traces))
    }
}

impl Observer for Traces {
    fn namespace(&self, ns: &Namespace) -> Arc<dyn NamespaceObserver> {
        Arc::new(TracedNamespace {
            doc_path: ns.path.clone(),
            handlers: ns
                .ingress
                .iter()
                .map(|e| (e.name.clone(), e.handler.clone()))
                .collect(),
            event: Arc::new(TracedEvent),
        })
    }
}

/// One document namespace: its path and its events' handler ids, for the spans' fields.
struct TracedNamespace {
    doc_path: String,
    handlers: HashMap<String, Option<String>>,
    event: Arc<TracedEvent>,
}

/// The connection's span, kept in the socket's extensions so that event spans are its children.
#[derive(Clone)]
struct ConnectionSpan(Span);

impl NamespaceObserver for TracedNamespace {
    fn event(&self, _name: &str) -> Arc<dyn EventObserver> {
        self.event.clone()
    }

    fn unlisted_event(&self) -> Arc<dyn EventObserver> {
        self.event.clone()
    }

    fn connected(&self, socket: &SocketInfo<'_>) {
        let span = tracing::info_span!(
            "asynction.connection",
            namespace = self.doc_path,
            path = socket.path,
            socket_id = %socket.id,
            recovered = tracing::field::Empty,
            recovery.miss = tracing::field::Empty,
        );
        socket.extensions.insert(ConnectionSpan(span));
    }

    /// Records `recovered`, and `recovery.miss` when recovery missed, on the connection span.
    fn went_live(&self, socket: &SocketInfo<'_>, outcome: RecoveryOutcome) {
        let Some(ConnectionSpan(span)) = socket.extensions.get::<ConnectionSpan>() else {
            return;
        };
        span.record(
            "recovered",
            matches!(outcome, RecoveryOutcome::Recovered { .. }),
        );
        if let RecoveryOutcome::Missed(miss) = outcome {
            span.record("recovery.miss", miss.as_str());
        }
    }

    fn event_span(&self, socket: &SocketInfo<'_>, event: &str, ack_requested: bool) -> Span {
        let parent = socket.extensions.get::<ConnectionSpan>().map(|c| c.0);
        let handler = self.handlers.get(event).and_then(|h| h.as_deref());
        tracing::info_span!(
            parent: parent.and_then(|p| p.id()),
            "asynction.event",
            namespace = self.doc_path,
            event,
            handler,
            socket_id = %socket.id,
            ack_requested,
            outcome = tracing::field::Empty,
        )
    }
}

/// Every event: records how it ended on the span it runs in.
struct TracedEvent;

impl EventObserver for TracedEvent {
    fn finished(&self, outcome: Option<RefusalCode>) {
        Span::current().record("outcome", outcome.map_or("ok", RefusalCode::as_str));
    }
}
