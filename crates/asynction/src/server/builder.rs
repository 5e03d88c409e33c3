//! From an AsyncAPI document and handler functions to a running Socket.IO service.
//!
//! ```no_run
//! use asynction::server::{Ack, AsynctionSocketIo, Payload, ValidatedSocket};
//!
//! #[derive(serde::Deserialize)]
//! struct LogIn { username: String }
//!
//! async fn log_in(socket: ValidatedSocket, Payload(body): Payload<LogIn>) -> Ack<bool> {
//!     let _ = socket.emit("welcome", &body.username);
//!     Ack(true)
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let app = AsynctionSocketIo::from_spec("asyncapi.yaml")?
//!     .handler("user_accounts.log_in", log_in)
//!     .build()?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:5000").await?;
//! axum::serve(listener, app.into_router()).await?;
//! # Ok(()) }
//! ```
//!
//! # State and adapter come last, as types the handlers decide
//!
//! Handlers name the state they extract ([`State<S>`](super::State)) and the adapter their
//! socket handles run on ([`ValidatedSocket<A>`](super::ValidatedSocket)) in their types. So
//! [`AsynctionSocketIo<S, A>`] does not fix either up front: like axum's `Router<S>`, `S` is
//! the state the registered handlers *need*, inferred from them, and is given last:
//!
//! - [`AsynctionSocketIo::with_state`] takes the state and returns an [`AsynctionWithState`],
//!   which can only build. A state-taking handler cannot be registered after it (there is no
//!   `handler` method there), and [`AsynctionSocketIo::build`] does not compile while the
//!   handlers need a state that was not given ([`NoState`] explains the error).
//! - The adapter is named by the build method: [`AsynctionSocketIo::build`] runs on
//!   socketioxide's `LocalAdapter`, `build_redis` (feature `redis`) on
//!   `asynction::cluster::RedisAdapter`, [`AsynctionSocketIo::build_with_adapter`] on any other
//!   (name it where inference cannot: `AsynctionSocketIo::<_, MyAdapter>::from_spec(..)`).
//!   Handlers generic over `A: Adapter` serve every adapter.
//!
//! The earlier design (`with_state` / `with_adapter` retyping the builder, dropping the
//! handlers registered before it and failing `build()` at run time) made a mistake possible
//! that the compiler can rule out; this one cannot be called in the wrong order.
//!
//! ```no_run
//! use asynction::server::{AsynctionSocketIo, State};
//!
//! #[derive(Clone, Default)]
//! struct Users;
//!
//! async fn sign_up(State(_users): State<Users>) {}
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let app = AsynctionSocketIo::from_spec("asyncapi.yaml")?
//!     .handler("user_accounts.sign_up", sign_up)
//!     .with_state(Users::default())
//!     .build()?;
//! # Ok(()) }
//! ```

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use socketioxide::adapter::{Adapter, Emitter, LocalAdapter};
use socketioxide::extract::{SocketRef, TryData};
use socketioxide::handler::ConnectHandler;
use socketioxide::layer::SocketIoLayer;
use socketioxide::{ParserConfig, SocketIo, SocketIoBuilder};
use socketioxide_core::adapter::{CoreAdapter, DefinedAdapter, Spawnable};

use super::connect::{accept, deliver_pending_emits};
use super::dispatch::serve;
use super::emit::ValidatedIo;
use super::handler::{BoxedHandler, EventRoute, Handler, NamespaceHandlers, boxed};
use super::limits::{HeaderLimitLayer, Limits};
use super::namespaces::{NamespaceIndex, NamespacePatternError};
use super::runtime::{NamespaceRuntime, SpecRuntime};
use crate::security::{Authenticator, SecurityHandlers};
use crate::spec::{Document, SpecError};
use crate::validate::Validators;

/// Why a server could not be built. Every problem of a kind is listed at once.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The document is invalid (or one of its schemas).
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// Handlers missing for ids the document names, or registered for ids it does not name.
    #[error("{}", handler_message(.missing, .unknown))]
    Handlers {
        /// `(handler id, where the document names it)` with no registered function.
        missing: Vec<(String, String)>,
        /// Registered ids the document never names.
        unknown: Vec<String>,
    },
    /// `server(name)` names no server of the document.
    #[error("server '{name}' is not defined in the AsyncAPI document (servers: {available})")]
    UnknownServer {
        /// The requested name.
        name: String,
        /// The document's server names.
        available: String,
    },
    /// A namespace could not be registered with socketioxide.
    #[error("namespace {path} could not be registered: {reason}")]
    Namespace {
        /// The namespace path.
        path: String,
        /// socketioxide's reason.
        reason: String,
    },
    /// The security schemes and the registered security handlers disagree.
    #[error(transparent)]
    Security(#[from] crate::security::SecurityConfigError),
    /// Several servers define different security and none was selected.
    #[error(
        "the document has several servers with different security ({0}); select one with .server(name)"
    )]
    AmbiguousServer(String),
    /// Events routed in code with [`AsynctionSocketIo::on`] that the document does not let
    /// through: every problem is listed.
    #[error("{}", route_message(.0))]
    Routes(Vec<RouteError>),
}

/// Why one [`AsynctionSocketIo::on`] route was refused by `build()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    /// The document defines no namespace at this path.
    #[error(
        "event '{event}' is routed to namespace {namespace}, which the document does not define (namespaces: {available})"
    )]
    UnknownNamespace {
        /// The namespace given to `on`.
        namespace: String,
        /// The event given to `on`.
        event: String,
        /// The document's namespaces.
        available: String,
    },
    /// The namespace exists but does not receive this event from clients.
    #[error("namespace {namespace} does not receive event '{event}' (it receives: {receives})")]
    UnknownEvent {
        /// The namespace given to `on`.
        namespace: String,
        /// The event given to `on`.
        event: String,
        /// The events the namespace receives.
        receives: String,
    },
    /// The document names an `x-handler` for the event: it is routed by that id, so a second
    /// route in code would make the handler ambiguous.
    #[error(
        "namespace {namespace} event '{event}' has x-handler '{handler_id}' and is also routed with .on(); register it one way"
    )]
    AlsoXHandler {
        /// The namespace given to `on`.
        namespace: String,
        /// The event given to `on`.
        event: String,
        /// The document's handler id.
        handler_id: String,
    },
    /// `on` was called twice for the same event.
    #[error("namespace {namespace} event '{event}' is routed with .on() more than once")]
    Duplicate {
        /// The namespace given to `on`.
        namespace: String,
        /// The event given to `on`.
        event: String,
    },
}

fn route_message(errors: &[RouteError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<NamespacePatternError> for BuildError {
    fn from(e: NamespacePatternError) -> Self {
        BuildError::Namespace {
            path: e.path,
            reason: e.reason,
        }
    }
}

fn handler_message(missing: &[(String, String)], unknown: &[String]) -> String {
    let mut parts = Vec::new();
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .map(|(id, at)| format!("'{id}' ({at})"))
            .collect();
        parts.push(format!("no handler registered for {}", list.join(", ")));
    }
    if !unknown.is_empty() {
        parts.push(format!(
            "handlers registered for ids the document does not name: {}",
            unknown.join(", ")
        ));
    }
    parts.join("; ")
}

type Configure =
    Box<dyn FnOnce(SocketIoBuilder<LocalAdapter>) -> SocketIoBuilder<LocalAdapter> + Send>;

/// Supplies the handler of every ingress event (crate-internal: the mock server). When set,
/// `x-handler` / `x-handlers` ids are ignored and not checked.
pub(crate) type GeneratedHandlers<S, A> =
    Box<dyn Fn(&crate::model::Namespace, &crate::model::Event) -> BoxedHandler<S, A> + Send>;

/// Builds a Socket.IO server from an AsyncAPI document: register a handler for every id the
/// document names (and route events without one with [`AsynctionSocketIo::on`]), then
/// [`AsynctionSocketIo::build`] — or give the handlers' state with
/// [`AsynctionSocketIo::with_state`] and build that.
///
/// `S` is the state the registered handlers extract and `A` the adapter they run on; both are
/// inferred (see the [module docs](self)).
#[must_use = "a builder does nothing until it is built"]
pub struct AsynctionSocketIo<S = (), A: Adapter = LocalAdapter> {
    doc: Document,
    handlers: HashMap<String, BoxedHandler<S, A>>,
    routes: Vec<CodeRoute<S, A>>,
    server: Option<String>,
    path: Option<String>,
    validation: bool,
    docs: bool,
    docs_console: bool,
    ack_timeout: Duration,
    configure: Vec<Configure>,
    security: SecurityMode,
    generated: Option<GeneratedHandlers<S, A>>,
    limits: Limits,
    #[cfg(feature = "msgpack")]
    msgpack: bool,
    #[cfg(feature = "metrics")]
    metrics: Option<crate::observe::Metrics>,
}

/// The handlers of [`AsynctionSocketIo::on`] routes by `(namespace, event)`, once checked.
type RoutedHandlers<'a, S, A> = HashMap<(&'a str, &'a str), BoxedHandler<S, A>>;

/// An event routed in code with [`AsynctionSocketIo::on`].
struct CodeRoute<S, A: Adapter> {
    namespace: String,
    event: String,
    handler: BoxedHandler<S, A>,
}

/// How connections are authenticated.
#[derive(Clone)]
pub(crate) enum SecurityMode {
    Handlers(SecurityHandlers),
    #[cfg(feature = "mock")]
    Mock,
}

/// An [`AsynctionSocketIo`] whose handlers have their state: all that is left is to build it.
/// Made by [`AsynctionSocketIo::with_state`]; handlers are registered before that call.
#[must_use = "a builder does nothing until it is built"]
pub struct AsynctionWithState<S, A: Adapter = LocalAdapter> {
    builder: AsynctionSocketIo<S, A>,
    state: S,
}

/// Implemented only by `()` for `NoState<()>`: [`AsynctionSocketIo::build`] needs it, so a
/// builder whose handlers take a [`State<S>`](super::State) cannot be built before the state is
/// given with [`AsynctionSocketIo::with_state`]. Sealed.
#[diagnostic::on_unimplemented(
    message = "the handlers take `State<{S}>`, but no state was given",
    label = "this needs the state first",
    note = "give it last, just before building: `.with_state(value).build()`"
)]
pub trait NoState<S>: sealed::Sealed {
    /// The state of handlers that take none.
    fn no_state(self) -> S;
}

impl NoState<()> for () {
    fn no_state(self) {}
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for () {}
}

impl<S, A: Adapter> AsynctionSocketIo<S, A> {
    /// Loads the document at `path` (YAML or JSON, AsyncAPI 2.x or 3.x). A document with
    /// errors is refused with all of them: of loading, of its JSON Schemas and of its examples
    /// ([`crate::lint::load_checked`]).
    pub fn from_spec(path: impl AsRef<Path>) -> Result<Self, SpecError> {
        Self::from_spec_with(path, &crate::LoadOptions::default())
    }

    /// [`from_spec`](Self::from_spec) with explicit [`LoadOptions`](crate::LoadOptions): size
    /// limits, and the argument convention of a document one cannot edit.
    ///
    /// ```no_run
    /// use asynction::model::ArgumentList;
    /// use asynction::{AsynctionSocketIo, LoadOptions};
    ///
    /// // A zod-sockets document describes every payload as the whole argument list.
    /// let options = LoadOptions::default().socketio_args(ArgumentList::Spread);
    /// let app = AsynctionSocketIo::from_spec_with("asyncapi.yaml", &options)?.build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_spec_with(
        path: impl AsRef<Path>,
        options: &crate::LoadOptions,
    ) -> Result<Self, SpecError> {
        Ok(Self::from_document(crate::lint::load_checked(
            path, options, true,
        )?))
    }

    /// Starts from an already loaded document.
    pub fn from_document(doc: Document) -> Self {
        Self {
            doc,
            handlers: HashMap::new(),
            routes: Vec::new(),
            server: None,
            path: None,
            validation: true,
            docs: true,
            docs_console: false,
            ack_timeout: Duration::from_secs(5),
            configure: Vec::new(),
            security: SecurityMode::Handlers(SecurityHandlers::new()),
            generated: None,
            limits: Limits::default(),
            #[cfg(feature = "msgpack")]
            msgpack: false,
            #[cfg(feature = "metrics")]
            metrics: None,
        }
    }

    /// Gives the handlers their shared state (extracted with [`State<S>`](super::State)), last:
    /// what remains can only be built. Register every handler before this call.
    pub fn with_state(self, state: S) -> AsynctionWithState<S, A> {
        AsynctionWithState {
            builder: self,
            state,
        }
    }
}

/// A built server: mount [`Asynction::into_router`], or the layer into your own app.
#[must_use = "a built server serves nothing until it is mounted or served"]
pub struct Asynction<A: Adapter = LocalAdapter> {
    /// The socketioxide layer serving Socket.IO at [`Asynction::socketio_path`].
    pub layer: SocketIoLayer<A>,
    /// The server handle for validated emits from anywhere.
    pub io: ValidatedIo<A>,
    /// The loaded document.
    pub document: Document,
    socketio_path: String,
    server: Option<String>,
    docs: bool,
    docs_console: bool,
    max_header_bytes: usize,
    #[cfg(feature = "metrics")]
    metrics: Option<(Arc<crate::observe::ServerMetrics>, Option<String>)>,
}

impl<A: Adapter> Asynction<A> {
    /// The Socket.IO request path (e.g. `/socket.io`).
    pub fn socketio_path(&self) -> &str {
        &self.socketio_path
    }

    /// Where the docs are served (`{base}/docs`), if enabled.
    pub fn docs_path(&self) -> Option<String> {
        self.docs
            .then(|| format!("{}/docs", crate::model::docs_base(&self.socketio_path)))
    }

    /// The server's metrics (see [`AsynctionSocketIo::metrics`]), when on: encode them, or
    /// register their [`registry`](crate::observe::ServerMetrics::registry) in your exporter.
    #[cfg(feature = "metrics")]
    pub fn metrics(&self) -> Option<&Arc<crate::observe::ServerMetrics>> {
        self.metrics.as_ref().map(|(m, _)| m)
    }

    /// Where the metrics are served (`{base}/metrics` by default), if they are.
    #[cfg(feature = "metrics")]
    pub fn metrics_path(&self) -> Option<&str> {
        self.metrics.as_ref().and_then(|(_, p)| p.as_deref())
    }

    /// The metrics route alone, when metrics are on and served.
    #[cfg(all(feature = "metrics", feature = "mock"))]
    pub(crate) fn metrics_router(&self) -> Option<axum::Router> {
        match &self.metrics {
            Some((metrics, Some(path))) => {
                Some(crate::observe::metrics::router(path, metrics.clone()))
            }
            _ => None,
        }
    }

    /// Serves [`Asynction::into_router`] on `listener` with `TCP_NODELAY` on every connection
    /// (Socket.IO traffic is small request/ack messages: Nagle's algorithm only adds latency),
    /// until `shutdown` resolves.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY could not be set");
            }
        });
        axum::serve(listener, self.into_router())
            .with_graceful_shutdown(shutdown)
            .await
    }

    /// A ready router: Socket.IO plus the docs routes, behind the request head limit
    /// ([`super::limits::HeaderLimitLayer`], see [`AsynctionSocketIo::max_header_bytes`]),
    /// every response naming the server ([`super::identify`]).
    pub fn into_router(self) -> axum::Router {
        let mut router = axum::Router::new();
        #[cfg(feature = "metrics")]
        let metrics_path = self.metrics_path().map(str::to_owned);
        #[cfg(not(feature = "metrics"))]
        let metrics_path: Option<String> = None;
        #[cfg(feature = "metrics")]
        if let Some((metrics, Some(path))) = &self.metrics {
            router = router.merge(crate::observe::metrics::router(path, metrics.clone()));
        }
        if self.docs {
            let mut options = crate::docs::DocsOptions::default()
                .socketio_path(self.socketio_path.clone())
                .console(self.docs_console)
                .metrics_path(metrics_path);
            if let Some(server) = &self.server {
                options = options.server(server.clone());
            }
            router = router.merge(crate::docs::router(&self.document, options));
        }
        router
            .layer(self.layer)
            .layer(HeaderLimitLayer::new(self.max_header_bytes))
            .layer(super::identify::layer())
    }
}

impl<S: Clone + Send + Sync + 'static, A: Adapter> AsynctionSocketIo<S, A> {
    /// Registers the function for handler id `id` (an `x-handler` of a message or operation, or
    /// an `x-handlers` entry of a channel).
    pub fn handler<H, T>(mut self, id: impl Into<String>, handler: H) -> Self
    where
        H: Handler<T, S, A>,
        T: 'static,
    {
        self.handlers.insert(id.into(), boxed(handler));
        self
    }

    /// Routes the event `event` of namespace `namespace` (its path as the document writes it,
    /// e.g. `/user` or `/tenant/{id}`) to `handler`, for events the document gives no
    /// `x-handler`. Checked by `build()` like handler ids: a namespace the document does not
    /// define, an event the namespace does not receive, an event that has an `x-handler`, or a
    /// second route for the same event is a [`BuildError::Routes`].
    ///
    /// ```no_run
    /// use asynction::server::{Ack, AsynctionSocketIo, Payload};
    ///
    /// async fn echo(Payload(text): Payload<String>) -> Ack<String> {
    ///     Ack(text)
    /// }
    ///
    /// # fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let app = AsynctionSocketIo::from_spec("asyncapi.yaml")?
    ///     .on("/chat", "echo", echo)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn on<H, T>(
        mut self,
        namespace: impl Into<String>,
        event: impl Into<String>,
        handler: H,
    ) -> Self
    where
        H: Handler<T, S, A>,
        T: 'static,
    {
        self.routes.push(CodeRoute {
            namespace: namespace.into(),
            event: event.into(),
            handler: boxed(handler),
        });
        self
    }

    /// Takes every ingress event's handler from `make` instead of the registered functions, and
    /// ignores the document's `x-handler` / `x-handlers` ids (no handler-id checks; no
    /// connect, disconnect or error handlers). Used by the mock server.
    #[cfg_attr(not(feature = "mock"), allow(dead_code))]
    pub(crate) fn generated_handlers(
        mut self,
        make: impl Fn(&crate::model::Namespace, &crate::model::Event) -> BoxedHandler<S, A>
        + Send
        + 'static,
    ) -> Self {
        self.generated = Some(Box::new(make));
        self
    }

    /// The functions that check credentials, registered under the ids the document's security
    /// schemes name (`x-basicInfoFunc`, `x-bearerInfoFunc`, `x-apiKeyInfoFunc`,
    /// `x-tokenInfoFunc`, `x-scopeValidateFunc`). See [`crate::security`].
    pub fn security_handlers(mut self, handlers: SecurityHandlers) -> Self {
        self.security = SecurityMode::Handlers(handlers);
        self
    }

    /// Authenticates with the mock policy (credentials checked for presence and shape only):
    /// the mock server's, never a real server's (crate-internal, feature `mock`).
    #[cfg(feature = "mock")]
    pub(crate) fn mock_security(mut self) -> Self {
        self.security = SecurityMode::Mock;
        self
    }

    /// Selects the server (its url gives the Socket.IO path; its security applies). Without
    /// it, a document with exactly one server uses that server.
    pub fn server(mut self, name: impl Into<String>) -> Self {
        self.server = Some(name.into());
        self
    }

    /// Overrides the Socket.IO path (wins over the server url).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Speaks Socket.IO with the MessagePack parser (clients use `socket.io-msgpack-parser`)
    /// instead of the default JSON one. Validation is the same: arguments are decoded first.
    #[cfg(feature = "msgpack")]
    pub fn msgpack(mut self, on: bool) -> Self {
        self.msgpack = on;
        self
    }

    /// Turns every validation (payloads, acks, emits, handshake) on or off. Security is not
    /// affected. Default: on.
    pub fn validation(mut self, on: bool) -> Self {
        self.validation = on;
        self
    }

    /// Keeps Prometheus metrics per namespace and event (connections, events, refusals,
    /// handler time, emits, client acks, validation time; see the README for every name) and
    /// serves them at `{base}/metrics` on the same listener, unless `metrics` says otherwise.
    /// Default: off.
    #[cfg(feature = "metrics")]
    pub fn metrics(mut self, metrics: crate::observe::Metrics) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Serves the docs at `{base}/docs`. Default: on.
    pub fn docs(mut self, on: bool) -> Self {
        self.docs = on;
        self
    }

    /// Adds the live console to the docs page: connect, send each client event from a form,
    /// watch acks and server events, each checked against the document (see
    /// [`crate::docs`]). Default: off, since a production API may not want a send button on
    /// its public docs; the mock server turns it on.
    pub fn docs_console(mut self, on: bool) -> Self {
        self.docs_console = on;
        self
    }

    /// How long `emit_with_ack` waits for a client's ack. Default: 5 s.
    pub fn ack_timeout(mut self, timeout: Duration) -> Self {
        self.ack_timeout = timeout;
        self
    }

    /// The largest Socket.IO message a client may send, in bytes (engine.io `max_payload` for
    /// polling, the websocket message and frame limits for websocket). Default
    /// [`super::limits::DEFAULT_MAX_PAYLOAD`] (1 MB). A client that sends more is disconnected.
    pub fn max_payload(mut self, bytes: u64) -> Self {
        self.limits.max_payload = bytes;
        self
    }

    /// The most binary attachments one event or ack may carry. Default
    /// [`super::limits::DEFAULT_MAX_BINARY_ATTACHMENTS`] (64). A client that sends more is
    /// disconnected.
    pub fn max_binary_attachments(mut self, count: usize) -> Self {
        self.limits.max_binary_attachments = count;
        self
    }

    /// The deepest nesting of arrays and objects a validated value (payload, ack, emit,
    /// handshake) may have; a deeper one is refused with an `invalid_payload` answer before
    /// validation recurses into it. Default [`crate::validate::DEFAULT_MAX_DEPTH`] (128).
    pub fn max_nesting_depth(mut self, depth: usize) -> Self {
        self.limits.max_nesting_depth = depth;
        self
    }

    /// The largest HTTP request head (request target plus headers) any request may have, in
    /// bytes; a larger one is answered 431 by [`Asynction::into_router`]. Default
    /// [`super::limits::DEFAULT_MAX_HEADER_BYTES`] (16 KiB).
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_header_bytes = bytes;
        self
    }

    /// Every limit at once (see [`super::limits`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Any socketioxide option (ping interval, max payload, transports, parser…). Runs after
    /// asynction's own settings ([`super::limits`]), so it may override them.
    pub fn configure_socketio(
        mut self,
        f: impl FnOnce(SocketIoBuilder<LocalAdapter>) -> SocketIoBuilder<LocalAdapter> + Send + 'static,
    ) -> Self {
        self.configure.push(Box::new(f));
        self
    }

    /// Builds the service with `state` on `adapter_state` without starting the adapters:
    /// returns each static namespace's adapter initialisation (for remote adapters, the future
    /// that subscribes its channels) so the caller can await readiness.
    pub(crate) fn build_pending(
        self,
        state: S,
        adapter_state: A::State,
    ) -> Result<(Asynction<A>, PendingInits<A>), BuildError>
    where
        A: DefinedAdapter,
    {
        let mut validators = Validators::compile(&self.doc)?;
        // E.g. AsyncAPI 3.x examples that do not match their schemas: logged, not fatal.
        for warning in validators.warnings() {
            tracing::warn!("{warning}");
        }
        validators.set_max_depth(self.limits.max_nesting_depth);
        let api = self.doc.api.clone();
        let mut routes = HashMap::new();
        if self.generated.is_none() {
            routes = check_routes(&api, &self.routes)?;
            self.check_handlers(&routes)?;
        }
        let server = match &self.server {
            Some(name) => Some(api.server(name).ok_or_else(|| {
                BuildError::UnknownServer {
                    name: name.clone(),
                    available: api
                        .servers
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                }
            })?),
            None if api.servers.len() == 1 => api.servers.first(),
            None => {
                let secured: Vec<&str> = api
                    .servers
                    .iter()
                    .filter(|s| !s.security.is_empty())
                    .map(|s| s.name.as_str())
                    .collect();
                if !secured.is_empty() {
                    return Err(BuildError::AmbiguousServer(secured.join(", ")));
                }
                None
            }
        };
        let authenticator = match &self.security {
            SecurityMode::Handlers(handlers) => Authenticator::new(&api, server, handlers.clone())?,
            #[cfg(feature = "mock")]
            SecurityMode::Mock => Authenticator::mock(&api, server)?,
        };
        let socketio_path = self
            .path
            .clone()
            .or_else(|| server.map(|s| s.socketio_path.clone()))
            .unwrap_or_else(|| "/socket.io".to_owned());

        let limits = &self.limits;
        let frame = usize::try_from(limits.max_payload).unwrap_or(usize::MAX);
        let mut builder = SocketIo::builder()
            .req_path(socketio_path.clone())
            .ack_timeout(self.ack_timeout)
            .max_payload(limits.max_payload)
            .ws_max_message_size(frame)
            .ws_max_frame_size(frame)
            .with_parser(
                ParserConfig::common()
                    .max_incoming_binaries(limits.max_binary_attachments)
                    .max_incoming_binary_buf_size(frame),
            );
        #[cfg(feature = "msgpack")]
        if self.msgpack {
            // MessagePack carries binaries inline: the attachment-count limit does not apply.
            builder = builder.with_parser(ParserConfig::msgpack());
        }
        for f in self.configure {
            builder = f(builder);
        }
        let (layer, io) = builder.with_adapter::<A>(adapter_state).build_layer();

        #[cfg(feature = "metrics")]
        let server_metrics = self
            .metrics
            .as_ref()
            .map(|_| crate::observe::ServerMetrics::new(&api));
        let rt = Arc::new(SpecRuntime {
            namespaces: NamespaceIndex::new(&api, validators)?,
            validation: self.validation,
            ack_timeout: self.ack_timeout,
            authenticator,
            #[cfg(feature = "metrics")]
            metrics: server_metrics.clone(),
        });
        let vio = ValidatedIo {
            io: io.clone(),
            rt: rt.clone(),
        };
        let generated = self.generated.as_ref();
        let lookup = |id: &Option<String>| {
            if generated.is_some() {
                return None;
            }
            id.as_ref().and_then(|id| self.handlers.get(id).cloned())
        };
        let mut pending = Vec::new();
        for ns in &api.namespaces {
            let validators = rt
                .namespaces
                .validators()
                .namespace(&ns.path)
                .cloned()
                .unwrap_or_default();
            #[cfg(feature = "metrics")]
            let ns_metrics = server_metrics.as_ref().and_then(|m| m.namespace(&ns.path));
            let route = |e: &crate::model::Event, handler| {
                let validators = validators.ingress.get(&e.name).cloned().unwrap_or_default();
                (
                    e.name.clone(),
                    EventRoute {
                        handler,
                        validators,
                        #[cfg(feature = "traces")]
                        handler_id: e.handler.clone(),
                        #[cfg(feature = "metrics")]
                        metrics: ns_metrics.as_ref().map(|m| m.event(&e.name).clone()),
                    },
                )
            };
            let events = match generated {
                Some(make) => ns.ingress.iter().map(|e| route(e, make(ns, e))).collect(),
                None => ns
                    .ingress
                    .iter()
                    .filter_map(|e| {
                        let handler = match &e.handler {
                            Some(id) => self.handlers.get(id)?.clone(),
                            None => routes.get(&(ns.path.as_str(), e.name.as_str()))?.clone(),
                        };
                        Some(route(e, handler))
                    })
                    .collect(),
            };
            let nsh = Arc::new(NamespaceHandlers {
                runtime: Arc::new(NamespaceRuntime {
                    doc_path: ns.path.clone(),
                    validators,
                    state: state.clone(),
                    rt: rt.clone(),
                    io: io.clone(),
                    #[cfg(feature = "metrics")]
                    metrics: ns_metrics.clone(),
                }),
                events,
                connect: lookup(&ns.handlers.connect),
                disconnect: lookup(&ns.handlers.disconnect),
                error: lookup(&ns.handlers.error),
            });
            if let Some(init) = register(&io, nsh)? {
                pending.push((ns.path.clone(), init));
            }
        }
        #[cfg(feature = "metrics")]
        if let Some(metrics) = &server_metrics
            && let Some(init) = super::unknown_namespaces::register(&io, &api, metrics.clone())?
        {
            pending.push(("/".to_owned(), init));
        }
        let server = server.map(|s| s.name.clone());
        #[cfg(feature = "metrics")]
        let metrics_route = self.metrics.as_ref().and_then(|c| c.path(&socketio_path));
        let app = Asynction {
            layer,
            io: vio,
            document: self.doc,
            socketio_path,
            server,
            docs: self.docs,
            docs_console: self.docs_console,
            max_header_bytes: self.limits.max_header_bytes,
            #[cfg(feature = "metrics")]
            metrics: server_metrics.map(|m| (m, metrics_route)),
        };
        Ok((app, pending))
    }

    fn check_handlers(&self, routes: &RoutedHandlers<'_, S, A>) -> Result<(), BuildError> {
        let named = self.doc.api.handler_ids();
        let mut missing: Vec<(String, String)> = named
            .iter()
            .filter(|(id, _)| !self.handlers.contains_key(id))
            .cloned()
            .collect();
        for ns in &self.doc.api.namespaces {
            let unrouted = |e: &&crate::model::Event| {
                e.handler.is_none() && !routes.contains_key(&(ns.path.as_str(), e.name.as_str()))
            };
            for ev in ns.ingress.iter().filter(unrouted) {
                missing.push((
                    "<none>".into(),
                    format!(
                        "namespace {} event '{}' has no x-handler; route it with .on({:?}, {:?}, handler)",
                        ns.path, ev.name, ns.path, ev.name
                    ),
                ));
            }
        }
        let named_ids: BTreeSet<&str> = named.iter().map(|(id, _)| id.as_str()).collect();
        let mut unknown: Vec<String> = self
            .handlers
            .keys()
            .filter(|id| !named_ids.contains(id.as_str()))
            .cloned()
            .collect();
        unknown.sort();
        if missing.is_empty() && unknown.is_empty() {
            Ok(())
        } else {
            Err(BuildError::Handlers { missing, unknown })
        }
    }
}

/// Checks the [`AsynctionSocketIo::on`] routes against the document; returns their
/// handlers by `(namespace, event)`.
fn check_routes<'a, S, A: Adapter>(
    api: &'a crate::model::Api,
    code_routes: &[CodeRoute<S, A>],
) -> Result<RoutedHandlers<'a, S, A>, BuildError> {
    let mut routes = HashMap::new();
    let mut errors = Vec::new();
    for r in code_routes {
        let (namespace, event) = (r.namespace.clone(), r.event.clone());
        let Some(ns) = api.namespaces.iter().find(|ns| ns.path == r.namespace) else {
            let available = api.namespaces.iter().map(|ns| ns.path.as_str());
            errors.push(RouteError::UnknownNamespace {
                namespace,
                event,
                available: available.collect::<Vec<_>>().join(", "),
            });
            continue;
        };
        let Some(ev) = ns.ingress.iter().find(|e| e.name == r.event) else {
            let receives = ns.ingress.iter().map(|e| format!("'{}'", e.name));
            let receives = receives.collect::<Vec<_>>().join(", ");
            errors.push(RouteError::UnknownEvent {
                namespace,
                event,
                receives: if receives.is_empty() {
                    "no events".into()
                } else {
                    receives
                },
            });
            continue;
        };
        if let Some(id) = &ev.handler {
            errors.push(RouteError::AlsoXHandler {
                namespace,
                event,
                handler_id: id.clone(),
            });
            continue;
        }
        let key = (ns.path.as_str(), ev.name.as_str());
        if routes.insert(key, r.handler.clone()).is_some() {
            errors.push(RouteError::Duplicate { namespace, event });
        }
    }
    if errors.is_empty() {
        Ok(routes)
    } else {
        Err(BuildError::Routes(errors))
    }
}

/// Each static namespace's path and its adapter initialisation, not yet started.
pub(crate) type PendingInits<A> = Vec<(String, <A as CoreAdapter<Emitter>>::InitRes)>;

/// Registers one namespace; a static namespace returns its adapter initialisation, not yet
/// started.
fn register<S: Clone + Send + Sync + 'static, A: Adapter + DefinedAdapter>(
    io: &SocketIo<A>,
    nsh: Arc<NamespaceHandlers<S, A>>,
) -> Result<Option<A::InitRes>, BuildError> {
    let on_connect = {
        let nsh = nsh.clone();
        move |s: SocketRef<A>| {
            let nsh = nsh.clone();
            async move {
                #[cfg(feature = "metrics")]
                if let Some(m) = &nsh.runtime.metrics {
                    m.connected();
                }
                #[cfg(feature = "traces")]
                crate::observe::traces::connected(&s, &nsh.runtime.doc_path);
                #[cfg(not(any(feature = "metrics", feature = "traces")))]
                let _ = nsh;
                deliver_pending_emits(&s);
            }
        }
    };
    let middleware = {
        let nsh = nsh.clone();
        move |s: SocketRef<A>, TryData(auth): TryData<Value>| {
            let nsh = nsh.clone();
            let auth = auth.ok().filter(|v| !v.is_null());
            async move {
                let accepted = accept(nsh.clone(), s.clone(), auth).await;
                // The dispatcher is installed here, before CONNECT is sent: socketioxide spawns
                // the connect handler only after sending CONNECT, so an event the client sends
                // as soon as it is connected could be handled first (on a multi-thread
                // runtime), find no handler, and be dropped.
                if accepted.is_ok() {
                    serve(nsh, s);
                }
                accepted
            }
        }
    };
    let path = nsh.runtime.doc_path.clone();
    if path.contains('{') {
        io.dyn_ns(path.clone(), on_connect.with(middleware))
            .map_err(|e| BuildError::Namespace {
                path,
                reason: e.to_string(),
            })?;
        Ok(None)
    } else {
        Ok(Some(io.ns(path, on_connect.with(middleware))))
    }
}

impl<S: Clone + Send + Sync + 'static, A: Adapter + DefinedAdapter> AsynctionSocketIo<S, A> {
    /// Checks handlers against the document, compiles every schema and builds the service on
    /// `adapter_state` (what `A` needs). For handlers that take no state; otherwise
    /// [`AsynctionWithState::build_with_adapter`].
    pub fn build_with_adapter(self, adapter_state: A::State) -> Result<Asynction<A>, BuildError>
    where
        (): NoState<S>,
    {
        self.with_state(().no_state())
            .build_with_adapter(adapter_state)
    }
}

impl<S: Clone + Send + Sync + 'static> AsynctionSocketIo<S, LocalAdapter> {
    /// Checks handlers against the document, compiles every schema and builds the service
    /// (single process; build with `build_redis` to scale out). For handlers that take no
    /// state; otherwise [`AsynctionSocketIo::with_state`] first.
    pub fn build(self) -> Result<Asynction, BuildError>
    where
        (): NoState<S>,
    {
        self.build_with_adapter(())
    }
}

impl<S: Clone + Send + Sync + 'static, A: Adapter + DefinedAdapter> AsynctionWithState<S, A> {
    /// [`AsynctionSocketIo::build_with_adapter`] with the state.
    pub fn build_with_adapter(self, adapter_state: A::State) -> Result<Asynction<A>, BuildError> {
        let (app, pending) = self.build_pending(adapter_state)?;
        // Remote adapters subscribe asynchronously; failures are logged by the adapter.
        for (_, init) in pending {
            init.spawn();
        }
        Ok(app)
    }

    /// [`AsynctionSocketIo::build_pending`] with the state.
    pub(crate) fn build_pending(
        self,
        adapter_state: A::State,
    ) -> Result<(Asynction<A>, PendingInits<A>), BuildError> {
        self.builder.build_pending(self.state, adapter_state)
    }
}

impl<S: Clone + Send + Sync + 'static> AsynctionWithState<S, LocalAdapter> {
    /// [`AsynctionSocketIo::build`] with the state.
    pub fn build(self) -> Result<Asynction, BuildError> {
        self.build_with_adapter(())
    }
}
