//! OpenTelemetry export of asynction's spans over OTLP (feature `otel`).
//!
//! [`layer`] returns a `tracing` layer (tracing-opentelemetry on an OpenTelemetry SDK tracer
//! provider with a batch span processor and the opentelemetry-otlp exporter) and an
//! [`OtelGuard`] that flushes the spans still queued when it is dropped. Add the layer to your
//! own `tracing` subscriber beside your log layer; the spans of the `traces` feature
//! (`asynction.connection` → `asynction.event` → your handler's spans) then reach any OTLP
//! receiver: the OpenTelemetry Collector, Jaeger, Tempo, Honeycomb…
//!
//! Configured the standard way, by the environment variables opentelemetry-otlp and the SDK
//! read: `OTEL_EXPORTER_OTLP_ENDPOINT` (default `http://localhost:4318`; `/v1/traces` is
//! appended) or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is), `OTEL_EXPORTER_OTLP_HEADERS`,
//! `OTEL_EXPORTER_OTLP_TIMEOUT`, `OTEL_BSP_*` (batching), `OTEL_SERVICE_NAME` and
//! `OTEL_RESOURCE_ATTRIBUTES`. The service name is the document's `info.title` unless
//! `OTEL_SERVICE_NAME` or a `service.name` in `OTEL_RESOURCE_ATTRIBUTES` sets it.
//!
//! The transport is OTLP over HTTP with protobuf bodies (`http/protobuf`, the collector's port
//! 4318), sent by a blocking HTTP client from the batch processor's own thread. That choice is
//! deliberate: opentelemetry_sdk's batch processor runs exports on a dedicated thread without
//! a tokio runtime, where the gRPC (tonic) exporter has no reactor and panics; the blocking
//! HTTP client needs none, so export works under any runtime, including the current-thread
//! runtime asynction's servers use. `OTEL_EXPORTER_OTLP_PROTOCOL=grpc` is therefore refused
//! with an error rather than silently ignored. Plain `http://` endpoints only (a local
//! collector or agent is the usual target; TLS would add a TLS stack to every build): an
//! `https://` endpoint is refused at setup ([`OtelError::TlsUnsupported`]).
//!
//! ```no_run
//! use tracing_subscriber::layer::SubscriberExt;
//! use tracing_subscriber::util::SubscriberInitExt;
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let doc = asynction::Document::from_path("asyncapi.yaml")?;
//! let (otel, _guard) = asynction::otel::layer(&doc)?; // keep the guard until shutdown
//! tracing_subscriber::registry()
//!     .with(tracing_subscriber::fmt::layer())
//!     .with(otel)
//!     .init();
//! # Ok(()) }
//! ```

pub use crate::observe::otel::{OTEL_EXPORTER_OTLP_ENDPOINT, Otel, OtelError, OtelGuard, layer};
