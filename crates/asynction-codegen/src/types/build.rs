//! [`Types`]: schemas → named definitions of [`Ty`]s. A top-level schema (a payload, an ack, a
//! handshake's query or headers) gets a named type; a nested schema gets one when the document
//! `$ref`s a component there, else it is inline; a recursive `$ref` names its target. What a
//! type cannot say is an approximation: a note on the type and a [`Warning`].

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::description;
use super::ty::{Additional, Bounds, Def, Property, Ty, Warning, intersection, union};
use super::written::component_name;
use crate::naming::Names;

/// The named types of one generated module, named once each.
pub(crate) struct Types<'d> {
    /// The resolved document, for recursive `$ref`s.
    pub(super) resolved: &'d Value,
    /// The document as written, for component names.
    pub(super) written: Option<&'d Value>,
    /// Every identifier of the generated module's top level.
    pub(crate) names: Names,
    /// `ref:<pointer>` (a component) or `use:<pointer>` (an inline top-level schema) → its type's
    /// name.
    pub(super) by_key: HashMap<String, String>,
    /// Definitions, in the order they were completed.
    pub(crate) defs: Vec<Def>,
    /// Approximations made, in the order they were met; messages name no language (a generator
    /// prefixes its own when it reports them).
    pub(crate) warnings: Vec<Warning>,
    /// Property names the generator's target types but cannot check, and what to say about
    /// each ([`Types::approximate_property`]).
    property_approximations: Vec<(&'static str, &'static str)>,
    depth: usize,
}

/// How deep schemas are followed before the rest is `unknown` (documents are bounded, but a
/// pathological one must not overflow the stack).
const MAX_DEPTH: usize = 64;

impl<'d> Types<'d> {
    /// Types for schemas of `resolved` (the resolved document, for recursive `$ref`s), named after
    /// the components of `written` (the document as written) where possible; `reserved` are
    /// identifiers already taken.
    pub(crate) fn new(resolved: &'d Value, written: Option<&'d Value>, reserved: &[&str]) -> Self {
        Types {
            resolved,
            written,
            names: Names::with_reserved(reserved),
            by_key: HashMap::new(),
            defs: Vec::new(),
            warnings: Vec::new(),
            property_approximations: Vec::new(),
            depth: 0,
        }
    }

    /// Records the approximation `message` wherever a property called `name` is declared: for
    /// a property the generator's target types but does not check (zod skips `__proto__`).
    pub(crate) fn approximate_property(
        mut self,
        name: &'static str,
        message: &'static str,
    ) -> Self {
        self.property_approximations.push((name, message));
        self
    }

    /// The definition called `name`.
    pub(crate) fn def(&self, name: &str) -> Option<&Def> {
        self.defs.iter().find(|d| d.name == name)
    }

    /// Follows [`Ty::Named`] to the underlying type.
    pub(crate) fn unname<'a>(&'a self, ty: &'a Ty) -> &'a Ty {
        let mut ty = ty;
        for _ in 0..16 {
            match ty {
                Ty::Named(n) => match self.def(n) {
                    Some(d) => ty = &d.ty,
                    None => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// A named type for the schema `value` at `pointer` (a top-level payload, ack or handshake
    /// schema): the component's name when the document `$ref`s one there, else the first free
    /// of `candidates`. Identical schemas share one type.
    pub(crate) fn top(
        &mut self,
        value: &Value,
        pointer: &str,
        candidates: &[String],
        doc: &[String],
    ) -> String {
        let written = self.written_at(pointer);
        let (target, component) = self.follow_written(written);
        // Components are shared by name; inline schemas get a type per use (an identical
        // `{type: string}` of another event must not be called after it).
        let key = match &component {
            Some((target_ptr, _)) => format!("ref:{target_ptr}"),
            None => format!("use:{pointer}"),
        };
        if let Some(name) = self.by_key.get(&key) {
            return name.clone();
        }
        let mut all = Vec::new();
        if let Some((_, n)) = &component {
            all.push(n.clone());
        }
        all.extend(candidates.iter().cloned());
        let name = self.names.claim(&all);
        self.by_key.insert(key, name.clone());
        let mut notes = Vec::new();
        let ty = self.body(value, target, pointer, &mut notes);
        self.push_def(&name, ty, doc.to_vec(), notes, value, pointer);
        name
    }

    pub(super) fn push_def(
        &mut self,
        name: &str,
        ty: Ty,
        mut doc: Vec<String>,
        notes: Vec<String>,
        value: &Value,
        pointer: &str,
    ) {
        if let Some(text) = description(value)
            && !doc.iter().any(|l| l == text)
        {
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.extend(text.lines().map(str::to_owned));
        }
        for note in notes {
            if !doc.is_empty() {
                doc.push(String::new());
            }
            doc.push(note);
        }
        self.defs.push(Def {
            name: name.to_owned(),
            ty,
            doc,
            pointer: pointer.to_owned(),
        });
    }

    /// The type of a schema nested in another: a named type when the document `$ref`s a
    /// component there, else inline.
    fn nested(
        &mut self,
        value: &Value,
        written: Option<&'d Value>,
        pointer: &str,
    ) -> (Ty, Vec<String>) {
        let (target, component) = self.follow_written(written);
        let mut notes = Vec::new();
        if let Some((target_ptr, name)) = component {
            let key = format!("ref:{target_ptr}");
            if let Some(existing) = self.by_key.get(&key) {
                return (Ty::Named(existing.clone()), notes);
            }
            let name = self.names.claim(&[name]);
            self.by_key.insert(key, name.clone());
            let mut def_notes = Vec::new();
            let ty = self.body(value, target, pointer, &mut def_notes);
            self.push_def(&name, ty, Vec::new(), def_notes, value, pointer);
            return (Ty::Named(name), notes);
        }
        let ty = self.body(value, target, pointer, &mut notes);
        (ty, notes)
    }

    /// The type of a schema, inline; approximations are noted in `notes`.
    pub(super) fn body(
        &mut self,
        value: &Value,
        written: Option<&'d Value>,
        pointer: &str,
        notes: &mut Vec<String>,
    ) -> Ty {
        if self.depth >= MAX_DEPTH {
            self.approximate(
                pointer,
                notes,
                "the schema nests too deeply; the rest is `unknown`",
            );
            return Ty::Unknown;
        }
        self.depth += 1;
        let ty = self.body_inner(value, written, pointer, notes);
        self.depth -= 1;
        ty
    }

    fn approximate(&mut self, pointer: &str, notes: &mut Vec<String>, message: &str) {
        notes.push(format!("Approximation: {message}."));
        self.warnings.push(Warning {
            pointer: pointer.to_owned(),
            message: message.to_owned(),
        });
    }

    fn body_inner(
        &mut self,
        value: &Value,
        written: Option<&'d Value>,
        pointer: &str,
        notes: &mut Vec<String>,
    ) -> Ty {
        let m = match value {
            Value::Bool(true) => return Ty::Unknown,
            Value::Bool(false) => return Ty::Never,
            Value::Object(m) => m,
            _ => {
                self.approximate(
                    pointer,
                    notes,
                    "the schema is not an object or boolean; any value is accepted",
                );
                return Ty::Unknown;
            }
        };
        let wm = written.and_then(Value::as_object);
        let child = |key: &str| wm.and_then(|w| w.get(key));
        if let Some(r) = m.get("$ref").and_then(Value::as_str) {
            return self.recursive_ref(r, pointer, notes);
        }
        for (keyword, what) in [
            ("not", "`not` is not expressed"),
            ("if", "`if`/`then`/`else` is not expressed"),
            ("dependentSchemas", "`dependentSchemas` is not expressed"),
            ("dependencies", "`dependencies` is not expressed"),
            ("dependentRequired", "`dependentRequired` is not expressed"),
            ("contains", "`contains` is not expressed"),
            (
                "unevaluatedProperties",
                "`unevaluatedProperties` is not expressed",
            ),
            ("propertyNames", "`propertyNames` is not expressed"),
        ] {
            if m.contains_key(keyword) {
                self.approximate(
                    pointer,
                    notes,
                    &format!("{what}; the type is wider than the schema"),
                );
            }
        }
        let mut parts = Vec::new();
        // `const` / `enum` narrow to literals (filtered by `type` when it is given).
        let types = type_list(m);
        let literal_ok = |v: &Value| -> bool {
            match &types {
                None => true,
                Some(ts) => ts.iter().any(|t| json_type_matches(t, v)),
            }
        };
        let mut literals: Option<Vec<Value>> = None;
        if let Some(c) = m.get("const") {
            if is_primitive(c) {
                literals = Some(
                    vec![c.clone()]
                        .into_iter()
                        .filter(|v| literal_ok(v))
                        .collect(),
                );
            } else {
                self.approximate(
                    pointer,
                    notes,
                    "a `const` that is an object or array is typed by its shape only",
                );
            }
        } else if let Some(Value::Array(values)) = m.get("enum") {
            if values.iter().all(is_primitive) {
                let mut unique: Vec<Value> = Vec::new();
                for v in values {
                    if literal_ok(v) && !unique.contains(v) {
                        unique.push(v.clone());
                    }
                }
                literals = Some(unique);
            } else {
                self.approximate(
                    pointer,
                    notes,
                    "an `enum` with object or array values is typed by its shape only",
                );
            }
        }
        match literals {
            Some(values) => parts.push(union(values.into_iter().map(Ty::Literal).collect())),
            None => {
                if let Some(base) = self.base(m, wm, pointer, notes) {
                    parts.push(base);
                }
            }
        }
        for (keyword, is_union) in [("oneOf", true), ("anyOf", true), ("allOf", false)] {
            if let Some(Value::Array(branches)) = m.get(keyword) {
                let written_branches = child(keyword).and_then(Value::as_array);
                let mut tys = Vec::new();
                for (i, b) in branches.iter().enumerate() {
                    let w = written_branches.and_then(|a| a.get(i));
                    let (ty, _) = self.nested(b, w, &format!("{pointer}/{keyword}/{i}"));
                    tys.push(ty);
                }
                if is_union {
                    parts.push(union(tys));
                } else {
                    parts.extend(tys);
                }
            }
        }
        let mut ty = intersection(parts);
        if m.get("nullable") == Some(&Value::Bool(true)) && !matches!(ty, Ty::Unknown) {
            ty = union(vec![ty, Ty::Null]);
        }
        ty
    }

    fn recursive_ref(&mut self, r: &str, pointer: &str, notes: &mut Vec<String>) -> Ty {
        let target_ptr = r.strip_prefix('#').unwrap_or(r);
        let key = format!("ref:{target_ptr}");
        if let Some(name) = self.by_key.get(&key) {
            return Ty::Named(name.clone());
        }
        let Some(target) = self.resolved.pointer(target_ptr) else {
            self.approximate(
                pointer,
                notes,
                &format!("`$ref` {r} is not resolved; any value is accepted"),
            );
            return Ty::Unknown;
        };
        let name = component_name(target_ptr).unwrap_or_else(|| "RecursiveSchema".to_owned());
        let name = self.names.claim(&[name]);
        self.by_key.insert(key, name.clone());
        let written = self.written_at(target_ptr);
        let mut notes = Vec::new();
        let ty = self.body(target, written, target_ptr, &mut notes);
        self.push_def(&name, ty, Vec::new(), notes, target, target_ptr);
        Ty::Named(name)
    }

    /// The type from `type` (or the keywords that imply one).
    fn base(
        &mut self,
        m: &Map<String, Value>,
        wm: Option<&'d Map<String, Value>>,
        pointer: &str,
        notes: &mut Vec<String>,
    ) -> Option<Ty> {
        let types = match type_list(m) {
            Some(t) => t,
            None if m.contains_key("properties")
                || m.contains_key("required")
                || m.contains_key("additionalProperties") =>
            {
                vec!["object".to_owned()]
            }
            None if m.contains_key("items") || m.contains_key("prefixItems") => {
                vec!["array".to_owned()]
            }
            None if m.contains_key("format")
                && m.get("format").and_then(Value::as_str) == Some("binary") =>
            {
                vec!["string".to_owned()]
            }
            None => return None,
        };
        let mut tys = Vec::new();
        for t in &types {
            let ty = match t.as_str() {
                "null" => Ty::Null,
                "boolean" => Ty::Boolean,
                "integer" | "number" => Ty::Number {
                    integer: t == "integer",
                    bounds: Bounds {
                        minimum: m.get("minimum").and_then(Value::as_f64),
                        maximum: m.get("maximum").and_then(Value::as_f64),
                        exclusive_minimum: m.get("exclusiveMinimum").and_then(Value::as_f64),
                        exclusive_maximum: m.get("exclusiveMaximum").and_then(Value::as_f64),
                    },
                },
                "string" => {
                    let format = m.get("format").and_then(Value::as_str);
                    if format == Some("binary") {
                        Ty::Binary
                    } else {
                        if m.contains_key("pattern") {
                            notes.push(format!(
                                "Must match the pattern `{}` (not checked by the type).",
                                m["pattern"].as_str().unwrap_or_default()
                            ));
                        }
                        Ty::String {
                            format: format.map(str::to_owned),
                            min: m.get("minLength").and_then(Value::as_u64),
                            max: m.get("maxLength").and_then(Value::as_u64),
                        }
                    }
                }
                "array" => self.array(m, wm, pointer, notes),
                "object" => self.object(m, wm, pointer, notes),
                other => {
                    self.approximate(
                        pointer,
                        notes,
                        &format!("unknown `type` '{other}'; any value is accepted"),
                    );
                    Ty::Unknown
                }
            };
            tys.push(ty);
        }
        Some(union(tys))
    }

    fn array(
        &mut self,
        m: &Map<String, Value>,
        wm: Option<&'d Map<String, Value>>,
        pointer: &str,
        notes: &mut Vec<String>,
    ) -> Ty {
        let min = m.get("minItems").and_then(Value::as_u64);
        let max = m.get("maxItems").and_then(Value::as_u64);
        let w = |k: &str| wm.and_then(|w| w.get(k));
        // 2020-12 `prefixItems` + `items`, or draft-07 `items: [..]` + `additionalItems`.
        let (prefix_key, prefix, rest_key) = match (m.get("prefixItems"), m.get("items")) {
            (Some(Value::Array(p)), _) => ("prefixItems", Some(p), "items"),
            (None, Some(Value::Array(p))) => ("items", Some(p), "additionalItems"),
            _ => ("", None, "items"),
        };
        let Some(prefix) = prefix else {
            let item = match m.get("items") {
                Some(items) => {
                    self.nested(items, w("items"), &format!("{pointer}/items"))
                        .0
                }
                None => Ty::Unknown,
            };
            return Ty::Array {
                item: Box::new(item),
                min,
                max,
            };
        };
        let written_prefix = w(prefix_key).and_then(Value::as_array);
        let mut items = Vec::new();
        for (i, s) in prefix.iter().enumerate() {
            let wi = written_prefix.and_then(|a| a.get(i));
            items.push(self.nested(s, wi, &format!("{pointer}/{prefix_key}/{i}")).0);
        }
        let rest = match m.get(rest_key) {
            Some(Value::Bool(false)) => None,
            Some(s) => Some(
                self.nested(s, w(rest_key), &format!("{pointer}/{rest_key}"))
                    .0,
            ),
            None => Some(Ty::Unknown),
        };
        let rest = match (rest, max) {
            (Some(_), Some(max)) if max as usize <= items.len() => None,
            (r, _) => r,
        };
        if let Some(max) = max
            && (max as usize) < items.len()
        {
            items.truncate(max as usize);
        }
        if items.is_empty()
            && let Some(rest) = &rest
        {
            return Ty::Array {
                item: Box::new(rest.clone()),
                min,
                max,
            };
        }
        let required = (min.unwrap_or(0) as usize).min(items.len());
        if rest.as_ref().is_some_and(|r| *r == Ty::Never) {
            return Ty::Tuple {
                items,
                required,
                rest: None,
            };
        }
        if matches!(rest, Some(Ty::Unknown)) {
            notes.push("Elements after the listed ones are not described (`unknown`).".to_owned());
        }
        Ty::Tuple {
            items,
            required,
            rest: rest.map(Box::new),
        }
    }

    fn object(
        &mut self,
        m: &Map<String, Value>,
        wm: Option<&'d Map<String, Value>>,
        pointer: &str,
        notes: &mut Vec<String>,
    ) -> Ty {
        let required: Vec<&str> = m
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let written_props = wm
            .and_then(|w| w.get("properties"))
            .and_then(Value::as_object);
        let mut properties = Vec::new();
        if let Some(Value::Object(props)) = m.get("properties") {
            for (name, schema) in props {
                let w = written_props.and_then(|p| p.get(name));
                let ptr = format!("{pointer}/properties/{}", escape_pointer(name));
                let (ty, mut doc) = self.nested(schema, w, &ptr);
                if let Some(message) = self
                    .property_approximations
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, m)| *m)
                {
                    self.approximate(&ptr, &mut doc, message);
                }
                if let Some(d) = description(schema) {
                    let mut lines: Vec<String> = d.lines().map(str::to_owned).collect();
                    if !doc.is_empty() {
                        lines.push(String::new());
                    }
                    lines.append(&mut doc);
                    doc = lines;
                }
                if let Some(f) = schema.get("format").and_then(Value::as_str)
                    && f != "binary"
                {
                    doc.push(format!(
                        "Format: `{f}` (a string; the format is not checked by the type)."
                    ));
                }
                properties.push(Property {
                    name: name.clone(),
                    ty,
                    required: required.contains(&name.as_str()),
                    doc,
                });
            }
        }
        // Required properties that are not declared still must be there.
        for r in &required {
            if !properties.iter().any(|p| p.name == *r) {
                properties.push(Property {
                    name: (*r).to_owned(),
                    ty: Ty::Unknown,
                    required: true,
                    doc: Vec::new(),
                });
            }
        }
        let mut additional = match m.get("additionalProperties") {
            Some(Value::Bool(false)) => Additional::Closed,
            None | Some(Value::Bool(true)) => Additional::Open,
            Some(s) => {
                let w = wm.and_then(|w| w.get("additionalProperties"));
                let (ty, _) = self.nested(s, w, &format!("{pointer}/additionalProperties"));
                if ty == Ty::Unknown {
                    Additional::Open
                } else {
                    Additional::Typed(Box::new(ty))
                }
            }
        };
        if m.contains_key("patternProperties") {
            self.approximate(
                pointer,
                notes,
                "`patternProperties` is not expressed; other properties are `unknown`",
            );
            additional = Additional::Open;
        }
        Ty::Object {
            properties,
            additional,
        }
    }
}

fn type_list(m: &Map<String, Value>) -> Option<Vec<String>> {
    match m.get("type") {
        Some(Value::String(t)) => Some(vec![t.clone()]),
        Some(Value::Array(ts)) => Some(
            ts.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ),
        _ => None,
    }
}

fn json_type_matches(t: &str, v: &Value) -> bool {
    match (t, v) {
        ("null", Value::Null) | ("boolean", Value::Bool(_)) | ("string", Value::String(_)) => true,
        ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => {
            n.as_i64().is_some()
                || n.as_u64().is_some()
                || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => false,
    }
}

fn is_primitive(v: &Value) -> bool {
    !matches!(v, Value::Object(_) | Value::Array(_))
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}
