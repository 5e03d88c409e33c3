//! Invalid values from valid ones (negative cases), and smaller values from failing ones
//! (shrinking). Both only propose: the caller keeps a candidate only when the schema agrees
//! (invalid for mutations; still valid, or still invalid, for shrinking).

use serde_json::{Map, Value, json};

/// One step into a JSON value.
#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

/// A mutation: its label and the mutated instance.
pub(crate) struct Mutation {
    pub label: String,
    pub instance: Value,
}

/// Mutations of `instance` (valid against `schema`) that aim to break one keyword each: wrong
/// type, missing required property, out of range, pattern break, extra property, enum miss.
pub(crate) fn mutations(schema: &Value, instance: &Value) -> Vec<Mutation> {
    let mut out = Vec::new();
    walk(schema, instance, &mut Vec::new(), 0, instance, &mut out);
    out
}

fn pointer(path: &[Seg]) -> String {
    if path.is_empty() {
        return "the value".to_owned();
    }
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                s.push('/');
                s.push_str(k);
            }
            Seg::Index(i) => {
                s.push('/');
                s.push_str(&i.to_string());
            }
        }
    }
    s
}

fn replaced(root: &Value, path: &[Seg], new: Option<Value>) -> Value {
    let mut root = root.clone();
    let mut cur = &mut root;
    for (i, seg) in path.iter().enumerate() {
        let last = i + 1 == path.len();
        match seg {
            Seg::Key(k) => {
                let Some(obj) = cur.as_object_mut() else {
                    return root;
                };
                if last {
                    match &new {
                        Some(v) => {
                            obj.insert(k.clone(), v.clone());
                        }
                        None => {
                            obj.shift_remove(k);
                        }
                    }
                    return root;
                }
                let Some(next) = obj.get_mut(k) else {
                    return root;
                };
                cur = next;
            }
            Seg::Index(idx) => {
                let Some(arr) = cur.as_array_mut() else {
                    return root;
                };
                if *idx >= arr.len() {
                    return root;
                }
                if last {
                    match &new {
                        Some(v) => arr[*idx] = v.clone(),
                        None => {
                            arr.remove(*idx);
                        }
                    }
                    return root;
                }
                cur = &mut arr[*idx];
            }
        }
    }
    new.unwrap_or(Value::Null)
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn walk(
    schema: &Value,
    value: &Value,
    path: &mut Vec<Seg>,
    depth: usize,
    root: &Value,
    out: &mut Vec<Mutation>,
) {
    if depth > 4 || !schema.is_object() {
        return;
    }
    let at = pointer(path);
    let mut push = |label: String, new: Option<Value>| {
        out.push(Mutation {
            label,
            instance: replaced(root, path, new),
        });
    };
    let ts = types(schema);
    if !ts.is_empty() {
        let wrong = if ts.contains(&"string") {
            json!(12345)
        } else {
            json!("not-a-number")
        };
        push(format!("wrong type at {at}"), Some(wrong));
    }
    if let Some(n) = value.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
            push(
                format!("below minimum at {at}"),
                Some(number(min - 1.0, value)),
            );
        }
        if let Some(min) = schema.get("exclusiveMinimum").and_then(Value::as_f64) {
            push(
                format!("not above exclusiveMinimum at {at}"),
                Some(number(min, value)),
            );
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
            push(
                format!("above maximum at {at}"),
                Some(number(max + 1.0, value)),
            );
        }
        if let Some(max) = schema.get("exclusiveMaximum").and_then(Value::as_f64) {
            push(
                format!("not below exclusiveMaximum at {at}"),
                Some(number(max, value)),
            );
        }
        if schema.get("multipleOf").is_some() {
            push(format!("not a multiple at {at}"), Some(json!(n + 0.5)));
        }
    }
    if let Some(s) = value.as_str() {
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && min > 0
        {
            let short: String = s.chars().take(min as usize - 1).collect();
            push(
                format!("shorter than minLength at {at}"),
                Some(json!(short)),
            );
        }
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && max < 100_000
        {
            push(
                format!("longer than maxLength at {at}"),
                Some(json!("x".repeat(max as usize + 1))),
            );
        }
        if schema.get("pattern").is_some() {
            for (i, bad) in ["", " !#%&", "\u{1F600}\u{1F600}", "A-Z a-z 0-9 ~~~"]
                .iter()
                .enumerate()
            {
                push(
                    format!("pattern broken at {at} ({})", i + 1),
                    Some(json!(bad)),
                );
            }
        }
        if schema.get("format").is_some() {
            push(
                format!("format broken at {at}"),
                Some(json!("%% not formatted %%")),
            );
        }
    }
    if schema.get("enum").is_some() || schema.get("const").is_some() {
        push(
            format!("not in enum at {at}"),
            Some(json!("asynction-not-in-enum")),
        );
    }
    if let Some(obj) = value.as_object() {
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for r in required.iter().filter_map(Value::as_str) {
                if obj.contains_key(r) {
                    path.push(Seg::Key(r.to_owned()));
                    out.push(Mutation {
                        label: format!("required property '{r}' missing at {at}"),
                        instance: replaced(root, path, None),
                    });
                    path.pop();
                }
            }
        }
        if schema.get("additionalProperties") == Some(&Value::Bool(false))
            || schema.get("unevaluatedProperties") == Some(&Value::Bool(false))
        {
            path.push(Seg::Key("asynction_unexpected".to_owned()));
            out.push(Mutation {
                label: format!("extra property at {at}"),
                instance: replaced(root, path, Some(json!(1))),
            });
            path.pop();
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            for (k, sub) in props {
                if let Some(v) = obj.get(k) {
                    path.push(Seg::Key(k.clone()));
                    walk(sub, v, path, depth + 1, root, out);
                    path.pop();
                }
            }
        }
    }
    if let Some(arr) = value.as_array() {
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && min > 0
            && !arr.is_empty()
        {
            let mut shorter = arr.clone();
            shorter.truncate(min as usize - 1);
            out.push(Mutation {
                label: format!("fewer than minItems at {at}"),
                instance: replaced(root, path, Some(Value::Array(shorter))),
            });
        }
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && max < 10_000
            && let Some(first) = arr.first()
        {
            out.push(Mutation {
                label: format!("more than maxItems at {at}"),
                instance: replaced(
                    root,
                    path,
                    Some(Value::Array(vec![first.clone(); max as usize + 1])),
                ),
            });
        }
        let prefix = schema.get("prefixItems").and_then(Value::as_array);
        for (i, v) in arr.iter().enumerate() {
            let sub = prefix
                .and_then(|p| p.get(i))
                .or_else(|| schema.get("items").filter(|s| s.is_object()));
            if let Some(sub) = sub {
                path.push(Seg::Index(i));
                walk(sub, v, path, depth + 1, root, out);
                path.pop();
            }
            if prefix.is_none() {
                break;
            }
        }
    }
}

fn number(n: f64, like: &Value) -> Value {
    if like.is_i64() || like.is_u64() {
        json!(n.floor() as i64)
    } else {
        json!(n)
    }
}

/// Smaller variants of `value`, simplest first: for objects each key removed then each value
/// shrunk; for arrays shorter arrays then each item shrunk; strings shorter; numbers nearer 0.
pub(crate) fn shrink_candidates(value: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    match value {
        Value::Object(obj) => {
            for k in obj.keys() {
                let mut o = obj.clone();
                o.shift_remove(k);
                out.push(Value::Object(o));
            }
            for (k, v) in obj {
                for c in shrink_candidates(v) {
                    let mut o: Map<String, Value> = obj.clone();
                    o.insert(k.clone(), c);
                    out.push(Value::Object(o));
                }
            }
        }
        Value::Array(arr) => {
            if !arr.is_empty() {
                out.push(Value::Array(Vec::new()));
                out.push(Value::Array(arr[..arr.len() / 2].to_vec()));
                for i in 0..arr.len() {
                    let mut a = arr.clone();
                    a.remove(i);
                    out.push(Value::Array(a));
                }
            }
            for (i, v) in arr.iter().enumerate() {
                for c in shrink_candidates(v) {
                    let mut a = arr.clone();
                    a[i] = c;
                    out.push(Value::Array(a));
                }
            }
        }
        Value::String(s) => {
            let n = s.chars().count();
            if n > 0 {
                out.push(json!(""));
                out.push(json!(s.chars().take(n / 2).collect::<String>()));
                out.push(json!(s.chars().take(n - 1).collect::<String>()));
            }
            if s.chars().any(|c| c != 'a') {
                out.push(json!("a".repeat(n)));
            }
        }
        Value::Number(num) => {
            if let Some(i) = num.as_i64() {
                if i != 0 {
                    out.push(json!(0));
                    out.push(json!(i / 2));
                    out.push(json!(i - i.signum()));
                }
            } else if let Some(f) = num.as_f64()
                && f != 0.0
            {
                out.push(json!(0));
                out.push(json!(f.trunc()));
                out.push(json!(f / 2.0));
            }
        }
        Value::Bool(true) => out.push(json!(false)),
        _ => {}
    }
    out.retain(|c| c != value);
    out
}

/// How "big" a value is (the shrinker only accepts strictly smaller candidates).
pub(crate) fn size(value: &Value) -> u64 {
    match value {
        Value::Object(o) => {
            1 + o
                .iter()
                .map(|(k, v)| 1 + k.len() as u64 + size(v))
                .sum::<u64>()
        }
        Value::Array(a) => 1 + a.iter().map(size).sum::<u64>(),
        Value::String(s) => 1 + s.chars().map(|c| if c == 'a' { 1 } else { 2 }).sum::<u64>(),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0).abs().min(1e6);
            2 + f as u64 + u64::from(f.fract() != 0.0)
        }
        Value::Bool(b) => 1 + u64::from(*b),
        Value::Null => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_cover_required_range_and_extra() {
        let schema = json!({"type": "object", "additionalProperties": false, "required": ["n"],
            "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 9}}});
        let labels: Vec<String> = mutations(&schema, &json!({"n": 3}))
            .into_iter()
            .map(|m| m.label)
            .collect();
        for want in [
            "wrong type at the value",
            "required property 'n' missing at the value",
            "below minimum at /n",
            "above maximum at /n",
            "extra property at the value",
        ] {
            assert!(labels.iter().any(|l| l == want), "{want} in {labels:?}");
        }
    }

    #[test]
    fn candidates_are_smaller() {
        let v = json!({"a": "hello", "b": [1, 2, 3]});
        for c in shrink_candidates(&v) {
            assert!(size(&c) < size(&v), "{c} not smaller than {v}");
        }
    }
}
