//! Errors raised while loading an AsyncAPI document, and while looking something up in it.
//!
//! Every problem is a [`Diagnostic`]: the file, the line and column when the source is known,
//! the JSON pointer of the offending node and a one-line reason. A [`SpecError`] carries one or
//! more diagnostics so that a user sees every problem of a document in one run.
//! [`UnknownServer`] is a server name the document does not declare (every tool that takes a
//! `--server` prints it the same way).

use std::fmt;
use std::path::PathBuf;

/// Where a diagnostic points in the source document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file the node comes from (`<string>` for documents loaded from memory).
    pub file: PathBuf,
    /// 1-based line, when the source text is known.
    pub line: Option<u32>,
    /// 1-based column, when the source text is known.
    pub column: Option<u32>,
}

/// How serious a [`Diagnostic`] is: the four levels of @asyncapi/parser (and Spectral), most
/// serious first (`Error < Warning < Info < Hint` in this type's order).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// The document is refused (the default; what every loading problem is).
    #[default]
    Error,
    /// The document is accepted, but something in it is probably wrong (for example an AsyncAPI
    /// 3.x message example that does not match its schema, which @asyncapi/parser does not
    /// check yet, or a recommended-ruleset finding such as a missing `info.contact`).
    Warning,
    /// Worth knowing (a newer AsyncAPI version exists, a component is unused).
    Info,
    /// A suggestion.
    Hint,
}

impl Severity {
    /// Every severity, most serious first.
    pub const ALL: [Severity; 4] = [
        Severity::Error,
        Severity::Warning,
        Severity::Info,
        Severity::Hint,
    ];

    /// `"error"`, `"warning"`, `"info"` or `"hint"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    /// Parses a severity as rulesets and command lines write it: `error`, `warn`/`warning`,
    /// `info`/`information`, `hint`, or @asyncapi/parser's numbers 0–3.
    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "error" | "0" => Some(Severity::Error),
            "warn" | "warning" | "1" => Some(Severity::Warning),
            "info" | "information" | "2" => Some(Severity::Info),
            "hint" | "3" => Some(Severity::Hint),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem in an AsyncAPI document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error (the document is refused), warning, info or hint (it is accepted).
    pub severity: Severity,
    /// The id of the rule that reported it ([`crate::rules`]; `asynction validate --explain
    /// RULE` says what it means and how to fix it).
    pub rule: &'static str,
    /// Where in the source the problem is.
    pub location: Location,
    /// RFC 6901 JSON pointer of the node (empty for the document root).
    pub pointer: String,
    /// One-line, human-readable reason.
    pub message: String,
}

impl Diagnostic {
    /// The same diagnostic with `severity`.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The same diagnostic reported under `rule`.
    pub fn with_rule(mut self, rule: &'static str) -> Self {
        self.rule = rule;
        self
    }

    /// The order diagnostics are listed in: by file, then line and column (unlocated ones
    /// last in their file: they are about the whole file), then severity; the sort is stable.
    pub fn sort(diagnostics: &mut [Diagnostic]) {
        diagnostics.sort_by(|a, b| {
            let key = |d: &Diagnostic| {
                (
                    d.location.line.is_none(),
                    d.location.line,
                    d.location.column,
                    d.severity,
                )
            };
            a.location
                .file
                .cmp(&b.location.file)
                .then_with(|| key(a).cmp(&key(b)))
        });
    }
}

/// `file:line:col: message (at /pointer)` for errors (the format every tool reads);
/// `file:line:col: warning: message (at /pointer)` for warnings (`info:`, `hint:` likewise).
/// The rule id is not printed here (tools that print it add it, such as `asynction validate`).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.location.file.display())?;
        if let Some(line) = self.location.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.location.column {
                write!(f, ":{col}")?;
            }
        }
        if self.severity != Severity::Error {
            write!(f, ": {}", self.severity)?;
        }
        write!(f, ": {}", self.message)?;
        if !self.pointer.is_empty() {
            write!(f, " (at {})", self.pointer)?;
        }
        Ok(())
    }
}

/// A document that could not be loaded: one or more [`Diagnostic`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    diagnostics: Vec<Diagnostic>,
}

impl SpecError {
    /// Builds an error from its diagnostics (at least one is expected).
    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        Self { diagnostics }
    }

    /// Every problem found, in document order of discovery.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecError {}

/// A server name the document does not declare: what [`crate::Api::server_named`] returns.
///
/// It prints the name and the servers the document does declare, so the user can pick one:
/// `the document has no server 'staging' (servers: production, local)`, or
/// `the document has no server 'staging' (it declares no servers)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownServer {
    /// The name asked for.
    pub name: String,
    /// The names of the document's servers, in document order (empty when it has none).
    pub known: Vec<String>,
}

impl fmt::Display for UnknownServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the document has no server '{}' ", self.name)?;
        if self.known.is_empty() {
            f.write_str("(it declares no servers)")
        } else {
            write!(f, "(servers: {})", self.known.join(", "))
        }
    }
}

impl std::error::Error for UnknownServer {}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(severity: Severity) -> Diagnostic {
        Diagnostic {
            severity,
            rule: crate::rules::DOCUMENT,
            location: Location {
                file: PathBuf::from("api.yaml"),
                line: Some(12),
                column: Some(7),
            },
            pointer: "/channels/chat".to_owned(),
            message: "something".to_owned(),
        }
    }

    #[test]
    fn errors_print_as_before_and_warnings_say_so() {
        assert_eq!(
            at(Severity::Error).to_string(),
            "api.yaml:12:7: something (at /channels/chat)"
        );
        assert_eq!(
            at(Severity::Warning).to_string(),
            "api.yaml:12:7: warning: something (at /channels/chat)"
        );
        assert_eq!(Severity::default(), Severity::Error);
        assert_eq!(
            at(Severity::Error).with_severity(Severity::Warning),
            at(Severity::Warning)
        );
    }
}
