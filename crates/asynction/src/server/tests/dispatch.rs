//! After CONNECT (`server::dispatch`): every event is looked up, validated, handled, its ack
//! validated and answered — and every refusal reaches the client as an error ack with its
//! [`RefusalCode`].

use asynction_client::{Args as ClientArgs, Client, Transport};
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::{WAIT, client, document, on_both_transports, refusal_code};
use crate::refusal::RefusalCode;
use crate::{Ack, Args, AsynctionSocketIo, EventError, Payload, State};

const DOCUMENT: &str = r#"
asyncapi: 2.6.0
info: {title: Dispatch, version: 1.0.0}
channels:
  /:
    publish:
      message:
        oneOf:
          - name: echo
            x-handler: echo
            payload: {type: string, maxLength: 10}
            x-ack: {args: {type: string}}
          - name: divide
            x-handler: divide
            payload:
              type: array
              x-socketio-args: spread
              prefixItems: [{type: number}, {type: number}]
              minItems: 2
              maxItems: 2
            x-ack: {args: {type: number}}
          - name: bad ack
            x-handler: bad_ack
            x-ack: {args: {type: boolean}}
          - name: reverse
            x-handler: reverse
            payload: {type: string, format: binary}
            x-ack: {args: {type: string, format: binary}}
          - name: panic
            x-handler: panics
          - name: record
            x-handler: record
            payload: {type: string}
  /guarded:
    x-handlers: {error: on_error}
    publish:
      message:
        name: echo
        x-handler: echo
        payload: {type: string, maxLength: 10}
        x-ack: {args: {type: string}}
"#;

/// What the `record` handler saw, in order.
type Recorded = mpsc::UnboundedSender<String>;

async fn echo(Payload(text): Payload<String>) -> Ack<String> {
    Ack(text)
}

async fn divide(Payload((a, b)): Payload<(f64, f64)>) -> Result<Ack<f64>, String> {
    if b == 0.0 {
        Err("division by zero".into())
    } else {
        Ok(Ack(a / b))
    }
}

async fn bad_ack() -> Ack<&'static str> {
    Ack("not a boolean")
}

/// Acks with the attachment reversed (the placeholder argument kept as is).
async fn reverse(mut args: Args) -> Args {
    for binary in &mut args.binaries {
        *binary = binary.iter().rev().copied().collect::<Vec<u8>>().into();
    }
    args
}

async fn panics() {
    panic!("a handler bug");
}

async fn record(State(recorded): State<Recorded>, Payload(text): Payload<String>) {
    recorded
        .send(text)
        .expect("the test holds the receiver while it sends");
}

async fn on_error(error: EventError) -> Ack<Value> {
    Ack(json!({"handled": error.code, "event": error.event}))
}

/// The document's server, and what its `record` handler receives.
fn app() -> (axum::Router, mpsc::UnboundedReceiver<String>) {
    let (recorded, received) = mpsc::unbounded_channel();
    let built = AsynctionSocketIo::from_document(document(DOCUMENT))
        .handler("echo", echo)
        .handler("divide", divide)
        .handler("bad_ack", bad_ack)
        .handler("reverse", reverse)
        .handler("panics", panics)
        .handler("record", record)
        .handler("on_error", on_error)
        .with_state(recorded)
        .build()
        .expect("the test document builds");
    (built.into_router(), received)
}

async fn connected(app: &axum::Router, transport: Transport, namespace: &str) -> Client {
    client(app, transport)
        .connect(namespace)
        .await
        .unwrap_or_else(|e| panic!("CONNECT to {namespace}: {e}"))
}

async fn ack(client: &mut Client, namespace: &str, event: &str, args: Vec<Value>) -> ClientArgs {
    client
        .emit_with_ack(namespace, event, args, WAIT)
        .await
        .unwrap_or_else(|e| panic!("no ack for {event}: {e}"))
}

async fn a_valid_event_reaches_its_handler_and_its_ack_comes_back(transport: Transport) {
    let (app, _) = app();
    let mut client = connected(&app, transport, "/").await;
    assert_eq!(
        ack(&mut client, "/", "echo", vec![json!("hello")])
            .await
            .values,
        [json!("hello")]
    );
    // A spread argument list: two arguments, deserialized as a tuple.
    assert_eq!(
        ack(&mut client, "/", "divide", vec![json!(1), json!(4)])
            .await
            .values,
        [json!(0.25)]
    );
}

async fn an_invalid_payload_is_refused_with_invalid_payload(transport: Transport) {
    let (app, mut received) = app();
    let mut client = connected(&app, transport, "/").await;
    let refused = ack(&mut client, "/", "echo", vec![json!("far too long")]).await;
    assert_eq!(refusal_code(&refused), RefusalCode::InvalidPayload);
    let error = &refused.values[0]["error"];
    assert_eq!(
        (&error["namespace"], &error["event"]),
        (&json!("/"), &json!("echo"))
    );
    assert_eq!(error["violations"][0]["schemaPath"], "/maxLength");
    // A wrong type, and a wrong argument count.
    let refused = ack(&mut client, "/", "divide", vec![json!("1"), json!(2)]).await;
    assert_eq!(refusal_code(&refused), RefusalCode::InvalidPayload);
    let refused = ack(&mut client, "/", "divide", vec![json!(1)]).await;
    assert_eq!(refusal_code(&refused), RefusalCode::InvalidPayload);
    // The refused payload never reached the handler: the error ack is the dispatcher's last
    // word on it, and the handler has recorded nothing.
    let refused = ack(&mut client, "/", "record", vec![json!(5)]).await;
    assert_eq!(refusal_code(&refused), RefusalCode::InvalidPayload);
    assert!(received.try_recv().is_err(), "the handler ran");
}

async fn an_unknown_event_is_refused_with_unknown_event(transport: Transport) {
    let (app, _) = app();
    let mut client = connected(&app, transport, "/").await;
    let refused = ack(&mut client, "/", "no such event", vec![json!(1)]).await;
    assert_eq!(refusal_code(&refused), RefusalCode::UnknownEvent);
    assert_eq!(refused.values[0]["error"]["event"], "no such event");
}

async fn a_handler_error_is_refused_with_handler_error_and_its_message(transport: Transport) {
    let (app, _) = app();
    let mut client = connected(&app, transport, "/").await;
    let refused = ack(&mut client, "/", "divide", vec![json!(1), json!(0)]).await;
    assert_eq!(refusal_code(&refused), RefusalCode::HandlerError);
    assert_eq!(refused.values[0]["error"]["message"], "division by zero");
}

async fn a_panicking_handler_is_refused_with_internal_error(transport: Transport) {
    let (app, _) = app();
    let mut client = connected(&app, transport, "/").await;
    let refused = ack(&mut client, "/", "panic", vec![]).await;
    assert_eq!(refusal_code(&refused), RefusalCode::InternalError);
    // The connection lives on.
    assert_eq!(
        ack(&mut client, "/", "echo", vec![json!("after")])
            .await
            .values,
        [json!("after")]
    );
}

async fn an_ack_that_breaks_its_schema_is_refused_with_invalid_server_ack(transport: Transport) {
    let (app, _) = app();
    let mut client = connected(&app, transport, "/").await;
    let refused = ack(&mut client, "/", "bad ack", vec![]).await;
    assert_eq!(refusal_code(&refused), RefusalCode::InvalidServerAck);
    assert_eq!(refused.values[0]["error"]["event"], "bad ack");
}

async fn binary_attachments_reach_the_handler_and_come_back_in_the_ack(transport: Transport) {
    let (app, _) = app();
    let mut client = connected(&app, transport, "/").await;
    let args = ClientArgs::new().binary(vec![1u8, 2, 3, 0xff]);
    let ack = client
        .emit_with_ack("/", "reverse", args, WAIT)
        .await
        .unwrap();
    assert_eq!(ack.values, [json!({"_placeholder": true, "num": 0})]);
    assert_eq!(
        ack.binary_of(&ack.values[0]).unwrap().as_ref(),
        [0xff, 3, 2, 1]
    );
    // Validated as a string: a JSON number in its place is refused.
    let refused = client
        .emit_with_ack("/", "reverse", vec![json!(7)], WAIT)
        .await
        .unwrap();
    assert_eq!(refusal_code(&refused), RefusalCode::InvalidPayload);
}

async fn events_without_an_ack_request_reach_the_handler(transport: Transport) {
    let (app, mut received) = app();
    let mut client = connected(&app, transport, "/").await;
    client
        .emit("/", "record", vec![json!("one")])
        .await
        .unwrap();
    client
        .emit("/", "record", vec![json!("two")])
        .await
        .unwrap();
    let mut seen = vec![received.recv().await, received.recv().await];
    seen.sort();
    assert_eq!(seen, [Some("one".to_owned()), Some("two".to_owned())]);
    // With an ack request, a handler that returns nothing acks with no arguments.
    let acked = ack(&mut client, "/", "record", vec![json!("three")]).await;
    assert_eq!(acked.values, Vec::<Value>::new());
    assert_eq!(received.recv().await.as_deref(), Some("three"));
}

async fn the_namespace_error_handler_answers_refused_events(transport: Transport) {
    let (app, _) = app();
    let mut client = connected(&app, transport, "/guarded").await;
    assert_eq!(
        ack(&mut client, "/guarded", "echo", vec![json!("fine")])
            .await
            .values,
        [json!("fine")]
    );
    let handled = ack(&mut client, "/guarded", "echo", vec![json!(42)]).await;
    assert_eq!(
        handled.values,
        [json!({"handled": "invalid_payload", "event": "echo"})]
    );
    let handled = ack(&mut client, "/guarded", "other", vec![]).await;
    assert_eq!(
        handled.values,
        [json!({"handled": "unknown_event", "event": "other"})]
    );
}

on_both_transports!(
    a_valid_event_reaches_its_handler_and_its_ack_comes_back,
    an_invalid_payload_is_refused_with_invalid_payload,
    an_unknown_event_is_refused_with_unknown_event,
    a_handler_error_is_refused_with_handler_error_and_its_message,
    a_panicking_handler_is_refused_with_internal_error,
    an_ack_that_breaks_its_schema_is_refused_with_invalid_server_ack,
    binary_attachments_reach_the_handler_and_come_back_in_the_ack,
    events_without_an_ack_request_reach_the_handler,
    the_namespace_error_handler_answers_refused_events,
);
