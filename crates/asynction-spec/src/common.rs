//! Parts of the model that read the same in AsyncAPI 2.x and 3.0: info, servers (all but their
//! address), security schemes, message → event, channel bindings and `x-handlers`.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::fields::{Reader, child, kind};
use super::rules;
use crate::model::{
    ApiKeyLocation, Event, Example, HandshakeBindings, Info, NamespaceHandlers, Recovery,
    SchemeKind, SecurityRequirement, SecurityScheme, Server,
};

/// `info`: title and version are required strings.
pub(crate) fn info(r: &mut Reader<'_>, root: &Map<String, Value>) -> Info {
    let Some(info) = r.object(root, "info", "") else {
        r.error("", "the document must have required property 'info'");
        return Info {
            title: String::new(),
            version: String::new(),
            description: None,
        };
    };
    Info {
        title: r
            .required_string(info, "title", "/info", "info")
            .unwrap_or_default(),
        version: r
            .required_string(info, "version", "/info", "info")
            .unwrap_or_default(),
        description: r.string(info, "description", "/info"),
    }
}

/// Where a version writes a server's address, and how its security requirements read.
pub(crate) struct ServerReader<A, S> {
    /// The required field the address starts from: 2.x `url`, 3.x `host`.
    pub(crate) address_key: &'static str,
    /// Reads the rest of the address after `protocol` (`obj`, its pointer, the `address_key`
    /// value) and returns the url (variables substituted) and the Socket.IO path.
    pub(crate) locate: A,
    /// Reads the `security` list at a pointer.
    pub(crate) security: S,
}

/// `servers`: every Server object, read in document order (`address_key`, `protocol`, the
/// rest of the address, `security`, `description`, so diagnostics come in that order).
pub(crate) fn servers<A, S>(
    r: &mut Reader<'_>,
    root: &Map<String, Value>,
    mut read: ServerReader<A, S>,
) -> Vec<Server>
where
    A: FnMut(&mut Reader<'_>, &Map<String, Value>, &str, String) -> (String, String),
    S: FnMut(&mut Reader<'_>, &[Value], &str) -> Vec<SecurityRequirement>,
{
    let mut out = Vec::new();
    let Some(map) = r.object(root, "servers", "") else {
        return out;
    };
    for (name, server) in map {
        let at = child("/servers", name);
        let Some(obj) = server.as_object() else {
            r.error(
                &at,
                format!("a server must be an object, found {}", kind(server)),
            );
            continue;
        };
        let address = r
            .required_string(obj, read.address_key, &at, "a server")
            .unwrap_or_default();
        let protocol = r
            .required_string(obj, "protocol", &at, "a server")
            .unwrap_or_default();
        let (url, socketio_path) = (read.locate)(r, obj, &at, address);
        let security = match r.array(obj, "security", &at) {
            Some(list) => (read.security)(r, list, &child(&at, "security")),
            None => Vec::new(),
        };
        out.push(Server {
            name: name.clone(),
            url,
            protocol,
            socketio_path,
            security,
            description: r.string(obj, "description", &at),
            recovery: recovery(r, obj, &at),
        });
    }
    out
}

/// `x-socketio-recovery` of `obj` (the root or a server): `{maxDisconnectionDuration: ms}`,
/// an integer greater than 0. Unknown keys are refused (a misspelt key would silently turn
/// the bound off).
pub(crate) fn recovery(r: &mut Reader<'_>, obj: &Map<String, Value>, at: &str) -> Option<Recovery> {
    const KEY: &str = "x-socketio-recovery";
    let ext = r.object(obj, KEY, at)?;
    let at = child(at, KEY);
    for key in ext.keys() {
        if key != "maxDisconnectionDuration" && !key.starts_with("x-") {
            r.error(
                &child(&at, key),
                format!("unknown key '{key}' in {KEY} (expected: maxDisconnectionDuration)"),
            );
        }
    }
    match ext.get("maxDisconnectionDuration") {
        None => {
            r.error(
                &at,
                format!(
                    "{KEY} must have required property 'maxDisconnectionDuration' (milliseconds)"
                ),
            );
            None
        }
        Some(v) => match v.as_u64().filter(|ms| *ms > 0) {
            Some(ms) => Some(Recovery {
                max_disconnection_duration_ms: ms,
            }),
            None => {
                r.error(
                    &child(&at, "maxDisconnectionDuration"),
                    format!("maxDisconnectionDuration must be an integer number of milliseconds greater than 0, found {v}"),
                );
                None
            }
        },
    }
}

/// `components.securitySchemes`.
pub(crate) fn security_schemes(
    r: &mut Reader<'_>,
    root: &Map<String, Value>,
) -> IndexMap<String, SecurityScheme> {
    let mut out = IndexMap::new();
    let Some(components) = r.object(root, "components", "") else {
        return out;
    };
    let Some(schemes) = r.object(components, "securitySchemes", "/components") else {
        return out;
    };
    for (name, scheme) in schemes {
        let at = child("/components/securitySchemes", name);
        if let Some(parsed) = security_scheme(r, name, scheme, &at) {
            out.insert(name.clone(), parsed);
        }
    }
    out
}

/// One security scheme object at `at`.
pub(crate) fn security_scheme(
    r: &mut Reader<'_>,
    name: &str,
    scheme: &Value,
    at: &str,
) -> Option<SecurityScheme> {
    let Some(obj) = scheme.as_object() else {
        r.error(
            at,
            format!(
                "a security scheme must be an object, found {}",
                kind(scheme)
            ),
        );
        return None;
    };
    let ty = r.required_string(obj, "type", at, "a security scheme")?;
    let kind = match ty.as_str() {
        "http" => match r
            .required_string(obj, "scheme", at, "an http security scheme")
            .map(|s| s.to_ascii_lowercase())
        {
            Some(s) if s == "basic" => SchemeKind::HttpBasic,
            Some(s) if s == "bearer" => SchemeKind::HttpBearer {
                bearer_format: r.string(obj, "bearerFormat", at),
            },
            Some(s) => SchemeKind::Unsupported {
                description: format!("http {s}"),
            },
            None => return None,
        },
        "httpApiKey" => {
            let location = match r
                .required_string(obj, "in", at, "an httpApiKey security scheme")
                .as_deref()
            {
                Some("query") => ApiKeyLocation::Query,
                Some("header") => ApiKeyLocation::Header,
                Some("cookie") => ApiKeyLocation::Cookie,
                Some(other) => {
                    r.error(
                        &child(at, "in"),
                        format!("'in' must be one of query, header, cookie; found '{other}'"),
                    );
                    return None;
                }
                None => return None,
            };
            let key_name = r.required_string(obj, "name", at, "an httpApiKey security scheme")?;
            SchemeKind::HttpApiKey {
                location,
                name: key_name,
            }
        }
        "apiKey" => {
            let location = r
                .required_string(obj, "in", at, "an apiKey security scheme")
                .unwrap_or_default();
            if location != "user" && location != "password" && !location.is_empty() {
                r.error(
                    &child(at, "in"),
                    format!("'in' must be 'user' or 'password'; found '{location}'"),
                );
            }
            SchemeKind::ApiKey { location }
        }
        "oauth2" => {
            let mut scopes = Vec::new();
            match r.object(obj, "flows", at) {
                Some(flows) => {
                    let flows_at = child(at, "flows");
                    for (name, flow) in flows {
                        check_oauth2_flow(r, &child(&flows_at, name), name, flow);
                        // 2.x: `scopes`; 3.0: `availableScopes`.
                        for key in ["scopes", "availableScopes"] {
                            if let Some(Value::Object(s)) = flow.get(key) {
                                for scope in s.keys() {
                                    if !scopes.contains(scope) {
                                        scopes.push(scope.clone());
                                    }
                                }
                            }
                        }
                    }
                }
                None => r.error(
                    at,
                    "an oauth2 security scheme must have required property 'flows'",
                ),
            }
            SchemeKind::OAuth2 { scopes }
        }
        "openIdConnect" => {
            let url = r
                .required_string(
                    obj,
                    "openIdConnectUrl",
                    at,
                    "an openIdConnect security scheme",
                )
                .unwrap_or_default();
            if !url.is_empty() {
                check_url(r, &child(at, "openIdConnectUrl"), "openIdConnectUrl", &url);
            }
            SchemeKind::OpenIdConnect { url }
        }
        "userPassword"
        | "X509"
        | "symmetricEncryption"
        | "asymmetricEncryption"
        | "plain"
        | "scramSha256"
        | "scramSha512"
        | "gssapi" => SchemeKind::Unsupported {
            description: ty.clone(),
        },
        other => {
            r.error(
                &child(at, "type"),
                format!("unknown security scheme type '{other}'"),
            );
            return None;
        }
    };
    let mut handlers = IndexMap::new();
    for (k, v) in obj {
        if let (Some(ext), Value::String(id)) = (k.strip_prefix("x-"), v)
            && (ext.ends_with("Func") || ext.ends_with("Handler") || ext.ends_with("handler"))
        {
            handlers.insert(ext.to_owned(), id.clone());
        }
    }
    Some(SecurityScheme {
        name: name.to_owned(),
        kind,
        description: r.string(obj, "description", at),
        handlers,
    })
}

/// A 2.x security requirement list (`[{scheme: [scopes]}]`), checked against the schemes.
pub(crate) fn requirements(
    r: &mut Reader<'_>,
    list: &[Value],
    at: &str,
    schemes: &IndexMap<String, SecurityScheme>,
) -> Vec<SecurityRequirement> {
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let item_at = format!("{at}/{i}");
        let Some(obj) = item.as_object() else {
            r.error(
                &item_at,
                format!(
                    "a security requirement must be an object, found {}",
                    kind(item)
                ),
            );
            continue;
        };
        let mut req = SecurityRequirement::default();
        for (name, scopes) in obj {
            let scope_at = child(&item_at, name);
            let Some(scheme) = schemes.get(name) else {
                r.error_rule(
                    security_rule(at),
                    &scope_at,
                    format!("security requirement names undefined security scheme '{name}'"),
                );
                continue;
            };
            let Some(list) = scopes.as_array() else {
                r.error(
                    &scope_at,
                    format!(
                        "the scopes of '{name}' must be an array, found {}",
                        kind(scopes)
                    ),
                );
                continue;
            };
            let scopes: Vec<String> = list
                .iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect();
            check_scopes(r, security_rule(at), &scope_at, scheme, &scopes);
            req.schemes.insert(name.clone(), scopes);
        }
        out.push(req);
    }
    out
}

/// Required scopes must be declared by an oauth2 flow (any order: the original compared them in
/// order by accident).
pub(crate) fn check_scopes(
    r: &mut Reader<'_>,
    rule: &'static str,
    at: &str,
    scheme: &SecurityScheme,
    scopes: &[String],
) {
    if let SchemeKind::OAuth2 { scopes: declared } = &scheme.kind {
        for s in scopes {
            if !declared.contains(s) {
                r.error_rule(
                    rule,
                    at,
                    format!(
                        "scope '{s}' is not declared by any flow of security scheme '{}'",
                        scheme.name
                    ),
                );
            }
        }
    }
}

/// The rule a security requirement at `at` is checked under: a 2.x server's is the reference's
/// `asyncapi2-server-security`, a channel's `x-security` is asynction's extension.
fn security_rule(at: &str) -> &'static str {
    if at.split('/').any(|t| t == "x-security") {
        rules::EXTENSIONS
    } else if at.starts_with("/servers/") {
        rules::SERVER_SECURITY_V2
    } else {
        rules::DOCUMENT
    }
}

/// `x-handlers` of a channel.
pub(crate) fn namespace_handlers(
    r: &mut Reader<'_>,
    channel: &Map<String, Value>,
    at: &str,
) -> NamespaceHandlers {
    let Some(h) = r.object(channel, "x-handlers", at) else {
        return NamespaceHandlers::default();
    };
    let hat = child(at, "x-handlers");
    NamespaceHandlers {
        connect: r.string(h, "connect", &hat),
        disconnect: r.string(h, "disconnect", &hat),
        error: r.string(h, "error", &hat),
    }
}

/// `bindings.ws` of a channel.
pub(crate) fn bindings(
    r: &mut Reader<'_>,
    channel: &Map<String, Value>,
    at: &str,
) -> HandshakeBindings {
    let Some(b) = r.object(channel, "bindings", at) else {
        return HandshakeBindings::default();
    };
    let bat = child(at, "bindings");
    let Some(ws) = r.object(b, "ws", &bat) else {
        return HandshakeBindings::default();
    };
    let wat = child(&bat, "ws");
    let method = r.string(ws, "method", &wat).map(|m| m.to_ascii_uppercase());
    if let Some(m) = &method
        && m != "GET"
        && m != "POST"
    {
        r.error(
            &child(&wat, "method"),
            format!("bindings.ws.method must be GET or POST, found '{m}'"),
        );
    }
    HandshakeBindings {
        query: r.schema(ws, "query", &wat),
        headers: r.schema(ws, "headers", &wat),
        method,
    }
}

/// A message object → an [`Event`] (without ack, which differs by version).
pub(crate) fn event(r: &mut Reader<'_>, message: &Value, at: &str) -> Option<Event> {
    let Some(m) = message.as_object() else {
        r.error(
            at,
            format!("a message must be an object, found {}", kind(message)),
        );
        return None;
    };
    let mut examples = Vec::new();
    if r.array(m, "examples", at).is_some() {
        examples = Example::read_all(m, at);
        // Known by where they are written (a message of `components` has one set of examples,
        // however often it is used).
        for example in &mut examples {
            example.pointer = r.written_pointer(&example.pointer);
        }
    }
    let ack = match r.object(m, "x-ack", at) {
        Some(ack) => {
            let ack_at = child(at, "x-ack");
            match ack.get("args") {
                Some(_) => r.argument_schema(ack, "args", &ack_at),
                // `x-ack` written as the schema itself (as sio-asyncapi does).
                None => r.argument_schema(m, "x-ack", at),
            }
        }
        None => None,
    };
    Some(Event {
        name: r
            .string(m, "name", at)
            .unwrap_or_else(|| "message".to_owned()),
        pointer: at.to_owned(),
        summary: r.string(m, "summary", at),
        description: r.string(m, "description", at),
        payload: r.argument_schema(m, "payload", at),
        ack,
        handler: r.string(m, "x-handler", at),
        headers: r.schema(m, "headers", at),
        examples,
    })
}

/// `x-security` of a channel: `None` when absent.
pub(crate) fn x_security(
    r: &mut Reader<'_>,
    channel: &Map<String, Value>,
    at: &str,
    schemes: &IndexMap<String, SecurityScheme>,
) -> Option<Vec<SecurityRequirement>> {
    let list = r.array(channel, "x-security", at)?;
    Some(requirements(r, list, &child(at, "x-security"), schemes))
}

/// A channel key as a namespace path: a missing leading `/` is added (the original registered
/// `chat` verbatim, which no client could ever reach).
pub(crate) fn namespace_path(key: &str) -> String {
    if key.starts_with('/') {
        key.to_owned()
    } else {
        format!("/{key}")
    }
}

/// The URLs an OAuth2 flow needs, by flow name (AsyncAPI 2.x and 3.0 spell them alike).
fn required_flow_urls(flow: &str) -> &'static [&'static str] {
    match flow {
        "implicit" => &["authorizationUrl"],
        "password" | "clientCredentials" => &["tokenUrl"],
        "authorizationCode" => &["authorizationUrl", "tokenUrl"],
        _ => &[],
    }
}

/// An OAuth2 flow has the URLs its kind needs, and each URL it gives is absolute (as AsyncAPI
/// and @asyncapi/parser require; the original Asynction accepted any string).
fn check_oauth2_flow(r: &mut Reader<'_>, at: &str, name: &str, flow: &Value) {
    let Some(flow) = flow.as_object() else {
        r.error(
            at,
            format!(
                "the oauth2 flow '{name}' must be an object, found {}",
                kind(flow)
            ),
        );
        return;
    };
    for &key in required_flow_urls(name) {
        if !flow.contains_key(key) {
            r.error(
                at,
                format!("the oauth2 flow '{name}' must have required property '{key}'"),
            );
        }
    }
    for key in ["authorizationUrl", "tokenUrl", "refreshUrl"] {
        match flow.get(key) {
            Some(Value::String(url)) => check_url(r, &child(at, key), key, url),
            Some(other) => r.error(
                &child(at, key),
                format!("'{key}' must be a URL string, found {}", kind(other)),
            ),
            None => {}
        }
    }
}

/// `url` is an absolute URL (`https://auth.example.com/token`).
fn check_url(r: &mut Reader<'_>, at: &str, key: &str, url: &str) {
    if url::Url::parse(url).is_err() {
        r.error(
            at,
            format!("'{key}' must be an absolute URL such as https://auth.example.com/token; found '{url}'"),
        );
    }
}

#[cfg(test)]
mod recovery_tests {
    use crate::Document;

    fn load(extension: &str) -> Result<Document, crate::SpecError> {
        Document::from_text(&format!(
            "asyncapi: 2.6.0\ninfo: {{title: T, version: '1'}}\nx-socketio-recovery: {extension}\nchannels: {{}}\n"
        ))
    }

    #[test]
    fn a_recovery_extension_is_read_and_every_mistake_in_it_is_located() {
        let doc = load("{maxDisconnectionDuration: 5000}").unwrap();
        assert_eq!(
            doc.api.recovery.unwrap().max_disconnection_duration_ms,
            5000
        );
        for (bad, says) in [
            (
                "{}",
                "must have required property 'maxDisconnectionDuration'",
            ),
            ("{maxDisconnectionDuration: 0}", "greater than 0, found 0"),
            (
                "{maxDisconnectionDuration: '2m'}",
                "greater than 0, found \"2m\"",
            ),
            (
                "{maxDisconnectionDuration: 1, maxDisconnection: 2}",
                "unknown key 'maxDisconnection'",
            ),
            ("true", "must be an object"),
        ] {
            let err = load(bad).expect_err(bad).to_string();
            assert!(err.contains(says), "{bad}: {err}");
            assert!(err.contains("x-socketio-recovery"), "{bad}: {err}");
        }
    }
}
