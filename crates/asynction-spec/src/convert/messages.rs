//! Messages: `messageId` becomes the message's key, a non-AsyncAPI `schemaFormat` moves into
//! a multi-format payload, examples become Example Objects.

use serde_json::{Map, Value, json};

use super::{Converter, child};

impl Converter {
    /// A 2.x message as a 3.x message; `drop_ack`: its `x-ack` became an operation reply.
    pub(super) fn message(&mut self, v: &Value, at: &str, drop_ack: bool) -> Value {
        let Some(obj) = v.as_object() else {
            return v.clone();
        };
        if obj.contains_key("$ref") {
            return v.clone();
        }
        let mut out = Map::new();
        if !obj.contains_key("name") {
            // asynction knows an unnamed 2.x message as `message`; 3.x would use its key.
            out.insert("name".into(), "message".into());
        }
        let format = obj
            .get("schemaFormat")
            .and_then(Value::as_str)
            .filter(|f| !f.starts_with("application/vnd.aai.asyncapi"));
        for (k, val) in obj {
            match k.as_str() {
                "messageId" | "schemaFormat" => {}
                "x-ack" if drop_ack => {}
                "payload" => {
                    let payload = match format {
                        Some(f) => json!({ "schemaFormat": f, "schema": val }),
                        None => val.clone(),
                    };
                    out.insert(k.clone(), payload);
                }
                "examples" => {
                    let list = self.examples(val, &child(at, "examples"));
                    if !list.is_empty() {
                        out.insert(k.clone(), Value::Array(list));
                    }
                }
                "headers" | "correlationId" | "contentType" | "name" | "title" | "summary"
                | "description" | "tags" | "externalDocs" | "traits" => {
                    out.insert(k.clone(), val.clone());
                }
                "bindings" => {
                    let b = self.bindings(val, "message", &child(at, k));
                    out.insert(k.clone(), b);
                }
                x if x.starts_with("x-") => {
                    out.insert(k.clone(), val.clone());
                }
                other => self.note(
                    &child(at, other),
                    format!("message field '{other}' has no place in AsyncAPI 3.x: left out"),
                ),
            }
        }
        Value::Object(out)
    }

    /// A 2.x `examples` list as 3.x Example Objects (2.0's bare payloads wrapped).
    pub(super) fn examples(&mut self, v: &Value, at: &str) -> Vec<Value> {
        let Some(list) = v.as_array() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, ex) in list.iter().enumerate() {
            let eat = format!("{at}/{i}");
            match ex {
                Value::Object(o) if o.contains_key("payload") || o.contains_key("headers") => {
                    let mut kept = Map::new();
                    for (k, val) in o {
                        if matches!(k.as_str(), "name" | "summary" | "headers" | "payload")
                            || k.starts_with("x-")
                        {
                            kept.insert(k.clone(), val.clone());
                        } else {
                            self.note(
                                &child(&eat, k),
                                format!("example field '{k}' has no place in AsyncAPI 3.x: left out"),
                            );
                        }
                    }
                    out.push(Value::Object(kept));
                }
                Value::Object(_) => self.note(
                    &eat,
                    "an example without payload or headers cannot be written in AsyncAPI 3.x: left out",
                ),
                // 2.0 allowed a bare payload as an example.
                other => out.push(json!({ "payload": other })),
            }
        }
        out
    }
}
