//! Live reload of the docs page ([`DocsOptions::live_reload`]): the page carries its document's
//! version ([`document_version`]) and a small script (`{docs}/live.js`, served from the docs
//! path, never inline) that listens to `{docs}/events`, a server-sent-events stream of the
//! version being served ([`live_reload_events`]), and reloads the page when it differs.
//!
//! The page only listens; whoever replaces the document (the mock's `--watch`) serves the
//! stream, since the version it announces outlives any one rendered page.

use std::convert::Infallible;

use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::watch;

use super::DocsOptions;
use crate::spec::Document;

/// The live-reload script, served at `{docs}/live.js`.
pub(crate) const SCRIPT: &str = include_str!("live/live.js");

/// What the page needs to reload itself.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct LiveLinks {
    /// The script's URL.
    pub script: String,
    /// The server-sent-events stream's URL.
    pub events: String,
    /// The version of the document the page shows.
    pub version: String,
}

impl LiveLinks {
    /// Links under the served docs path, for `doc`.
    pub(super) fn served(doc: &Document, options: &DocsOptions) -> Self {
        let docs = options.docs_path();
        Self {
            script: format!("{docs}/live.js"),
            events: events_path(&docs),
            version: document_version(doc),
        }
    }
}

/// Where the version stream of the docs at `docs_path` is served: `{docs}/events`.
pub fn events_path(docs_path: &str) -> String {
    format!("{docs_path}/events")
}

/// A short id of what `doc` says: its text as written and its resolved form (so an edit of a
/// `$ref`-ed file changes it too). Equal documents have equal ids, on every run.
pub fn document_version(doc: &Document) -> String {
    // FNV-1a: stable across runs and platforms, unlike `std`'s hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let resolved = serde_json::to_string(&*doc.resolved).unwrap_or_default();
    for byte in doc.text.bytes().chain([0]).chain(resolved.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The `{docs}/events` response: a server-sent-events stream that sends the current version
/// at once and each new one (`event: version`, the id as data), kept alive by comments, and
/// ends when every sender of `versions` is dropped (so a server shutting down is not held
/// open by a docs tab).
pub fn live_reload_events(versions: watch::Receiver<String>) -> Response {
    let stream = futures_util::stream::unfold((versions, true), |(mut rx, first)| async move {
        if !first {
            rx.changed().await.ok()?;
        }
        let version = rx.borrow_and_update().clone();
        let event = Event::default().event("version").data(version);
        Some((Ok::<_, Infallible>(event), (rx, false)))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
