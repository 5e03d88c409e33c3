//! The model walk: namespaces, events, argument lists, acks, handshake, security, servers.
//!
//! [`Differ`] holds both documents and the changes found; each concern adds its methods from
//! its own file: `events` (client- and server-sent events, payloads, acks), `handshake`
//! (`bindings.ws`, channel parameters), `security` (requirements and schemes), `servers`.
//! Severity always follows [`Flow`]: who sends a value decides who must cope with its change.

mod events;
mod handshake;
mod security;
mod servers;

use asynction_spec::Document;
use asynction_spec::model::Namespace;
use serde_json::Value;

use crate::schema::{self, Finding, SchemaAt, Tri};
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

impl Subject<'_> {
    /// Neither a namespace nor an event: servers, security schemes.
    const DOCUMENT: Subject<'static> = Subject { ns: None, ev: None };
}

/// A change as the walk finds it; [`Differ::push`] turns its pointers into places.
struct Draft<'p> {
    kind: ChangeKind,
    severity: Severity,
    /// What changed, in one line.
    message: String,
    /// Who is affected, in one sentence.
    affected: String,
    /// Where in the old document (for something added: its parent).
    old: &'p str,
    /// Where in the new document (for something removed: its parent).
    new: &'p str,
}

/// Whom a compared schema concerns: the subject, who sends its values, and the clients
/// affected (`Clients that emit 'say' on /chat`).
#[derive(Clone, Copy)]
struct Audience<'a> {
    at: Subject<'a>,
    flow: Flow,
    who: &'a str,
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

    /// Where `pointer` is written in `doc` (a keyword of a `components` schema at its own
    /// line) and, when a `$ref` leads to it, where it is used.
    fn place(doc: &Document, label: &str, pointer: &str) -> Place {
        let d = doc.diagnostic(pointer, "");
        let used_at = doc
            .reference_site(pointer, "")
            .filter(|u| {
                (u.location.line, u.location.column) != (d.location.line, d.location.column)
            })
            .map(|u| {
                Box::new(Place {
                    pointer: u.pointer,
                    file: label.to_owned(),
                    line: u.location.line,
                    column: u.location.column,
                    used_at: None,
                })
            });
        Place {
            pointer: pointer.to_owned(),
            file: label.to_owned(),
            line: d.location.line,
            column: d.location.column,
            used_at,
        }
    }

    fn push(&mut self, at: Subject<'_>, d: Draft<'_>) {
        let old = Self::place(self.old, self.old_label, d.old);
        let new = Self::place(self.new, self.new_label, d.new);
        self.out.push(Change {
            kind: d.kind,
            severity: d.severity,
            namespace: at.ns.map(str::to_owned),
            event: at.ev.map(str::to_owned),
            message: d.message,
            affected: d.affected,
            old: Some(old),
            new: Some(new),
        });
    }

    pub(crate) fn run(mut self) -> Vec<Change> {
        let (old_api, new_api) = (self.old.api.clone(), self.new.api.clone());
        for o in &old_api.namespaces {
            match new_api.namespace(&o.path) {
                Some(n) => self.namespace(o, n),
                None => self.push(
                    Subject {
                        ns: Some(&o.path),
                        ev: None,
                    },
                    Draft {
                        kind: ChangeKind::NamespaceRemoved,
                        severity: Severity::Breaking,
                        message: format!("namespace {} removed", o.path),
                        affected: format!(
                            "Clients connecting to {} are refused (and lose every event of it).",
                            o.path
                        ),
                        old: &o.pointer,
                        new: "/channels",
                    },
                ),
            }
        }
        for n in &new_api.namespaces {
            if old_api.namespace(&n.path).is_none() {
                self.push(
                    Subject {
                        ns: Some(&n.path),
                        ev: None,
                    },
                    Draft {
                        kind: ChangeKind::NamespaceAdded,
                        severity: Severity::Info,
                        message: format!("namespace {} added", n.path),
                        affected: "No existing client is affected.".to_owned(),
                        old: "/channels",
                        new: &n.pointer,
                    },
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
                self.handler_changed(
                    at,
                    format!(
                        "x-handlers.{what} changed from {} to {}",
                        show_opt(a),
                        show_opt(b)
                    ),
                    (
                        &format!("{}/x-handlers", o.pointer),
                        &format!("{}/x-handlers", n.pointer),
                    ),
                );
            }
        }
        self.handshake(o, n);
        self.security(o, n);
        self.events(o, n);
    }

    /// A server-side handler changed (at `old` and `new`): reported, but no client is affected.
    fn handler_changed(&mut self, at: Subject<'_>, message: String, (old, new): (&str, &str)) {
        self.push(
            at,
            Draft {
                kind: ChangeKind::HandlerChanged,
                severity: Severity::Info,
                message,
                affected: "No client is affected: handlers are server-side.".to_owned(),
                old,
                new,
            },
        );
    }

    /// Compares a schema of the old document with one of the new (each with its pointer);
    /// `path` names it in messages.
    fn compare(&self, old: (&Value, &str), new: (&Value, &str), path: &str) -> Vec<Finding> {
        schema::compare(
            SchemaAt {
                schema: old.0,
                root: &self.old.resolved,
                pointer: old.1,
            },
            SchemaAt {
                schema: new.0,
                root: &self.new.resolved,
                pointer: new.1,
            },
            path,
        )
    }

    /// The schema comparison's findings as changes, judged by who sends the values.
    fn findings(&mut self, to: Audience<'_>, findings: Vec<Finding>) {
        for f in findings {
            let Some(severity) = judge(f.narrows, f.widens, to.flow) else {
                continue;
            };
            let kind = schema_kind(f.narrows, f.widens, severity);
            let message = if severity == Severity::Warning && !f.message.contains("could not") {
                format!("could not prove compatible: {}", f.message)
            } else {
                f.message
            };
            self.push(
                to.at,
                Draft {
                    kind,
                    severity,
                    message,
                    affected: affected(to.who, to.flow, severity),
                    old: &f.old_ptr,
                    new: &f.new_ptr,
                },
            );
        }
    }
}

fn show_opt(v: &Option<String>) -> String {
    v.as_ref()
        .map_or_else(|| "none".to_owned(), |v| format!("'{v}'"))
}
