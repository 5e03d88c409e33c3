//! Log output of long-running subcommands: `tracing` events to stderr, filtered by `RUST_LOG`
//! (default `info`); with `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`)
//! set, the connection and event spans are also exported over OTLP (`asynction::otel`), at
//! `info` level whatever `RUST_LOG` says.

use std::io::IsTerminal;

use asynction::Document;
use asynction::otel::OtelGuard;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the subscriber (once; later calls do nothing). With an OTLP endpoint in the
/// environment, the spans of `doc`'s server are exported too: keep the returned guard until the
/// server stops (dropping it flushes them). Fails when the `OTEL_*` variables are unusable.
pub fn init(doc: &Document) -> Result<Option<OtelGuard>, asynction::otel::OtelError> {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(filter());
    let endpoint_set = [
        asynction::otel::OTEL_EXPORTER_OTLP_ENDPOINT,
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ]
    .iter()
    .any(|v| std::env::var(v).is_ok_and(|s| !s.is_empty()));
    if !endpoint_set {
        let _ = tracing_subscriber::registry().with(fmt).try_init();
        return Ok(None);
    }
    let (otel, guard) = asynction::otel::layer(doc)?;
    // RUST_LOG quiets the log output, not the export: asynction's spans are `info`.
    let _ = tracing_subscriber::registry()
        .with(fmt)
        .with(otel.with_filter(tracing_subscriber::filter::LevelFilter::INFO))
        .try_init();
    Ok(Some(guard))
}
