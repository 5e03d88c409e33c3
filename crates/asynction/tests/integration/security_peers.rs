//! Authentication at connect time with real clients: the original asynction's security
//! fixtures, ported, plus the cases it got wrong.

use asynction::Document;
use asynction::security::{
    ApiKeyCredentials, BasicCredentials, BearerCredentials, Refusal, SecurityHandlers,
    SecurityInfo, TokenCredentials,
};
use asynction::{Ack, AsynctionSocketIo, EventError};
use asynction_testkit::{node, python, serve};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/security/{name}",
        concat!(env!("CARGO_MANIFEST_DIR"), "/../..")
    )
}

/// `username:password` in base64, as the original's fixtures use.
const GOOD_BASIC: &str = "Basic dXNlcm5hbWU6cGFzc3dvcmQ=";

async fn basic_info(c: BasicCredentials) -> Result<SecurityInfo, Refusal> {
    if c.username == "username" && c.password == "password" {
        Ok(SecurityInfo::for_user("basic-user"))
    } else {
        Err(Refusal::Unauthorized)
    }
}

async fn bearer_info(c: BearerCredentials) -> Result<SecurityInfo, Refusal> {
    match c.token.as_str() {
        "good" => Ok(SecurityInfo::for_user("bearer-user")),
        _ => Err(Refusal::Unauthorized),
    }
}

async fn api_key_info(c: ApiKeyCredentials) -> Result<SecurityInfo, Refusal> {
    if c.key == "good" {
        Ok(SecurityInfo::for_user("key-user"))
    } else {
        Err(Refusal::Unauthorized)
    }
}

async fn token_info(c: TokenCredentials) -> Result<SecurityInfo, Refusal> {
    match c.token.as_str() {
        "scopes-ab" => Ok(SecurityInfo::for_user("u").with_scopes(["a", "b"])),
        "scope-string" => Ok(SecurityInfo::for_user("u").with_scope_string("b a")),
        "scopes-b" => Ok(SecurityInfo::for_user("u").with_scopes(["b"])),
        _ => Err(Refusal::Unauthorized),
    }
}

fn handlers() -> SecurityHandlers {
    SecurityHandlers::new()
        .basic("basic_info", basic_info)
        .bearer("bearer_info", bearer_info)
        .api_key("api_key_info", api_key_info)
}

async fn start(doc: &str, handlers: SecurityHandlers) -> std::net::SocketAddr {
    let app = AsynctionSocketIo::from_spec(fixture(doc))
        .unwrap()
        .security_handlers(handlers)
        .build()
        .unwrap_or_else(|e| panic!("{doc}: {e}"));
    serve(app.into_router()).await
}

fn conn(id: &str, ns: &str, extra: Value) -> Value {
    let mut step = json!({"op": "connect", "id": id, "ns": ns});
    for (k, v) in extra.as_object().unwrap() {
        step[k] = v.clone();
    }
    step
}

#[tokio::test]
async fn server_security_is_an_or_of_basic_bearer_and_query_key() {
    let addr = start("security.yaml", handlers()).await;
    let r = node(addr, "/socket.io", json!([
        conn("none", "/", json!({})),
        conn("basic", "/", json!({"headers": {"authorization": GOOD_BASIC}})),
        conn("basic-bad", "/", json!({"headers": {"authorization": "Basic dXNlcm5hbWU6d3Jvbmc="}})),
        conn("bearer", "/", json!({"headers": {"authorization": "Bearer good"}})),
        conn("bearer-bad", "/", json!({"headers": {"authorization": "Bearer bad"}})),
        conn("key", "/", json!({"query": {"api_key": "good"}})),
        conn("key-bad", "/", json!({"query": {"api_key": "bad"}})),
        conn("auth-payload", "/", json!({"auth": {"token": "good"}})),
        conn("unknown-scheme-then-key", "/", json!({"headers": {"authorization": "Token whatever"}, "query": {"api_key": "good"}})),
        conn("garbage-base64", "/", json!({"headers": {"authorization": "Basic %%%not-base64"}})),
        conn("empty-bearer", "/", json!({"headers": {"authorization": "Bearer "}})),
        conn("huge", "/", json!({"headers": {"authorization": format!("Bearer {}", "x".repeat(9000))}})),
    ]))
    .await;
    let verdicts: Vec<String> = r
        .iter()
        .map(|v| {
            v["connect_error"]
                .as_str()
                .map_or("connected".to_owned(), str::to_owned)
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            "unauthorized",
            "connected",
            "unauthorized",
            "connected",
            "unauthorized",
            "connected",
            "unauthorized",
            "connected",
            "connected",
            "unauthorized",
            "unauthorized",
            "unauthorized"
        ],
        "{r:?}"
    );
}

#[tokio::test]
async fn oauth2_scopes_are_a_set_and_missing_ones_are_forbidden() {
    let addr = start(
        "security_oauth2.yaml",
        SecurityHandlers::new().token_info("token_info", token_info),
    )
    .await;
    let bearer = |t: &str| json!({"headers": {"authorization": format!("Bearer {t}")}});
    let r = node(
        addr,
        "/socket.io",
        json!([
            conn("ab", "/", bearer("scopes-ab")),
            conn("ab-reversed-requirement", "/ab", bearer("scopes-ab")),
            conn("string", "/ab", bearer("scope-string")),
            conn("narrow", "/", bearer("scopes-b")),
            conn("unknown", "/", bearer("nope")),
            conn("none", "/", json!({})),
        ]),
    )
    .await;
    assert_eq!(r[0], json!({"connected": true}));
    assert_eq!(
        r[1],
        json!({"connected": true}),
        "required [b, a] vs granted [a, b]: order does not matter"
    );
    assert_eq!(
        r[2],
        json!({"connected": true}),
        "a space-separated scope string"
    );
    assert_eq!(r[3]["connect_error"], "forbidden");
    assert_eq!(r[4]["connect_error"], "unauthorized");
    assert_eq!(r[5]["connect_error"], "unauthorized");
}

#[tokio::test]
async fn namespace_x_security_replaces_server_security() {
    let addr = start("namespace_security.yaml", handlers().api_key_unused()).await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            conn(
                "root-basic",
                "/",
                json!({"headers": {"authorization": GOOD_BASIC}})
            ),
            conn(
                "root-bearer",
                "/",
                json!({"headers": {"authorization": "Bearer good"}})
            ),
            conn(
                "ns-bearer",
                "/bearer_secured",
                json!({"headers": {"authorization": "Bearer good"}})
            ),
            conn(
                "ns-basic",
                "/bearer_secured",
                json!({"headers": {"authorization": GOOD_BASIC}})
            ),
        ]),
    )
    .await;
    assert_eq!(r[0], json!({"connected": true}));
    assert_eq!(r[1]["connect_error"], "unauthorized");
    assert_eq!(r[2], json!({"connected": true}));
    assert_eq!(r[3]["connect_error"], "unauthorized");
}

/// Lets one handler set serve documents that do not name the API key function.
trait WithoutApiKey {
    fn api_key_unused(self) -> SecurityHandlers;
}

impl WithoutApiKey for SecurityHandlers {
    fn api_key_unused(self) -> SecurityHandlers {
        SecurityHandlers::new()
            .basic("basic_info", basic_info)
            .bearer("bearer_info", bearer_info)
    }
}

const WITH_ERROR_HANDLER: &str = r#"
asyncapi: 2.6.0
info: {title: bypass, version: "1"}
servers:
  main: {url: 127.0.0.1/socket.io, protocol: ws, security: [{basic: []}]}
channels:
  /:
    publish:
      message: {name: whoami, x-handler: whoami, x-ack: {args: {type: string}}}
    x-handlers:
      error: on_error
      connect: on_connect
  /public:
    x-security: []
    publish:
      message: {name: whoami, x-handler: whoami_public, x-ack: {args: {type: string}}}
components:
  securitySchemes:
    basic: {type: http, scheme: basic, x-basicInfoFunc: basic_info}
"#;

async fn whoami(info: SecurityInfo) -> Ack<String> {
    Ack(info.user.unwrap_or_default())
}

async fn whoami_public(info: Option<SecurityInfo>) -> Ack<String> {
    Ack(info
        .and_then(|i| i.user)
        .unwrap_or_else(|| "anonymous".into()))
}

async fn on_error(_: EventError) {}

async fn on_connect(info: SecurityInfo) -> Result<(), String> {
    if info.user.as_deref() == Some("basic-user") {
        Ok(())
    } else {
        Err("unexpected user".into())
    }
}

async fn start_bypass() -> std::net::SocketAddr {
    let app = AsynctionSocketIo::from_document(Document::from_text(WITH_ERROR_HANDLER).unwrap())
        .handler("whoami", whoami)
        .handler("whoami_public", whoami_public)
        .handler("on_error", on_error)
        .handler("on_connect", on_connect)
        .security_handlers(SecurityHandlers::new().basic("basic_info", basic_info))
        .build()
        .unwrap();
    serve(app.into_router()).await
}

#[tokio::test]
async fn failed_security_is_refused_even_with_an_error_handler_and_info_reaches_handlers() {
    let addr = start_bypass().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            conn("anon", "/", json!({})),
            conn("user", "/", json!({"headers": {"authorization": GOOD_BASIC}})),
            {"op": "emit", "id": "user", "event": "whoami", "args": [], "ack": true},
            conn("public", "/public", json!({})),
            {"op": "emit", "id": "public", "event": "whoami", "args": [], "ack": true},
        ]),
    )
    .await;
    assert_eq!(
        r[0]["connect_error"], "unauthorized",
        "the original accepted this connection (bypass)"
    );
    assert_eq!(r[1], json!({"connected": true}));
    assert_eq!(r[2], json!({"ack": ["basic-user"]}));
    assert_eq!(
        r[3],
        json!({"connected": true}),
        "x-security: [] makes a namespace public"
    );
    assert_eq!(r[4], json!({"ack": ["anonymous"]}));
}

#[tokio::test]
async fn python_client_authenticates_with_headers_and_auth_payload() {
    let addr = start("security.yaml", handlers()).await;
    let r = python(
        addr,
        "/socket.io",
        json!([
            conn("none", "/", json!({})),
            conn(
                "basic",
                "/",
                json!({"headers": {"Authorization": GOOD_BASIC}})
            ),
            conn(
                "payload",
                "/",
                json!({"auth": {"username": "username", "password": "password"}})
            ),
            conn("key", "/", json!({"query": {"api_key": "good"}})),
            conn("bad", "/", json!({"auth": {"token": "bad"}})),
        ]),
    )
    .await;
    assert_eq!(r[0]["connect_error"], "unauthorized");
    assert_eq!(r[1], json!({"connected": true}));
    assert_eq!(r[2], json!({"connected": true}));
    assert_eq!(r[3], json!({"connected": true}));
    assert_eq!(r[4]["connect_error"], "unauthorized");
}

#[test]
fn missing_security_handlers_fail_the_build_listing_each() {
    let err = AsynctionSocketIo::from_spec(fixture("security.yaml"))
        .unwrap()
        .build()
        .err()
        .unwrap();
    let text = err.to_string();
    for id in ["basic_info", "bearer_info", "api_key_info"] {
        assert!(text.contains(id), "{id} not in: {text}");
    }
}
