//! The type model → pydantic classes and type aliases: which definitions are classes, the
//! order of aliases (cycles through aliases cut), each type as a Python annotation with its
//! constraints.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::classes::{Alias, Class, Extra, Field, doc_lines};
use crate::naming::Names;
use crate::python::naming::{class_name, field_name, string_literal};
use crate::types::{Additional, Bounds, Def, Property, Ty, Warning, union};

/// What the builder made.
pub(super) struct Built {
    pub(super) classes: Vec<Class>,
    pub(super) aliases: Vec<Alias>,
    pub(super) warnings: Vec<Warning>,
}

struct Builder<'a> {
    defs: HashMap<String, Def>,
    resolved: &'a Value,
    names: &'a mut Names,
    classes: Vec<Class>,
    class_names: HashSet<String>,
    warnings: Vec<Warning>,
    /// Alias → aliases it must not name (the edges that close a cycle).
    cut: HashSet<(String, String)>,
    /// The alias or class being rendered, and its pointer (for warnings).
    current: (String, String),
    /// Approximations made while rendering the current definition (its docstring says them).
    notes: Vec<String>,
}

/// Turns `defs` (named by the type model; `names` hands out names for inline objects) into
/// classes and aliases; `resolved` is the resolved document, where constraints the model
/// lacks are read.
pub(super) fn build(defs: &[Def], resolved: &Value, names: &mut Names) -> Built {
    let mut b = Builder {
        defs: defs.iter().map(|d| (d.name.clone(), d.clone())).collect(),
        resolved,
        names,
        classes: Vec::new(),
        class_names: HashSet::new(),
        warnings: Vec::new(),
        cut: HashSet::new(),
        current: (String::new(), String::new()),
        notes: Vec::new(),
    };
    // Which definitions are classes, first: aliases are ordered around them.
    for d in defs {
        if b.is_class(&d.ty) {
            b.class_names.insert(d.name.clone());
        }
    }
    let alias_defs: Vec<&Def> = defs
        .iter()
        .filter(|d| !b.class_names.contains(&d.name))
        .collect();
    let order = b.alias_order(&alias_defs);
    let class_defs: Vec<&Def> = defs
        .iter()
        .filter(|d| b.class_names.contains(&d.name))
        .collect();
    for d in class_defs {
        b.current = (d.name.clone(), d.pointer.clone());
        let schema = b.schema_at(&d.pointer);
        let ty = b.normalize(&d.ty);
        let mut class = b.class(&d.name, &ty, schema, doc_lines(&d.doc));
        class.doc.extend(b.take_notes());
        b.classes.push(class);
    }
    let mut aliases = Vec::new();
    for name in order {
        let Some(d) = b.defs.get(&name).cloned() else {
            continue;
        };
        b.current = (d.name.clone(), d.pointer.clone());
        let schema = b.schema_at(&d.pointer);
        let expr = b.expr(&d.ty, schema, &d.name);
        let mut doc = doc_lines(&d.doc);
        doc.extend(b.take_notes());
        aliases.push(Alias {
            name: d.name.clone(),
            doc,
            expr,
        });
    }
    Built {
        classes: b.classes,
        aliases,
        warnings: b.warnings,
    }
}

impl<'a> Builder<'a> {
    fn schema_at(&self, pointer: &str) -> Option<&'a Value> {
        self.resolved.pointer(pointer)
    }

    /// The current definition's approximation notes, as docstring lines.
    fn take_notes(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        for n in std::mem::take(&mut self.notes) {
            out.push(String::new());
            out.push(format!("Approximation: {n}."));
        }
        out
    }

    fn warn(&mut self, message: String) {
        if !self.notes.contains(&message) {
            self.notes.push(message.clone());
        }
        let w = Warning {
            pointer: self.current.1.clone(),
            message: format!("Python: {message}"),
        };
        if !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }

    /// Whether a definition of type `ty` becomes a class.
    fn is_class(&self, ty: &Ty) -> bool {
        match self.normalize(ty) {
            Ty::Object {
                properties,
                additional,
            } => !properties.is_empty() || additional == Additional::Closed,
            _ => false,
        }
    }

    /// The object type behind `ty` (through names), if it is one.
    fn object_of(&self, ty: &Ty) -> Option<Ty> {
        match ty {
            Ty::Object { .. } => Some(ty.clone()),
            Ty::Named(n) => {
                let d = self.defs.get(n)?;
                self.object_of(&self.normalize(&d.ty))
            }
            _ => None,
        }
    }

    /// `ty` without intersections: objects merged into one, else the most specific member
    /// (every member accepts all the intersection accepts, so each is a sound approximation).
    fn normalize(&self, ty: &Ty) -> Ty {
        let Ty::Intersection(parts) = ty else {
            return ty.clone();
        };
        let parts: Vec<Ty> = parts.iter().map(|p| self.normalize(p)).collect();
        let objects: Vec<Ty> = parts.iter().filter_map(|p| self.object_of(p)).collect();
        if objects.len() == parts.len() {
            let mut properties: Vec<Property> = Vec::new();
            let mut additional = Additional::Open;
            for o in objects {
                let Ty::Object {
                    properties: ps,
                    additional: a,
                } = o
                else {
                    continue;
                };
                for p in ps {
                    match properties.iter_mut().find(|q| q.name == p.name) {
                        Some(q) => q.required |= p.required,
                        None => properties.push(p),
                    }
                }
                additional = match (additional, a) {
                    (Additional::Closed, _) | (_, Additional::Closed) => Additional::Closed,
                    (Additional::Typed(t), _) | (_, Additional::Typed(t)) => Additional::Typed(t),
                    _ => Additional::Open,
                };
            }
            return Ty::Object {
                properties,
                additional,
            };
        }
        let literal = parts.iter().find(|p| is_literal_type(p));
        literal
            .or_else(|| parts.iter().find(|p| self.object_of(p).is_none()))
            .or_else(|| parts.first())
            .cloned()
            .unwrap_or(Ty::Unknown)
    }

    /// Aliases in an order where each names only aliases before it; the edges that close a
    /// cycle are recorded in `cut`.
    fn alias_order(&mut self, aliases: &[&Def]) -> Vec<String> {
        let names: HashSet<String> = aliases.iter().map(|d| d.name.clone()).collect();
        let deps: HashMap<String, Vec<String>> = aliases
            .iter()
            .map(|d| {
                let mut out = Vec::new();
                self.alias_refs(&d.ty, &names, &mut out);
                (d.name.clone(), out)
            })
            .collect();
        let mut order = Vec::new();
        let mut state: HashMap<String, u8> = HashMap::new();
        for d in aliases {
            self.visit(&d.name, &deps, &mut state, &mut order);
        }
        order
    }

    fn visit(
        &mut self,
        name: &str,
        deps: &HashMap<String, Vec<String>>,
        state: &mut HashMap<String, u8>,
        order: &mut Vec<String>,
    ) {
        match state.get(name) {
            Some(2) => return,
            Some(1) => return,
            _ => {}
        }
        state.insert(name.to_owned(), 1);
        for dep in deps.get(name).cloned().unwrap_or_default() {
            if state.get(&dep) == Some(&1) {
                self.cut.insert((name.to_owned(), dep.clone()));
                continue;
            }
            self.visit(&dep, deps, state, order);
        }
        state.insert(name.to_owned(), 2);
        order.push(name.to_owned());
    }

    /// Aliases `ty` names outside any class (inline objects become classes, whose annotations
    /// are evaluated lazily).
    fn alias_refs(&self, ty: &Ty, aliases: &HashSet<String>, out: &mut Vec<String>) {
        match ty {
            Ty::Named(n) if aliases.contains(n) && !out.contains(n) => out.push(n.clone()),
            Ty::Union(m) => m.iter().for_each(|t| self.alias_refs(t, aliases, out)),
            Ty::Intersection(_) => {
                let n = self.normalize(ty);
                if !matches!(n, Ty::Object { .. }) {
                    self.alias_refs(&n, aliases, out);
                }
            }
            Ty::Array { item, .. } => self.alias_refs(item, aliases, out),
            Ty::Tuple { items, rest, .. } => {
                items.iter().for_each(|t| self.alias_refs(t, aliases, out));
                if let Some(r) = rest {
                    self.alias_refs(r, aliases, out);
                }
            }
            Ty::Object {
                properties,
                additional: Additional::Typed(t),
            } if properties.is_empty() => self.alias_refs(t, aliases, out),
            _ => {}
        }
    }

    /// A class for the object type `ty`.
    fn class(&mut self, name: &str, ty: &Ty, schema: Option<&Value>, doc: Vec<String>) -> Class {
        let Ty::Object {
            properties,
            additional,
        } = ty
        else {
            return Class {
                name: name.to_owned(),
                doc,
                fields: Vec::new(),
                extra: Extra::Allow,
                absent_when_none: Vec::new(),
            };
        };
        let mut fields_names = Names::with_reserved(&[]);
        let mut fields = Vec::new();
        let mut absent = Vec::new();
        let props_schema = schema.and_then(|s| s.get("properties"));
        for p in properties {
            let py = fields_names.claim(&[field_name(&p.name)]);
            let hint = format!("{name}{}", class_name(&p.name, "Field"));
            let sub = props_schema.and_then(|s| s.get(&p.name));
            let ty = self.expr(&p.ty, sub, &hint);
            if !p.required && !accepts_null(&p.ty) {
                absent.push(p.name.clone());
            }
            fields.push(Field {
                name: py,
                json_name: p.name.clone(),
                ty,
                required: p.required,
                doc: doc_lines(&p.doc),
            });
        }
        let extra = match additional {
            Additional::Open => Extra::Allow,
            Additional::Closed => Extra::Forbid,
            Additional::Typed(t) => {
                let sub = schema.and_then(|s| s.get("additionalProperties"));
                Extra::Typed(self.expr(t, sub, &format!("{name}Value")))
            }
        };
        Class {
            name: name.to_owned(),
            doc,
            fields,
            extra,
            absent_when_none: absent,
        }
    }

    /// The Python type expression of `ty`; `schema` is the schema `ty` was read from, when
    /// known (for `pattern`); inline objects become classes named after `hint`.
    fn expr(&mut self, ty: &Ty, schema: Option<&Value>, hint: &str) -> String {
        match ty {
            Ty::Unknown => "JsonValue".to_owned(),
            Ty::Never => "NoValue".to_owned(),
            Ty::Null => "None".to_owned(),
            Ty::Boolean => "StrictBool".to_owned(),
            Ty::Binary => "StrictBytes".to_owned(),
            Ty::Number { integer, bounds } => number(*integer, bounds),
            Ty::String { format, min, max } => {
                if format.as_deref() == Some("date-time") {
                    return "DateTime".to_owned();
                }
                let pattern = schema
                    .and_then(|s| s.get("pattern"))
                    .and_then(Value::as_str);
                let mut field = Vec::new();
                if let Some(n) = min {
                    field.push(format!("min_length={n}"));
                }
                if let Some(n) = max {
                    field.push(format!("max_length={n}"));
                }
                if field.is_empty() && pattern.is_none() {
                    return "StrictStr".to_owned();
                }
                let mut parts = vec!["StrictStr".to_owned()];
                if !field.is_empty() {
                    parts.push(format!("Field({})", field.join(", ")));
                }
                if let Some(p) = pattern {
                    parts.push(format!("_pattern({})", string_literal(p)));
                }
                format!("Annotated[{}]", parts.join(", "))
            }
            Ty::Literal(v) => self.literals(std::slice::from_ref(v)),
            Ty::Named(n) => {
                if self.cut.contains(&(self.current.0.clone(), n.clone())) {
                    self.warn(format!(
                        "type {} refers to itself through {n} by type aliases alone, which pydantic cannot build; that reference is `JsonValue`",
                        self.current.0
                    ));
                    "JsonValue".to_owned()
                } else {
                    n.clone()
                }
            }
            Ty::Union(members) => self.union(members, schema, hint),
            Ty::Intersection(_) => {
                let n = self.normalize(ty);
                if let Ty::Intersection(_) = n {
                    return "JsonValue".to_owned();
                }
                let parts = match ty {
                    Ty::Intersection(p) => p.len(),
                    _ => 0,
                };
                if !matches!(n, Ty::Object { .. }) && parts > 1 && self.object_of(&n).is_none() {
                    self.warn(
                        "`allOf` of schemas that are not all objects is typed by one of its members; the type is wider than the schema"
                            .to_owned(),
                    );
                }
                self.expr(&n, schema, hint)
            }
            Ty::Array { item, min, max } => {
                let items_schema = schema
                    .and_then(|s| s.get("items"))
                    .filter(|s| !s.is_array());
                let item = self.expr(item, items_schema, &format!("{hint}Item"));
                let list = format!("List[{item}]");
                let mut field = Vec::new();
                if let Some(n) = min.filter(|n| *n > 0) {
                    field.push(format!("min_length={n}"));
                }
                if let Some(n) = max {
                    field.push(format!("max_length={n}"));
                }
                if field.is_empty() {
                    list
                } else {
                    format!("Annotated[{list}, Field({})]", field.join(", "))
                }
            }
            Ty::Tuple {
                items,
                required,
                rest,
            } => {
                let prefix = schema.and_then(|s| {
                    s.get("prefixItems")
                        .or_else(|| s.get("items"))
                        .and_then(Value::as_array)
                });
                let mut rendered = Vec::new();
                for (i, t) in items.iter().enumerate() {
                    let sub = prefix.and_then(|p| p.get(i));
                    rendered.push(self.expr(t, sub, &format!("{hint}Item{}", i + 1)));
                }
                if let Some(rest) = rest {
                    self.warn(
                        "a tuple that allows further elements is typed as a list of any of its element types (Python 3.9 cannot type a tuple's rest)"
                            .to_owned(),
                    );
                    let mut all = items.clone();
                    all.push((**rest).clone());
                    let members = self.expr(&union(all), None, hint);
                    return format!("List[{members}]");
                }
                let tuple = |n: usize| {
                    if n == 0 {
                        "Tuple[()]".to_owned()
                    } else {
                        format!("Tuple[{}]", rendered[..n].join(", "))
                    }
                };
                if *required >= items.len() {
                    tuple(items.len())
                } else {
                    let options: Vec<String> = (*required..=items.len()).map(tuple).collect();
                    format!("Union[{}]", options.join(", "))
                }
            }
            Ty::Object {
                properties,
                additional,
            } => {
                if properties.is_empty() {
                    match additional {
                        Additional::Open => return "Dict[str, JsonValue]".to_owned(),
                        Additional::Typed(t) => {
                            let sub = schema.and_then(|s| s.get("additionalProperties"));
                            let v = self.expr(t, sub, &format!("{hint}Value"));
                            return format!("Dict[str, {v}]");
                        }
                        Additional::Closed => {}
                    }
                }
                let name = self.names.claim(&[hint.to_owned()]);
                let class = self.class(&name, ty, schema, Vec::new());
                self.class_names.insert(name.clone());
                self.classes.push(class);
                name
            }
        }
    }

    fn union(&mut self, members: &[Ty], schema: Option<&Value>, hint: &str) -> String {
        let mut literals = Vec::new();
        let mut nullable = false;
        let mut others: Vec<&Ty> = Vec::new();
        for m in members {
            match m {
                Ty::Null => nullable = true,
                Ty::Literal(Value::Null) => nullable = true,
                Ty::Literal(v) => literals.push(v.clone()),
                other => others.push(other),
            }
        }
        let mut rendered: Vec<String> = Vec::new();
        if !literals.is_empty() {
            rendered.push(self.literals(&literals));
        }
        let discriminator = self.discriminator(&others);
        for (i, m) in others.iter().enumerate() {
            let e = self.expr(m, schema, &format!("{hint}Option{}", i + 1));
            if !rendered.contains(&e) {
                rendered.push(e);
            }
        }
        let inner = match rendered.len() {
            0 => "None".to_owned(),
            1 => rendered.remove(0),
            _ => {
                let u = format!("Union[{}]", rendered.join(", "));
                match &discriminator {
                    Some(d) if literals.is_empty() => {
                        format!("Annotated[{u}, Field(discriminator={})]", string_literal(d))
                    }
                    _ => u,
                }
            }
        };
        if nullable && inner != "None" {
            format!("Optional[{inner}]")
        } else {
            inner
        }
    }

    /// The property that tells the members of a union of objects apart: required, a single
    /// string literal in each member, a different one in each, and its own Python name.
    fn discriminator(&self, members: &[&Ty]) -> Option<String> {
        if members.len() < 2 {
            return None;
        }
        let objects: Vec<Ty> = members
            .iter()
            .map(|m| self.object_of(m))
            .collect::<Option<Vec<_>>>()?;
        let Ty::Object { properties, .. } = &objects[0] else {
            return None;
        };
        'candidates: for p in properties {
            if !p.required || field_name(&p.name) != p.name {
                continue;
            }
            let mut seen = Vec::new();
            for o in &objects {
                let Ty::Object { properties, .. } = o else {
                    continue 'candidates;
                };
                let Some(q) = properties.iter().find(|q| q.name == p.name && q.required) else {
                    continue 'candidates;
                };
                let Ty::Literal(Value::String(s)) = &q.ty else {
                    continue 'candidates;
                };
                if seen.contains(s) {
                    continue 'candidates;
                }
                seen.push(s.clone());
            }
            return Some(p.name.clone());
        }
        None
    }

    /// `Literal[...]` of JSON primitive values (a number that is not an integer cannot be a
    /// `Literal`: `float`, with a warning).
    fn literals(&mut self, values: &[Value]) -> String {
        let mut parts = Vec::new();
        let mut nullable = false;
        let mut float = false;
        for v in values {
            match v {
                Value::Null => nullable = true,
                Value::Bool(b) => parts.push(if *b { "True" } else { "False" }.to_owned()),
                Value::String(s) => parts.push(string_literal(s)),
                Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                    (Some(i), _) => parts.push(i.to_string()),
                    (_, Some(u)) => parts.push(u.to_string()),
                    _ => float = true,
                },
                _ => {}
            }
        }
        let mut members = Vec::new();
        if !parts.is_empty() {
            members.push(format!("Literal[{}]", parts.join(", ")));
        }
        if float {
            self.warn(
                "a non-integer number in `enum`/`const` cannot be a `Literal`; it is typed `float`"
                    .to_owned(),
            );
            members.push("StrictFloat".to_owned());
        }
        let inner = match members.len() {
            0 => "None".to_owned(),
            1 => members.remove(0),
            _ => format!("Union[{}]", members.join(", ")),
        };
        if nullable && inner != "None" {
            format!("Optional[{inner}]")
        } else {
            inner
        }
    }
}

fn is_literal_type(ty: &Ty) -> bool {
    match ty {
        Ty::Literal(_) => true,
        Ty::Union(m) => m.iter().all(|t| matches!(t, Ty::Literal(_) | Ty::Null)),
        _ => false,
    }
}

fn accepts_null(ty: &Ty) -> bool {
    match ty {
        Ty::Null | Ty::Unknown | Ty::Literal(Value::Null) => true,
        Ty::Union(m) => m.iter().any(accepts_null),
        _ => false,
    }
}

fn number(integer: bool, bounds: &Bounds) -> String {
    let mut field = Vec::new();
    for (key, v) in [
        ("ge", bounds.minimum),
        ("le", bounds.maximum),
        ("gt", bounds.exclusive_minimum),
        ("lt", bounds.exclusive_maximum),
    ] {
        if let Some(v) = v {
            field.push(format!("{key}={}", number_literal(v)));
        }
    }
    // Strict types: a JSON string is no number. Builtin names are never written in a class
    // body, where a field called `int` or `list` would shadow them.
    let base = if integer { "StrictInt" } else { "StrictFloat" };
    if field.is_empty() {
        return base.to_owned();
    }
    format!("Annotated[{base}, Field({})]", field.join(", "))
}

fn number_literal(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else if v.is_finite() {
        format!("{v:?}")
    } else if v > 0.0 {
        "float(\"inf\")".to_owned()
    } else {
        "float(\"-inf\")".to_owned()
    }
}
