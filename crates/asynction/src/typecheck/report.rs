//! What the type check found: [`TypeReport`] (counts, mismatches, warnings) and one
//! [`TypeMismatch`] per disagreement, with where it is in both schemas. Plain data, compiled
//! with or without the `schemars` feature: [`crate::BuildError::Types`] carries a report.

use std::fmt;

/// Which way values cross between the Rust type and the document's schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Direction {
    /// A client's event, read by a handler's `Payload<T>`: every value the document accepts
    /// must deserialize into `T`.
    IncomingPayload,
    /// A handler's `Ack<T>`: every value of `T` must be accepted by the event's ack schema.
    Ack,
    /// A typed emit (`ServerEvent`): every value of the type must be accepted by the server
    /// event's payload schema.
    OutgoingEmit,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::IncomingPayload => "incoming payload",
            Direction::Ack => "ack",
            Direction::OutgoingEmit => "outgoing emit",
        })
    }
}

/// One side of a mismatch: where the first difference is in that side's schema, and what the
/// schema says there.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SchemaSide {
    /// JSON pointer of the differing node: in the resolved document for the document's side,
    /// in the type's generated schema (schemars, `$defs` at its root) for the Rust side.
    pub pointer: String,
    /// The keywords at that node, as compact JSON (shortened when long).
    pub keywords: String,
    /// `file:line:col` where the document writes the node (the document's side only).
    pub location: Option<String>,
}

/// One disagreement between a Rust type and the document (or, as a warning, one the check
/// could not decide).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TypeMismatch {
    /// The document namespace (`/chat`, `/tenant/{id}`).
    pub namespace: String,
    /// The event.
    pub event: String,
    /// Which way the values go.
    pub direction: Direction,
    /// The Rust type without module paths (`Vec<User>`; `Payload<…>`/`Ack<…>` left out).
    pub rust_type: String,
    /// What differs, in words: the subset check's message (oriented from the side whose values
    /// must fit to the side that must accept them), or why the two cannot be compared.
    pub reason: String,
    /// Where the document's schema differs (none when the document has no schema there).
    pub document: Option<SchemaSide>,
    /// Where the type's schema differs (none when the type has no schema there).
    pub rust: Option<SchemaSide>,
    /// A value one side accepts and the other rejects, when one was found.
    pub counterexample: Option<serde_json::Value>,
}

impl fmt::Display for TypeMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "namespace {} event '{}' ({}, {}): {}",
            self.namespace, self.event, self.direction, self.rust_type, self.reason
        )?;
        if let Some(d) = &self.document {
            write!(
                f,
                "\n      document {} = {}",
                pointer(&d.pointer),
                d.keywords
            )?;
            if let Some(at) = &d.location {
                write!(f, " ({at})")?;
            }
        }
        if let Some(r) = &self.rust {
            write!(
                f,
                "\n      Rust     {} = {}",
                pointer(&r.pointer),
                r.keywords
            )?;
        }
        if let Some(v) = &self.counterexample {
            write!(f, "\n      e.g. {v}")?;
        }
        Ok(())
    }
}

fn pointer(p: &str) -> &str {
    if p.is_empty() { "#" } else { p }
}

/// Everything the type check found, for every route and typed emit at once.
///
/// `Display` prints the counts, then every mismatch and warning. A build fails with
/// [`crate::BuildError::Types`] when [`TypeReport::mismatches`] is not empty; warnings (what
/// could not be proven either way) are logged and never fail it.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct TypeReport {
    /// Routes (ingress events with a handler) whose handler was registered with its types.
    pub checked: usize,
    /// Routes whose handler was registered without them (`.on`, `.handler`): not checked.
    pub unchecked: usize,
    /// Typed emits declared on the builder (`.emits::<T>()`) and checked.
    pub emits: usize,
    /// Proven disagreements.
    pub mismatches: Vec<TypeMismatch>,
    /// What could not be decided (why is in each one's `reason`).
    pub warnings: Vec<TypeMismatch>,
}

impl TypeReport {
    /// No proven disagreement (warnings may remain).
    pub fn agrees(&self) -> bool {
        self.mismatches.is_empty()
    }

    /// `N routes checked, M unchecked, K emits checked`.
    pub fn summary(&self) -> String {
        format!(
            "{} routes checked, {} unchecked, {} emits checked",
            self.checked, self.unchecked, self.emits
        )
    }
}

impl fmt::Display for TypeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.agrees() {
            write!(f, "the Rust types agree with the document")?;
        } else {
            let n = self.mismatches.len();
            let s = if n == 1 { "" } else { "es" };
            write!(
                f,
                "the Rust types disagree with the document: {n} mismatch{s}"
            )?;
        }
        write!(f, " ({})", self.summary())?;
        for m in &self.mismatches {
            write!(f, "\n  - {m}")?;
        }
        for w in &self.warnings {
            write!(f, "\n  - warning: {w}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TypeReport {}
