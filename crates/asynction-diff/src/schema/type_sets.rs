//! The set of JSON types a schema can accept (`type`, `nullable`, restricted by `enum`/`const`),
//! which also decides which keyword families count, and its allowed values: functions of one
//! schema, used by the walk and the keyword families.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

const ALL_TYPES: &[&str] = &["null", "boolean", "object", "array", "number", "string"];

pub(super) type Types = BTreeSet<&'static str>;

fn type_name(t: &str) -> Option<&'static str> {
    [
        "null", "boolean", "object", "array", "number", "string", "integer",
    ]
    .into_iter()
    .find(|k| *k == t)
}

/// Whether a set of types accepts values of type `t` (`number` covers `integer`).
pub(super) fn covers(set: &Types, t: &str) -> bool {
    set.contains(t) || (t == "integer" && set.contains("number"))
}

/// The JSON type of a value (`integer` for numbers without a fraction).
fn value_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                "integer"
            } else {
                "number"
            }
        }
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The declared types (`type` plus `nullable: true`); every type when `type` is absent or not
/// understood.
pub(super) fn declared(s: &Map<String, Value>) -> Types {
    let mut set = Types::new();
    match s.get("type") {
        Some(Value::String(t)) => match type_name(t) {
            Some(t) => {
                set.insert(t);
            }
            None => return ALL_TYPES.iter().copied().collect(),
        },
        Some(Value::Array(ts)) => {
            for t in ts {
                match t.as_str().and_then(type_name) {
                    Some(t) => {
                        set.insert(t);
                    }
                    None => return ALL_TYPES.iter().copied().collect(),
                }
            }
        }
        _ => return ALL_TYPES.iter().copied().collect(),
    }
    if s.get("nullable") == Some(&Value::Bool(true)) {
        set.insert("null");
    }
    set
}

/// The allowed values (`enum` ∩ `const`), if restricted.
pub(super) fn allowed(s: &Map<String, Value>) -> Option<Vec<Value>> {
    let e = s.get("enum").and_then(Value::as_array).cloned();
    let c = s.get("const").cloned();
    match (e, c) {
        (Some(e), Some(c)) => Some(e.into_iter().filter(|v| *v == c).collect()),
        (Some(e), None) => Some(e),
        (None, Some(c)) => Some(vec![c]),
        (None, None) => None,
    }
}

/// An over-approximation of the types of values the schema accepts: declared types, restricted
/// to the types of the allowed values when `enum`/`const` is there.
pub(super) fn effective(s: &Map<String, Value>) -> Types {
    let decl = declared(s);
    match allowed(s) {
        Some(values) => values
            .iter()
            .map(value_type)
            .filter(|t| covers(&decl, t))
            .map(|t| {
                if t == "integer" && !decl.contains("integer") {
                    "number"
                } else {
                    t
                }
            })
            .collect(),
        None => decl,
    }
}

/// Keyword families: a keyword of a family only acts on values of its types.
#[derive(Clone, Copy)]
pub(super) enum Family {
    Number,
    String,
    Array,
    Object,
}

pub(super) fn accepts_family(types: &Types, f: Family) -> bool {
    match f {
        Family::Number => types.contains("number") || types.contains("integer"),
        Family::String => types.contains("string"),
        Family::Array => types.contains("array"),
        Family::Object => types.contains("object"),
    }
}

pub(super) fn list(ts: &Types) -> String {
    ts.iter().copied().collect::<Vec<_>>().join(", ")
}
