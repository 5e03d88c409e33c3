//! The live console of the docs page: per namespace a "Connect" form, per client-sent event a
//! "Send" form, and a log of what the server sends, each checked against the document.
//!
//! The page stays the no-JavaScript baseline: the console's markup is rendered on the server
//! inside `hidden` regions, and only the page's own scripts (`console/*.js`, served from the
//! docs path, never inline — the CSP allows `script-src 'self'` and nothing else) reveal and
//! drive it. The scripts read what they need from `{docs}/console.json`: the endpoint, per
//! namespace the credential and query fields, per event its schemas and argument rule, and the
//! resolved document (for `$ref`s that stay local: recursive schemas).
//!
//! Decisions:
//! - **Credentials go where a browser can put them.** A browser cannot set headers or cookies
//!   on a WebSocket handshake, so every credential travels in the Socket.IO CONNECT `auth`
//!   payload (`token`, `username`/`password`, `auth.<name>` for API keys), which asynction
//!   reads for every scheme; API keys the document puts in the query go in the query.
//!   Handshake *headers* of `bindings.ws` cannot be sent and the form says so.
//! - **In-page schema checks cover the keywords the page renders** (types, properties,
//!   required, additional properties, enums, const, ranges, lengths, patterns, items, tuples,
//!   combinators, local `$ref`s, a few formats); a schema that uses any other keyword is
//!   marked "checked in part" with the keywords named. The server stays the judge: "Send
//!   anyway" sends what the page refused, to show the server's refusal.
//! - **On for the mock, opt-in for a real server** ([`DocsOptions::console`]): a production
//!   API may not want a send button on its public docs.

use serde::Serialize;
use serde_json::{Value, json};

use super::DocsOptions;
use crate::model::{
    ApiKeyLocation, ArgumentList, Event, Namespace, SchemeKind, SecurityRequirement,
};
use crate::spec::Document;

/// The scripts of the console, in load order, by file name under `{docs}/console/`.
pub(crate) const SCRIPTS: [(&str, &str); 3] = [
    ("sio.js", include_str!("console/sio.js")),
    ("check.js", include_str!("console/check.js")),
    ("console.js", include_str!("console/console.js")),
];

/// Where the page finds the console's scripts and data.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ConsoleLinks {
    /// The scripts' URLs, in load order.
    pub scripts: Vec<String>,
    /// `console.json`.
    pub data: String,
}

impl ConsoleLinks {
    /// Absolute links under the served docs path.
    pub(super) fn served(options: &DocsOptions) -> Self {
        let docs = options.docs_path();
        Self {
            scripts: SCRIPTS
                .iter()
                .map(|(name, _)| format!("{docs}/console/{name}"))
                .collect(),
            data: format!("{docs}/console.json"),
        }
    }

    /// Relative links, for a static site written to a directory.
    pub(super) fn relative() -> Self {
        Self {
            scripts: SCRIPTS
                .iter()
                .map(|(name, _)| format!("console/{name}"))
                .collect(),
            data: "console.json".to_owned(),
        }
    }
}

/// One field of a namespace's "Connect" form.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct ConnectField {
    /// The name the value is sent under (an `auth` key or a query parameter).
    pub name: String,
    /// `auth` (the CONNECT payload) or `query` (the handshake URL).
    pub target: &'static str,
    /// `password` for secrets, `text` otherwise.
    pub input: &'static str,
    /// Pre-filled value (from the document's examples, defaults or enums).
    pub value: String,
    /// Whether the document requires it.
    pub required: bool,
    /// What the field is for.
    pub hint: String,
}

/// The console's part of a namespace section.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct NamespaceConsole {
    /// Accessible name of the region: `Console /support`.
    pub label: String,
    /// The namespace path (a pattern for dynamic namespaces).
    pub path: String,
    /// For dynamic namespaces, the concrete path pre-filled in the form.
    pub concrete_path: Option<String>,
    /// Credential and query fields.
    pub fields: Vec<ConnectField>,
    /// Header names the handshake bindings ask for (a browser cannot send them).
    pub headers: Vec<String>,
}

/// The console's part of a client-sent event.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct EventConsole {
    /// Pre-filled payload text (pretty JSON), empty when there is nothing to propose.
    pub payload: String,
    /// Whether the event has an ack (the form shows where it lands).
    pub ack: bool,
}

/// The Connect form of `ns`, given the security requirements that apply to it (`None`: none).
pub(crate) fn namespace_console(
    doc: &Document,
    ns: &Namespace,
    requirements: &[&SecurityRequirement],
) -> NamespaceConsole {
    let mut fields: Vec<ConnectField> = Vec::new();
    let mut push = |field: ConnectField| {
        if !fields
            .iter()
            .any(|f| f.name == field.name && f.target == field.target)
        {
            fields.push(field);
        }
    };
    let alternatives = requirements.len();
    for requirement in requirements {
        for scheme_name in requirement.schemes.keys() {
            let Some(scheme) = doc.api.security_schemes.get(scheme_name) else {
                continue;
            };
            let required = alternatives == 1;
            let via = |what: &str| format!("{what} for the security scheme '{scheme_name}'");
            match &scheme.kind {
                SchemeKind::HttpBasic => {
                    push(secret("username", "text", required, via("user name")));
                    push(secret("password", "password", required, via("password")));
                }
                SchemeKind::HttpBearer { .. }
                | SchemeKind::OAuth2 { .. }
                | SchemeKind::OpenIdConnect { .. } => {
                    push(secret("token", "password", required, via("token")));
                }
                SchemeKind::HttpApiKey { location, name } => match location {
                    ApiKeyLocation::Query => push(ConnectField {
                        name: name.clone(),
                        target: "query",
                        input: "password",
                        value: String::new(),
                        required,
                        hint: via("API key (query parameter)"),
                    }),
                    ApiKeyLocation::Header | ApiKeyLocation::Cookie => push(secret(
                        name,
                        "password",
                        required,
                        via(
                            "API key (sent in the CONNECT auth payload: a browser cannot set it on a WebSocket)",
                        ),
                    )),
                },
                SchemeKind::ApiKey { location } => {
                    push(secret(location, "password", required, via("API key")));
                }
                _ => {}
            }
        }
    }
    let mut headers = Vec::new();
    if let Some(query) = &ns.bindings.query {
        let required: Vec<&str> = query.value["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(properties) = query.value["properties"].as_object() {
            for (name, schema) in properties {
                push(ConnectField {
                    name: name.clone(),
                    target: "query",
                    input: "text",
                    value: prefill(schema),
                    required: required.contains(&name.as_str()),
                    hint: schema["description"]
                        .as_str()
                        .unwrap_or("query parameter of the handshake")
                        .to_owned(),
                });
            }
        }
    }
    if let Some(schema) = &ns.bindings.headers
        && let Some(properties) = schema.value["properties"].as_object()
    {
        headers = properties.keys().cloned().collect();
    }
    NamespaceConsole {
        label: format!("Console {}", ns.path),
        path: ns.path.clone(),
        concrete_path: ns.is_dynamic().then(|| concrete_path(ns)),
        fields,
        headers,
    }
}

fn secret(name: &str, input: &'static str, required: bool, hint: String) -> ConnectField {
    ConnectField {
        name: name.to_owned(),
        target: "auth",
        input,
        value: String::new(),
        required,
        hint,
    }
}

/// A first value for a query field: an example, the default, the constant or the first enum
/// value, as the text the URL would carry.
fn prefill(schema: &Value) -> String {
    let candidate = schema["examples"]
        .get(0)
        .or_else(|| schema.get("example"))
        .or_else(|| schema.get("default"))
        .or_else(|| schema.get("const"))
        .or_else(|| schema["enum"].get(0));
    match candidate {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A concrete path of a dynamic namespace: each `{param}` replaced by its example, else `1`.
fn concrete_path(ns: &Namespace) -> String {
    let mut path = ns.path.clone();
    for (name, schema) in &ns.parameters {
        let value = match prefill(&schema.value) {
            v if v.is_empty() => "1".to_owned(),
            v => v,
        };
        path = path.replace(&format!("{{{name}}}"), &value);
    }
    path
}

/// The console's part of a client-sent event, pre-filled with `example` (the document's or a
/// generated one).
pub(crate) fn event_console(ev: &Event, example: Option<&Value>) -> EventConsole {
    EventConsole {
        payload: example
            .map(|v| serde_json::to_string_pretty(v).unwrap_or_default())
            .unwrap_or_default(),
        ack: ev.ack.is_some(),
    }
}

/// `console.json`: what the scripts need to connect, check and send.
pub(crate) fn console_data(doc: &Document, options: &DocsOptions) -> Value {
    let event = |ev: &Event| {
        json!({
            "name": ev.name,
            "payload": ev.payload.as_ref().map(|s| &s.value),
            "spread": ev.payload.as_ref().is_some_and(|s| s.arguments == ArgumentList::Spread),
            "ack": ev.ack.as_ref().map(|s| &s.value),
            "ackSpread": ev.ack.as_ref().is_some_and(|s| s.arguments == ArgumentList::Spread),
        })
    };
    let namespaces: Vec<Value> = doc
        .api
        .namespaces
        .iter()
        .map(|ns| {
            json!({
                "path": ns.path,
                "dynamic": ns.is_dynamic(),
                "send": ns.ingress.iter().map(event).collect::<Vec<_>>(),
                "receive": ns.egress.iter().map(event).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "endpoint": {
            "url": options.console_url,
            "path": options.socketio_path,
        },
        "namespaces": namespaces,
        "document": &*doc.resolved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::from_text(text).expect("loads")
    }

    #[test]
    fn credentials_go_where_a_browser_can_put_them() {
        let d = doc(r#"
asyncapi: 2.6.0
info: { title: T, version: "1" }
servers:
  main: { url: "localhost", protocol: ws, security: [ { bearer: [] }, { key: [] } ] }
channels:
  /:
    bindings:
      ws:
        query: { type: object, required: [room], properties: { room: { type: string, examples: [lobby] }, limit: { type: integer, default: 10 } } }
        headers: { type: object, properties: { x-trace: { type: string } } }
    publish: { message: { name: ping, payload: { type: string } } }
components:
  securitySchemes:
    bearer: { type: http, scheme: bearer }
    key: { type: httpApiKey, in: header, name: x-api-key }
"#);
        let ns = &d.api.namespaces[0];
        let reqs: Vec<&SecurityRequirement> = d.api.servers[0].security.iter().collect();
        let console = namespace_console(&d, ns, &reqs);
        let names: Vec<(&str, &str, bool)> = console
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.target, f.required))
            .collect();
        assert_eq!(
            names,
            [
                ("token", "auth", false),
                ("x-api-key", "auth", false),
                ("room", "query", true),
                ("limit", "query", false),
            ]
        );
        assert_eq!(console.fields[2].value, "lobby");
        assert_eq!(console.fields[3].value, "10");
        assert_eq!(console.headers, ["x-trace"]);
        assert_eq!(console.label, "Console /");
    }

    #[test]
    fn dynamic_namespaces_get_a_concrete_path() {
        let d = doc(r#"
asyncapi: 2.6.0
info: { title: T, version: "1" }
channels:
  /tenant/{id}:
    parameters: { id: { schema: { type: string, examples: [acme] } } }
    publish: { message: { name: ping, payload: { type: string } } }
"#);
        let console = namespace_console(&d, &d.api.namespaces[0], &[]);
        assert_eq!(console.concrete_path.as_deref(), Some("/tenant/acme"));
        assert!(console.fields.is_empty());
    }
}
