//! The mock server: a running Socket.IO server made from the document alone, no handler code.
//!
//! ```no_run
//! use asynction::mock::{MockOptions, MockServer};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let doc = asynction::Document::from_path("asyncapi.yaml")?;
//! let mock = MockServer::new(doc, MockOptions { seed: Some(7), ..MockOptions::default() })?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:5000").await?;
//! mock.serve(listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
//! # Ok(()) }
//! ```
//!
//! What it does:
//! - **Ingress**: every event clients may send (of every namespace) is registered, whatever
//!   its `x-handler`; `x-handler` and `x-handlers` ids are ignored (no connect, disconnect or
//!   error handlers run). Validation is the real server's: an invalid event gets an error ack,
//!   a handshake that breaks `bindings.ws` a `connect_error`, an unknown namespace is refused.
//!   An event with an ack schema is acknowledged with a fake value valid against it; an event
//!   without one gets an empty ack when the client asks for one. One ack value is drawn per
//!   accepted event (whether or not the client asked for an ack).
//! - **Security**: the mock policy (`mock/security.rs`, plugged into the builder as its
//!   credential policy): credentials are checked for presence and shape only.
//! - **Egress**: per namespace with events the server sends, one task emits one event per
//!   [`MockOptions::interval`], round-robin over those events in document order, to every client
//!   of the namespace, through [`ValidatedIo`] (so nothing the document forbids is ever sent).
//!   While the namespace has no client, nothing is generated and the round-robin does not
//!   advance. A namespace without egress events gets no task at all: a document without egress
//!   events leaves the process idle. A failed emit is logged and the task goes on. Emits do
//!   not ask clients for acks (an egress event's ack schema is documented, not exercised).
//! - **Dynamic namespaces** (`/tenant/{id}`): the task of the document namespace emits each
//!   event to every concrete namespace (`/tenant/acme`, `/tenant/zeta`, …) that currently has
//!   a client — the same generated value to all of them.
//! - **Reproducible**: with [`MockOptions::seed`], each namespace's stream, each event's acks
//!   and the docs examples come from their own RNG seeded from the seed and the namespace path
//!   (and event name), so one client sees the same sequence on every run. Without a seed, a
//!   random one is drawn and reported by [`MockServer::seed`].
//! - **Startup checks**: every generator is built at startup; unsatisfiable schemas are all
//!   reported at once ([`MockError::Unsatisfiable`]), each with its file position and pointer.
//! - **Docs**: served as by the real server, with examples made by the same generators for
//!   events whose message has no `examples`.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use socketioxide::adapter::LocalAdapter;
use tokio::task::JoinSet;

use super::generate::{FakeGenerator, GenerateError, fake_arguments};
use super::security::MockPolicy;
use crate::docs::{DocsError, DocsOptions, ExampleGenerator};
use crate::model::{Event, Namespace, Schema};
use crate::server::handler::BoxedHandler;
use crate::server::{Asynction, AsynctionSocketIo, BuildError, Reply, ValidatedIo};
use crate::spec::{Diagnostic, Document, SpecError};
use crate::validate::ExampleCheck;
use crate::wire::Args;

/// How the mock server runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockOptions {
    /// Time between two events of one namespace's stream. Default: 1 s.
    pub interval: Duration,
    /// Seed of every random choice (streams, acks, docs examples); `None` draws one.
    pub seed: Option<u64>,
    /// Validate events, acks, emits and handshakes against the document. Default: on.
    pub validation: bool,
    /// The document's server to run as (its Socket.IO path and security).
    pub server: Option<String>,
    /// Overrides the Socket.IO path.
    pub path: Option<String>,
    /// Serve the docs at `{base}/docs`. Default: on.
    pub docs: bool,
    /// Add the live console to the docs page ([`crate::docs::DocsOptions::console`]).
    /// Default: on (a mock is where a client author tries an API).
    pub console: bool,
    /// The docs page reloads itself when the document is replaced ([`crate::docs::DocsOptions::live_reload`]):
    /// for a mock served by a [`ReloadingMock`](crate::mock::ReloadingMock), which serves the
    /// version stream. Default: off.
    pub live_reload: bool,
    /// Log every frame in and out at `debug` level (target `asynction::frames`: namespace,
    /// event, arguments with credentials redacted, verdict, refusal code). Default: off.
    pub debug: bool,
    /// Keep Prometheus metrics and serve them at `{base}/metrics` (feature `metrics`).
    /// Default: off.
    #[cfg(feature = "metrics")]
    pub metrics: bool,
}

impl Default for MockOptions {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(1),
            seed: None,
            validation: true,
            server: None,
            path: None,
            docs: true,
            console: true,
            live_reload: false,
            debug: false,
            #[cfg(feature = "metrics")]
            metrics: false,
        }
    }
}

/// Why the mock server could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MockError {
    /// The document, its server selection or its security cannot make a server.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// Schemas for which no value can be generated: every one, with its position and pointer.
    #[error("{0}")]
    Unsatisfiable(SpecError),
    /// The docs page could not be prepared.
    #[error(transparent)]
    Docs(#[from] DocsError),
    /// [`MockOptions::interval`] is zero.
    #[error("the emit interval must be longer than zero")]
    ZeroInterval,
}

impl MockError {
    /// The document problems behind the error, each with file, line, column and pointer (empty
    /// for errors that are not about the document's text).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            MockError::Build(BuildError::Spec(e)) | MockError::Unsatisfiable(e) => e.diagnostics(),
            _ => &[],
        }
    }
}

/// One egress event of a stream and its generator (`None`: the event has no payload schema).
struct StreamEvent {
    name: String,
    generator: Option<Arc<FakeGenerator>>,
}

/// The periodic emits of one document namespace.
struct Stream {
    doc_path: String,
    dynamic: bool,
    seed: u64,
    events: Vec<StreamEvent>,
}

/// A mock Socket.IO server for one document. Build it with [`MockServer::new`], then
/// [`MockServer::serve`] it (or [`MockServer::start_emitters`] + [`MockServer::into_router`]).
pub struct MockServer {
    app: Asynction,
    streams: Vec<Arc<Stream>>,
    interval: Duration,
    seed: u64,
    docs: Option<(String, axum::Router)>,
    live_reload: bool,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("socketio_path", &self.app.socketio_path())
            .field("streams", &self.streams.len())
            .field("interval", &self.interval)
            .field("seed", &self.seed)
            .finish()
    }
}

/// SplitMix64: spreads a 64-bit value over all bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of the stream called `label` (a namespace path, `ack <ns> <event>`, `docs`):
/// stable across runs, platforms and Rust versions (FNV-1a of the label, mixed with `seed`).
pub(crate) fn derive_seed(seed: u64, label: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in label.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    mix(seed ^ hash)
}

/// Generators of every schema, keyed by pointer; failures of the schemas the mock must
/// generate (egress payloads, ingress acks) are collected as diagnostics.
struct Generators {
    by_pointer: HashMap<String, Arc<FakeGenerator>>,
    failures: Vec<Diagnostic>,
}

impl Generators {
    fn build(doc: &Document) -> Self {
        let mut out = Generators {
            by_pointer: HashMap::new(),
            failures: Vec::new(),
        };
        // Only examples that match their schemas are used (the others are warned about).
        let checked = ExampleCheck::run(doc);
        for ns in &doc.api.namespaces {
            let sides = [(&ns.ingress, false), (&ns.egress, true)];
            for (events, egress) in sides {
                for ev in events {
                    let examples = checked.valid_payloads(ev);
                    let schemas = [
                        (ev.payload.as_ref(), "payload", egress, &examples[..]),
                        (ev.ack.as_ref(), "ack", !egress, &[][..]),
                    ];
                    for (schema, role, required, examples) in schemas {
                        let Some(schema) = schema else { continue };
                        if out.by_pointer.contains_key(&schema.pointer) {
                            continue;
                        }
                        match FakeGenerator::new(schema, &doc.resolved, examples) {
                            Ok(g) => {
                                out.by_pointer.insert(schema.pointer.clone(), Arc::new(g));
                            }
                            Err(e) if required => {
                                let pointer = match &e {
                                    GenerateError::Unsatisfiable { pointer, .. }
                                    | GenerateError::InvalidSchema { pointer, .. } => pointer,
                                };
                                out.failures.push(doc.diagnostic(
                                    pointer,
                                    format!(
                                        "namespace {} event '{}' {role}: {e}",
                                        ns.path, ev.name
                                    ),
                                ));
                            }
                            Err(e) => {
                                tracing::debug!(namespace = %ns.path, event = %ev.name, role, error = %e, "no docs examples for this schema");
                            }
                        }
                    }
                }
            }
        }
        out
    }

    fn get(&self, schema: Option<&Schema>) -> Option<Arc<FakeGenerator>> {
        schema.and_then(|s| self.by_pointer.get(&s.pointer).cloned())
    }
}

/// Example values for the docs ([`DocsOptions::example_generator`]) made by the mock's
/// generators, seeded from `seed`: what the mock server plugs into its docs, for use with
/// [`crate::docs::write_static_site`] too. Schemas no value can be generated for get none.
pub fn docs_example_generator(doc: &Document, seed: u64) -> ExampleGenerator {
    examples_from(Generators::build(doc).by_pointer, seed)
}

fn examples_from(by_pointer: HashMap<String, Arc<FakeGenerator>>, seed: u64) -> ExampleGenerator {
    let rng = Mutex::new(StdRng::seed_from_u64(derive_seed(seed, "docs")));
    Arc::new(move |schema: &Schema| {
        let generator = by_pointer.get(&schema.pointer)?;
        let mut rng = rng.lock().unwrap_or_else(|e| e.into_inner());
        Some(generator.generate(&mut *rng))
    })
}

/// The handler of one ingress event: a fake ack from `generator`, or no ack data.
fn ack_handler(generator: Option<Arc<FakeGenerator>>, seed: u64) -> BoxedHandler<(), LocalAdapter> {
    let rng = Arc::new(Mutex::new(StdRng::seed_from_u64(seed)));
    Arc::new(move |_ctx| {
        let reply = match &generator {
            Some(g) => {
                let mut rng = rng.lock().unwrap_or_else(|e| e.into_inner());
                Reply::Ack(Args::json(fake_arguments(Some(g), &mut *rng)))
            }
            None => Reply::NoAck,
        };
        Box::pin(async move { Ok(reply) })
    })
}

impl MockServer {
    /// Builds the mock for `doc`: every generator, the Socket.IO service and the docs.
    pub fn new(doc: Document, options: MockOptions) -> Result<Self, MockError> {
        if options.interval.is_zero() {
            return Err(MockError::ZeroInterval);
        }
        let seed = options.seed.unwrap_or_else(rand::random);
        let generators = Generators::build(&doc);
        if !generators.failures.is_empty() {
            return Err(MockError::Unsatisfiable(SpecError::new(
                generators.failures,
            )));
        }
        let streams: Vec<Arc<Stream>> = doc
            .api
            .namespaces
            .iter()
            .filter(|ns| !ns.egress.is_empty())
            .map(|ns| {
                Arc::new(Stream {
                    doc_path: ns.path.clone(),
                    dynamic: ns.is_dynamic(),
                    seed: derive_seed(seed, &ns.path),
                    events: ns
                        .egress
                        .iter()
                        .map(|ev| StreamEvent {
                            name: ev.name.clone(),
                            generator: generators.get(ev.payload.as_ref()),
                        })
                        .collect(),
                })
            })
            .collect();
        let acks: HashMap<(String, String), Option<Arc<FakeGenerator>>> = doc
            .api
            .namespaces
            .iter()
            .flat_map(|ns| {
                ns.ingress.iter().map(|ev| {
                    (
                        (ns.path.clone(), ev.name.clone()),
                        generators.get(ev.ack.as_ref()),
                    )
                })
            })
            .collect();
        let mut builder = AsynctionSocketIo::from_document(doc)
            .credential_policy(Arc::new(MockPolicy))
            .validation(options.validation)
            .docs(false)
            .generated_handlers(move |ns: &Namespace, ev: &Event| {
                let generator = acks
                    .get(&(ns.path.clone(), ev.name.clone()))
                    .cloned()
                    .flatten();
                let label = format!("ack {} {}", ns.path, ev.name);
                ack_handler(generator, derive_seed(seed, &label))
            });
        if let Some(server) = &options.server {
            builder = builder.server(server.clone());
        }
        if options.debug {
            builder = builder.plugin(crate::observe::frames::FrameLog::default());
        }
        if let Some(path) = &options.path {
            builder = builder.path(path.clone());
        }
        #[cfg(feature = "metrics")]
        if options.metrics {
            builder = builder.metrics(crate::observe::metrics::Metrics::new());
        }
        let app = builder.build()?;
        let docs = if options.docs {
            let mut docs_options = app.plugin_docs(
                DocsOptions::default()
                    .socketio_path(app.socketio_path().to_owned())
                    .console(options.console)
                    .live_reload(options.live_reload),
            );
            if let Some(server) = &options.server {
                docs_options = docs_options.server(server.clone());
            }
            docs_options.example_generator = Some(examples_from(generators.by_pointer, seed));
            let path = docs_options.docs_path();
            Some((path, crate::docs::try_router(&app.document, docs_options)?))
        } else {
            None
        };
        Ok(Self {
            app,
            streams,
            interval: options.interval,
            seed,
            docs,
            live_reload: options.live_reload,
        })
    }

    /// The seed in use ([`MockOptions::seed`], or the one drawn): pass it back to replay.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The Socket.IO request path (e.g. `/socket.io`).
    pub fn socketio_path(&self) -> &str {
        self.app.socketio_path()
    }

    /// The document's server the mock runs as (its path and security), if one applies.
    pub fn server(&self) -> Option<&str> {
        self.app.server()
    }

    /// What a client must send to connect to each namespace (handshake bindings, the
    /// credentials of the security in force and where they go). The mock accepts any
    /// well-formed credential.
    pub fn connect_requirements(&self) -> Vec<crate::docs::ConnectRequirements> {
        crate::docs::ConnectRequirements::of(&self.app.document.api, self.server())
    }

    /// The connection state recovery the mock runs with (the document's
    /// `x-socketio-recovery` for the server it runs as), if any.
    pub fn recovery(&self) -> Option<crate::model::Recovery> {
        let api = &self.app.document.api;
        api.recovery_for(self.server().and_then(|name| api.server(name)))
    }

    /// Where the metrics are served ([`MockOptions`]`::metrics`), if they are.
    pub fn metrics_path(&self) -> Option<&str> {
        #[cfg(feature = "metrics")]
        return self.app.metrics_path();
        #[cfg(not(feature = "metrics"))]
        None
    }

    /// Where the docs are served, if they are.
    pub fn docs_path(&self) -> Option<&str> {
        self.docs.as_ref().map(|(path, _)| path.as_str())
    }

    /// Where the docs' version stream is to be served ([`MockOptions::live_reload`] with the
    /// docs on): `{docs}/events`.
    pub fn live_reload_path(&self) -> Option<String> {
        self.live_reload
            .then(|| self.docs_path().map(crate::docs::events_path))
            .flatten()
    }

    /// The loaded document.
    pub fn document(&self) -> &Document {
        &self.app.document
    }

    /// What the drain on shutdown needs: the server's lifecycle and its drain options.
    pub(crate) fn drain_parts(
        &self,
    ) -> (crate::lifecycle::Lifecycle, crate::lifecycle::DrainOptions) {
        (self.app.lifecycle(), self.app.drain_options())
    }

    /// The validated server handle (emit anything else you like).
    pub fn io(&self) -> &ValidatedIo {
        &self.app.io
    }

    /// The document namespaces that get a periodic stream (those with egress events).
    pub fn streamed_namespaces(&self) -> Vec<&str> {
        self.streams.iter().map(|s| s.doc_path.as_str()).collect()
    }

    /// Starts the periodic emits: one task per namespace with egress events, running until the
    /// returned [`MockEmitters`] is dropped. Call inside a tokio runtime.
    pub fn start_emitters(&self) -> MockEmitters {
        let mut tasks = JoinSet::new();
        for stream in &self.streams {
            tasks.spawn(run_stream(
                self.app.io.clone(),
                stream.clone(),
                self.interval,
            ));
        }
        MockEmitters { tasks }
    }

    /// The router: Socket.IO at [`MockServer::socketio_path`] and the docs, every response
    /// naming the server ([`identify_layer`](crate::identify_layer)). Emits need
    /// [`MockServer::start_emitters`] too.
    pub fn into_router(self) -> axum::Router {
        let mut router = axum::Router::new();
        if let Some((_, docs)) = self.docs {
            router = router.merge(docs);
        }
        router
            .merge(self.app.plugin_routes())
            .layer(self.app.layer)
            .layer(crate::identify_layer())
    }

    /// Serves the mock on `listener` (with `TCP_NODELAY`) and runs its emitters, until
    /// `shutdown` resolves; then its emitters stop and it drains as a server does
    /// ([`crate::lifecycle`]: readiness `draining`, running handlers finish, every client
    /// disconnected) and in-flight requests finish.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        let emitters = self.start_emitters();
        let io = self.app.io.clone();
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY could not be set");
            }
        });
        let (lifecycle, drain) = (self.app.lifecycle(), self.app.drain_options());
        let shutdown = async move {
            shutdown.await;
            drop(emitters);
            crate::lifecycle::drain(&lifecycle, &io, drain).await;
        };
        axum::serve(listener, self.into_router())
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// The running periodic-emit tasks; dropping this stops them.
#[derive(Debug)]
pub struct MockEmitters {
    tasks: JoinSet<()>,
}

impl MockEmitters {
    /// How many emit tasks run (one per namespace with egress events).
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no task runs (the document has no egress events).
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }
}

/// The concrete namespaces of `stream` that have at least one client.
fn targets(io: &ValidatedIo, stream: &Stream) -> Vec<String> {
    if !stream.dynamic {
        let has_clients = io
            .io
            .of(&stream.doc_path)
            .is_some_and(|ops| !ops.sockets().is_empty());
        return if has_clients {
            vec![stream.doc_path.clone()]
        } else {
            Vec::new()
        };
    }
    let mut paths: Vec<String> = io
        .io
        .nsps()
        .into_iter()
        .filter(|ops| {
            io.rt.namespaces.document_path(ops.ns_path()) == Some(stream.doc_path.as_str())
        })
        .filter_map(|ops| {
            let path = ops.ns_path().to_owned();
            (!ops.sockets().is_empty()).then_some(path)
        })
        .collect();
    paths.sort();
    paths
}

/// One namespace's stream: an event per tick, round-robin, while it has clients.
async fn run_stream(io: ValidatedIo, stream: Arc<Stream>, interval: Duration) {
    let mut rng = StdRng::seed_from_u64(stream.seed);
    let mut next = 0usize;
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let targets = targets(&io, &stream);
        if targets.is_empty() {
            continue;
        }
        let event = &stream.events[next % stream.events.len()];
        next = next.wrapping_add(1);
        let args = Args::json(fake_arguments(event.generator.as_deref(), &mut rng));
        for path in targets {
            let sent = match io.of(&path) {
                Ok(ops) => ops.emit_args(&event.name, &args).await,
                Err(e) => Err(e),
            };
            match sent {
                Ok(()) => {
                    tracing::debug!(namespace = %path, event = %event.name, "mock emit");
                }
                Err(e) => {
                    tracing::warn!(namespace = %path, event = %event.name, error = %e, "mock emit failed; the stream goes on");
                }
            }
        }
    }
}
