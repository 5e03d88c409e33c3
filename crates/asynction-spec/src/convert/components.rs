//! `components`: each section converted the way its entries are where they are used
//! (messages, servers, bindings, traits, parameters); 2.x channel components are left out (3.x
//! channels have another shape: they are written where they are used).

use serde_json::{Map, Value};

use super::{Converter, child};

impl Converter {
    pub(super) fn components(&mut self, root: &Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        let Some(Value::Object(components)) = root.get("components") else {
            return out;
        };
        for (section, entries) in components {
            let at = child("/components", section);
            let Some(map) = entries.as_object() else {
                continue;
            };
            let mut converted = Map::new();
            for (name, v) in map {
                let eat = child(&at, name);
                let value = match section.as_str() {
                    "messages" => self.message(v, &eat, false),
                    "securitySchemes" => self.security_scheme(v),
                    "parameters" => self.parameter(v, &eat),
                    "servers" => self.server(v, &eat),
                    "operationTraits" => self.operation_trait(v, &eat),
                    "serverBindings" => self.bindings(v, "server", &eat),
                    "channelBindings" => self.bindings(v, "channel", &eat),
                    "operationBindings" => self.bindings(v, "operation", &eat),
                    "messageBindings" => self.bindings(v, "message", &eat),
                    "messageTraits" => self.with_bindings(v, "message", &eat),
                    "schemas" | "serverVariables" | "correlationIds" => v.clone(),
                    "channels" => {
                        self.note(
                            &eat,
                            "2.x channel components are written where they are used (3.x channels have another shape); this one is left out of components",
                        );
                        continue;
                    }
                    _ if section.starts_with("x-") => v.clone(),
                    other => {
                        self.note(
                            &eat,
                            format!("components section '{other}' has no place in AsyncAPI 3.x: left out"),
                        );
                        continue;
                    }
                };
                converted.insert(name.clone(), value);
            }
            if section.starts_with("x-") {
                out.insert(section.clone(), entries.clone());
            } else if !converted.is_empty() {
                out.insert(section.clone(), Value::Object(converted));
            }
        }
        out
    }

    /// `v` with its `bindings` (of `kind`) migrated.
    pub(super) fn with_bindings(&mut self, v: &Value, kind: &str, at: &str) -> Value {
        let mut out = v.clone();
        if let Some(b) = v.get("bindings") {
            let migrated = self.bindings(b, kind, &child(at, "bindings"));
            out["bindings"] = migrated;
        }
        out
    }

    /// An operation trait: no `operationId` in 3.x, security as a list of scheme `$ref`s.
    pub(super) fn operation_trait(&mut self, v: &Value, at: &str) -> Value {
        let mut out = self.with_bindings(v, "operation", at);
        if let Some(obj) = out.as_object_mut() {
            obj.remove("operationId");
            if let Some(Value::Array(list)) = obj.get("security").cloned() {
                match self.security_list(&list, &child(at, "security")) {
                    Ok(list) => {
                        obj.insert("security".into(), Value::Array(list));
                    }
                    Err(message) => {
                        obj.remove("security");
                        self.note(&child(at, "security"), format!("{message}: left out"));
                    }
                }
            }
        }
        out
    }

    /// A 2.x channel parameter (a schema) as a 3.x parameter (a string with enum/default).
    pub(super) fn parameter(&mut self, v: &Value, at: &str) -> Value {
        let Some(obj) = v.as_object() else {
            return v.clone();
        };
        if obj.contains_key("$ref") {
            return v.clone();
        }
        let mut out = Map::new();
        for (k, val) in obj {
            match k.as_str() {
                "description" | "location" => {
                    out.insert(k.clone(), val.clone());
                }
                "schema" => {
                    let schema = self.deref(val).clone();
                    if let Some(s) = schema.as_object() {
                        for (sk, sv) in s {
                            match sk.as_str() {
                                "enum" | "default" | "examples" => {
                                    out.insert(sk.clone(), sv.clone());
                                }
                                "description" if !obj.contains_key("description") => {
                                    out.insert(sk.clone(), sv.clone());
                                }
                                "type" if sv == "string" => {}
                                "description" => {}
                                other => self.note(
                                    &child(at, "schema"),
                                    format!("parameter schema keyword '{other}' cannot be expressed: a 3.x parameter is a string with enum, default and examples"),
                                ),
                            }
                        }
                    }
                }
                x if x.starts_with("x-") => {
                    out.insert(k.clone(), val.clone());
                }
                other => self.note(
                    &child(at, other),
                    format!("parameter field '{other}' has no place in AsyncAPI 3.x: left out"),
                ),
            }
        }
        Value::Object(out)
    }
}
