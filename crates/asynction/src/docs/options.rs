//! How the docs are rendered and where they are served ([`DocsOptions`]), and why rendering
//! can fail ([`DocsError`]).

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use crate::model::Schema;

/// Makes an example value for a schema that has no `examples` in the document (the mock
/// feature's fake-data generator plugs in here). `None` means "no example".
pub type ExampleGenerator = Arc<dyn Fn(&Schema) -> Option<Value> + Send + Sync>;

/// How the docs are rendered and where they are served.
#[derive(Clone)]
#[non_exhaustive]
pub struct DocsOptions {
    /// The Socket.IO request path of the server the docs sit next to (default `/socket.io`);
    /// the docs are served under its parent: `/events/socket.io` → `/events/docs`.
    pub socketio_path: String,
    /// Show only this entry of `servers` (and take inherited security from it); `None` shows
    /// every server.
    pub server: Option<String>,
    /// Makes example payloads for events whose message has no `examples`.
    pub example_generator: Option<ExampleGenerator>,
    /// Adds the live console to the page (see [the console](crate::docs#the-console)); off by default.
    pub console: bool,
    /// The server the console connects to (`http://host:port`) when the page is not served by
    /// it (a static site); `None`: the origin the page was loaded from.
    pub console_url: Option<String>,
    /// Where the server serves its Prometheus metrics, linked from the page when set.
    pub metrics_path: Option<String>,
    /// The served page reloads itself when the served document changes (see
    /// [live reload](crate::docs#live-reload)); off by default, ignored by static sites.
    pub live_reload: bool,
}

impl Default for DocsOptions {
    fn default() -> Self {
        Self {
            socketio_path: "/socket.io".to_owned(),
            server: None,
            example_generator: None,
            console: false,
            console_url: None,
            metrics_path: None,
            live_reload: false,
        }
    }
}

impl fmt::Debug for DocsOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DocsOptions")
            .field("socketio_path", &self.socketio_path)
            .field("server", &self.server)
            .field("console", &self.console)
            .field("console_url", &self.console_url)
            .field("live_reload", &self.live_reload)
            .field(
                "example_generator",
                &self
                    .example_generator
                    .as_ref()
                    .map(|_| "Fn(&Schema) -> Option<Value>"),
            )
            .finish()
    }
}

impl DocsOptions {
    /// Sets [`DocsOptions::socketio_path`].
    #[must_use]
    pub fn socketio_path(mut self, path: impl Into<String>) -> Self {
        self.socketio_path = path.into();
        self
    }

    /// Sets [`DocsOptions::server`].
    #[must_use]
    pub fn server(mut self, name: impl Into<String>) -> Self {
        self.server = Some(name.into());
        self
    }

    /// Sets [`DocsOptions::example_generator`].
    #[must_use]
    pub fn example_generator(
        mut self,
        generator: impl Fn(&Schema) -> Option<Value> + Send + Sync + 'static,
    ) -> Self {
        self.example_generator = Some(Arc::new(generator));
        self
    }

    /// Sets [`DocsOptions::console`].
    pub fn console(mut self, on: bool) -> Self {
        self.console = on;
        self
    }

    /// Sets [`DocsOptions::console_url`] (and turns the console on).
    pub fn console_url(mut self, url: impl Into<String>) -> Self {
        self.console_url = Some(url.into());
        self.console = true;
        self
    }

    /// Sets [`DocsOptions::metrics_path`]: the page links the metrics route.
    pub fn metrics_path(mut self, path: Option<String>) -> Self {
        self.metrics_path = path;
        self
    }

    /// Sets [`DocsOptions::live_reload`].
    pub fn live_reload(mut self, on: bool) -> Self {
        self.live_reload = on;
        self
    }

    /// Where the page is served: `{parent of socketio_path}/docs`.
    pub fn docs_path(&self) -> String {
        format!("{}/docs", crate::model::docs_base(&self.socketio_path))
    }
}

/// Why the docs page could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocsError {
    /// [`DocsOptions::server`] names a server the document does not have (the error names the
    /// ones it has).
    #[error("docs: {0}")]
    UnknownServer(#[from] asynction_spec::UnknownServer),
    /// The page template failed to render (a bug in asynction: please report it).
    #[error("docs: rendering the page failed: {0:#}")]
    Template(#[from] minijinja::Error),
}
