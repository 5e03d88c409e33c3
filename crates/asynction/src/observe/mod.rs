//! Observability: Prometheus metrics per namespace and event (feature `metrics`), named from
//! the document, `tracing` spans per connection and event (feature `traces`), and their
//! OpenTelemetry export over OTLP (feature `otel`). Every hook is compiled out without its
//! feature.

#[cfg(feature = "metrics")]
pub mod metrics;

#[cfg(feature = "traces")]
pub(crate) mod traces;

#[cfg(feature = "otel")]
pub mod otel;

#[cfg(feature = "metrics")]
pub use metrics::{Metrics, ServerMetrics, UNKNOWN_EVENT, UNKNOWN_NAMESPACE};

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
    /// Published to a cluster's nodes by the external [`crate::cluster::Emitter`].
    #[cfg_attr(not(all(feature = "redis", feature = "metrics")), allow(dead_code))]
    Cluster = 3,
}
