//! One JSON Schema compiled once, validated many times.
//!
//! Schemas are compiled as JSON Schema 2020-12 (so `prefixItems`, `dependentRequired` work, as
//! in the original) after a small normalization of draft-07 spellings that AsyncAPI documents
//! use: a tuple `items: [..]` becomes `prefixItems` (and `additionalItems` becomes `items`),
//! `dependencies` becomes `dependentRequired`/`dependentSchemas`. Standard `format`s
//! (date-time, email, uuid, uri, ipv4, …) are asserted; unknown formats (the mock's Faker
//! names such as `first_name`) are accepted.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::error::Violation;
use crate::model::{ArgumentList, Schema};

/// A compiled schema and the argument rule that applies to it.
#[derive(Clone)]
pub struct CompiledSchema {
    validator: Arc<jsonschema::Validator>,
    arguments: ArgumentList,
    pointer: String,
    unconstrained: bool,
    max_depth: usize,
}

impl std::fmt::Debug for CompiledSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompiledSchema")
            .field("pointer", &self.pointer)
            .field("arguments", &self.arguments)
            .finish()
    }
}

/// Where a schema with local `$ref`s is placed inside the document it is compiled against.
const COMPILED_SCHEMA_KEY: &str = "x-asynction-compiled-schema";

/// A schema that does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidSchema {
    /// JSON pointer of the offending keyword in the resolved document.
    pub pointer: String,
    /// Why the schema does not compile.
    pub message: String,
}

impl std::fmt::Display for InvalidSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (at {})", self.message, self.pointer)
    }
}

impl std::error::Error for InvalidSchema {}

/// Largest number of violations reported for one instance.
const MAX_VIOLATIONS: usize = 16;

/// Default deepest nesting of arrays and objects an instance may have (the JSON parser of
/// socketioxide's default parser refuses deeper text anyway). Validation recurses once per
/// level, so without a bound a deep instance against a recursive schema overflows the stack.
pub const DEFAULT_MAX_DEPTH: usize = 128;

/// How deeply `value` nests arrays and objects (a scalar is 0); counting stops past `limit`,
/// so the cost is bounded by the instance size. Shallow values (every real payload) are walked
/// recursively without allocating; past 32 levels the walk continues with an
/// explicit stack, so no instance can overflow the thread's stack.
pub(crate) fn nesting_depth(value: &Value, limit: usize) -> usize {
    shallow_depth(value, 0, limit)
}

/// Levels walked by recursion before switching to an explicit stack.
const RECURSION_CUTOFF: usize = 32;

fn shallow_depth(value: &Value, depth: usize, limit: usize) -> usize {
    if depth >= RECURSION_CUTOFF {
        return deep_depth(value, depth, limit);
    }
    let children: &mut dyn Iterator<Item = &Value> = match value {
        Value::Array(a) => &mut a.iter(),
        Value::Object(m) => &mut m.values(),
        _ => return depth,
    };
    let mut deepest = depth + 1;
    for child in children {
        if matches!(child, Value::Array(_) | Value::Object(_)) {
            deepest = deepest.max(shallow_depth(child, depth + 1, limit));
            if deepest > limit {
                break;
            }
        }
    }
    deepest
}

fn deep_depth(value: &Value, depth: usize, limit: usize) -> usize {
    let mut deepest = depth;
    let mut stack = vec![(value, depth)];
    while let Some((v, depth)) = stack.pop() {
        let depth = match v {
            Value::Array(_) | Value::Object(_) => depth + 1,
            _ => continue,
        };
        deepest = deepest.max(depth);
        if deepest > limit {
            return deepest;
        }
        match v {
            Value::Array(a) => stack.extend(a.iter().map(|c| (c, depth))),
            Value::Object(m) => stack.extend(m.values().map(|c| (c, depth))),
            _ => {}
        }
    }
    deepest
}

/// The JSON Schema that is actually compiled for `schema`: normalized to 2020-12 spellings
/// and, when it keeps local `$ref`s (recursive schemas), wrapped in the whole resolved document
/// so `#/components/...` resolves. The schema itself then sits under a reserved key, because
/// synthetic schemas (a 3.0 reply with several messages) have no node of their own in the
/// document. Returns the schema and whether it was wrapped. Public so that independent
/// validators (the tests' Ajv) check exactly the same schema.
pub fn self_contained(schema: &Schema, document: &Value) -> (Value, bool) {
    let normalized = normalize(&schema.value);
    if !contains_ref(&normalized) {
        return (normalized, false);
    }
    let mut root = match normalize(document) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    root.insert(COMPILED_SCHEMA_KEY.to_owned(), normalized);
    root.insert(
        "$ref".to_owned(),
        Value::String(format!("#/{COMPILED_SCHEMA_KEY}")),
    );
    for key in ["$schema", "$id", "id"] {
        root.remove(key);
    }
    (Value::Object(root), true)
}

impl CompiledSchema {
    /// Compiles `schema`; `document` is the resolved document, needed only when the schema still
    /// holds (recursive) local `$ref`s. The error is the reason, without its position (see
    /// [`CompiledSchema::compile_located`]).
    pub fn compile(schema: &Schema, document: &Value) -> Result<Self, String> {
        Self::compile_located(schema, document).map_err(|e| e.message)
    }

    /// [`CompiledSchema::compile`], with the JSON pointer (in the resolved document) of the
    /// offending keyword when the schema does not compile.
    pub fn compile_located(schema: &Schema, document: &Value) -> Result<Self, InvalidSchema> {
        let options = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true);
        let (compiled, wrapped) = self_contained(schema, document);
        // Inside the compiled document the schema sits under COMPILED_SCHEMA_KEY.
        let in_document = |path: &str| match path.strip_prefix(&format!("/{COMPILED_SCHEMA_KEY}")) {
            Some(rest) => format!("{}{rest}", schema.pointer),
            None if wrapped => path.to_owned(),
            None => format!("{}{path}", schema.pointer),
        };
        if wrapped && let Some(found) = super::cycles::find_same_location_loop(&compiled) {
            let refs: Vec<String> = found.refs.iter().map(|p| in_document(p)).collect();
            return Err(InvalidSchema {
                pointer: refs
                    .last()
                    .cloned()
                    .unwrap_or_else(|| schema.pointer.clone()),
                message: format!(
                    "the schema loops back to itself without descending into the instance \
                     (through the $refs at {}); validation would never end. A recursive \
                     schema must recurse through properties, items or the like",
                    refs.join(" → ")
                ),
            });
        }
        if let Some((pointer, message)) = super::keywords::check(&schema.value, &schema.pointer)
            .into_iter()
            .next()
        {
            return Err(InvalidSchema {
                pointer,
                message: format!("invalid JSON Schema: {message}"),
            });
        }
        let built = options.build(&compiled);
        let validator = built.map_err(|e| InvalidSchema {
            pointer: in_document(e.instance_path().as_str()),
            message: format!("invalid JSON Schema: {e}"),
        })?;
        Ok(Self {
            validator: Arc::new(validator),
            arguments: schema.arguments,
            pointer: schema.pointer.clone(),
            unconstrained: is_unconstrained(&schema.value),
            max_depth: DEFAULT_MAX_DEPTH,
        })
    }

    /// Sets the deepest nesting an instance may have (default [`DEFAULT_MAX_DEPTH`]); a deeper
    /// instance is refused with one violation before any keyword is evaluated.
    pub fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// The deepest nesting an instance may have.
    pub fn max_depth(&self) -> usize {
        self.max_depth
    }

    fn too_deep(&self, depth: usize) -> Vec<Violation> {
        vec![Violation::whole(
            "",
            format!(
                "the value nests arrays and objects {depth}+ levels deep; the limit is {} levels",
                self.max_depth
            ),
        )]
    }

    /// The argument rule of this schema.
    pub fn arguments(&self) -> ArgumentList {
        self.arguments
    }

    /// JSON pointer of the schema in the resolved document.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// Validates one value.
    pub fn validate_value(&self, instance: &Value) -> Result<(), Vec<Violation>> {
        let depth = nesting_depth(instance, self.max_depth);
        if depth > self.max_depth {
            return Err(self.too_deep(depth));
        }
        if self.validator.is_valid(instance) {
            return Ok(());
        }
        Err(self
            .validator
            .iter_errors(instance)
            .take(MAX_VIOLATIONS)
            .map(|e| Violation {
                instance_path: e.instance_path().as_str().to_owned(),
                schema_path: e.schema_path().as_str().to_owned(),
                message: e.to_string(),
            })
            .collect())
    }

    /// Validates a Socket.IO argument list by the schema's [`ArgumentList`] rule. A schema that
    /// constrains nothing (`{}`, `true`, or only annotations such as `description`) accepts
    /// any argument list, exactly like an absent schema.
    pub fn validate_args(&self, args: &[Value]) -> Result<(), Vec<Violation>> {
        if self.unconstrained {
            return Ok(());
        }
        match self.arguments {
            ArgumentList::Single => match args {
                [one] => self.validate_value(one),
                _ => Err(vec![Violation::whole(
                    "",
                    format!(
                        "expected exactly 1 argument, got {} (a schema with `x-socketio-args: spread` describes several)",
                        args.len()
                    ),
                )]),
            },
            ArgumentList::Spread => {
                // The list itself is one level: check before copying it.
                let depth = args
                    .iter()
                    .map(|a| nesting_depth(a, self.max_depth))
                    .max()
                    .unwrap_or(0)
                    + 1;
                if depth > self.max_depth {
                    return Err(self.too_deep(depth));
                }
                self.validate_value(&Value::Array(args.to_vec()))
            }
        }
    }

    /// Validates an argument list that is already one array value (`list` holds the arguments
    /// as its items): the same verdict as [`Self::validate_args`] on those items, without
    /// copying them. For a `x-socketio-args: spread` schema.
    pub fn validate_list(&self, list: &Value) -> Result<(), Vec<Violation>> {
        if self.unconstrained {
            return Ok(());
        }
        match (self.arguments, list) {
            (ArgumentList::Spread, Value::Array(_)) => self.validate_value(list),
            (_, Value::Array(items)) => self.validate_args(items),
            (_, one) => self.validate_args(std::slice::from_ref(one)),
        }
    }

    /// Whether the value is valid (fast path, no error details).
    pub fn is_valid(&self, instance: &Value) -> bool {
        nesting_depth(instance, self.max_depth) <= self.max_depth
            && self.validator.is_valid(instance)
    }
}

/// Keywords that annotate without constraining.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "examples",
    "example",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];

fn is_unconstrained(schema: &Value) -> bool {
    match schema {
        Value::Bool(b) => *b,
        Value::Object(m) => m
            .keys()
            .all(|k| k.starts_with("x-") || ANNOTATIONS.contains(&k.as_str())),
        _ => false,
    }
}

fn contains_ref(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            m.get("$ref").is_some_and(Value::is_string) || m.values().any(contains_ref)
        }
        Value::Array(a) => a.iter().any(contains_ref),
        _ => false,
    }
}

/// Rewrites draft-07 spellings into 2020-12 ones (see the module docs).
pub(crate) fn normalize(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::with_capacity(m.len());
            let tuple = matches!(m.get("items"), Some(Value::Array(_)));
            for (k, val) in m {
                match (k.as_str(), val) {
                    // `prefixItems: []` constrains nothing but fails the 2020-12 meta-schema.
                    ("prefixItems", Value::Array(list)) if list.is_empty() => {}
                    ("items", Value::Array(list)) if list.is_empty() => {}
                    ("items", Value::Array(list)) => {
                        out.insert(
                            "prefixItems".to_owned(),
                            Value::Array(list.iter().map(normalize).collect()),
                        );
                    }
                    ("additionalItems", val) if tuple => {
                        out.insert("items".to_owned(), normalize(val));
                    }
                    ("additionalItems", _) => {}
                    ("dependencies", Value::Object(deps)) => {
                        let mut required = Map::new();
                        let mut schemas = Map::new();
                        for (name, d) in deps {
                            if d.is_array() {
                                required.insert(name.clone(), d.clone());
                            } else {
                                schemas.insert(name.clone(), normalize(d));
                            }
                        }
                        if !required.is_empty() {
                            out.insert("dependentRequired".to_owned(), Value::Object(required));
                        }
                        if !schemas.is_empty() {
                            out.insert("dependentSchemas".to_owned(), Value::Object(schemas));
                        }
                    }
                    // Values of these keywords are data, not schemas.
                    ("enum" | "const" | "examples" | "default" | "example", val) => {
                        out.insert(k.clone(), val.clone());
                    }
                    _ => {
                        out.insert(k.clone(), normalize(val));
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(normalize).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod depth_tests {
    use super::nesting_depth;
    use serde_json::{Value, json};

    fn nested(levels: usize) -> Value {
        let mut v = json!(1);
        for _ in 0..levels {
            v = Value::Array(vec![v]);
        }
        v
    }

    #[test]
    fn depth_counts_arrays_and_objects() {
        assert_eq!(nesting_depth(&json!(1), 128), 0);
        assert_eq!(nesting_depth(&json!({"a": 1}), 128), 1);
        assert_eq!(nesting_depth(&json!({"a": [1, {"b": {}}]}), 128), 4);
        assert_eq!(nesting_depth(&nested(31), 128), 31);
        assert_eq!(nesting_depth(&nested(100), 128), 100);
        assert!(nesting_depth(&nested(5000), 128) > 128);
    }
}
