//! `client.py`: per namespace an asyncio class (`SupportNamespace`) and a synchronous one
//! (`SupportNamespaceSync`), the handshake types, and `connect` / `connect_sync`.
//!
//! An event the client sends with an ack is a method that returns the typed ack
//! (`async def open_ticket(self, payload: OpenTicket, *, timeout=…) -> OpenTicketAck`); one
//! without an ack is `emit_…`; a server event is an `on_…` decorator. `connect` is overloaded
//! on the namespace path (`Literal["/support"]`), its `auth`, `query` and `headers` keyword
//! arguments typed from the namespace's security requirements and handshake bindings and
//! required where the document requires them; a dynamic namespace (`/tenant/{id}`) takes its
//! parameters as keyword arguments.

use serde_json::Value;

use asynction_spec::Document;
use asynction_spec::model::{
    ArgumentList, Event, Namespace, SchemeKind, SecurityRequirement, Server,
};

use super::models::Models;
use super::naming::{
    KEYWORDS, RESERVED_TYPES, class_name, docstring, function_name, string_literal,
};
use super::source;
use crate::naming::Names;
use crate::types::{Ty, Types, Warning};

/// Event names python-socketio reserves on a client namespace.
pub(super) const RESERVED_EVENTS: &[&str] =
    &["connect", "connect_error", "disconnect", "message", "*"];

/// Method and attribute names of the runtime's namespace classes.
const BASE_MEMBERS: &[&str] = &["path", "connected", "on_invalid", "open", "close", "wait"];

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
pub(super) struct Arguments {
    /// The named type of the schema.
    pub type_name: String,
    /// `x-socketio-args: spread`: the type is the whole argument list.
    pub spread: bool,
}

/// One event of a namespace.
#[derive(Debug, Clone)]
pub(super) struct EventInfo {
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
pub(super) struct NamespaceInfo {
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
    pub(super) fn arguments_required(&self) -> bool {
        !self.params.is_empty()
            || [&self.auth, &self.query, &self.headers]
                .iter()
                .any(|o| o.as_ref().is_some_and(|(_, r)| *r))
    }
}

/// Everything `client.py` and `models.py` hold, before rendering.
pub(super) struct Client {
    /// Namespaces in document order.
    pub namespaces: Vec<NamespaceInfo>,
    /// `models.py`.
    pub models: Models,
    /// Approximations made.
    pub warnings: Vec<Warning>,
    /// The default Socket.IO path.
    pub socketio_path: String,
    title: String,
    version: String,
}

impl Client {
    /// Collects the types, namespaces and events of `doc`.
    pub(super) fn build(
        doc: &Document,
        written: Option<&Value>,
        server: Option<&Server>,
    ) -> Client {
        let api = &doc.api;
        let mut reserved: Vec<&str> = KEYWORDS.to_vec();
        reserved.extend_from_slice(RESERVED_TYPES);
        let mut types = Types::new(&doc.resolved, written, &reserved);
        let mut warnings = Vec::new();
        let mut prefixes = Vec::new();
        // Namespace names first: they are fixed suffixes, schema names adapt around them.
        for ns in &api.namespaces {
            let base = class_name(&ns.path.replace(['{', '}'], " "), "Root");
            let prefix = (1..)
                .map(|n| {
                    if n == 1 {
                        base.clone()
                    } else {
                        format!("{base}{n}")
                    }
                })
                .find(|p| {
                    SUFFIXES
                        .iter()
                        .all(|s| types.names.is_free(&format!("{p}{s}")))
                })
                .unwrap_or(base);
            for s in SUFFIXES {
                types.names.claim(&[format!("{prefix}{s}")]);
            }
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
            let mut members = Names::with_reserved(BASE_MEMBERS);
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
            title: api.info.title.clone(),
            version: api.info.version.clone(),
        }
    }

    /// Every type name `client.py` uses from `models.py`.
    fn model_imports(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |n: &str| {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_owned());
            }
        };
        for ns in &self.namespaces {
            for (t, _) in [&ns.query, &ns.headers].into_iter().flatten() {
                add(t);
            }
            for e in ns.ingress.iter().chain(&ns.egress) {
                for a in [&e.payload, &e.ack].into_iter().flatten() {
                    add(&a.type_name);
                }
            }
        }
        out.sort();
        out
    }

    /// The source of `client.py`.
    pub(super) fn client_py(&self) -> String {
        let mut out = format!(
            "\"\"\"Typed Socket.IO client of {} {}.\n\nGenerated by `asynction generate python`; do not edit.\n\"\"\"\n\n",
            py_doc_text(&self.title),
            py_doc_text(&self.version)
        );
        let imports = self.model_imports();
        let mut body = String::new();
        body.push_str(&format!(
            "\nSOCKETIO_PATH = {}\n\"\"\"The Socket.IO request path `connect` uses unless `socketio_path=` says otherwise (from the document's server).\"\"\"\n\nDEFAULT_WAIT_TIMEOUT = 5.0\n\"\"\"Seconds `connect` waits for the namespace's CONNECT.\"\"\"\n\n",
            string_literal(&self.socketio_path)
        ));
        body.push_str("AnyArguments: TypeAlias = Tuple[JsonValue, ...]\n\"\"\"The arguments of a server event the document does not describe.\"\"\"\n\n");
        let mut auth = String::new();
        for ns in &self.namespaces {
            for (name, fields) in &ns.auth_dicts {
                let body: Vec<String> = fields
                    .iter()
                    .map(|(k, _)| format!("{}: str", string_literal(k)))
                    .collect();
                let what: Vec<String> = fields.iter().map(|(k, w)| format!("`{k}`: {w}")).collect();
                auth.push_str(&format!(
                    "{name} = TypedDict({}, {{{}}})\n\"\"\"Credentials of `{}` sent in the CONNECT packet ({}).\"\"\"\n\n",
                    string_literal(name),
                    body.join(", "),
                    ns.path.replace('\\', "\\\\").replace('"', "'"),
                    what.join(", ")
                ));
            }
            if let Some((name, _)) = &ns.auth
                && ns.auth_dicts.len() > 1
            {
                let members: Vec<&str> = ns.auth_dicts.iter().map(|(n, _)| n.as_str()).collect();
                auth.push_str(&format!(
                    "{name}: TypeAlias = Union[{}]\n\"\"\"Any of the security requirements of `{}`.\"\"\"\n\n",
                    members.join(", "),
                    ns.path.replace('\\', "\\\\").replace('"', "'")
                ));
            }
        }
        if !auth.is_empty() {
            body.push_str("# ---- Credentials ----\n\n");
            body.push_str(&auth);
        }
        body.push_str("# ---- Validators of every type sent or received ----\n\n");
        let mut adapters: Vec<String> = imports.clone();
        adapters.sort();
        for t in &adapters {
            body.push_str(&format!("_A_{t}: TypeAdapter[{t}] = TypeAdapter({t})\n"));
        }
        body.push_str("_A_AnyArguments: TypeAdapter[AnyArguments] = TypeAdapter(AnyArguments)\n\n");
        body.push_str("# ---- Namespaces ----\n\n");
        for ns in &self.namespaces {
            body.push_str(&self.namespace_class(ns, false));
            body.push_str("\n\n");
            body.push_str(&self.namespace_class(ns, true));
            body.push_str("\n\n");
        }
        if !self.namespaces.is_empty() {
            body.push_str(&self.connect(false));
            body.push_str("\n\n");
            body.push_str(&self.connect(true));
        }
        let models: Vec<&str> = imports.iter().map(String::as_str).collect();
        let table: [(&str, &[&str]); 5] = [
            (
                "typing",
                &[
                    "Awaitable",
                    "Callable",
                    "ClassVar",
                    "Literal",
                    "Mapping",
                    "Optional",
                    "Sequence",
                    "Tuple",
                    "Union",
                    "overload",
                ],
            ),
            ("pydantic", &["JsonValue", "TypeAdapter"]),
            ("typing_extensions", &["TypeAlias", "TypedDict"]),
            (
                "._runtime",
                &[
                    "DEFAULT_TIMEOUT",
                    "AsyncNamespace",
                    "SyncNamespace",
                    "Transport",
                    "as_arguments",
                    "check_outgoing",
                    "concrete_path",
                    "handshake",
                ],
            ),
            (".models", &models),
        ];
        out.push_str(&source::imports(&body, &table));
        out.push_str(&body);
        out.push_str("\n\n__all__ = [\n");
        for n in self.client_public_names() {
            out.push_str(&format!("    {},\n", string_literal(&n)));
        }
        out.push_str("]\n");
        out
    }

    /// The public names of `client.py`.
    pub(super) fn client_public_names(&self) -> Vec<String> {
        let mut out = vec![
            "AnyArguments".to_owned(),
            "DEFAULT_WAIT_TIMEOUT".to_owned(),
            "SOCKETIO_PATH".to_owned(),
        ];
        for ns in &self.namespaces {
            out.push(ns.class.clone());
            out.push(ns.sync_class.clone());
            for (n, _) in &ns.auth_dicts {
                out.push(n.clone());
            }
            if let Some((n, _)) = &ns.auth
                && ns.auth_dicts.len() > 1
            {
                out.push(n.clone());
            }
        }
        if !self.namespaces.is_empty() {
            out.push("connect".to_owned());
            out.push("connect_sync".to_owned());
        }
        out.sort();
        out
    }

    fn namespace_class(&self, ns: &NamespaceInfo, sync: bool) -> String {
        let (name, base, r#async, r#await) = if sync {
            (&ns.sync_class, "SyncNamespace", "", "")
        } else {
            (&ns.class, "AsyncNamespace", "async ", "await ")
        };
        let mut out = format!("class {name}({base}):\n");
        let mut doc = vec![format!(
            "The namespace `{}`{}.",
            ns.path,
            if sync {
                " (synchronous: python-socketio's `Client`)"
            } else {
                " (asyncio: python-socketio's `AsyncClient`)"
            }
        )];
        if let Some(d) = &ns.description {
            doc.push(String::new());
            doc.push(d.trim().to_owned());
        }
        doc.push(String::new());
        doc.push(format!(
            "Made by `{}(base_url, {}, …)`; register `on_…` handlers before entering it to see events sent right after CONNECT.",
            if sync { "connect_sync" } else { "connect" },
            string_literal(&ns.path)
        ));
        out.push_str(&docstring(&doc, "    "));
        if !ns.egress.is_empty() {
            let events: Vec<String> = ns
                .egress
                .iter()
                .map(|e| {
                    let (adapter, spread) = match &e.payload {
                        None => ("_A_AnyArguments".to_owned(), true),
                        Some(p) => (format!("_A_{}", p.type_name), p.spread),
                    };
                    format!(
                        "        {}: ({}, {adapter}.validate_python),\n",
                        string_literal(&e.name),
                        py_bool(spread)
                    )
                })
                .collect();
            out.push_str(&format!(
                "\n    _server_events: ClassVar[Mapping[str, Tuple[bool, Callable[[object], object]]]] = {{\n{}    }}\n",
                events.concat()
            ));
        }
        for e in &ns.ingress {
            out.push('\n');
            out.push_str(&emit_method(e, r#async, r#await));
        }
        for e in &ns.egress {
            out.push('\n');
            out.push_str(&on_method(e, sync));
        }
        out
    }

    fn connect(&self, sync: bool) -> String {
        let fn_name = if sync { "connect_sync" } else { "connect" };
        let mut out = String::new();
        let overloads = self.namespaces.len() > 1;
        for ns in &self.namespaces {
            let class = if sync { &ns.sync_class } else { &ns.class };
            let mut params = vec![
                "base_url: str".to_owned(),
                format!("namespace: Literal[{}]", string_literal(&ns.path)),
                "*".to_owned(),
            ];
            for (py, _, ty) in &ns.params {
                params.push(format!("{py}: {ty}"));
            }
            params.push(typed_arg("auth", ns.auth.as_ref(), "Mapping[str, str]"));
            params.push(typed_arg("query", ns.query.as_ref(), "Mapping[str, str]"));
            params.push(typed_arg(
                "headers",
                ns.headers.as_ref(),
                "Mapping[str, str]",
            ));
            params.extend(common_params());
            let signature = format!(
                "def {fn_name}(\n    {},\n) -> {class}:",
                params.join(",\n    ")
            );
            if overloads {
                out.push_str(&format!("@overload\n{signature} ...\n\n\n"));
            } else {
                out.push_str(&signature);
                out.push('\n');
                out.push_str(&connect_doc(sync));
                out.push_str(&connect_body(ns, sync, false));
            }
        }
        if overloads {
            let mut params = vec![
                "base_url: str".to_owned(),
                "namespace: str".to_owned(),
                "*".to_owned(),
                "auth: Optional[Mapping[str, object]] = None".to_owned(),
                "query: object = None".to_owned(),
                "headers: object = None".to_owned(),
            ];
            params.extend(common_params());
            params.push("**params: object".to_owned());
            let base = if sync {
                "SyncNamespace"
            } else {
                "AsyncNamespace"
            };
            out.push_str(&format!(
                "def {fn_name}(\n    {},\n) -> {base}:\n",
                params.join(",\n    ")
            ));
            out.push_str(&connect_doc(sync));
            for ns in &self.namespaces {
                out.push_str(&format!(
                    "    if namespace == {}:\n",
                    string_literal(&ns.path)
                ));
                let body = connect_body(ns, sync, true);
                for line in body.lines() {
                    out.push_str("    ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
            out.push_str(
                "    raise ValueError(f\"the document has no namespace {namespace!r}\")\n",
            );
        }
        out
    }
}

fn connect_doc(sync: bool) -> String {
    let lines = vec![
        format!(
            "A connection to `namespace` of the server at `base_url` (scheme, host and port); {}.",
            if sync {
                "use it as a context manager (`with connect_sync(...) as ns:`)"
            } else {
                "use it as an async context manager (`async with connect(...) as ns:`)"
            }
        ),
        String::new(),
        "`auth`, `query` and `headers` are checked against the document before anything is sent (`InvalidPayload`); a refused connection raises `Refused` with the server's code.".to_owned(),
    ];
    docstring(&lines, "    ")
}

/// The body that builds the namespace object (`dynamic_params`: read parameters from `params`).
fn connect_body(ns: &NamespaceInfo, sync: bool, from_params: bool) -> String {
    let class = if sync { &ns.sync_class } else { &ns.class };
    let path = if ns.params.is_empty() {
        string_literal(&ns.path)
    } else {
        let values: Vec<String> = ns
            .params
            .iter()
            .map(|(py, doc, _)| {
                if from_params {
                    format!(
                        "{}: params.get({})",
                        string_literal(doc),
                        string_literal(py)
                    )
                } else {
                    format!("{}: {py}", string_literal(doc))
                }
            })
            .collect();
        format!(
            "concrete_path({}, {{{}}})",
            string_literal(&ns.path),
            values.join(", ")
        )
    };
    let checked = |arg: &str, ty: Option<&(String, bool)>| match ty {
        // Typed as required: never `None`.
        Some((t, true)) if !from_params => format!(
            "check_outgoing({}, _A_{t}, {arg})",
            string_literal(&format!("{arg} of {}", ns.path))
        ),
        Some((t, _)) => format!(
            "check_outgoing({}, _A_{t}, {arg}) if {arg} is not None else None",
            string_literal(&format!("{arg} of {}", ns.path))
        ),
        None => arg.to_owned(),
    };
    format!(
        "    return {class}(\n        handshake(\n            base_url,\n            {path},\n            auth,\n            {},\n            {},\n            socketio_path,\n            transports,\n            wait_timeout,\n        )\n    )\n",
        checked("query", ns.query.as_ref()),
        checked("headers", ns.headers.as_ref()),
    )
}

fn common_params() -> Vec<String> {
    vec![
        "socketio_path: str = SOCKETIO_PATH".to_owned(),
        "transports: Optional[Sequence[Transport]] = None".to_owned(),
        "wait_timeout: float = DEFAULT_WAIT_TIMEOUT".to_owned(),
    ]
}

fn typed_arg(name: &str, ty: Option<&(String, bool)>, default_type: &str) -> String {
    match ty {
        Some((t, true)) => format!("{name}: {t}"),
        Some((t, false)) => format!("{name}: Optional[{t}] = None"),
        None => format!("{name}: Optional[{default_type}] = None"),
    }
}

fn emit_method(e: &EventInfo, r#async: &str, r#await: &str) -> String {
    let event = string_literal(&e.name);
    let (params, args) = match &e.payload {
        None => ("*args: JsonValue".to_owned(), "list(args)".to_owned()),
        Some(p) if p.spread => (
            format!("args: {}", p.type_name),
            format!(
                "as_arguments(check_outgoing({event}, _A_{}, args))",
                p.type_name
            ),
        ),
        Some(p) => (
            format!("payload: {}", p.type_name),
            format!("[check_outgoing({event}, _A_{}, payload)]", p.type_name),
        ),
    };
    let mut doc = e.doc.clone();
    if !doc.is_empty() {
        doc.push(String::new());
    }
    match &e.ack {
        Some(a) => {
            doc.push("Returns the server's ack. Raises `InvalidPayload` (nothing was sent), `Refused` (the server's error ack), `InvalidAck` or `AckTimeout`.".to_owned());
            let sep = if params.starts_with('*') { "" } else { "*, " };
            format!(
                "    {async}def {}(self, {params}, {sep}timeout: float = DEFAULT_TIMEOUT) -> {}:\n{}        return {await}self._call({event}, {args}, _A_{}, {}, timeout)\n",
                e.method,
                a.type_name,
                docstring(&doc, "        "),
                a.type_name,
                py_bool(a.spread),
                r#async = r#async,
                r#await = r#await,
            )
        }
        None => {
            doc.push(
                "Raises `InvalidPayload` when the value breaks the document (nothing is sent)."
                    .to_owned(),
            );
            format!(
                "    {async}def {}(self, {params}) -> None:\n{}        {await}self._emit({event}, {args})\n",
                e.method,
                docstring(&doc, "        "),
                r#async = r#async,
                r#await = r#await,
            )
        }
    }
}

fn on_method(e: &EventInfo, sync: bool) -> String {
    let event = string_literal(&e.name);
    let (arg_type, adapter, spread) = match &e.payload {
        None => (
            "AnyArguments".to_owned(),
            "_A_AnyArguments".to_owned(),
            true,
        ),
        Some(p) => (p.type_name.clone(), format!("_A_{}", p.type_name), p.spread),
    };
    let mut doc = e.doc.clone();
    if !doc.is_empty() {
        doc.push(String::new());
    }
    doc.push("Registers `handler` for this server event (a decorator). Values that break the document go to `on_invalid` handlers instead.".to_owned());
    let (handler, register) = match &e.ack {
        Some(a) => {
            let ret = if sync {
                a.type_name.clone()
            } else {
                format!("Union[Awaitable[{0}], {0}]", a.type_name)
            };
            (
                format!("Callable[[{arg_type}], {ret}]"),
                format!(
                    "self._on_with_ack({event}, {adapter}, {}, handler, _A_{}, {})",
                    py_bool(spread),
                    a.type_name,
                    py_bool(a.spread)
                ),
            )
        }
        None => {
            let ret = if sync {
                "None".to_owned()
            } else {
                "Union[Awaitable[None], None]".to_owned()
            };
            (
                format!("Callable[[{arg_type}], {ret}]"),
                format!("self._on({event}, {adapter}, {}, handler)", py_bool(spread)),
            )
        }
    };
    if e.ack.is_some() {
        doc.push(
            "Its return value is the ack, checked against the document before it is sent."
                .to_owned(),
        );
    }
    format!(
        "    def {}(self, handler: {handler}) -> {handler}:\n{}        {register}\n        return handler\n",
        e.method,
        docstring(&doc, "        "),
    )
}

fn py_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

const SUFFIXES: &[&str] = &["Namespace", "NamespaceSync", "Auth"];

fn py_doc_text(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\\', "\\\\")
        .replace("\"\"\"", "'''")
}

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
