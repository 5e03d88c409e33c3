//! The recommended ruleset (advice, not validity) and the configuration of every rule.
//!
//! [`recommended`] runs the recommended rules of @asyncapi/parser with the same ids and
//! severities (`asyncapi-info-contact`, `asyncapi2-operation-operationId`,
//! `asyncapi-unused-component`, `asyncapi-latest-version`, …), and asynction's Socket.IO rules
//! (`asynction-socketio-*`: what would mislead a Socket.IO server or client). The reference
//! parser runs its recommended rules on 2.x documents only; here they run on every version,
//! read the way the version writes the same thing (3.x `info.tags` for the root `tags` of
//! 2.x); the two that name what 3.x gives by construction (`operationId`, `messageId`: 3.x
//! operations and messages are known by their keys) do not apply to 3.x.
//!
//! A [`Ruleset`] changes what is reported, as Spectral rulesets do: rule severities, rules off,
//! the recommended rules off; `x-asynction-disable: [rule-id, …]` on a node of the document
//! turns rules off for that node and everything under it.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Diagnostic, Location, Severity};
use crate::fields::written_pointer;
use crate::rules::{self, Rule};
use crate::source::escape_pointer;
use crate::{Document, SUPPORTED_VERSIONS};

/// The extension that turns rules off for a node: `x-asynction-disable: [rule-id, …]`.
pub const DISABLE_KEY: &str = "x-asynction-disable";

/// The recommended rules' findings on `doc`, in document order (not yet filtered by a
/// [`Ruleset`]).
///
/// ```
/// let doc = asynction_spec::Document::from_text(
///     "asyncapi: 2.6.0\ninfo: { title: T, version: '1' }\nchannels: {}\n",
/// )?;
/// let rules: Vec<&str> = asynction_spec::lint::recommended(&doc).iter().map(|d| d.rule).collect();
/// assert!(rules.contains(&"asyncapi-info-contact"));
/// assert!(rules.contains(&"asyncapi-latest-version"));
/// # Ok::<(), asynction_spec::SpecError>(())
/// ```
pub fn recommended(doc: &Document) -> Vec<Diagnostic> {
    let raw = doc.raw();
    let Some(root) = raw.as_object() else {
        return Vec::new();
    };
    let version = doc.api.asyncapi.as_str();
    let v2 = version.starts_with("2.");
    let root_line = document_line(&doc.text);
    let mut out = Vec::new();
    let mut report = |pointer: &str, rule: &'static str, message: String| {
        let severity = rules::rule_named(rule).map_or(Severity::Warning, |r| r.severity);
        let mut d = doc
            .diagnostic(pointer, message)
            .with_rule(rule)
            .with_severity(severity);
        if pointer.is_empty() && root_line != 0 {
            d.location.line = Some(root_line);
            d.location.column = Some(1);
        }
        out.push(d);
    };

    if !truthy(root.get("id")) {
        report(
            "",
            "asyncapi-id",
            "the document should have an \"id\" (a URI naming the application)".to_owned(),
        );
    }
    if !truthy(root.get("defaultContentType")) {
        report(
            "",
            "asyncapi-defaultContentType",
            "the document should have a \"defaultContentType\" (such as application/json)"
                .to_owned(),
        );
    }
    let latest = SUPPORTED_VERSIONS.last().copied().unwrap_or_default();
    if version != latest {
        report(
            "/asyncapi",
            "asyncapi-latest-version",
            format!(
                "the document uses AsyncAPI {version}; the latest version is {latest} \
                 (`asynction convert` writes it)"
            ),
        );
    }
    if let Some(info) = root.get("info").and_then(Value::as_object) {
        if !truthy(info.get("description")) {
            report(
                "/info",
                "asyncapi-info-description",
                "info should have a non-empty \"description\"".to_owned(),
            );
        }
        match info.get("contact") {
            Some(Value::Object(contact)) => {
                for field in ["name", "url", "email"] {
                    if !truthy(contact.get(field)) {
                        report(
                            "/info/contact",
                            "asyncapi-info-contact-properties",
                            format!("info.contact should have \"{field}\""),
                        );
                    }
                }
            }
            other if !truthy(other) => report(
                "/info",
                "asyncapi-info-contact",
                "info should have a \"contact\" object (name, url, email)".to_owned(),
            ),
            _ => {}
        }
        if !truthy(info.get("license")) {
            report(
                "/info",
                "asyncapi-info-license",
                "info should have a \"license\" object".to_owned(),
            );
        }
    }
    // 2.x writes the document's tags at the root, 3.x under info.
    let (tags, tags_at) = if v2 {
        (root.get("tags"), "")
    } else {
        (root.get("info").and_then(|i| i.get("tags")), "/info")
    };
    if !truthy(tags) || tags.and_then(Value::as_array).is_some_and(Vec::is_empty) {
        report(
            tags_at,
            "asyncapi2-tags",
            format!(
                "the document should have a non-empty \"tags\" array{}",
                if v2 { "" } else { " in info" }
            ),
        );
    }
    match root.get("servers") {
        Some(Value::Object(s)) if !s.is_empty() => {}
        _ => report(
            "",
            "asyncapi-servers",
            "the document should have a non-empty \"servers\" object".to_owned(),
        ),
    }
    if v2 {
        ids_of_2x_operations_and_messages(raw, root, version, &mut report);
    }
    unused_components(raw, root, v2, &mut report);
    socketio(doc, &mut report);
    out
}

/// The line a finding about the whole document is reported at: the document's first line,
/// or, after a header of several comment lines, the line the document's content starts on
/// (where the reference parser reports them too).
fn document_line(text: &str) -> u32 {
    let mut comments = 0;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            comments += 1;
        } else if !trimmed.is_empty() {
            return if comments >= 2 { i as u32 + 1 } else { 1 };
        }
    }
    1
}

/// `operationId` on every 2.x operation, `messageId` on every 2.4+ message (traits merged).
fn ids_of_2x_operations_and_messages(
    raw: &Value,
    root: &Map<String, Value>,
    version: &str,
    report: &mut impl FnMut(&str, &'static str, String),
) {
    let message_ids = !matches!(version, "2.0.0" | "2.1.0" | "2.2.0" | "2.3.0");
    for (section, channels) in [
        ("/channels", root.get("channels")),
        (
            "/components/channels",
            root.get("components").and_then(|c| c.get("channels")),
        ),
    ] {
        let Some(channels) = channels.and_then(Value::as_object) else {
            continue;
        };
        for (key, channel) in channels {
            for op in ["publish", "subscribe"] {
                let Some(operation) = channel.get(op).and_then(Value::as_object) else {
                    continue;
                };
                let at = format!("{section}/{}/{op}", escape_pointer(key));
                if !truthy(merged(raw, operation, "operationId")) {
                    report(
                        &at,
                        "asyncapi2-operation-operationId",
                        format!("the {op} operation should have an \"operationId\""),
                    );
                }
                if !message_ids {
                    continue;
                }
                match operation.get("message").and_then(Value::as_object) {
                    Some(m) if m.contains_key("oneOf") => {
                        for (i, item) in m
                            .get("oneOf")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .enumerate()
                        {
                            message_id(raw, item, &format!("{at}/message/oneOf/{i}"), report);
                        }
                    }
                    Some(m) => message_id(
                        raw,
                        &Value::Object(m.clone()),
                        &format!("{at}/message"),
                        report,
                    ),
                    None => {}
                }
            }
        }
    }
    if message_ids
        && let Some(messages) = root
            .get("components")
            .and_then(|c| c.get("messages"))
            .and_then(Value::as_object)
    {
        for (key, message) in messages {
            message_id(
                raw,
                message,
                &format!("/components/messages/{}", escape_pointer(key)),
                report,
            );
        }
    }
}

fn message_id(
    raw: &Value,
    message: &Value,
    at: &str,
    report: &mut impl FnMut(&str, &'static str, String),
) {
    let Some(m) = message.as_object() else {
        return;
    };
    if !truthy(merged(raw, m, "messageId")) {
        report(
            at,
            "asyncapi2-message-messageId",
            "the message should have a \"messageId\"".to_owned(),
        );
    }
}

/// `field` of an object whose `traits` may supply it (the object's own value wins; traits
/// written as local `$ref`s are followed in `raw`). A `$ref` that cannot be followed here (to
/// another file) counts as supplying it: no finding rather than a wrong one.
fn merged<'v>(raw: &'v Value, obj: &'v Map<String, Value>, field: &str) -> Option<&'v Value> {
    if let Some(v) = obj.get(field) {
        return Some(v);
    }
    if obj.contains_key("$ref") {
        return Some(&Value::Bool(true));
    }
    obj.get("traits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find_map(|t| match t.get("$ref").and_then(Value::as_str) {
            Some(r) => match r
                .strip_prefix('#')
                .and_then(|p| crate::refs::lookup(raw, p))
            {
                Some(target) => target.get(field),
                None => Some(&Value::Bool(true)),
            },
            None => t.get(field),
        })
}

/// Components no `$ref` names (exactly: a `$ref` into a component does not count, as
/// Spectral's `unreferencedReusableObject`), and 2.x security schemes no server or operation
/// requires (3.x requires them by `$ref`, so they are components like any other).
fn unused_components(
    raw: &Value,
    root: &Map<String, Value>,
    v2: bool,
    report: &mut impl FnMut(&str, &'static str, String),
) {
    let Some(components) = root.get("components").and_then(Value::as_object) else {
        return;
    };
    let mut referenced = HashSet::new();
    collect_refs(raw, &mut referenced);
    for (kind, members) in components {
        if v2 && kind == "securitySchemes" {
            continue;
        }
        let Some(members) = members.as_object() else {
            continue;
        };
        for name in members.keys() {
            let at = format!(
                "/components/{}/{}",
                escape_pointer(kind),
                escape_pointer(name)
            );
            if !referenced.contains(&at) {
                report(
                    &at,
                    "asyncapi-unused-component",
                    format!("components.{kind}.{name} is not referenced anywhere ($ref)"),
                );
            }
        }
    }
    if v2 && let Some(schemes) = components.get("securitySchemes").and_then(Value::as_object) {
        let mut required = HashSet::new();
        let mut require = |list: Option<&Value>| {
            for requirement in list.and_then(Value::as_array).into_iter().flatten() {
                if let Some(r) = requirement.as_object() {
                    required.extend(r.keys().cloned());
                }
            }
        };
        for server in root
            .get("servers")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|s| s.values())
        {
            require(server.get("security"));
        }
        for channel in root
            .get("channels")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|c| c.values())
        {
            for op in ["publish", "subscribe"] {
                require(channel.get(op).and_then(|o| o.get("security")));
            }
        }
        for name in schemes.keys() {
            if !required.contains(name) {
                report(
                    &format!("/components/securitySchemes/{}", escape_pointer(name)),
                    "asyncapi2-unused-securityScheme",
                    format!("security scheme '{name}' is not required by any server or operation"),
                );
            }
        }
    }
}

/// Every local `$ref` target of `node` (decoded pointers, `#` dropped).
fn collect_refs(node: &Value, out: &mut HashSet<String>) {
    match node {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref")
                && let Some(local) = r.strip_prefix('#')
            {
                let decoded = percent_encoding::percent_decode_str(local).decode_utf8_lossy();
                out.insert(decoded.into_owned());
            }
            for v in m.values() {
                collect_refs(v, out);
            }
        }
        Value::Array(a) => {
            for v in a {
                collect_refs(v, out);
            }
        }
        _ => {}
    }
}

/// asynction's Socket.IO rules, read from the model.
fn socketio(doc: &Document, report: &mut impl FnMut(&str, &'static str, String)) {
    let raw = doc.raw();
    for ns in &doc.api.namespaces {
        if ns.ingress.is_empty() && ns.egress.is_empty() {
            report(
                &ns.pointer,
                "asynction-socketio-empty-namespace",
                format!(
                    "namespace {} has no message in either direction: clients can connect, but \
                     every event they send is refused as unknown",
                    ns.path
                ),
            );
        }
        let key = unescape(ns.pointer.rsplit('/').next().unwrap_or_default());
        let address = match raw
            .pointer(&format!("{}/address", ns.pointer))
            .and_then(Value::as_str)
        {
            Some(address) if doc.api.asyncapi.starts_with('3') => address.to_owned(),
            _ => key,
        };
        if !address.starts_with('/') {
            report(
                &ns.pointer,
                "asynction-socketio-namespace-path",
                format!(
                    "channel address '{address}' has no leading '/': it is served as the \
                     namespace {} (write it so, as clients name it)",
                    ns.path
                ),
            );
        }
        for ev in &ns.egress {
            if ev.ack.is_some() {
                report(
                    &ev.pointer,
                    "asynction-socketio-ack-on-server-event",
                    format!(
                        "event '{}' is sent by the server and declares an ack: the client must \
                         answer it, and the server sees the answer only when it emits with \
                         emit_with_ack (an emit or a broadcast never waits for it)",
                        ev.name
                    ),
                );
            }
            if let Some(handler) = &ev.handler {
                let written = home(raw, &ev.pointer);
                if ns.ingress.iter().any(|i| home(raw, &i.pointer) == written) {
                    report(
                        &ev.pointer,
                        "asynction-socketio-handler-both-directions",
                        format!(
                            "message '{}' has x-handler '{handler}' and is both received and \
                             sent in namespace {}: the handler runs only for the received one",
                            ev.name, ns.path
                        ),
                    );
                }
            }
        }
    }
}

/// Where the node at `pointer` is written, following `$ref`s to the end (the message a
/// `message: { $ref }` names).
fn home(raw: &Value, pointer: &str) -> String {
    let mut at = written_pointer(raw, pointer);
    for _ in 0..64 {
        match raw
            .pointer(&at)
            .and_then(|n| n.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(target) => at = target.to_owned(),
            None => break,
        }
    }
    at
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Spectral's `truthy`: present and not `false`, `0`, `""` or `null`.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(_) => true,
    }
}

/// What a ruleset says of one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    /// Reported with this severity.
    Severity(Severity),
    /// Not reported.
    Off,
}

/// Which rules report, and how seriously: the recommended rules on or off, and per-rule
/// severities (`--ruleset FILE`).
///
/// A ruleset file is YAML (or JSON), as Spectral's:
///
/// ```yaml
/// extends: [recommended]        # or "off" (validity rules only), or other ruleset files
/// rules:
///   asyncapi-info-contact: off
///   asyncapi-id: error          # error, warn, info, hint, off (or true / false)
///   asynction-socketio-empty-namespace:
///     severity: error
/// ```
///
/// ```
/// use asynction_spec::{Severity, lint::{Ruleset, RuleSetting}};
/// let ruleset = Ruleset::from_yaml("rules:\n  asyncapi-id: error\n  asyncapi-info-contact: off\n", std::path::Path::new("."))?;
/// assert_eq!(ruleset.setting("asyncapi-id"), RuleSetting::Severity(Severity::Error));
/// assert_eq!(ruleset.setting("asyncapi-info-contact"), RuleSetting::Off);
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone)]
pub struct Ruleset {
    recommended: bool,
    rules: BTreeMap<&'static str, RuleSetting>,
}

impl Default for Ruleset {
    /// Every rule at its own severity, the recommended ones included (what the reference
    /// parser runs).
    fn default() -> Self {
        Ruleset {
            recommended: true,
            rules: BTreeMap::new(),
        }
    }
}

impl Ruleset {
    /// Reads a ruleset file (relative `extends` are read next to it).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, String> {
        let mut seen = Vec::new();
        Self::read(path.as_ref(), &mut seen)
    }

    fn read(path: &Path, seen: &mut Vec<PathBuf>) -> Result<Self, String> {
        let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        if seen.contains(&canonical) {
            return Err(format!(
                "{}: the ruleset extends itself (through {})",
                path.display(),
                seen.iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" → ")
            ));
        }
        seen.push(canonical);
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the ruleset: {e}", path.display()))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let parsed = Self::parse(&text, dir, seen).map_err(|e| format!("{}: {e}", path.display()));
        seen.pop();
        parsed
    }

    /// Reads a ruleset from YAML or JSON text; relative `extends` are read from `dir`.
    pub fn from_yaml(text: &str, dir: &Path) -> Result<Self, String> {
        Self::parse(text, dir, &mut Vec::new())
    }

    fn parse(text: &str, dir: &Path, seen: &mut Vec<PathBuf>) -> Result<Self, String> {
        let source = crate::source::SourceFile::new(dir.join("ruleset"), text.to_owned());
        let value = source.parse().map_err(|d| d.message)?;
        let Value::Object(root) = value else {
            return Err("a ruleset must be a mapping with `extends` and/or `rules`".to_owned());
        };
        let mut ruleset = Ruleset::default();
        for key in root.keys() {
            if !matches!(
                key.as_str(),
                "extends" | "rules" | "description" | "formats"
            ) {
                return Err(format!(
                    "unknown ruleset key '{key}' (expected extends, rules)"
                ));
            }
        }
        let extends: Vec<Value> = match root.get("extends") {
            None => Vec::new(),
            Some(Value::Array(list)) => list.clone(),
            Some(one) => vec![one.clone()],
        };
        for entry in extends {
            // Spectral writes `[name, "off"]` to take a ruleset's rules switched off.
            let (name, off) = match &entry {
                Value::String(name) => (name.clone(), false),
                Value::Array(pair) => match (pair.first(), pair.get(1)) {
                    (Some(Value::String(name)), Some(Value::String(mode))) => {
                        (name.clone(), mode == "off")
                    }
                    _ => return Err(format!("cannot read extends entry {entry}")),
                },
                other => return Err(format!("cannot read extends entry {other}")),
            };
            match name.as_str() {
                "recommended" | "asynction:recommended" | "spectral:asyncapi" | "all" => {
                    ruleset.recommended = !off;
                }
                "off" | "none" => ruleset.recommended = false,
                file => {
                    let base = Self::read(&dir.join(file), seen)?;
                    ruleset.recommended = base.recommended && !off;
                    ruleset.rules.extend(base.rules);
                }
            }
        }
        if let Some(rules) = root.get("rules") {
            let Value::Object(rules) = rules else {
                return Err("`rules` must map rule ids to severities".to_owned());
            };
            for (id, setting) in rules {
                let rule = rules::rule_named(id).ok_or_else(|| {
                    format!(
                        "unknown rule '{id}' (`asynction validate --explain RULE` describes \
                         a rule; the README lists them all)"
                    )
                })?;
                let setting = match setting {
                    Value::Bool(false) => RuleSetting::Off,
                    Value::Bool(true) => RuleSetting::Severity(rule.severity),
                    Value::String(s) if s == "off" => RuleSetting::Off,
                    Value::String(s) => {
                        RuleSetting::Severity(Severity::parse(s).ok_or_else(|| {
                            format!(
                                "rule '{id}': unknown severity '{s}' (error, warn, info, hint, off)"
                            )
                        })?)
                    }
                    Value::Number(n) => RuleSetting::Severity(
                        Severity::parse(&n.to_string())
                            .ok_or_else(|| format!("rule '{id}': unknown severity {n}"))?,
                    ),
                    Value::Object(m) => match m.get("severity") {
                        Some(Value::String(s)) if s == "off" => RuleSetting::Off,
                        Some(Value::String(s)) => RuleSetting::Severity(
                            Severity::parse(s)
                                .ok_or_else(|| format!("rule '{id}': unknown severity '{s}'"))?,
                        ),
                        _ => return Err(format!("rule '{id}': give a severity")),
                    },
                    other => return Err(format!("rule '{id}': cannot read {other}")),
                };
                ruleset.rules.insert(rule.id, setting);
            }
        }
        Ok(ruleset)
    }

    /// Turns the recommended rules on or off (the rules a ruleset names keep their setting).
    pub fn with_recommended(mut self, on: bool) -> Self {
        self.recommended = on;
        self
    }

    /// Whether the recommended rules run.
    pub fn recommended(&self) -> bool {
        self.recommended
    }

    /// What this ruleset says of rule `id`: its configured severity, off, or the rule's own
    /// severity (a recommended rule is off when the recommended rules are).
    pub fn setting(&self, id: &str) -> RuleSetting {
        if let Some(s) = self.rules.get(id) {
            return *s;
        }
        match rules::rule_named(id) {
            Some(Rule {
                recommended: true, ..
            }) if !self.recommended => RuleSetting::Off,
            Some(rule) => RuleSetting::Severity(rule.severity),
            None => RuleSetting::Severity(Severity::Error),
        }
    }

    /// `diagnostics` as this ruleset and the document's `x-asynction-disable` say: severities
    /// set, rules off removed. A diagnostic keeps its own severity unless the ruleset names its
    /// rule (a 3.x example mismatch stays a warning under its own rule). Errors about the
    /// document's validity are kept unless a ruleset names their rule. `raw` is the main file
    /// as written (`None` when it did not parse).
    pub fn apply(&self, diagnostics: Vec<Diagnostic>, raw: Option<&Value>) -> Vec<Diagnostic> {
        diagnostics
            .into_iter()
            .filter_map(|mut d| {
                match self.rules.get(d.rule) {
                    Some(RuleSetting::Off) => return None,
                    Some(RuleSetting::Severity(s)) => d.severity = *s,
                    None => {
                        if self.setting(d.rule) == RuleSetting::Off {
                            return None;
                        }
                    }
                }
                if let Some(raw) = raw
                    && disabled_at(raw, &d)
                {
                    return None;
                }
                Some(d)
            })
            .collect()
    }
}

/// Whether `x-asynction-disable` on the diagnostic's node or an ancestor (where they are
/// written in the main file) names its rule.
fn disabled_at(raw: &Value, d: &Diagnostic) -> bool {
    let written = written_pointer(raw, &d.pointer);
    let mut node = raw;
    let check = |node: &Value| {
        node.get(DISABLE_KEY)
            .and_then(Value::as_array)
            .is_some_and(|ids| ids.iter().any(|id| id.as_str() == Some(d.rule)))
    };
    if check(node) {
        return true;
    }
    for token in written.split('/').skip(1) {
        let key = unescape(token);
        let next = match node {
            Value::Object(m) => m.get(&key),
            Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return false,
        }
        if check(node) {
            return true;
        }
    }
    false
}

/// A diagnostic about a ruleset or the command line (not about a document position).
pub fn unlocated(file: &Path, rule: &'static str, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        rule,
        location: Location {
            file: file.to_path_buf(),
            line: None,
            column: None,
        },
        pointer: String::new(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document::from_text(text).expect("loads")
    }

    fn found(doc: &Document) -> Vec<(&'static str, u32)> {
        recommended(doc)
            .iter()
            .map(|d| (d.rule, d.location.line.unwrap_or(0)))
            .collect()
    }

    #[test]
    fn a_bare_2_6_document_gets_the_reference_warnings_at_the_reference_lines() {
        let d = doc(
            "asyncapi: 2.6.0\ninfo:\n  title: T\n  version: '1'\nchannels:\n  /chat:\n    publish:\n      message:\n        name: say\n        payload: { type: string }\ncomponents:\n  schemas:\n    Unused: { type: string }\n",
        );
        let f = found(&d);
        for expected in [
            ("asyncapi-id", 1),
            ("asyncapi-defaultContentType", 1),
            ("asyncapi-latest-version", 1),
            ("asyncapi-info-description", 2),
            ("asyncapi-info-contact", 2),
            ("asyncapi-info-license", 2),
            ("asyncapi2-tags", 1),
            ("asyncapi-servers", 1),
            ("asyncapi2-operation-operationId", 7),
            ("asyncapi2-message-messageId", 8),
            ("asyncapi-unused-component", 13),
        ] {
            assert!(f.contains(&expected), "{expected:?} missing from {f:?}");
        }
    }

    #[test]
    fn socketio_rules_find_misleading_documents() {
        let d = doc(
            "asyncapi: 2.6.0\ninfo: { title: T, version: '1' }\nchannels:\n  /empty: {}\n  chat:\n    publish:\n      message: { $ref: '#/components/messages/Say' }\n    subscribe:\n      message: { $ref: '#/components/messages/Say' }\ncomponents:\n  messages:\n    Say:\n      name: say\n      x-handler: on_say\n      x-ack: { args: { type: string } }\n",
        );
        let rules: Vec<&str> = found(&d).into_iter().map(|(r, _)| r).collect();
        for expected in [
            "asynction-socketio-empty-namespace",
            "asynction-socketio-namespace-path",
            "asynction-socketio-ack-on-server-event",
            "asynction-socketio-handler-both-directions",
        ] {
            assert!(
                rules.contains(&expected),
                "{expected} missing from {rules:?}"
            );
        }
    }

    #[test]
    fn rulesets_set_severities_turn_rules_off_and_nodes_disable_rules() {
        let d = doc(
            "asyncapi: 2.6.0\ninfo:\n  title: T\n  version: '1'\n  x-asynction-disable: [asyncapi-info-license]\nchannels: {}\n",
        );
        let ruleset = Ruleset::from_yaml(
            "extends: recommended\nrules:\n  asyncapi-info-contact: error\n  asyncapi-id: off\n",
            Path::new("."),
        )
        .unwrap();
        let kept = ruleset.apply(recommended(&d), d.as_written().as_ref());
        let rules: Vec<(&str, Severity)> = kept.iter().map(|d| (d.rule, d.severity)).collect();
        assert!(rules.contains(&("asyncapi-info-contact", Severity::Error)));
        assert!(!rules.iter().any(|(r, _)| *r == "asyncapi-id"));
        assert!(!rules.iter().any(|(r, _)| *r == "asyncapi-info-license"));
        let none = Ruleset::from_yaml("extends: [[recommended, off]]\n", Path::new(".")).unwrap();
        assert!(none.apply(recommended(&d), None).is_empty());
        let bad = Ruleset::from_yaml("rules:\n  asyncapi-nope: off\n", Path::new("."));
        assert!(bad.unwrap_err().contains("unknown rule 'asyncapi-nope'"));
    }
}
