//! What a run found: one [`Check`] per thing tried, and the renderings of a [`Report`] (summary
//! table, JUnit XML, JSON).

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

/// The part of the contract a check belongs to (also the values of `--only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The namespace CONNECT: valid handshakes accepted, invalid ones refused.
    Handshake,
    /// Valid client-sent events: examples and generated values.
    Events,
    /// Invalid client-sent events: schema mutations.
    Negative,
    /// Server-sent events, received during the run and while listening.
    Listen,
}

impl Phase {
    /// Every phase, in run order.
    pub const ALL: [Phase; 4] = [
        Phase::Handshake,
        Phase::Events,
        Phase::Negative,
        Phase::Listen,
    ];

    /// The lower-case name (`handshake`, `events`, `negative`, `listen`).
    pub fn name(self) -> &'static str {
        match self {
            Phase::Handshake => "handshake",
            Phase::Events => "events",
            Phase::Negative => "negative",
            Phase::Listen => "listen",
        }
    }

    /// The phase called `name`.
    pub fn parse(name: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// What broke the contract, as a stable snake_case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationKind {
    /// A handshake that meets the bindings and security was refused (or failed).
    ValidHandshakeRefused,
    /// A handshake that breaks a binding was accepted.
    BindingNotEnforced,
    /// A secured namespace accepted a client without (or with malformed) credentials.
    SecurityNotEnforced,
    /// No CONNECT answer (neither accepted nor refused) within the timeout.
    HandshakeTimeout,
    /// A valid event's ack did not come within the timeout.
    AckTimeout,
    /// A valid event's ack does not validate against the ack schema.
    InvalidAck,
    /// The server dropped the client after a valid event.
    Disconnected,
    /// An invalid event was acked with a value that validates as a success.
    InvalidEventAccepted,
    /// An invalid event was never answered (no ack, no disconnect).
    InvalidEventUnanswered,
    /// After the negative cases, a valid event on a fresh connection failed.
    NotServingAfterNegative,
    /// The server emitted an event the document does not list for the namespace.
    UndeclaredEvent,
    /// The server emitted a listed event whose arguments do not validate.
    InvalidServerEvent,
}

impl ViolationKind {
    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            ViolationKind::ValidHandshakeRefused => "valid_handshake_refused",
            ViolationKind::BindingNotEnforced => "binding_not_enforced",
            ViolationKind::SecurityNotEnforced => "security_not_enforced",
            ViolationKind::HandshakeTimeout => "handshake_timeout",
            ViolationKind::AckTimeout => "ack_timeout",
            ViolationKind::InvalidAck => "invalid_ack",
            ViolationKind::Disconnected => "disconnected",
            ViolationKind::InvalidEventAccepted => "invalid_event_accepted",
            ViolationKind::InvalidEventUnanswered => "invalid_event_unanswered",
            ViolationKind::NotServingAfterNegative => "not_serving_after_negative",
            ViolationKind::UndeclaredEvent => "undeclared_event",
            ViolationKind::InvalidServerEvent => "invalid_server_event",
        }
    }
}

/// Why a check failed, with what reproduces it.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// What broke.
    pub kind: ViolationKind,
    /// A readable explanation (schema violations, the error seen).
    pub message: String,
    /// The arguments sent (or received), as first found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<Value>>,
    /// The smallest arguments found that fail the same way (generated values only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shrunk: Option<Vec<Value>>,
    /// A one-line JavaScript reproduction (`socket.emit(...)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reproduction: Option<String>,
}

impl Failure {
    /// A failure with nothing attached yet.
    pub(crate) fn new(kind: ViolationKind, message: String) -> Failure {
        Failure {
            kind,
            message,
            args: None,
            shrunk: None,
            reproduction: None,
        }
    }

    /// With the arguments sent (or received).
    pub(crate) fn with_args(mut self, args: Vec<Value>) -> Failure {
        self.args = Some(args);
        self
    }

    /// With a one-line JavaScript reproduction.
    pub(crate) fn with_reproduction(mut self, js: String) -> Failure {
        self.reproduction = Some(js);
        self
    }
}

/// One thing tried against the server.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// The contract part.
    pub phase: Phase,
    /// The concrete namespace (`/tenant/7` for `/tenant/{id}`).
    pub namespace: String,
    /// The event, when the check is about one (`-` for handshakes).
    pub event: String,
    /// What was tried, e.g. `generated #3 (websocket)`.
    pub name: String,
    /// How long it took.
    #[serde(serialize_with = "seconds")]
    pub duration: Duration,
    /// `None` when it passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl Check {
    /// Whether the check passed.
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }
}

/// Everything a run found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The seed that replays the run (`--seed`).
    pub seed: u64,
    /// The document's title.
    pub title: String,
    /// Every check, in run order.
    pub checks: Vec<Check>,
    /// Wall time of the run.
    #[serde(serialize_with = "seconds")]
    pub duration: Duration,
}

/// One row of [`Report::summary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    /// Namespace.
    pub namespace: String,
    /// Event (`-` for handshakes).
    pub event: String,
    /// Checks run.
    pub checks: usize,
    /// Checks passed.
    pub passed: usize,
    /// Checks failed.
    pub failed: usize,
}

impl Report {
    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed())
    }

    /// Whether every check passed.
    pub fn is_success(&self) -> bool {
        self.checks.iter().all(Check::passed)
    }

    /// Checks per namespace and event, in first-seen order.
    pub fn summary(&self) -> Vec<SummaryRow> {
        let mut rows: Vec<SummaryRow> = Vec::new();
        for c in &self.checks {
            let i = match rows
                .iter()
                .position(|r| r.namespace == c.namespace && r.event == c.event)
            {
                Some(i) => i,
                None => {
                    rows.push(SummaryRow {
                        namespace: c.namespace.clone(),
                        event: c.event.clone(),
                        checks: 0,
                        passed: 0,
                        failed: 0,
                    });
                    rows.len() - 1
                }
            };
            rows[i].checks += 1;
            if c.passed() {
                rows[i].passed += 1;
            } else {
                rows[i].failed += 1;
            }
        }
        rows
    }

    /// The summary table and every failure with its reproduction, as plain text.
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
            "{:<w_ns$}  {:<w_ev$}  {:>7}  {:>7}  {:>7}",
            "namespace", "event", "checks", "passed", "failed"
        );
        for r in &rows {
            let _ = writeln!(
                out,
                "{:<w_ns$}  {:<w_ev$}  {:>7}  {:>7}  {:>7}",
                r.namespace, r.event, r.checks, r.passed, r.failed
            );
        }
        let failed: Vec<&Check> = self.failures().collect();
        for c in &failed {
            let Some(f) = &c.failure else { continue };
            let _ = writeln!(
                out,
                "\nFAILED [{}] {} {} {}: {}\n  {}",
                c.phase.name(),
                c.namespace,
                c.event,
                c.name,
                f.kind.code(),
                f.message
            );
            if let Some(args) = &f.args {
                let _ = writeln!(out, "  arguments: {}", short(args));
            }
            if let Some(shrunk) = &f.shrunk {
                let _ = writeln!(out, "  shrunk to: {}", short(shrunk));
            }
            if let Some(repro) = &f.reproduction {
                let _ = writeln!(out, "  reproduce: {repro}");
            }
        }
        let _ = writeln!(
            out,
            "\n{} checks, {} passed, {} failed in {:.2} s (seed {}; replay with --seed {})",
            self.checks.len(),
            self.checks.len() - failed.len(),
            failed.len(),
            self.duration.as_secs_f64(),
            self.seed,
            self.seed
        );
        out
    }

    /// The report as JSON: seed, title, duration, summary rows and every check.
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "seed": self.seed,
            "title": self.title,
            "duration": self.duration.as_secs_f64(),
            "passed": self.is_success(),
            "summary": self.summary(),
            "checks": self.checks,
        })
    }

    /// JUnit XML: one `<testsuite>` per namespace, one `<testcase>` per check (`classname` is
    /// `namespace.event`), a `<failure type="code" message="…">` with the details on failure.
    pub fn to_junit(&self) -> String {
        let mut suites: Vec<(&str, Vec<&Check>)> = Vec::new();
        for c in &self.checks {
            match suites.iter_mut().find(|(ns, _)| *ns == c.namespace) {
                Some((_, list)) => list.push(c),
                None => suites.push((&c.namespace, vec![c])),
            }
        }
        let total_failed = self.failures().count();
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            out,
            "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" time=\"{:.3}\">",
            xml(&format!("asynction test: {}", self.title)),
            self.checks.len(),
            total_failed,
            self.duration.as_secs_f64()
        );
        for (ns, checks) in suites {
            let failed = checks.iter().filter(|c| !c.passed()).count();
            let time: f64 = checks.iter().map(|c| c.duration.as_secs_f64()).sum();
            let _ = writeln!(
                out,
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" time=\"{:.3}\">",
                xml(ns),
                checks.len(),
                failed,
                time
            );
            let _ = writeln!(
                out,
                "    <properties><property name=\"seed\" value=\"{}\"/></properties>",
                self.seed
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
                match &c.failure {
                    None => out.push_str("/>\n"),
                    Some(f) => {
                        let mut body = f.message.clone();
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
                        let _ = write!(
                            out,
                            ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                            f.kind.code(),
                            xml(&first_line(&f.message)),
                            xml(&body)
                        );
                    }
                }
            }
            out.push_str("  </testsuite>\n");
        }
        out.push_str("</testsuites>\n");
        out
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

/// [`compact`], cut to about 300 characters for terminal output.
fn short(args: &[Value]) -> String {
    let s = compact(args);
    if s.chars().count() <= 300 {
        return s;
    }
    let cut: String = s.chars().take(300).collect();
    format!(
        "{cut}… ({} characters; full in --format json)",
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
    use super::*;

    #[test]
    fn xml_escapes_controls_and_markup() {
        assert_eq!(xml("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;?");
    }
}
