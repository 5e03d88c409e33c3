//! What `client.py` is written from: the document's namespaces with their generated names,
//! handshake types (path parameters, `auth` from the security requirements, `query` and
//! `headers` from the bindings) and events with their payload and ack types.

use serde_json::Value;

use asynction_spec::Document;
use asynction_spec::model::{
    ArgumentList, Event, Namespace, SchemeKind, SecurityRequirement, Server,
};

use crate::naming::Names;
use crate::python::models::Models;
use crate::python::naming::{KEYWORDS, RESERVED_TYPES, class_name, function_name, string_literal};
use crate::types::{Ty, Types, Warning};

/// Event names python-socketio reserves on a client namespace.
pub(in crate::python) const RESERVED_EVENTS: &[&str] =
    &["connect", "connect_error", "disconnect", "message", "*"];

/// Method and attribute names of the runtime's namespace classes.
const BASE_MEMBERS: &[&str] = &["path", "connected", "on_invalid", "open", "close", "wait"];

/// Names `_recovery.py` adds, with recovery: top-level names and namespace members.
const RECOVERY_TYPES: &[&str] = &[
    "FrozenSet",
    "RECOVERY_EVENT",
    "RecoveringAsyncNamespace",
    "RecoveringSyncNamespace",
    "RecoveryHandler",
    "RecoverySession",
];
const RECOVERY_MEMBERS: &[&str] = &["recovered", "on_recovery"];

/// Keyword arguments of `connect` (a namespace parameter may not take them).
const CONNECT_ARGS: &[&str] = &[
    "base_url",
    "namespace",
    "auth",
    "query",
    "headers",
    "socketio_path",
    "transports",
    "wait_timeout",
    "params",
];

/// How an event's arguments are typed.
#[derive(Debug, Clone)]
pub(in crate::python) struct Arguments {
    /// The named type of the schema.
    pub type_name: String,
    /// `x-socketio-args: spread`: the type is the whole argument list.
    pub spread: bool,
}

/// One event of a namespace.
#[derive(Debug, Clone)]
pub(in crate::python) struct EventInfo {
    /// The Socket.IO event name.
    pub name: String,
    /// The method (`open_ticket`, `emit_ping`, `on_ticket_update`).
    pub method: String,
    /// The payload's type; `None` when the document accepts any arguments.
    pub payload: Option<Arguments>,
    /// The ack's type; `None` when the event is not acknowledged with data.
    pub ack: Option<Arguments>,
    /// Docstring lines.
    pub doc: Vec<String>,
}

/// One namespace's generated names and events.
#[derive(Debug, Clone)]
pub(in crate::python) struct NamespaceInfo {
    /// The path as in the document (`/tenant/{id}`).
    pub path: String,
    /// The asyncio class.
    pub class: String,
    /// The synchronous class.
    pub sync_class: String,
    /// Path parameters: (Python name, document name, Python type).
    pub params: Vec<(String, String, String)>,
    /// The `auth` type and whether it is required.
    pub auth: Option<(String, bool)>,
    /// `TypedDict`s of the auth alternatives: name and (key, what) fields.
    pub auth_dicts: Vec<(String, Vec<(String, &'static str)>)>,
    /// The `query` type and whether it is required.
    pub query: Option<(String, bool)>,
    /// The `headers` type and whether it is required.
    pub headers: Option<(String, bool)>,
    /// Events clients send.
    pub ingress: Vec<EventInfo>,
    /// Events the server sends.
    pub egress: Vec<EventInfo>,
    /// The channel's description.
    pub description: Option<String>,
}

impl NamespaceInfo {
    /// Whether `connect` needs keyword arguments for this namespace.
    pub(in crate::python) fn arguments_required(&self) -> bool {
        !self.params.is_empty()
            || [&self.auth, &self.query, &self.headers]
                .iter()
                .any(|o| o.as_ref().is_some_and(|(_, r)| *r))
    }
}

/// Everything `client.py` and `models.py` hold, before rendering.
pub(in crate::python) struct Client {
    /// Namespaces in document order.
    pub namespaces: Vec<NamespaceInfo>,
    /// `models.py`.
    pub models: Models,
    /// Approximations made.
    pub warnings: Vec<Warning>,
    /// The default Socket.IO path.
    pub socketio_path: String,
    /// Whether the namespace classes opt in to connection state recovery (the document
    /// declares it): they derive from `_recovery.py`'s classes.
    pub recovery: bool,
    pub(super) title: String,
    pub(super) version: String,
}

impl Client {
    /// Collects the types, namespaces and events of `doc`.
    pub(in crate::python) fn build(
        doc: &Document,
        written: Option<&Value>,
        server: Option<&Server>,
    ) -> Client {
        let api = &doc.api;
        let mut reserved: Vec<&str> = KEYWORDS.to_vec();
        reserved.extend_from_slice(RESERVED_TYPES);
        let recovery = crate::recovery::declared(api);
        if recovery {
            reserved.extend_from_slice(RECOVERY_TYPES);
        }
        let mut types = Types::new(&doc.resolved, written, &reserved);
        let mut warnings = Vec::new();
        let mut prefixes = Vec::new();
        // Namespace names first: they are fixed suffixes, schema names adapt around them.
        for ns in &api.namespaces {
            let base = class_name(&ns.path.replace(['{', '}'], " "), "Root");
            let prefix = types.names.claim_prefix(base, SUFFIXES);
            prefixes.push(prefix);
        }
        let mut namespaces = Vec::new();
        for (ns, prefix) in api.namespaces.iter().zip(&prefixes) {
            let security = ns
                .security
                .clone()
                .unwrap_or_else(|| server.map(|s| s.security.clone()).unwrap_or_default());
            let (auth, auth_dicts) =
                auth_type(api, &security, ns, prefix, &mut types.names, &mut warnings);
            let query = ns.bindings.query.as_ref().map(|q| {
                let name = types.top(
                    &q.value,
                    &q.pointer,
                    &[format!("{prefix}Query")],
                    &[format!(
                        "Query parameters of the handshake on `{}`.",
                        ns.path
                    )],
                );
                (name, has_required(&q.value))
            });
            let headers = ns.bindings.headers.as_ref().map(|h| {
                let name = types.top(
                    &h.value,
                    &h.pointer,
                    &[format!("{prefix}Headers")],
                    &[format!("Headers of the handshake on `{}`.", ns.path)],
                );
                (name, has_required(&h.value))
            });
            let mut members = if recovery {
                Names::with_reserved(&[BASE_MEMBERS, RECOVERY_MEMBERS].concat())
            } else {
                Names::with_reserved(BASE_MEMBERS)
            };
            let ingress = events(
                &mut types,
                &mut warnings,
                &mut members,
                ns,
                &ns.ingress,
                prefix,
                true,
            );
            let egress = events(
                &mut types,
                &mut warnings,
                &mut members,
                ns,
                &ns.egress,
                prefix,
                false,
            );
            let mut param_names = Names::with_reserved(CONNECT_ARGS);
            let params = path_params(&ns.path)
                .into_iter()
                .map(|p| {
                    let py = param_names.claim(&[function_name(&p, "param")]);
                    let ty = param_type(ns.parameters.get(&p).map(|s| &s.value));
                    (py, p, ty)
                })
                .collect();
            namespaces.push(NamespaceInfo {
                path: ns.path.clone(),
                class: format!("{prefix}Namespace"),
                sync_class: format!("{prefix}NamespaceSync"),
                params,
                auth,
                auth_dicts,
                query,
                headers,
                ingress,
                egress,
                description: ns.description.clone(),
            });
        }
        types.break_direct_cycles();
        // The model's warnings name no language.
        for w in &types.warnings {
            warnings.push(Warning {
                pointer: w.pointer.clone(),
                message: format!("Python: {}", w.message),
            });
        }
        let models = Models::build(
            &types.defs,
            &doc.resolved,
            &mut types.names,
            &api.info.title,
        );
        warnings.extend(models.warnings.iter().cloned());
        Client {
            namespaces,
            models,
            warnings,
            socketio_path: server
                .map(|s| s.socketio_path.clone())
                .unwrap_or_else(|| "/socket.io".to_owned()),
            recovery,
            title: api.info.title.clone(),
            version: api.info.version.clone(),
        }
    }
}
const SUFFIXES: &[&str] = &["Namespace", "NamespaceSync", "Auth"];

fn has_required(schema: &Value) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| !r.is_empty())
}

/// The `{param}` names of a namespace path, in order.
fn path_params(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + end];
        if !out.iter().any(|o| o == name) {
            out.push(name.to_owned());
        }
        rest = &rest[start + end + 1..];
    }
    out
}

/// A path parameter's Python type: a `Literal` of a string `enum`, `int`, `float`, else `str`.
fn param_type(schema: Option<&Value>) -> String {
    let Some(m) = schema.and_then(Value::as_object) else {
        return "str".to_owned();
    };
    if let Some(values) = m.get("enum").and_then(Value::as_array)
        && !values.is_empty()
        && values.iter().all(Value::is_string)
    {
        let literals: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(string_literal)
            .collect();
        return format!("Literal[{}]", literals.join(", "));
    }
    match m.get("type").and_then(Value::as_str) {
        Some("integer") => "int".to_owned(),
        Some("number") => "float".to_owned(),
        _ => "str".to_owned(),
    }
}

fn events(
    types: &mut Types<'_>,
    warnings: &mut Vec<Warning>,
    members: &mut Names,
    ns: &Namespace,
    list: &[Event],
    prefix: &str,
    ingress: bool,
) -> Vec<EventInfo> {
    let direction = if ingress {
        "client → server"
    } else {
        "server → client"
    };
    let mut out: Vec<EventInfo> = Vec::new();
    for e in list {
        if RESERVED_EVENTS.contains(&e.name.as_str()) {
            warnings.push(Warning {
                pointer: e.pointer.clone(),
                message: format!(
                    "Python: '{}' is reserved by python-socketio and cannot be an event; it is left out of the client",
                    e.name
                ),
            });
            continue;
        }
        if out.iter().any(|o| o.name == e.name) {
            warnings.push(Warning {
                pointer: e.pointer.clone(),
                message: format!(
                    "Python: a second message named '{}' on {} ({direction}); the client types the first",
                    e.name, ns.path
                ),
            });
            continue;
        }
        let ev = class_name(&e.name, "Message");
        let mut arguments = |s: &asynction_spec::model::Schema, what: &str, doc: String| {
            let type_name = types.top(
                &s.value,
                &s.pointer,
                &[format!("{ev}{what}"), format!("{prefix}{ev}{what}")],
                &[doc],
            );
            let mut spread = s.arguments == ArgumentList::Spread;
            if spread && !is_array(types, &type_name) {
                warnings.push(Warning {
                    pointer: s.pointer.clone(),
                    message: format!(
                        "Python: a spread {} (`x-socketio-args: spread`) whose schema is not an array; it is typed as one argument",
                        what.to_ascii_lowercase()
                    ),
                });
                spread = false;
            }
            Arguments { type_name, spread }
        };
        let payload = e.payload.as_ref().map(|s| {
            arguments(
                s,
                "Payload",
                format!("Payload of `{}` ({direction}, `{}`).", e.name, ns.path),
            )
        });
        let ack = e.ack.as_ref().map(|s| {
            arguments(
                s,
                "Ack",
                format!(
                    "Acknowledgement of `{}` ({direction}, `{}`).",
                    e.name, ns.path
                ),
            )
        });
        let base = function_name(&e.name, "event");
        let candidates = if !ingress {
            vec![format!("on_{base}")]
        } else if ack.is_some() {
            vec![base.clone(), format!("call_{base}")]
        } else {
            vec![format!("emit_{base}")]
        };
        let method = members.claim(&candidates);
        let mut doc = Vec::new();
        doc.push(format!(
            "`{}`{}",
            e.name.replace('`', "'"),
            match &e.summary {
                Some(s) => format!(": {}", s.trim()),
                None => String::new(),
            }
        ));
        if let Some(d) = &e.description {
            doc.push(String::new());
            doc.push(d.trim().to_owned());
        }
        out.push(EventInfo {
            name: e.name.clone(),
            method,
            payload,
            ack,
            doc,
        });
    }
    out
}

fn is_array(types: &Types<'_>, name: &str) -> bool {
    matches!(
        types.unname(&Ty::Named(name.to_owned())),
        Ty::Tuple { .. } | Ty::Array { .. }
    )
}

/// The `auth` type of `requirements` (alternatives) and whether it is required, with the
/// `TypedDict`s it is made of; `None` when no requirement needs it.
#[allow(clippy::type_complexity)]
fn auth_type(
    api: &asynction_spec::Api,
    requirements: &[SecurityRequirement],
    ns: &Namespace,
    prefix: &str,
    names: &mut Names,
    warnings: &mut Vec<Warning>,
) -> (
    Option<(String, bool)>,
    Vec<(String, Vec<(String, &'static str)>)>,
) {
    if requirements.is_empty() {
        return (None, Vec::new());
    }
    let mut optional = false;
    let mut alternatives: Vec<Vec<(String, &'static str)>> = Vec::new();
    for req in requirements {
        let mut fields: Vec<(String, &'static str)> = Vec::new();
        for scheme_name in req.schemes.keys() {
            let Some(scheme) = api.security_schemes.get(scheme_name) else {
                continue;
            };
            let add: Vec<(String, &'static str)> = match &scheme.kind {
                SchemeKind::HttpBasic => vec![
                    ("username".to_owned(), "HTTP basic user name"),
                    ("password".to_owned(), "HTTP basic password"),
                ],
                SchemeKind::HttpBearer { .. }
                | SchemeKind::OAuth2 { .. }
                | SchemeKind::OpenIdConnect { .. } => vec![("token".to_owned(), "bearer token")],
                SchemeKind::HttpApiKey { name, .. } => vec![(name.clone(), "API key")],
                SchemeKind::ApiKey { location } => vec![(location.clone(), "API key")],
                _ => {
                    warnings.push(Warning {
                        pointer: ns.pointer.clone(),
                        message: format!(
                            "Python: security scheme '{scheme_name}' has a kind the client cannot send; it is not typed"
                        ),
                    });
                    Vec::new()
                }
            };
            for f in add {
                if !fields.iter().any(|(n, _)| *n == f.0) {
                    fields.push(f);
                }
            }
        }
        if fields.is_empty() {
            optional = true;
            continue;
        }
        if !alternatives.contains(&fields) {
            alternatives.push(fields);
        }
    }
    if alternatives.is_empty() {
        return (None, Vec::new());
    }
    let alias = format!("{prefix}Auth");
    let dicts: Vec<(String, Vec<(String, &'static str)>)> = if alternatives.len() == 1 {
        vec![(alias.clone(), alternatives.remove(0))]
    } else {
        alternatives
            .into_iter()
            .enumerate()
            .map(|(i, f)| (names.claim(&[format!("{prefix}Auth{}", i + 1)]), f))
            .collect()
    };
    (Some((alias, !optional)), dicts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn path_parameters_and_their_types() {
        assert_eq!(path_params("/t/{id}/{region}/{id}"), ["id", "region"]);
        assert_eq!(param_type(Some(&json!({"type": "integer"}))), "int");
        assert_eq!(
            param_type(Some(&json!({"enum": ["eu", "us"]}))),
            "Literal[\"eu\", \"us\"]"
        );
        assert_eq!(param_type(None), "str");
    }
}
