//! [`Authenticator`]: the document's security requirements compiled, checked against each
//! handshake; and the seam for a [`CredentialPolicy`] that replaces user functions.

use std::sync::Arc;

use super::credentials::{Credential, CredentialSource, HandshakeRequest};
use super::error::{Refusal, SecurityConfigError};
use super::handlers::{SecurityHandlers, SecurityInfo};
use super::requirements::{self, Checker, Policy};
use crate::model::{Api, Server};

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
