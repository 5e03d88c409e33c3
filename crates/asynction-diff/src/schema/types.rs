//! `type`, `nullable`, `enum` and `const`: the set of JSON types a schema can accept (which
//! also decides which keyword families count) and its allowed values.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::walk::{Ctx, Here, Key, short};
use super::{Effect, Finding};

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

fn list(ts: &Types) -> String {
    ts.iter().copied().collect::<Vec<_>>().join(", ")
}

impl Ctx<'_> {
    /// `type` (and `nullable`): the types lost and gained, as far as `enum`/`const` let values
    /// of them through.
    pub(super) fn compare_types(
        &self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        (od, nd): (&Types, &Types),
        (oe, ne): (&Types, &Types),
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        let lost: Types = oe.iter().copied().filter(|t| !covers(nd, t)).collect();
        let gained: Types = ne.iter().copied().filter(|t| !covers(od, t)).collect();
        if lost.is_empty() && gained.is_empty() {
            return;
        }
        let show = |s: &Map<String, Value>, d: &Types| {
            if s.contains_key("type") {
                format!("[{}]", list(d))
            } else {
                "any".to_owned()
            }
        };
        let mut msg = format!("type changed from {} to {}", show(o, od), show(n, nd));
        if !lost.is_empty() {
            msg.push_str(&format!("; {} no longer accepted", list(&lost)));
        }
        if !gained.is_empty() {
            msg.push_str(&format!("; {} now accepted", list(&gained)));
        }
        let key = if o.contains_key("type") || n.contains_key("type") {
            "type"
        } else {
            "nullable"
        };
        out.push(here.finding(
            Key::of(key, o, n),
            Effect::of(!lost.is_empty(), !gained.is_empty()),
            msg,
        ));
    }

    /// `enum` and `const`: the allowed values removed and added.
    pub(super) fn compare_enums(
        &self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        let key = |s: &Map<String, Value>| {
            if s.contains_key("enum") {
                "enum"
            } else {
                "const"
            }
        };
        let has = |s: &Map<String, Value>| s.contains_key("enum") || s.contains_key("const");
        match (allowed(o), allowed(n)) {
            (None, None) => {}
            (None, Some(nv)) => out.push(here.finding(
                Key::on(key(n), false, true),
                Effect::NARROWS,
                format!("now restricted to {}", short(&Value::Array(nv))),
            )),
            (Some(ov), None) => out.push(here.finding(
                Key::on(key(o), true, false),
                Effect::WIDENS,
                format!("no longer restricted to {}", short(&Value::Array(ov))),
            )),
            (Some(ov), Some(nv)) => {
                let removed: Vec<Value> = ov.iter().filter(|v| !nv.contains(v)).cloned().collect();
                let added: Vec<Value> = nv.iter().filter(|v| !ov.contains(v)).cloned().collect();
                if removed.is_empty() && added.is_empty() {
                    return;
                }
                let mut parts = Vec::new();
                if !removed.is_empty() {
                    parts.push(format!("{} removed", short(&Value::Array(removed.clone()))));
                }
                if !added.is_empty() {
                    parts.push(format!("{} added", short(&Value::Array(added.clone()))));
                }
                out.push(here.finding(
                    Key::on(key(n), has(o), has(n)),
                    Effect::of(!removed.is_empty(), !added.is_empty()),
                    format!("allowed values changed: {}", parts.join(", ")),
                ));
            }
        }
    }
}
