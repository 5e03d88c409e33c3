//! `asynction diff OLD NEW`: breaking-change detection between two versions of a document
//! (the engine is the `asynction-diff` crate; this module loads, prints and picks the exit code).
//!
//! OLD and NEW are files, or `REV:PATH` read from git (`origin/main:asyncapi.yaml`). A `REV:PATH`
//! document's relative `$ref`s are read from the same revision: every file it references
//! (transitively) is taken with `git show` and written, with the document, into a temporary
//! directory that mirrors the repository layout. `PATH` is relative to the repository root, or to
//! the current directory when it starts with `./` or `../` (as `git show` reads it).
//!
//! Exit codes: 0 when no change is at or above `--fail-on` (default `breaking`), 1 when one is, 2
//! on a usage error or a document that does not load (its diagnostics on stderr).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, ExitCode};

use anstyle::{AnsiColor, Style};
use asynction::{Diagnostic, Document};
use asynction_diff::{Change, Report, Severity};
use clap::{Args, ValueEnum};

use crate::GlobalOptions;
use crate::console::{Console, errln};

/// Arguments of `asynction diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old document: a file, or REV:PATH read from git (e.g. origin/main:asyncapi.yaml).
    #[arg(value_name = "OLD")]
    old: String,
    /// The new document: a file, or REV:PATH read from git.
    #[arg(value_name = "NEW")]
    new: String,
    /// How changes are printed.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with 1 when a change is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Breaking)]
    fail_on: FailOn,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Grouped by severity, coloured on a terminal.
    Text,
    /// A JSON object with a stable shape (see the README).
    Json,
    /// Markdown for a pull-request comment.
    Markdown,
}

/// The least severity that makes `diff` exit with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Fail on breaking changes.
    Breaking,
    /// Fail on breaking changes and warnings (changes that could not be proven compatible).
    Warning,
    /// Never fail on changes.
    Never,
}

/// Runs the subcommand; returns the exit code.
pub fn run(global: &GlobalOptions, args: &DiffArgs, console: &mut Console) -> ExitCode {
    let options = global.load_options();
    let old = load(&args.old, &options);
    let new = load(&args.new, &options);
    let (old, new) = match (old, new) {
        (Ok(old), Ok(new)) => (old, new),
        (old, new) => {
            console.styled_err(|err| {
                for failed in [old.err(), new.err()].into_iter().flatten() {
                    let _ = writeln!(err, "{failed}");
                }
            });
            return ExitCode::from(2);
        }
    };
    let report = asynction_diff::diff_labelled(&old.doc, &old.label, &new.doc, &new.label);
    let written = match args.format {
        Format::Text => console.styled_out(|out| print_text(out, &report)),
        Format::Json => console.out(|out| print_json(out, &report)),
        Format::Markdown => console.out(|out| {
            out.write_all(asynction_diff::markdown(&report).as_bytes())
                .and_then(|()| out.flush())
        }),
    };
    if let Err(e) = written {
        errln!(console, "asynction: cannot write the report: {e}");
        return ExitCode::from(2);
    }
    let threshold = match args.fail_on {
        FailOn::Breaking => Some(Severity::Breaking),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    };
    match (threshold, report.max_severity()) {
        (Some(t), Some(worst)) if worst >= t => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

/// A loaded document, with the label that names it in reports and the temporary directory a
/// git revision was written to (kept alive as long as the document).
struct Loaded {
    doc: Document,
    label: String,
    _dir: Option<tempfile::TempDir>,
}

/// `file` or `REV:PATH`; the error is printable (diagnostics, one per line).
fn load(spec: &str, options: &asynction::LoadOptions) -> Result<Loaded, String> {
    let as_file = Path::new(spec);
    if !as_file.exists()
        && let Some((rev, path)) = spec.split_once(':')
        && !rev.is_empty()
        && !path.is_empty()
    {
        return load_from_git(spec, rev, path, options);
    }
    Document::from_path_with(as_file, options)
        .map(|doc| Loaded {
            doc,
            label: spec.to_owned(),
            _dir: None,
        })
        .map_err(|e| diagnostics(e.diagnostics(), None))
}

fn diagnostics(ds: &[Diagnostic], relabel: Option<(&Path, &str)>) -> String {
    ds.iter()
        .map(|d| {
            let mut d = d.clone();
            if let Some((dir, rev)) = relabel
                && let Ok(rel) = d.location.file.strip_prefix(dir)
            {
                d.location.file = PathBuf::from(format!("{rev}:{}", rel.display()));
            }
            d.to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads `REV:PATH` and the files it references from git into a temporary directory.
fn load_from_git(
    spec: &str,
    rev: &str,
    path: &str,
    options: &asynction::LoadOptions,
) -> Result<Loaded, String> {
    let fail = |msg: String| format!("{spec}: {msg}");
    let prefix = if path.starts_with("./") || path.starts_with("../") {
        git(&["rev-parse", "--show-prefix"])
            .map_err(fail)?
            .trim()
            .to_owned()
    } else {
        String::new()
    };
    let main = normalize(&Path::new(&prefix).join(path))
        .ok_or_else(|| fail(format!("'{path}' leaves the repository")))?;
    let dir = tempfile::tempdir()
        .map_err(|e| fail(format!("cannot create a temporary directory: {e}")))?;
    // The document, then every file it references, transitively (a missing one is left to the
    // loader, which reports it where it is referenced).
    let mut todo = vec![main.clone()];
    let mut done = BTreeSet::new();
    while let Some(file) = todo.pop() {
        if !done.insert(file.clone()) {
            continue;
        }
        let text = match git(&["show", &format!("{rev}:{}", slash(&file))]) {
            Ok(text) => text,
            Err(e) if file == main => return Err(fail(e)),
            Err(_) => continue,
        };
        let target = dir.path().join(&file);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| fail(format!("cannot write {}: {e}", target.display())))?;
        }
        std::fs::write(&target, &text)
            .map_err(|e| fail(format!("cannot write {}: {e}", target.display())))?;
        let base = file.parent().unwrap_or(Path::new(""));
        for r in file_refs(&text) {
            if let Some(next) = normalize(&base.join(r)) {
                todo.push(next);
            }
        }
    }
    let doc = Document::from_path_with(dir.path().join(&main), options)
        .map_err(|e| diagnostics(e.diagnostics(), Some((dir.path(), rev))))?;
    Ok(Loaded {
        doc,
        label: spec.to_owned(),
        _dir: Some(dir),
    })
}

/// Runs git, returning its stdout.
fn git(args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("git {}: not UTF-8", args.join(" ")))
}

/// The file parts of relative `$ref`s in YAML or JSON text (`./a.yaml#/X` → `./a.yaml`).
fn file_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("$ref") {
        rest = &rest[i + 4..];
        let value = rest
            .trim_start_matches(['"', '\''])
            .trim_start()
            .strip_prefix(':')
            .map(str::trim_start);
        let Some(value) = value else { continue };
        let value = value.trim_start_matches(['"', '\'']);
        let end = value
            .find(['"', '\'', '\n', '\r', ',', '}', ' ', '#'])
            .unwrap_or(value.len());
        let file = &value[..end];
        if !file.is_empty() && !file.contains("://") {
            out.push(file.to_owned());
        }
    }
    out
}

/// `a/./b/../c` → `a/c`; `None` when it climbs above the root or is absolute.
fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(s) => out.push(s),
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// A repository path with `/` separators (what `git show` expects on every platform).
fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn severity_style(s: Severity) -> Style {
    let color = match s {
        Severity::Breaking => AnsiColor::Red,
        Severity::Warning => AnsiColor::Yellow,
        Severity::Info => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// The text report; `out` strips the styles when stdout is not a terminal (and honours
/// NO_COLOR).
fn print_text(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    let bold = Style::new().bold();
    let dim = Style::new().dimmed();
    writeln!(
        out,
        "{bold}{}{bold:#} → {bold}{}{bold:#}: {}",
        report.old,
        report.new,
        report.summary()
    )?;
    for sev in Severity::ALL {
        let n = report.count(sev);
        if n == 0 {
            continue;
        }
        let style = severity_style(sev);
        writeln!(out, "\n{style}{sev} ({n}){style:#}")?;
        for c in report.with_severity(sev) {
            print_change(out, c, style, bold, dim)?;
        }
    }
    out.flush()
}

fn print_change(
    out: &mut dyn Write,
    c: &Change,
    style: Style,
    bold: Style,
    dim: Style,
) -> std::io::Result<()> {
    let mut subject = Vec::new();
    if let Some(ns) = &c.namespace {
        subject.push(ns.clone());
    }
    if let Some(ev) = &c.event {
        subject.push(format!("'{ev}'"));
    }
    write!(out, "  {style}{}{style:#} ", c.severity)?;
    if !subject.is_empty() {
        write!(out, "{bold}{}{bold:#}: ", subject.join(" "))?;
    }
    writeln!(out, "{} {dim}[{}]{dim:#}", c.message, c.kind)?;
    writeln!(out, "    {}", c.affected)?;
    for (which, place) in [("old", &c.old), ("new", &c.new)] {
        if let Some(p) = place {
            writeln!(out, "    {dim}{which}: {p}{dim:#}")?;
            // The node is written in `components`; this is where a `$ref` brings it in.
            if let Some(used) = &p.used_at {
                writeln!(out, "    {dim}     used at {}{dim:#}", used.position())?;
            }
        }
    }
    Ok(())
}

fn print_json(out: &mut dyn Write, report: &Report) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &report.to_json()).map_err(std::io::Error::other)?;
    writeln!(out)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_file_refs_are_found_in_yaml_and_json() {
        let text = "a: { $ref: './common.yaml#/X' }\nb:\n  $ref: \"../shared/m.json\"\nc: { \"$ref\": \"#/local\" }\nd: { $ref: 'https://x/y.yaml' }\n";
        assert_eq!(file_refs(text), ["./common.yaml", "../shared/m.json"]);
    }

    #[test]
    fn paths_are_normalized_inside_the_repository() {
        assert_eq!(
            normalize(Path::new("a/./b/../c.yaml")),
            Some(PathBuf::from("a/c.yaml"))
        );
        assert_eq!(normalize(Path::new("../c.yaml")), None);
    }
}
