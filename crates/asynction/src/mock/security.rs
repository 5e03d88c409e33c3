//! The mock server's security policy: no user functions, only the presence and shape of
//! credentials are enforced, so a client written against the document can be exercised without
//! a real identity provider. A [`CredentialPolicy`] the mock server plugs into its builder
//! (`credential_policy`); the security module knows it only as a policy.
//!
//! | scheme | accepted when | [`SecurityInfo`] |
//! |---|---|---|
//! | `http basic` | a well-formed pair: base64 `user:pass` (or `auth` `{username, password}`), user non-empty | `user` = the user name |
//! | `http bearer` | any non-empty token | no user |
//! | `httpApiKey` | the key present and non-empty in its query parameter, header or cookie (or `auth.<name>`) | no user |
//! | `apiKey` | `auth.user` / `auth.password` present and non-empty | `user` = the key when `in: user` |
//! | `oauth2`, `openIdConnect` | any non-empty bearer token | `scopes` = the required scopes (taken as granted) |
//!
//! Everything else behaves as in a real server: alternatives are tried in order, every scheme
//! of one requirement must pass, absent or malformed credentials refuse with `unauthorized`,
//! an oversized `Authorization` header refuses outright. A mock never answers `forbidden`,
//! because it grants whatever scopes a requirement asks for.

use crate::security::credentials::{Credential, CredentialSource};
use crate::security::{CredentialPolicy, SecurityInfo};

/// The mock's [`CredentialPolicy`]: see the module docs.
pub(crate) struct MockPolicy;

impl CredentialPolicy for MockPolicy {
    fn grant(
        &self,
        source: &CredentialSource,
        credential: Credential,
        required_scopes: &[String],
    ) -> SecurityInfo {
        grant(source, credential, required_scopes)
    }
}

/// The mock policy as the tests below (and the integration tests' fixtures) check it.
#[cfg(test)]
impl crate::security::Authenticator {
    /// A mock-mode authenticator: no user functions; only the presence and shape of
    /// credentials are enforced (any non-empty bearer or oauth2/openIdConnect token, a
    /// well-formed basic pair, an API key present where the scheme says; required scopes are
    /// taken as granted). The policy is documented in `docs/security.md`.
    ///
    /// Fails when a requirement uses a scheme asynction cannot check, or an `httpApiKey` reads a
    /// query parameter engine.io reserves.
    pub(crate) fn mock(
        api: &crate::model::Api,
        server: Option<&crate::model::Server>,
    ) -> Result<Self, crate::security::SecurityConfigError> {
        Self::with_policy(api, server, std::sync::Arc::new(MockPolicy))
    }

    /// Whether this authenticator runs the mock policy (a shape-only one).
    pub(crate) fn is_mock(&self) -> bool {
        self.is_shape_only()
    }
}

/// The info the mock grants for a well-formed `credential` of a scheme read from `source`,
/// required to carry `required_scopes`.
fn grant(
    source: &CredentialSource,
    credential: Credential,
    required_scopes: &[String],
) -> SecurityInfo {
    let user = match (source, credential) {
        (_, Credential::Basic { username, .. }) => Some(username),
        (CredentialSource::UserPasswordKey { location }, Credential::Key(key))
            if location == "user" =>
        {
            Some(key)
        }
        _ => None,
    };
    SecurityInfo {
        user,
        scopes: required_scopes.to_vec(),
        ..SecurityInfo::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mock_grants_required_scopes_and_names_basic_users() {
        let scopes = vec!["b".to_owned(), "a".to_owned()];
        let info = grant(
            &CredentialSource::BearerToken,
            Credential::Token("t".into()),
            &scopes,
        );
        assert_eq!(info.scopes, scopes);
        assert_eq!(info.user, None);
        let info = grant(
            &CredentialSource::Basic,
            Credential::Basic {
                username: "u".into(),
                password: String::new(),
            },
            &[],
        );
        assert_eq!(info.user.as_deref(), Some("u"));
        let user_key = CredentialSource::UserPasswordKey {
            location: "user".into(),
        };
        assert_eq!(
            grant(&user_key, Credential::Key("k".into()), &[])
                .user
                .as_deref(),
            Some("k")
        );
        let password_key = CredentialSource::UserPasswordKey {
            location: "password".into(),
        };
        assert_eq!(
            grant(&password_key, Credential::Key("k".into()), &[]).user,
            None
        );
    }
}

/// The test kit's handshake builder (the integration tests use it too), read as the
/// authenticator reads a request, and the security fixtures.
#[cfg(all(test, feature = "mock"))]
mod test_handshake {
    pub(super) use asynction_testkit::handshake::Handshake;

    use crate::security::HandshakeRequest;

    /// A document of `tests/fixtures/security/`.
    pub(super) fn load(name: &str) -> crate::Document {
        crate::Document::from_path(asynction_testkit::fixtures("security").join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// The request the authenticator reads.
    pub(super) trait ToRequest {
        fn request(&self) -> HandshakeRequest<'_>;
    }

    impl ToRequest for Handshake {
        fn request(&self) -> HandshakeRequest<'_> {
            HandshakeRequest::new(self.headers(), self.uri(), self.auth_payload())
        }
    }
}

/// Moved from the integration tests when the mock policy became crate-internal: the same
/// fixtures (`tests/fixtures/security/`), checked through [`Authenticator::mock`](super::Authenticator).
#[cfg(all(test, feature = "mock"))]
mod through_authenticator {
    use serde_json::json;

    use super::test_handshake::{Handshake, ToRequest as _, load};
    use crate::security::{Authenticator, ConfigProblem, Refusal, SecurityInfo};

    const UNAUTHORIZED: Result<Option<SecurityInfo>, Refusal> = Err(Refusal::Unauthorized);

    struct Fixture {
        auth: Authenticator,
    }

    impl Fixture {
        fn mock(name: &str) -> Self {
            let doc = load(name);
            let auth = Authenticator::mock(&doc.api, doc.api.servers.first())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            Fixture { auth }
        }
        async fn check(
            &self,
            namespace: &str,
            h: Handshake,
        ) -> Result<Option<SecurityInfo>, Refusal> {
            self.auth.authenticate(namespace, &h.request()).await
        }
        async fn passes(&self, namespace: &str, h: Handshake) -> SecurityInfo {
            match self.check(namespace, h).await {
                Ok(Some(info)) => info,
                other => panic!("{namespace}: expected a pass, got {other:?}"),
            }
        }
    }

    #[tokio::test]
    async fn mock_accepts_well_formed_credentials_of_any_value() {
        let f = Fixture::mock("security.yaml");
        assert!(f.auth.is_mock());
        let info = f
            .passes("/", Handshake::new().basic("anyone", "anything"))
            .await;
        assert_eq!(
            (info.user.as_deref(), info.scheme.as_str()),
            (Some("anyone"), "basic")
        );
        assert_eq!(
            f.passes("/", Handshake::new().bearer("whatever"))
                .await
                .scheme,
            "bearer"
        );
        assert_eq!(
            f.passes("/", Handshake::new().query("api_key=x"))
                .await
                .scheme,
            "apiKey"
        );
        assert_eq!(
            f.passes("/", Handshake::new().auth(json!({"token": "t"})))
                .await
                .scheme,
            "bearer"
        );
    }

    #[tokio::test]
    async fn mock_refuses_absent_or_malformed_credentials() {
        let f = Fixture::mock("security.yaml");
        assert_eq!(f.check("/", Handshake::new()).await, UNAUTHORIZED);
        assert_eq!(
            f.check("/", Handshake::new().header("authorization", "Basic %%%"))
                .await,
            UNAUTHORIZED
        );
        assert_eq!(
            f.check(
                "/",
                Handshake::new().header("authorization", "Basic OnBhc3M=")
            )
            .await,
            UNAUTHORIZED
        );
        assert_eq!(
            f.check("/", Handshake::new().header("authorization", "Bearer "))
                .await,
            UNAUTHORIZED
        );
        assert_eq!(
            f.check("/", Handshake::new().query("api_key=")).await,
            UNAUTHORIZED
        );
    }

    #[tokio::test]
    async fn mock_grants_required_scopes_and_checks_every_kind() {
        let f = Fixture::mock("security_oauth2.yaml");
        assert_eq!(
            f.passes("/ab", Handshake::new().bearer("x")).await.scopes,
            ["b", "a"]
        );
        let f = Fixture::mock("security_schemes.yaml");
        assert_eq!(
            f.passes("/oidc", Handshake::new().bearer("x")).await.scopes,
            ["read"]
        );
        assert_eq!(
            f.passes("/user_key", Handshake::new().auth(json!({"user": "bob"})))
                .await
                .user
                .as_deref(),
            Some("bob")
        );
        assert_eq!(
            f.check("/and", Handshake::new().basic("u", "p")).await,
            UNAUTHORIZED
        );
        assert_eq!(
            f.passes(
                "/and",
                Handshake::new().basic("u", "p").header("x-api-key", "k")
            )
            .await
            .scheme,
            "basic+headerKey"
        );
        assert_eq!(
            f.passes("/cookie", Handshake::new().header("cookie", "session=s"))
                .await
                .scheme,
            "cookieKey"
        );
        assert_eq!(f.check("/public", Handshake::new()).await, Ok(None));
    }

    #[test]
    fn mock_config_only_fails_on_what_cannot_be_checked() {
        let doc = load("config_errors.yaml");
        let err = Authenticator::mock(&doc.api, doc.api.server("main")).unwrap_err();
        assert_eq!(err.problems.len(), 2, "{err}");
        assert!(
            matches!(&err.problems[0], ConfigProblem::UnsupportedScheme { scheme, .. } if scheme == "cert")
        );
        assert!(
            matches!(&err.problems[1], ConfigProblem::ReservedQueryName { name, .. } if name == "sid")
        );
    }
}
