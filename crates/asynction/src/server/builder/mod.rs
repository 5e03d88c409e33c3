//! From an AsyncAPI document and handler functions to a running Socket.IO service.
//!
//! - `mod.rs` (here): the public builder API, [`AsynctionSocketIo`] and
//!   [`AsynctionWithState`], and the crate-internal extension points features use
//!   (`plugin`, `generated_handlers`, `credential_policy`, `parser`).
//! - `assemble.rs`: `build()` in named steps, from the document and the handlers to the
//!   registered socketioxide namespaces.
//! - `app.rs`: the built server, [`Asynction`], and its router.
//! - `error.rs`: [`BuildError`] and [`RouteError`], with their messages.
//! - `registrations.rs`: what was registered, per document event, with the descriptions a
//!   registration may carry: the seam a check of the handlers plugs into (the `schemars`
//!   feature's type check).
//!
//! The user-facing docs (an example, why state and adapter come last) are on
//! [`AsynctionSocketIo`].

mod app;
mod assemble;
mod error;
mod registrations;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use socketioxide::SocketIoBuilder;
use socketioxide::adapter::{Adapter, LocalAdapter};
use socketioxide_core::adapter::{DefinedAdapter, Spawnable};

pub use app::Asynction;
pub(crate) use assemble::PendingInits;
pub use error::{BuildError, RouteError};
pub(crate) use registrations::{Description, Registrations, RouteCheck};

use super::handler::{BoxedHandler, Handler, boxed};
use super::limits::Limits;
use crate::plugin::Plugin;
use crate::recovery::RecoveryOptions;
use crate::security::{CredentialPolicy, SecurityHandlers};
use crate::spec::{Document, SpecError};

/// A change to socketioxide's builder, applied when the server is built.
type Configure =
    Box<dyn FnOnce(SocketIoBuilder<LocalAdapter>) -> SocketIoBuilder<LocalAdapter> + Send>;

/// Supplies the handler of every ingress event (see
/// [`AsynctionSocketIo::generated_handlers`]).
pub(crate) type GeneratedHandlers<S, A> =
    Box<dyn Fn(&crate::model::Namespace, &crate::model::Event) -> BoxedHandler<S, A> + Send>;

/// Builds a Socket.IO server from an AsyncAPI document: register a handler for every id the
/// document names (and route events without one with [`AsynctionSocketIo::on`]), then
/// [`AsynctionSocketIo::build`] — or give the handlers' state with
/// [`AsynctionSocketIo::with_state`] and build that.
///
/// `S` is the state the registered handlers extract and `A` the adapter they run on; both are
/// inferred (see below).
///
/// ```no_run
/// use asynction::{Ack, AsynctionSocketIo, Payload, ValidatedSocket};
///
/// #[derive(serde::Deserialize)]
/// struct LogIn { username: String }
///
/// async fn log_in(socket: ValidatedSocket, Payload(body): Payload<LogIn>) -> Ack<bool> {
///     let _ = socket.emit("welcome", &body.username);
///     Ack(true)
/// }
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let app = AsynctionSocketIo::from_spec("asyncapi.yaml")?
///     .handler("user_accounts.log_in", log_in)
///     .build()?;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:5000").await?;
/// axum::serve(listener, app.into_router()).await?;
/// # Ok(()) }
/// ```
///
/// # State and adapter come last, as types the handlers decide
///
/// Handlers name the state they extract ([`State<S>`](crate::State)) and the adapter their
/// socket handles run on ([`ValidatedSocket<A>`](crate::ValidatedSocket)) in their types. So
/// [`AsynctionSocketIo<S, A>`] does not fix either up front: like axum's `Router<S>`, `S` is
/// the state the registered handlers *need*, inferred from them, and is given last:
///
/// - [`AsynctionSocketIo::with_state`] takes the state and returns an [`AsynctionWithState`],
///   which can only build. A state-taking handler cannot be registered after it (there is no
///   `handler` method there), and [`AsynctionSocketIo::build`] does not compile while the
///   handlers need a state that was not given ([`NoState`] explains the error).
/// - The adapter is named by the build method: [`AsynctionSocketIo::build`] runs on
///   socketioxide's `LocalAdapter`, `build_redis` (feature `redis`) on
///   `asynction::cluster::RedisAdapter`, [`AsynctionSocketIo::build_with_adapter`] on any other
///   (name it where inference cannot: `AsynctionSocketIo::<_, MyAdapter>::from_spec(..)`).
///   Handlers generic over `A: Adapter` serve every adapter.
///
/// The earlier design (`with_state` / `with_adapter` retyping the builder, dropping the
/// handlers registered before it and failing `build()` at run time) made a mistake possible
/// that the compiler can rule out; this one cannot be called in the wrong order.
///
/// ```no_run
/// use asynction::{AsynctionSocketIo, State};
///
/// #[derive(Clone, Default)]
/// struct Users;
///
/// async fn sign_up(State(_users): State<Users>) {}
///
/// # fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let app = AsynctionSocketIo::from_spec("asyncapi.yaml")?
///     .handler("user_accounts.sign_up", sign_up)
///     .with_state(Users::default())
///     .build()?;
/// # Ok(()) }
/// ```
#[must_use = "a builder does nothing until it is built"]
pub struct AsynctionSocketIo<S = (), A: Adapter = LocalAdapter> {
    doc: Document,
    handlers: HashMap<String, BoxedHandler<S, A>>,
    /// What `handler_described` registered with a handler id's function.
    descriptions: HashMap<String, Description>,
    routes: Vec<CodeRoute<S, A>>,
    /// Declarations made on the builder itself (e.g. the typed emits of `schemars`).
    declared: Vec<Description>,
    /// Run by `build()` over the registrations (the `schemars` feature's type check).
    route_check: Option<RouteCheck>,
    server: Option<String>,
    path: Option<String>,
    validation: bool,
    docs: bool,
    docs_console: bool,
    ack_timeout: Duration,
    /// `None`: as the document says; `Some(None)`: off; `Some(Some(_))`: on, these options.
    recovery: Option<Option<RecoveryOptions>>,
    configure: Vec<Configure>,
    /// Replaces the default (JSON) parser, before `configure` runs.
    parser: Option<Configure>,
    security: SecurityMode,
    generated: Option<GeneratedHandlers<S, A>>,
    limits: Limits,
    plugins: Vec<Box<dyn Plugin>>,
}

/// An event routed in code with [`AsynctionSocketIo::on`].
struct CodeRoute<S, A: Adapter> {
    namespace: String,
    event: String,
    handler: BoxedHandler<S, A>,
    /// What `on_described` registered with it.
    description: Option<Description>,
}

/// How connections are authenticated.
#[derive(Clone)]
enum SecurityMode {
    /// The user's check functions, under the ids the document names.
    Handlers(SecurityHandlers),
    /// A policy that judges credentials by their shape alone (no user function).
    Policy(Arc<dyn CredentialPolicy>),
}

/// An [`AsynctionSocketIo`] whose handlers have their state: all that is left is to build it.
/// Made by [`AsynctionSocketIo::with_state`]; handlers are registered before that call.
#[must_use = "a builder does nothing until it is built"]
pub struct AsynctionWithState<S, A: Adapter = LocalAdapter> {
    builder: AsynctionSocketIo<S, A>,
    state: S,
}

/// Implemented only by `()` for `NoState<()>`: [`AsynctionSocketIo::build`] needs it, so a
/// builder whose handlers take a [`State<S>`](crate::State) cannot be built before the state is
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
    /// Loads the document at `path` (YAML or JSON, AsyncAPI 2.x or 3.x).
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
            descriptions: HashMap::new(),
            routes: Vec::new(),
            declared: Vec::new(),
            route_check: crate::typecheck::built_in_check(),
            server: None,
            path: None,
            validation: true,
            docs: true,
            docs_console: false,
            ack_timeout: Duration::from_secs(5),
            recovery: None,
            configure: Vec::new(),
            parser: None,
            security: SecurityMode::Handlers(SecurityHandlers::new()),
            generated: None,
            limits: Limits::default(),
            plugins: crate::built_in::built_in_plugins(),
        }
    }

    /// Gives the handlers their shared state (extracted with [`State<S>`](crate::State)), last:
    /// what remains can only be built. Register every handler before this call.
    pub fn with_state(self, state: S) -> AsynctionWithState<S, A> {
        AsynctionWithState {
            builder: self,
            state,
        }
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
        let id = id.into();
        self.descriptions.remove(&id);
        self.handlers.insert(id, boxed(handler));
        self
    }

    /// Routes the event `event` of namespace `namespace` (its path as the document writes it,
    /// e.g. `/user` or `/tenant/{id}`) to `handler`, for events the document gives no
    /// `x-handler`. Checked by `build()` like handler ids: a namespace the document does not
    /// define, an event the namespace does not receive, an event that has an `x-handler`, or a
    /// second route for the same event is a [`BuildError::Routes`].
    ///
    /// ```no_run
    /// use asynction::{Ack, AsynctionSocketIo, Payload};
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
            description: None,
        });
        self
    }

    /// The functions that check credentials, registered under the ids the document's security
    /// schemes name (`x-basicInfoFunc`, `x-bearerInfoFunc`, `x-apiKeyInfoFunc`,
    /// `x-tokenInfoFunc`, `x-scopeValidateFunc`). See [`crate::security`].
    pub fn security_handlers(mut self, handlers: SecurityHandlers) -> Self {
        self.security = SecurityMode::Handlers(handlers);
        self
    }

    /// Selects the server (its url gives the Socket.IO path; its security applies). Without
    /// it, a document with exactly one server uses that server.
    pub fn server(mut self, name: impl Into<String>) -> Self {
        self.server = Some(name.into());
        self
    }

    /// Turns connection state recovery on, keeping a disconnected client's session for
    /// `max_disconnection_duration` (see [`crate::recovery`]). Wins over the document's
    /// `x-socketio-recovery`; without it, the document decides (the selected server's, else
    /// the root's).
    pub fn recovery(self, max_disconnection_duration: Duration) -> Self {
        self.recovery_options(Some(RecoveryOptions::new(max_disconnection_duration)))
    }

    /// Recovery with every option ([`RecoveryOptions`]), or off (`None`) whatever the
    /// document says. Wins over the document's `x-socketio-recovery`.
    pub fn recovery_options(mut self, options: Option<RecoveryOptions>) -> Self {
        self.recovery = Some(options);
        self
    }

    /// Overrides the Socket.IO path (wins over the server url).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Turns every validation (payloads, acks, emits, handshake) on or off. Security is not
    /// affected. Default: on.
    pub fn validation(mut self, on: bool) -> Self {
        self.validation = on;
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
    /// [`DEFAULT_MAX_PAYLOAD`](crate::DEFAULT_MAX_PAYLOAD) (1 MB). A client that sends more is
    /// disconnected.
    pub fn max_payload(mut self, bytes: u64) -> Self {
        self.limits.max_payload = bytes;
        self
    }

    /// The most binary attachments one event or ack may carry. Default
    /// [`DEFAULT_MAX_BINARY_ATTACHMENTS`](crate::DEFAULT_MAX_BINARY_ATTACHMENTS) (64). A client
    /// that sends more is disconnected.
    pub fn max_binary_attachments(mut self, count: usize) -> Self {
        self.limits.max_binary_attachments = count;
        self
    }

    /// The deepest nesting of arrays and objects a validated value (payload, ack, emit,
    /// handshake) may have; a deeper one is refused with an `invalid_payload` answer before
    /// validation recurses into it. Default [`DEFAULT_MAX_DEPTH`](crate::DEFAULT_MAX_DEPTH)
    /// (128).
    pub fn max_nesting_depth(mut self, depth: usize) -> Self {
        self.limits.max_nesting_depth = depth;
        self
    }

    /// The largest HTTP request head (request target plus headers) any request may have, in
    /// bytes; a larger one is answered 431 by [`Asynction::into_router`]. Default
    /// [`DEFAULT_MAX_HEADER_BYTES`](crate::DEFAULT_MAX_HEADER_BYTES) (16 KiB).
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_header_bytes = bytes;
        self
    }

    /// Every limit at once (see [`Limits`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Any socketioxide option (ping interval, max payload, transports, parser…). Runs after
    /// asynction's own settings (the [`Limits`]), so it may override them.
    pub fn configure_socketio(
        mut self,
        f: impl FnOnce(SocketIoBuilder<LocalAdapter>) -> SocketIoBuilder<LocalAdapter> + Send + 'static,
    ) -> Self {
        self.configure.push(Box::new(f));
        self
    }

    // Extension points of the crate's features, called from the features' own modules (a build
    // without the feature has no caller: hence `allow(dead_code)`).

    /// Plugs a feature into the server (see [`crate::plugin`]): a plug-in of the same type
    /// replaces the earlier one, so calling a feature's method twice keeps the last setting.
    #[allow(dead_code)]
    pub(crate) fn plugin(mut self, plugin: impl Plugin) -> Self {
        let kind = std::any::Any::type_id(&plugin);
        self.plugins
            .retain(|p| std::any::Any::type_id(&**p) != kind);
        self.plugins.push(Box::new(plugin));
        self
    }

    /// Takes every ingress event's handler from `make` instead of the registered functions, and
    /// ignores the document's `x-handler` / `x-handlers` ids (no handler-id checks; no
    /// connect, disconnect or error handlers). The mock server's handlers come from here.
    #[allow(dead_code)]
    pub(crate) fn generated_handlers(
        mut self,
        make: impl Fn(&crate::model::Namespace, &crate::model::Event) -> BoxedHandler<S, A>
        + Send
        + 'static,
    ) -> Self {
        self.generated = Some(Box::new(make));
        self
    }

    /// Authenticates with `policy`, which judges credentials by their shape alone, instead of
    /// registered check functions (the mock server's policy comes from here).
    #[allow(dead_code)]
    pub(crate) fn credential_policy(mut self, policy: Arc<dyn CredentialPolicy>) -> Self {
        self.security = SecurityMode::Policy(policy);
        self
    }

    /// [`handler`](Self::handler) with a description of the function, for the route check.
    #[allow(dead_code)]
    pub(crate) fn handler_described<H, T>(
        mut self,
        id: impl Into<String>,
        handler: H,
        description: Description,
    ) -> Self
    where
        H: Handler<T, S, A>,
        T: 'static,
    {
        let id = id.into();
        self.handlers.insert(id.clone(), boxed(handler));
        self.descriptions.insert(id, description);
        self
    }

    /// [`on`](Self::on) with a description of the function, for the route check.
    #[allow(dead_code)]
    pub(crate) fn on_described<H, T>(
        mut self,
        namespace: impl Into<String>,
        event: impl Into<String>,
        handler: H,
        description: Description,
    ) -> Self
    where
        H: Handler<T, S, A>,
        T: 'static,
    {
        self.routes.push(CodeRoute {
            namespace: namespace.into(),
            event: event.into(),
            handler: boxed(handler),
            description: Some(description),
        });
        self
    }

    /// Declares something the route check reads (e.g. a typed emit).
    #[allow(dead_code)]
    pub(crate) fn declare(mut self, declaration: Description) -> Self {
        self.declared.push(declaration);
        self
    }

    /// Replaces the default JSON parser (`None`: back to it): `set` changes socketioxide's
    /// builder before [`configure_socketio`](Self::configure_socketio)'s functions run.
    #[allow(dead_code)]
    pub(crate) fn parser(
        mut self,
        set: Option<
            impl FnOnce(SocketIoBuilder<LocalAdapter>) -> SocketIoBuilder<LocalAdapter> + Send + 'static,
        >,
    ) -> Self {
        self.parser = set.map(|f| Box::new(f) as Configure);
        self
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
