//! Self-contained HTML documentation of an API, served next to its Socket.IO endpoint.
//!
//! One page describes everything a client author needs: servers and their Socket.IO paths,
//! and per namespace the handshake requirements, security, the events a client may send and
//! those it will receive, with payload and ack schemas drawn as trees and example payloads.
//! The page is rendered once, carries its CSS inline and needs no JavaScript; it makes no
//! request of its own (no CDN, fonts or remote images), so it is served under a
//! `default-src 'none'` Content-Security-Policy and works offline or written to disk.
//!
//! - [`render_html`] renders the page.
//! - [`router`] serves it at `{base}/docs`, with the resolved document at
//!   `{base}/docs/asyncapi.json` and the document as written at `{base}/docs/asyncapi.yaml`,
//!   where `{base}` is the parent of the Socket.IO path ([`crate::model::docs_base`]).
//! - [`write_static_site`] writes the same three files into a directory.
//!
//! Descriptions are CommonMark; raw HTML in them is shown as text and unsafe link schemes are
//! dropped, so a document cannot inject script into the page.
//!
//! # The console
//!
//! With [`DocsOptions::console`] the page also carries a live console: per namespace a
//! "Connect" form (credential and query fields from the security schemes and handshake
//! bindings), per client-sent event a "Payload" editor checked against the schema in the page
//! before it is sent (with "Send anyway" to see the server's refusal), the acknowledgement
//! marked valid or invalid, and a log of everything the server sends, each checked against the
//! document. The page keeps working without JavaScript (the console stays hidden), its scripts
//! are served from the docs path (`{base}/docs/console/*.js`, a small WebSocket-only Socket.IO
//! client written for it, no third-party bundle) and the CSP then allows `script-src 'self'`
//! and `connect-src 'self'`, still no inline script and no `eval`. The mock turns it on by
//! default; a real server opts in (`docs_console(true)` on the builder), since a production
//! API may not want a send button on its public docs.

mod console;
mod markdown;
mod render;
mod routes;
mod schema_tree;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

pub use render::render_html;
pub use routes::{CONSOLE_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY, router, try_router};

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
    /// Adds the live console to the page (see [`console`](self#the-console)); off by default.
    pub console: bool,
    /// The server the console connects to (`http://host:port`) when the page is not served by
    /// it (a static site); `None`: the origin the page was loaded from.
    pub console_url: Option<String>,
    /// Where the server serves its Prometheus metrics, linked from the page when set.
    pub metrics_path: Option<String>,
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

    /// Where the page is served: `{parent of socketio_path}/docs`.
    pub fn docs_path(&self) -> String {
        format!("{}/docs", crate::model::docs_base(&self.socketio_path))
    }
}

/// Why the docs page could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocsError {
    /// [`DocsOptions::server`] names a server the document does not have.
    #[error("docs: the document has no server named '{name}' (servers: {available})")]
    UnknownServer {
        /// The name asked for.
        name: String,
        /// The document's server names, comma-separated (`none` when it has none).
        available: String,
    },
    /// The page template failed to render (a bug in asynction: please report it).
    #[error("docs: rendering the page failed: {0:#}")]
    Template(#[from] minijinja::Error),
}

/// Writes `index.html`, `asyncapi.json` (the resolved document) and `asyncapi.yaml` (the
/// document as written) into `out_dir`, creating it if needed. The page links to the two
/// documents by relative paths, so the directory can be served or opened from anywhere.
/// With [`DocsOptions::console`], also `console.json` and `console/*.js`; the console then
/// connects to [`DocsOptions::console_url`] (the page's own origin when it is `None`).
pub fn write_static_site(
    doc: &crate::spec::Document,
    options: &DocsOptions,
    out_dir: &Path,
) -> std::io::Result<()> {
    let links = render::DocumentLinks {
        json: "asyncapi.json".to_owned(),
        yaml: "asyncapi.yaml".to_owned(),
    };
    let console = options.console.then(console::ConsoleLinks::relative);
    let html = render::render_with_links(doc, options, &links, console.as_ref())
        .map_err(std::io::Error::other)?;
    std::fs::create_dir_all(out_dir)?;
    std::fs::write(out_dir.join("index.html"), html)?;
    if options.console {
        std::fs::create_dir_all(out_dir.join("console"))?;
        for (name, script) in console::SCRIPTS {
            std::fs::write(out_dir.join("console").join(name), script)?;
        }
        std::fs::write(
            out_dir.join("console.json"),
            console::console_data(doc, options).to_string(),
        )?;
    }
    std::fs::write(out_dir.join("asyncapi.json"), resolved_json(doc))?;
    std::fs::write(out_dir.join("asyncapi.yaml"), doc.text.as_bytes())?;
    Ok(())
}

/// The resolved document as pretty JSON.
fn resolved_json(doc: &crate::spec::Document) -> String {
    // Serializing a `serde_json::Value` cannot fail.
    serde_json::to_string_pretty(&*doc.resolved).unwrap_or_default()
}
