//! The seam through which optional features plug into a server without the server knowing
//! them: a [`Plugin`] may observe the server ([`crate::observe::Observer`]), add namespaces
//! and HTTP routes, and add to the docs page. The builder holds a list of plug-ins; the
//! features' own modules put theirs there (`AsynctionSocketIo::metrics` in `observe/metrics.rs`,
//! the `traces` feature by itself), so `server/` carries no feature switch.
//!
//! Below `server/`: it names nothing of the server stack, so `observe/` can implement it.

use std::any::Any;
use std::sync::Arc;

use socketioxide::SocketIo;
use socketioxide::adapter::LocalAdapter;

use crate::docs::DocsOptions;
use crate::model::Api;
use crate::observe::Observer;
use crate::recovery::RecoveryEngine;
use crate::validate::NamespacePatternError;

/// What a plug-in learns about the server it is built into.
#[cfg_attr(not(feature = "metrics"), allow(dead_code))]
pub(crate) struct Site<'a> {
    /// The document's model.
    pub api: &'a Api,
    /// The server's Socket.IO request path (e.g. `/socket.io`).
    pub socketio_path: &'a str,
    /// The server's connection state recovery, when on (the metrics read its figures at
    /// scrape time).
    pub recovery: Option<&'a Arc<RecoveryEngine>>,
}

/// A feature plugged into a server. `build()` calls [`Plugin::attach`] first, then the other
/// hooks; the built server keeps its plug-ins (a feature's own methods find theirs by type).
pub(crate) trait Plugin: Any + Send + Sync {
    /// The server is being built: what depends on the document or the path is made here, once.
    fn attach(&mut self, _site: &Site<'_>) {}

    /// What this plug-in observes the server with.
    fn observer(&self) -> Option<Arc<dyn Observer>> {
        None
    }

    /// Registers namespaces of its own, after the document's; only on the local adapter (a
    /// remote adapter subscribes every namespace instance to its channels, see
    /// `observe/unknown_namespaces.rs`).
    fn register_namespaces(
        &self,
        _io: &SocketIo<LocalAdapter>,
    ) -> Result<(), NamespacePatternError> {
        Ok(())
    }

    /// HTTP routes served beside Socket.IO by `Asynction::into_router`.
    fn routes(&self) -> Option<axum::Router> {
        None
    }

    /// What it adds to the docs page (e.g. a link to its route).
    fn docs(&self, options: DocsOptions) -> DocsOptions {
        options
    }
}

/// The plug-in of type `P` among `plugins`, if any.
pub(crate) fn find<P: Plugin>(plugins: &[Box<dyn Plugin>]) -> Option<&P> {
    plugins
        .iter()
        .find_map(|p| (&**p as &dyn Any).downcast_ref::<P>())
}
