//! Handshake values arrive as strings (`?limit=5`); a query or header schema says `integer`.
//! Coercion turns each string into the type its property schema asks for before validation,
//! so `limit=5` validates as `5` (the original compared strings and could never pass an
//! `integer` query parameter).
//!
//! Rules, per property (`type` may be a list; the first type the text parses as wins):
//! `integer` (`-12`), `number` (`1.5`), `boolean` (`true`/`false`), `null` (empty or `null`),
//! `array` (repeated keys, or one comma-separated value, items coerced by `items`), else the
//! string as is. A property the schema does not describe stays a string.

use serde_json::{Map, Value};

/// Builds the validation instance for query or header pairs (names as given; repeated names
/// collected in order).
pub fn coerce_pairs<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    schema: &Value,
) -> Value {
    let mut grouped: Map<String, Value> = Map::new();
    let mut multi: Vec<String> = Vec::new();
    for (k, v) in pairs {
        match grouped.get_mut(k) {
            Some(Value::Array(list)) if multi.iter().any(|m| m == k) => {
                list.push(Value::String(v.to_owned()));
            }
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, Value::String(v.to_owned())]);
                multi.push(k.to_owned());
            }
            None => {
                grouped.insert(k.to_owned(), Value::String(v.to_owned()));
            }
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    let mut out = Map::with_capacity(grouped.len());
    for (k, v) in grouped {
        let prop = properties.and_then(|p| p.get(&k));
        let coerced = match prop {
            Some(p) => coerce_value(v, p),
            None => v,
        };
        out.insert(k, coerced);
    }
    Value::Object(out)
}

fn types(schema: &Value) -> Vec<&str> {
    match schema.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

fn coerce_value(v: Value, schema: &Value) -> Value {
    let types = types(schema);
    match v {
        Value::Array(items) => {
            if types.contains(&"array") {
                let item_schema = schema.get("items").cloned().unwrap_or(Value::Bool(true));
                Value::Array(
                    items
                        .into_iter()
                        .map(|i| coerce_value(i, &item_schema))
                        .collect(),
                )
            } else {
                Value::Array(items)
            }
        }
        Value::String(s) => coerce_str(s, schema, &types),
        other => other,
    }
}

fn coerce_str(s: String, schema: &Value, types: &[&str]) -> Value {
    for t in types {
        match *t {
            "integer" => {
                if let Ok(i) = s.trim().parse::<i64>() {
                    return Value::from(i);
                }
            }
            "number" => {
                if let Ok(i) = s.trim().parse::<i64>() {
                    return Value::from(i);
                }
                if let Some(n) = s
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                {
                    return Value::Number(n);
                }
            }
            "boolean" => match s.as_str() {
                "true" => return Value::Bool(true),
                "false" => return Value::Bool(false),
                _ => {}
            },
            "null" if s.is_empty() || s == "null" => return Value::Null,
            "array" => {
                let item_schema = schema.get("items").cloned().unwrap_or(Value::Bool(true));
                let item_types = self::types(&item_schema);
                let items = if s.is_empty() {
                    Vec::new()
                } else {
                    s.split(',').map(str::to_owned).collect::<Vec<_>>()
                };
                return Value::Array(
                    items
                        .into_iter()
                        .map(|i| coerce_str(i, &item_schema, &item_types))
                        .collect(),
                );
            }
            "string" => return Value::String(s),
            _ => {}
        }
    }
    Value::String(s)
}

#[cfg(test)]
mod tests {
    use super::coerce_pairs;
    use serde_json::json;

    #[test]
    fn query_strings_take_the_types_of_their_schema() {
        let schema = json!({"type":"object","properties":{
            "limit":{"type":"integer"}, "ratio":{"type":"number"}, "on":{"type":"boolean"},
            "tags":{"type":"array","items":{"type":"integer"}}, "name":{"type":"string"},
            "either":{"type":["integer","string"]}}});
        let v = coerce_pairs(
            [
                ("limit", "5"),
                ("ratio", "0.5"),
                ("on", "true"),
                ("tags", "1,2"),
                ("name", "007"),
                ("either", "x"),
                ("extra", "1"),
            ],
            &schema,
        );
        assert_eq!(
            v,
            json!({"limit":5,"ratio":0.5,"on":true,"tags":[1,2],"name":"007","either":"x","extra":"1"})
        );
    }

    #[test]
    fn repeated_keys_become_arrays_and_unparsable_values_stay_strings() {
        let schema = json!({"properties":{"id":{"type":"array","items":{"type":"integer"}},"n":{"type":"integer"}}});
        let v = coerce_pairs(
            [("id", "1"), ("id", "2"), ("id", "3"), ("n", "five")],
            &schema,
        );
        assert_eq!(v, json!({"id":[1,2,3],"n":"five"}));
    }
}
