//! The code-first direction: the document as the Rust types describe it. Each checked route's
//! payload and ack schema and each typed emit's payload schema in the resolved document is
//! replaced by the type's schema (its `$defs` moved under `components/schemas`, references
//! rewritten), so `asynction diff committed.yaml exported.json` shows what the types changed.
//!
//! A library function, not a CLI command: the `asynction` binary cannot load a project's Rust
//! types, while the project's own test can build its builder and write the file.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value, json};
use socketioxide::adapter::Adapter;

use super::check::{one_item_list, payload_view};
use super::describe::{AckType, HandlerTypes, TypeSchema};
use super::emit::EmitType;
use crate::AsynctionSocketIo;
use crate::model::{ArgumentList, Schema};

/// The document the Rust types describe ([`AsynctionSocketIo::export_document`]).
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct ExportedDocument {
    /// The resolved document (every `$ref` inlined) with the types' schemas in place.
    pub document: Value,
    /// How many schemas were replaced by a type's.
    pub replaced: usize,
    /// Where the document's own schema was kept, and why (e.g. a 3.0 reply of several
    /// messages, which has no single node to replace).
    pub kept: Vec<String>,
}

impl<S, A: Adapter> AsynctionSocketIo<S, A> {
    /// The document as the registered Rust types describe it: the resolved document with every
    /// checked handler's payload and ack schema and every declared typed emit's payload schema
    /// replaced by the type's (schemars, 2020-12). Routes registered without types keep the
    /// document's schemas. Write it from a test and compare it in CI:
    ///
    /// ```no_run
    /// # fn builder() -> asynction::AsynctionSocketIo {
    /// #     asynction::AsynctionSocketIo::from_spec("asyncapi.yaml").expect("the document loads")
    /// # }
    /// let exported = builder().export_document();
    /// std::fs::write("target/asyncapi.exported.json", serde_json::to_string_pretty(&exported.document)?)?;
    /// // CI: asynction diff asyncapi.yaml target/asyncapi.exported.json
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn export_document(&self) -> ExportedDocument {
        let doc = self.document();
        let mut out = Exporter {
            document: (*doc.resolved).clone(),
            original: &doc.resolved,
            names: HashMap::new(),
            replaced: 0,
            kept: Vec::new(),
        };
        let registrations = self.registrations();
        for route in &registrations.routes {
            let Some(types) = route
                .description
                .and_then(|d| d.downcast_ref::<HandlerTypes>())
            else {
                continue;
            };
            let place = format!("{} '{}'", route.namespace.path, route.event.name);
            for payload in &types.payloads {
                match &route.event.payload {
                    Some(s) => match payload_view(s) {
                        Ok((_, pointer)) => {
                            let spread_whole =
                                s.arguments == ArgumentList::Spread && pointer == s.pointer;
                            out.replace(&pointer, &payload.schema, spread_whole, &place);
                        }
                        Err(why) => out.kept.push(format!("{place} payload: {why}")),
                    },
                    None => {
                        let at = format!("{}/payload", route.event.pointer);
                        out.replace(&at, &payload.schema, false, &place);
                    }
                }
            }
            match (&types.ack, &route.event.ack) {
                (Some(AckType::Value(rust)), Some(s)) => out.replace_argument(s, rust, &place),
                (Some(AckType::Value(_)), None) => out
                    .kept
                    .push(format!("{place} ack: the document declares none")),
                _ => {}
            }
        }
        for emit in registrations
            .declared
            .iter()
            .filter_map(|d| d.downcast_ref::<EmitType>())
        {
            let place = format!("{} '{}'", emit.namespace, emit.event);
            let event = doc
                .api
                .namespaces
                .iter()
                .find(|n| n.path == emit.namespace)
                .and_then(|n| n.egress.iter().find(|e| e.name == emit.event));
            match event {
                Some(e) => match &e.payload {
                    Some(s) => out.replace_emit(s, &emit.schema, &place),
                    None => {
                        let at = format!("{}/payload", e.pointer);
                        out.replace(&at, &emit.schema.schema, false, &place);
                    }
                },
                None => out
                    .kept
                    .push(format!("{place}: the document has no such server event")),
            }
        }
        ExportedDocument {
            document: out.document,
            replaced: out.replaced,
            kept: out.kept,
        }
    }
}

/// The document being rewritten.
struct Exporter<'a> {
    document: Value,
    original: &'a Value,
    /// Definition name in the type's `$defs` → the name given under `components/schemas`,
    /// per definition body (so one type used twice is written once).
    names: HashMap<String, Value>,
    replaced: usize,
    kept: Vec<String>,
}

impl Exporter<'_> {
    /// An ack: one argument, so a spread ack list is the list of that one value.
    fn replace_argument(&mut self, s: &Schema, rust: &TypeSchema, place: &str) {
        match s.arguments {
            ArgumentList::Single => self.replace(&s.pointer, &rust.schema, false, place),
            ArgumentList::Spread => {
                self.replace(&s.pointer, &one_item_list(&rust.schema), true, place);
            }
        }
    }

    /// An emit: an array type is the argument list of a spread event.
    fn replace_emit(&mut self, s: &Schema, rust: &TypeSchema, place: &str) {
        let is_array = rust.schema.get("type") == Some(&json!("array"));
        match s.arguments {
            ArgumentList::Spread if !is_array => {
                self.replace(&s.pointer, &one_item_list(&rust.schema), true, place);
            }
            ArgumentList::Spread => self.replace(&s.pointer, &rust.schema, true, place),
            ArgumentList::Single => self.replace(&s.pointer, &rust.schema, false, place),
        }
    }

    /// Puts `schema` at `pointer` (its parent must exist), its definitions under
    /// `components/schemas`; `spread` keeps the argument-list marker.
    fn replace(&mut self, pointer: &str, schema: &Value, spread: bool, place: &str) {
        let (parent, key) = match pointer.rsplit_once('/') {
            Some((parent, key)) => (parent, key.replace("~1", "/").replace("~0", "~")),
            None => {
                self.kept.push(format!("{place}: no node to replace"));
                return;
            }
        };
        // A synthetic schema (several 3.0 reply messages as one `anyOf`) has no node of its own.
        if self.original.pointer(parent).is_none_or(|p| !p.is_object()) {
            self.kept.push(format!(
                "{place}: {pointer} is not one schema of the document"
            ));
            return;
        }
        let mut schema = schema.clone();
        let renames = self.definitions(&mut schema);
        rewrite_refs(&mut schema, &renames);
        if spread && let Value::Object(m) = &mut schema {
            m.insert("x-socketio-args".into(), json!("spread"));
        }
        if let Some(Value::Object(m)) = self.document.pointer_mut(parent) {
            m.insert(key, schema);
            self.replaced += 1;
        }
    }

    /// Moves `schema`'s `$defs` under `components/schemas`; returns `$defs` name → the name
    /// there (a name already taken by another schema gets a `_2`, `_3`… suffix).
    fn definitions(&mut self, schema: &mut Value) -> HashMap<String, String> {
        let Some(Value::Object(defs)) = schema.as_object_mut().and_then(|m| m.remove("$defs"))
        else {
            return HashMap::new();
        };
        let renames: HashMap<String, String> = defs
            .iter()
            .map(|(name, body)| (name.clone(), self.name_for(name, body)))
            .collect();
        let components = self.components();
        for (name, mut body) in defs {
            rewrite_refs(&mut body, &renames);
            components.insert(renames[&name].clone(), body);
        }
        renames
    }

    /// The `components/schemas` name of definition `name` with `body`.
    fn name_for(&mut self, name: &str, body: &Value) -> String {
        let taken = |n: &str, c: &Map<String, Value>| c.get(n).is_some_and(|b| b != body);
        let components = self.components().clone();
        let mut candidate = name.to_owned();
        let mut i = 2;
        while taken(&candidate, &components)
            || self.names.get(&candidate).is_some_and(|b| b != body)
        {
            candidate = format!("{name}_{i}");
            i += 1;
        }
        self.names.insert(candidate.clone(), body.clone());
        candidate
    }

    fn components(&mut self) -> &mut Map<String, Value> {
        let root = self
            .document
            .as_object_mut()
            .expect("a document is an object");
        let components = root
            .entry("components")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("components is an object");
        components
            .entry("schemas")
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("components/schemas is an object")
    }
}

/// `#/$defs/X` → `#/components/schemas/{renames[X]}`, everywhere in `value`.
fn rewrite_refs(value: &mut Value, renames: &HashMap<String, String>) {
    match value {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref")
                && let Some(name) = r.strip_prefix("#/$defs/")
            {
                let name = renames.get(name).map_or(name, String::as_str);
                *r = format!("#/components/schemas/{name}");
            }
            for v in m.values_mut() {
                rewrite_refs(v, renames);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|v| rewrite_refs(v, renames)),
        _ => {}
    }
}
