//! Breaking-change detection between two versions of an AsyncAPI document for Socket.IO, aware of
//! who sends what.
//!
//! Both documents are loaded into the version-free [`asynction_spec::model::Api`], so a 2.6
//! document and its 3.0 conversion compare equal. [`diff`] walks namespaces, events, argument
//! lists, acks, handshake bindings, security and servers, and reports every [`Change`] with its
//! [`ChangeKind`], its [`Severity`], the namespace and event, a JSON pointer and `file:line:col`
//! in both documents, and one sentence on who is affected.
//!
//! **Direction decides severity.** What the server receives (client-sent events, acks clients
//! send, the handshake, credentials) may only widen: a new schema that rejects a value the old
//! one accepted breaks the clients that send it. What the server sends (server-sent events, the
//! acks it answers with) may only narrow: a new schema that admits a value the old one rejected
//! breaks the clients that read it. The schema comparison ([`schema`]) is a sound subset check
//! over the keywords that matter; where it cannot decide it reports a [`Severity::Warning`]
//! ("could not prove compatible"), never silently no change.
//!
//! ```
//! use asynction_diff::{diff, ChangeKind, Severity};
//! use asynction_spec::Document;
//!
//! let old = Document::from_text(r#"
//! asyncapi: 2.6.0
//! info: { title: Chat, version: 1.0.0 }
//! channels:
//!   /chat:
//!     publish:
//!       message:
//!         name: say
//!         payload: { type: object, properties: { text: { type: string } } }
//! "#)?;
//! let new = Document::from_text(r#"
//! asyncapi: 2.6.0
//! info: { title: Chat, version: 2.0.0 }
//! channels:
//!   /chat:
//!     publish:
//!       message:
//!         name: say
//!         payload: { type: object, properties: { text: { type: string } }, required: [text] }
//! "#)?;
//! let report = diff(&old, &new);
//! assert_eq!(report.changes.len(), 1);
//! let change = &report.changes[0];
//! assert_eq!((change.kind, change.severity), (ChangeKind::SchemaNarrowed, Severity::Breaking));
//! assert_eq!(change.event.as_deref(), Some("say"));
//! assert_eq!(change.message, "payload: now requires 'text'");
//! # Ok::<(), asynction_spec::SpecError>(())
//! ```

mod model_diff;
mod render;
pub mod schema;

use std::fmt;

use asynction_spec::Document;
use serde::Serialize;

pub use render::markdown;

/// How much a change matters to existing clients. Ordered: `Info < Warning < Breaking`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Compatible: no existing client is affected.
    Info,
    /// Possibly breaking: could not be proven compatible, or affects clients only in some setups.
    Warning,
    /// Breaks existing clients.
    Breaking,
}

impl Severity {
    /// Every severity, most severe first (the order reports are grouped in).
    pub const ALL: [Severity; 3] = [Severity::Breaking, Severity::Warning, Severity::Info];

    /// `breaking`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What changed. Serialized in `snake_case` (part of the stable JSON shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ChangeKind {
    /// A namespace (channel) is gone.
    NamespaceRemoved,
    /// A new namespace.
    NamespaceAdded,
    /// An event is gone (a renamed event is removed + added).
    EventRemoved,
    /// A new event.
    EventAdded,
    /// An `x-handler` or `x-handlers` entry changed (server-side only).
    HandlerChanged,
    /// A schema now rejects values it accepted.
    SchemaNarrowed,
    /// A schema now accepts values it rejected.
    SchemaWidened,
    /// A schema both rejects values it accepted and accepts values it rejected.
    SchemaChanged,
    /// A schema changed in a way the comparison could not decide ("could not prove compatible").
    SchemaUnproven,
    /// The `x-socketio-args` rule of a payload or ack changed, or a payload schema appeared or
    /// disappeared.
    ArgumentsChanged,
    /// An event gained an ack.
    AckAdded,
    /// An event lost its ack.
    AckRemoved,
    /// The handshake's required HTTP method changed.
    HandshakeMethodChanged,
    /// The security requirements of a namespace (or server) changed.
    SecurityChanged,
    /// A security scheme changed (kind, location, name) or disappeared.
    SecuritySchemeChanged,
    /// A server disappeared.
    ServerRemoved,
    /// A new server.
    ServerAdded,
    /// A server's Socket.IO path changed.
    ServerPathChanged,
    /// A server's url or protocol changed (same path).
    ServerUrlChanged,
}

impl ChangeKind {
    /// The `snake_case` name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::NamespaceRemoved => "namespace_removed",
            ChangeKind::NamespaceAdded => "namespace_added",
            ChangeKind::EventRemoved => "event_removed",
            ChangeKind::EventAdded => "event_added",
            ChangeKind::HandlerChanged => "handler_changed",
            ChangeKind::SchemaNarrowed => "schema_narrowed",
            ChangeKind::SchemaWidened => "schema_widened",
            ChangeKind::SchemaChanged => "schema_changed",
            ChangeKind::SchemaUnproven => "schema_unproven",
            ChangeKind::ArgumentsChanged => "arguments_changed",
            ChangeKind::AckAdded => "ack_added",
            ChangeKind::AckRemoved => "ack_removed",
            ChangeKind::HandshakeMethodChanged => "handshake_method_changed",
            ChangeKind::SecurityChanged => "security_changed",
            ChangeKind::SecuritySchemeChanged => "security_scheme_changed",
            ChangeKind::ServerRemoved => "server_removed",
            ChangeKind::ServerAdded => "server_added",
            ChangeKind::ServerPathChanged => "server_path_changed",
            ChangeKind::ServerUrlChanged => "server_url_changed",
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a change is in one of the documents: where the changed node is written (a keyword of
/// a schema defined in `components` at its own line), and, when a `$ref` leads to it, where it
/// is used ([`Place::used_at`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// JSON pointer into the resolved document.
    pub pointer: String,
    /// The document's file as given (or `REV:PATH` for a git revision, as the caller labels it).
    pub file: String,
    /// 1-based line of the node where it is written (local `$ref`s followed), or of its nearest
    /// ancestor written in the main file.
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
    /// Where the node is used when it is written elsewhere: the first `$ref` on the way from the
    /// document's root (a channel's `$ref` to the message whose payload changed). Absent from
    /// JSON when the node is written where it is used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_at: Option<Box<Place>>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        if !self.pointer.is_empty() {
            write!(f, " ({})", self.pointer)?;
        }
        Ok(())
    }
}

impl Place {
    /// `file:line:col`, without the pointer.
    pub fn position(&self) -> String {
        let mut out = self.file.clone();
        if let Some(line) = self.line {
            out.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                out.push_str(&format!(":{col}"));
            }
        }
        out
    }
}

/// One change between the old and the new document.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// How much it matters to existing clients.
    pub severity: Severity,
    /// The namespace, when the change is about one.
    pub namespace: Option<String>,
    /// The event, when the change is about one.
    pub event: Option<String>,
    /// What changed, in one line (`payload.user.age: now requires 'age'`).
    pub message: String,
    /// Who is affected, in one sentence.
    pub affected: String,
    /// Where in the old document; for something added, its parent (the namespace of an added
    /// event, `/channels` for an added namespace).
    pub old: Option<Place>,
    /// Where in the new document; for something removed, its parent.
    pub new: Option<Place>,
}

/// Every change between two documents, in document order (namespaces, then servers and schemes).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The old document's label (its file, or `REV:PATH`).
    pub old: String,
    /// The new document's label.
    pub new: String,
    /// The changes.
    pub changes: Vec<Change>,
}

impl Report {
    /// The most severe change, `None` when the documents are equivalent.
    pub fn max_severity(&self) -> Option<Severity> {
        self.changes.iter().map(|c| c.severity).max()
    }

    /// How many changes have severity `s`.
    pub fn count(&self, s: Severity) -> usize {
        self.changes.iter().filter(|c| c.severity == s).count()
    }

    /// The changes of severity `s`, in report order.
    pub fn with_severity(&self, s: Severity) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.severity == s)
    }

    /// `2 breaking, 1 warning, 3 info` or `no changes`.
    pub fn summary(&self) -> String {
        if self.changes.is_empty() {
            return "no changes".to_owned();
        }
        let parts: Vec<String> = Severity::ALL
            .iter()
            .map(|s| format!("{} {}", self.count(*s), plural(self.count(*s), *s)))
            .collect();
        parts.join(", ")
    }

    /// The stable JSON shape (documented in the workspace README, "Breaking changes"):
    /// `{"version": 1, "old", "new", "summary": {"breaking", "warning", "info"}, "changes":
    /// [{"kind", "severity", "namespace", "event", "message", "affected", "old": {"pointer",
    /// "file", "line", "column", "used_at"?: {"pointer", "file", "line", "column"}} | null,
    /// "new": … | null}]}` (`used_at` only for a node a `$ref` leads to).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "version": 1,
            "old": self.old,
            "new": self.new,
            "summary": {
                "breaking": self.count(Severity::Breaking),
                "warning": self.count(Severity::Warning),
                "info": self.count(Severity::Info),
            },
            "changes": self.changes,
        })
    }
}

fn plural(n: usize, s: Severity) -> &'static str {
    match (s, n) {
        (Severity::Warning, 1) => "warning",
        (Severity::Warning, _) => "warnings",
        (s, _) => s.as_str(),
    }
}

/// Compares two loaded documents; places are labelled with each document's `path`.
pub fn diff(old: &Document, new: &Document) -> Report {
    diff_labelled(
        old,
        &old.path.display().to_string(),
        new,
        &new.path.display().to_string(),
    )
}

/// [`diff`], with the labels that name each document in places and in the report (e.g.
/// `origin/main:asyncapi.yaml` for a document read from git into a temporary file).
pub fn diff_labelled(old: &Document, old_label: &str, new: &Document, new_label: &str) -> Report {
    let changes = model_diff::Differ::new(old, old_label, new, new_label).run();
    Report {
        old: old_label.to_owned(),
        new: new_label.to_owned(),
        changes,
    }
}
