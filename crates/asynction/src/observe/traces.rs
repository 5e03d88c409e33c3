//! `tracing` spans (feature `traces`): `asynction.connection` per accepted connection, and
//! `asynction.event` per received event as its child, the handler running inside it. Fields:
//! `namespace` (document path), `event`, `handler` (the `x-handler` id, if any), `socket_id`,
//! `ack_requested`, `outcome` (`ok` or the refusal code). Any `tracing` layer exports them,
//! e.g. `tracing-opentelemetry` into OTLP.

use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;
use tracing::Span;

/// The connection's span, kept in the socket's extensions so that event spans are its children.
#[derive(Clone)]
pub(crate) struct ConnectionSpan(pub Span);

/// Opens the connection span of a socket that was just accepted.
pub(crate) fn connected<A: Adapter>(s: &SocketRef<A>, doc_path: &str) {
    let span = tracing::info_span!(
        "asynction.connection",
        namespace = doc_path,
        path = s.ns(),
        socket_id = %s.id,
    );
    s.extensions.insert(ConnectionSpan(span));
}

/// The span of one event, child of the connection's.
pub(crate) fn event<A: Adapter>(
    s: &SocketRef<A>,
    doc_path: &str,
    event: &str,
    handler: Option<&str>,
    ack_requested: bool,
) -> Span {
    let parent = s.extensions.get::<ConnectionSpan>().map(|c| c.0);
    tracing::info_span!(
        parent: parent.and_then(|p| p.id()),
        "asynction.event",
        namespace = doc_path,
        event,
        handler,
        socket_id = %s.id,
        ack_requested,
        outcome = tracing::field::Empty,
    )
}

/// Records how the current event ended.
pub(crate) fn outcome(outcome: &str) {
    Span::current().record("outcome", outcome);
}
