//! `$ref` resolution: every reference of a document is inlined, so later stages see one
//! self-contained JSON tree.
//!
//! - Local references (`#/components/messages/Foo`) follow RFC 6901, including `~0`/`~1`.
//! - Relative file references (`./messages.yaml#/Foo`, `common.json`) are read relative to the
//!   directory of the file that contains them; each file is parsed once.
//! - Keys written next to a `$ref` are kept and win over the target's keys (the original
//!   Asynction dropped them).
//! - A reference cycle inside a JSON Schema (a recursive schema such as a tree node) is legal:
//!   the inner occurrence is left as a local `$ref`, which the compiled validators resolve
//!   against the resolved document. A cycle anywhere else (messages, channels, bindings) can
//!   never be inlined and is reported as an error. Recursive schemas must live in the main file.
//! - Remote references (`http://…`) are never fetched: they are reported.
//! - Expansion is bounded ([`super::LoadOptions::max_ref_expansions`]) so that a hostile
//!   document cannot make loading exponential.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::error::Diagnostic;
use super::files::Files;
use super::rules;
use super::source::{SourceFile, escape_pointer};

/// Keys under which a JSON Schema starts; inside a schema, everything is schema.
const SCHEMA_KEYS: &[&str] = &["payload", "args", "query", "headers", "schemas", "schema"];

/// The result of resolution: the inlined tree and what went wrong.
pub(crate) struct Resolved {
    /// The document with every `$ref` inlined (recursive schema refs left local); a `$ref`
    /// that could not be inlined is `null` in its place.
    pub(crate) value: Value,
    /// Every `$ref` that could not be inlined, each once, at the `$ref` (in the file that
    /// holds it).
    pub(crate) diagnostics: Vec<Diagnostic>,
}

struct Resolver {
    files: Files,
    diagnostics: Vec<Diagnostic>,
    expansions: usize,
    max_expansions: usize,
    exhausted: bool,
    /// Cycles already reported, as their sorted members.
    reported_cycles: HashSet<Vec<(usize, String)>>,
}

/// Inlines every `$ref` of `root` (the parsed main file `source`). Pass an `Arc<Value>` to keep
/// the document as written without copying it. A `$ref` that cannot be inlined is reported
/// and left `null`, so that later stages still check the rest of the document.
pub(crate) fn resolve(
    source: Arc<SourceFile>,
    root: impl Into<Arc<Value>>,
    max_expansions: usize,
) -> Resolved {
    let root: Arc<Value> = root.into();
    let mut r = Resolver {
        files: Files::new(source, root.clone()),
        diagnostics: Vec::new(),
        expansions: 0,
        max_expansions,
        exhausted: false,
        reported_cycles: HashSet::new(),
    };
    let mut stack = Vec::new();
    let value = r.walk(&root, 0, &mut String::new(), &mut stack, false);
    Resolved {
        value,
        diagnostics: r.diagnostics,
    }
}

/// Appends `/token` (escaped) to a JSON pointer.
fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&escape_pointer(token));
    } else {
        pointer.push_str(token);
    }
}

/// Looks a JSON pointer (`/a/b~1c`, already without `#`) up in `root`.
pub(crate) fn lookup<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    if !pointer.starts_with('/') {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(pointer)
        .decode_utf8()
        .ok()?;
    root.pointer(&decoded)
}

impl Resolver {
    fn walk(
        &mut self,
        node: &Value,
        file: usize,
        pointer: &mut String,
        stack: &mut Vec<(usize, String)>,
        in_schema: bool,
    ) -> Value {
        // `pointer` is one buffer extended and truncated along the walk: building a string per
        // node dominated the cost of loading large documents.
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    return self.expand(map, reference, file, pointer, stack, in_schema);
                }
                let mut out = Map::with_capacity(map.len());
                for (k, v) in map {
                    let child_schema = in_schema || SCHEMA_KEYS.contains(&k.as_str());
                    let len = pointer.len();
                    push_token(pointer, k);
                    out.insert(k.clone(), self.walk(v, file, pointer, stack, child_schema));
                    pointer.truncate(len);
                }
                Value::Object(out)
            }
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, v) in items.iter().enumerate() {
                    let len = pointer.len();
                    let _ = write!(pointer, "/{i}");
                    out.push(self.walk(v, file, pointer, stack, in_schema));
                    pointer.truncate(len);
                }
                Value::Array(out)
            }
            other => other.clone(),
        }
    }

    fn expand(
        &mut self,
        map: &Map<String, Value>,
        reference: &str,
        file: usize,
        pointer: &mut String,
        stack: &mut Vec<(usize, String)>,
        in_schema: bool,
    ) -> Value {
        let here = format!("{pointer}/$ref");
        if self.exhausted {
            return Value::Null;
        }
        self.expansions += 1;
        if self.expansions > self.max_expansions {
            self.exhausted = true;
            let msg = format!(
                "the document expands more than {} $refs (raise LoadOptions::max_ref_expansions if this is intended)",
                self.max_expansions
            );
            self.report(file, &here, rules::REF_LIMIT, msg);
            return Value::Null;
        }
        let (file_part, fragment) = match reference.split_once('#') {
            Some((f, frag)) => (f, frag),
            None => (reference, ""),
        };
        let target_file = if file_part.is_empty() {
            file
        } else if file_part.contains("://") && !file_part.starts_with("file://") {
            self.report(file, &here, rules::INVALID_REF, format!("remote $ref '{reference}' is not fetched: put the referenced content in a local file"));
            return Value::Null;
        } else {
            match self.files.load(file, file_part, &mut self.diagnostics) {
                Ok(id) => id,
                Err(msg) => {
                    self.report(
                        file,
                        &here,
                        rules::INVALID_REF,
                        format!("$ref '{reference}': {msg}"),
                    );
                    return Value::Null;
                }
            }
        };
        let target_key = (target_file, fragment.to_owned());
        if stack.contains(&target_key) {
            if in_schema && target_file == 0 {
                let mut out = Map::new();
                out.insert("$ref".to_owned(), Value::String(format!("#{fragment}")));
                return Value::Object(out);
            }
            // Every entry point into a cycle meets it again: report each cycle once.
            let mut members: Vec<(usize, String)> = stack
                .iter()
                .skip_while(|k| **k != target_key)
                .cloned()
                .collect();
            members.sort();
            if !self.reported_cycles.insert(members) {
                return Value::Null;
            }
            let cycle: Vec<String> = stack
                .iter()
                .skip_while(|k| **k != target_key)
                .map(|(f, p)| self.describe(*f, p))
                .chain(std::iter::once(self.describe(target_file, fragment)))
                .collect();
            let msg = if in_schema {
                format!(
                    "recursive schema across files is not supported: move it into the main document ({})",
                    cycle.join(" → ")
                )
            } else {
                format!("reference cycle: {}", cycle.join(" → "))
            };
            self.report(file, &here, rules::REF_CYCLE, msg);
            return Value::Null;
        }
        let target_root = self.files[target_file].value.clone();
        let Some(target) = target_root
            .as_deref()
            .and_then(|root| lookup(root, fragment))
        else {
            self.report(
                file,
                &here,
                rules::INVALID_REF,
                format!("dangling $ref '{reference}': no such node"),
            );
            return Value::Null;
        };
        let target_schema = in_schema || fragment.starts_with("/components/schemas/");
        stack.push(target_key);
        let mut resolved = self.walk(
            target,
            target_file,
            &mut fragment.to_owned(),
            stack,
            target_schema,
        );
        stack.pop();
        if map.len() > 1
            && let Value::Object(obj) = &mut resolved
        {
            for (k, v) in map {
                if k != "$ref" {
                    let len = pointer.len();
                    push_token(pointer, k);
                    let walked = self.walk(
                        v,
                        file,
                        pointer,
                        stack,
                        in_schema || SCHEMA_KEYS.contains(&k.as_str()),
                    );
                    pointer.truncate(len);
                    obj.insert(k.clone(), walked);
                }
            }
        }
        resolved
    }

    fn describe(&self, file: usize, pointer: &str) -> String {
        if file == 0 {
            format!("#{pointer}")
        } else {
            format!("{}#{pointer}", self.files[file].source.path.display())
        }
    }

    fn report(&mut self, file: usize, pointer: &str, rule: &'static str, message: String) {
        let d = self.files[file]
            .source
            .diagnostic(pointer, message)
            .with_rule(rule);
        self.diagnostics.push(d);
    }
}
