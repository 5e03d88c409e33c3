//! Minimal JSON instances of a schema: what the generated project's tests deserialize when a
//! message has no example.
//!
//! The instance has every required property (recursively) and nothing else; scalars take the
//! schema's `const`, first `enum` value or `minimum`, else the type's zero, and strings are as
//! long as `minLength` asks. It is shaped for the generated Rust types (see
//! [`super::types`]); it is not guaranteed to pass every constraint of the schema (`pattern`,
//! `format`).

use serde_json::{Map, Value, json};

/// A minimal instance of `schema`.
pub(crate) fn minimal_instance(schema: &Value) -> Value {
    let Value::Object(m) = schema else {
        return Value::Null;
    };
    if let Some(value) = m.get("const") {
        return value.clone();
    }
    if let Some(first) = m
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    for keyword in ["oneOf", "anyOf"] {
        if let Some(first) = m
            .get(keyword)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
        {
            return minimal_instance(first);
        }
    }
    let ty = match m.get("type") {
        Some(Value::String(t)) => t.as_str(),
        // A nullable type's smallest instance is null.
        Some(Value::Array(types)) if types.iter().any(|t| t == "null") => return Value::Null,
        Some(Value::Array(types)) => types.first().and_then(Value::as_str).unwrap_or("null"),
        _ if m.contains_key("properties") => "object",
        _ => return Value::Null,
    };
    match ty {
        "string" => {
            let length = m.get("minLength").and_then(Value::as_u64).unwrap_or(0);
            Value::String("x".repeat(length.min(64) as usize))
        }
        "integer" => m
            .get("minimum")
            .and_then(Value::as_i64)
            .map_or(json!(0), |n| json!(n)),
        "number" => m
            .get("minimum")
            .and_then(Value::as_f64)
            .map_or(json!(0.0), |n| json!(n)),
        "boolean" => Value::Bool(false),
        "array" => match m.get("prefixItems").and_then(Value::as_array) {
            Some(items) => Value::Array(items.iter().map(minimal_instance).collect()),
            None => Value::Array(Vec::new()),
        },
        "object" => {
            let properties = m.get("properties").and_then(Value::as_object);
            let mut out = Map::new();
            for name in m
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let property = properties
                    .and_then(|p| p.get(name))
                    .unwrap_or(&Value::Bool(true));
                out.insert(name.to_owned(), minimal_instance(property));
            }
            Value::Object(out)
        }
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_get_only_their_required_properties() {
        let schema = json!({
            "type": "object",
            "required": ["username", "numUsers", "owner", "state", "error"],
            "properties": {
                "username": {"type": "string", "minLength": 3},
                "numUsers": {"type": "integer", "minimum": 1},
                "owner": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                "state": {"enum": ["open", "closed"]},
                "error": {"type": ["string", "null"]},
                "room": {"type": "string"}
            }
        });
        assert_eq!(
            minimal_instance(&schema),
            json!({"username": "xxx", "numUsers": 1, "owner": {"id": ""}, "state": "open", "error": null})
        );
    }

    #[test]
    fn scalars_arrays_and_tuples() {
        assert_eq!(minimal_instance(&json!({"type": "boolean"})), json!(false));
        assert_eq!(minimal_instance(&json!({"type": "number"})), json!(0.0));
        assert_eq!(
            minimal_instance(&json!({"type": "array", "items": {"type": "string"}})),
            json!([])
        );
        assert_eq!(
            minimal_instance(
                &json!({"type": "array", "prefixItems": [{"type": "integer"}, {"const": "up"}]})
            ),
            json!([0, "up"])
        );
        assert_eq!(minimal_instance(&json!(true)), Value::Null);
        assert_eq!(
            minimal_instance(&json!({"oneOf": [{"type": "string"}]})),
            json!("")
        );
    }
}
