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
//! middleware deletes the one it was asked for, so unknown paths leave nothing behind. With a
//! remote adapter (Redis), that instance subscribes and unsubscribes once per refused
//! connection, which is why this is only on with metrics.

use std::sync::Arc;

use socketioxide::SocketIo;
use socketioxide::adapter::{Adapter, Emitter};
use socketioxide::extract::SocketRef;
use socketioxide::handler::ConnectHandler;
use socketioxide_core::adapter::{CoreAdapter, DefinedAdapter};

use super::BuildError;
use crate::model::Api;
use crate::observe::ServerMetrics;

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

/// Registers the catch-all namespaces; returns the `/` namespace's adapter initialisation
/// when one was registered, not yet started.
pub(crate) fn register<A: Adapter + DefinedAdapter>(
    io: &SocketIo<A>,
    api: &Api,
    metrics: Arc<ServerMetrics>,
) -> Result<Option<<A as CoreAdapter<Emitter>>::InitRes>, BuildError> {
    let handler = || {
        let metrics = metrics.clone();
        let refuse = move |s: SocketRef<A>, io: SocketIo<A>| {
            let metrics = metrics.clone();
            async move {
                metrics.unknown_namespace_refused();
                // A dynamic namespace instance stays registered under its concrete path; `/`
                // is registered once, by us, and stays.
                if s.ns() != "/" {
                    io.delete_ns(s.ns());
                }
                Err::<(), _>(InvalidNamespace)
            }
        };
        (|_: SocketRef<A>| async {}).with(refuse)
    };
    io.dyn_ns(CATCH_ALL, handler())
        .map_err(|e| BuildError::Namespace {
            path: CATCH_ALL.to_owned(),
            reason: e.to_string(),
        })?;
    if api.namespaces.iter().any(|ns| ns.path == "/") {
        return Ok(None);
    }
    Ok(Some(io.ns("/", handler())))
}
