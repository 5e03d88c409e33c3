//! A real OTLP/HTTP receiver for the export tests: an axum route on a free port decoding
//! `ExportTraceServiceRequest`s with the `opentelemetry-proto` crate's protobuf types.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Bytes;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::KeyValue;
use prost::Message;
use tokio::sync::mpsc;

/// An attribute's value, as received.
pub use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
/// A received span, as OTLP carries it.
pub use opentelemetry_proto::tonic::trace::v1::Span;

/// One received span, with its resource's `service.name`.
#[derive(Debug, Clone)]
pub struct Received {
    /// The resource's `service.name`.
    pub service: Option<String>,
    /// The span.
    pub span: Span,
}

/// Starts an OTLP/HTTP receiver on a free port, on its own thread and runtime (the exporter's
/// flush blocks the caller until the receiver answers); returns its base URL and the spans it
/// receives.
pub fn start_receiver() -> (String, mpsc::UnboundedReceiver<Received>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let url = format!("http://{}", listener.local_addr().expect("local addr"));
    let (tx, rx) = mpsc::unbounded_channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("the receiver's runtime");
        runtime.block_on(async move {
            let app = axum::Router::new().route(
                "/v1/traces",
                axum::routing::post(move |body: Bytes| {
                    let tx = tx.clone();
                    async move {
                        let request = ExportTraceServiceRequest::decode(body)
                            .expect("an ExportTraceServiceRequest");
                        for resource_spans in request.resource_spans {
                            let service = resource_spans
                                .resource
                                .as_ref()
                                .and_then(|r| string_attribute(&r.attributes, "service.name"));
                            for scope in resource_spans.scope_spans {
                                for span in scope.spans {
                                    let _ = tx.send(Received {
                                        service: service.clone(),
                                        span,
                                    });
                                }
                            }
                        }
                        (
                            [(axum::http::header::CONTENT_TYPE, "application/x-protobuf")],
                            ExportTraceServiceResponse::default().encode_to_vec(),
                        )
                    }
                }),
            );
            let listener = tokio::net::TcpListener::from_std(listener).expect("a tokio listener");
            axum::serve(listener, app).await.expect("serve");
        });
    });
    (url, rx)
}

/// The value of attribute `key`, if present.
pub fn attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a AnyValue> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.as_ref())
        .and_then(|v| v.value.as_ref())
}

/// Attribute `key` as a string (a value of another type in its debug form), if present.
pub fn string_attribute(attributes: &[KeyValue], key: &str) -> Option<String> {
    match attribute(attributes, key)? {
        AnyValue::StringValue(s) => Some(s.clone()),
        other => Some(format!("{other:?}")),
    }
}

/// Receives spans until every name in `wanted` has arrived (the last of each name kept), or
/// `timeout` passes: the spans by name, and whether all arrived.
pub async fn collect(
    received: &mut mpsc::UnboundedReceiver<Received>,
    wanted: &[&str],
    timeout: Duration,
) -> (HashMap<String, Received>, bool) {
    let mut spans = HashMap::new();
    let all = tokio::time::timeout(timeout, async {
        while !wanted.iter().all(|w| spans.contains_key(*w)) {
            let Some(r) = received.recv().await else {
                break;
            };
            spans.insert(r.span.name.clone(), r);
        }
    })
    .await
    .is_ok();
    let complete = all && wanted.iter().all(|w| spans.contains_key(*w));
    (spans, complete)
}
