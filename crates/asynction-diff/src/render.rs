//! Markdown for pull-request comments (the text and JSON forms live with their users: the CLI
//! colours text; JSON is [`crate::Report::to_json`]).

use std::fmt::Write;

use crate::{Change, Report, Severity};

/// The report as GitHub-flavoured Markdown: a heading with the summary, then one section per
/// severity (breaking first), one bullet per change with who is affected and where.
///
/// ```
/// use asynction_diff::{markdown, Report};
///
/// let report = Report { old: "a.yaml".into(), new: "b.yaml".into(), changes: vec![] };
/// assert!(markdown(&report).contains("No changes"));
/// ```
pub fn markdown(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "### AsyncAPI changes: {}\n\n`{}` → `{}`\n",
        report.summary(),
        code(&report.old),
        code(&report.new)
    );
    if report.changes.is_empty() {
        s.push_str("No changes: every client keeps working.\n");
        return s;
    }
    for sev in Severity::ALL {
        let n = report.count(sev);
        if n == 0 {
            continue;
        }
        let title = match sev {
            Severity::Breaking => "Breaking",
            Severity::Warning => "Warnings",
            Severity::Info => "Compatible",
        };
        let _ = writeln!(s, "#### {title} ({n})\n");
        for c in report.with_severity(sev) {
            bullet(&mut s, c);
        }
        s.push('\n');
    }
    s
}

fn bullet(s: &mut String, c: &Change) {
    let mut subject = Vec::new();
    if let Some(ns) = &c.namespace {
        subject.push(format!("`{}`", code(ns)));
    }
    if let Some(ev) = &c.event {
        subject.push(format!("`{}`", code(ev)));
    }
    let subject = if subject.is_empty() {
        String::new()
    } else {
        format!("**{}** ", subject.join(" "))
    };
    let _ = writeln!(
        s,
        "- {subject}{} (`{}`)  \n  {}",
        escape(&c.message),
        c.kind,
        escape(&c.affected)
    );
    let mut places = Vec::new();
    for (which, place) in [("old", &c.old), ("new", &c.new)] {
        if let Some(p) = place {
            let mut text = format!("{which} `{}`", code(&p.to_string()));
            if let Some(used) = &p.used_at {
                text.push_str(&format!(", used at `{}`", code(&used.position())));
            }
            places.push(text);
        }
    }
    if !places.is_empty() {
        let _ = writeln!(s, "  <sub>{}</sub>", places.join(" · "));
    }
}

/// Text inside a code span: backticks cannot be escaped there, so they become quotes.
fn code(t: &str) -> String {
    t.replace('`', "'")
}

/// Plain text that Markdown must not interpret.
fn escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for ch in t.chars() {
        if matches!(
            ch,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '~'
        ) {
            out.push('\\');
        }
        out.push(ch);
    }
    out
}
