//! A mock whose document can be replaced while it serves ([`ReloadingMock`]): what
//! `asynction mock run --watch` serves.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::extract::Request;
use axum::response::Response;
use tokio::sync::{Notify, watch};
use tower::ServiceExt;

use super::serve::{MockEmitters, MockServer};
use crate::lifecycle::{DrainOptions, Lifecycle};
use crate::server::ValidatedIo;

/// How often replaced instances are checked for clients (and dropped without any).
const RETIRE_CHECK: Duration = Duration::from_secs(1);

/// A mock server whose document can be swapped without dropping its port.
///
/// The listener stays; the HTTP service in front of it forwards each request to the router of
/// the *current* [`MockServer`] (held in an `ArcSwap`, swapped by [`ReloadingMock::replace`]).
/// What that means for clients:
///
/// - **New clients** (a new Engine.IO session: HTTP long-polling or WebSocket handshake) get the
///   new document.
/// - **WebSocket clients** already connected keep their connection, on the Socket.IO instance
///   that accepted them, under the document version they connected with (its validation, its
///   fake events); they get the new document when they reconnect.
/// - **Long-polling clients** reconnect: their next request reaches the new instance, which does
///   not know their session id and refuses it (`400`, "Session ID unknown"); Socket.IO clients
///   then open a new session, under the new document.
/// - A replaced instance keeps emitting its fake events to its own clients, and is dropped (its
///   emit tasks stopped) once its last client has left: nothing piles up across reloads.
/// - With [`MockOptions::live_reload`](crate::mock::MockOptions::live_reload), the docs page's
///   version stream (`{docs}/events`) is served here: every replacement announces the new
///   document's version ([`crate::docs::document_version`]) to every open docs page, which
///   reloads itself.
///
/// ```no_run
/// use asynction::mock::{MockOptions, MockServer, ReloadingMock};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let load = || asynction::Document::from_path("asyncapi.yaml");
/// let options = MockOptions { live_reload: true, ..MockOptions::default() };
/// let mock = ReloadingMock::new(MockServer::new(load()?, options.clone())?);
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:5000").await?;
/// let swapper = mock.clone();
/// tokio::spawn(async move {
///     // … when the file changes:
///     if let Ok(Ok(next)) = load().map(|doc| MockServer::new(doc, options)) {
///         swapper.replace(next);
///     }
/// });
/// mock.serve(listener, async { let _ = tokio::signal::ctrl_c().await; }).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ReloadingMock {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for ReloadingMock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReloadingMock")
            .field("retired", &self.retired_instances())
            .finish_non_exhaustive()
    }
}

struct Shared {
    current: ArcSwap<Instance>,
    /// Replaced instances that still had clients when last checked.
    retired: Mutex<Vec<Arc<Instance>>>,
    /// Wakes the pruning task when an instance is retired (it sleeps while there is none, so
    /// an idle mock stays idle).
    retiring: Notify,
    /// The version of the served document, for the docs pages; taken (dropped) on shutdown,
    /// which ends every version stream.
    versions: Mutex<Option<watch::Sender<String>>>,
}

/// One built mock: its router, its handle and its emit tasks.
struct Instance {
    router: axum::Router,
    /// `{docs}/events`, when its docs reload themselves.
    events_path: Option<String>,
    io: ValidatedIo,
    emitters: Mutex<Option<MockEmitters>>,
    /// Its health probes' state and how it drains on shutdown.
    lifecycle: Lifecycle,
    drain: DrainOptions,
}

impl Instance {
    /// Starts `mock`'s emitters (inside a tokio runtime).
    fn start(mock: MockServer) -> Self {
        let emitters = mock.start_emitters();
        let io = mock.io().clone();
        let events_path = mock.live_reload_path();
        let (lifecycle, drain) = mock.drain_parts();
        Instance {
            router: mock.into_router(),
            events_path,
            io,
            emitters: Mutex::new(Some(emitters)),
            lifecycle,
            drain,
        }
    }

    /// Whether any client is connected to any of its namespaces.
    fn has_clients(&self) -> bool {
        self.io
            .io
            .nsps()
            .into_iter()
            .any(|ns| !ns.sockets().is_empty())
    }

    /// Stops its emitters and drains it as `MockServer::serve` does (readiness off, grace,
    /// running handlers awaited, every client disconnected).
    async fn close(&self) {
        drop(
            self.emitters
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        crate::lifecycle::drain(&self.lifecycle, &self.io, self.drain).await;
    }
}

impl ReloadingMock {
    /// Serves `mock` first and starts its emitters. Call inside a tokio runtime.
    pub fn new(mock: MockServer) -> Self {
        let version = crate::docs::document_version(mock.document());
        let (versions, _) = watch::channel(version);
        ReloadingMock {
            shared: Arc::new(Shared {
                current: ArcSwap::from_pointee(Instance::start(mock)),
                retired: Mutex::new(Vec::new()),
                retiring: Notify::new(),
                versions: Mutex::new(Some(versions)),
            }),
        }
    }

    /// Serves `next` to every new client from now on and announces its document's version to
    /// the docs pages. The replaced instance keeps its connected clients and is dropped once
    /// they have all left.
    pub fn replace(&self, next: MockServer) {
        let version = crate::docs::document_version(next.document());
        let old = self.shared.current.swap(Arc::new(Instance::start(next)));
        self.shared
            .retired
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(old);
        self.prune();
        self.shared.retiring.notify_one();
        if let Some(versions) = &*self
            .shared
            .versions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
        {
            versions.send_replace(version);
        }
    }

    /// How many replaced instances still serve clients that connected before a replacement.
    pub fn retired_instances(&self) -> usize {
        self.shared
            .retired
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Drops the replaced instances that have no client left.
    fn prune(&self) {
        self.shared
            .retired
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|instance| instance.has_clients());
    }

    /// The HTTP service: every request goes to the current instance's router (the docs'
    /// version stream is answered here).
    pub fn router(&self) -> axum::Router {
        let shared = self.shared.clone();
        let forward = tower::service_fn(move |request: Request| {
            let shared = shared.clone();
            async move { Ok::<Response, std::convert::Infallible>(shared.answer(request).await) }
        });
        axum::Router::new().fallback_service(forward)
    }

    /// Serves on `listener` (with `TCP_NODELAY`) until `shutdown` resolves; then the docs'
    /// version streams end and every instance, current then replaced ones, drains as
    /// [`MockServer::serve`] does (readiness off, running handlers awaited, every client
    /// disconnected).
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        use axum::serve::ListenerExt;
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "TCP_NODELAY could not be set");
            }
        });
        let pruner = self.clone();
        let pruning = tokio::spawn(async move {
            loop {
                if pruner.retired_instances() == 0 {
                    pruner.shared.retiring.notified().await;
                }
                tokio::time::sleep(RETIRE_CHECK).await;
                pruner.prune();
            }
        });
        let closing = self.clone();
        let shutdown = async move {
            shutdown.await;
            pruning.abort();
            drop(
                closing
                    .shared
                    .versions
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take(),
            );
            // The current instance first: its readiness probe turns off at once.
            closing.shared.current.load_full().close().await;
            let retired = std::mem::take(
                &mut *closing
                    .shared
                    .retired
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner),
            );
            for instance in retired {
                instance.close().await;
            }
        };
        axum::serve(listener, self.router())
            .with_graceful_shutdown(shutdown)
            .await
    }
}

impl Shared {
    async fn answer(&self, request: Request) -> Response {
        let router = {
            let current = self.current.load();
            if current.events_path.as_deref() == Some(request.uri().path()) {
                let versions = self
                    .versions
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .as_ref()
                    .map(watch::Sender::subscribe);
                if let Some(versions) = versions {
                    return crate::docs::live_reload_events(versions);
                }
            }
            current.router.clone()
        };
        match router.oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }
}
