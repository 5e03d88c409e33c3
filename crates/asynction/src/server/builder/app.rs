//! The built server: [`Asynction`], the socketioxide layer with what the docs and the
//! plug-ins serve beside it.

use socketioxide::adapter::{Adapter, LocalAdapter};
use socketioxide::layer::SocketIoLayer;

use super::super::emit::ValidatedIo;
use super::super::identify::identify_layer;
use super::super::limits::HeaderLimitLayer;
use crate::docs::DocsOptions;
use crate::lifecycle::{DrainOptions, Lifecycle, LifecyclePlugin};
use crate::plugin::Plugin;
use crate::spec::Document;

/// A built server: mount [`Asynction::into_router`], or the layer into your own app.
#[must_use = "a built server serves nothing until it is mounted or served"]
pub struct Asynction<A: Adapter = LocalAdapter> {
    /// The socketioxide layer serving Socket.IO at [`Asynction::socketio_path`].
    pub layer: SocketIoLayer<A>,
    /// The server handle for validated emits from anywhere.
    pub io: ValidatedIo<A>,
    /// The loaded document.
    pub document: Document,
    pub(super) socketio_path: String,
    pub(super) server: Option<String>,
    pub(super) docs: bool,
    pub(super) docs_console: bool,
    pub(super) max_header_bytes: usize,
    /// The features plugged in, attached to this server.
    pub(super) plugins: Vec<Box<dyn Plugin>>,
    /// How [`Asynction::serve`] drains.
    pub(super) drain: DrainOptions,
}

impl<A: Adapter> Asynction<A> {
    /// The Socket.IO request path (e.g. `/socket.io`).
    pub fn socketio_path(&self) -> &str {
        &self.socketio_path
    }

    /// The document's server this one runs as (its Socket.IO path and security): the one named
    /// with `server(..)`, else the document's only server; `None` when none applies.
    pub fn server(&self) -> Option<&str> {
        self.server.as_deref()
    }

    /// Where the docs are served (`{base}/docs`), if enabled.
    pub fn docs_path(&self) -> Option<String> {
        self.docs
            .then(|| format!("{}/docs", crate::model::docs_base(&self.socketio_path)))
    }

    /// This server's health and drain state: what `{base}/readyz` answers, the running
    /// handlers (see [`crate::lifecycle`]).
    pub fn lifecycle(&self) -> Lifecycle {
        crate::plugin::find::<LifecyclePlugin>(&self.plugins)
            .map(|p| p.lifecycle.clone())
            .unwrap_or_default()
    }

    /// How [`Asynction::serve`] drains when its `shutdown` future resolves (default:
    /// [`DrainOptions::default`]).
    pub fn with_drain(mut self, options: DrainOptions) -> Self {
        self.drain = options;
        self
    }

    /// How this server drains ([`Asynction::with_drain`]).
    pub fn drain_options(&self) -> DrainOptions {
        self.drain
    }

    /// Serves [`Asynction::into_router`] on `listener` with `TCP_NODELAY` on every connection
    /// (Socket.IO traffic is small request/ack messages: Nagle's algorithm only adds latency),
    /// until `shutdown` resolves; then drains ([`crate::lifecycle`]: readiness `draining`,
    /// running handlers finish, every client disconnected so it reconnects to another node)
    /// and returns once the last request has finished.
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
        let (lifecycle, io, drain) = (self.lifecycle(), self.io.clone(), self.drain);
        let shutdown = async move {
            shutdown.await;
            crate::lifecycle::drain(&lifecycle, &io, drain).await;
        };
        axum::serve(listener, self.into_router())
            .with_graceful_shutdown(shutdown)
            .await
    }

    /// A ready router: Socket.IO plus the docs routes (and the plug-ins' routes, e.g. the
    /// metrics), behind the request head limit ([`HeaderLimitLayer`], see
    /// [`AsynctionSocketIo::max_header_bytes`](crate::AsynctionSocketIo::max_header_bytes)),
    /// every response naming the server ([`identify_layer`](crate::identify_layer)).
    pub fn into_router(self) -> axum::Router {
        let mut router = self.plugin_routes();
        if self.docs {
            let mut options = self.plugin_docs(
                DocsOptions::default()
                    .socketio_path(self.socketio_path.clone())
                    .console(self.docs_console),
            );
            if let Some(server) = &self.server {
                options = options.server(server.clone());
            }
            router = router.merge(crate::docs::router(&self.document, options));
        }
        router
            .layer(self.layer)
            .layer(HeaderLimitLayer::new(self.max_header_bytes))
            .layer(identify_layer())
    }

    /// The features plugged into this server (a feature's methods find theirs by type; a
    /// build without such a feature has no caller).
    #[allow(dead_code)]
    pub(crate) fn plugins(&self) -> &[Box<dyn Plugin>] {
        &self.plugins
    }

    /// Every plug-in's HTTP routes, merged.
    pub(crate) fn plugin_routes(&self) -> axum::Router {
        self.plugins
            .iter()
            .filter_map(|p| p.routes())
            .fold(axum::Router::new(), axum::Router::merge)
    }

    /// `options` with what every plug-in adds to the docs page.
    pub(crate) fn plugin_docs(&self, options: DocsOptions) -> DocsOptions {
        self.plugins.iter().fold(options, |o, p| p.docs(o))
    }
}
