//! The renderings of a [`Report`]: the summary table with every failure and warning (text),
//! JSON, and JUnit XML (a warning is a `<skipped>` test case with its message).

use std::fmt::Write as _;

use serde_json::Value;

use super::{Check, Failure, Report, SeenBy};

impl Report {
    /// The summary table, every failure with its reproduction and every warning, the rule set
    /// used and the totals, as plain text.
    pub fn render_text(&self) -> String {
        let rows = self.summary();
        let w_ns = rows
            .iter()
            .map(|r| r.namespace.chars().count())
            .chain([9])
            .max()
            .unwrap_or(9);
        let w_ev = rows
            .iter()
            .map(|r| r.event.chars().count())
            .chain([5])
            .max()
            .unwrap_or(5);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<w_ns$}  {:<w_ev$}  {:>7}  {:>7}  {:>8}  {:>7}",
            "namespace", "event", "checks", "passed", "warnings", "failed"
        );
        for r in &rows {
            let _ = writeln!(
                out,
                "{:<w_ns$}  {:<w_ev$}  {:>7}  {:>7}  {:>8}  {:>7}",
                r.namespace, r.event, r.checks, r.passed, r.warnings, r.failed
            );
        }
        let failed: Vec<&Check> = self.failures().collect();
        for c in &failed {
            if let Some(f) = &c.failure {
                write_failure(&mut out, c, f);
            }
        }
        let warned: Vec<&Check> = self.warnings().collect();
        for c in &warned {
            let Some(w) = &c.warning else { continue };
            let _ = writeln!(
                out,
                "\nWARNING [{}] {} {} {}: {}\n  {}",
                c.phase.name(),
                c.namespace,
                c.event,
                c.name,
                w.kind.code(),
                w.message
            );
            if let Some(args) = &w.args {
                let _ = writeln!(out, "  arguments: {}", short(args));
            }
        }
        let _ = writeln!(out, "\n{}", self.refusals.describe());
        let _ = writeln!(
            out,
            "{} checks: {} passed, {} warnings, {} failed in {:.2} s (seed {}; replay with --seed {})",
            self.checks.len(),
            self.checks.len() - failed.len() - warned.len(),
            warned.len(),
            failed.len(),
            self.duration.as_secs_f64(),
            self.seed,
            self.seed
        );
        out
    }

    /// The report as JSON: seed, title, duration, the refusal rules, summary rows and every
    /// check.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "seed": self.seed,
            "title": self.title,
            "duration": self.duration.as_secs_f64(),
            "passed": self.is_success(),
            "warnings": self.warnings().count(),
            "refusals": self.refusals,
            "summary": self.summary(),
            "checks": self.checks,
        })
    }

    /// JUnit XML: one `<testsuite>` per namespace, one `<testcase>` per check (`classname` is
    /// `namespace.event`), a `<failure type="code" message="…">` with the details on failure,
    /// a `<skipped message="warning: code: …">` for a check that passed with a warning (JUnit
    /// has no warning state; CI tools show skipped cases with their message and do not fail
    /// the build). The refusal rules are a property of each suite.
    pub fn to_junit(&self) -> String {
        let mut suites: Vec<(&str, Vec<&Check>)> = Vec::new();
        for c in &self.checks {
            match suites.iter_mut().find(|(ns, _)| *ns == c.namespace) {
                Some((_, list)) => list.push(c),
                None => suites.push((&c.namespace, vec![c])),
            }
        }
        let total_failed = self.failures().count();
        let total_warned = self.warnings().count();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3}\">",
            xml(&format!("asynction test: {}", self.title)),
            self.checks.len(),
            total_failed,
            total_warned,
            self.duration.as_secs_f64()
        );
        for (ns, checks) in suites {
            let failed = checks.iter().filter(|c| !c.passed()).count();
            let warned = checks.iter().filter(|c| c.warned()).count();
            let time: f64 = checks.iter().map(|c| c.duration.as_secs_f64()).sum();
            let _ = writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{:.3}\">",
                xml(ns),
                checks.len(),
                failed,
                warned,
                time
            );
            let _ = writeln!(
                out,
                "    <properties><property name=\"seed\" value=\"{}\"/><property name=\"refusals\" value=\"{}\"/></properties>",
                self.seed,
                self.refusals.rules.name()
            );
            for c in checks {
                let classname = format!("{}.{}", c.namespace, c.event);
                let name = format!("{}: {}", c.phase.name(), c.name);
                let _ = write!(
                    out,
                    "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                    xml(&classname),
                    xml(&name),
                    c.duration.as_secs_f64()
                );
                match (&c.failure, &c.warning) {
                    (None, None) => out.push_str("/>\n"),
                    (Some(f), _) => {
                        let body = self.failure_body(f);
                        let _ = write!(
                            out,
                            ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                            f.kind.code(),
                            xml(&first_line(&f.message)),
                            xml(&body)
                        );
                    }
                    (None, Some(w)) => {
                        let _ = write!(
                            out,
                            ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                            xml(&format!("warning: {}: {}", w.kind.code(), w.message))
                        );
                    }
                }
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
    }

    /// A failure's details for JUnit: message, frames, arguments, reproduction, seed.
    fn failure_body(&self, f: &Failure) -> String {
        let mut body = f.message.clone();
        if let Some(c) = &f.consequence {
            let _ = write!(body, "\nsent: {}\nreceived: {}", c.sent, c.received);
        }
        if let Some(args) = &f.args {
            let _ = write!(body, "\narguments: {}", compact(args));
        }
        if let Some(shrunk) = &f.shrunk {
            let _ = write!(body, "\nshrunk to: {}", compact(shrunk));
        }
        if let Some(r) = &f.reproduction {
            let _ = write!(body, "\nreproduce: {r}");
        }
        let _ = write!(body, "\nseed: {}", self.seed);
        body
    }
}

/// One failure of the text report.
fn write_failure(out: &mut String, c: &Check, f: &Failure) {
    let _ = writeln!(
        out,
        "\nFAILED [{}] {} {} {}: {}\n  {}",
        c.phase.name(),
        c.namespace,
        c.event,
        c.name,
        f.kind.code(),
        cut(&f.message)
    );
    if let Some(cause) = &f.consequence {
        let by = match cause.seen_by {
            SeenBy::Sender => "by the client that sent the input",
            SeenBy::OtherClient => "by another client of the namespace",
        };
        let _ = writeln!(out, "  sent:      {}", cut(&cause.sent));
        let _ = writeln!(out, "  received:  {} ({by})", cut(&cause.received));
    } else if let Some(args) = &f.args {
        let _ = writeln!(out, "  arguments: {}", short(args));
    }
    if let Some(shrunk) = &f.shrunk {
        let what = if f.consequence.is_some() {
            "input shrunk to"
        } else {
            "shrunk to"
        };
        let _ = writeln!(out, "  {what}: {}", short(shrunk));
    }
    if let Some(repro) = &f.reproduction {
        let mut lines = repro.lines();
        let _ = writeln!(out, "  reproduce: {}", lines.next().unwrap_or_default());
        for line in lines {
            let _ = writeln!(out, "             {line}");
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_owned()
}

/// Arguments as one compact line (`a, b`).
pub(crate) fn compact(args: &[Value]) -> String {
    args.iter()
        .map(|a| serde_json::to_string(a).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Characters of one value or message in the text report (the JSON report has them whole).
const CUT: usize = 400;

/// [`compact`], cut to about [`CUT`] characters for terminal output.
fn short(args: &[Value]) -> String {
    cut(&compact(args))
}

/// Text cut to about [`CUT`] characters for terminal output.
fn cut(s: &str) -> String {
    if s.chars().count() <= CUT {
        return s.to_owned();
    }
    let head: String = s.chars().take(CUT).collect();
    format!(
        "{head}… ({} characters; full in --format json)",
        s.chars().count()
    )
}

/// Escapes text for XML attributes and content; characters XML 1.0 cannot carry become `?`.
fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' | '\r' => {
                let _ = write!(out, "&#{};", ch as u32);
            }
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::refusals::RefusalRules;
    use crate::report::{Phase, ViolationKind, Warning, WarningKind};

    #[test]
    fn xml_escapes_controls_and_markup() {
        assert_eq!(xml("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;?");
    }

    fn check(name: &str, failure: Option<Failure>, warning: Option<Warning>) -> Check {
        Check {
            phase: Phase::Negative,
            namespace: "/".into(),
            event: "add user".into(),
            name: name.into(),
            duration: Duration::from_millis(1),
            failure,
            warning,
        }
    }

    #[test]
    fn warnings_are_counted_apart_and_skipped_in_junit() {
        let warning = Warning {
            kind: WarningKind::SilentOnInvalidEvent,
            message: "no sign of refusal".into(),
            args: Some(vec![Value::from(0)]),
        };
        let report = Report {
            seed: 1,
            title: "t".into(),
            checks: vec![
                check("ok", None, None),
                check("silent", None, Some(warning)),
                check(
                    "broken",
                    Some(Failure::new(
                        ViolationKind::InvalidServerEvent,
                        "bad".into(),
                    )),
                    None,
                ),
            ],
            refusals: RefusalRules::choose(None, None),
            duration: Duration::from_millis(3),
        };
        let row = &report.summary()[0];
        assert_eq!(
            (row.checks, row.passed, row.warnings, row.failed),
            (3, 1, 1, 1)
        );
        let text = report.render_text();
        assert!(
            text.contains("WARNING [negative] / add user silent: silent_on_invalid_event"),
            "{text}"
        );
        assert!(text.contains("refusal rules: documented"), "{text}");
        assert!(
            text.contains("3 checks: 1 passed, 1 warnings, 1 failed"),
            "{text}"
        );
        let junit = report.to_junit();
        assert!(
            junit.contains(
                "<skipped message=\"warning: silent_on_invalid_event: no sign of refusal\"/>"
            ),
            "{junit}"
        );
        assert!(junit.contains("skipped=\"1\""), "{junit}");
        assert_eq!(report.to_json()["warnings"], 1);
        assert_eq!(report.to_json()["refusals"]["rules"], "documented");
    }
}
