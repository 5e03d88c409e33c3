//! Before CONNECT (`server::connect`): security, then the handshake bindings, then the
//! namespace's connect handler; each refusal reaches the client as a `connect_error` whose
//! message starts with its [`RefusalCode`].

use asynction_client::{Error, Transport};
use serde_json::{Value, json};

use super::{WAIT, client, document, on_both_transports};
use crate::refusal::RefusalCode;
use crate::security::{ApiKeyCredentials, Refusal, SecurityHandlers, SecurityInfo};
use crate::{Ack, AsynctionSocketIo, AuthPayload};

const DOCUMENT: &str = r#"
asyncapi: 2.6.0
info: {title: Connect, version: 1.0.0}
channels:
  /limited:
    bindings:
      ws:
        query:
          type: object
          properties: {limit: {type: integer, maximum: 10}}
          required: [limit]
    publish:
      message: {name: ping, x-handler: ping, x-ack: {args: {type: boolean}}}
  /secured:
    x-security: [{apiKey: []}]
    bindings:
      ws:
        query:
          type: object
          properties: {limit: {type: integer}}
          required: [limit]
    publish:
      message: {name: whoami, x-handler: whoami, x-ack: {args: {type: string}}}
  /hooked:
    x-handlers: {connect: let_in}
    publish:
      message: {name: ping, x-handler: ping, x-ack: {args: {type: boolean}}}
components:
  securitySchemes:
    apiKey: {type: httpApiKey, in: query, name: key, x-apiKeyInfoFunc: check_key}
"#;

async fn ping() -> Ack<bool> {
    Ack(true)
}

async fn whoami(info: SecurityInfo) -> Ack<String> {
    Ack(info.user.unwrap_or_default())
}

/// The connect handler: a token in the CONNECT `auth` payload, or its own refusal message.
async fn let_in(AuthPayload(auth): AuthPayload) -> Result<(), String> {
    if auth["token"] == "open sesame" {
        Ok(())
    } else {
        Err("a token is required".into())
    }
}

async fn check_key(credentials: ApiKeyCredentials) -> Result<SecurityInfo, Refusal> {
    match credentials.key.as_str() {
        "alice's key" => Ok(SecurityInfo::for_user("alice")),
        "revoked" => Err(Refusal::Forbidden),
        _ => Err(Refusal::Unauthorized),
    }
}

fn app() -> axum::Router {
    AsynctionSocketIo::from_document(document(DOCUMENT))
        .handler("ping", ping)
        .handler("whoami", whoami)
        .handler("let_in", let_in)
        .security_handlers(SecurityHandlers::new().api_key("check_key", check_key))
        .build()
        .expect("the test document builds")
        .into_router()
}

/// The `connect_error` message a CONNECT to `namespace` gets; panics if it is accepted.
async fn refusal(builder: asynction_client::ClientBuilder, namespace: &str) -> String {
    match builder.connect(namespace).await {
        Err(Error::ConnectError {
            namespace: refused,
            message,
            ..
        }) => {
            assert_eq!(refused, namespace);
            message
        }
        Ok(_) => panic!("CONNECT to {namespace} was accepted"),
        Err(other) => panic!("CONNECT to {namespace}: {other}"),
    }
}

/// The code a `connect_error` message starts with.
fn code_of(message: &str) -> RefusalCode {
    let code = message.split(':').next().unwrap_or_default();
    code.parse()
        .unwrap_or_else(|e| panic!("connect_error {message:?}: {e}"))
}

async fn handshake_bindings_refuse_with_invalid_handshake(transport: Transport) {
    let app = app();
    let missing = refusal(client(&app, transport), "/limited").await;
    assert_eq!(code_of(&missing), RefusalCode::InvalidHandshake);
    assert!(missing.contains("limit"), "{missing}");
    let too_high = refusal(client(&app, transport).query("limit", "11"), "/limited").await;
    assert_eq!(code_of(&too_high), RefusalCode::InvalidHandshake);
    assert!(too_high.contains("/query/limit"), "{too_high}");
    // The query string "5" is coerced to the schema's integer.
    let mut accepted = client(&app, transport)
        .query("limit", "5")
        .connect("/limited")
        .await
        .unwrap();
    let ack = accepted
        .emit_with_ack("/limited", "ping", (), WAIT)
        .await
        .unwrap();
    assert_eq!(ack.values, [json!(true)]);
}

async fn security_refuses_with_unauthorized_or_forbidden(transport: Transport) {
    let app = app();
    // Security comes first: without credentials the bindings (no `limit`) are never checked,
    // so the message says nothing about them.
    let none = refusal(client(&app, transport), "/secured").await;
    assert_eq!(none, "unauthorized");
    let unknown = refusal(client(&app, transport).query("key", "guess"), "/secured").await;
    assert_eq!(code_of(&unknown), RefusalCode::Unauthorized);
    let revoked = refusal(client(&app, transport).query("key", "revoked"), "/secured").await;
    assert_eq!(revoked, "forbidden");
    // Authenticated, the bindings still apply.
    let authenticated = client(&app, transport).query("key", "alice's key");
    let unbound = refusal(authenticated.clone(), "/secured").await;
    assert_eq!(code_of(&unbound), RefusalCode::InvalidHandshake);
    let mut alice = authenticated
        .query("limit", "1")
        .connect("/secured")
        .await
        .unwrap();
    let ack = alice
        .emit_with_ack("/secured", "whoami", (), WAIT)
        .await
        .unwrap();
    assert_eq!(ack.values, [json!("alice")]);
}

async fn the_connect_handler_refuses_with_its_own_message(transport: Transport) {
    let app = app();
    let refused = refusal(
        client(&app, transport).auth(json!({"token": "wrong"})),
        "/hooked",
    )
    .await;
    assert_eq!(refused, "a token is required");
    let mut accepted = client(&app, transport)
        .auth(json!({"token": "open sesame"}))
        .connect("/hooked")
        .await
        .unwrap();
    let ack = accepted
        .emit_with_ack("/hooked", "ping", (), WAIT)
        .await
        .unwrap();
    assert_eq!(ack.values, [Value::Bool(true)]);
}

/// The Engine.IO handshake names the server (what `asynction test` reads to pick its rules).
async fn the_handshake_names_the_server(transport: Transport) {
    let opened = client(&app(), transport).open().await.unwrap();
    assert_eq!(
        opened.response_headers()[axum::http::header::SERVER],
        concat!("asynction/", env!("CARGO_PKG_VERSION"))
    );
}

on_both_transports!(
    the_handshake_names_the_server,
    handshake_bindings_refuse_with_invalid_handshake,
    security_refuses_with_unauthorized_or_forbidden,
    the_connect_handler_refuses_with_its_own_message,
);
