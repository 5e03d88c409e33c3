//! From a handler to the client (`server::emit`): a handler's emit is validated before it is
//! sent, and the client's ack to a server emit-with-ack is validated before the handler sees
//! it.

use asynction_client::{Client, Incoming, Transport};
use serde_json::{Value, json};

use super::{WAIT, client, document, on_both_transports};
use crate::{Ack, AsynctionSocketIo, EmitError, Payload, ValidatedSocket};

const DOCUMENT: &str = r#"
asyncapi: 2.6.0
info: {title: Emit, version: 1.0.0}
channels:
  /:
    publish:
      message:
        oneOf:
          - name: greet
            x-handler: greet
            payload: {type: string}
            x-ack: {args: {type: string}}
          - name: ask
            x-handler: ask
            x-ack: {args: {type: object}}
    subscribe:
      message:
        oneOf:
          - name: greeting
            payload: {type: string, maxLength: 12}
          - name: question
            payload: {type: string}
            x-ack: {args: {type: integer, minimum: 0}}
"#;

/// Emits `greeting` to the client; acks with what happened to it.
async fn greet(socket: ValidatedSocket, Payload(name): Payload<String>) -> Ack<String> {
    match socket.emit("greeting", &format!("hello {name}")) {
        Ok(()) => Ack("sent".into()),
        Err(EmitError::Invalid(e)) => Ack(format!("refused: {}", e.interaction.code())),
        Err(other) => Ack(format!("unexpected: {other}")),
    }
}

/// Asks the client a question; acks with its (validated) answer or why there is none.
async fn ask(socket: ValidatedSocket) -> Ack<Value> {
    match socket
        .emit_with_ack::<_, i64>("question", "how many?")
        .await
    {
        Ok(answer) => Ack(json!({"answer": answer})),
        Err(EmitError::Invalid(e)) => Ack(json!({"refused": e.interaction.code()})),
        Err(other) => Ack(json!({"unexpected": other.to_string()})),
    }
}

async fn connected(transport: Transport) -> Client {
    let app = AsynctionSocketIo::from_document(document(DOCUMENT))
        .handler("greet", greet)
        .handler("ask", ask)
        .build()
        .expect("the test document builds")
        .into_router();
    client(&app, transport).connect("/").await.unwrap()
}

async fn a_handlers_emit_is_validated_before_it_is_sent(transport: Transport) {
    let mut client = connected(transport).await;
    let ack = client
        .emit_with_ack("/", "greet", vec![json!("bob")], WAIT)
        .await
        .unwrap();
    assert_eq!(ack.values, [json!("sent")]);
    let greeting = client.next_event("greeting", WAIT).await.unwrap();
    assert_eq!(greeting.args.values, [json!("hello bob")]);
    // Too long for the schema: refused in the handler, never sent.
    let ack = client
        .emit_with_ack("/", "greet", vec![json!("bartholomew")], WAIT)
        .await
        .unwrap();
    assert_eq!(ack.values, [json!("refused: invalid_emit")]);
    client
        .emit_with_ack("/", "greet", vec![json!("al")], WAIT)
        .await
        .unwrap();
    // Events arrive in order on one socket: the next one is the valid emit made after.
    match client.next(WAIT).await.unwrap() {
        Incoming::Event(e) => assert_eq!(
            (e.name.as_str(), e.args.values),
            ("greeting", vec![json!("hello al")])
        ),
        other => panic!("expected the greeting, got {other:?}"),
    }
}

async fn the_clients_ack_to_a_server_question_is_validated(transport: Transport) {
    let mut client = connected(transport).await;
    for (answer, expected) in [
        (json!(5), json!({"answer": 5})),
        (json!(-1), json!({"refused": "invalid_client_ack"})),
    ] {
        let id = client.emit_ack_id("/", "ask", ()).await.unwrap();
        let question = client.next_event("question", WAIT).await.unwrap();
        assert_eq!(question.args.values, [json!("how many?")]);
        client.ack(&question, vec![answer]).await.unwrap();
        let ack = client.wait_ack("/", id, WAIT).await.unwrap();
        assert_eq!(ack.values, [expected]);
    }
}

on_both_transports!(
    a_handlers_emit_is_validated_before_it_is_sent,
    the_clients_ack_to_a_server_question_is_validated,
);
