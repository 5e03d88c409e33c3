//! `tracing` spans (feature `traces`): one per connection, one per event as its child, the
//! handler running inside the event span; checked with a capturing `tracing` layer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asynction::{Ack, AsynctionSocketIo, Payload};
use asynction_client::{Client, ClientBuilder};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

const FIXTURE: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/tests/fixtures/server/traces.yaml"
);

#[derive(Debug, Default)]
struct SpanRec {
    name: String,
    parent: Option<u64>,
    fields: HashMap<String, String>,
}

#[derive(Default)]
struct Captured {
    spans: HashMap<u64, SpanRec>,
    /// Log events: message → the span they were emitted in.
    events: Vec<(String, Option<u64>)>,
}

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Captured>>);

struct Fields<'a>(&'a mut HashMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let parent = attrs
            .parent()
            .cloned()
            .or_else(|| {
                attrs
                    .is_contextual()
                    .then(|| ctx.current_span().id().cloned())
                    .flatten()
            })
            .map(|p| p.into_u64());
        let mut rec = SpanRec {
            name: attrs.metadata().name().to_owned(),
            parent,
            fields: HashMap::new(),
        };
        attrs.record(&mut Fields(&mut rec.fields));
        self.0.lock().unwrap().spans.insert(id.into_u64(), rec);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some(rec) = self.0.lock().unwrap().spans.get_mut(&id.into_u64()) {
            values.record(&mut Fields(&mut rec.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = HashMap::new();
        event.record(&mut Fields(&mut fields));
        let span = ctx.event_span(event).map(|s| s.id().into_u64());
        let message = fields.remove("message").unwrap_or_default();
        self.0.lock().unwrap().events.push((message, span));
    }
}

async fn echo(Payload(text): Payload<String>) -> Ack<String> {
    tracing::info!("inside the echo handler");
    Ack(text)
}

#[tokio::test]
async fn an_event_span_is_a_child_of_its_connection_span_and_holds_the_handler() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let built = AsynctionSocketIo::from_spec(FIXTURE)
        .unwrap()
        .handler("echo", echo)
        .build()
        .unwrap();
    let app = built.into_router();
    let mut client = asynction_testkit::sio_in_process(&app, "/").await;
    let ok = asynction_testkit::ack_of(&mut client, "/", "echo", &[json!("hi")])
        .await
        .unwrap();
    assert_eq!(ok, json!(["hi"]));
    let refused = asynction_testkit::ack_of(&mut client, "/", "echo", &[json!("too long")])
        .await
        .unwrap();
    assert!(refused[0].get("error").is_some(), "{refused}");

    let captured = capture.0.lock().unwrap();
    let named = |name: &str| -> Vec<(&u64, &SpanRec)> {
        captured
            .spans
            .iter()
            .filter(|(_, s)| s.name == name)
            .collect()
    };
    let connections = named("asynction.connection");
    assert_eq!(connections.len(), 1, "{:?}", captured.spans);
    let (conn_id, conn) = connections[0];
    assert_eq!(conn.fields["namespace"], "/");
    let events = named("asynction.event");
    assert_eq!(events.len(), 2, "{:?}", captured.spans);
    for (_, e) in &events {
        assert_eq!(
            e.parent,
            Some(*conn_id),
            "the event span is the connection's child"
        );
        assert_eq!(e.fields["namespace"], "/");
        assert_eq!(e.fields["event"], "echo");
        assert_eq!(e.fields["handler"], "echo");
        assert_eq!(e.fields["ack_requested"], "true");
        assert_eq!(e.fields["socket_id"], conn.fields["socket_id"]);
    }
    let mut outcomes: Vec<&str> = events
        .iter()
        .map(|(_, e)| e.fields["outcome"].as_str())
        .collect();
    outcomes.sort();
    assert_eq!(outcomes, ["invalid_payload", "ok"]);
    let (ok_id, _) = events
        .iter()
        .find(|(_, e)| e.fields["outcome"] == "ok")
        .unwrap();
    let inside: Vec<_> = captured
        .events
        .iter()
        .filter(|(m, _)| m == "inside the echo handler")
        .collect();
    assert_eq!(inside.len(), 1);
    assert_eq!(
        inside[0].1,
        Some(**ok_id),
        "the handler runs inside the event span"
    );
}

/// The session an opted-in client of `/chat` (in process) is told first.
async fn opted_in(app: &axum::Router, auth: serde_json::Value) -> (Client, serde_json::Value) {
    let mut client = ClientBuilder::in_process(app.clone())
        .auth(auth)
        .connect("/chat")
        .await
        .unwrap();
    let session = client
        .next_event("asynction:recovery", Duration::from_secs(5))
        .await
        .unwrap();
    (client, session.args.values[0].clone())
}

#[tokio::test]
async fn the_connection_span_says_whether_it_recovered_and_why_not() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);

    let doc = asynction::Document::from_text(
        "asyncapi: 2.6.0\ninfo: {title: Recovery traces, version: '1'}\nx-socketio-recovery: {maxDisconnectionDuration: 60000}\nchannels:\n  /chat:\n    subscribe:\n      message: {name: message, payload: {type: string}}\n",
    )
    .unwrap();
    let built = AsynctionSocketIo::from_document(doc).build().unwrap();
    let io = built.io.clone();
    let app = built.into_router();
    let (ada, session) = opted_in(&app, json!({"pid": null})).await;
    drop(ada);
    for _ in 0..100 {
        if io.recovery_stats().unwrap().sessions == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        io.recovery_stats().unwrap().sessions,
        1,
        "the server kept the lost client's session"
    );
    let (_ada, back) = opted_in(&app, json!({"pid": session["pid"], "offset": null})).await;
    assert_eq!(back["recovered"], json!(true), "{back}");
    let (_forger, forged) = opted_in(&app, json!({"pid": "AAAAAAAAAAAAAAAAAAAAAA"})).await;
    assert_eq!(forged["recovered"], json!(false), "{forged}");
    // A client that did not opt in: neither field.
    let _plain = asynction_testkit::sio_in_process(&app, "/chat").await;

    let captured = capture.0.lock().unwrap();
    let mut connections: Vec<&SpanRec> = captured
        .spans
        .iter()
        .filter(|(_, s)| s.name == "asynction.connection")
        .map(|(_, s)| s)
        .collect();
    connections.sort_by_key(|s| s.fields["socket_id"].clone());
    let fields = |s: &SpanRec| {
        (
            s.fields.get("recovered").cloned(),
            s.fields.get("recovery.miss").cloned(),
        )
    };
    let mut seen: Vec<(Option<String>, Option<String>)> =
        connections.iter().map(|s| fields(s)).collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            (None, None),
            (Some("false".into()), None),
            (Some("false".into()), Some("unknown_session".into())),
            (Some("true".into()), None),
        ],
        "{:?}",
        captured.spans
    );
}
