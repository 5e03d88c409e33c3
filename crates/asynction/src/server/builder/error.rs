//! Why a server could not be built: [`BuildError`] and, for code routes, [`RouteError`]; every
//! problem of a kind is listed at once, with what the document says instead.

use crate::security::SecurityConfigError;
use crate::spec::SpecError;
use crate::typecheck::TypeReport;
use crate::validate::NamespacePatternError;

/// Why a server could not be built. Every problem of a kind is listed at once.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The document is invalid (or one of its schemas).
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// Handlers missing for ids the document names, or registered for ids it does not name.
    #[error("{}", handler_message(.missing, .unknown))]
    Handlers {
        /// `(handler id, where the document names it)` with no registered function.
        missing: Vec<(String, String)>,
        /// Registered ids the document never names.
        unknown: Vec<String>,
    },
    /// `server(name)` names no server of the document (the error names the ones it has).
    #[error(transparent)]
    UnknownServer(#[from] asynction_spec::UnknownServer),
    /// A namespace could not be registered with socketioxide.
    #[error("namespace {path} could not be registered: {reason}")]
    Namespace {
        /// The namespace path.
        path: String,
        /// socketioxide's reason.
        reason: String,
    },
    /// The security schemes and the registered security handlers disagree.
    #[error(transparent)]
    Security(#[from] SecurityConfigError),
    /// Several servers define different security and none was selected.
    #[error(
        "the document has several servers with different security ({0}); select one with .server(name)"
    )]
    AmbiguousServer(String),
    /// Events routed in code with [`AsynctionSocketIo::on`](super::AsynctionSocketIo::on) that the document does not let
    /// through: every problem is listed.
    #[error("{}", route_message(.0))]
    Routes(Vec<RouteError>),
    /// The Rust types of the handlers or typed emits disagree with the document's schemas
    /// (feature `schemars`, see [`crate::typecheck`]): every mismatch is listed, with how many
    /// routes were checked and how many were not.
    #[error(transparent)]
    Types(TypeReport),
}

/// Why one [`AsynctionSocketIo::on`](super::AsynctionSocketIo::on) route was refused by `build()`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RouteError {
    /// The document defines no namespace at this path.
    #[error(
        "event '{event}' is routed to namespace {namespace}, which the document does not define (namespaces: {available})"
    )]
    UnknownNamespace {
        /// The namespace given to `on`.
        namespace: String,
        /// The event given to `on`.
        event: String,
        /// The document's namespaces.
        available: String,
    },
    /// The namespace exists but does not receive this event from clients.
    #[error("namespace {namespace} does not receive event '{event}' (it receives: {receives})")]
    UnknownEvent {
        /// The namespace given to `on`.
        namespace: String,
        /// The event given to `on`.
        event: String,
        /// The events the namespace receives.
        receives: String,
    },
    /// The document names an `x-handler` for the event: it is routed by that id, so a second
    /// route in code would make the handler ambiguous.
    #[error(
        "namespace {namespace} event '{event}' has x-handler '{handler_id}' and is also routed with .on(); register it one way"
    )]
    AlsoXHandler {
        /// The namespace given to `on`.
        namespace: String,
        /// The event given to `on`.
        event: String,
        /// The document's handler id.
        handler_id: String,
    },
    /// `on` was called twice for the same event.
    #[error("namespace {namespace} event '{event}' is routed with .on() more than once")]
    Duplicate {
        /// The namespace given to `on`.
        namespace: String,
        /// The event given to `on`.
        event: String,
    },
}

fn route_message(errors: &[RouteError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl From<NamespacePatternError> for BuildError {
    fn from(e: NamespacePatternError) -> Self {
        BuildError::Namespace {
            path: e.path,
            reason: e.reason,
        }
    }
}

fn handler_message(missing: &[(String, String)], unknown: &[String]) -> String {
    let mut parts = Vec::new();
    if !missing.is_empty() {
        let list: Vec<String> = missing
            .iter()
            .map(|(id, at)| format!("'{id}' ({at})"))
            .collect();
        parts.push(format!("no handler registered for {}", list.join(", ")));
    }
    if !unknown.is_empty() {
        parts.push(format!(
            "handlers registered for ids the document does not name: {}",
            unknown.join(", ")
        ));
    }
    parts.join("; ")
}
