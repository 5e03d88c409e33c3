//! Shared, read-only state of a running server: compiled validators and switches.

use std::sync::Arc;
use std::time::Duration;

use super::namespaces::NamespaceIndex;
use crate::security::Authenticator;
use crate::validate::NamespaceValidators;

/// What every socket and handler of a server shares.
#[derive(Debug)]
pub(crate) struct SpecRuntime {
    /// Compiled validators by namespace path (exact or dynamic).
    pub namespaces: NamespaceIndex,
    pub validation: bool,
    pub ack_timeout: Duration,
    /// Checks every connection against the document's security requirements.
    pub authenticator: Authenticator,
}

impl SpecRuntime {
    /// Validators of a concrete namespace path (exact, else through the dynamic patterns).
    pub fn namespace_validators(&self, path: &str) -> Option<Arc<NamespaceValidators>> {
        self.namespaces.lookup(path).cloned()
    }
}
