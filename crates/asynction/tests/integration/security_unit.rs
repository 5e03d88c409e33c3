//! The security layer against the original asynction's fixtures (ported) and the cases the
//! original got wrong: every accepted and refused handshake, malformed credentials, scopes,
//! Forbidden vs Unauthorized and configuration errors. (The mock policy is crate-internal: its
//! tests are in `src/mock/security.rs`.)

use std::sync::{Arc, Mutex};

use asynction::Document;
use asynction::model::SecurityFunctionKind;
use asynction::security::{
    Authenticator, ConfigProblem, MAX_CREDENTIAL_BYTES, Refusal, SecurityHandlers, SecurityInfo,
};
use serde_json::json;

use crate::support::handshake::{Handshake, ToRequest as _, load};

/// Every call a handler received, as `"<handler>:<what>"`.
type CallLog = Arc<Mutex<Vec<String>>>;

/// The original's `tests/fixtures/handlers.py` semantics, plus a prefix scope validator; only
/// the ids `doc` names are registered (a registered id the document does not name is an error).
fn handlers(doc: &Document, log: &CallLog) -> SecurityHandlers {
    let named: Vec<&str> = doc
        .api
        .security_schemes
        .values()
        .flat_map(|s| s.handlers.values())
        .map(String::as_str)
        .collect();
    let (l1, l2, l3, l4) = (log.clone(), log.clone(), log.clone(), log.clone());
    let mut h = SecurityHandlers::new();
    if named.contains(&"basic_info") {
        h = h.basic("basic_info", move |c| {
            l1.lock().unwrap().push(format!("basic:{}", c.username));
            async move {
                if c.username == "username" && c.password == "password" {
                    Ok(SecurityInfo::for_user(c.username).with_claim("via", "basic"))
                } else {
                    Err(Refusal::Unauthorized)
                }
            }
        });
    }
    if named.contains(&"bearer_info") {
        h = h.bearer("bearer_info", move |c| {
            l2.lock()
                .unwrap()
                .push(format!("bearer:{}:{:?}", c.scheme, c.bearer_format));
            async move {
                if c.token == "good" {
                    Ok(SecurityInfo::for_user("bearer-user").with_claim("via", "bearer"))
                } else {
                    Err(Refusal::Unauthorized)
                }
            }
        });
    }
    if named.contains(&"api_key_info") {
        h = h.api_key("api_key_info", move |c| {
            l3.lock().unwrap().push(format!("api_key:{}", c.scheme));
            async move {
                if c.key == "good_key" {
                    Ok(SecurityInfo::default()
                        .with_claim("via", "api_key")
                        .with_claim("key_scheme", c.scheme))
                } else {
                    Err(Refusal::Unauthorized)
                }
            }
        });
    }
    if named.contains(&"token_info") {
        h = h.token_info("token_info", move |c| {
            l4.lock().unwrap().push(format!("token:{}", c.scheme));
            async move {
                let info = SecurityInfo::for_user("token-user");
                match c.token.as_str() {
                    "good" => Ok(info.with_scopes(["a", "b", "read"])),
                    // The original's token_info_alternate: a space-separated `scope` claim.
                    "alternate" => Ok(info.with_scope_string("a b")),
                    "only_a" => Ok(info.with_scopes(["a"])),
                    "only_b" => Ok(info.with_scopes(["b"])),
                    "admin" => Ok(info.with_scopes(["admin:all"])),
                    _ => Err(Refusal::Unauthorized),
                }
            }
        });
    }
    if named.contains(&"prefix_scopes") {
        h = h.scope_validator("prefix_scopes", |required, provided| {
            required
                .iter()
                .all(|r| provided.iter().any(|p| p.starts_with(r.as_str())))
        });
    }
    h
}

struct Fixture {
    auth: Authenticator,
    log: CallLog,
}

impl Fixture {
    fn new(name: &str) -> Self {
        let doc = load(name);
        let log = CallLog::default();
        let server = doc.api.servers.first();
        let auth = Authenticator::new(&doc.api, server, handlers(&doc, &log))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        Fixture { auth, log }
    }
    async fn check(&self, namespace: &str, h: Handshake) -> Result<Option<SecurityInfo>, Refusal> {
        self.auth.authenticate(namespace, &h.request()).await
    }
    async fn passes(&self, namespace: &str, h: Handshake) -> SecurityInfo {
        match self.check(namespace, h).await {
            Ok(Some(info)) => info,
            other => panic!("{namespace}: expected a pass, got {other:?}"),
        }
    }
    fn calls(&self) -> Vec<String> {
        std::mem::take(&mut *self.log.lock().unwrap())
    }
}

const UNAUTHORIZED: Result<Option<SecurityInfo>, Refusal> = Err(Refusal::Unauthorized);
const FORBIDDEN: Result<Option<SecurityInfo>, Refusal> = Err(Refusal::Forbidden);

// ---- security.yaml: basic OR bearer OR query api key ----

#[tokio::test]
async fn no_credentials_are_refused_without_calling_any_handler() {
    let f = Fixture::new("security.yaml");
    assert!(f.auth.is_secured("/"));
    assert_eq!(f.check("/", Handshake::new()).await, UNAUTHORIZED);
    assert!(f.calls().is_empty());
}

#[tokio::test]
async fn http_basic_accepts_good_credentials_and_refuses_bad_ones() {
    let f = Fixture::new("security.yaml");
    let info = f
        .passes("/", Handshake::new().basic("username", "password"))
        .await;
    assert_eq!(info.user.as_deref(), Some("username"));
    assert_eq!(info.scheme, "basic");
    assert_eq!(info.claims["via"], "basic");
    assert_eq!(
        f.check("/", Handshake::new().basic("username", "wrong"))
            .await,
        UNAUTHORIZED
    );
    assert_eq!(f.calls(), ["basic:username", "basic:username"]);
}

#[tokio::test]
async fn http_bearer_gets_the_bearer_format_and_refuses_bad_tokens() {
    let f = Fixture::new("security.yaml");
    let info = f.passes("/", Handshake::new().bearer("good")).await;
    assert_eq!(info.scheme, "bearer");
    assert_eq!(info.user.as_deref(), Some("bearer-user"));
    assert_eq!(f.calls(), [r#"bearer:bearer:Some("test")"#]);
    assert_eq!(
        f.check("/", Handshake::new().bearer("bad")).await,
        UNAUTHORIZED
    );
}

#[tokio::test]
async fn query_api_key_is_read_percent_decoded() {
    let f = Fixture::new("security.yaml");
    let info = f
        .passes("/", Handshake::new().query("api_key=good%5Fkey"))
        .await;
    assert_eq!(info.scheme, "apiKey");
    assert_eq!(
        f.check("/", Handshake::new().query("api_key=bad")).await,
        UNAUTHORIZED
    );
    assert_eq!(
        f.check("/", Handshake::new().query("API_KEY=good_key"))
            .await,
        UNAUTHORIZED
    );
}

#[tokio::test]
async fn unknown_authorization_scheme_word_does_not_abort_other_alternatives() {
    let f = Fixture::new("security.yaml");
    let h = Handshake::new()
        .header("authorization", "Token xyz")
        .query("api_key=good_key");
    assert_eq!(f.passes("/", h).await.scheme, "apiKey");
    assert_eq!(f.calls(), ["api_key:apiKey"]);
    assert_eq!(
        f.check("/", Handshake::new().header("authorization", "Token xyz"))
            .await,
        UNAUTHORIZED
    );
}

#[tokio::test]
async fn malformed_authorization_fails_its_scheme_only() {
    let f = Fixture::new("security.yaml");
    for bad in [
        "Basic !!!notbase64",
        "Basic dXNlcm5hbWU=",
        "Basic OnBhc3N3b3Jk",
        "Basic",
        "Bearer",
        "Bearer   ",
        "invalid",
    ] {
        assert_eq!(
            f.check("/", Handshake::new().header("authorization", bad))
                .await,
            UNAUTHORIZED,
            "{bad}"
        );
        let with_key = Handshake::new()
            .header("authorization", bad)
            .query("api_key=good_key");
        assert_eq!(f.passes("/", with_key).await.scheme, "apiKey", "{bad}");
    }
    // Malformed credentials never reach a handler.
    assert!(f.calls().iter().all(|c| c.starts_with("api_key")));
}

#[tokio::test]
async fn oversized_authorization_header_refuses_outright() {
    let f = Fixture::new("security.yaml");
    let huge = "a".repeat(MAX_CREDENTIAL_BYTES + 1);
    let h = Handshake::new().bearer(&huge).query("api_key=good_key");
    assert_eq!(f.check("/", h).await, UNAUTHORIZED);
    assert!(f.calls().is_empty());
    // Just under the limit is read (and rejected by the handler as a wrong token).
    let fits = "a".repeat(MAX_CREDENTIAL_BYTES - "Bearer ".len());
    assert_eq!(
        f.check("/", Handshake::new().bearer(&fits)).await,
        UNAUTHORIZED
    );
    assert_eq!(f.calls().len(), 1);
}

#[tokio::test]
async fn connect_auth_payload_carries_every_credential() {
    let f = Fixture::new("security.yaml");
    let basic = Handshake::new().auth(json!({"username": "username", "password": "password"}));
    assert_eq!(f.passes("/", basic).await.scheme, "basic");
    assert_eq!(
        f.passes("/", Handshake::new().auth(json!({"token": "good"})))
            .await
            .scheme,
        "bearer"
    );
    assert_eq!(
        f.passes("/", Handshake::new().auth(json!({"api_key": "good_key"})))
            .await
            .scheme,
        "apiKey"
    );
    assert_eq!(
        f.check("/", Handshake::new().auth(json!({"token": ""})))
            .await,
        UNAUTHORIZED
    );
    assert_eq!(
        f.check("/", Handshake::new().auth(json!({"token": 42})))
            .await,
        UNAUTHORIZED
    );
    assert_eq!(
        f.check("/", Handshake::new().auth(json!(["token", "good"])))
            .await,
        UNAUTHORIZED
    );
}

#[tokio::test]
async fn header_credentials_win_over_the_auth_payload() {
    let f = Fixture::new("security.yaml");
    let h = Handshake::new()
        .bearer("bad")
        .auth(json!({"token": "good"}));
    assert_eq!(f.check("/", h).await, UNAUTHORIZED);
    let h = Handshake::new()
        .query("api_key=bad")
        .auth(json!({"api_key": "good_key"}));
    assert_eq!(f.check("/", h).await, UNAUTHORIZED);
}

#[tokio::test]
async fn paths_the_document_does_not_name_follow_the_server() {
    let f = Fixture::new("security.yaml");
    assert!(f.auth.is_secured("/not/in/the/document"));
    assert_eq!(f.check("/elsewhere", Handshake::new()).await, UNAUTHORIZED);
}

#[tokio::test]
async fn without_a_selected_server_its_security_does_not_apply() {
    let doc = load("security.yaml");
    let auth = Authenticator::new(&doc.api, None, handlers(&doc, &CallLog::default())).unwrap();
    assert!(!auth.is_secured("/"));
    assert_eq!(
        auth.authenticate("/", &Handshake::new().request()).await,
        Ok(None)
    );
}

// ---- security_oauth2.yaml: scopes ----

#[tokio::test]
async fn oauth2_token_scopes_from_a_list_or_a_scope_string() {
    let f = Fixture::new("security_oauth2.yaml");
    let info = f.passes("/", Handshake::new().bearer("good")).await;
    assert_eq!(info.scheme, "oauth2");
    assert_eq!(info.user.as_deref(), Some("token-user"));
    assert_eq!(info.scopes, ["a", "b", "read"]);
    let info = f
        .passes("/", Handshake::new().auth(json!({"token": "alternate"})))
        .await;
    assert_eq!(info.scopes, ["a", "b"]);
    assert_eq!(f.calls(), ["token:oauth2", "token:oauth2"]);
}

#[tokio::test]
async fn oauth2_missing_scope_is_forbidden_and_a_bad_token_unauthorized() {
    let f = Fixture::new("security_oauth2.yaml");
    assert_eq!(
        f.check("/", Handshake::new().bearer("only_b")).await,
        FORBIDDEN
    );
    assert_eq!(
        f.check("/", Handshake::new().bearer("nope")).await,
        UNAUTHORIZED
    );
    assert_eq!(f.check("/", Handshake::new()).await, UNAUTHORIZED);
    assert_eq!(
        f.check("/", Handshake::new().basic("username", "password"))
            .await,
        UNAUTHORIZED
    );
}

#[tokio::test]
async fn scope_order_is_irrelevant() {
    let f = Fixture::new("security_oauth2.yaml");
    // /ab requires [b, a]; the tokens grant [a, b, read] and "a b".
    assert_eq!(
        f.passes("/ab", Handshake::new().bearer("good"))
            .await
            .scopes,
        ["a", "b", "read"]
    );
    assert_eq!(
        f.passes("/ab", Handshake::new().bearer("alternate"))
            .await
            .scopes,
        ["a", "b"]
    );
    assert_eq!(
        f.check("/ab", Handshake::new().bearer("only_a")).await,
        FORBIDDEN
    );
}

// ---- namespace_security.yaml: x-security overrides the server ----

#[tokio::test]
async fn namespace_security_overrides_the_server() {
    let f = Fixture::new("namespace_security.yaml");
    assert_eq!(
        f.passes("/", Handshake::new().basic("username", "password"))
            .await
            .scheme,
        "basic"
    );
    assert_eq!(
        f.check("/", Handshake::new().bearer("good")).await,
        UNAUTHORIZED
    );
    assert_eq!(
        f.passes("/bearer_secured", Handshake::new().bearer("good"))
            .await
            .scheme,
        "bearer"
    );
    assert_eq!(
        f.check(
            "/bearer_secured",
            Handshake::new().basic("username", "password")
        )
        .await,
        UNAUTHORIZED
    );
}

// ---- security_schemes.yaml: what the original skipped ----

#[tokio::test]
async fn empty_x_security_makes_a_namespace_public() {
    let f = Fixture::new("security_schemes.yaml");
    assert!(!f.auth.is_secured("/public"));
    assert!(f.auth.is_secured("/"));
    assert_eq!(f.check("/public", Handshake::new()).await, Ok(None));
    assert_eq!(
        f.check("/public", Handshake::new().bearer("bad")).await,
        Ok(None)
    );
}

#[tokio::test]
async fn and_requirement_needs_every_scheme_and_merges_their_info() {
    let f = Fixture::new("security_schemes.yaml");
    assert_eq!(
        f.check("/and", Handshake::new().basic("username", "password"))
            .await,
        UNAUTHORIZED
    );
    assert!(f.calls().is_empty(), "an incomplete AND calls no handler");
    let bad_key = Handshake::new()
        .basic("username", "password")
        .header("x-api-key", "bad");
    assert_eq!(f.check("/and", bad_key).await, UNAUTHORIZED);
    let both = Handshake::new()
        .basic("username", "password")
        .header("X-Api-Key", "good_key");
    let info = f.passes("/and", both).await;
    assert_eq!(info.scheme, "basic+headerKey");
    assert_eq!(info.user.as_deref(), Some("username"));
    assert_eq!(
        info.claims["via"], "basic",
        "the earlier scheme's claim is kept"
    );
    assert_eq!(info.claims["key_scheme"], "headerKey");
}

#[tokio::test]
async fn api_key_of_user_password_type_is_read_from_the_auth_payload() {
    let f = Fixture::new("security_schemes.yaml");
    assert_eq!(
        f.passes(
            "/user_key",
            Handshake::new().auth(json!({"user": "good_key"}))
        )
        .await
        .scheme,
        "userKey"
    );
    assert_eq!(
        f.check(
            "/user_key",
            Handshake::new().auth(json!({"password": "good_key"}))
        )
        .await,
        UNAUTHORIZED
    );
    let info = f
        .passes(
            "/password_key",
            Handshake::new().auth(json!({"password": "good_key"})),
        )
        .await;
    assert_eq!(info.scheme, "passwordKey");
    assert_eq!(
        f.check("/user_key", Handshake::new().auth(json!({"user": ""})))
            .await,
        UNAUTHORIZED
    );
}

#[tokio::test]
async fn open_id_connect_is_checked_with_scopes() {
    let f = Fixture::new("security_schemes.yaml");
    let info = f.passes("/oidc", Handshake::new().bearer("good")).await;
    assert_eq!(info.scheme, "oidc");
    assert_eq!(f.calls(), ["token:oidc"]);
    assert_eq!(
        f.check("/oidc", Handshake::new().bearer("only_a")).await,
        FORBIDDEN
    );
    assert_eq!(f.check("/oidc", Handshake::new()).await, UNAUTHORIZED);
}

#[tokio::test]
async fn cookie_and_header_api_keys() {
    let f = Fixture::new("security_schemes.yaml");
    let cookie = Handshake::new().header("cookie", "theme=dark; session=good_key");
    assert_eq!(f.passes("/cookie", cookie).await.scheme, "cookieKey");
    assert_eq!(
        f.check("/cookie", Handshake::new().header("cookie", "session=bad"))
            .await,
        UNAUTHORIZED
    );
    assert_eq!(
        f.passes(
            "/cookie",
            Handshake::new().auth(json!({"session": "good_key"}))
        )
        .await
        .scheme,
        "cookieKey"
    );
    assert_eq!(
        f.passes("/header", Handshake::new().header("x-api-key", "good_key"))
            .await
            .scheme,
        "headerKey"
    );
    assert_eq!(
        f.check("/header", Handshake::new().query("X-API-Key=good_key"))
            .await,
        UNAUTHORIZED
    );
    assert_eq!(
        f.passes(
            "/header",
            Handshake::new().auth(json!({"X-API-Key": "good_key"}))
        )
        .await
        .scheme,
        "headerKey"
    );
}

#[tokio::test]
async fn scope_validator_replaces_the_set_comparison() {
    let f = Fixture::new("security_schemes.yaml");
    let info = f
        .passes("/custom_scopes", Handshake::new().bearer("admin"))
        .await;
    assert_eq!(info.scopes, ["admin:all"]);
    assert_eq!(
        f.check("/custom_scopes", Handshake::new().bearer("good"))
            .await,
        FORBIDDEN
    );
}

#[tokio::test]
async fn readme_spelling_of_the_bearer_extension_is_accepted() {
    let f = Fixture::new("security_schemes.yaml");
    assert_eq!(
        f.passes("/readme_alias", Handshake::new().bearer("good"))
            .await
            .scheme,
        "readmeBearer"
    );
    assert_eq!(f.calls(), ["bearer:readmeBearer:None"]);
}

#[tokio::test]
async fn forbidden_only_when_some_alternative_authenticated() {
    let f = Fixture::new("security_schemes.yaml");
    // /either: readmeBearer OR oauth2 [b]. "only_a" fails the bearer handler, and is a valid
    // oauth2 token lacking b: the best alternative authenticated, so forbidden.
    assert_eq!(
        f.check("/either", Handshake::new().bearer("only_a")).await,
        FORBIDDEN
    );
    assert_eq!(f.calls(), ["bearer:readmeBearer:None", "token:oauth2"]);
    assert_eq!(
        f.passes("/either", Handshake::new().bearer("only_b"))
            .await
            .scheme,
        "oauth2"
    );
    assert_eq!(
        f.passes("/either", Handshake::new().bearer("good"))
            .await
            .scheme,
        "readmeBearer"
    );
    assert_eq!(
        f.check("/either", Handshake::new().bearer("nope")).await,
        UNAUTHORIZED
    );
}

#[tokio::test]
async fn handlers_may_refuse_with_forbidden() {
    let doc = load("namespace_security.yaml");
    let handlers = SecurityHandlers::new()
        .basic("basic_info", |_| async { Err(Refusal::Forbidden) })
        .bearer("bearer_info", |_| async { Err(Refusal::Unauthorized) });
    let auth = Authenticator::new(&doc.api, doc.api.server("test"), handlers).unwrap();
    let h = Handshake::new().basic("banned", "password");
    assert_eq!(auth.authenticate("/", &h.request()).await, FORBIDDEN);
}

#[tokio::test]
async fn a_panicking_handler_refuses_instead_of_crashing() {
    let doc = load("namespace_security.yaml");
    let handlers = SecurityHandlers::new()
        .basic("basic_info", |c| async move {
            assert!(c.username != "boom", "handler bug");
            Ok(SecurityInfo::for_user(c.username))
        })
        .bearer("bearer_info", |_| async { Err(Refusal::Unauthorized) });
    let auth = Authenticator::new(&doc.api, doc.api.server("test"), handlers).unwrap();
    assert_eq!(
        auth.authenticate("/", &Handshake::new().basic("boom", "x").request())
            .await,
        UNAUTHORIZED
    );
    let ok = auth
        .authenticate("/", &Handshake::new().basic("fine", "x").request())
        .await;
    assert_eq!(ok.unwrap().unwrap().user.as_deref(), Some("fine"));
}

// ---- security_v3.yaml ----

#[tokio::test]
async fn asyncapi_3_server_and_operation_security() {
    let f = Fixture::new("security_v3.yaml");
    assert_eq!(
        f.passes("/", Handshake::new().basic("username", "password"))
            .await
            .scheme,
        "basic"
    );
    assert_eq!(
        f.passes("/", Handshake::new().header("x-api-key", "good_key"))
            .await
            .scheme,
        "headerKey"
    );
    assert_eq!(f.check("/", Handshake::new()).await, UNAUTHORIZED);
    assert_eq!(
        f.passes("/admin", Handshake::new().bearer("good"))
            .await
            .scheme,
        "bearer"
    );
    assert_eq!(
        f.check("/admin", Handshake::new().basic("username", "password"))
            .await,
        UNAUTHORIZED
    );
}

// ---- configuration errors ----

#[test]
fn config_errors_list_every_problem() {
    let doc = load("config_errors.yaml");
    let handlers = SecurityHandlers::new()
        .basic("basic_info", |_| async { Err(Refusal::Unauthorized) })
        .bearer("token_info", |_| async { Err(Refusal::Unauthorized) })
        .api_key("stray", |_| async { Err(Refusal::Unauthorized) });
    let err = Authenticator::new(&doc.api, doc.api.server("main"), handlers).unwrap_err();
    let server = || vec!["server 'main'".to_owned()];
    let expected = vec![
        ConfigProblem::MissingHandlerId {
            scheme: "noId".into(),
            extension: "x-bearerInfoFunc".into(),
            used_by: server(),
        },
        ConfigProblem::UnsupportedScheme {
            scheme: "cert".into(),
            description: "X509".into(),
            used_by: vec!["namespace '/x509'".into()],
        },
        ConfigProblem::ReservedQueryName {
            scheme: "reserved".into(),
            name: "sid".into(),
        },
        ConfigProblem::HandlerNotRegistered {
            scheme: "reserved".into(),
            extension: "x-apiKeyInfoFunc".into(),
            id: "api_key_info".into(),
            expected: SecurityFunctionKind::ApiKey,
            used_by: vec!["namespace '/engine'".into()],
        },
        ConfigProblem::WrongHandlerKind {
            scheme: "oauth2".into(),
            extension: "x-tokenInfoFunc".into(),
            id: "token_info".into(),
            expected: SecurityFunctionKind::TokenInfo,
            registered: SecurityFunctionKind::Bearer,
        },
        ConfigProblem::MisplacedExtension {
            scheme: "oauth2".into(),
            extension: "x-basicInfoFunc".into(),
            expected: "x-tokenInfoFunc".into(),
        },
        ConfigProblem::UnknownHandler {
            id: "stray".into(),
            registered: SecurityFunctionKind::ApiKey,
        },
    ];
    assert_eq!(err.problems, expected);
    let text = err.to_string();
    assert!(
        text.starts_with("security configuration has 7 problem(s):"),
        "{text}"
    );
    assert!(
        text.contains("register it with SecurityHandlers::api_key"),
        "{text}"
    );
}

#[test]
fn missing_handlers_are_all_reported_with_where_they_are_needed() {
    let doc = load("security.yaml");
    let err =
        Authenticator::new(&doc.api, doc.api.server("test"), SecurityHandlers::new()).unwrap_err();
    let missing: Vec<(String, String, SecurityFunctionKind)> = err
        .problems
        .iter()
        .map(|p| match p {
            ConfigProblem::HandlerNotRegistered {
                scheme,
                id,
                expected,
                used_by,
                ..
            } => {
                assert_eq!(used_by, &["server 'test'"]);
                (scheme.clone(), id.clone(), *expected)
            }
            other => panic!("unexpected problem {other}"),
        })
        .collect();
    assert_eq!(
        missing,
        [
            (
                "basic".to_owned(),
                "basic_info".to_owned(),
                SecurityFunctionKind::Basic
            ),
            (
                "bearer".to_owned(),
                "bearer_info".to_owned(),
                SecurityFunctionKind::Bearer
            ),
            (
                "apiKey".to_owned(),
                "api_key_info".to_owned(),
                SecurityFunctionKind::ApiKey
            ),
        ]
    );
}

#[test]
fn authenticate_future_is_send_and_authenticator_is_shareable() {
    fn assert_send<T: Send>(_: &T) {}
    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<Authenticator>();
    assert_send_sync_clone::<SecurityHandlers>();
    let f = Fixture::new("security.yaml");
    let h = Handshake::new();
    let req = h.request();
    let fut = f.auth.authenticate("/", &req);
    assert_send(&fut);
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(fut), UNAUTHORIZED);
}

#[tokio::test]
async fn an_empty_requirement_object_admits_anyone() {
    let doc = Document::from_text(
        r#"
asyncapi: 2.6.0
info: { title: t, version: "1" }
channels:
  /optional:
    x-security:
      - bearer: []
      - {}
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer, x-bearerInfoFunc: bearer_info }
"#,
    )
    .unwrap();
    let handlers = SecurityHandlers::new().bearer("bearer_info", |c| async move {
        if c.token == "good" {
            Ok(SecurityInfo::for_user("b"))
        } else {
            Err(Refusal::Unauthorized)
        }
    });
    let auth = Authenticator::new(&doc.api, None, handlers).unwrap();
    assert!(auth.is_secured("/optional"));
    let anonymous = auth
        .authenticate("/optional", &Handshake::new().request())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((anonymous.user, anonymous.scheme.as_str()), (None, ""));
    let named = auth
        .authenticate("/optional", &Handshake::new().bearer("good").request())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(named.user.as_deref(), Some("b"));
}
