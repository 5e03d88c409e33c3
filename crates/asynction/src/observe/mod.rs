//! Observability: Prometheus metrics per namespace and event (feature `metrics`), named from
//! the document. Every hook is compiled out without the feature.

#[cfg(feature = "metrics")]
pub mod metrics;

#[cfg(feature = "metrics")]
pub use metrics::{Metrics, ServerMetrics, UNKNOWN_EVENT};

/// Which emit (`kind` label of `asynction_emits`); named in the emit code with or without the
/// `metrics` feature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EmitKind {
    /// To one client.
    Socket = 0,
    /// To the clients of some rooms.
    Room = 1,
    /// To every client of a namespace.
    Broadcast = 2,
}
