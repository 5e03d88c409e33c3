//! `asynction validate [FILE…]`: loads each document, builds its model and compiles its
//! JSON Schemas, and reports every problem as `file:line:col: message (at /pointer)`.
//!
//! Without FILE arguments the `--spec` document is checked. `--server NAME` also requires that
//! server to exist; `--without-validation` skips compiling the JSON Schemas and checking the
//! message examples (what a server started with that flag would skip).
//!
//! Verdicts follow @asyncapi/parser: a message example that does not match its schema is an
//! error in an AsyncAPI 2.x document and a warning (`file:line:col: warning: …`, exit code 0)
//! in a 3.x one; `--strict` makes warnings errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use asynction::Document;
use asynction::validate::Validators;
use asynction::{Diagnostic, Location, Severity};
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::GlobalOptions;

/// Arguments of `asynction validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Documents to check (default: the --spec document).
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// How problems are printed.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also check that the document defines the server NAME (as `mock run --server` needs).
    #[arg(long, value_name = "NAME")]
    server: Option<String>,
    /// Skip the JSON Schemas: check the document as a server started without validation reads it.
    #[arg(long)]
    without_validation: bool,
    /// Treat warnings as errors (exit code 1). Warnings are what @asyncapi/parser accepts but
    /// is probably wrong: AsyncAPI 3.x message examples that do not match their schemas.
    #[arg(long)]
    strict: bool,
}

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One line per problem (colored on a terminal), one summary line per valid file.
    Text,
    /// A JSON array of problems: `{file, line, column, pointer, message}`, and
    /// `severity: "warning"` for warnings.
    Json,
}

/// What `--format json` prints for one problem.
#[derive(Debug, Serialize)]
struct JsonProblem {
    file: String,
    line: Option<u32>,
    column: Option<u32>,
    pointer: String,
    message: String,
    /// `"warning"` for warnings; absent for errors (the format errors always had).
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
}

/// The verdict on one document.
enum Verdict {
    Valid {
        asyncapi: String,
        namespaces: usize,
        events: usize,
        warnings: Vec<Diagnostic>,
    },
    Invalid(Vec<Diagnostic>),
}

/// Runs the subcommand; returns exit code 0 when every document is valid, 1 otherwise.
pub fn run(global: &GlobalOptions, args: &ValidateArgs) -> ExitCode {
    let files = if args.files.is_empty() {
        vec![global.spec.clone()]
    } else {
        args.files.clone()
    };
    let verdicts: Vec<(PathBuf, Verdict)> = files
        .into_iter()
        .map(|f| (f.clone(), check(&f, args, &global.load_options())))
        .collect();
    let all_valid = verdicts
        .iter()
        .all(|(_, v)| matches!(v, Verdict::Valid { .. }));
    let written = match args.format {
        Format::Text => print_text(&verdicts),
        Format::Json => print_json(&verdicts),
    };
    match written {
        Ok(()) if all_valid => ExitCode::SUCCESS,
        Ok(()) => ExitCode::from(1),
        Err(e) => {
            eprintln!("asynction: cannot write the report: {e}");
            ExitCode::from(1)
        }
    }
}

fn check(file: &Path, args: &ValidateArgs, load: &asynction::LoadOptions) -> Verdict {
    let doc = match Document::from_path_with(file, load) {
        Ok(doc) => doc,
        Err(e) => return Verdict::Invalid(e.diagnostics().to_vec()),
    };
    let mut problems = Vec::new();
    if let Some(name) = &args.server
        && let Err(unknown) = doc.api.server_named(name)
    {
        problems.push(Diagnostic {
            severity: Severity::Error,
            location: Location {
                file: file.to_path_buf(),
                line: None,
                column: None,
            },
            pointer: "/servers".to_owned(),
            message: unknown.to_string(),
        });
    }
    let mut warnings = Vec::new();
    if !args.without_validation {
        match Validators::compile(&doc) {
            Ok(validators) => warnings = validators.warnings().to_vec(),
            Err(e) => problems.extend(e.diagnostics().iter().cloned()),
        }
    }
    if args.strict {
        // --strict: every warning is an error.
        problems.extend(warnings.drain(..).map(|w| w.with_severity(Severity::Error)));
    }
    if !problems.is_empty() {
        return Verdict::Invalid(problems);
    }
    let events = doc
        .api
        .namespaces
        .iter()
        .map(|n| n.ingress.len() + n.egress.len())
        .sum();
    Verdict::Valid {
        asyncapi: doc.api.asyncapi.clone(),
        namespaces: doc.api.namespaces.len(),
        events,
        warnings,
    }
}

fn print_text(verdicts: &[(PathBuf, Verdict)]) -> std::io::Result<()> {
    // anstream strips the styles when stdout is not a terminal (and honours NO_COLOR).
    let mut out = anstream::stdout().lock();
    let place = Style::new().bold();
    let error = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let warning = Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold();
    let ok = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
    let dim = Style::new().dimmed();
    for (file, verdict) in verdicts {
        match verdict {
            Verdict::Valid {
                asyncapi,
                namespaces,
                events,
                warnings,
            } => {
                for d in warnings {
                    write!(out, "{place}{}{place:#}", location(&d.location))?;
                    write!(out, ": {warning}warning{warning:#}: {}", d.message)?;
                    if !d.pointer.is_empty() {
                        write!(out, " {dim}(at {}){dim:#}", d.pointer)?;
                    }
                    writeln!(out)?;
                }
                writeln!(
                    out,
                    "{place}{}{place:#}: {ok}valid{ok:#} (AsyncAPI {asyncapi}, {namespaces} {}, {events} {}{})",
                    file.display(),
                    plural(*namespaces, "namespace", "namespaces"),
                    plural(*events, "event", "events"),
                    match warnings.len() {
                        0 => String::new(),
                        n => format!(", {n} {}", plural(n, "warning", "warnings")),
                    },
                )?
            }
            Verdict::Invalid(diagnostics) => {
                for d in diagnostics {
                    write!(out, "{place}{}{place:#}", location(&d.location))?;
                    write!(out, ": {error}{}{error:#}", d.message)?;
                    if !d.pointer.is_empty() {
                        write!(out, " {dim}(at {}){dim:#}", d.pointer)?;
                    }
                    writeln!(out)?;
                }
            }
        }
    }
    out.flush()
}

/// `file:line:col`, as [`Diagnostic`]'s `Display` writes it.
fn location(l: &Location) -> String {
    match (l.line, l.column) {
        (Some(line), Some(col)) => format!("{}:{line}:{col}", l.file.display()),
        (Some(line), None) => format!("{}:{line}", l.file.display()),
        _ => l.file.display().to_string(),
    }
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn print_json(verdicts: &[(PathBuf, Verdict)]) -> std::io::Result<()> {
    let problems: Vec<JsonProblem> = verdicts
        .iter()
        .flat_map(|(_, v)| match v {
            Verdict::Invalid(ds) => ds,
            Verdict::Valid { warnings, .. } => warnings,
        })
        .map(|d| JsonProblem {
            file: d.location.file.display().to_string(),
            line: d.location.line,
            column: d.location.column,
            pointer: d.pointer.clone(),
            message: d.message.clone(),
            severity: (d.severity == Severity::Warning).then_some("warning"),
        })
        .collect();
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &problems).map_err(std::io::Error::other)?;
    writeln!(out)?;
    out.flush()
}
