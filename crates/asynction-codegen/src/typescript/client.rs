//! Per-namespace event interfaces, connect options and the `connect` entry point of
//! `src/index.ts`.
//!
//! For a namespace `/chat` the module exports `ChatClientToServerEvents` (events the client
//! emits, acks typed as the callback's argument), `ChatServerToClientEvents` (events it
//! listens to), `ChatSocket` (`Socket<ChatServerToClientEvents, ChatClientToServerEvents>`),
//! `ChatConnectOptions` (`auth`, `query` and `extraHeaders` typed from the namespace's security
//! requirements and handshake bindings, required where the document requires them) and one
//! `connect` overload whose `namespace` parameter is the path literal (a template literal type
//! for dynamic namespaces such as `/tenant/{id}`).

use serde_json::Value;

use asynction_spec::Document;
use asynction_spec::model::{
    ArgumentList, Event, Namespace, SchemeKind, SecurityRequirement, Server,
};

use super::recovery;
use super::render::{self, RESERVED, property_key, string_literal, ts_type, tsdoc};
use super::runtime;
pub(crate) use super::shape::{Arguments, Client, EventInfo, NamespaceInfo};
use super::zod;
use crate::naming::pascal_case;
use crate::types::{Ty, Types, Warning};

/// Event names socket.io-client reserves: they can be neither emitted nor listened to as
/// ordinary events.
pub(crate) const RESERVED_EVENTS: &[&str] = &[
    "connect",
    "connect_error",
    "disconnect",
    "disconnecting",
    "newListener",
    "removeListener",
];

/// Fixed top-level identifiers of the generated module.
const FIXED: &[&str] = &[
    "Binary",
    "BaseConnectOptions",
    "SOCKET_IO_PATH",
    "INVALID_EVENT",
    "Violation",
    "InvalidPayloadError",
    "InvalidAckError",
    "InvalidMessage",
    "binarySchema",
    "isBinary",
    "ArgsCheck",
    "EventCheck",
    "NamespaceCheck",
    "NAMESPACES",
    "instrument",
    "checkArgs",
    "detached",
    "describe",
    "RawSocket",
    "joinUrl",
    "issuePath",
    "AnySocket",
    "ConnectOptions",
];

impl Client {
    /// Collects the types, namespaces and events of `doc`.
    pub(crate) fn build(
        doc: &Document,
        written: Option<&Value>,
        server: Option<&Server>,
        runtime_checks: bool,
    ) -> Client {
        let api = &doc.api;
        let mut reserved: Vec<&str> = RESERVED.to_vec();
        reserved.extend_from_slice(FIXED);
        let recovery = crate::recovery::declared(api);
        if recovery {
            reserved.extend_from_slice(recovery::FIXED);
        }
        let mut types = Types::new(&doc.resolved, written, &reserved).approximate_property(
            "__proto__",
            "a property named `__proto__` is typed, but zod does not check it at run time",
        );
        let mut warnings = Vec::new();
        let mut namespaces = Vec::new();
        let mut prefixes = Vec::new();
        // Namespace names first: they are fixed suffixes, schema names adapt around them.
        for ns in &api.namespaces {
            let base = pascal_case(&ns.path.replace(['{', '}'], " "), "Root");
            let prefix = types.names.claim_prefix(base, SUFFIXES);
            prefixes.push(prefix);
        }
        let invalid_event = if api
            .namespaces
            .iter()
            .any(|n| n.egress.iter().any(|e| e.name == "invalid"))
        {
            "asynction:invalid".to_owned()
        } else {
            "invalid".to_owned()
        };
        for (ns, prefix) in api.namespaces.iter().zip(&prefixes) {
            let security = ns
                .security
                .clone()
                .unwrap_or_else(|| server.map(|s| s.security.clone()).unwrap_or_default());
            let auth = auth_type(api, &security, ns, &mut warnings);
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
            let ingress = events(
                &mut types,
                &mut warnings,
                ns,
                &ns.ingress,
                prefix,
                "client → server",
            );
            let egress = events(
                &mut types,
                &mut warnings,
                ns,
                &ns.egress,
                prefix,
                "server → client",
            );
            namespaces.push(NamespaceInfo {
                path: ns.path.clone(),
                literal: namespace_literal(&ns.path, |param| {
                    ns.parameters.get(param).map(|s| &s.value)
                }),
                dynamic: ns.is_dynamic(),
                client_to_server: format!("{prefix}ClientToServerEvents"),
                server_to_client: format!("{prefix}ServerToClientEvents"),
                socket: format!("{prefix}Socket"),
                options: format!("{prefix}ConnectOptions"),
                auth,
                query,
                headers,
                ingress,
                egress,
                description: ns.description.clone(),
            });
        }
        types.break_direct_cycles();
        warnings.extend(types.warnings.iter().cloned());
        let uses_binary = types.defs.iter().any(|d| mentions_binary(&d.ty));
        Client {
            namespaces,
            defs: types.defs,
            warnings,
            socketio_path: server
                .map(|s| s.socketio_path.clone())
                .unwrap_or_else(|| "/socket.io".to_owned()),
            runtime_checks,
            recovery,
            invalid_event,
            title: api.info.title.clone(),
            version: api.info.version.clone(),
            uses_binary,
        }
    }

    /// The source of `src/index.ts`.
    pub(crate) fn index_ts(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "// Generated by `asynction generate typescript` from {} {}. Do not edit.\n\n",
            one_line(&self.title),
            one_line(&self.version)
        ));
        out.push_str("import { io } from \"socket.io-client\";\n");
        out.push_str(
            "import type { ManagerOptions, Socket, SocketOptions } from \"socket.io-client\";\n",
        );
        if self.runtime_checks {
            out.push_str("import { z } from \"zod\";\n");
        }
        out.push('\n');
        out.push_str(&format!(
            "/** The Socket.IO request path `connect` uses unless `options.path` says otherwise (from the document's server). */\nexport const SOCKET_IO_PATH = {};\n\n",
            string_literal(&self.socketio_path)
        ));
        if self.uses_binary {
            out.push_str("/** Binary data (`format: binary` in the document): what socket.io-client sends and receives as an attachment. */\nexport type Binary = ArrayBuffer | Blob | Uint8Array;\n\n");
        }
        out.push_str("// ---- Types of the document's payload, ack and handshake schemas ----\n\n");
        for def in &self.defs {
            out.push_str(&render::type_alias(def));
            out.push('\n');
        }
        if self.runtime_checks {
            out.push_str(&runtime::prelude(&self.invalid_event));
            if self.uses_binary {
                out.push_str(runtime::BINARY);
            }
            out.push_str("// ---- zod schemas: runtime checks of the types above ----\n\n");
            for def in &self.defs {
                out.push_str(&zod::schema_def(def));
                out.push('\n');
            }
        }
        if self.recovery {
            out.push_str(recovery::PRELUDE);
        }
        out.push_str("// ---- Namespaces ----\n\n");
        out.push_str("/** socket.io-client options, without the fields each namespace types itself. */\nexport type BaseConnectOptions = Omit<Partial<ManagerOptions & SocketOptions>, \"auth\" | \"query\" | \"extraHeaders\">;\n\n");
        for ns in &self.namespaces {
            out.push_str(&self.namespace_items(ns));
        }
        out.push_str(&self.connect());
        if self.runtime_checks {
            out.push_str(&runtime::table(self));
            out.push_str(runtime::INSTRUMENT);
        }
        out
    }

    fn namespace_items(&self, ns: &NamespaceInfo) -> String {
        let mut out = String::new();
        let about = match &ns.description {
            Some(d) => format!("\n\n{}", d.trim()),
            None => String::new(),
        };
        out.push_str(&tsdoc(
            &[format!(
                "Events clients send on `{}` (`socket.emit`).{about}",
                ns.path
            )],
            "",
        ));
        out.push_str(&format!("export interface {} {{\n", ns.client_to_server));
        for e in &ns.ingress {
            out.push_str(&tsdoc(&e.doc, "  "));
            out.push_str(&format!("  {}: {};\n", property_key(&e.name), e.signature));
        }
        out.push_str("}\n\n");
        out.push_str(&tsdoc(
            &[format!(
                "Events the server sends on `{}` (`socket.on`).",
                ns.path
            )],
            "",
        ));
        out.push_str(&format!("export interface {} {{\n", ns.server_to_client));
        for e in &ns.egress {
            out.push_str(&tsdoc(&e.doc, "  "));
            out.push_str(&format!("  {}: {};\n", property_key(&e.name), e.signature));
        }
        if self.recovery {
            out.push_str(recovery::LISTENER);
        }
        if self.runtime_checks {
            out.push_str(&format!(
                "  /** Not an event of the document: a server event or ack that broke the document, which no typed listener sees. */\n  {}: (message: InvalidMessage) => void;\n",
                property_key(&self.invalid_event)
            ));
        }
        out.push_str("}\n\n");
        out.push_str(&format!(
            "/** A socket connected to `{}`. */\nexport type {} = Socket<{}, {}>;\n\n",
            ns.path, ns.socket, ns.server_to_client, ns.client_to_server
        ));
        let mut fields = String::new();
        match &ns.auth {
            Some((ty, required)) => fields.push_str(&format!(
                "  /** Credentials sent in the CONNECT packet (the document's security requirements). */\n  auth{}: {ty};\n",
                if *required { "" } else { "?" }
            )),
            None => fields.push_str("  /** The CONNECT packet's `auth` payload (the document requires none). */\n  auth?: { [key: string]: unknown };\n"),
        }
        match &ns.query {
            Some((ty, required)) => fields.push_str(&format!(
                "  /** Query parameters of the handshake (`bindings.ws.query`). */\n  query{}: {ty};\n",
                if *required { "" } else { "?" }
            )),
            None => fields.push_str("  /** Query parameters of the handshake. */\n  query?: { [key: string]: string };\n"),
        }
        match &ns.headers {
            Some((ty, required)) => fields.push_str(&format!(
                "  /** Headers of the handshake (`bindings.ws.headers`; Node only, browsers cannot set them). */\n  extraHeaders{}: {ty};\n",
                if *required { "" } else { "?" }
            )),
            None => fields.push_str("  /** Headers of the handshake (Node only). */\n  extraHeaders?: { [header: string]: string };\n"),
        }
        out.push_str(&format!(
            "/** Options of `connect` for `{}`. */\nexport type {} = BaseConnectOptions & {{\n{fields}}};\n\n",
            ns.path, ns.options
        ));
        out
    }

    fn connect(&self) -> String {
        let mut out = String::new();
        let mut order: Vec<&NamespaceInfo> =
            self.namespaces.iter().filter(|n| !n.dynamic).collect();
        order.extend(self.namespaces.iter().filter(|n| n.dynamic));
        let doc = |ns: &NamespaceInfo| {
            let mut lines = vec![format!(
                "Connects to the namespace `{}` of the server at `baseUrl` (scheme, host and port, e.g. `http://localhost:3000`; a path there is ignored).",
                ns.path
            )];
            lines.push(String::new());
            lines.push("The Socket.IO path defaults to {@link SOCKET_IO_PATH}.".to_owned());
            if self.runtime_checks {
                lines.push("Emits are checked against the document before they are sent (an {@link InvalidPayloadError} is thrown); server events and acks that break the document go to the `".to_owned() + &self.invalid_event + "` listener only.");
            }
            if self.recovery {
                lines.extend(recovery::connect_doc());
            }
            lines
        };
        if order.is_empty() {
            out.push_str("/** The document has no namespaces: there is nothing to connect to. */\nexport function connect(baseUrl: string, namespace: never, options?: BaseConnectOptions): Socket;\n");
        }
        for ns in &order {
            out.push_str(&tsdoc(&doc(ns), ""));
            out.push_str(&format!(
                "export function connect(baseUrl: string, namespace: {}, options{}: {}): {};\n",
                ns.literal,
                if ns.options_required() { "" } else { "?" },
                ns.options,
                ns.socket
            ));
        }
        let mut check = String::from(if self.runtime_checks {
            "  instrument(socket, namespace);\n"
        } else {
            ""
        });
        // Recovery wraps the checks: offsets are removed before anything is checked.
        let (state, auth) = if self.recovery {
            check.push_str("  recover(socket, state);\n");
            (
                "  const state: RecoveryState = { pid: null, offset: null, live: false };\n",
                ", auth: recoveryAuth(state, options.auth)",
            )
        } else {
            ("", "")
        };
        out.push_str(&format!(
            "export function connect(\n  baseUrl: string,\n  namespace: string,\n  options: BaseConnectOptions & {{ auth?: object; query?: object; extraHeaders?: object }} = {{}},\n): Socket {{\n  // socket.io-client reads the namespace from the URL's path: keep only the origin.
  const url = new URL(baseUrl).origin + namespace;\n{state}  const socket = io(url, {{ path: SOCKET_IO_PATH, ...options{auth} }} as Partial<ManagerOptions & SocketOptions>);\n{check}  return socket;\n}}\n"
        ));
        out
    }

    /// One-line summary for the README: the events of every namespace.
    pub(crate) fn has_runtime_checks(&self) -> bool {
        self.runtime_checks
    }
}

const SUFFIXES: &[&str] = &[
    "ClientToServerEvents",
    "ServerToClientEvents",
    "Socket",
    "ConnectOptions",
];

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn has_required(schema: &Value) -> bool {
    schema
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| !r.is_empty())
}

fn mentions_binary(ty: &Ty) -> bool {
    match ty {
        Ty::Binary => true,
        Ty::Union(m) | Ty::Intersection(m) => m.iter().any(mentions_binary),
        Ty::Array { item, .. } => mentions_binary(item),
        Ty::Tuple { items, rest, .. } => {
            items.iter().any(mentions_binary) || rest.as_deref().is_some_and(mentions_binary)
        }
        Ty::Object {
            properties,
            additional,
        } => {
            properties.iter().any(|p| mentions_binary(&p.ty))
                || matches!(additional, crate::types::Additional::Typed(t) if mentions_binary(t))
        }
        _ => false,
    }
}

/// The TypeScript type of the `namespace` argument: a string literal, or a template literal
/// with a placeholder for each `{param}`: `${number}` for an integer or number parameter, the
/// values of a string `enum`, else `${string}` (`schema` gives a parameter's schema).
pub(crate) fn namespace_literal<'a>(
    path: &str,
    schema: impl Fn(&str) -> Option<&'a Value>,
) -> String {
    if !path.contains('{') {
        return string_literal(path);
    }
    let mut out = String::from("`");
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&escape_template(&rest[..start]));
        match rest[start..].find('}') {
            Some(end) => {
                let param = &rest[start + 1..start + end];
                out.push_str(&placeholder(schema(param)));
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&escape_template(&rest[start..]));
                rest = "";
            }
        }
    }
    out.push_str(&escape_template(rest));
    out.push('`');
    out
}

/// `${…}` for one path parameter.
fn placeholder(schema: Option<&Value>) -> String {
    let Some(m) = schema.and_then(Value::as_object) else {
        return "${string}".to_owned();
    };
    if let Some(values) = m.get("enum").and_then(Value::as_array)
        && !values.is_empty()
        && values.iter().all(|v| {
            v.as_str()
                .is_some_and(|s| !s.contains('/') && !s.is_empty())
        })
    {
        let literals: Vec<String> = values
            .iter()
            .filter_map(Value::as_str)
            .map(string_literal)
            .collect();
        return format!("${{{}}}", literals.join(" | "));
    }
    match m.get("type").and_then(Value::as_str) {
        Some("integer") | Some("number") => "${number}".to_owned(),
        _ => "${string}".to_owned(),
    }
}

fn escape_template(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('`', "\\`")
        .replace('$', "\\$")
}

fn events(
    types: &mut Types<'_>,
    warnings: &mut Vec<Warning>,
    ns: &Namespace,
    list: &[Event],
    prefix: &str,
    direction: &str,
) -> Vec<EventInfo> {
    let mut out: Vec<EventInfo> = Vec::new();
    for e in list {
        if RESERVED_EVENTS.contains(&e.name.as_str()) {
            warnings.push(Warning {
                pointer: e.pointer.clone(),
                message: format!(
                    "'{}' is reserved by socket.io-client and cannot be an event; it is left out of the client",
                    e.name
                ),
            });
            continue;
        }
        if out.iter().any(|o| o.name == e.name) {
            warnings.push(Warning {
                pointer: e.pointer.clone(),
                message: format!(
                    "a second message named '{}' on {} ({direction}); the client types the first",
                    e.name, ns.path
                ),
            });
            continue;
        }
        let ev = pascal_case(&e.name, "Message");
        let payload = e.payload.as_ref().map(|s| Arguments {
            type_name: types.top(
                &s.value,
                &s.pointer,
                &[format!("{ev}Payload"), format!("{prefix}{ev}Payload")],
                &[format!(
                    "Payload of `{}` ({direction}, `{}`).",
                    e.name, ns.path
                )],
            ),
            spread: s.arguments == ArgumentList::Spread,
        });
        let ack = e.ack.as_ref().map(|s| Arguments {
            type_name: types.top(
                &s.value,
                &s.pointer,
                &[format!("{ev}Ack"), format!("{prefix}{ev}Ack")],
                &[format!(
                    "Acknowledgement of `{}` ({direction}, `{}`).",
                    e.name, ns.path
                )],
            ),
            spread: s.arguments == ArgumentList::Spread,
        });
        let mut doc = Vec::new();
        if let Some(s) = &e.summary {
            doc.push(s.trim().to_owned());
        }
        if let Some(d) = &e.description {
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.push(d.trim().to_owned());
        }
        let before = warnings.len();
        let signature = signature(types, warnings, e, payload.as_ref(), ack.as_ref());
        for w in &warnings[before..] {
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.push(format!("Approximation: {}.", w.message));
        }
        out.push(EventInfo {
            name: e.name.clone(),
            payload,
            ack,
            doc,
            signature,
        });
    }
    out
}

/// The parameters a spread argument list expands to, or `None` when its type is no array.
fn spread_params(types: &Types<'_>, name: &str) -> Option<SpreadShape> {
    match types.unname(&Ty::Named(name.to_owned())) {
        Ty::Tuple {
            items,
            required,
            rest,
        } if *required == items.len() && rest.is_none() => Some(SpreadShape::Exact(
            items.iter().map(|t| ts_type(t, "  ")).collect(),
        )),
        Ty::Tuple { items, rest, .. } => {
            let mut all = items.clone();
            if let Some(r) = rest {
                all.push((**r).clone());
            }
            Some(SpreadShape::Open(crate::types::union(all)))
        }
        Ty::Array { item, .. } => Some(SpreadShape::Open((**item).clone())),
        _ => None,
    }
}

enum SpreadShape {
    /// Exactly these arguments.
    Exact(Vec<String>),
    /// Any number of arguments of this type.
    Open(Ty),
}

fn signature(
    types: &Types<'_>,
    warnings: &mut Vec<Warning>,
    e: &Event,
    payload: Option<&Arguments>,
    ack: Option<&Arguments>,
) -> String {
    let callback = ack.map(|a| {
        if a.spread {
            match spread_params(types, &a.type_name) {
                Some(_) => format!("(...response: {}) => void", a.type_name),
                None => {
                    warnings.push(Warning {
                        pointer: e.ack.as_ref().map(|s| s.pointer.clone()).unwrap_or_default(),
                        message: "a spread ack whose schema is not an array; the ack's arguments are `unknown[]`".to_owned(),
                    });
                    "(...response: unknown[]) => void".to_owned()
                }
            }
        } else {
            format!("(response: {}) => void", a.type_name)
        }
    });
    let params = match payload {
        None => match &callback {
            None => "...args: unknown[]".to_owned(),
            Some(cb) => format!("...args: [...unknown[], {cb}]"),
        },
        Some(p) if !p.spread => match &callback {
            None => format!("payload: {}", p.type_name),
            Some(cb) => format!("payload: {}, ack: {cb}", p.type_name),
        },
        Some(p) => match spread_params(types, &p.type_name) {
            Some(SpreadShape::Exact(items)) => {
                let mut params: Vec<String> = items
                    .iter()
                    .enumerate()
                    .map(|(i, t)| format!("arg{i}: {t}"))
                    .collect();
                if let Some(cb) = &callback {
                    params.push(format!("ack: {cb}"));
                }
                params.join(", ")
            }
            Some(SpreadShape::Open(item)) => match &callback {
                None => format!("...args: {}", p.type_name),
                Some(cb) => {
                    let item = ts_type(&item, "  ");
                    format!("...args: [...({item})[], {cb}]")
                }
            },
            None => {
                warnings.push(Warning {
                    pointer: e.payload.as_ref().map(|s| s.pointer.clone()).unwrap_or_default(),
                    message: "a spread payload (`x-socketio-args: spread`) whose schema is not an array; the arguments are `unknown[]`".to_owned(),
                });
                match &callback {
                    None => "...args: unknown[]".to_owned(),
                    Some(cb) => format!("...args: [...unknown[], {cb}]"),
                }
            }
        },
    };
    format!("({params}) => void")
}

/// The TypeScript type of the CONNECT `auth` payload for `requirements` (alternatives), and
/// whether it is required; `None` when no requirement needs it.
fn auth_type(
    api: &asynction_spec::Api,
    requirements: &[SecurityRequirement],
    ns: &Namespace,
    warnings: &mut Vec<Warning>,
) -> Option<(String, bool)> {
    if requirements.is_empty() {
        return None;
    }
    let mut optional = false;
    let mut alternatives: Vec<String> = Vec::new();
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
                | SchemeKind::OpenIdConnect { .. } => {
                    vec![("token".to_owned(), "bearer token")]
                }
                SchemeKind::HttpApiKey { name, .. } => vec![(name.clone(), "API key")],
                SchemeKind::ApiKey { location } => vec![(location.clone(), "API key")],
                _ => {
                    warnings.push(Warning {
                        pointer: ns.pointer.clone(),
                        message: format!(
                            "security scheme '{scheme_name}' has a kind the client cannot send; it is not typed"
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
        let body: Vec<String> = fields
            .iter()
            .map(|(n, what)| format!("/** {what} */ {}: string", property_key(n)))
            .collect();
        let alt = format!("{{ {} }}", body.join("; "));
        if !alternatives.contains(&alt) {
            alternatives.push(alt);
        }
    }
    if alternatives.is_empty() {
        return None;
    }
    Some((alternatives.join(" | "), !optional))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dynamic_namespaces_are_template_literals_typed_by_their_parameters() {
        let schemas =
            json!({"id": {"type": "integer"}, "region": {"type": "string", "enum": ["eu", "us"]}});
        let lookup = |p: &str| schemas.get(p);
        assert_eq!(namespace_literal("/chat", lookup), "\"/chat\"");
        assert_eq!(
            namespace_literal("/t/{id}/{region}/{other}", lookup),
            "`/t/${number}/${\"eu\" | \"us\"}/${string}`"
        );
        assert_eq!(namespace_literal("/a`$b/{x", lookup), "`/a\\`\\$b/{x`");
    }
}
