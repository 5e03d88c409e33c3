//! Which document namespace a concrete namespace path belongs to: the document's exact paths
//! first, then its dynamic ones (`/tenant/{id}` matches `/tenant/acme`), each resolved to its
//! compiled validators. Shared by the server, its observers and the cluster `Emitter`.

use std::sync::Arc;

use super::{NamespaceValidators, Validators};
use crate::model::Api;

/// A dynamic namespace path that is not a valid pattern, or conflicts with another one
/// (the builder reports it as `BuildError::Namespace`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("namespace {path} could not be registered: {reason}")]
pub(crate) struct NamespacePatternError {
    /// The document's namespace path.
    pub(crate) path: String,
    /// matchit's reason.
    pub(crate) reason: String,
}

/// A document's compiled validators, found by concrete namespace path.
#[derive(Debug)]
pub(crate) struct NamespaceIndex {
    validators: Validators,
    /// Dynamic namespaces as matchit patterns → document path.
    dynamic: matchit::Router<String>,
}

impl NamespaceIndex {
    /// Indexes `validators` (compiled from `api`) by the namespaces of `api`; fails when a
    /// dynamic path is not a valid pattern or two patterns conflict.
    pub(crate) fn new(api: &Api, validators: Validators) -> Result<Self, NamespacePatternError> {
        let mut dynamic = matchit::Router::new();
        for ns in api.namespaces.iter().filter(|n| n.is_dynamic()) {
            dynamic
                .insert(ns.path.clone(), ns.path.clone())
                .map_err(|e| NamespacePatternError {
                    path: ns.path.clone(),
                    reason: e.to_string(),
                })?;
        }
        Ok(Self {
            validators,
            dynamic,
        })
    }

    /// Every compiled validator of the document, by document path.
    pub(crate) fn validators(&self) -> &Validators {
        &self.validators
    }

    /// The document path concrete namespace `path` belongs to: itself when the document names
    /// it, else the dynamic path whose pattern it matches.
    pub(crate) fn document_path<'a>(&'a self, path: &'a str) -> Option<&'a str> {
        if self.validators.namespace(path).is_some() {
            return Some(path);
        }
        self.dynamic.at(path).ok().map(|m| m.value.as_str())
    }

    /// The validators of concrete namespace `path` (see [`Self::document_path`]).
    pub(crate) fn lookup(&self, path: &str) -> Option<&Arc<NamespaceValidators>> {
        self.validators.namespace(self.document_path(path)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Document;

    fn index(channels: &str) -> Result<NamespaceIndex, NamespacePatternError> {
        let text =
            format!("asyncapi: 2.6.0\ninfo: {{title: t, version: '1'}}\nchannels:\n{channels}");
        let doc = Document::from_text(&text).expect("the test document loads");
        NamespaceIndex::new(&doc.api, Validators::compile(&doc).expect("compiles"))
    }

    #[test]
    fn exact_paths_win_then_dynamic_patterns_match() {
        let index = index("  /tenant/admin: {}\n  /tenant/{id}: {parameters: {id: {}}}\n  /: {}\n")
            .unwrap();
        assert_eq!(index.document_path("/tenant/admin"), Some("/tenant/admin"));
        assert_eq!(index.document_path("/tenant/acme"), Some("/tenant/{id}"));
        assert_eq!(index.document_path("/"), Some("/"));
        assert_eq!(index.document_path("/tenant/acme/x"), None);
        assert_eq!(index.document_path("/other"), None);
        assert!(index.lookup("/tenant/acme").is_some());
        assert!(index.lookup("/other").is_none());
    }

    #[test]
    fn conflicting_dynamic_paths_name_the_namespace() {
        let err = index("  /t/{a}: {parameters: {a: {}}}\n  /t/{b}: {parameters: {b: {}}}\n")
            .expect_err("two patterns for one path conflict");
        assert!(err.to_string().contains("/t/{b}"), "{err}");
    }
}
