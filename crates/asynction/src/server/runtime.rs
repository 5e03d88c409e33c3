//! Shared, read-only state of a running server: compiled validators and switches, per server
//! ([`SpecRuntime`]) and per namespace ([`NamespaceRuntime`]).
//!
//! The bottom of the server stack: it names no handler, context or extractor, so every other
//! module may read it.

use std::sync::Arc;
use std::time::Duration;

use socketioxide::SocketIo;
use socketioxide::adapter::Adapter;

use crate::observe::{NamespaceObserver, Observer};
use crate::recovery::RecoveryEngine;
use crate::security::Authenticator;
use crate::validate::{NamespaceIndex, NamespaceValidators};

/// What every socket and handler of a server shares.
pub(crate) struct SpecRuntime {
    /// Compiled validators by namespace path (exact or dynamic).
    pub namespaces: NamespaceIndex,
    pub validation: bool,
    pub ack_timeout: Duration,
    /// Checks every connection against the document's security requirements.
    pub authenticator: Authenticator,
    /// Who observes the server (emits, validation time); does nothing when nobody does.
    pub observer: Arc<dyn Observer>,
    /// Connection state recovery, when on.
    pub recovery: Option<Arc<RecoveryEngine>>,
}

impl std::fmt::Debug for SpecRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpecRuntime")
            .field("namespaces", &self.namespaces)
            .field("validation", &self.validation)
            .field("ack_timeout", &self.ack_timeout)
            .field("authenticator", &self.authenticator)
            .finish_non_exhaustive()
    }
}

impl SpecRuntime {
    /// Validators of a concrete namespace path (exact, else through the dynamic patterns).
    pub(crate) fn namespace_validators(&self, path: &str) -> Option<Arc<NamespaceValidators>> {
        self.namespaces.lookup(path).cloned()
    }
}

/// What every socket of one document namespace shares, handlers aside (they live one layer up,
/// in `handler::NamespaceHandlers`, because they take a context that holds this).
pub(crate) struct NamespaceRuntime<S, A: Adapter> {
    /// The namespace's path as the document writes it (`/tenant/{id}` for a dynamic one).
    pub doc_path: String,
    pub validators: Arc<NamespaceValidators>,
    pub state: S,
    pub rt: Arc<SpecRuntime>,
    /// The socketioxide server, for `ValidatedIo` extractors.
    pub io: SocketIo<A>,
    /// Who observes this namespace's connections (and makes its events' spans).
    pub observer: Arc<dyn NamespaceObserver>,
}
