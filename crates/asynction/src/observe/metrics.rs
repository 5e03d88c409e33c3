//! Prometheus metrics per namespace and event (feature `metrics`): the [`Observer`] whose
//! handles are built once from the document, its plug-in (route, unknown-namespace catch-all,
//! docs link) and the builder's `.metrics()`. What users read is in the `asynction::metrics`
//! module's docs (`src/metrics.rs`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

use socketioxide::SocketIo;
use socketioxide::adapter::{Adapter, LocalAdapter};

use super::exposition;
use super::recovery_metrics::{self, RecoveryCounters};
use super::{
    AckOutcome, ConnectStage, Direction, EmitKind, EmitTarget, EventObserver, HandlerOutcome,
    NamespaceObserver, Observer, RecoveryOutcome, SocketInfo, Unobserved,
};
use crate::docs::DocsOptions;
use crate::model::{Api, Namespace};
use crate::plugin::{self, Plugin, Site};
use crate::recovery::RecoveryEngine;
use crate::refusal::RefusalCode;
// The public builder types (their root paths), which the feature's methods extend.
use crate::validate::NamespacePatternError;
use crate::{Asynction, AsynctionSocketIo};

/// The `event` label of events the document does not list.
pub const UNKNOWN_EVENT: &str = "_unknown";

/// The `namespace` label of connections to namespaces the document does not define (refused
/// with reason `unknown_namespace`).
pub const UNKNOWN_NAMESPACE: &str = "_unknown";

/// One validation in this many is timed (`asynction_validation_duration_seconds`): two clock
/// reads per validation would cost more than the counters together.
pub(crate) const VALIDATION_SAMPLE: u32 = 8;

/// How the metrics are exposed: [`AsynctionSocketIo::metrics`].
#[derive(Clone, Debug, Default)]
pub struct Metrics {
    route: Option<String>,
    serve: Option<bool>,
}

impl Metrics {
    /// Metrics served as Prometheus text at `{base}/metrics` on the server's own listener.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves the metrics at `path` instead of `{base}/metrics`.
    pub fn route(mut self, path: impl Into<String>) -> Self {
        self.route = Some(path.into());
        self
    }

    /// Whether the metrics route is served (default: yes). Off, the metrics are still kept:
    /// read them with [`Asynction::metrics`] and export them yourself.
    pub fn serve(mut self, on: bool) -> Self {
        self.serve = Some(on);
        self
    }

    /// The route the metrics are served at for a Socket.IO path, if they are served.
    pub(crate) fn path(&self, socketio_path: &str) -> Option<String> {
        if self.serve == Some(false) {
            return None;
        }
        Some(
            self.route
                .clone()
                .unwrap_or_else(|| format!("{}/metrics", crate::model::docs_base(socketio_path))),
        )
    }
}

type Labels = Vec<(&'static str, String)>;
type HistogramFamily = Family<Labels, Histogram, fn() -> Histogram>;

fn seconds_histogram() -> Histogram {
    // 20 µs … ~5 s.
    Histogram::new(exponential_buckets(0.00002, 4.0, 10))
}

fn labels(pairs: &[(&'static str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
}

const CONNECT_REFUSALS: [&str; 3] = ["security", "bindings", "connect_handler"];

const EMIT_KINDS: [&str; 4] = ["socket", "room", "broadcast", "cluster"];

/// Every metric family of one server, and its registry.
pub struct ServerMetrics {
    registry: Registry,
    validation: [Histogram; 2],
    namespaces: HashMap<String, Arc<NamespaceMetrics>>,
    unknown_namespace: Counter,
}

impl std::fmt::Debug for ServerMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerMetrics").finish_non_exhaustive()
    }
}

/// The handles of one document namespace.
#[derive(Debug)]
struct NamespaceMetrics {
    connections: Gauge,
    connects: Counter,
    refusals: [Counter; 3],
    /// Ingress events by document name.
    events: HashMap<String, Arc<EventMetrics>>,
    /// Events the document does not list.
    unknown: Arc<EventMetrics>,
    egress: HashMap<String, EgressMetrics>,
    unknown_egress: EgressMetrics,
    /// With recovery on: `super::recovery_metrics`' counters.
    recovery: Option<RecoveryCounters>,
}

/// The handles of one ingress event.
#[derive(Debug)]
struct EventMetrics {
    received: Counter,
    handler_errors: Counter,
    handler_panics: Counter,
    handler_duration: Histogram,
    /// `asynction_events_refused`: its label set includes the code, made on first use.
    refused: Family<Labels, Counter>,
    namespace: Arc<str>,
    name: Arc<str>,
}

/// The handles of one egress event.
#[derive(Clone, Debug)]
struct EgressMetrics {
    emits: [Counter; 4],
    refused: Counter,
    ack_duration: Histogram,
    ack_timeouts: Counter,
    ack_invalid: Counter,
}

impl ServerMetrics {
    /// Builds every handle `api` (a document's model) allows. A server makes its own (read it
    /// with [`Asynction::metrics`]); make one for a process that only
    /// publishes through a cluster `Emitter` (its `metrics` method) and export its
    /// [`ServerMetrics::registry`] yourself.
    pub fn new(api: &Api) -> Arc<Self> {
        Self::with_recovery(api, None)
    }

    /// [`ServerMetrics::new`], and the recovery metrics of `recovery` when the server recovers
    /// connections (`super::recovery_metrics`).
    pub(crate) fn with_recovery(api: &Api, recovery: Option<Arc<RecoveryEngine>>) -> Arc<Self> {
        let mut registry = Registry::default();
        let mut recovery = recovery
            .map(|engine| recovery_metrics::register(&mut registry, api, engine))
            .unwrap_or_default();
        let connections = Family::<Labels, Gauge>::default();
        let connects = Family::<Labels, Counter>::default();
        let refusals = Family::<Labels, Counter>::default();
        let received = Family::<Labels, Counter>::default();
        let events_refused = Family::<Labels, Counter>::default();
        let handler_errors = Family::<Labels, Counter>::default();
        let handler_panics = Family::<Labels, Counter>::default();
        let handler_duration = HistogramFamily::new_with_constructor(seconds_histogram);
        let emits = Family::<Labels, Counter>::default();
        let emits_refused = Family::<Labels, Counter>::default();
        let ack_duration = HistogramFamily::new_with_constructor(seconds_histogram);
        let ack_timeouts = Family::<Labels, Counter>::default();
        let ack_invalid = Family::<Labels, Counter>::default();
        let validation = HistogramFamily::new_with_constructor(seconds_histogram);

        let validation_handles = ["ingress", "egress"].map(|d| {
            validation
                .get_or_create(&labels(&[("direction", d)]))
                .clone()
        });
        let event = |ns: &str, ev: &str| {
            let l = labels(&[("namespace", ns), ("event", ev)]);
            Arc::new(EventMetrics {
                received: received.get_or_create(&l).clone(),
                handler_errors: handler_errors.get_or_create(&l).clone(),
                handler_panics: handler_panics.get_or_create(&l).clone(),
                handler_duration: handler_duration.get_or_create(&l).clone(),
                refused: events_refused.clone(),
                namespace: Arc::from(ns),
                name: Arc::from(ev),
            })
        };
        let egress = |ns: &str, ev: &str| {
            let l = labels(&[("namespace", ns), ("event", ev)]);
            EgressMetrics {
                emits: EMIT_KINDS.map(|k| {
                    emits
                        .get_or_create(&labels(&[("namespace", ns), ("event", ev), ("kind", k)]))
                        .clone()
                }),
                refused: emits_refused.get_or_create(&l).clone(),
                ack_duration: ack_duration.get_or_create(&l).clone(),
                ack_timeouts: ack_timeouts.get_or_create(&l).clone(),
                ack_invalid: ack_invalid.get_or_create(&l).clone(),
            }
        };
        let mut namespaces = HashMap::new();
        for ns in &api.namespaces {
            let p = ns.path.as_str();
            let l = labels(&[("namespace", p)]);
            let nm = NamespaceMetrics {
                connections: connections.get_or_create(&l).clone(),
                connects: connects.get_or_create(&l).clone(),
                refusals: CONNECT_REFUSALS.map(|r| {
                    refusals
                        .get_or_create(&labels(&[("namespace", p), ("reason", r)]))
                        .clone()
                }),
                events: ns
                    .ingress
                    .iter()
                    .map(|e| (e.name.clone(), event(p, &e.name)))
                    .collect(),
                unknown: event(p, UNKNOWN_EVENT),
                egress: ns
                    .egress
                    .iter()
                    .map(|e| (e.name.clone(), egress(p, &e.name)))
                    .collect(),
                unknown_egress: egress(p, UNKNOWN_EVENT),
                recovery: recovery.remove(p),
            };
            namespaces.insert(ns.path.clone(), Arc::new(nm));
        }

        let unknown_namespace = refusals
            .get_or_create(&labels(&[
                ("namespace", UNKNOWN_NAMESPACE),
                ("reason", "unknown_namespace"),
            ]))
            .clone();
        registry.register(
            "asynction_connections",
            "Connected clients per namespace",
            connections,
        );
        registry.register(
            "asynction_connects",
            "Accepted connections per namespace",
            connects,
        );
        registry.register(
            "asynction_connect_refusals",
            "Refused connections per namespace and reason (security, bindings, connect_handler, unknown_namespace)",
            refusals,
        );
        registry.register(
            "asynction_events_received",
            "Events received per namespace and event",
            received,
        );
        registry.register(
            "asynction_events_refused",
            "Events refused per namespace, event and refusal code",
            events_refused,
        );
        registry.register(
            "asynction_handler_errors",
            "Handlers that returned an error, per namespace and event",
            handler_errors,
        );
        registry.register(
            "asynction_handler_panics",
            "Handlers that panicked, per namespace and event",
            handler_panics,
        );
        registry.register(
            "asynction_handler_duration_seconds",
            "Time spent in event handlers, per namespace and event",
            handler_duration,
        );
        registry.register(
            "asynction_emits",
            "Validated emits per namespace, event and kind (socket, room, broadcast, cluster)",
            emits,
        );
        registry.register(
            "asynction_emits_refused",
            "Emits refused by egress validation, per namespace and event",
            emits_refused,
        );
        registry.register(
            "asynction_client_ack_duration_seconds",
            "Round trip of emit-with-ack until the client's ack, per namespace and event",
            ack_duration,
        );
        registry.register(
            "asynction_client_ack_timeouts",
            "Emit-with-ack calls whose client did not answer in time",
            ack_timeouts,
        );
        registry.register(
            "asynction_client_ack_invalid",
            "Client acks that broke the document's ack schema",
            ack_invalid,
        );
        registry.register(
            "asynction_validation_duration_seconds",
            "Schema validation time per direction (one validation in 8 is timed)",
            validation,
        );
        Arc::new(ServerMetrics {
            registry,
            validation: validation_handles,
            unknown_namespace,
            namespaces,
        })
    }

    /// The registry every metric is registered in: encode it into your own exporter.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The metrics as Prometheus (OpenMetrics) text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }

    /// A connection to a namespace the document does not define was refused.
    pub(crate) fn unknown_namespace_refused(&self) {
        self.unknown_namespace.inc();
    }

    /// An emit of `event` to document namespace `ns_doc_path`, refused by egress validation or
    /// not.
    fn emit(&self, ns_doc_path: &str, event: &str, kind: EmitKind, refused: bool) {
        if let Some(ns) = self.namespaces.get(ns_doc_path) {
            let e = ns.egress.get(event).unwrap_or(&ns.unknown_egress);
            if refused {
                e.refused.inc();
            } else {
                e.emits[kind as usize].inc();
            }
        }
    }
}

impl Observer for ServerMetrics {
    fn namespace(&self, ns: &Namespace) -> Arc<dyn NamespaceObserver> {
        match self.namespaces.get(&ns.path) {
            Some(m) => m.clone(),
            // Built from the same document: every namespace has its handles.
            None => Arc::new(Unobserved),
        }
    }

    /// One validation in [`VALIDATION_SAMPLE`] is timed.
    #[inline]
    fn validation_started(&self) -> Option<Instant> {
        thread_local! {
            static COUNT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
        }
        COUNT.with(|c| {
            let n = c.get().wrapping_add(1);
            c.set(n);
            (n % VALIDATION_SAMPLE == 0).then(Instant::now)
        })
    }

    #[inline]
    fn validated(&self, started: Option<Instant>, direction: Direction) {
        if let Some(t) = started {
            self.validation[direction as usize].observe(t.elapsed().as_secs_f64());
        }
    }

    fn emit_checked(
        &self,
        target: &EmitTarget<'_>,
        event: &str,
        kind: EmitKind,
        sent: Option<&crate::Args>,
    ) {
        if let Some(doc_path) = target.document_path() {
            self.emit(doc_path, event, kind, sent.is_none());
        }
    }

    fn ack_started(&self) -> Option<Instant> {
        Some(Instant::now())
    }

    fn client_ack(
        &self,
        target: &EmitTarget<'_>,
        event: &str,
        started: Option<Instant>,
        outcome: AckOutcome,
    ) {
        let Some(ns) = target
            .document_path()
            .and_then(|doc_path| self.namespaces.get(doc_path))
        else {
            return;
        };
        let e = ns.egress.get(event).unwrap_or(&ns.unknown_egress);
        let elapsed = || started.map_or(0.0, |t| t.elapsed().as_secs_f64());
        match outcome {
            AckOutcome::Answered => e.ack_duration.observe(elapsed()),
            AckOutcome::Invalid => {
                e.ack_duration.observe(elapsed());
                e.ack_invalid.inc();
            }
            AckOutcome::Timeout => {
                e.ack_timeouts.inc();
            }
        }
    }
}

impl NamespaceObserver for NamespaceMetrics {
    /// The handles of a received event (the unknown-event label if the document lacks it).
    fn event(&self, name: &str) -> Arc<dyn EventObserver> {
        self.events.get(name).unwrap_or(&self.unknown).clone()
    }

    fn unlisted_event(&self) -> Arc<dyn EventObserver> {
        self.unknown.clone()
    }

    fn connected(&self, _socket: &SocketInfo<'_>) {
        self.connects.inc();
        self.connections.inc();
    }

    fn refused(&self, stage: ConnectStage, _code: RefusalCode) {
        self.refusals[stage as usize].inc();
    }

    fn observes_disconnects(&self) -> bool {
        true
    }

    fn disconnected(&self, _socket: &SocketInfo<'_>) {
        self.connections.dec();
    }

    fn went_live(&self, _socket: &SocketInfo<'_>, outcome: RecoveryOutcome) {
        if let Some(recovery) = &self.recovery {
            recovery.went_live(outcome);
        }
    }
}

impl EventObserver for EventMetrics {
    #[inline]
    fn received(&self, _frame: &super::EventFrame<'_>) {
        self.received.inc();
    }

    fn refused(&self, code: RefusalCode) {
        self.refused
            .get_or_create(&vec![
                ("namespace", self.namespace.to_string()),
                ("event", self.name.to_string()),
                ("code", code.as_str().to_owned()),
            ])
            .inc();
    }

    #[inline]
    fn handler_started(&self) -> Option<Instant> {
        Some(Instant::now())
    }

    #[inline]
    fn handled(&self, started: Option<Instant>, outcome: HandlerOutcome) {
        if let Some(t) = started {
            self.handler_duration.observe(t.elapsed().as_secs_f64());
        }
        match outcome {
            HandlerOutcome::Ok => {}
            HandlerOutcome::Error => {
                self.handler_errors.inc();
            }
            HandlerOutcome::Panic => {
                self.handler_panics.inc();
            }
        }
    }
}

/// The route serving `metrics` at `path`: the classic Prometheus text, or OpenMetrics when the
/// scraper's `Accept` asks for it (`super::exposition`).
fn router(path: &str, metrics: Arc<ServerMetrics>) -> axum::Router {
    axum::Router::new().route(
        path,
        axum::routing::get(move |headers: http::HeaderMap| {
            let metrics = metrics.clone();
            async move {
                let accept = headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok());
                let openmetrics = metrics.encode();
                let (content_type, body) = if exposition::wants_openmetrics(accept) {
                    (exposition::OPENMETRICS, openmetrics)
                } else {
                    (exposition::CLASSIC, exposition::to_classic(&openmetrics))
                };
                (
                    [
                        (http::header::CONTENT_TYPE, content_type),
                        (http::header::VARY, "Accept"),
                    ],
                    body,
                )
            }
        }),
    )
}

/// The metrics as a server plug-in: the observer, the `{base}/metrics` route (linked from the
/// docs page) and the catch-all namespace that counts refusals of unknown namespaces.
pub(crate) struct MetricsPlugin {
    config: Metrics,
    /// Made by [`Plugin::attach`].
    attached: Option<Attached>,
}

/// What the metrics plug-in made for its server.
struct Attached {
    metrics: Arc<ServerMetrics>,
    /// Where the metrics are served, if they are.
    path: Option<String>,
    /// Whether the document defines `/` (else the catch-all registers it).
    has_root: bool,
}

impl Plugin for MetricsPlugin {
    fn attach(&mut self, site: &Site<'_>) {
        self.attached = Some(Attached {
            metrics: ServerMetrics::with_recovery(site.api, site.recovery.cloned()),
            path: self.config.path(site.socketio_path),
            has_root: site.api.namespaces.iter().any(|ns| ns.path == "/"),
        });
    }

    fn observer(&self) -> Option<Arc<dyn Observer>> {
        let metrics: Arc<dyn Observer> = self.attached.as_ref()?.metrics.clone();
        Some(metrics)
    }

    fn register_namespaces(
        &self,
        io: &SocketIo<LocalAdapter>,
    ) -> Result<(), NamespacePatternError> {
        match &self.attached {
            Some(a) => {
                let metrics = a.metrics.clone();
                super::unknown_namespaces::register(
                    io,
                    a.has_root,
                    Arc::new(move || metrics.unknown_namespace_refused()),
                )
            }
            None => Ok(()),
        }
    }

    fn routes(&self) -> Option<axum::Router> {
        let attached = self.attached.as_ref()?;
        Some(router(attached.path.as_deref()?, attached.metrics.clone()))
    }

    fn docs(&self, options: DocsOptions) -> DocsOptions {
        let path = self.attached.as_ref().and_then(|a| a.path.clone());
        options.metrics_path(path)
    }
}

impl<S: Clone + Send + Sync + 'static, A: Adapter> AsynctionSocketIo<S, A> {
    /// Keeps Prometheus metrics per namespace and event (connections, events, refusals,
    /// handler time, emits, client acks, validation time; see the README for every name) and
    /// serves them at `{base}/metrics` on the same listener, unless `metrics` says otherwise.
    /// Default: off.
    pub fn metrics(self, metrics: Metrics) -> Self {
        self.plugin(MetricsPlugin {
            config: metrics,
            attached: None,
        })
    }
}

impl<A: Adapter> Asynction<A> {
    /// The server's metrics (see [`AsynctionSocketIo::metrics`]), when on: encode them, or
    /// register their [`registry`](ServerMetrics::registry) in your exporter.
    pub fn metrics(&self) -> Option<&Arc<ServerMetrics>> {
        self.attached_metrics().map(|a| &a.metrics)
    }

    /// Where the metrics are served (`{base}/metrics` by default), if they are.
    pub fn metrics_path(&self) -> Option<&str> {
        self.attached_metrics().and_then(|a| a.path.as_deref())
    }

    fn attached_metrics(&self) -> Option<&Attached> {
        plugin::find::<MetricsPlugin>(self.plugins())?
            .attached
            .as_ref()
    }
}

#[cfg(feature = "redis")]
impl crate::cluster::Emitter {
    /// Counts this emitter's emits in `metrics` (`asynction_emits{kind="cluster"}`, and
    /// `asynction_emits_refused` for those egress validation refuses): a server's own
    /// ([`Asynction::metrics`]) when the server process also publishes through an emitter, or
    /// [`ServerMetrics::new`] in a worker that only publishes.
    pub fn metrics(self, metrics: Arc<ServerMetrics>) -> Self {
        self.observed_by(metrics)
    }
}
