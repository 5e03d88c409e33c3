//! One check of a document that reports everything at once: what loading finds (`$ref`s,
//! structure, the model), what compiling its schemas finds (invalid JSON Schemas, examples
//! that do not match), and the recommended ruleset (`asyncapi-info-contact`, the Socket.IO
//! rules…), filtered and graded by a [`Ruleset`].
//!
//! `asynction validate` prints a [`Report`]; servers and the mock load through
//! [`load_checked`], so they refuse to start with every error listed, not the first stage's.
//!
//! ```no_run
//! use asynction::lint::{LintOptions, lint_path};
//!
//! let report = lint_path("asyncapi.yaml", &LintOptions::default());
//! for d in &report.diagnostics {
//!     eprintln!("{d} [{}]", d.rule);
//! }
//! assert!(!report.fails(asynction::Severity::Error));
//! ```

mod output;

use std::path::Path;

pub use output::{github, json, sarif, text_line};

use crate::spec::{Diagnostic, Document, LoadOptions, Severity, SpecError};
use crate::validate::Validators;

pub use crate::spec::lint::{RuleSetting, Ruleset, recommended};
pub use crate::spec::rules;

/// What [`lint_path`] checks, and how.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LintOptions {
    /// How the document is loaded (limits, the argument convention).
    pub load: LoadOptions,
    /// Which rules report, at which severity (default: every rule at its own severity).
    pub ruleset: Ruleset,
    /// Whether JSON Schemas are compiled and message examples checked (what a server started
    /// without validation skips; default true).
    pub schemas: bool,
}

impl Default for LintOptions {
    fn default() -> Self {
        LintOptions {
            load: LoadOptions::default(),
            ruleset: Ruleset::default(),
            schemas: true,
        }
    }
}

impl LintOptions {
    /// Sets [`LintOptions::load`].
    pub fn load(mut self, load: LoadOptions) -> Self {
        self.load = load;
        self
    }

    /// Sets [`LintOptions::ruleset`].
    pub fn ruleset(mut self, ruleset: Ruleset) -> Self {
        self.ruleset = ruleset;
        self
    }

    /// Sets [`LintOptions::schemas`].
    pub fn schemas(mut self, on: bool) -> Self {
        self.schemas = on;
        self
    }
}

/// What [`lint_path`] found in one document.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Report {
    /// The document as far as it could be read (`None` when it does not parse or is not
    /// AsyncAPI of a supported version). Only trust it when the report has no error.
    pub document: Option<Document>,
    /// Every problem, sorted by position, each once.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// How many diagnostics have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// Whether some diagnostic is at `threshold` or more serious (`--fail-severity`).
    pub fn fails(&self, threshold: Severity) -> bool {
        self.diagnostics.iter().any(|d| d.severity <= threshold)
    }
}

/// Checks the document at `path`: every stage that can run does, and every problem is reported
/// once, sorted by position, under its rule id.
pub fn lint_path(path: impl AsRef<Path>, options: &LintOptions) -> Report {
    let inspection = Document::inspect_path(path, &options.load);
    let mut diagnostics = inspection.diagnostics;
    let document = inspection.document;
    if let Some(doc) = &document {
        if options.schemas {
            diagnostics.extend(Validators::diagnostics(doc));
        }
        diagnostics.extend(crate::spec::lint::recommended(doc));
    }
    let raw = document.as_ref().and_then(Document::as_written);
    let mut diagnostics = options.ruleset.apply(diagnostics, raw.as_ref());
    Diagnostic::sort(&mut diagnostics);
    diagnostics.dedup();
    Report {
        document,
        diagnostics,
    }
}

/// The document at `path` when nothing in it is an error, else every error: of loading, of
/// its JSON Schemas and of its examples together (servers and the mock start from this; the
/// recommended ruleset is not run). With `schemas` false, the schemas are not compiled here.
pub fn load_checked(
    path: impl AsRef<Path>,
    load: &LoadOptions,
    schemas: bool,
) -> Result<Document, SpecError> {
    let inspection = Document::inspect_path(path, load);
    let Some(doc) = inspection.document else {
        return Err(errors_only(inspection.diagnostics));
    };
    if !inspection
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
    {
        return Ok(doc);
    }
    let mut diagnostics = inspection.diagnostics;
    if schemas {
        diagnostics.extend(Validators::diagnostics(&doc));
    }
    Diagnostic::sort(&mut diagnostics);
    Err(errors_only(diagnostics))
}

fn errors_only(diagnostics: Vec<Diagnostic>) -> SpecError {
    SpecError::new(
        diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect(),
    )
}
