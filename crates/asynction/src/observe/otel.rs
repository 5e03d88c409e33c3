//! OTLP export of asynction's spans (feature `otel`): the `tracing` layer and its guard. What
//! users read is in the `asynction::otel` module's docs (`src/otel.rs`).

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::{SpanExporter, WithExportConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SdkTracer, SdkTracerProvider};
use tracing::Subscriber;
use tracing_opentelemetry::OpenTelemetryLayer;
use tracing_subscriber::registry::LookupSpan;

use crate::spec::Document;

/// The environment variable that turns OTLP export on in asynction's CLI and examples.
pub const OTEL_EXPORTER_OTLP_ENDPOINT: &str = "OTEL_EXPORTER_OTLP_ENDPOINT";

/// The instrumentation scope the spans are exported under.
const SCOPE: &str = "asynction";

/// Why the OTLP exporter could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OtelError {
    /// An `OTEL_*` protocol variable asks for a transport this build does not have.
    #[error(
        "{variable}={value} is not supported: asynction exports OTLP over http/protobuf; \
         set {variable}=http/protobuf (or unset it) and point OTEL_EXPORTER_OTLP_ENDPOINT at \
         the receiver's OTLP/HTTP port (4318 on the OpenTelemetry Collector)"
    )]
    UnsupportedProtocol {
        /// The variable.
        variable: &'static str,
        /// Its value.
        value: String,
    },
    /// The endpoint is `https://`: this build's exporter has no TLS stack, so every export
    /// would fail (silently, on the SDK's batch thread).
    #[error(
        "{origin}={endpoint}: asynction exports OTLP over plain http (no TLS); point it at a \
         local collector or agent over http://, which forwards over TLS"
    )]
    TlsUnsupported {
        /// Where the endpoint came from: an `OTEL_*` variable, or `Otel::endpoint`.
        origin: &'static str,
        /// The endpoint.
        endpoint: String,
    },
    /// The exporter refused its configuration (a malformed endpoint URL or header list).
    #[error("OTLP exporter: {0} (check the OTEL_EXPORTER_OTLP_* environment variables)")]
    Exporter(#[from] opentelemetry_otlp::ExporterBuildError),
}

/// OTLP export settings: the environment's, with programmatic overrides.
#[derive(Clone, Debug)]
pub struct Otel {
    service_name: String,
    endpoint: Option<String>,
}

impl Otel {
    /// Export configured by the `OTEL_*` environment variables; the service is named by
    /// `doc`'s `info.title` unless the environment names it.
    pub fn new(doc: &Document) -> Self {
        Self {
            service_name: doc.api.info.title.clone(),
            endpoint: None,
        }
    }

    /// Exports to the OTLP/HTTP receiver at base URL `url` (spans are posted to
    /// `{url}/v1/traces`), whatever the environment says.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// Builds the exporter, the tracer provider and the `tracing` layer.
    pub fn layer<S>(self) -> Result<(OpenTelemetryLayer<S, SdkTracer>, OtelGuard), OtelError>
    where
        S: Subscriber + for<'span> LookupSpan<'span>,
    {
        // The signal-specific variable wins over the general one, as in opentelemetry-otlp.
        let protocol = [
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
            "OTEL_EXPORTER_OTLP_PROTOCOL",
        ]
        .into_iter()
        .find_map(|variable| {
            let value = std::env::var(variable).ok()?;
            (!value.trim().is_empty()).then_some((variable, value))
        });
        if let Some((variable, value)) = protocol
            && !value.trim().eq_ignore_ascii_case("http/protobuf")
        {
            return Err(OtelError::UnsupportedProtocol { variable, value });
        }
        if let Some((origin, endpoint)) =
            https_endpoint(self.endpoint.as_deref(), |v| std::env::var(v).ok())
        {
            return Err(OtelError::TlsUnsupported { origin, endpoint });
        }
        let mut exporter = SpanExporter::builder().with_http();
        if let Some(url) = &self.endpoint {
            exporter = exporter.with_endpoint(format!("{}/v1/traces", url.trim_end_matches('/')));
        }
        let exporter = exporter.build()?;
        let mut resource = Resource::builder();
        if !service_named_by_environment() {
            resource = resource.with_service_name(self.service_name);
        }
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_resource(resource.build())
            .build();
        let tracer = provider.tracer(SCOPE);
        let layer = tracing_opentelemetry::layer().with_tracer(tracer);
        Ok((layer, OtelGuard { provider }))
    }
}

/// The endpoint the exporter will use, with where it came from, when it is `https://`: the
/// programmatic one, else the signal-specific variable, else the general one (the exporter's
/// own order).
fn https_endpoint(
    programmatic: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Option<(&'static str, String)> {
    let chosen = match programmatic {
        Some(url) => Some(("Otel::endpoint", url.to_owned())),
        None => [
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
            "OTEL_EXPORTER_OTLP_ENDPOINT",
        ]
        .into_iter()
        .find_map(|variable| {
            let value = env(variable)?;
            (!value.trim().is_empty()).then_some((variable, value))
        }),
    };
    chosen.filter(|(_, url)| {
        url.trim()
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
    })
}

/// Whether `OTEL_SERVICE_NAME` or `OTEL_RESOURCE_ATTRIBUTES` names the service (the SDK's
/// resource detectors read both; the document's title is only the default).
fn service_named_by_environment() -> bool {
    service_named(
        std::env::var("OTEL_SERVICE_NAME").ok().as_deref(),
        std::env::var("OTEL_RESOURCE_ATTRIBUTES").ok().as_deref(),
    )
}

/// [`service_named_by_environment`] on the two variables' values.
fn service_named(service_name: Option<&str>, resource_attributes: Option<&str>) -> bool {
    service_name.is_some_and(|v| !v.trim().is_empty())
        || resource_attributes.is_some_and(|attrs| {
            attrs.split(',').any(|kv| {
                kv.split_once('=')
                    .is_some_and(|(k, v)| k.trim() == "service.name" && !v.trim().is_empty())
            })
        })
}

/// [`Otel::new`]`(doc).layer()`: the layer exporting asynction's spans over OTLP as the
/// `OTEL_*` environment variables say, and the guard that flushes them on drop.
pub fn layer<S>(doc: &Document) -> Result<(OpenTelemetryLayer<S, SdkTracer>, OtelGuard), OtelError>
where
    S: Subscriber + for<'span> LookupSpan<'span>,
{
    Otel::new(doc).layer()
}

/// Keeps the tracer provider: dropping it exports the spans still queued and stops the batch
/// processor, blocking until the receiver answered or the export timed out
/// (`OTEL_EXPORTER_OTLP_TIMEOUT`, 10 s by default). Hold it in `main` until the server has
/// stopped.
#[derive(Debug)]
#[must_use = "dropping the guard shuts the exporter down: keep it until the server stops"]
pub struct OtelGuard {
    provider: SdkTracerProvider,
}

impl OtelGuard {
    /// Exports every span that has ended so far, now (blocking until the receiver answered or
    /// the export timed out).
    pub fn force_flush(&self) -> Result<(), opentelemetry_sdk::error::OTelSdkError> {
        self.provider.force_flush()
    }
}

impl Drop for OtelGuard {
    fn drop(&mut self) {
        if let Err(e) = self.provider.shutdown() {
            // No subscriber may be left to log to at this point.
            eprintln!("asynction: flushing OpenTelemetry spans on shutdown: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{https_endpoint, service_named};

    #[test]
    fn https_endpoints_are_found_where_the_exporter_would_read_them() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert_eq!(https_endpoint(None, env(&[])), None);
        assert_eq!(
            https_endpoint(Some("HTTPS://collector:4318"), env(&[])),
            Some(("Otel::endpoint", "HTTPS://collector:4318".to_owned()))
        );
        // The programmatic endpoint wins over the environment, as in the exporter.
        assert_eq!(
            https_endpoint(
                Some("http://127.0.0.1:4318"),
                env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "https://x")])
            ),
            None
        );
        assert_eq!(
            https_endpoint(
                None,
                env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "https://x:4318")])
            ),
            Some(("OTEL_EXPORTER_OTLP_ENDPOINT", "https://x:4318".to_owned()))
        );
        // The signal-specific variable wins over the general one.
        assert_eq!(
            https_endpoint(
                None,
                env(&[
                    (
                        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                        "http://local:4318/v1/traces"
                    ),
                    ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://x"),
                ])
            ),
            None
        );
        assert_eq!(
            https_endpoint(None, env(&[("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", " ")])),
            None
        );
    }

    #[test]
    fn the_environment_names_the_service_by_either_variable() {
        assert!(!service_named(None, None));
        assert!(!service_named(
            Some(" "),
            Some("deployment.environment=prod")
        ));
        assert!(service_named(Some("chat"), None));
        assert!(service_named(None, Some("team=a, service.name=chat")));
        assert!(!service_named(None, Some("service.name=")));
        assert!(!service_named(None, Some("service.namespace=x")));
    }
}
