//! Authentication at Socket.IO connect time, driven by the document's security requirements.
//!
//! The server calls [`Authenticator::authenticate`] from its connect middleware for every
//! namespace a client joins. A namespace's requirements are its own (`x-security` in 2.x, its
//! operations' `security` in 3.0) or, when it has none, the selected server's; `x-security: []`
//! makes it public. A list of requirements is a list of alternatives tried in order; every scheme
//! of one requirement must pass.
//!
//! Credentials are read from the engine.io handshake request and from the CONNECT `auth`
//! payload (see [below](#where-credentials-are-read) and `docs/security.md`), and
//! checked by the functions registered in [`SecurityHandlers`] under the ids the document names
//! (`x-basicInfoFunc`, `x-bearerInfoFunc`, `x-apiKeyInfoFunc`, `x-tokenInfoFunc`,
//! `x-scopeValidateFunc`), or, in the mock server, by a policy that judges credentials by their
//! shape alone (it lives with the mock and plugs in here).
//!
//! # Why it differs from the original asynction
//! - A failed check always refuses the connection; no error handler can turn it into an accept.
//! - An `Authorization` header with an unknown scheme word only means *that* scheme's
//!   credentials are absent; other alternatives are still tried.
//! - `apiKey` and `openIdConnect` are checked; a requirement on a scheme asynction cannot check
//!   is a startup error, not a silent skip.
//! - Scopes are compared as sets; a `x-scopeValidateFunc` replaces the comparison.
//! - The Socket.IO `auth` payload carries credentials, since browsers cannot set WebSocket headers.
//! - Every configuration problem is reported at once, before the server starts.
//!
//! # Where credentials are read
//! | credential | read from (first wins) |
//! |---|---|
//! | basic pair | `Authorization: Basic base64(user:pass)`, else `auth` `{username, password}` |
//! | bearer token (`http bearer`, `oauth2`, `openIdConnect`) | `Authorization: Bearer <token>`, else `auth.token` |
//! | `httpApiKey` | its query parameter (percent-decoded) / header / cookie, else `auth.<name>` |
//! | `apiKey` (user/password) | `auth.user` or `auth.password`, per its `in` |
//!
//! ```
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use asynction::security::{Authenticator, HandshakeRequest, Refusal, SecurityHandlers, SecurityInfo};
//!
//! let doc = asynction::Document::from_text(r#"
//! asyncapi: 2.6.0
//! info: { title: t, version: "1" }
//! servers:
//!   main: { url: localhost, protocol: ws, security: [ { bearer: [] } ] }
//! channels:
//!   /: {}
//! components:
//!   securitySchemes:
//!     bearer: { type: http, scheme: bearer, x-bearerInfoFunc: check_token }
//! "#)?;
//! let handlers = SecurityHandlers::new().bearer("check_token", |c| async move {
//!     if c.token == "let-me-in" { Ok(SecurityInfo::for_user("alice")) } else { Err(Refusal::Unauthorized) }
//! });
//! let auth = Authenticator::new(&doc.api, doc.api.server("main"), handlers)?;
//!
//! let headers = http::HeaderMap::new();
//! let uri: http::Uri = "/socket.io/?EIO=4&transport=websocket".parse()?;
//! let payload = serde_json::json!({ "token": "let-me-in" });
//! let req = HandshakeRequest { headers: &headers, uri: &uri, auth: Some(&payload) };
//! let info = auth.authenticate("/", &req).await?.expect("the namespace is secured");
//! assert_eq!(info.user.as_deref(), Some("alice"));
//! assert_eq!(info.scheme, "bearer");
//! # Ok(()) }
//! # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
//! ```

mod authenticator;
pub(crate) mod credentials;
mod error;
mod handlers;
mod requirements;

pub use authenticator::Authenticator;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub use credentials::fuzz_read_every_credential;
pub use credentials::{HandshakeRequest, MAX_CREDENTIAL_BYTES};
pub use error::{ConfigProblem, Refusal, SecurityConfigError};
pub use handlers::{
    ApiKeyCredentials, BasicCredentials, BearerCredentials, SecurityHandlers, SecurityInfo,
    TokenCredentials,
};

pub(crate) use authenticator::CredentialPolicy;
