//! Prometheus metrics per namespace and event, named from the document (feature `metrics`).
//!
//! Built on the `prometheus-client` crate (the Prometheus project's Rust client): every server
//! owns its own registry ([`ServerMetrics::registry`]) (no process-global recorder, so several servers, or tests, in one
//! process keep separate figures), and its metric handles are `Arc`-backed clones, so every
//! label combination the document allows is created once at build time and an event only
//! increments an atomic (no label formatting, no map lookup per event).
//!
//! Label cardinality is bounded by the document: namespaces are labelled by their document path
//! (a dynamic namespace by its pattern, e.g. `/tenant/{id}`), events by their document name,
//! and every event the document does not list under one [`UNKNOWN_EVENT`] label.
//!
//! Turn them on with [`AsynctionSocketIo::metrics`](crate::AsynctionSocketIo::metrics); read a
//! server's with [`Asynction::metrics`](crate::Asynction::metrics). The metric names and labels
//! are listed in the README. The route answers the classic Prometheus text
//! (`text/plain; version=0.0.4`) unless the scraper's `Accept` header asks for OpenMetrics
//! (`application/openmetrics-text`); [`ServerMetrics::encode`] writes OpenMetrics.

pub use crate::observe::metrics::{Metrics, ServerMetrics, UNKNOWN_EVENT, UNKNOWN_NAMESPACE};
