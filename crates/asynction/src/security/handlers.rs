//! The user-function registry: the functions that check credentials, registered under the
//! handler ids the document names (`x-basicInfoFunc`, `x-bearerInfoFunc`, `x-apiKeyInfoFunc`,
//! `x-tokenInfoFunc`, `x-scopeValidateFunc`), and what they receive and return.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use serde::Serialize;
use serde_json::{Map, Value};

use super::error::Refusal;
use crate::model::SecurityFunctionKind;

/// Who connected, as established by the security check; handed to the connect handler.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct SecurityInfo {
    /// The authenticated user, when the credentials name one (e.g. the `sub` claim).
    pub user: Option<String>,
    /// Scopes the credentials grant. A `token_info` handler must fill them: they are what the
    /// requirement's scopes are checked against.
    pub scopes: Vec<String>,
    /// Any further claims the handler wants the connect handler to see.
    pub claims: Map<String, Value>,
    /// Which security scheme(s) passed, by their `components.securitySchemes` name; schemes
    /// of one requirement are joined with `+` (`basic+apiKey`). Set by the authenticator.
    pub scheme: String,
}

impl SecurityInfo {
    /// Info for an authenticated `user`.
    #[must_use]
    pub fn for_user(user: impl Into<String>) -> Self {
        SecurityInfo {
            user: Some(user.into()),
            ..Self::default()
        }
    }

    /// Sets the granted scopes from a list.
    #[must_use]
    pub fn with_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the granted scopes from an OAuth2 `scope` string: space-separated, as token
    /// introspection (RFC 7662) and JWT access tokens (RFC 9068) return it.
    ///
    /// ```
    /// use asynction::security::SecurityInfo;
    /// let info = SecurityInfo::default().with_scope_string("read  write");
    /// assert_eq!(info.scopes, ["read", "write"]);
    /// ```
    #[must_use]
    pub fn with_scope_string(self, scope: &str) -> Self {
        self.with_scopes(scope.split_whitespace())
    }

    /// Adds one claim.
    #[must_use]
    pub fn with_claim(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.claims.insert(name.into(), value.into());
        self
    }
}

/// What a basic handler receives: the decoded `Authorization: Basic` pair, or the CONNECT
/// `auth` payload's `username`/`password`.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    /// The user name (never empty).
    pub username: String,
    /// The password (may be empty).
    pub password: String,
    /// Name of the security scheme being checked.
    pub scheme: String,
    /// Scopes the requirement lists for this scheme (usually none for `http`).
    pub required_scopes: Vec<String>,
}

/// What a bearer handler receives: the token of `Authorization: Bearer`, or the CONNECT `auth`
/// payload's `token`.
#[derive(Clone, PartialEq, Eq)]
pub struct BearerCredentials {
    /// The token (never empty).
    pub token: String,
    /// The scheme's `bearerFormat` hint (e.g. `JWT`).
    pub bearer_format: Option<String>,
    /// Name of the security scheme being checked.
    pub scheme: String,
    /// Scopes the requirement lists for this scheme; the returned
    /// [`SecurityInfo::scopes`] must cover them.
    pub required_scopes: Vec<String>,
}

/// What an API-key handler receives (`httpApiKey` from query, header or cookie; `apiKey` from the
/// CONNECT `auth` payload's `user` or `password`).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKeyCredentials {
    /// The key as sent (query values percent-decoded).
    pub key: String,
    /// Name of the security scheme being checked.
    pub scheme: String,
    /// Scopes the requirement lists for this scheme.
    pub required_scopes: Vec<String>,
}

/// What a token-info handler receives (`oauth2`, `openIdConnect`): the bearer token to
/// introspect or verify. The returned [`SecurityInfo::scopes`] are the token's scopes.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenCredentials {
    /// The token (never empty).
    pub token: String,
    /// Name of the security scheme being checked.
    pub scheme: String,
}

// Credentials never appear in logs: Debug shows only what is safe.
impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("scheme", &self.scheme)
            .field("required_scopes", &self.required_scopes)
            .finish()
    }
}

impl fmt::Debug for BearerCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerCredentials")
            .field("token", &"<redacted>")
            .field("bearer_format", &self.bearer_format)
            .field("scheme", &self.scheme)
            .field("required_scopes", &self.required_scopes)
            .finish()
    }
}

impl fmt::Debug for ApiKeyCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKeyCredentials")
            .field("key", &"<redacted>")
            .field("scheme", &self.scheme)
            .field("required_scopes", &self.required_scopes)
            .finish()
    }
}

impl fmt::Debug for TokenCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCredentials")
            .field("token", &"<redacted>")
            .field("scheme", &self.scheme)
            .finish()
    }
}

/// The result every credential-checking function returns.
pub(super) type CheckFuture = BoxFuture<'static, Result<SecurityInfo, Refusal>>;

type CheckFn<C> = Arc<dyn Fn(C) -> CheckFuture + Send + Sync>;
type ScopeFn = Arc<dyn Fn(&[String], &[String]) -> bool + Send + Sync>;

/// One registered function.
#[derive(Clone)]
pub(crate) enum Handler {
    Basic(CheckFn<BasicCredentials>),
    Bearer(CheckFn<BearerCredentials>),
    ApiKey(CheckFn<ApiKeyCredentials>),
    TokenInfo(CheckFn<TokenCredentials>),
    ScopeValidator(ScopeFn),
}

impl Handler {
    pub(crate) fn kind(&self) -> SecurityFunctionKind {
        match self {
            Handler::Basic(_) => SecurityFunctionKind::Basic,
            Handler::Bearer(_) => SecurityFunctionKind::Bearer,
            Handler::ApiKey(_) => SecurityFunctionKind::ApiKey,
            Handler::TokenInfo(_) => SecurityFunctionKind::TokenInfo,
            Handler::ScopeValidator(_) => SecurityFunctionKind::ScopeValidator,
        }
    }
}

/// The functions that check credentials, by handler id: a builder, cheap to clone.
///
/// Each function gets the parsed credentials and returns the [`SecurityInfo`] of whoever they
/// belong to, `Err(Refusal::Unauthorized)` when they are wrong, or `Err(Refusal::Forbidden)`
/// when they are right but not allowed here.
///
/// ```
/// use asynction::security::{Refusal, SecurityHandlers, SecurityInfo};
///
/// let handlers = SecurityHandlers::new()
///     .basic("basic_info", |c| async move {
///         if c.username == "alice" && c.password == "secret" {
///             Ok(SecurityInfo::for_user(c.username))
///         } else {
///             Err(Refusal::Unauthorized)
///         }
///     })
///     .token_info("token_info", |c| async move {
///         // Introspect `c.token`; report the token's scopes.
///         Ok(SecurityInfo::for_user("bob").with_scope_string("read write"))
///     });
/// ```
#[derive(Clone, Default)]
#[must_use = "security handlers check nothing until given to the builder's security_handlers()"]
pub struct SecurityHandlers {
    pub(crate) by_id: HashMap<String, Handler>,
    /// Ids in the order they were first registered (a later registration of an id wins).
    pub(crate) registration_order: Vec<String>,
}

impl SecurityHandlers {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    fn insert(mut self, id: String, handler: Handler) -> Self {
        if self.by_id.insert(id.clone(), handler).is_none() {
            self.registration_order.push(id);
        }
        self
    }

    /// Registers the function named by `x-basicInfoFunc: <id>` (`http` `basic` schemes).
    pub fn basic<F, Fut>(self, id: impl Into<String>, f: F) -> Self
    where
        F: Fn(BasicCredentials) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<SecurityInfo, Refusal>> + Send + 'static,
    {
        self.insert(id.into(), Handler::Basic(Arc::new(move |c| f(c).boxed())))
    }

    /// Registers the function named by `x-bearerInfoFunc: <id>` (also spelled
    /// `x-basicBearerInfoFunc`, as the original README does) for `http` `bearer` schemes.
    pub fn bearer<F, Fut>(self, id: impl Into<String>, f: F) -> Self
    where
        F: Fn(BearerCredentials) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<SecurityInfo, Refusal>> + Send + 'static,
    {
        self.insert(id.into(), Handler::Bearer(Arc::new(move |c| f(c).boxed())))
    }

    /// Registers the function named by `x-apiKeyInfoFunc: <id>` (`httpApiKey` and `apiKey`
    /// schemes).
    pub fn api_key<F, Fut>(self, id: impl Into<String>, f: F) -> Self
    where
        F: Fn(ApiKeyCredentials) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<SecurityInfo, Refusal>> + Send + 'static,
    {
        self.insert(id.into(), Handler::ApiKey(Arc::new(move |c| f(c).boxed())))
    }

    /// Registers the function named by `x-tokenInfoFunc: <id>` (`oauth2` and `openIdConnect`
    /// schemes). It introspects or verifies the token and returns the token's scopes in
    /// [`SecurityInfo::scopes`] (use [`SecurityInfo::with_scope_string`] for a `scope` claim).
    pub fn token_info<F, Fut>(self, id: impl Into<String>, f: F) -> Self
    where
        F: Fn(TokenCredentials) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<SecurityInfo, Refusal>> + Send + 'static,
    {
        self.insert(
            id.into(),
            Handler::TokenInfo(Arc::new(move |c| f(c).boxed())),
        )
    }

    /// Registers the function named by `x-scopeValidateFunc: <id>`: given the required and the
    /// provided scopes, whether they suffice. Without one, every required scope must be
    /// provided (order irrelevant).
    pub fn scope_validator<F>(self, id: impl Into<String>, f: F) -> Self
    where
        F: Fn(&[String], &[String]) -> bool + Send + Sync + 'static,
    {
        self.insert(id.into(), Handler::ScopeValidator(Arc::new(f)))
    }
}

impl fmt::Debug for SecurityHandlers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for id in &self.registration_order {
            if let Some(h) = self.by_id.get(id) {
                m.entry(id, &h.kind());
            }
        }
        m.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_string_splits_on_any_whitespace() {
        let info = SecurityInfo::for_user("u").with_scope_string(" a\tb  c ");
        assert_eq!(info.scopes, ["a", "b", "c"]);
        assert_eq!(info.user.as_deref(), Some("u"));
    }

    #[test]
    fn debug_redacts_secrets() {
        let c = BasicCredentials {
            username: "alice".into(),
            password: "hunter2".into(),
            scheme: "basic".into(),
            required_scopes: vec![],
        };
        let text = format!("{c:?}");
        assert!(
            text.contains("alice") && !text.contains("hunter2"),
            "{text}"
        );
        let t = TokenCredentials {
            token: "tok-secret".into(),
            scheme: "o".into(),
        };
        assert!(!format!("{t:?}").contains("tok-secret"));
    }

    #[test]
    fn later_registration_of_an_id_replaces_the_earlier() {
        let h = SecurityHandlers::new()
            .basic("f", |_| async { Err(Refusal::Unauthorized) })
            .bearer("f", |_| async { Err(Refusal::Unauthorized) });
        assert_eq!(h.by_id["f"].kind(), SecurityFunctionKind::Bearer);
        assert_eq!(format!("{h:?}"), r#"{"f": Bearer}"#);
    }
}
