//! What generation compiles once and reuses: `pattern` regexes ready for sampling, and
//! validators of subschemas (`not`, `contains`, `patternProperties` keys), shared across
//! threads.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// A pattern ready for sampling, or why it cannot be sampled.
type CompiledPattern = Result<Arc<rand_regex::Regex>, String>;

/// Compiled regexes and sub-validators, built on first use and shared across threads.
#[derive(Default)]
pub(super) struct Caches {
    regexes: Mutex<HashMap<(String, u32), CompiledPattern>>,
    validators: Mutex<HashMap<String, Option<Arc<jsonschema::Validator>>>>,
}

impl Caches {
    /// A generator for `pattern`: anchors and word boundaries are dropped (a JSON Schema
    /// `pattern` is unanchored, so generating the bare language is valid), and `\d`/`\w` are
    /// ASCII so the strings also pass JavaScript validators.
    pub(super) fn regex(
        &self,
        pattern: &str,
        max_repeat: u32,
    ) -> Result<Arc<rand_regex::Regex>, String> {
        let key = (pattern.to_owned(), max_repeat);
        let mut cache = self.regexes.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .entry(key)
            .or_insert_with(|| {
                // ASCII classes first; patterns that need Unicode (e.g. `.`) fall back to it.
                let ascii = regex_syntax::ParserBuilder::new()
                    .unicode(false)
                    .build()
                    .parse(pattern);
                let hir = match ascii {
                    Ok(hir) => hir,
                    Err(_) => regex_syntax::ParserBuilder::new()
                        .build()
                        .parse(pattern)
                        .map_err(|e| format!("cannot parse pattern {pattern:?}: {e}"))?,
                };
                rand_regex::Regex::with_hir(strip_assertions(hir), max_repeat)
                    .map(Arc::new)
                    .map_err(|e| format!("cannot generate strings for pattern {pattern:?}: {e}"))
            })
            .clone()
    }

    /// Whether `value` is valid against `schema` (a subschema; local `$ref`s resolve into
    /// `root`). A subschema that does not compile matches nothing.
    pub(super) fn matches(&self, schema: &Value, value: &Value, root: &Value) -> bool {
        match schema {
            Value::Bool(b) => return *b,
            Value::Object(m) if m.is_empty() => return true,
            _ => {}
        }
        let key = schema.to_string();
        let validator = {
            let mut cache = self.validators.lock().unwrap_or_else(|p| p.into_inner());
            cache
                .entry(key)
                .or_insert_with(|| compile_subschema(schema, root))
                .clone()
        };
        validator.is_some_and(|v| v.is_valid(value))
    }
}

fn compile_subschema(schema: &Value, root: &Value) -> Option<Arc<jsonschema::Validator>> {
    let mut standalone = schema.clone();
    if let (Value::Object(s), Value::Object(r)) = (&mut standalone, root)
        && schema.to_string().contains("\"$ref\"")
    {
        // Local refs (`#/components/...`) resolve against the document's top level.
        for (k, v) in r {
            if !s.contains_key(k) && !matches!(k.as_str(), "$schema" | "$id" | "id") {
                s.insert(k.clone(), v.clone());
            }
        }
    }
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&standalone)
        .ok()
        .map(Arc::new)
}

fn strip_assertions(hir: regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
    match hir.into_kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(strip_assertions(*c.sub)),
            ..c
        }),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(strip_assertions(*r.sub)),
            ..r
        }),
        HirKind::Concat(list) => Hir::concat(list.into_iter().map(strip_assertions).collect()),
        HirKind::Alternation(list) => {
            Hir::alternation(list.into_iter().map(strip_assertions).collect())
        }
        other => other_kind(other),
    }
}

/// Rebuilds a leaf (literal, class, empty) Hir from its kind.
fn other_kind(kind: regex_syntax::hir::HirKind) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Hir, HirKind};
    match kind {
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Class(c) => Hir::class(c),
        _ => Hir::empty(),
    }
}
