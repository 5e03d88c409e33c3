//! Message examples checked against their message's schemas when a document is compiled.
//!
//! The spec crate reads every example (with the pointer where it is written) but has no JSON
//! Schema validator; this module compiles each message's `payload` and `headers` schemas and
//! validates each example's `payload` and `headers` against them, as @asyncapi/parser's
//! `asyncapi2-message-examples` rule does (an absent payload schema accepts anything, absent
//! headers accept any object).
//!
//! The verdict follows @asyncapi/parser: in AsyncAPI 2.x an example that does not match makes
//! the document invalid (the rule is an error there), so its diagnostics are
//! [`Severity::Error`]; the parser does not check 3.x examples yet, so for 3.x documents they
//! are [`Severity::Warning`]s: reported (`asynction validate` prints them, servers and mocks
//! log them at startup) but the document is accepted. Either way, the docs and the mock use
//! only the examples that match ([`ExampleCheck::is_valid`]).
//!
//! Each diagnostic points at the example's value: at the first offending node inside it when
//! that is written in the main file, else at the value itself.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};

use super::schema::CompiledSchema;
use crate::model::{ArgumentList, Event, Example, Schema};
use crate::spec::{Diagnostic, Document, Severity, rules};

/// What checking a document's examples found.
#[derive(Debug, Clone, Default)]
pub struct ExampleCheck {
    diagnostics: Vec<Diagnostic>,
    invalid: HashSet<String>,
}

impl ExampleCheck {
    /// Checks every example of every event of `doc`. Schemas that do not compile are skipped
    /// here ([`super::Validators::compile`] reports them).
    pub fn run(doc: &Document) -> Self {
        let severity = severity_for(&doc.api.asyncapi);
        let rule = if severity == Severity::Error {
            rules::MESSAGE_EXAMPLES_V2
        } else {
            rules::MESSAGE_EXAMPLES
        };
        let resolved = doc.resolved.as_ref();
        let mut seen = HashSet::new();
        let mut check = Self::default();
        // Messages used by several operations share their compiled schemas.
        let mut compiled: HashMap<String, Option<CompiledSchema>> = HashMap::new();
        let mut compile = |schema: &Schema| {
            compiled
                .entry(schema.pointer.clone())
                .or_insert_with(|| CompiledSchema::compile(schema, resolved).ok())
                .clone()
        };
        let mut judge = |name: &str,
                         examples: &[Example],
                         payload: Option<&Schema>,
                         headers: Option<&Schema>,
                         check: &mut Self| {
            if examples.is_empty() {
                return;
            }
            let payload = payload.map(&mut compile);
            let headers = headers.map(&mut compile);
            if matches!(payload, Some(None)) || matches!(headers, Some(None)) {
                // A schema that does not compile (reported by the schema check) cannot judge.
                if let Some(first) = examples.first()
                    && seen.insert(format!("{} (skipped)", first.pointer))
                {
                    check.diagnostics.push(
                        doc.diagnostic(
                            &first.pointer,
                            format!(
                                "the examples of {name} were not checked: its {} schema is \
                                 invalid",
                                if matches!(payload, Some(None)) {
                                    "payload"
                                } else {
                                    "headers"
                                }
                            ),
                        )
                        .with_severity(Severity::Info)
                        .with_rule(rules::SKIPPED),
                    );
                }
            }
            for (i, example) in examples.iter().enumerate() {
                if !seen.insert(example.pointer.clone()) {
                    continue;
                }
                let problems = check_one(example, payload.as_ref(), headers.as_ref());
                if problems.is_empty() {
                    continue;
                }
                check.invalid.insert(example.pointer.clone());
                for (pointer, what, message) in problems {
                    check.diagnostics.push(
                        doc.diagnostic(
                            &pointer,
                            format!(
                                "{} of {name} does not match its {what} schema: {message}",
                                describe(example, i),
                            ),
                        )
                        .with_severity(severity)
                        .with_rule(rule),
                    );
                }
            }
        };
        for ns in &doc.api.namespaces {
            for ev in ns.ingress.iter().chain(&ns.egress) {
                judge(
                    &format!("event '{}'", ev.name),
                    &ev.examples,
                    ev.payload.as_ref(),
                    ev.headers.as_ref(),
                    &mut check,
                );
            }
        }
        // @asyncapi/parser also rules the examples of 2.x messages in `components.messages`
        // that no channel uses (those a channel uses were checked above, by the same pointer).
        if severity == Severity::Error
            && let Some(messages) = resolved
                .pointer("/components/messages")
                .and_then(Value::as_object)
        {
            for (key, message) in messages {
                let at = format!("/components/messages/{}", escape(key));
                let Some(m) = message.as_object() else {
                    continue;
                };
                if m.contains_key("schemaFormat") {
                    continue;
                }
                let examples = Example::read_all(m, &at);
                let schema = |field: &str| {
                    m.get(field).map(|value| Schema {
                        pointer: format!("{at}/{field}"),
                        value: value.clone(),
                        arguments: ArgumentList::Single,
                    })
                };
                judge(
                    &format!("message '{key}'"),
                    &examples,
                    schema("payload").as_ref(),
                    schema("headers").as_ref(),
                    &mut check,
                );
            }
        }
        check
    }

    /// One diagnostic per mismatching example part (payload, headers), errors for AsyncAPI
    /// 2.x documents and warnings for 3.x.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Whether `example` matches its message's schemas (an example that was not checked, such
    /// as one whose schema does not compile, counts as valid).
    pub fn is_valid(&self, example: &Example) -> bool {
        !self.invalid.contains(&example.pointer)
    }

    /// The payloads of `event`'s examples that match its schemas, in document order.
    pub fn valid_payloads(&self, event: &Event) -> Vec<Value> {
        event
            .examples
            .iter()
            .filter(|e| self.is_valid(e))
            .filter_map(|e| e.payload.clone())
            .collect()
    }
}

/// Errors for AsyncAPI 2.x (as @asyncapi/parser's `asyncapi2-message-examples` rule), warnings
/// for 3.x (the parser does not check 3.x examples).
pub(super) fn severity_for(asyncapi: &str) -> Severity {
    if asyncapi.starts_with("2.") {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// A JSON pointer token (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// `example 'name'` or `example #2` (1-based).
fn describe(example: &Example, index: usize) -> String {
    match &example.name {
        Some(name) => format!("example '{name}'"),
        None => format!("example #{}", index + 1),
    }
}

/// The mismatches of one example: (pointer of the offending node, "payload" or "headers",
/// reason).
fn check_one(
    example: &Example,
    payload: Option<&Option<CompiledSchema>>,
    headers: Option<&Option<CompiledSchema>>,
) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    if let Some(value) = &example.payload
        && let Some(Some(schema)) = payload
        && let Err(violations) = schema.validate_value(value)
    {
        let at = format!("{}{}", example.pointer, example.payload_pointer);
        out.push(first(at, "payload", &violations));
    }
    if let Some(value) = &example.headers {
        let at = format!("{}/headers", example.pointer);
        match headers {
            Some(Some(schema)) => {
                if let Err(violations) = schema.validate_value(value) {
                    out.push(first(at, "headers", &violations));
                }
            }
            Some(None) => {}
            // Without a headers schema, headers must still be an object.
            None => {
                if !value.is_object() {
                    let any_object = Schema {
                        pointer: String::new(),
                        value: json!({ "type": "object" }),
                        arguments: ArgumentList::Single,
                    };
                    if let Ok(schema) = CompiledSchema::compile(&any_object, &Value::Null)
                        && let Err(violations) = schema.validate_value(value)
                    {
                        out.push(first(at, "headers", &violations));
                    }
                }
            }
        }
    }
    out
}

/// The diagnostic pointer and reason for `violations` of the value at `at`: the first
/// violation's node, every reason (up to three) in the message.
fn first(
    at: String,
    what: &'static str,
    violations: &[super::Violation],
) -> (String, &'static str, String) {
    let pointer = match violations.first() {
        Some(v) => format!("{at}{}", v.instance_path),
        None => at,
    };
    let mut reasons: Vec<String> = violations
        .iter()
        .take(3)
        .map(|v| {
            if v.instance_path.is_empty() {
                v.message.clone()
            } else {
                format!("{} (at {})", v.message, v.instance_path)
            }
        })
        .collect();
    if violations.len() > 3 {
        reasons.push(format!("and {} more", violations.len() - 3));
    }
    (pointer, what, reasons.join("; "))
}
