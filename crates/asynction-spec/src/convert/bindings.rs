//! Bindings: the shapes that changed between the binding versions 2.x documents were written
//! for and the ones 3.x validates against are migrated, each change a note.

use serde_json::{Map, Value, json};

use super::{Converter, child};
use crate::refs::lookup;

impl Converter {
    /// A 2.x bindings object (`kind`: server, channel, operation or message) as 3.x accepts
    /// it: 3.x validates bindings against their latest versions, so the shapes the versions
    /// 2.x documents were written for have changed are migrated (a note says so), and a `$ref`
    /// at the protocol level (not allowed by 3.x) is inlined.
    pub(super) fn bindings(&mut self, v: &Value, kind: &str, at: &str) -> Value {
        let Some(obj) = v.as_object() else {
            return v.clone();
        };
        if obj.contains_key("$ref") {
            return v.clone();
        }
        let mut out = Map::new();
        for (protocol, binding) in obj {
            let bat = child(at, protocol);
            let mut binding = binding.clone();
            if let Some(target) = binding
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| lookup(&self.root, p))
            {
                // A bindings object where one binding belongs: its binding for this protocol.
                binding = target.get(protocol).unwrap_or(target).clone();
            }
            if let Some(b) = binding.as_object_mut()
                && !b.contains_key("bindingVersion")
            {
                let mut dropped = Vec::new();
                match (protocol.as_str(), kind) {
                    ("http", "operation") => {
                        for key in ["type", "headers"] {
                            if b.remove(key).is_some() {
                                dropped.push(key);
                            }
                        }
                    }
                    ("amqp", "message") if b.remove("replyTo").is_some() => {
                        dropped.push("replyTo");
                    }
                    ("kafka", "operation") => {
                        for key in ["clientId", "groupId"] {
                            if let Some(Value::String(id)) = b.get(key).cloned() {
                                b.insert(key.into(), json!({ "type": "string", "enum": [id] }));
                                self.note(
                                    &child(&bat, key),
                                    format!("kafka binding '{key}' is a schema in the binding version 3.x reads: written as {{type: string, enum: [{id}]}}"),
                                );
                            }
                        }
                    }
                    _ => {}
                }
                for key in dropped {
                    self.note(
                        &child(&bat, key),
                        format!("{protocol} {kind} binding field '{key}' does not exist in the binding version 3.x reads: left out"),
                    );
                }
            }
            out.insert(protocol.clone(), binding);
        }
        Value::Object(out)
    }
}
