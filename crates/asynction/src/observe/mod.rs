//! Observability through one seam: the server tells an [`Observer`] what happens (connections
//! accepted or refused, events received, refused and handled, emits checked, client acks, how
//! events ended, how clients opting in to connection state recovery went live) and never
//! knows who listens.
//!
//! Implementations, each chosen at build time by its feature and plugged in through the
//! builder's [`Plugin`](crate::plugin::Plugin) seam:
//!
//! - `metrics.rs` (feature `metrics`, `AsynctionSocketIo::metrics`): Prometheus counters and
//!   histograms per namespace and event, named from the document; the `{base}/metrics` route and
//!   the catch-all namespace that counts refusals of unknown namespaces
//!   (`unknown_namespaces.rs`); with connection state recovery on, its counters and gauges
//!   (`recovery_metrics.rs`).
//! - `traces.rs` (feature `traces`, always on in such a build): the `asynction.connection` and
//!   `asynction.event` spans, the handler running inside the event span.
//! - `otel.rs` (feature `otel`): OTLP export of those spans (not an observer: a `tracing` layer).
//! - `frames.rs` (feature `mock`, the mock's `--debug`): every frame in and out at debug level,
//!   credentials redacted.
//!
//! Several observers can be active at once ([`Observers`] fans every call out); with none the
//! server holds [`Unobserved`], whose hooks do nothing.
//!
//! # Cost
//!
//! Nothing is looked up per event: when the server is built, every observer hands out one
//! [`NamespaceObserver`] per document namespace and, from it, one [`EventObserver`] per ingress
//! event (and one for events the document does not list); the dispatcher keeps each in the
//! event's route and calls it directly. Durations are measured only for an observer that asks
//! for them (its `*_started` hook returns a timestamp); spans are `Span::none()` unless traced.

#[cfg(feature = "metrics")]
mod exposition;
#[cfg(feature = "mock")]
pub(crate) mod frames;
#[cfg(feature = "metrics")]
pub(crate) mod metrics;
#[cfg(feature = "otel")]
pub(crate) mod otel;
#[cfg(feature = "metrics")]
mod recovery_metrics;
#[cfg(feature = "traces")]
pub(crate) mod traces;
#[cfg(feature = "metrics")]
mod unknown_namespaces;

use std::sync::Arc;
use std::time::Instant;

use socketioxide::adapter::Adapter;
use socketioxide::extensions::Extensions;
use socketioxide::extract::SocketRef;
use socketioxide::socket::Sid;
use tracing::Span;

use crate::model::Namespace;
use crate::recovery::Miss;
use crate::refusal::RefusalCode;
use crate::validate::NamespaceIndex;
use crate::wire::Args;

/// What a running server reports; one per server (and per cluster `Emitter`). Object-safe:
/// the server holds an `Arc<dyn Observer>`.
pub(crate) trait Observer: Send + Sync + 'static {
    /// The observer of document namespace `ns`, asked once per namespace when the server is
    /// built (its events' handles come from it).
    fn namespace(&self, ns: &Namespace) -> Arc<dyn NamespaceObserver>;

    /// A timestamp when this observer times the validation about to run (metrics times one in
    /// [`metrics::VALIDATION_SAMPLE`](self::metrics)); given back to [`Observer::validated`].
    fn validation_started(&self) -> Option<Instant> {
        None
    }

    /// A validation ended (whatever its verdict).
    fn validated(&self, _started: Option<Instant>, _direction: Direction) {}

    /// An emit of `event` was checked against the document: `sent` holds the arguments being
    /// sent, `None` when egress validation refused it (nothing was sent). Counters read only
    /// which; the `--debug` frame log prints the arguments.
    fn emit_checked(
        &self,
        _target: &EmitTarget<'_>,
        _event: &str,
        _kind: EmitKind,
        _sent: Option<&Args>,
    ) {
    }

    /// A timestamp when this observer times emit-with-ack round trips; given back to
    /// [`Observer::client_ack`].
    fn ack_started(&self) -> Option<Instant> {
        None
    }

    /// One client answered an emit-with-ack of `event` (or did not, in time).
    fn client_ack(
        &self,
        _target: &EmitTarget<'_>,
        _event: &str,
        _started: Option<Instant>,
        _outcome: AckOutcome,
    ) {
    }
}

/// What happens in one document namespace: connections, and the spans of its events.
pub(crate) trait NamespaceObserver: Send + Sync + 'static {
    /// The handle of ingress event `name`, asked once per event when the server is built.
    fn event(&self, name: &str) -> Arc<dyn EventObserver>;

    /// The handle of every event the document does not list, asked once when the server is
    /// built.
    fn unlisted_event(&self) -> Arc<dyn EventObserver>;

    /// A client asks to connect, before any check (for observers that log frames).
    fn connecting(&self, _frame: &ConnectFrame<'_>) {}

    /// A connection was accepted (just before CONNECT is sent).
    fn connected(&self, _socket: &SocketInfo<'_>) {}

    /// A connection was refused at `stage`, with `code` in its `connect_error`.
    fn refused(&self, _stage: ConnectStage, _code: RefusalCode) {}

    /// Whether [`NamespaceObserver::disconnected`] is wanted: a disconnect handler is installed
    /// on every socket only then (or when the namespace has a `disconnect` handler).
    fn observes_disconnects(&self) -> bool {
        false
    }

    /// A connected client left.
    fn disconnected(&self, _socket: &SocketInfo<'_>) {}

    /// A client that opted in to connection state recovery went live, just after CONNECT
    /// (see [`crate::recovery`]): with a new session, with its session recovered, or with a new
    /// session because recovery missed.
    fn went_live(&self, _socket: &SocketInfo<'_>, _outcome: RecoveryOutcome) {}

    /// The span one event's dispatch runs in (its handler too); `Span::none()` when not traced.
    fn event_span(&self, _socket: &SocketInfo<'_>, _event: &str, _ack_requested: bool) -> Span {
        Span::none()
    }
}

/// What happens to one ingress event (or to events the document does not list).
pub(crate) trait EventObserver: Send + Sync + 'static {
    /// The event arrived, as it arrived (counters ignore the frame; the `--debug` frame log
    /// prints it). One call per event: the frame is borrowed from what the dispatcher already
    /// holds, nothing is built for it.
    fn received(&self, _frame: &EventFrame<'_>) {}

    /// The ack sent for the event, when it was handled and the client asked for one (an error
    /// ack is told by [`EventObserver::finished`]'s code).
    fn acked(&self, _args: &Args) {}

    /// The event was refused before any handler ran (malformed, unknown, invalid payload).
    fn refused(&self, _code: RefusalCode) {}

    /// A timestamp when this observer times handlers; given back to
    /// [`EventObserver::handled`].
    fn handler_started(&self) -> Option<Instant> {
        None
    }

    /// The event's handler returned (or panicked).
    fn handled(&self, _started: Option<Instant>, _outcome: HandlerOutcome) {}

    /// How the event ended for the client: `None` when it was handled and answered, else the
    /// code it was refused with. Called once per event.
    fn finished(&self, _outcome: Option<RefusalCode>) {}
}

/// The socket a connection hook is about (read by the observers the features compile in).
#[cfg_attr(not(feature = "traces"), allow(dead_code))]
pub(crate) struct SocketInfo<'a> {
    /// The socket id.
    pub id: Sid,
    /// The concrete namespace path.
    pub path: &'a str,
    /// The socket's extensions (an observer may keep per-connection data there).
    pub extensions: &'a Extensions,
}

impl<'a> SocketInfo<'a> {
    /// The hooks' view of `socket`.
    pub(crate) fn of<A: Adapter>(socket: &'a SocketRef<A>) -> Self {
        SocketInfo {
            id: socket.id,
            path: socket.ns(),
            extensions: &socket.extensions,
        }
    }
}

/// A client's request to connect to a namespace, as received (read by the frame log).
#[cfg_attr(not(feature = "mock"), allow(dead_code))]
pub(crate) struct ConnectFrame<'a> {
    /// The socket id.
    pub id: Sid,
    /// The concrete namespace path.
    pub path: &'a str,
    /// The handshake request's headers.
    pub headers: &'a http::HeaderMap,
    /// The handshake request's URI (its query).
    pub uri: &'a http::Uri,
    /// The CONNECT packet's `auth` payload.
    pub auth: Option<&'a serde_json::Value>,
}

/// One event as received (read by the frame log).
#[cfg_attr(not(feature = "mock"), allow(dead_code))]
pub(crate) struct EventFrame<'a> {
    /// The socket id.
    pub id: Sid,
    /// The concrete namespace path.
    pub path: &'a str,
    /// The event name.
    pub event: &'a str,
    /// Its arguments; `None` when they could not be decoded.
    pub args: Option<&'a Args>,
    /// Whether the client asked for an ack.
    pub ack_requested: bool,
}

/// Where an emit went: a concrete namespace path, resolved to the document's path only by the
/// observers that need it (nothing is looked up when nobody observes).
#[cfg_attr(not(feature = "metrics"), allow(dead_code))]
pub(crate) struct EmitTarget<'a> {
    /// The concrete namespace path.
    pub path: &'a str,
    /// The document's namespaces, to resolve `path`.
    pub namespaces: &'a NamespaceIndex,
}

#[cfg_attr(not(feature = "metrics"), allow(dead_code))]
impl<'a> EmitTarget<'a> {
    /// The document path of the target namespace (`/tenant/{id}` for `/tenant/acme`).
    pub(crate) fn document_path(&self) -> Option<&'a str> {
        self.namespaces.document_path(self.path)
    }
}

/// Which emit (`kind` label of `asynction_emits`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EmitKind {
    /// To one client.
    Socket = 0,
    /// To the clients of some rooms.
    Room = 1,
    /// To every client of a namespace.
    Broadcast = 2,
    /// Published to a cluster's nodes by the external cluster `Emitter`.
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    Cluster = 3,
}

/// The check that refused a connection (`reason` label of `asynction_connect_refusals`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConnectStage {
    /// The document's security requirements.
    Security = 0,
    /// The handshake bindings.
    Bindings = 1,
    /// The namespace's `connect` handler.
    ConnectHandler = 2,
}

/// Which way a validated message goes (`direction` label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// From a client.
    Ingress = 0,
    /// To clients.
    Egress = 1,
}

/// How a handler call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HandlerOutcome {
    /// It returned a reply.
    Ok,
    /// It returned an error (`handler_error`).
    Error,
    /// It panicked, or an argument could not be extracted (`internal_error`).
    Panic,
}

/// How an opted-in client went live ([`NamespaceObserver::went_live`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RecoveryOutcome {
    /// It asked for a session (`pid: null`) and got a new one.
    New,
    /// Its session was restored; `replayed` events it missed were sent again.
    Recovered {
        /// Events replayed.
        replayed: usize,
    },
    /// It asked to recover and got a new session instead, for this reason.
    Missed(Miss),
}

/// How a client answered an emit-with-ack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AckOutcome {
    /// In time, valid against the ack schema.
    Answered,
    /// In time, but breaking the ack schema.
    Invalid,
    /// Not in time (or the socket closed first).
    Timeout,
}

/// No observer: every hook does nothing.
pub(crate) struct Unobserved;

impl Observer for Unobserved {
    fn namespace(&self, _ns: &Namespace) -> Arc<dyn NamespaceObserver> {
        Arc::new(Unobserved)
    }
}

impl NamespaceObserver for Unobserved {
    fn event(&self, _name: &str) -> Arc<dyn EventObserver> {
        Arc::new(Unobserved)
    }
    fn unlisted_event(&self) -> Arc<dyn EventObserver> {
        Arc::new(Unobserved)
    }
}

impl EventObserver for Unobserved {}

/// Several observers at once (metrics and traces): every hook is called on each, in order.
/// A timing hook takes the first observer's timestamp, and every observer is given it back.
pub(crate) struct Observers(Vec<Arc<dyn Observer>>);

impl Observers {
    /// One observer for `observers`: [`Unobserved`] for none, the observer itself for one,
    /// a fan-out for several.
    pub(crate) fn combine(mut observers: Vec<Arc<dyn Observer>>) -> Arc<dyn Observer> {
        match observers.len() {
            0 => Arc::new(Unobserved),
            1 => observers.remove(0),
            _ => Arc::new(Observers(observers)),
        }
    }
}

impl Observer for Observers {
    fn namespace(&self, ns: &Namespace) -> Arc<dyn NamespaceObserver> {
        Arc::new(NamespaceObservers(
            self.0.iter().map(|o| o.namespace(ns)).collect(),
        ))
    }
    fn validation_started(&self) -> Option<Instant> {
        self.0.iter().find_map(|o| o.validation_started())
    }
    fn validated(&self, started: Option<Instant>, direction: Direction) {
        self.0.iter().for_each(|o| o.validated(started, direction));
    }
    fn emit_checked(
        &self,
        target: &EmitTarget<'_>,
        event: &str,
        kind: EmitKind,
        sent: Option<&Args>,
    ) {
        for o in &self.0 {
            o.emit_checked(target, event, kind, sent);
        }
    }
    fn ack_started(&self) -> Option<Instant> {
        self.0.iter().find_map(|o| o.ack_started())
    }
    fn client_ack(
        &self,
        target: &EmitTarget<'_>,
        event: &str,
        started: Option<Instant>,
        outcome: AckOutcome,
    ) {
        for o in &self.0 {
            o.client_ack(target, event, started, outcome);
        }
    }
}

/// [`Observers`] for one namespace.
struct NamespaceObservers(Vec<Arc<dyn NamespaceObserver>>);

impl NamespaceObserver for NamespaceObservers {
    fn event(&self, name: &str) -> Arc<dyn EventObserver> {
        Arc::new(EventObservers(
            self.0.iter().map(|o| o.event(name)).collect(),
        ))
    }
    fn unlisted_event(&self) -> Arc<dyn EventObserver> {
        Arc::new(EventObservers(
            self.0.iter().map(|o| o.unlisted_event()).collect(),
        ))
    }
    fn connecting(&self, frame: &ConnectFrame<'_>) {
        self.0.iter().for_each(|o| o.connecting(frame));
    }
    fn connected(&self, socket: &SocketInfo<'_>) {
        self.0.iter().for_each(|o| o.connected(socket));
    }
    fn refused(&self, stage: ConnectStage, code: RefusalCode) {
        self.0.iter().for_each(|o| o.refused(stage, code));
    }
    fn observes_disconnects(&self) -> bool {
        self.0.iter().any(|o| o.observes_disconnects())
    }
    fn disconnected(&self, socket: &SocketInfo<'_>) {
        self.0.iter().for_each(|o| o.disconnected(socket));
    }
    fn went_live(&self, socket: &SocketInfo<'_>, outcome: RecoveryOutcome) {
        self.0.iter().for_each(|o| o.went_live(socket, outcome));
    }
    /// The first span that is not `Span::none()` (only traces makes one).
    fn event_span(&self, socket: &SocketInfo<'_>, event: &str, ack_requested: bool) -> Span {
        self.0
            .iter()
            .map(|o| o.event_span(socket, event, ack_requested))
            .find(|span| !span.is_none())
            .unwrap_or_else(Span::none)
    }
}

/// [`Observers`] for one event.
struct EventObservers(Vec<Arc<dyn EventObserver>>);

impl EventObserver for EventObservers {
    fn received(&self, frame: &EventFrame<'_>) {
        self.0.iter().for_each(|o| o.received(frame));
    }
    fn acked(&self, args: &Args) {
        self.0.iter().for_each(|o| o.acked(args));
    }
    fn refused(&self, code: RefusalCode) {
        self.0.iter().for_each(|o| o.refused(code));
    }
    fn handler_started(&self) -> Option<Instant> {
        self.0.iter().find_map(|o| o.handler_started())
    }
    fn handled(&self, started: Option<Instant>, outcome: HandlerOutcome) {
        self.0.iter().for_each(|o| o.handled(started, outcome));
    }
    fn finished(&self, outcome: Option<RefusalCode>) {
        self.0.iter().for_each(|o| o.finished(outcome));
    }
}
