//! Where each credential is read from the handshake, and how it is parsed.
//!
//! | credential | read from (first wins) |
//! |---|---|
//! | basic pair | `Authorization: Basic base64(user:pass)`, else CONNECT `auth` `{username, password}` |
//! | bearer token (`http bearer`, `oauth2`, `openIdConnect`) | `Authorization: Bearer <token>`, else `auth.token` |
//! | `httpApiKey` | its query parameter / header / cookie, else `auth.<name>` |
//! | `apiKey` (user/password) | `auth.user` or `auth.password`, per its `in` |
//!
//! Browsers cannot set headers on a WebSocket, which is why every credential can also come in
//! the Socket.IO CONNECT `auth` payload; a header, when present, wins. Parsing never panics: a
//! credential that is there but unusable is [`Lookup::Malformed`], which fails that scheme only.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use http::header::{AUTHORIZATION, COOKIE, HeaderName};
use serde_json::Value;

use crate::model::ApiKeyLocation;
use crate::validate::ENGINE_IO_QUERY_PARAMS;

/// The longest credential accepted, in bytes. An `Authorization` header longer than this
/// refuses the handshake outright; any other longer credential fails its scheme.
pub const MAX_CREDENTIAL_BYTES: usize = 8 * 1024;

/// What the security layer reads from a Socket.IO handshake.
///
/// The server builds it from the engine.io request (`socket.req_parts()`) and the CONNECT
/// packet's `auth` payload. Its `Debug` output names headers and auth fields but shows no value,
/// so logging a request never leaks a credential.
#[derive(Clone, Copy)]
pub struct HandshakeRequest<'a> {
    /// Headers of the engine.io handshake request.
    pub headers: &'a http::HeaderMap,
    /// URI of the engine.io handshake request (its query is read).
    pub uri: &'a http::Uri,
    /// The CONNECT packet's `auth` payload, if the client sent one.
    pub auth: Option<&'a Value>,
}

impl std::fmt::Debug for HandshakeRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        let auth_fields: Option<Vec<&String>> = self.auth.map(|a| {
            a.as_object()
                .map(|o| o.keys().collect())
                .unwrap_or_default()
        });
        f.debug_struct("HandshakeRequest")
            .field("path", &self.uri.path())
            .field("headers", &headers)
            .field("auth_fields", &auth_fields)
            .finish_non_exhaustive()
    }
}

/// What looking for one credential found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Lookup<T> {
    /// Not sent: this scheme does not apply, try the next alternative.
    Absent,
    /// Sent but unusable (the reason is for server logs only).
    Malformed(&'static str),
    /// Sent and well formed.
    Found(T),
}

impl<T> Lookup<T> {
    fn or_else(self, f: impl FnOnce() -> Lookup<T>) -> Lookup<T> {
        match self {
            Lookup::Absent => f(),
            other => other,
        }
    }
}

/// Where one security scheme's credential is read, derived from its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum CredentialSource {
    /// `http basic`.
    Basic,
    /// `http bearer`, `oauth2`, `openIdConnect`.
    BearerToken,
    /// `httpApiKey`.
    HttpApiKey {
        location: ApiKeyLocation,
        name: String,
    },
    /// `apiKey` (user/password kind): `in` is `user` or `password`.
    UserPasswordKey { location: String },
}

/// A credential as read from the handshake.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum Credential {
    /// A basic pair.
    Basic { username: String, password: String },
    /// A bearer token.
    Token(String),
    /// An API key.
    Key(String),
}

impl<'a> HandshakeRequest<'a> {
    /// The credential `source` describes.
    pub(crate) fn read(&self, source: &CredentialSource) -> Lookup<Credential> {
        match source {
            CredentialSource::Basic => match self.basic() {
                Lookup::Found((username, password)) => {
                    Lookup::Found(Credential::Basic { username, password })
                }
                Lookup::Absent => Lookup::Absent,
                Lookup::Malformed(why) => Lookup::Malformed(why),
            },
            CredentialSource::BearerToken => map(self.bearer_token(), Credential::Token),
            CredentialSource::HttpApiKey { location, name } => {
                map(self.api_key(*location, name), Credential::Key)
            }
            CredentialSource::UserPasswordKey { location } => {
                map(self.user_password_key(location), Credential::Key)
            }
        }
    }
}

fn map(found: Lookup<String>, f: impl FnOnce(String) -> Credential) -> Lookup<Credential> {
    match found {
        Lookup::Found(v) => Lookup::Found(f(v)),
        Lookup::Absent => Lookup::Absent,
        Lookup::Malformed(why) => Lookup::Malformed(why),
    }
}

/// The `Authorization` header, split into scheme word and value.
enum Authorization<'a> {
    Missing,
    Unreadable,
    Credentials { scheme: &'a str, value: &'a str },
}

/// Base64 as clients send it: the standard alphabet, padding optional.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

impl<'a> HandshakeRequest<'a> {
    /// A request from its parts.
    pub fn new(headers: &'a http::HeaderMap, uri: &'a http::Uri, auth: Option<&'a Value>) -> Self {
        HandshakeRequest { headers, uri, auth }
    }

    /// Whether the `Authorization` header is longer than [`MAX_CREDENTIAL_BYTES`].
    pub(crate) fn authorization_oversized(&self) -> bool {
        self.headers
            .get_all(AUTHORIZATION)
            .iter()
            .any(|v| v.len() > MAX_CREDENTIAL_BYTES)
    }

    fn authorization(&self) -> Authorization<'a> {
        let mut values = self.headers.get_all(AUTHORIZATION).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return if self.headers.contains_key(AUTHORIZATION) {
                Authorization::Unreadable
            } else {
                Authorization::Missing
            };
        };
        let Ok(text) = value.to_str() else {
            return Authorization::Unreadable;
        };
        let text = text.trim();
        match text.split_once(|c: char| c.is_ascii_whitespace()) {
            Some((scheme, value)) => Authorization::Credentials {
                scheme,
                value: value.trim(),
            },
            None => Authorization::Credentials {
                scheme: text,
                value: "",
            },
        }
    }

    /// The `auth` payload's string field `name`.
    fn auth_field(&self, name: &str) -> Lookup<String> {
        match self.auth.and_then(|a| a.get(name)) {
            None | Some(Value::Null) => Lookup::Absent,
            Some(Value::String(s)) => checked(s.clone()),
            Some(_) => Lookup::Malformed("auth payload field is not a string"),
        }
    }

    /// A basic user/password pair.
    pub(crate) fn basic(&self) -> Lookup<(String, String)> {
        match self.authorization() {
            Authorization::Credentials { scheme, value }
                if scheme.eq_ignore_ascii_case("basic") =>
            {
                decode_basic(value)
            }
            Authorization::Unreadable => Lookup::Malformed("unreadable Authorization header"),
            _ => self.basic_from_auth(),
        }
    }

    fn basic_from_auth(&self) -> Lookup<(String, String)> {
        match (self.auth_field("username"), self.auth_field("password")) {
            (Lookup::Absent, Lookup::Absent) => Lookup::Absent,
            (Lookup::Found(user), Lookup::Found(password)) if !user.is_empty() => {
                Lookup::Found((user, password))
            }
            (Lookup::Found(user), Lookup::Found(_)) if user.is_empty() => {
                Lookup::Malformed("empty username")
            }
            _ => Lookup::Malformed("incomplete username/password in auth payload"),
        }
    }

    /// A bearer token (`http bearer`, `oauth2`, `openIdConnect`).
    pub(crate) fn bearer_token(&self) -> Lookup<String> {
        match self.authorization() {
            Authorization::Credentials { scheme, value }
                if scheme.eq_ignore_ascii_case("bearer") =>
            {
                if value.is_empty() {
                    Lookup::Malformed("empty bearer token")
                } else if value.contains(|c: char| c.is_ascii_whitespace()) {
                    Lookup::Malformed("bearer token contains whitespace")
                } else {
                    checked(value.to_owned())
                }
            }
            Authorization::Unreadable => Lookup::Malformed("unreadable Authorization header"),
            _ => match self.auth_field("token") {
                Lookup::Found(t) if t.is_empty() => {
                    Lookup::Malformed("empty token in auth payload")
                }
                other => other,
            },
        }
    }

    /// An `httpApiKey` named `name` at `location`, else the `auth` payload's field `name`.
    pub(crate) fn api_key(&self, location: ApiKeyLocation, name: &str) -> Lookup<String> {
        let found = match location {
            ApiKeyLocation::Query => self.query_param(name),
            ApiKeyLocation::Header => self.header(name),
            ApiKeyLocation::Cookie => self.cookie(name),
        };
        non_empty(found.or_else(|| self.auth_field(name)))
    }

    /// An `apiKey` (user/password kind): the `auth` payload's `user` or `password`.
    pub(crate) fn user_password_key(&self, location: &str) -> Lookup<String> {
        match location {
            "user" | "password" => non_empty(self.auth_field(location)),
            _ => Lookup::Absent,
        }
    }

    fn query_param(&self, name: &str) -> Lookup<String> {
        if ENGINE_IO_QUERY_PARAMS.contains(&name) {
            return Lookup::Absent;
        }
        let Some(query) = self.uri.query() else {
            return Lookup::Absent;
        };
        let mut values = url::form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v);
        match (values.next(), values.next()) {
            (None, _) => Lookup::Absent,
            (Some(v), None) => checked(v.into_owned()),
            (Some(_), Some(_)) => Lookup::Malformed("query parameter repeated"),
        }
    }

    fn header(&self, name: &str) -> Lookup<String> {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            return Lookup::Absent;
        };
        let mut values = self.headers.get_all(name).iter();
        match (values.next(), values.next()) {
            (None, _) => Lookup::Absent,
            (Some(v), None) => match v.to_str() {
                Ok(s) => checked(s.trim().to_owned()),
                Err(_) => Lookup::Malformed("header is not visible ASCII"),
            },
            (Some(_), Some(_)) => Lookup::Malformed("header repeated"),
        }
    }

    /// The first cookie called `name` (browsers send the most specific path first).
    fn cookie(&self, name: &str) -> Lookup<String> {
        for header in self.headers.get_all(COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            for pair in text.split(';') {
                let Some((k, v)) = pair.split_once('=') else {
                    continue;
                };
                if k.trim() == name {
                    let v = v.trim();
                    let v = v
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or(v);
                    return checked(v.to_owned());
                }
            }
        }
        Lookup::Absent
    }
}

/// `base64(user:pass)` → the pair; the user must be non-empty.
fn decode_basic(value: &str) -> Lookup<(String, String)> {
    if value.is_empty() {
        return Lookup::Malformed("empty basic credentials");
    }
    let Ok(bytes) = BASE64.decode(value) else {
        return Lookup::Malformed("basic credentials are not base64");
    };
    // RFC 7617 recommends UTF-8; older clients send Latin-1, which maps byte for byte.
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| e.into_bytes().iter().map(|&b| char::from(b)).collect());
    match text.split_once(':') {
        None => Lookup::Malformed("basic credentials have no ':'"),
        Some(("", _)) => Lookup::Malformed("empty username"),
        Some((user, password)) => Lookup::Found((user.to_owned(), password.to_owned())),
    }
}

fn checked(value: String) -> Lookup<String> {
    if value.len() > MAX_CREDENTIAL_BYTES {
        Lookup::Malformed("credential too long")
    } else {
        Lookup::Found(value)
    }
}

fn non_empty(found: Lookup<String>) -> Lookup<String> {
    match found {
        Lookup::Found(v) if v.is_empty() => Lookup::Malformed("empty key"),
        other => other,
    }
}

/// Fuzzing entry point: reads every kind of credential from one handshake (basic pair, bearer
/// token, API keys by query parameter, header and cookie named `name`, the user/password
/// `apiKey`) and returns how many were found well formed. Not part of the supported API: it
/// exists so the fuzz targets in `fuzz/` reach the private parsers.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub fn fuzz_read_every_credential(request: &HandshakeRequest<'_>, name: &str) -> usize {
    let sources = [
        CredentialSource::Basic,
        CredentialSource::BearerToken,
        CredentialSource::HttpApiKey {
            location: ApiKeyLocation::Query,
            name: name.to_owned(),
        },
        CredentialSource::HttpApiKey {
            location: ApiKeyLocation::Header,
            name: name.to_owned(),
        },
        CredentialSource::HttpApiKey {
            location: ApiKeyLocation::Cookie,
            name: name.to_owned(),
        },
        CredentialSource::UserPasswordKey {
            location: "user".to_owned(),
        },
        CredentialSource::UserPasswordKey {
            location: "password".to_owned(),
        },
    ];
    let oversized = usize::from(request.authorization_oversized());
    sources
        .iter()
        .filter(|s| matches!(request.read(s), Lookup::Found(_)))
        .count()
        + oversized
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderMap, HeaderValue, Uri};
    use serde_json::json;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    fn found<T>(v: T) -> Lookup<T> {
        Lookup::Found(v)
    }

    fn pair(u: &str, p: &str) -> Lookup<(String, String)> {
        found((u.to_owned(), p.to_owned()))
    }

    #[test]
    fn basic_decodes_with_any_case_and_optional_padding() {
        let uri = Uri::from_static("/socket.io/");
        for h in [
            "Basic dXNlcjpwYXNz",
            "basic dXNlcjpwYXNz",
            "BASIC   dXNlcjpwYXNz  ",
        ] {
            let hm = headers(&[("authorization", h)]);
            assert_eq!(
                HandshakeRequest::new(&hm, &uri, None).basic(),
                pair("user", "pass"),
                "{h}"
            );
        }
        // "a:" is YTo= ; without padding.
        let hm = headers(&[("authorization", "Basic YTo")]);
        assert_eq!(
            HandshakeRequest::new(&hm, &uri, None).basic(),
            pair("a", "")
        );
    }

    #[test]
    fn basic_password_may_contain_colons_and_latin1() {
        let uri = Uri::from_static("/");
        let v = format!("Basic {}", BASE64.encode(b"u:p:q"));
        let hm = headers(&[("authorization", &v)]);
        assert_eq!(
            HandshakeRequest::new(&hm, &uri, None).basic(),
            pair("u", "p:q")
        );
        let v = format!("Basic {}", BASE64.encode(b"j\xfcrgen:x"));
        let hm = headers(&[("authorization", &v)]);
        assert_eq!(
            HandshakeRequest::new(&hm, &uri, None).basic(),
            pair("jürgen", "x")
        );
    }

    #[test]
    fn malformed_basic_never_panics() {
        let uri = Uri::from_static("/");
        for h in [
            "Basic",
            "Basic !!!",
            "Basic dXNlcnBhc3M=",
            "Basic OnBhc3M=",
            "Basic \u{7f}",
        ] {
            let Ok(v) = HeaderValue::from_str(h) else {
                continue;
            };
            let mut hm = HeaderMap::new();
            hm.insert(AUTHORIZATION, v);
            assert!(
                matches!(
                    HandshakeRequest::new(&hm, &uri, None).basic(),
                    Lookup::Malformed(_)
                ),
                "{h}"
            );
        }
        let mut hm = HeaderMap::new();
        hm.insert(
            AUTHORIZATION,
            HeaderValue::from_bytes(b"Basic \xff\xfe").unwrap(),
        );
        assert!(matches!(
            HandshakeRequest::new(&hm, &uri, None).basic(),
            Lookup::Malformed(_)
        ));
    }

    #[test]
    fn unknown_scheme_word_means_absent() {
        let uri = Uri::from_static("/");
        let hm = headers(&[("authorization", "Token abc")]);
        let req = HandshakeRequest::new(&hm, &uri, None);
        assert_eq!(req.basic(), Lookup::Absent);
        assert_eq!(req.bearer_token(), Lookup::Absent);
        let hm = headers(&[("authorization", "BasicdXNlcjpwYXNz")]);
        assert_eq!(
            HandshakeRequest::new(&hm, &uri, None).basic(),
            Lookup::Absent
        );
    }

    #[test]
    fn bearer_token_rules() {
        let uri = Uri::from_static("/");
        let hm = headers(&[("authorization", "bearer abc.def")]);
        assert_eq!(
            HandshakeRequest::new(&hm, &uri, None).bearer_token(),
            found("abc.def".into())
        );
        for h in ["Bearer", "Bearer    ", "Bearer a b"] {
            let hm = headers(&[("authorization", h)]);
            assert!(
                matches!(
                    HandshakeRequest::new(&hm, &uri, None).bearer_token(),
                    Lookup::Malformed(_)
                ),
                "{h}"
            );
        }
        let hm = headers(&[("authorization", "Bearer a"), ("authorization", "Bearer b")]);
        assert!(matches!(
            HandshakeRequest::new(&hm, &uri, None).bearer_token(),
            Lookup::Malformed(_)
        ));
    }

    #[test]
    fn header_wins_over_auth_payload() {
        let uri = Uri::from_static("/");
        let auth = json!({"token": "from-auth", "username": "pu", "password": "pp"});
        let hm = headers(&[("authorization", "Bearer from-header")]);
        let req = HandshakeRequest::new(&hm, &uri, Some(&auth));
        assert_eq!(req.bearer_token(), found("from-header".into()));
        // The bearer header does not hide the payload's basic pair.
        assert_eq!(req.basic(), pair("pu", "pp"));
        let empty = HeaderMap::new();
        assert_eq!(
            HandshakeRequest::new(&empty, &uri, Some(&auth)).bearer_token(),
            found("from-auth".into())
        );
    }

    #[test]
    fn auth_payload_shapes() {
        let uri = Uri::from_static("/");
        let hm = HeaderMap::new();
        let cases = [
            (json!({"token": ""}), false),
            (json!({"token": 5}), false),
            (json!("just a string"), true),
            (json!({"token": null}), true),
        ];
        for (auth, absent) in cases {
            let got = HandshakeRequest::new(&hm, &uri, Some(&auth)).bearer_token();
            assert_eq!(got == Lookup::Absent, absent, "{auth}");
            assert!(!matches!(got, Lookup::Found(_)), "{auth}");
        }
        let auth = json!({"username": "u"});
        assert!(matches!(
            HandshakeRequest::new(&hm, &uri, Some(&auth)).basic(),
            Lookup::Malformed(_)
        ));
        let auth = json!({"username": "", "password": "p"});
        assert!(matches!(
            HandshakeRequest::new(&hm, &uri, Some(&auth)).basic(),
            Lookup::Malformed(_)
        ));
        let auth = json!({"user": "k1", "password": "k2"});
        let req = HandshakeRequest::new(&hm, &uri, Some(&auth));
        assert_eq!(req.user_password_key("user"), found("k1".into()));
        assert_eq!(req.user_password_key("password"), found("k2".into()));
    }

    #[test]
    fn query_key_is_decoded_and_engine_io_params_ignored() {
        let hm = HeaderMap::new();
        let uri: Uri = "/socket.io/?EIO=4&transport=websocket&api_key=a%20b%2Bc"
            .parse()
            .unwrap();
        let req = HandshakeRequest::new(&hm, &uri, None);
        assert_eq!(
            req.api_key(ApiKeyLocation::Query, "api_key"),
            found("a b+c".into())
        );
        assert_eq!(req.api_key(ApiKeyLocation::Query, "EIO"), Lookup::Absent);
        assert_eq!(req.api_key(ApiKeyLocation::Query, "other"), Lookup::Absent);
        let uri: Uri = "/socket.io/?api_key=a&api_key=b".parse().unwrap();
        assert!(matches!(
            HandshakeRequest::new(&hm, &uri, None).api_key(ApiKeyLocation::Query, "api_key"),
            Lookup::Malformed(_)
        ));
        let uri: Uri = "/socket.io/?api_key=".parse().unwrap();
        assert!(matches!(
            HandshakeRequest::new(&hm, &uri, None).api_key(ApiKeyLocation::Query, "api_key"),
            Lookup::Malformed(_)
        ));
    }

    #[test]
    fn header_and_cookie_keys() {
        let uri = Uri::from_static("/");
        let hm = headers(&[
            ("x-api-key", "k1"),
            ("cookie", "a=1; session=\"k2\"; session=k3"),
        ]);
        let req = HandshakeRequest::new(&hm, &uri, None);
        assert_eq!(
            req.api_key(ApiKeyLocation::Header, "X-API-Key"),
            found("k1".into())
        );
        assert_eq!(
            req.api_key(ApiKeyLocation::Cookie, "session"),
            found("k2".into())
        );
        assert_eq!(
            req.api_key(ApiKeyLocation::Cookie, "missing"),
            Lookup::Absent
        );
        assert_eq!(
            req.api_key(ApiKeyLocation::Header, "bad header name"),
            Lookup::Absent
        );
        let auth = json!({"session": "from-auth"});
        let empty = HeaderMap::new();
        assert_eq!(
            HandshakeRequest::new(&empty, &uri, Some(&auth))
                .api_key(ApiKeyLocation::Cookie, "session"),
            found("from-auth".into())
        );
    }

    #[test]
    fn debug_shows_no_credential() {
        let uri: Uri = "/socket.io/?api_key=sekrit-q".parse().unwrap();
        let hm = headers(&[("authorization", "Bearer sekrit-h")]);
        let auth = json!({"token": "sekrit-a"});
        let text = format!("{:?}", HandshakeRequest::new(&hm, &uri, Some(&auth)));
        assert!(!text.contains("sekrit"), "{text}");
        assert!(
            text.contains("authorization") && text.contains("token"),
            "{text}"
        );
    }

    #[test]
    fn oversized_credentials_are_malformed() {
        let uri = Uri::from_static("/");
        let big = "x".repeat(MAX_CREDENTIAL_BYTES + 1);
        let hm = headers(&[("authorization", &format!("Bearer {big}")), ("x-key", &big)]);
        let req = HandshakeRequest::new(&hm, &uri, None);
        assert!(req.authorization_oversized());
        assert!(matches!(
            req.api_key(ApiKeyLocation::Header, "x-key"),
            Lookup::Malformed(_)
        ));
        let auth = json!({ "token": big });
        let empty = HeaderMap::new();
        assert!(matches!(
            HandshakeRequest::new(&empty, &uri, Some(&auth)).bearer_token(),
            Lookup::Malformed(_)
        ));
    }
}
