//! Why a cluster node or an [`Emitter`](super::Emitter) could not start.

use crate::server::BuildError;
use crate::spec::SpecError;

/// Why a cluster node or an [`Emitter`](super::Emitter) could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// The Redis URL is malformed or asks for something the adapter cannot use.
    #[error("invalid Redis URL {url}: {reason}")]
    InvalidUrl {
        /// The URL, its password replaced by `***`.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Redis could not be reached, or refused a command.
    #[error("Redis at {url}: {reason}")]
    Redis {
        /// The URL, its password replaced by `***`.
        url: String,
        /// The client's error.
        reason: String,
    },
    /// A namespace could not subscribe to its Redis channels.
    #[error("namespace {namespace} could not subscribe to Redis at {url}: {reason}")]
    Subscribe {
        /// The namespace path.
        namespace: String,
        /// The URL, its password replaced by `***`.
        url: String,
        /// The adapter's error.
        reason: String,
    },
    /// The server itself could not be built.
    #[error(transparent)]
    Build(#[from] BuildError),
    /// The document is invalid (for an [`Emitter`](super::Emitter)).
    #[error(transparent)]
    Spec(#[from] SpecError),
}
