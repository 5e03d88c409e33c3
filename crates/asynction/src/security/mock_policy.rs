//! The mock server's security policy: no user functions, only the presence and shape of
//! credentials are enforced, so a client written against the document can be exercised without
//! a real identity provider.
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

use super::credentials::{Credential, CredentialSource};
use super::handlers::SecurityInfo;

/// The info the mock grants for a well-formed `credential` of a scheme read from `source`,
/// required to carry `required_scopes`.
pub(crate) fn grant(
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
