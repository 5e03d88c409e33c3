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
//! - [`write_static_site`] writes the same three files (and the console's) into a directory,
//!   and says which.
//! - [`ConnectRequirements`] says, as text, what the page shows per namespace about connecting
//!   (handshake bindings, credentials and where they go), for places without a page.
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
//!
//! # Live reload
//!
//! With [`DocsOptions::live_reload`] (the mock's `--watch`) the page carries the version of its
//! document ([`document_version`]) and one more script of its own (`{base}/docs/live.js`, same
//! CSP as the console) that listens to `{base}/docs/events` ([`live_reload_events`], served by
//! whoever swaps documents) and reloads the page when the served version is another.

mod console;
mod live;
mod markdown;
mod options;
mod render;
mod requirements;
mod routes;
mod schema_tree;
mod site;

pub use live::{document_version, events_path, live_reload_events};
pub use options::{DocsError, DocsOptions, ExampleGenerator};
pub use render::render_html;
pub use requirements::{ConnectRequirements, Credential, HandshakeField};
pub use routes::{CONSOLE_CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY, router, try_router};
pub use site::write_static_site;

use site::resolved_json;
