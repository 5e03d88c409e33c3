//! JSON Schema → a small type model ([`Ty`]) that renders both as a TypeScript type
//! ([`super::render`]) and as a zod schema ([`super::zod`]).
//!
//! | schema | type |
//! |---|---|
//! | `type: object`, `properties`, `required` | object type, optional properties marked `?` |
//! | `additionalProperties: S` | an index signature (over `S` and the declared properties' types) |
//! | `enum`, `const` (primitive values) | union of literal types |
//! | `oneOf` / `anyOf` | union; `allOf` | intersection |
//! | `items` / `prefixItems` (draft-07 `items: [..]`) | array / tuple (optional elements below `minItems`, rest from `items`) |
//! | `type: [T, "null"]`, `nullable: true` | `T \| null` |
//! | `format: binary` | `ArrayBuffer \| Blob \| Uint8Array` |
//! | `format: date-time` etc. | `string`, the format documented |
//! | recursive `$ref` and `components` names | named types |
//!
//! What TypeScript cannot express (`not`, `if`/`then`/`else`, `patternProperties`, non-primitive
//! `enum` values, …) is left out, which widens the type (every value the schema accepts is still
//! accepted), and recorded as a note on the type and a warning with the schema's pointer.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::scaffold::naming::{Names, pascal_case};

/// A type: what a schema accepts, as far as TypeScript can say.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// Any value.
    Unknown,
    /// No value.
    Never,
    /// `null`.
    Null,
    /// `boolean`.
    Boolean,
    /// `number`, maybe an integer, with bounds.
    Number {
        /// `type: integer`.
        integer: bool,
        /// `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`.
        bounds: Bounds,
    },
    /// `string`, with its `format` (documented only) and length bounds.
    String {
        /// `format`.
        format: Option<String>,
        /// `minLength`, `maxLength`.
        min: Option<u64>,
        /// `maxLength`.
        max: Option<u64>,
    },
    /// `format: binary`: `ArrayBuffer | Blob | Uint8Array`.
    Binary,
    /// One JSON primitive value.
    Literal(Value),
    /// Any of the types.
    Union(Vec<Ty>),
    /// All of the types.
    Intersection(Vec<Ty>),
    /// An array of `item`.
    Array {
        /// The element type.
        item: Box<Ty>,
        /// `minItems`.
        min: Option<u64>,
        /// `maxItems`.
        max: Option<u64>,
    },
    /// A tuple: the first `required` of `items` must be there, then `rest` (none: no more).
    Tuple {
        /// The positional element types.
        items: Vec<Ty>,
        /// How many of `items` are required.
        required: usize,
        /// The type of further elements; `None` when there may be none.
        rest: Option<Box<Ty>>,
    },
    /// An object.
    Object {
        /// Declared properties, in document order.
        properties: Vec<Property>,
        /// What other properties may be.
        additional: Additional,
    },
    /// A named type (its definition is in [`Types::defs`]).
    Named(String),
}

/// Numeric bounds of a number type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bounds {
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `exclusiveMinimum` (number form).
    pub exclusive_minimum: Option<f64>,
    /// `exclusiveMaximum` (number form).
    pub exclusive_maximum: Option<f64>,
}

/// What an object's undeclared properties may be.
#[derive(Debug, Clone, PartialEq)]
pub enum Additional {
    /// Anything (the JSON Schema default).
    Open,
    /// Nothing (`additionalProperties: false`).
    Closed,
    /// Values of this type.
    Typed(Box<Ty>),
}

/// One declared property of an object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// The property name as in the JSON.
    pub name: String,
    /// Its type.
    pub ty: Ty,
    /// Whether it is in `required`.
    pub required: bool,
    /// Its `description` (or `title`), and notes.
    pub doc: Vec<String>,
}

/// A named type definition.
#[derive(Debug, Clone)]
pub struct Def {
    /// The TypeScript name.
    pub name: String,
    /// The type.
    pub ty: Ty,
    /// TSDoc lines: description, notes.
    pub doc: Vec<String>,
    /// JSON pointer of the schema (for warnings).
    pub pointer: String,
}

/// A warning about a schema construct that the generated type does not express exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// JSON pointer of the schema in the resolved document.
    pub pointer: String,
    /// What was approximated and how.
    pub message: String,
}

/// The named types of one generated package, named once each.
pub struct Types<'d> {
    resolved: &'d Value,
    written: Option<&'d Value>,
    /// Every identifier of the generated module's top level.
    pub names: Names,
    by_key: HashMap<String, String>,
    /// Definitions, in the order they were completed.
    pub defs: Vec<Def>,
    /// Approximations made, in the order they were met.
    pub warnings: Vec<Warning>,
    depth: usize,
}

/// How deep schemas are followed before the rest is `unknown` (documents are bounded, but a
/// pathological one must not overflow the stack).
const MAX_DEPTH: usize = 64;

impl<'d> Types<'d> {
    /// Types for schemas of `resolved` (the resolved document, for recursive `$ref`s), named after
    /// the components of `written` (the document as written) where possible; `reserved` are
    /// identifiers already taken.
    pub fn new(resolved: &'d Value, written: Option<&'d Value>, reserved: &[&str]) -> Self {
        Types {
            resolved,
            written,
            names: Names::with_reserved(reserved),
            by_key: HashMap::new(),
            defs: Vec::new(),
            warnings: Vec::new(),
            depth: 0,
        }
    }

    /// The definition called `name`.
    pub fn def(&self, name: &str) -> Option<&Def> {
        self.defs.iter().find(|d| d.name == name)
    }

    /// Follows [`Ty::Named`] to the underlying type.
    pub fn unname<'a>(&'a self, ty: &'a Ty) -> &'a Ty {
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
    pub fn top(
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

    fn push_def(
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

    /// The node of the document as written at `pointer` (a pointer into the resolved
    /// document), following local `$ref`s on the way; `None` past an external `$ref`.
    fn written_at(&self, pointer: &str) -> Option<&'d Value> {
        let mut node = self.written?;
        for raw in pointer.split('/').skip(1) {
            let segment = raw.replace("~1", "/").replace("~0", "~");
            node = self.follow_written(Some(node)).0?;
            node = match node {
                Value::Object(m) => m.get(&segment)?,
                Value::Array(a) => a.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// The written node behind local `$ref`s, and the component (`pointer`, name) the first
    /// `$ref` names (only when the `$ref` has no sibling keywords).
    fn follow_written(
        &self,
        written: Option<&'d Value>,
    ) -> (Option<&'d Value>, Option<(String, String)>) {
        let Some(mut node) = written else {
            return (None, None);
        };
        let mut component = None;
        for _ in 0..16 {
            let Some(m) = node.as_object() else { break };
            let Some(r) = m.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(ptr) = r.strip_prefix('#') else {
                return (None, component);
            };
            let Some(target) = self.written.and_then(|w| w.pointer(ptr)) else {
                return (None, component);
            };
            if component.is_none() && m.len() == 1 {
                component = component_name(ptr).map(|n| (ptr.to_owned(), n));
            }
            node = target;
        }
        (Some(node), component)
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
    fn body(
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
            message: format!("TypeScript: {message}"),
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
                if name == "__proto__" {
                    self.approximate(
                        &ptr,
                        &mut doc,
                        "a property named `__proto__` is typed, but zod does not check it at run time",
                    );
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

impl Types<'_> {
    /// Breaks `$ref` loops that never descend into the value (`A = B & {..}`, `B = A | string`):
    /// TypeScript cannot name such a type, and JSON Schema accepts no more through the loop than
    /// without it, so the references closing the loop become `unknown` (a warning each).
    pub fn break_direct_cycles(&mut self) {
        loop {
            let Some((def, target)) = self.find_direct_cycle() else {
                return;
            };
            let name = self.defs[def].name.clone();
            let ty = std::mem::replace(&mut self.defs[def].ty, Ty::Unknown);
            self.defs[def].ty = replace_direct(ty, &target);
            self.defs[def].doc.push(String::new());
            self.defs[def].doc.push(format!(
                "Approximation: the schema refers to itself through `{target}` without nesting (a `$ref` loop); that reference is `unknown`."
            ));
            self.warnings.push(Warning {
                pointer: self.defs[def].pointer.clone(),
                message: format!(
                    "TypeScript: type {name} refers to itself through {target} without nesting (a `$ref` loop); that reference is `unknown`"
                ),
            });
        }
    }

    /// A definition and a direct reference of it that leads back to it without nesting.
    fn find_direct_cycle(&self) -> Option<(usize, String)> {
        for (i, def) in self.defs.iter().enumerate() {
            for target in direct_refs(&def.ty) {
                let mut seen = vec![target.clone()];
                let mut stack = vec![target.clone()];
                while let Some(n) = stack.pop() {
                    if n == def.name {
                        return Some((i, target));
                    }
                    if let Some(d) = self.def(&n) {
                        for r in direct_refs(&d.ty) {
                            if !seen.contains(&r) {
                                seen.push(r.clone());
                                stack.push(r);
                            }
                        }
                    }
                }
            }
        }
        None
    }
}

/// Named types `ty` refers to without nesting (through unions and intersections only).
fn direct_refs(ty: &Ty) -> Vec<String> {
    match ty {
        Ty::Named(n) => vec![n.clone()],
        Ty::Union(m) | Ty::Intersection(m) => m.iter().flat_map(direct_refs).collect(),
        _ => Vec::new(),
    }
}

fn replace_direct(ty: Ty, target: &str) -> Ty {
    match ty {
        Ty::Named(n) if n == target => Ty::Unknown,
        Ty::Union(m) => union(m.into_iter().map(|t| replace_direct(t, target)).collect()),
        Ty::Intersection(m) => {
            intersection(m.into_iter().map(|t| replace_direct(t, target)).collect())
        }
        other => other,
    }
}

/// The name a component pointer gives a type: `/components/schemas/User` → `User`,
/// `/components/messages/SignUp/payload` → `SignUpPayload`.
fn component_name(pointer: &str) -> Option<String> {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let name = match segments.as_slice() {
        [c, kind, name] if c == "components" && kind == "schemas" => pascal_case(name, "Schema"),
        [c, kind, name, rest @ ..]
            if c == "components" && kind == "messages" && !rest.is_empty() =>
        {
            format!(
                "{}{}",
                pascal_case(name, "Message"),
                pascal_case(&rest.join(" "), "")
            )
        }
        [c, _, name, ..] if c == "components" => pascal_case(name, "Schema"),
        _ => return None,
    };
    Some(name)
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

/// A union, flattened; one member stands alone, none is `never`; `unknown` absorbs the rest.
pub fn union(tys: Vec<Ty>) -> Ty {
    let mut out: Vec<Ty> = Vec::new();
    for t in tys {
        match t {
            Ty::Union(inner) => {
                for i in inner {
                    if !out.contains(&i) {
                        out.push(i);
                    }
                }
            }
            Ty::Never => {}
            Ty::Unknown => return Ty::Unknown,
            other => {
                if !out.contains(&other) {
                    out.push(other);
                }
            }
        }
    }
    match out.len() {
        0 => Ty::Never,
        1 => out.pop().unwrap_or(Ty::Never),
        _ => Ty::Union(out),
    }
}

/// An intersection, flattened; `unknown` members dropped; none is `unknown`.
pub fn intersection(tys: Vec<Ty>) -> Ty {
    let mut out: Vec<Ty> = Vec::new();
    for t in tys {
        match t {
            Ty::Intersection(inner) => out.extend(inner),
            Ty::Unknown => {}
            other => {
                if !out.contains(&other) {
                    out.push(other);
                }
            }
        }
    }
    match out.len() {
        0 => Ty::Unknown,
        1 => out.pop().unwrap_or(Ty::Unknown),
        _ => Ty::Intersection(out),
    }
}

/// The schema's `description`, else its `title`.
pub fn description(schema: &Value) -> Option<&str> {
    let m = schema.as_object()?;
    m.get("description")
        .or_else(|| m.get("title"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ts_of(value: Value) -> String {
        let doc = json!({});
        let mut t = Types::new(&doc, None, &[]);
        let name = t.top(&value, "/x", &["T".into()], &[]);
        let def = t.def(&name).cloned().expect("defined");
        super::super::render::ts_type(&def.ty, "")
    }

    #[test]
    fn tuples_in_both_spellings_with_optional_elements_and_rest() {
        assert_eq!(
            ts_of(
                json!({"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "additionalItems": false, "minItems": 1})
            ),
            "[string, (number | undefined)?]"
        );
        assert_eq!(
            ts_of(
                json!({"prefixItems": [{"type": "string"}], "items": {"type": "boolean"}, "minItems": 1})
            ),
            "[string, ...boolean[]]"
        );
        assert_eq!(
            ts_of(
                json!({"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}], "minItems": 2, "maxItems": 2})
            ),
            "[string, string]"
        );
        assert_eq!(
            ts_of(json!({"type": "array", "prefixItems": [], "items": {"type": "integer"}})),
            "number[]"
        );
    }

    #[test]
    fn type_lists_nullable_and_combinators() {
        assert_eq!(
            ts_of(json!({"type": ["string", "integer", "null"]})),
            "string | number | null"
        );
        assert_eq!(
            ts_of(json!({"type": "integer", "nullable": true})),
            "number | null"
        );
        assert_eq!(
            ts_of(json!({"anyOf": [{"type": "string"}, {"const": 1}]})),
            "string | 1"
        );
        assert_eq!(
            ts_of(
                json!({"type": "object", "required": ["a"], "properties": {"a": {"type": "string"}}, "allOf": [{"type": "object", "properties": {"b": {"type": "integer"}}}]})
            ),
            "{\n  a: string;\n} & {\n  b?: number | undefined;\n}"
        );
        assert_eq!(ts_of(json!({"format": "binary"})), "Binary");
        assert_eq!(ts_of(json!({})), "unknown");
        assert_eq!(ts_of(json!(false)), "never");
        assert_eq!(
            ts_of(json!({"type": "object", "additionalProperties": false})),
            "Record<string, never>"
        );
        assert_eq!(
            ts_of(json!({"type": "object", "additionalProperties": {"type": "integer"}})),
            "{\n  [key: string]: number;\n}"
        );
    }

    #[test]
    fn component_names() {
        assert_eq!(
            component_name("/components/schemas/user_info").as_deref(),
            Some("UserInfo")
        );
        assert_eq!(
            component_name("/components/messages/signUp/payload").as_deref(),
            Some("SignUpPayload")
        );
        assert_eq!(component_name("/channels/x"), None);
    }

    #[test]
    fn enums_are_filtered_by_type_and_unions_flatten() {
        let doc = json!({});
        let mut t = Types::new(&doc, None, &[]);
        let name = t.top(
            &json!({"type": "string", "enum": ["a", "b", 1, "a"]}),
            "/x",
            &["E".into()],
            &[],
        );
        assert_eq!(name, "E");
        assert_eq!(
            t.def("E").map(|d| d.ty.clone()),
            Some(Ty::Union(vec![
                Ty::Literal(json!("a")),
                Ty::Literal(json!("b"))
            ]))
        );
        assert_eq!(
            union(vec![Ty::Null, Ty::Union(vec![Ty::Null, Ty::Boolean])]),
            Ty::Union(vec![Ty::Null, Ty::Boolean])
        );
    }
}
