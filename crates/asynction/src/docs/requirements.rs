//! What a client must send to connect to each namespace, as plain data and text: the
//! handshake's `bindings.ws` (method, query parameters, headers) and the credentials of the
//! security requirements in force, with where each goes — what the docs page shows per
//! namespace, for places without a page (the mock's banner).

use std::fmt;

use serde_json::Value;

use crate::model::{Api, ApiKeyLocation, Namespace, Schema, SchemeKind, SecurityRequirement};

/// What a client must send to connect to one namespace.
///
/// ```
/// let doc = asynction::Document::from_text(concat!(
///     "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nchannels:\n  /admin:\n",
///     "    bindings: {ws: {query: {type: object, required: [token], properties: {token: {type: string}}}}}\n",
///     "    subscribe: {message: {name: metrics, payload: {type: string}}}\n",
/// ))?;
/// let admin = &asynction::docs::ConnectRequirements::of(&doc.api, None)[0];
/// assert_eq!(admin.to_string(), "handshake: query token (required, string)\ncredentials: none");
/// # Ok::<(), asynction::SpecError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectRequirements {
    /// The namespace path, as the document writes it.
    pub namespace: String,
    /// The HTTP method the handshake request must use, if one is required.
    pub method: Option<String>,
    /// The handshake's query parameters the document describes.
    pub query: Vec<HandshakeField>,
    /// The handshake's headers the document describes.
    pub headers: Vec<HandshakeField>,
    /// The credentials: alternatives (any one suffices), each the credentials that must all be
    /// presented. Empty when the namespace requires none.
    pub credentials: Vec<Vec<Credential>>,
}

/// One query parameter or header of the handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HandshakeField {
    /// Its name.
    pub name: String,
    /// Whether the schema requires it.
    pub required: bool,
    /// Its schema's `type`, when it says one.
    pub kind: Option<String>,
}

/// One credential a security requirement asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Credential {
    /// The security scheme's name.
    pub scheme: String,
    /// What the credential is and where it goes (`HTTP Bearer token: an "Authorization:
    /// Bearer …" header on the handshake request`).
    pub how: String,
    /// The scopes the requirement asks for.
    pub scopes: Vec<String>,
}

impl ConnectRequirements {
    /// The requirements of every namespace of `api`, in document order, for a server running
    /// as the document's server `server` (its security applies where a namespace sets none;
    /// `None`: no server's security applies).
    pub fn of(api: &Api, server: Option<&str>) -> Vec<Self> {
        let server_security: &[SecurityRequirement] = server
            .and_then(|name| api.server(name))
            .map_or(&[], |s| s.security.as_slice());
        api.namespaces
            .iter()
            .map(|ns| Self::of_namespace(api, ns, server_security))
            .collect()
    }

    fn of_namespace(api: &Api, ns: &Namespace, server_security: &[SecurityRequirement]) -> Self {
        let in_force = ns.security.as_deref().unwrap_or(server_security);
        let credentials = in_force
            .iter()
            .map(|req| {
                req.schemes
                    .iter()
                    .map(|(name, scopes)| Credential {
                        scheme: name.clone(),
                        how: api
                            .security_schemes
                            .get(name)
                            .map_or_else(|| "undefined scheme".to_owned(), |s| how(&s.kind)),
                        scopes: scopes.clone(),
                    })
                    .collect()
            })
            .filter(|all: &Vec<Credential>| !all.is_empty())
            .collect();
        Self {
            namespace: ns.path.clone(),
            method: ns.bindings.method.clone(),
            query: fields(ns.bindings.query.as_ref()),
            headers: fields(ns.bindings.headers.as_ref()),
            credentials,
        }
    }
}

/// `handshake: …` and `credentials: …`, one line each.
impl fmt::Display for ConnectRequirements {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut handshake = Vec::new();
        if let Some(method) = &self.method {
            handshake.push(format!("method {method}"));
        }
        for (what, list) in [("query", &self.query), ("headers", &self.headers)] {
            if !list.is_empty() {
                let described: Vec<String> = list.iter().map(HandshakeField::to_string).collect();
                handshake.push(format!("{what} {}", described.join(", ")));
            }
        }
        if handshake.is_empty() {
            f.write_str("handshake: nothing required")?;
        } else {
            write!(f, "handshake: {}", handshake.join("; "))?;
        }
        let alternatives: Vec<String> = self
            .credentials
            .iter()
            .map(|all| {
                all.iter()
                    .map(Credential::to_string)
                    .collect::<Vec<_>>()
                    .join(" and ")
            })
            .collect();
        match alternatives.as_slice() {
            [] => f.write_str("\ncredentials: none"),
            [one] => write!(f, "\ncredentials: {one}"),
            several => write!(f, "\ncredentials: one of: {}", several.join(" | ")),
        }
    }
}

/// `token (required, string)`.
impl fmt::Display for HandshakeField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let notes: Vec<&str> = [self.required.then_some("required"), self.kind.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if notes.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{} ({})", self.name, notes.join(", "))
        }
    }
}

/// `bearer: HTTP Bearer token: … [scopes: a, b]`.
impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}", self.scheme, self.how)?;
        if !self.scopes.is_empty() {
            write!(f, "; scopes {}", self.scopes.join(", "))?;
        }
        f.write_str(")")
    }
}

/// The properties of an object schema (and names it requires without describing them).
fn fields(schema: Option<&Schema>) -> Vec<HandshakeField> {
    let Some(schema) = schema else {
        return Vec::new();
    };
    let required: Vec<&str> = schema
        .value
        .get("required")
        .and_then(Value::as_array)
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out: Vec<HandshakeField> = schema
        .value
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .iter()
                .map(|(name, property)| HandshakeField {
                    name: name.clone(),
                    required: required.contains(&name.as_str()),
                    kind: property
                        .get("type")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                })
                .collect()
        })
        .unwrap_or_default();
    for name in required {
        if !out.iter().any(|f| f.name == name) {
            out.push(HandshakeField {
                name: name.to_owned(),
                required: true,
                kind: None,
            });
        }
    }
    out
}

/// What a client must present for a scheme, and where, in words (the docs page's wording).
pub(super) fn how(kind: &SchemeKind) -> String {
    match kind {
        SchemeKind::HttpBasic => {
            "HTTP Basic: an \"Authorization: Basic …\" header on the handshake request".to_owned()
        }
        SchemeKind::HttpBearer { bearer_format } => {
            let format = bearer_format
                .as_deref()
                .map(|f| format!(" ({f})"))
                .unwrap_or_default();
            format!(
                "HTTP Bearer token{format}: an \"Authorization: Bearer …\" header on the handshake request"
            )
        }
        SchemeKind::HttpApiKey { location, name } => {
            let place = match location {
                ApiKeyLocation::Query => "query parameter",
                ApiKeyLocation::Header => "header",
                ApiKeyLocation::Cookie => "cookie",
            };
            format!("API key in the handshake {place} \"{name}\"")
        }
        SchemeKind::ApiKey { location } => {
            format!("API key in the Socket.IO auth payload ({location})")
        }
        SchemeKind::OAuth2 { scopes } if scopes.is_empty() => {
            "OAuth2 access token: an \"Authorization: Bearer …\" header".to_owned()
        }
        SchemeKind::OAuth2 { scopes } => {
            format!(
                "OAuth2 access token: an \"Authorization: Bearer …\" header; scopes: {}",
                scopes.join(", ")
            )
        }
        SchemeKind::OpenIdConnect { url } => format!("OpenID Connect token (discovery: {url})"),
        SchemeKind::Unsupported { description } => {
            format!("{description} (not checked by asynction)")
        }
        // The model may learn new kinds before this page does.
        _ => "a security scheme this page cannot describe (not checked by asynction)".to_owned(),
    }
}
