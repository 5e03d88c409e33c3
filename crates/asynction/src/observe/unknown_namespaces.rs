//! Connections to namespaces the document does not define, counted (feature `metrics`).
//!
//! socketioxide answers a CONNECT to an unregistered namespace itself (`connect_error`
//! "Invalid namespace") and tells nobody, so the refusal never reaches asynction's code. With
//! metrics on, asynction registers what catches those connections instead: a dynamic
//! catch-all namespace `/{*path}` (socketioxide's router tries it after every exact and
//! pattern namespace of the document) and, when the document has no `/`, a `/` namespace.
//! Their middleware counts the refusal (`asynction_connect_refusals{namespace="_unknown",
//! reason="unknown_namespace"}`: one label for every unknown path, so clients cannot grow the
//! label set) and refuses with socketioxide's own message, so clients see the same
//! `connect_error` as without metrics.
//!
//! socketioxide instantiates a dynamic namespace per concrete path and keeps it; the
//! middleware deletes the one it was asked for, so unknown paths leave nothing behind. Only on
//! the local adapter: with a remote one (Redis) each instance subscribes to its channels, and
//! socketioxide's `delete_ns` does not wait for the adapter's unsubscribe (it polls the close
//! once), so every unknown path would leave subscriptions behind. A cluster node leaves unknown
//! namespaces to socketioxide, uncounted.

use std::sync::Arc;

use socketioxide::SocketIo;
use socketioxide::adapter::LocalAdapter;
use socketioxide::extract::SocketRef;
use socketioxide::handler::ConnectHandler;

use crate::validate::NamespacePatternError;

/// The pattern that catches every namespace path the document's namespaces do not match.
const CATCH_ALL: &str = "/{*unknown_namespace}";

/// The refusal clients see: socketioxide's own message for an unknown namespace.
#[derive(Debug)]
struct InvalidNamespace;

impl std::fmt::Display for InvalidNamespace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Invalid namespace")
    }
}

/// Registers the catch-all namespaces on a local adapter's server (the metrics plug-in's
/// [`register_namespaces`](crate::plugin::Plugin::register_namespaces), which the builder calls
/// on the local adapter only); `/` too unless the document defines it (`has_root`).
/// `on_refused` is told of every refusal (the metrics plug-in counts them); this module knows
/// nothing of what it does.
pub(crate) fn register(
    io: &SocketIo<LocalAdapter>,
    has_root: bool,
    on_refused: Arc<dyn Fn() + Send + Sync>,
) -> Result<(), NamespacePatternError> {
    let handler = || {
        let on_refused = on_refused.clone();
        let refuse = move |s: SocketRef<LocalAdapter>, io: SocketIo<LocalAdapter>| {
            let on_refused = on_refused.clone();
            async move {
                on_refused();
                // A dynamic namespace instance stays registered under its concrete path; `/`
                // is registered once, by us, and stays.
                if s.ns() != "/" {
                    io.delete_ns(s.ns());
                }
                Err::<(), _>(InvalidNamespace)
            }
        };
        (|_: SocketRef<LocalAdapter>| async {}).with(refuse)
    };
    io.dyn_ns(CATCH_ALL, handler())
        .map_err(|e| NamespacePatternError {
            path: CATCH_ALL.to_owned(),
            reason: e.to_string(),
        })?;
    if !has_root {
        // The local adapter's initialisation is immediate (`InitRes = ()`): nothing to await.
        io.ns("/", handler());
    }
    Ok(())
}
