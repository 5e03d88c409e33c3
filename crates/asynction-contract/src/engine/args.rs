//! Schema instances on the wire and back: Socket.IO arguments for an instance (spread
//! argument lists, `format: binary` strings as attachments), and the instance a schema sees
//! for arguments received.

use asynction::model::{ArgumentList, Event};
use asynction_client::Args;
use serde_json::{Value, json};

/// The instance a schema sees for received arguments: binary placeholders become strings.
pub(super) fn validation_view(args: &Args) -> Vec<Value> {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(o)
                if o.len() == 2 && o.get("_placeholder") == Some(&Value::Bool(true)) =>
            {
                json!("")
            }
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, v)| (k.clone(), strip(v))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    if args.binaries.is_empty() {
        args.values.clone()
    } else {
        args.values.iter().map(strip).collect()
    }
}

/// Turns strings where the schema says `format: binary` into binary attachments.
fn binarize(schema: &Value, v: Value, args: &mut Args) -> Value {
    if schema.get("format").and_then(Value::as_str) == Some("binary")
        && let Value::String(s) = &v
    {
        return args.attach(s.clone().into_bytes());
    }
    match v {
        Value::Object(o) => {
            let props = schema.get("properties");
            Value::Object(
                o.into_iter()
                    .map(|(k, v)| {
                        let v = match props.and_then(|p| p.get(&k)) {
                            Some(sub) => binarize(sub, v, args),
                            None => v,
                        };
                        (k, v)
                    })
                    .collect(),
            )
        }
        Value::Array(a) => Value::Array(
            a.into_iter()
                .enumerate()
                .map(|(i, v)| match item_schema(schema, i) {
                    Some(sub) => binarize(sub, v, args),
                    None => v,
                })
                .collect(),
        ),
        other => other,
    }
}

/// The schema of position `i` of an array: `prefixItems`, else an object `items`.
fn item_schema(schema: &Value, i: usize) -> Option<&Value> {
    schema
        .get("prefixItems")
        .and_then(Value::as_array)
        .and_then(|p| p.get(i))
        .or_else(|| schema.get("items").filter(|s| s.is_object()))
}

/// The Socket.IO arguments for a schema instance: one argument, or each item of a spread
/// argument list.
pub(super) fn to_args(event: &Event, instance: &Value) -> Args {
    let mut args = Args::new();
    let Some(schema) = &event.payload else {
        return args;
    };
    let value = binarize(&schema.value, instance.clone(), &mut args);
    args.values = match (schema.arguments, value) {
        (ArgumentList::Spread, Value::Array(items)) => items,
        (_, value) => vec![value],
    };
    args
}
