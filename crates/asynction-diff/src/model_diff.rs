//! The model walk: namespaces, events, argument lists, acks, handshake, security, servers.

use std::collections::BTreeSet;

use asynction_spec::Document;
use asynction_spec::model::{
    ApiKeyLocation, Event, Namespace, Schema, SchemeKind, SecurityRequirement, Server,
};
use serde_json::{Value, json};

use crate::schema::{self, Finding, Tri};
use crate::{Change, ChangeKind, Place, Severity};

/// Who sends a value, so who must cope with a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// Clients send it, the server receives it: it may only widen.
    ClientSent,
    /// The server sends it, clients receive it: it may only narrow.
    ServerSent,
}

impl Flow {
    fn reverse(self) -> Flow {
        match self {
            Flow::ClientSent => Flow::ServerSent,
            Flow::ServerSent => Flow::ClientSent,
        }
    }
}

/// The severity of a change that narrows/widens what `flow` carries; `None` for no change.
fn judge(narrows: Tri, widens: Tri, flow: Flow) -> Option<Severity> {
    let (bad, good) = match flow {
        Flow::ClientSent => (narrows, widens),
        Flow::ServerSent => (widens, narrows),
    };
    match (bad, good) {
        (Tri::Yes, _) => Some(Severity::Breaking),
        (Tri::Maybe, _) => Some(Severity::Warning),
        (Tri::No, Tri::No) => None,
        (Tri::No, _) => Some(Severity::Info),
    }
}

fn schema_kind(narrows: Tri, widens: Tri, severity: Severity) -> ChangeKind {
    match (narrows, widens) {
        _ if severity == Severity::Warning => ChangeKind::SchemaUnproven,
        (Tri::Yes, Tri::Yes) => ChangeKind::SchemaChanged,
        (Tri::Yes, _) => ChangeKind::SchemaNarrowed,
        (_, Tri::Yes) => ChangeKind::SchemaWidened,
        _ => ChangeKind::SchemaUnproven,
    }
}

/// One sentence on who a schema change affects.
fn affected(who: &str, flow: Flow, severity: Severity) -> String {
    match (severity, flow) {
        (Severity::Breaking, Flow::ClientSent) => {
            format!("{who} with values the old document accepted are now refused.")
        }
        (Severity::Breaking, Flow::ServerSent) => {
            format!("{who} may now receive values the old document did not allow.")
        }
        (Severity::Warning, Flow::ClientSent) => {
            format!(
                "{who} may now be refused: the change could not be proven compatible; check it by hand."
            )
        }
        (Severity::Warning, Flow::ServerSent) => format!(
            "{who} may now receive values the old document did not allow: the change could not be proven compatible; check it by hand."
        ),
        (Severity::Info, Flow::ClientSent) => {
            "No existing client is affected: the server accepts what it accepted before.".to_owned()
        }
        (Severity::Info, Flow::ServerSent) => {
            "No existing client is affected: the server sends only what it could send before."
                .to_owned()
        }
    }
}

pub(crate) struct Differ<'a> {
    old: &'a Document,
    new: &'a Document,
    old_label: &'a str,
    new_label: &'a str,
    out: Vec<Change>,
}

/// The namespace and event a change is about.
#[derive(Clone, Copy)]
struct Subject<'a> {
    ns: Option<&'a str>,
    ev: Option<&'a str>,
}

impl<'a> Differ<'a> {
    pub(crate) fn new(
        old: &'a Document,
        old_label: &'a str,
        new: &'a Document,
        new_label: &'a str,
    ) -> Self {
        Self {
            old,
            new,
            old_label,
            new_label,
            out: Vec::new(),
        }
    }

    fn place(doc: &Document, label: &str, pointer: &str) -> Place {
        let d = doc.diagnostic(pointer, "");
        Place {
            pointer: pointer.to_owned(),
            file: label.to_owned(),
            line: d.location.line,
            column: d.location.column,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: ChangeKind,
        severity: Severity,
        at: Subject<'_>,
        message: String,
        affected: String,
        old_ptr: Option<&str>,
        new_ptr: Option<&str>,
    ) {
        let old = old_ptr.map(|p| Self::place(self.old, self.old_label, p));
        let new = new_ptr.map(|p| Self::place(self.new, self.new_label, p));
        self.out.push(Change {
            kind,
            severity,
            namespace: at.ns.map(str::to_owned),
            event: at.ev.map(str::to_owned),
            message,
            affected,
            old,
            new,
        });
    }

    pub(crate) fn run(mut self) -> Vec<Change> {
        let (old_api, new_api) = (self.old.api.clone(), self.new.api.clone());
        for o in &old_api.namespaces {
            match new_api.namespace(&o.path) {
                Some(n) => self.namespace(o, n),
                None => self.push(
                    ChangeKind::NamespaceRemoved,
                    Severity::Breaking,
                    Subject {
                        ns: Some(&o.path),
                        ev: None,
                    },
                    format!("namespace {} removed", o.path),
                    format!(
                        "Clients connecting to {} are refused (and lose every event of it).",
                        o.path
                    ),
                    Some(&o.pointer),
                    Some("/channels"),
                ),
            }
        }
        for n in &new_api.namespaces {
            if old_api.namespace(&n.path).is_none() {
                self.push(
                    ChangeKind::NamespaceAdded,
                    Severity::Info,
                    Subject {
                        ns: Some(&n.path),
                        ev: None,
                    },
                    format!("namespace {} added", n.path),
                    "No existing client is affected.".to_owned(),
                    Some("/channels"),
                    Some(&n.pointer),
                );
            }
        }
        self.servers(&old_api.servers, &new_api.servers);
        self.schemes();
        self.out
    }

    fn namespace(&mut self, o: &Namespace, n: &Namespace) {
        let at = Subject {
            ns: Some(&o.path),
            ev: None,
        };
        for (what, a, b) in [
            ("connect", &o.handlers.connect, &n.handlers.connect),
            ("disconnect", &o.handlers.disconnect, &n.handlers.disconnect),
            ("error", &o.handlers.error, &n.handlers.error),
        ] {
            if a != b {
                self.push(
                    ChangeKind::HandlerChanged,
                    Severity::Info,
                    at,
                    format!(
                        "x-handlers.{what} changed from {} to {}",
                        show_opt(a),
                        show_opt(b)
                    ),
                    "No client is affected: handlers are server-side.".to_owned(),
                    Some(&format!("{}/x-handlers", o.pointer)),
                    Some(&format!("{}/x-handlers", n.pointer)),
                );
            }
        }
        self.handshake(o, n);
        self.security(o, n);
        // Events: client-sent may only widen, server-sent may only narrow.
        for (flow, olds, news) in [
            (Flow::ClientSent, &o.ingress, &n.ingress),
            (Flow::ServerSent, &o.egress, &n.egress),
        ] {
            let names = |evs: &[Event]| -> Vec<String> {
                let mut seen = BTreeSet::new();
                evs.iter()
                    .filter(|e| seen.insert(e.name.clone()))
                    .map(|e| e.name.clone())
                    .collect()
            };
            for name in names(olds) {
                let oe = olds.iter().find(|e| e.name == name).expect("listed");
                let ev = Subject {
                    ns: Some(&o.path),
                    ev: Some(&name),
                };
                match news.iter().find(|e| e.name == name) {
                    Some(ne) => self.event(ev, oe, ne, flow),
                    None => {
                        let (severity, affected) = match flow {
                            Flow::ClientSent => (
                                Severity::Breaking,
                                format!(
                                    "Clients that emit '{name}' on {} are answered with unknown_event.",
                                    o.path
                                ),
                            ),
                            Flow::ServerSent => (
                                Severity::Warning,
                                format!(
                                    "Clients listening for '{name}' on {} no longer receive it.",
                                    o.path
                                ),
                            ),
                        };
                        self.push(
                            ChangeKind::EventRemoved,
                            severity,
                            ev,
                            format!("{} event '{name}' removed", flow_word(flow)),
                            affected,
                            Some(&oe.pointer),
                            Some(&n.pointer),
                        );
                    }
                }
            }
            for name in names(news) {
                if !olds.iter().any(|e| e.name == name) {
                    let ne = news.iter().find(|e| e.name == name).expect("listed");
                    self.push(
                        ChangeKind::EventAdded,
                        Severity::Info,
                        Subject {
                            ns: Some(&n.path),
                            ev: Some(&name),
                        },
                        format!("{} event '{name}' added", flow_word(flow)),
                        "No existing client is affected.".to_owned(),
                        Some(&o.pointer),
                        Some(&ne.pointer),
                    );
                }
            }
        }
    }

    fn event(&mut self, at: Subject<'_>, o: &Event, n: &Event, flow: Flow) {
        let (ns, name) = (at.ns.unwrap_or_default(), at.ev.unwrap_or_default());
        if o.handler != n.handler {
            self.push(
                ChangeKind::HandlerChanged,
                Severity::Info,
                at,
                format!(
                    "x-handler changed from {} to {}",
                    show_opt(&o.handler),
                    show_opt(&n.handler)
                ),
                "No client is affected: handlers are server-side.".to_owned(),
                Some(&o.pointer),
                Some(&n.pointer),
            );
        }
        let who = match flow {
            Flow::ClientSent => format!("Clients that emit '{name}' on {ns}"),
            Flow::ServerSent => format!("Clients listening for '{name}' on {ns}"),
        };
        self.slot(
            at,
            "payload",
            o.payload.as_ref(),
            n.payload.as_ref(),
            (&o.pointer, &n.pointer),
            flow,
            &who,
        );
        // The ack travels the other way.
        let ack_flow = flow.reverse();
        match (&o.ack, &n.ack) {
            (None, None) => {}
            (Some(a), None) => {
                let (severity, affected) = match flow {
                    Flow::ClientSent => (
                        Severity::Breaking,
                        format!(
                            "Clients that emit '{name}' on {ns} and wait for its ack get none."
                        ),
                    ),
                    Flow::ServerSent => (
                        Severity::Info,
                        "No existing client is affected: acks clients send are ignored.".to_owned(),
                    ),
                };
                self.push(
                    ChangeKind::AckRemoved,
                    severity,
                    at,
                    "ack removed".to_owned(),
                    affected,
                    Some(&a.pointer),
                    Some(&n.pointer),
                );
            }
            (None, Some(b)) => {
                let (severity, affected) = match flow {
                    Flow::ClientSent => (
                        Severity::Info,
                        "No existing client is affected: clients that do not wait for the ack ignore it.".to_owned(),
                    ),
                    Flow::ServerSent => (
                        Severity::Warning,
                        format!("Clients listening for '{name}' on {ns} do not acknowledge it: the server waits for an ack they never send."),
                    ),
                };
                self.push(
                    ChangeKind::AckAdded,
                    severity,
                    at,
                    "ack added".to_owned(),
                    affected,
                    Some(&o.pointer),
                    Some(&b.pointer),
                );
            }
            (Some(a), Some(b)) => {
                let who = match ack_flow {
                    Flow::ServerSent => format!("Clients reading the ack of '{name}' on {ns}"),
                    Flow::ClientSent => format!("Clients acknowledging '{name}' on {ns}"),
                };
                self.slot(
                    at,
                    "ack",
                    Some(a),
                    Some(b),
                    (&a.pointer, &b.pointer),
                    ack_flow,
                    &who,
                );
            }
        }
    }

    /// A payload or ack: its argument rule and its schema.
    #[allow(clippy::too_many_arguments)]
    fn slot(
        &mut self,
        at: Subject<'_>,
        what: &str,
        o: Option<&Schema>,
        n: Option<&Schema>,
        (op, np): (&str, &str),
        flow: Flow,
        who: &str,
    ) {
        match (o, n) {
            (None, None) => {}
            (None, Some(b)) => {
                let severity = judge(Tri::Yes, Tri::No, flow).expect("a change");
                self.push(
                    ChangeKind::ArgumentsChanged,
                    severity,
                    at,
                    format!(
                        "{what} schema added: any arguments before, now {} checked",
                        args_word(b)
                    ),
                    affected(who, flow, severity),
                    Some(op),
                    Some(&b.pointer),
                );
            }
            (Some(a), None) => {
                let severity = judge(Tri::No, Tri::Yes, flow).expect("a change");
                self.push(
                    ChangeKind::ArgumentsChanged,
                    severity,
                    at,
                    format!("{what} schema removed: any arguments now accepted"),
                    affected(who, flow, severity),
                    Some(&a.pointer),
                    Some(np),
                );
            }
            (Some(a), Some(b)) => {
                if a.arguments != b.arguments {
                    self.push(
                        ChangeKind::ArgumentsChanged,
                        Severity::Breaking,
                        at,
                        format!("{what} x-socketio-args changed from {} to {}", args_word(a), args_word(b)),
                        format!("{who} exchange argument lists of a different shape: every existing client is affected."),
                        Some(&a.pointer),
                        Some(&b.pointer),
                    );
                }
                let findings = schema::compare(
                    &a.value,
                    &b.value,
                    &self.old.resolved,
                    &self.new.resolved,
                    &a.pointer,
                    &b.pointer,
                    what,
                );
                self.findings(at, findings, flow, who);
            }
        }
    }

    fn findings(&mut self, at: Subject<'_>, findings: Vec<Finding>, flow: Flow, who: &str) {
        for f in findings {
            let Some(severity) = judge(f.narrows, f.widens, flow) else {
                continue;
            };
            let kind = schema_kind(f.narrows, f.widens, severity);
            let message = if severity == Severity::Warning && !f.message.contains("could not") {
                format!("could not prove compatible: {}", f.message)
            } else {
                f.message
            };
            self.push(
                kind,
                severity,
                at,
                message,
                affected(who, flow, severity),
                Some(&f.old_ptr),
                Some(&f.new_ptr),
            );
        }
    }

    /// `bindings.ws` query/headers (client-sent: may only widen), method; channel parameters.
    fn handshake(&mut self, o: &Namespace, n: &Namespace) {
        let at = Subject {
            ns: Some(&o.path),
            ev: None,
        };
        let who = format!("Clients connecting to {}", o.path);
        let any_object = json!({"type": "object"});
        for (what, a, b) in [
            ("query", &o.bindings.query, &n.bindings.query),
            ("headers", &o.bindings.headers, &n.bindings.headers),
        ] {
            let a_ptr = a
                .as_ref()
                .map_or_else(|| o.pointer.clone(), |s| s.pointer.clone());
            let b_ptr = b
                .as_ref()
                .map_or_else(|| n.pointer.clone(), |s| s.pointer.clone());
            let value = |s: &Option<Schema>| {
                let v = s.as_ref().map_or(&any_object, |s| &s.value);
                // Header names are compared case-insensitively by the server.
                let mut v = if what == "headers" {
                    lowercase_names(v)
                } else {
                    v.clone()
                };
                // Handshake values arrive as strings (coerced only to declared types): an
                // undeclared parameter is a string, not any value.
                if let Some(m) = v.as_object_mut() {
                    m.entry("additionalProperties")
                        .or_insert_with(|| json!({"type": "string"}));
                }
                v
            };
            let (av, bv) = (value(a), value(b));
            let findings = schema::compare(
                &av,
                &bv,
                &self.old.resolved,
                &self.new.resolved,
                &a_ptr,
                &b_ptr,
                what,
            );
            self.findings(at, findings, Flow::ClientSent, &who);
        }
        if o.bindings.method != n.bindings.method {
            let severity = if n.bindings.method.is_none() {
                Severity::Info
            } else {
                Severity::Breaking
            };
            self.push(
                ChangeKind::HandshakeMethodChanged,
                severity,
                at,
                format!(
                    "handshake method changed from {} to {}",
                    show_opt(&o.bindings.method),
                    show_opt(&n.bindings.method)
                ),
                if severity == Severity::Breaking {
                    format!("{who} with another method are refused.")
                } else {
                    "No existing client is affected: any method is accepted.".to_owned()
                },
                Some(&o.pointer),
                Some(&n.pointer),
            );
        }
        let names: indexmap::IndexSet<&String> =
            o.parameters.keys().chain(n.parameters.keys()).collect();
        let any = Value::Bool(true);
        for name in names {
            let (a, b) = (o.parameters.get(name), n.parameters.get(name));
            let a_ptr = a.map_or_else(|| o.pointer.clone(), |s| s.pointer.clone());
            let b_ptr = b.map_or_else(|| n.pointer.clone(), |s| s.pointer.clone());
            let findings = schema::compare(
                a.map_or(&any, |s| &s.value),
                b.map_or(&any, |s| &s.value),
                &self.old.resolved,
                &self.new.resolved,
                &a_ptr,
                &b_ptr,
                &format!("parameter {name}"),
            );
            self.findings(at, findings, Flow::ClientSent, &who);
        }
    }

    /// The requirements a client must meet to connect, per server both documents have.
    fn security(&mut self, o: &Namespace, n: &Namespace) {
        let at = Subject {
            ns: Some(&o.path),
            ev: None,
        };
        let (oa, na) = (self.old.api.clone(), self.new.api.clone());
        let mut servers: Vec<(Option<&Server>, Option<&Server>)> = oa
            .servers
            .iter()
            .filter_map(|s| na.server(&s.name).map(|t| (Some(s), Some(t))))
            .collect();
        if servers.is_empty() {
            servers.push((None, None));
        }
        let mut reported = BTreeSet::new();
        for (os, ns) in servers {
            let eff = |ns_: &Namespace, s: Option<&Server>| {
                ns_.security
                    .clone()
                    .unwrap_or_else(|| s.map(|s| s.security.clone()).unwrap_or_default())
            };
            let (old_reqs, new_reqs) = (eff(o, os), eff(n, ns));
            if old_reqs == new_reqs {
                continue;
            }
            let where_ = os.map_or(String::new(), |s| format!(" (server {})", s.name));
            let refused = refused(&old_reqs, &new_reqs);
            let (severity, message, affected) = if refused.is_empty() {
                (
                    Severity::Info,
                    format!(
                        "security changed from {} to {}{where_}",
                        show_reqs(&old_reqs),
                        show_reqs(&new_reqs)
                    ),
                    "No existing client is affected: every credential accepted before is accepted."
                        .to_owned(),
                )
            } else {
                (
                    Severity::Breaking,
                    format!(
                        "security changed from {} to {}{where_}",
                        show_reqs(&old_reqs),
                        show_reqs(&new_reqs)
                    ),
                    format!(
                        "Clients connecting to {} with {} are refused.",
                        o.path,
                        refused.join(" or ")
                    ),
                )
            };
            if !reported.insert(message.clone()) {
                continue;
            }
            let ptr = |ns_: &Namespace, s: Option<&Server>| match (&ns_.security, s) {
                (None, Some(s)) => format!("/servers/{}", schema::escape(&s.name)),
                _ => ns_.pointer.clone(),
            };
            self.push(
                ChangeKind::SecurityChanged,
                severity,
                at,
                message,
                affected,
                Some(&ptr(o, os)),
                Some(&ptr(n, ns)),
            );
        }
    }

    fn servers(&mut self, olds: &[Server], news: &[Server]) {
        let at = Subject { ns: None, ev: None };
        let ptr = |s: &Server| format!("/servers/{}", schema::escape(&s.name));
        for o in olds {
            match news.iter().find(|n| n.name == o.name) {
                None => self.push(
                    ChangeKind::ServerRemoved,
                    Severity::Breaking,
                    at,
                    format!("server {} removed ({})", o.name, o.url),
                    format!("Clients configured for server {} ({}) can no longer find it in the document.", o.name, o.url),
                    Some(&ptr(o)),
                    Some("/servers"),
                ),
                Some(n) => {
                    if o.socketio_path != n.socketio_path {
                        self.push(
                            ChangeKind::ServerPathChanged,
                            Severity::Breaking,
                            at,
                            format!("server {} Socket.IO path changed from {} to {}", o.name, o.socketio_path, n.socketio_path),
                            format!("Clients connecting with path {} are refused.", o.socketio_path),
                            Some(&ptr(o)),
                            Some(&ptr(n)),
                        );
                    } else if o.url != n.url || o.protocol != n.protocol {
                        self.push(
                            ChangeKind::ServerUrlChanged,
                            Severity::Warning,
                            at,
                            format!("server {} changed from {}://{} to {}://{}", o.name, o.protocol, o.url, n.protocol, n.url),
                            format!("Clients configured with {}://{} must follow the move.", o.protocol, o.url),
                            Some(&ptr(o)),
                            Some(&ptr(n)),
                        );
                    }
                }
            }
        }
        for n in news {
            if !olds.iter().any(|o| o.name == n.name) {
                self.push(
                    ChangeKind::ServerAdded,
                    Severity::Info,
                    at,
                    format!("server {} added ({})", n.name, n.url),
                    "No existing client is affected.".to_owned(),
                    Some("/servers"),
                    Some(&ptr(n)),
                );
            }
        }
    }

    fn schemes(&mut self) {
        let (oa, na) = (self.old.api.clone(), self.new.api.clone());
        let at = Subject { ns: None, ev: None };
        let ptr = |name: &str| format!("/components/securitySchemes/{}", schema::escape(name));
        for (name, o) in &oa.security_schemes {
            match na.security_schemes.get(name) {
                None => self.push(
                    ChangeKind::SecuritySchemeChanged,
                    Severity::Warning,
                    at,
                    format!("security scheme {name} removed"),
                    format!(
                        "Clients authenticating with {name} are refused wherever it was required."
                    ),
                    Some(&ptr(name)),
                    Some("/components/securitySchemes"),
                ),
                Some(n) => {
                    if o.kind != n.kind {
                        self.push(
                            ChangeKind::SecuritySchemeChanged,
                            Severity::Breaking,
                            at,
                            format!(
                                "security scheme {name} changed from {} to {}",
                                show_kind(&o.kind),
                                show_kind(&n.kind)
                            ),
                            format!("Clients sending {name} credentials the old way are refused."),
                            Some(&ptr(name)),
                            Some(&ptr(name)),
                        );
                    }
                    if o.handlers != n.handlers {
                        self.push(
                            ChangeKind::HandlerChanged,
                            Severity::Info,
                            at,
                            format!("security scheme {name}: checking functions changed"),
                            "No client is affected: handlers are server-side.".to_owned(),
                            Some(&ptr(name)),
                            Some(&ptr(name)),
                        );
                    }
                }
            }
        }
        for name in na.security_schemes.keys() {
            if !oa.security_schemes.contains_key(name) {
                self.push(
                    ChangeKind::SecuritySchemeChanged,
                    Severity::Info,
                    at,
                    format!("security scheme {name} added"),
                    "No existing client is affected.".to_owned(),
                    Some("/components/securitySchemes"),
                    Some(&ptr(name)),
                );
            }
        }
    }
}

/// A headers schema with its property names and required names in lower case.
fn lowercase_names(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        if let Some(Value::Object(props)) = m.get_mut("properties") {
            *props = std::mem::take(props)
                .into_iter()
                .map(|(k, p)| (k.to_lowercase(), p))
                .collect();
        }
        if let Some(Value::Array(req)) = m.get_mut("required") {
            for r in req.iter_mut() {
                if let Value::String(name) = r {
                    *name = name.to_lowercase();
                }
            }
        }
    }
    v
}

/// A security scheme kind in words (`httpApiKey in the query as 'key'`).
fn show_kind(k: &SchemeKind) -> String {
    match k {
        SchemeKind::HttpBasic => "http basic".to_owned(),
        SchemeKind::HttpBearer { .. } => "http bearer".to_owned(),
        SchemeKind::HttpApiKey { location, name } => {
            let at = match location {
                ApiKeyLocation::Query => "query parameter",
                ApiKeyLocation::Header => "header",
                ApiKeyLocation::Cookie => "cookie",
            };
            format!("httpApiKey in {at} '{name}'")
        }
        SchemeKind::ApiKey { location } => format!("apiKey in {location}"),
        SchemeKind::OAuth2 { scopes } => format!("oauth2 (scopes {})", scopes.join(", ")),
        SchemeKind::OpenIdConnect { url } => format!("openIdConnect ({url})"),
        SchemeKind::Unsupported { description } => description.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn flow_word(flow: Flow) -> &'static str {
    match flow {
        Flow::ClientSent => "client-sent",
        Flow::ServerSent => "server-sent",
    }
}

fn args_word(s: &Schema) -> &'static str {
    match s.arguments {
        asynction_spec::model::ArgumentList::Single => "single",
        asynction_spec::model::ArgumentList::Spread => "spread",
    }
}

fn show_opt(v: &Option<String>) -> String {
    v.as_ref()
        .map_or_else(|| "none".to_owned(), |v| format!("'{v}'"))
}

fn show_req(r: &SecurityRequirement) -> String {
    if r.schemes.is_empty() {
        return "no credentials".to_owned();
    }
    r.schemes
        .iter()
        .map(|(name, scopes)| {
            if scopes.is_empty() {
                name.clone()
            } else {
                format!("{name}[{}]", scopes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

fn show_reqs(rs: &[SecurityRequirement]) -> String {
    if rs.is_empty() {
        return "public".to_owned();
    }
    rs.iter().map(show_req).collect::<Vec<_>>().join(" | ")
}

/// The old alternatives (OR of AND) that no new alternative accepts: a client meeting `a`
/// meets `b` when `b` asks for a subset of `a`'s schemes, each with a subset of its scopes.
fn refused(old: &[SecurityRequirement], new: &[SecurityRequirement]) -> Vec<String> {
    let public = [SecurityRequirement::default()];
    let alts = |rs: &'_ [SecurityRequirement]| -> Vec<SecurityRequirement> {
        if rs.is_empty() {
            public.to_vec()
        } else {
            rs.to_vec()
        }
    };
    let (old, new) = (alts(old), alts(new));
    let meets = |a: &SecurityRequirement, b: &SecurityRequirement| {
        b.schemes.iter().all(|(name, scopes)| {
            a.schemes
                .get(name)
                .is_some_and(|have| scopes.iter().all(|s| have.contains(s)))
        })
    };
    old.iter()
        .filter(|a| !new.iter().any(|b| meets(a, b)))
        .map(show_req)
        .collect()
}
