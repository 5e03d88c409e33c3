//! OTLP export (feature `otel`): the server under test exports its spans to a real OTLP/HTTP
//! receiver started here (`asynction_testkit::otlp`: an axum route decoding `ExportTraceServiceRequest`s
//! with the `opentelemetry-proto` crate's protobuf types), and the span tree of one event is checked:
//! names, parent/child links, attributes and the resource's `service.name`.

use std::time::Duration;

use asynction::{Ack, AsynctionSocketIo, Payload};
use asynction_testkit::otlp::{
    AnyValue, Received, attribute, collect, start_receiver, string_attribute,
};
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt;

const FIXTURE: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/tests/fixtures/server/traces.yaml"
);

async fn echo(Payload(text): Payload<String>) -> Ack<String> {
    tracing::info_span!("user.echo").in_scope(|| tracing::info!("inside the echo handler"));
    Ack(text)
}

#[tokio::test]
async fn an_otlp_receiver_gets_the_connection_event_and_handler_spans_linked() {
    let (url, mut received) = start_receiver();
    let doc = asynction::Document::from_path(FIXTURE).unwrap();
    let (layer, guard) = asynction::otel::Otel::new(&doc)
        .endpoint(url)
        .layer()
        .unwrap();
    let subscriber = tracing_subscriber::registry().with(layer);
    let _default = tracing::subscriber::set_default(subscriber);

    let built = AsynctionSocketIo::from_spec(FIXTURE)
        .unwrap()
        .handler("echo", echo)
        .build()
        .unwrap();
    let addr = asynction_testkit::serve(built.into_router()).await;
    let mut client = asynction_testkit::sio(addr, "/").await;
    let ok = asynction_testkit::ack_of(&mut client, "/", "echo", &[json!("hi")])
        .await
        .unwrap();
    assert_eq!(ok, json!(["hi"]));
    // The connection span ends when the server drops the socket, after the disconnect.
    client.close().await.unwrap();

    // The batch processor exports on its schedule (OTEL_BSP_SCHEDULE_DELAY, 5 s by default).
    let wanted = ["asynction.connection", "asynction.event", "user.echo"];
    let (spans, all) = collect(&mut received, &wanted, Duration::from_secs(30)).await;
    assert!(all, "spans received in 30 s: {:?}", spans.keys());
    drop(guard);

    let connection = &spans["asynction.connection"];
    let event = &spans["asynction.event"];
    let handler = &spans["user.echo"];
    for r in [connection, event, handler] {
        assert_eq!(
            r.service.as_deref(),
            Some("Traces fixture"),
            "service.name is the document's info.title"
        );
        assert_eq!(r.span.trace_id, connection.span.trace_id, "one trace");
    }
    assert!(
        connection.span.parent_span_id.is_empty(),
        "the connection span is the root"
    );
    assert_eq!(event.span.parent_span_id, connection.span.span_id);
    assert_eq!(handler.span.parent_span_id, event.span.span_id);

    let attrs = |r: &Received, key: &str| string_attribute(&r.span.attributes, key);
    assert_eq!(attrs(connection, "namespace").as_deref(), Some("/"));
    let socket_id = attrs(connection, "socket_id").expect("the connection's socket_id");
    assert_eq!(attrs(event, "namespace").as_deref(), Some("/"));
    assert_eq!(attrs(event, "event").as_deref(), Some("echo"));
    assert_eq!(attrs(event, "handler").as_deref(), Some("echo"));
    assert_eq!(attrs(event, "outcome").as_deref(), Some("ok"));
    assert_eq!(attrs(event, "socket_id"), Some(socket_id));
    assert!(
        matches!(
            attribute(&event.span.attributes, "ack_requested"),
            Some(AnyValue::BoolValue(true))
        ),
        "{:?}",
        event.span.attributes
    );
}

#[test]
fn a_grpc_protocol_is_refused_with_what_to_set_instead() {
    // Run in a child process: environment variables are process-wide.
    if std::env::var_os("ASYNCTION_OTEL_GRPC_CHILD").is_none() {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "otel::a_grpc_protocol_is_refused_with_what_to_set_instead",
                "--exact",
                "--nocapture",
            ])
            .env("ASYNCTION_OTEL_GRPC_CHILD", "1")
            .env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let doc = asynction::Document::from_path(FIXTURE).unwrap();
    let Err(err) = asynction::otel::layer::<tracing_subscriber::Registry>(&doc) else {
        panic!("OTEL_EXPORTER_OTLP_PROTOCOL=grpc was accepted");
    };
    let message = err.to_string();
    assert!(
        message.contains("OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported")
            && message.contains("http/protobuf")
            && message.contains("4318"),
        "{message}"
    );
}

/// An `https://` endpoint is refused at setup with what to do instead: this build's exporter
/// has no TLS, and its exports would fail silently on the SDK's thread.
#[test]
fn an_https_endpoint_is_refused_with_what_to_do_instead() {
    let doc = asynction::Document::from_path(FIXTURE).unwrap();
    let Err(err) = asynction::otel::Otel::new(&doc)
        .endpoint("https://collector.example:4318")
        .layer::<tracing_subscriber::Registry>()
    else {
        panic!("an https endpoint was accepted");
    };
    let message = err.to_string();
    assert!(
        message.contains("https://collector.example:4318")
            && message.contains("no TLS")
            && message.contains("http://"),
        "{message}"
    );
}
