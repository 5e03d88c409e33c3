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
//! `x-scopeValidateFunc`), or by a [`CredentialPolicy`] that judges credentials by their shape
//! alone (the mock server's, which lives with the mock).
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

mod credentials;
mod error;
mod handlers;
mod requirements;

use std::sync::Arc;

pub use crate::model::SecurityFunctionKind;
/// Engine.IO's query parameters, never read as API keys: the one list the handshake bindings
/// use too.
pub use crate::validate::ENGINE_IO_QUERY_PARAMS;
#[doc(hidden)]
pub use credentials::fuzz_read_every_credential;
pub use credentials::{HandshakeRequest, MAX_CREDENTIAL_BYTES};
pub use error::{ConfigProblem, Refusal, SecurityConfigError};
pub use handlers::{
    ApiKeyCredentials, BasicCredentials, BearerCredentials, CheckFuture, SecurityHandlers,
    SecurityInfo, TokenCredentials,
};
pub use requirements::scopes_satisfied;

pub(crate) use credentials::{Credential, CredentialSource};

use crate::model::{Api, Server};
use requirements::{Checker, Policy};

/// Judges credentials by their shape alone, instead of user functions: a scheme passes when
/// its credential was sent and is well formed, and the policy says what that grants. Plugged
/// in by [`Authenticator::with_policy`] (the mock server's policy, `mock/security.rs`).
pub(crate) trait CredentialPolicy: Send + Sync + 'static {
    /// What a well-formed `credential`, read from `source`, grants for a scheme that requires
    /// `required_scopes`.
    fn grant(
        &self,
        source: &CredentialSource,
        credential: Credential,
        required_scopes: &[String],
    ) -> SecurityInfo;
}

/// Checks handshakes against the document's security requirements. Cheap to clone, shareable
/// across tasks.
#[derive(Clone)]
pub struct Authenticator {
    policy: Arc<Policy>,
    /// Credentials are judged by a [`CredentialPolicy`], not by user functions.
    shape_only: bool,
}

impl std::fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secured: Vec<&str> = self
            .policy
            .namespaces
            .iter()
            .filter(|(_, a)| a.is_some())
            .map(|(p, _)| p.as_str())
            .collect();
        f.debug_struct("Authenticator")
            .field("shape_only", &self.is_shape_only())
            .field("server_secured", &self.policy.server.is_some())
            .field("secured_namespaces", &secured)
            .finish()
    }
}

impl Authenticator {
    /// An authenticator whose credentials are checked by `handlers`.
    ///
    /// `server` is the selected server: its `security` applies to namespaces whose `security`
    /// is `None` (and to paths the document does not name); without it, such namespaces are
    /// public. A namespace with `Some(vec![])` is public.
    ///
    /// Fails listing every problem: a required scheme with no handler id, an id that is not
    /// registered or registered as the wrong kind, a requirement on a scheme kind asynction
    /// cannot check, a registered id the document does not name. Ids come from the scheme's
    /// `x-basicInfoFunc`, `x-bearerInfoFunc` (alias `x-basicBearerInfoFunc`),
    /// `x-apiKeyInfoFunc`, `x-tokenInfoFunc` and `x-scopeValidateFunc`.
    pub fn new(
        api: &Api,
        server: Option<&Server>,
        handlers: SecurityHandlers,
    ) -> Result<Self, SecurityConfigError> {
        let policy = requirements::compile(api, server, &Checker::Handlers(&handlers))?;
        Ok(Authenticator {
            policy: Arc::new(policy),
            shape_only: false,
        })
    }

    /// An authenticator whose credentials are judged by `policy` alone (no user function):
    /// only their presence and shape are enforced, and `policy` says what they grant.
    ///
    /// Fails when a requirement uses a scheme asynction cannot check, or an `httpApiKey` reads a
    /// query parameter engine.io reserves.
    pub(crate) fn with_policy(
        api: &Api,
        server: Option<&Server>,
        policy: Arc<dyn CredentialPolicy>,
    ) -> Result<Self, SecurityConfigError> {
        let policy = requirements::compile(api, server, &Checker::Policy(policy))?;
        Ok(Authenticator {
            policy: Arc::new(policy),
            shape_only: true,
        })
    }

    /// Whether credentials are judged by a [`CredentialPolicy`] rather than user functions.
    pub(crate) fn is_shape_only(&self) -> bool {
        self.shape_only
    }

    /// Whether the namespace (its path as written in the document, e.g. `/rooms/{id}`)
    /// requires authentication at all. Paths the document does not name follow the server.
    pub fn is_secured(&self, namespace_path: &str) -> bool {
        self.policy.for_namespace(namespace_path).is_some()
    }

    /// Checks a handshake for the namespace at `namespace_path` (as written in the document).
    ///
    /// `Ok(None)` when the namespace is public; `Ok(Some(info))` with the info of the first
    /// requirement that passed; otherwise `Err(Refusal::Forbidden)` when some requirement's
    /// credentials were valid but insufficient (scopes), else `Err(Refusal::Unauthorized)`.
    /// The refusal's text is what the client should receive in `connect_error`.
    pub async fn authenticate(
        &self,
        namespace_path: &str,
        req: &HandshakeRequest<'_>,
    ) -> Result<Option<SecurityInfo>, Refusal> {
        match self.policy.for_namespace(namespace_path) {
            None => Ok(None),
            Some(alternatives) => alternatives.evaluate(namespace_path, req).await.map(Some),
        }
    }
}
