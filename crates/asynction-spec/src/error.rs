//! Errors raised while loading an AsyncAPI document.
//!
//! Every problem is a [`Diagnostic`]: the file, the line and column when the source is known,
//! the JSON pointer of the offending node and a one-line reason. A [`SpecError`] carries one or
//! more diagnostics so that a user sees every problem of a document in one run.

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

/// One problem in an AsyncAPI document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where in the source the problem is.
    pub location: Location,
    /// RFC 6901 JSON pointer of the node (empty for the document root).
    pub pointer: String,
    /// One-line, human-readable reason.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.location.file.display())?;
        if let Some(line) = self.location.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.location.column {
                write!(f, ":{col}")?;
            }
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
