//! `asynction validate [FILE…]`: checks each document and reports every problem at once, each
//! under its rule id, sorted by position: `file:line:col: message (at /pointer) [rule]`.
//!
//! Every stage that can run does: `$ref`s, the structure AsyncAPI requires, the model, the
//! JSON Schemas and message examples, and the recommended ruleset of @asyncapi/parser with
//! asynction's Socket.IO rules (warnings, infos and hints). `--ruleset FILE` changes which
//! rules report and how seriously, `--fail-severity` which severities fail the run (exit 1),
//! `--format` prints text, JSON, SARIF 2.1.0 or GitHub workflow commands, and `--explain
//! RULE` says what a rule means and how to fix what it reports.
//!
//! Without FILE arguments the `--spec` document is checked. `--server NAME` also requires that
//! server to exist; `--without-validation` skips compiling the JSON Schemas and checking the
//! message examples (what a server started with that flag would skip). `--strict` makes
//! warnings errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use asynction::Severity;
use asynction::lint::{self, LintOptions, Report, Ruleset, rules};
use asynction::{Diagnostic, Location};
use clap::{Args, ValueEnum};

use crate::GlobalOptions;
use crate::console::{Console, errln};

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
    /// Treat warnings as errors (exit code 1).
    #[arg(long)]
    strict: bool,
    /// The least serious severity that fails the run (exit code 1): error, warn, info or hint.
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailSeverity::Error)]
    fail_severity: FailSeverity,
    /// A ruleset (YAML): `extends` (recommended, off, or other ruleset files) and `rules`
    /// (rule id → error, warn, info, hint or off).
    #[arg(long, value_name = "FILE")]
    ruleset: Option<PathBuf>,
    /// Print what rule RULE checks and how to fix what it reports, and exit.
    #[arg(long, value_name = "RULE")]
    explain: Option<String>,
}

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// One line per problem with its rule id (colored on a terminal), one summary line per
    /// valid file.
    Text,
    /// A JSON array of problems: `{file, line, column, pointer, message, rule}`, and
    /// `severity` for all but errors.
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other CI tools), file URIs relative to the
    /// working directory.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::…`).
    Github,
}

/// The values of `--fail-severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailSeverity {
    /// Only errors fail.
    Error,
    /// Warnings and errors fail.
    Warn,
    /// Infos, warnings and errors fail.
    Info,
    /// Every diagnostic fails.
    Hint,
}

impl FailSeverity {
    fn severity(self) -> Severity {
        match self {
            FailSeverity::Error => Severity::Error,
            FailSeverity::Warn => Severity::Warning,
            FailSeverity::Info => Severity::Info,
            FailSeverity::Hint => Severity::Hint,
        }
    }
}

impl ValidateArgs {
    /// `--server`.
    pub(crate) fn server(&self) -> Option<&str> {
        self.server.as_deref()
    }
}

/// Runs the subcommand: exit code 0 when no document has a problem at or above
/// `--fail-severity`, 1 otherwise, 2 for a usage error (an unknown rule, a bad ruleset).
pub fn run(global: &GlobalOptions, args: &ValidateArgs, console: &mut Console) -> ExitCode {
    if let Some(id) = &args.explain {
        return explain(id, console);
    }
    let ruleset = match &args.ruleset {
        None => Ruleset::default(),
        Some(path) => match Ruleset::from_path(path) {
            Ok(ruleset) => ruleset,
            Err(e) => {
                errln!(console, "asynction: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let options = LintOptions::default()
        .load(global.load_options())
        .ruleset(ruleset)
        .schemas(!args.without_validation);
    let files = if args.files.is_empty() {
        vec![global.spec.clone()]
    } else {
        args.files.clone()
    };
    let reports: Vec<(PathBuf, Report)> = files
        .into_iter()
        .map(|f| {
            let report = check(&f, global.server_or(args.server()), args, &options);
            (f, report)
        })
        .collect();
    let threshold = if args.strict {
        Severity::Warning
    } else {
        args.fail_severity.severity()
    };
    let failed = reports.iter().any(|(_, r)| r.fails(threshold));
    let all: Vec<Diagnostic> = reports
        .iter()
        .flat_map(|(_, r)| r.diagnostics.iter().cloned())
        .collect();
    let written = match args.format {
        Format::Text => console.styled_out(|out| print_text(out, &reports)),
        Format::Json => console.out(|out| print_json_value(out, &lint::json(&all))),
        Format::Sarif => console.out(|out| {
            print_json_value(
                out,
                &lint::sarif(&all, &std::env::current_dir().unwrap_or_default()),
            )
        }),
        Format::Github => console.out(|out| {
            out.write_all(lint::github(&all).as_bytes())
                .and_then(|()| out.flush())
        }),
    };
    match written {
        Ok(()) if !failed => ExitCode::SUCCESS,
        Ok(()) => ExitCode::from(1),
        Err(e) => {
            errln!(console, "asynction: cannot write the report: {e}");
            ExitCode::from(1)
        }
    }
}

/// `--explain RULE`.
fn explain(id: &str, console: &mut Console) -> ExitCode {
    match rules::rule_named(id) {
        Some(rule) => {
            console.print(format_args!("{}", rules::explain(rule)));
            ExitCode::SUCCESS
        }
        None => {
            let close: Vec<&str> = rules::RULES
                .iter()
                .map(|r| r.id)
                .filter(|r| r.contains(id) || id.contains(*r))
                .collect();
            errln!(
                console,
                "asynction: no rule '{id}'{}",
                if close.is_empty() {
                    " (the README lists every rule)".to_owned()
                } else {
                    format!("; did you mean: {}", close.join(", "))
                }
            );
            ExitCode::from(2)
        }
    }
}

fn check(file: &Path, server: Option<&str>, args: &ValidateArgs, options: &LintOptions) -> Report {
    let mut report = lint::lint_path(file, options);
    if let Some(name) = server
        && let Some(doc) = &report.document
        && let Err(unknown) = doc.api.server_named(name)
    {
        report.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            rule: rules::UNKNOWN_SERVER,
            location: Location {
                file: file.to_path_buf(),
                line: None,
                column: None,
            },
            pointer: "/servers".to_owned(),
            message: unknown.to_string(),
        });
    }
    if args.strict {
        // --strict: every warning is an error.
        for d in &mut report.diagnostics {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
    }
    report
}

/// The text report; `out` strips the styles when stdout is not a terminal (and honours
/// NO_COLOR).
fn print_text(out: &mut dyn Write, reports: &[(PathBuf, Report)]) -> std::io::Result<()> {
    let place = Style::new().bold();
    let error = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    let warning = Style::new().fg_color(Some(AnsiColor::Yellow.into())).bold();
    let note = Style::new().fg_color(Some(AnsiColor::Cyan.into())).bold();
    let ok = Style::new().fg_color(Some(AnsiColor::Green.into())).bold();
    let dim = Style::new().dimmed();
    for (file, report) in reports {
        for d in &report.diagnostics {
            write!(out, "{place}{}{place:#}", location(&d.location))?;
            match d.severity {
                Severity::Error => write!(out, ": {error}{}{error:#}", d.message)?,
                Severity::Warning => write!(out, ": {warning}warning{warning:#}: {}", d.message)?,
                other => write!(out, ": {note}{other}{note:#}: {}", d.message)?,
            }
            if !d.pointer.is_empty() {
                write!(out, " {dim}(at {}){dim:#}", d.pointer)?;
            }
            writeln!(out, " {dim}[{}]{dim:#}", d.rule)?;
        }
        let Some(doc) = report
            .document
            .as_ref()
            .filter(|_| report.count(Severity::Error) == 0)
        else {
            continue;
        };
        let namespaces = doc.api.namespaces.len();
        let events: usize = doc
            .api
            .namespaces
            .iter()
            .map(|n| n.ingress.len() + n.egress.len())
            .sum();
        let mut counts = String::new();
        for (severity, one, many) in [
            (Severity::Warning, "warning", "warnings"),
            (Severity::Info, "info", "infos"),
            (Severity::Hint, "hint", "hints"),
        ] {
            let n = report.count(severity);
            if n > 0 {
                counts.push_str(&format!(", {n} {}", plural(n, one, many)));
            }
        }
        writeln!(
            out,
            "{place}{}{place:#}: {ok}valid{ok:#} (AsyncAPI {}, {namespaces} {}, {events} {}{counts})",
            file.display(),
            doc.api.asyncapi,
            plural(namespaces, "namespace", "namespaces"),
            plural(events, "event", "events"),
        )?;
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

fn print_json_value(out: &mut dyn Write, value: &serde_json::Value) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::other)?;
    writeln!(out)?;
    out.flush()
}
