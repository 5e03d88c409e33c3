//! Which rules report and how seriously: ruleset files (`extends`, severities, `off`, as
//! Spectral's) and `x-asynction-disable` on the document's nodes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::DISABLE_KEY;
use crate::error::{Diagnostic, Location, Severity};
use crate::fields::written_pointer;
use crate::rules::{self, Rule};
use crate::source::unescape_pointer;

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
        let key = unescape_pointer(token);
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
