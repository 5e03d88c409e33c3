//! Combinators: `$ref` and `allOf` merged into one flat schema, `oneOf`/`anyOf`/`if` kept as
//! choices and resolved by picking a branch that does not contradict the rest, and the
//! contradictions visible without generating anything.

use rand::{Rng, RngExt};
use serde_json::{Map, Value, json};

use super::{Blocked, FakeGenerator, HARD_DEPTH};

impl FakeGenerator {
    /// Merges `$ref` targets and `allOf` branches of `schema` into `out`.
    pub(super) fn flatten(
        &self,
        schema: &Value,
        path: &str,
        hops: usize,
        out: &mut Flat,
    ) -> Result<(), Blocked> {
        if hops > HARD_DEPTH {
            return Err(Blocked::new(path, "$ref", "`$ref`/`allOf` chains loop"));
        }
        let map = match schema {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => {
                return Err(Blocked::new(
                    path,
                    "false",
                    "the schema `false` accepts no value",
                ));
            }
            Value::Object(m) => m,
            _ => return Ok(()),
        };
        let mut own = Map::new();
        for (key, v) in map {
            match key.as_str() {
                "$ref" => {
                    let target = self
                        .resolve(v)
                        .ok_or_else(|| Blocked::new(path, "$ref", format!("cannot resolve {v}")))?;
                    self.flatten(target, path, hops + 1, out)?;
                }
                "allOf" => {
                    for (i, sub) in v.as_array().into_iter().flatten().enumerate() {
                        self.flatten(sub, &format!("{path}/allOf/{i}"), hops + 1, out)?;
                    }
                }
                "oneOf" | "anyOf" => out.choices.push((
                    format!("{path}/{key}"),
                    key.clone(),
                    v.as_array().cloned().unwrap_or_default(),
                )),
                "not" => out.nots.push(v.clone()),
                "if" => {
                    let then = map.get("then").cloned().unwrap_or(Value::Bool(true));
                    let other = map.get("else").cloned().unwrap_or(Value::Bool(true));
                    let branches = vec![
                        json!({ "allOf": [v, then] }),
                        json!({ "allOf": [other], "not": v }),
                    ];
                    out.choices
                        .push((format!("{path}/if"), "if".to_owned(), branches));
                }
                "then" | "else" => {}
                _ => {
                    own.insert(key.clone(), v.clone());
                }
            }
        }
        merge(&mut out.map, own);
        Ok(())
    }

    /// Resolves every pending `oneOf`/`anyOf`/`if` by picking a branch compatible with the rest.
    pub(super) fn choose<R: Rng + ?Sized>(
        &self,
        mut flat: Flat,
        rng: &mut R,
    ) -> Result<Flat, Blocked> {
        let mut rounds = 0;
        while let Some((path, keyword, branches)) = flat.choices.pop() {
            rounds += 1;
            if rounds > HARD_DEPTH {
                return Err(Blocked::new(&path, &keyword, "branches nest too deeply"));
            }
            if branches.is_empty() {
                return Err(Blocked::new(
                    &path,
                    &keyword,
                    format!("`{keyword}` has no branch"),
                ));
            }
            let start = rng.random_range(0..branches.len());
            let mut picked = None;
            let mut last_err = None;
            for k in 0..branches.len() {
                let i = (start + k) % branches.len();
                let mut tentative = flat.clone();
                match self.flatten(&branches[i], &format!("{path}/{i}"), 0, &mut tentative) {
                    Ok(()) => match conflict(&tentative.map) {
                        None => {
                            picked = Some(tentative);
                            break;
                        }
                        Some((kw, reason)) => {
                            last_err = Some(Blocked::new(&format!("{path}/{i}"), &kw, reason));
                        }
                    },
                    Err(b) => last_err = Some(b),
                }
            }
            flat = match picked {
                Some(f) => f,
                None => {
                    let why = last_err
                        .map(|b| format!(" (last: `{}` at {}: {})", b.keyword, b.path, b.reason))
                        .unwrap_or_default();
                    return Err(Blocked::new(
                        &path,
                        &keyword,
                        format!("no branch is compatible with the rest of the schema{why}"),
                    ));
                }
            };
        }
        Ok(flat)
    }
}

/// A schema with `$ref`/`allOf` merged in and the pending choices and negations.
#[derive(Debug, Clone, Default)]
pub(super) struct Flat {
    pub(super) map: Map<String, Value>,
    /// (pointer, keyword, branches) of every `oneOf`/`anyOf`/`if` still to decide.
    pub(super) choices: Vec<(String, String, Vec<Value>)>,
    pub(super) nots: Vec<Value>,
}

/// Merges the keywords of `b` into `a` (the intersection of the two schemas, where it can be
/// expressed; otherwise `a`'s keyword wins and validation catches the rest).
fn merge(a: &mut Map<String, Value>, b: Map<String, Value>) {
    for (key, vb) in b {
        let Some(va) = a.get_mut(&key) else {
            a.insert(key, vb);
            continue;
        };
        match key.as_str() {
            "type" => {
                let left = type_list(va);
                let right = type_list(&vb);
                let mut both: Vec<Value> = Vec::new();
                for t in &left {
                    for u in &right {
                        let meet = match (t.as_str(), u.as_str()) {
                            (x, y) if x == y => Some(x),
                            ("number", "integer") | ("integer", "number") => Some("integer"),
                            _ => None,
                        };
                        if let Some(m) = meet
                            .map(|m| Value::String(m.to_owned()))
                            .filter(|m| !both.contains(m))
                        {
                            both.push(m);
                        }
                    }
                }
                *va = Value::Array(both);
            }
            "enum" => {
                let right = vb.as_array().cloned().unwrap_or_default();
                let kept: Vec<Value> = va
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|v| right.contains(v))
                    .cloned()
                    .collect();
                *va = Value::Array(kept);
            }
            "const" if *va != vb => {
                a.insert("enum".to_owned(), Value::Array(Vec::new()));
            }
            "minimum" | "exclusiveMinimum" | "minLength" | "minItems" | "minProperties"
            | "minContains" => {
                if let (Some(x), Some(y)) = (va.as_f64(), vb.as_f64())
                    && y > x
                {
                    *va = vb;
                }
            }
            "maximum" | "exclusiveMaximum" | "maxLength" | "maxItems" | "maxProperties"
            | "maxContains" => {
                if let (Some(x), Some(y)) = (va.as_f64(), vb.as_f64())
                    && y < x
                {
                    *va = vb;
                }
            }
            "multipleOf" => {
                if let (Some(x), Some(y)) = (va.as_u64(), vb.as_u64())
                    && x > 0
                    && y > 0
                {
                    *va = Value::from(x / gcd(x, y) * y);
                }
            }
            "uniqueItems" if vb == Value::Bool(true) => *va = vb,
            "required" => {
                if let (Value::Array(left), Value::Array(right)) = (va, vb) {
                    for r in right {
                        if !left.contains(&r) {
                            left.push(r);
                        }
                    }
                }
            }
            "properties" | "patternProperties" | "dependentSchemas" => {
                if let (Value::Object(left), Value::Object(right)) = (va, vb) {
                    for (name, schema) in right {
                        match left.get_mut(&name) {
                            Some(existing) => {
                                *existing = json!({ "allOf": [existing.clone(), schema] });
                            }
                            None => {
                                left.insert(name, schema);
                            }
                        }
                    }
                }
            }
            "dependentRequired" => {
                if let (Value::Object(left), Value::Object(right)) = (va, vb) {
                    for (name, list) in right {
                        let entry = left.entry(name).or_insert_with(|| Value::Array(Vec::new()));
                        if let (Value::Array(l), Value::Array(r)) = (entry, list) {
                            l.extend(r);
                        }
                    }
                }
            }
            "prefixItems" => {
                if let (Value::Array(left), Value::Array(right)) = (va, vb) {
                    for (i, schema) in right.into_iter().enumerate() {
                        match left.get_mut(i) {
                            Some(existing) => {
                                *existing = json!({ "allOf": [existing.clone(), schema] });
                            }
                            None => left.push(schema),
                        }
                    }
                }
            }
            "additionalProperties" | "items" | "contains" | "propertyNames" => {
                if *va == Value::Bool(false) || vb == Value::Bool(false) {
                    *va = Value::Bool(false);
                } else if *va != vb {
                    *va = json!({ "allOf": [va.clone(), vb] });
                }
            }
            _ => {}
        }
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

pub(super) fn type_list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// A contradiction visible in a flat schema without generating anything.
pub(super) fn conflict(map: &Map<String, Value>) -> Option<(String, String)> {
    if let Some(Value::Array(types)) = map.get("type")
        && types.is_empty()
    {
        return Some((
            "type".into(),
            "the combined schemas allow no common type".into(),
        ));
    }
    if let Some(Value::Array(values)) = map.get("enum")
        && values.is_empty()
    {
        return Some((
            "enum".into(),
            "no value is allowed (empty `enum`, or `const`/`enum` that exclude each other)".into(),
        ));
    }
    for (lo, hi) in [
        ("minLength", "maxLength"),
        ("minItems", "maxItems"),
        ("minProperties", "maxProperties"),
        ("minimum", "maximum"),
    ] {
        if let (Some(a), Some(b)) = (
            map.get(lo).and_then(Value::as_f64),
            map.get(hi).and_then(Value::as_f64),
        ) && a > b
        {
            return Some((hi.into(), format!("{lo} {a} is greater than {hi} {b}")));
        }
    }
    None
}
