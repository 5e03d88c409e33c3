//! Shared, read-only state of a running server: compiled validators and switches.

use std::sync::Arc;
use std::time::Duration;

use crate::security::Authenticator;
use crate::validate::{NamespaceValidators, Validators};

/// What every socket and handler of a server shares.
#[derive(Debug)]
pub(crate) struct SpecRuntime {
    pub validators: Validators,
    pub validation: bool,
    pub ack_timeout: Duration,
    /// Dynamic namespaces (`/tenant/{id}`) as matchit patterns → document path.
    pub dynamic: matchit::Router<String>,
    /// Checks every connection against the document's security requirements.
    pub authenticator: Authenticator,
}

impl SpecRuntime {
    /// Validators of a concrete namespace path (exact, else through the dynamic patterns).
    pub fn namespace_validators(&self, path: &str) -> Option<Arc<NamespaceValidators>> {
        if let Some(ns) = self.validators.namespace(path) {
            return Some(ns.clone());
        }
        let doc_path = self.dynamic.at(path).ok()?.value;
        self.validators.namespace(doc_path).cloned()
    }
}
