//! Log output of long-running subcommands: `tracing` events to stderr, filtered by `RUST_LOG`
//! (default `info`); with `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`)
//! set, the connection and event spans are also exported over OTLP (`asynction::otel`), at
//! `info` level whatever `RUST_LOG` says — in builds with the `otel` feature; without it, the
//! endpoint is ignored with a warning that says how to get a build that exports.

use asynction::Document;
#[cfg(feature = "otel")]
pub(crate) use asynction::otel::{OtelError, OtelGuard};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Without the `otel` feature nothing is exported: there is never a guard to keep.
#[cfg(not(feature = "otel"))]
pub(crate) enum OtelGuard {}

/// Without the `otel` feature no `OTEL_*` setting can be wrong.
#[cfg(not(feature = "otel"))]
pub(crate) type OtelError = std::convert::Infallible;

/// The variables that turn export on (the OTLP specification's names).
const ENDPOINT_VARS: [&str; 2] = [
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
];

/// Whether the logs are coloured: as the commands' styled output is (`anstream`'s choice):
/// on a terminal, or when `CLICOLOR_FORCE` is set, never with `NO_COLOR`.
fn colours_on_stderr() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

/// Installs the subscriber (once; later calls do nothing). With an OTLP endpoint in the
/// environment, the spans of `doc`'s server are exported too: keep the returned guard until the
/// server stops (dropping it flushes them). Fails when the `OTEL_*` variables are unusable.
/// `debug` (`mock run --debug`): `asynction=debug` unless `RUST_LOG` says otherwise, in the
/// compact format (one line per frame).
pub(crate) fn init(doc: &Document, debug: bool) -> Result<Option<OtelGuard>, OtelError> {
    let default = if debug {
        "info,asynction=debug"
    } else {
        "info"
    };
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(colours_on_stderr());
    let fmt = if debug {
        fmt.compact().with_target(false).boxed()
    } else {
        fmt.boxed()
    }
    .with_filter(filter());
    let endpoint = ENDPOINT_VARS
        .iter()
        .find(|v| std::env::var(v).is_ok_and(|s| !s.is_empty()));
    let Some(endpoint) = endpoint else {
        let _ = tracing_subscriber::registry().with(fmt).try_init();
        return Ok(None);
    };
    #[cfg(feature = "otel")]
    {
        let _ = endpoint;
        let (otel, guard) = asynction::otel::layer(doc)?;
        // RUST_LOG quiets the log output, not the export: asynction's spans are `info`.
        let _ = tracing_subscriber::registry()
            .with(fmt)
            .with(otel.with_filter(tracing_subscriber::filter::LevelFilter::INFO))
            .try_init();
        Ok(Some(guard))
    }
    #[cfg(not(feature = "otel"))]
    {
        let _ = doc;
        let _ = tracing_subscriber::registry().with(fmt).try_init();
        tracing::warn!(
            "{endpoint} is set, but this asynction was built without the `otel` feature: no spans \
             are exported. Build it with `cargo install --locked --path crates/asynction-cli \
             --features otel`, or use the container image, the wheel or the npm package, which \
             export."
        );
        Ok(None)
    }
}
