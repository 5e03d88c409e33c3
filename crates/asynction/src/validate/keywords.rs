//! The mistakes people make in JSON Schema keywords, each named with the valid choices.
//!
//! A JSON Schema validator refuses a schema by validating it against the meta-schema, whose
//! reasons read like `"objekt" is not valid under any of the schemas listed in the 'anyOf'
//! keyword` and stop at the first. This walk runs first and reports every keyword whose value
//! cannot be right, in words a user acts on (`"objekt" is not a JSON Schema type; expected one
//! of: array, boolean, …`); what it does not know is left to the validator's own message.

use serde_json::{Map, Value};

/// JSON Schema's primitive types.
pub(crate) const TYPES: &[&str] = &[
    "array", "boolean", "integer", "null", "number", "object", "string",
];

/// Keywords whose value is a non-negative integer.
const COUNTS: &[&str] = &[
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "maxProperties",
    "minProperties",
    "maxContains",
    "minContains",
];

/// Keywords whose value is a number.
const NUMBERS: &[&str] = &["maximum", "minimum"];

/// Keywords whose value is one schema.
const ONE_SCHEMA: &[&str] = &[
    "additionalProperties",
    "additionalItems",
    "contains",
    "propertyNames",
    "not",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
];

/// Keywords whose value is a map of schemas.
const SCHEMA_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependentSchemas",
];

/// Keywords whose value is a non-empty list of schemas.
const SCHEMA_LISTS: &[&str] = &["allOf", "anyOf", "oneOf", "prefixItems"];

/// Every keyword of `schema` (at `pointer`) that cannot be right: (pointer of the keyword,
/// reason), in document order.
pub(crate) fn check(schema: &Value, pointer: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    // One pointer buffer, extended and truncated along the walk: no string per keyword.
    walk(schema, &mut pointer.to_owned(), &mut out, 0);
    out
}

fn walk(schema: &Value, at: &mut String, out: &mut Vec<(String, String)>, depth: usize) {
    // Schemas nest as deep as documents do; past this the validator's own check answers.
    if depth > 64 {
        return;
    }
    let Value::Object(map) = schema else {
        return;
    };
    for (key, value) in map {
        let len = at.len();
        push(at, key);
        if let Some(reason) = keyword(key, value) {
            out.push((at.clone(), reason));
            at.truncate(len);
            continue;
        }
        match key.as_str() {
            k if ONE_SCHEMA.contains(&k) => walk(value, at, out, depth + 1),
            "items" => match value {
                Value::Array(list) => each(list, at, out, depth),
                other => walk(other, at, out, depth + 1),
            },
            k if SCHEMA_MAPS.contains(&k) => {
                if let Value::Object(m) = value {
                    members(m, at, out, depth);
                }
            }
            k if SCHEMA_LISTS.contains(&k) => {
                if let Value::Array(list) = value {
                    each(list, at, out, depth);
                }
            }
            "dependencies" => {
                if let Value::Object(m) = value {
                    let m: Map<String, Value> = m
                        .iter()
                        .filter(|(_, v)| v.is_object())
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    members(&m, at, out, depth);
                }
            }
            _ => {}
        }
        at.truncate(len);
    }
}

fn each(list: &[Value], at: &mut String, out: &mut Vec<(String, String)>, depth: usize) {
    for (i, item) in list.iter().enumerate() {
        let len = at.len();
        at.push('/');
        at.push_str(&i.to_string());
        walk(item, at, out, depth + 1);
        at.truncate(len);
    }
}

fn members(
    map: &Map<String, Value>,
    at: &mut String,
    out: &mut Vec<(String, String)>,
    depth: usize,
) {
    for (name, item) in map {
        let len = at.len();
        push(at, name);
        walk(item, at, out, depth + 1);
        at.truncate(len);
    }
}

/// Appends `/token`, escaped (RFC 6901).
fn push(at: &mut String, token: &str) {
    at.push('/');
    if token.contains(['~', '/']) {
        at.push_str(&token.replace('~', "~0").replace('/', "~1"));
    } else {
        at.push_str(token);
    }
}

/// Why the value of `key` cannot be right, if it cannot.
fn keyword(key: &str, value: &Value) -> Option<String> {
    match key {
        "type" => type_keyword(value),
        k if COUNTS.contains(&k) => match value.as_u64() {
            Some(_) => None,
            None => Some(format!(
                "{k} must be a non-negative integer (0, 1, 2, …), found {}",
                shown(value)
            )),
        },
        k if NUMBERS.contains(&k) => {
            (!value.is_number()).then(|| format!("{k} must be a number, found {}", shown(value)))
        }
        "exclusiveMaximum" | "exclusiveMinimum" => (!value.is_number() && !value.is_boolean())
            .then(|| format!("{key} must be a number, found {}", shown(value))),
        "multipleOf" => match value.as_f64() {
            Some(n) if n > 0.0 => None,
            _ => Some(format!(
                "multipleOf must be a number greater than 0, found {}",
                shown(value)
            )),
        },
        "required" => match value {
            Value::Array(items) if items.iter().all(Value::is_string) => None,
            // OpenAPI-style `required: true` on a property is the usual mistake.
            Value::Bool(_) => Some(format!(
                "required must be an array of property names (list them on the object: \
                 required: [name, …]), found {}",
                shown(value)
            )),
            _ => Some(format!(
                "required must be an array of property names, found {}",
                shown(value)
            )),
        },
        "enum" => match value {
            Value::Array(items) if !items.is_empty() => None,
            Value::Array(_) => Some("enum must list at least one value, found []".to_owned()),
            _ => Some(format!(
                "enum must be an array of the allowed values, found {}",
                shown(value)
            )),
        },
        "pattern" => match value {
            Value::String(p) => regex_problem(p)
                .map(|e| format!("pattern {p:?} is not a valid regular expression: {e}")),
            _ => Some(format!("pattern must be a string, found {}", shown(value))),
        },
        "properties" | "patternProperties" | "definitions" | "$defs" => match value {
            Value::Object(m) => m
                .iter()
                .find(|(_, v)| !v.is_object() && !v.is_boolean())
                .map(|(name, v)| {
                    format!(
                        "{key} must map names to schemas (objects or booleans); '{name}' is {}",
                        shown(v)
                    )
                }),
            _ => Some(format!(
                "{key} must be an object of schemas, found {}",
                shown(value)
            )),
        },
        "allOf" | "anyOf" | "oneOf" => match value {
            Value::Array(items) if items.is_empty() => {
                Some(format!("{key} must list at least one schema, found []"))
            }
            Value::Array(items) => items
                .iter()
                .position(|v| !v.is_object() && !v.is_boolean())
                .map(|i| {
                    format!(
                        "{key} must list schemas (objects or booleans); item {i} is {}",
                        shown(&items[i])
                    )
                }),
            _ => Some(format!(
                "{key} must be an array of schemas, found {}",
                shown(value)
            )),
        },
        k if ONE_SCHEMA.contains(&k) => (!value.is_object() && !value.is_boolean()).then(|| {
            format!(
                "{k} must be a schema (an object or a boolean), found {}",
                shown(value)
            )
        }),
        _ => None,
    }
}

fn type_keyword(value: &Value) -> Option<String> {
    let expected = TYPES.join(", ");
    let unknown = |name: &str| {
        let hint = close_match(name)
            .map(|t| format!(" (did you mean \"{t}\"?)"))
            .unwrap_or_default();
        format!("\"{name}\" is not a JSON Schema type{hint}; expected one of: {expected}")
    };
    match value {
        Value::String(name) if TYPES.contains(&name.as_str()) => None,
        Value::String(name) => Some(unknown(name)),
        Value::Array(names) => {
            for name in names {
                match name {
                    Value::String(n) if TYPES.contains(&n.as_str()) => {}
                    Value::String(n) => return Some(unknown(n)),
                    other => {
                        return Some(format!(
                            "type lists type names; {} is not one (expected: {expected})",
                            shown(other)
                        ));
                    }
                }
            }
            None
        }
        other => Some(format!(
            "type must be a type name or a list of them ({expected}), found {}",
            shown(other)
        )),
    }
}

/// The JSON Schema type `name` was probably meant to be (one edit away, or a common alias).
fn close_match(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let alias = match lower.as_str() {
        "int" | "long" | "int32" | "int64" => Some("integer"),
        "float" | "double" | "decimal" => Some("number"),
        "bool" => Some("boolean"),
        "str" | "text" => Some("string"),
        "list" => Some("array"),
        "dict" | "map" => Some("object"),
        _ => None,
    };
    alias.or_else(|| {
        TYPES
            .iter()
            .copied()
            .find(|t| *t == lower || edit_distance(t, &lower) <= 2)
    })
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The value as the user wrote it, for messages (long values cut).
fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    }
}

/// Why `pattern` does not compile as an ECMA 262 regular expression (as the validator
/// compiles it), if it does not.
fn regex_problem(pattern: &str) -> Option<String> {
    let schema = serde_json::json!({ "pattern": pattern });
    match jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
    {
        Ok(_) => None,
        Err(e) => Some(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_wrong_keyword_is_named_with_its_valid_choices() {
        let schema = json!({
            "type": "object",
            "properties": {
                "kind": { "type": "objekt" },
                "name": { "type": "string", "minLength": -1 },
                "tags": { "type": "array", "items": { "type": "strng" } },
                "n": { "type": ["integer", "nul"] },
                "ok": { "type": "integer", "minimum": 0 }
            },
            "required": true
        });
        let found = check(&schema, "/payload");
        let pointers: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            pointers,
            [
                "/payload/properties/kind/type",
                "/payload/properties/name/minLength",
                "/payload/properties/tags/items/type",
                "/payload/properties/n/type",
                "/payload/required",
            ]
        );
        assert_eq!(
            found[0].1,
            "\"objekt\" is not a JSON Schema type (did you mean \"object\"?); expected one of: \
             array, boolean, integer, null, number, object, string"
        );
        assert!(
            found[1].1.contains("non-negative integer"),
            "{}",
            found[1].1
        );
        assert!(
            found[2].1.contains("did you mean \"string\""),
            "{}",
            found[2].1
        );
        assert!(found[4].1.contains("required: [name, …]"), "{}", found[4].1);
    }

    #[test]
    fn valid_schemas_and_bad_patterns() {
        let ok = json!({
            "type": ["string", "null"], "pattern": "^[a-z]+$", "enum": ["a", null],
            "items": [{ "type": "string" }], "multipleOf": 0.5, "not": { "const": 3 }
        });
        assert!(check(&ok, "").is_empty());
        let bad = check(&json!({ "pattern": "(" , "enum": [], "multipleOf": 0 }), "");
        assert_eq!(bad.len(), 3, "{bad:?}");
    }
}
