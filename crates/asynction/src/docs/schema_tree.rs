//! A JSON Schema → a tree a person can read: one node per property, item, option or
//! sub-schema, each with its type, whether it is required, its constraints and description.
//!
//! Schemas reach the docs with their `$ref`s inlined except recursive ones (a tree node whose
//! children are tree nodes), which stay as local `$ref`s. Such a `$ref` is shown as the name of
//! the schema it points to, linked to the enclosing node that *is* that schema, instead of
//! being expanded again. Trees are bounded in depth and size so that a huge or deeply nested
//! schema cannot make the page unreadable or the renderer slow.

use serde::Serialize;
use serde_json::{Map, Value};

use super::markdown;
use crate::model::{ArgumentList, Schema};

/// Deepest nesting shown; deeper parts are summarised as "…".
const MAX_DEPTH: usize = 24;
/// Most nodes in one tree.
const MAX_NODES: usize = 2_000;
/// Longest JSON value (enum member, const, default, example) shown in a constraint.
const MAX_VALUE_CHARS: usize = 200;

/// One node of a rendered schema tree.
#[derive(Debug, Clone, Serialize)]
pub(super) struct SchemaNode {
    /// Property name, `items`, `option 1`, … (none for the root).
    pub label: Option<String>,
    /// What the label names: `property`, `item`, `option`, `keyword`.
    pub label_kind: &'static str,
    /// Whether the enclosing object lists this property in `required`.
    pub required: bool,
    /// The type as a person reads it: `string`, `integer | null`, `object`, `any`.
    pub type_text: String,
    /// `id` of the node, set only when a recursive reference links here.
    pub anchor: Option<String>,
    /// A recursive `$ref` shown instead of the schema it points to.
    pub reference: Option<Reference>,
    /// Constraints and annotations (`enum`, `format`, `≥ 1`, `pattern`, …).
    pub facts: Vec<Fact>,
    /// `description`, rendered from CommonMark to safe HTML.
    pub description_html: Option<String>,
    /// Properties, items, options, … in schema order.
    pub children: Vec<SchemaNode>,
}

/// A recursive `$ref` shown by name.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Reference {
    /// The last segment of the referenced pointer (`Node` for `#/components/schemas/Node`).
    pub name: String,
    /// The `$ref` as written.
    pub target: String,
    /// `#id` of the enclosing node that is the referenced schema, when there is one.
    pub href: Option<String>,
}

/// One constraint or annotation of a schema.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Fact {
    /// What it is (`enum`, `format`, `length`, …).
    pub name: &'static str,
    /// Its value, as text.
    pub value: String,
}

/// Builds the tree of `schema`; `id_prefix` makes node anchors unique within the page and
/// `resolved` is the document that recursive `$ref`s point into.
pub(super) fn build(schema: &Schema, id_prefix: &str, resolved: &Value) -> SchemaNode {
    let mut builder = Builder {
        resolved,
        id_prefix,
        next_id: 0,
        nodes: 0,
        ancestors: Vec::new(),
    };
    builder.node(&schema.value, None, "root", false)
}

/// How the Socket.IO argument list maps onto `schema`, as a sentence.
pub(super) fn argument_rule(schema: &Schema) -> String {
    match schema.arguments {
        ArgumentList::Single => "one argument: the value described below".to_owned(),
        ArgumentList::Spread => {
            let Some(obj) = schema.value.as_object() else {
                return "arguments: the items of the array below".to_owned();
            };
            let prefix: &[Value] = obj
                .get("prefixItems")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let mut names: Vec<String> = prefix
                .iter()
                .enumerate()
                .map(|(i, item)| argument_name(i, item))
                .collect();
            let max_items = obj.get("maxItems").and_then(Value::as_u64);
            let closed = obj.get("items") == Some(&Value::Bool(false))
                || max_items.is_some_and(|m| m as usize <= prefix.len());
            if !closed {
                match obj.get("items") {
                    Some(items) if prefix.is_empty() => {
                        names.push(format!("{} …", type_text(items)));
                    }
                    _ => names.push("…".to_owned()),
                }
            }
            if names.is_empty() {
                "no arguments".to_owned()
            } else {
                format!("arguments: {}", names.join(", "))
            }
        }
    }
}

/// `title` of a spread argument, else its position and type.
fn argument_name(index: usize, schema: &Value) -> String {
    let ty = type_text(schema);
    match schema.get("title").and_then(Value::as_str) {
        Some(title) => format!("{title} ({ty})"),
        None => format!("#{} ({ty})", index + 1),
    }
}

struct Builder<'a> {
    resolved: &'a Value,
    id_prefix: &'a str,
    next_id: usize,
    nodes: usize,
    /// Schemas on the path from the root to the node being built, with their ids and whether
    /// a recursive reference pointed at them.
    ancestors: Vec<(&'a Value, String, bool)>,
}

impl<'a> Builder<'a> {
    fn node(
        &mut self,
        schema: &'a Value,
        label: Option<String>,
        label_kind: &'static str,
        required: bool,
    ) -> SchemaNode {
        self.nodes += 1;
        let mut node = SchemaNode {
            label,
            label_kind,
            required,
            type_text: type_text(schema),
            anchor: None,
            reference: None,
            facts: Vec::new(),
            description_html: None,
            children: Vec::new(),
        };
        let Some(obj) = schema.as_object() else {
            return node;
        };
        node.description_html = obj
            .get("description")
            .and_then(Value::as_str)
            .map(markdown::to_safe_html);
        node.facts = facts(obj);
        if let Some(target) = obj.get("$ref").and_then(Value::as_str) {
            node.reference = Some(self.reference(target));
            node.type_text = String::new();
            return node;
        }
        if self.ancestors.len() >= MAX_DEPTH || self.nodes >= MAX_NODES {
            if has_children(obj) {
                node.facts.push(Fact {
                    name: "not shown",
                    value: "nested too deeply; see asyncapi.json".to_owned(),
                });
            }
            return node;
        }
        self.next_id += 1;
        let id = format!("{}-s{}", self.id_prefix, self.next_id);
        self.ancestors.push((schema, id, false));
        node.children = self.children(obj);
        if let Some((_, id, true)) = self.ancestors.pop() {
            node.anchor = Some(id);
        }
        node
    }

    fn children(&mut self, obj: &'a Map<String, Value>) -> Vec<SchemaNode> {
        let mut out = Vec::new();
        let required: Vec<&str> = obj
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if let Some(Value::Object(props)) = obj.get("properties") {
            for (name, schema) in props {
                out.push(self.node(
                    schema,
                    Some(name.clone()),
                    "property",
                    required.contains(&name.as_str()),
                ));
            }
        }
        // Required names without a schema of their own still matter to a client.
        for name in &required {
            let described = obj.get("properties").and_then(|p| p.get(*name)).is_some();
            if !described {
                out.push(self.node(
                    &Value::Bool(true),
                    Some((*name).to_owned()),
                    "property",
                    true,
                ));
            }
        }
        if let Some(Value::Object(patterns)) = obj.get("patternProperties") {
            for (pattern, schema) in patterns {
                out.push(self.node(schema, Some(format!("/{pattern}/")), "pattern", false));
            }
        }
        if let Some(extra @ Value::Object(_)) = obj.get("additionalProperties") {
            out.push(self.node(
                extra,
                Some("additional properties".to_owned()),
                "keyword",
                false,
            ));
        }
        if let Some(Value::Array(prefix)) = obj.get("prefixItems") {
            for (i, schema) in prefix.iter().enumerate() {
                out.push(self.node(schema, Some(format!("[{i}]")), "item", false));
            }
        }
        match obj.get("items") {
            // Draft-07 tuple form.
            Some(Value::Array(tuple)) => {
                for (i, schema) in tuple.iter().enumerate() {
                    out.push(self.node(schema, Some(format!("[{i}]")), "item", false));
                }
            }
            Some(items @ Value::Object(_)) => {
                let label = if obj.contains_key("prefixItems") {
                    "further items"
                } else {
                    "items"
                };
                out.push(self.node(items, Some(label.to_owned()), "item", false));
            }
            _ => {}
        }
        if let Some(extra @ Value::Object(_)) = obj.get("additionalItems") {
            out.push(self.node(extra, Some("further items".to_owned()), "item", false));
        }
        if let Some(contains @ Value::Object(_)) = obj.get("contains") {
            out.push(self.node(contains, Some("contains".to_owned()), "keyword", false));
        }
        for (keyword, title) in [
            ("oneOf", "exactly one of"),
            ("anyOf", "any of"),
            ("allOf", "all of"),
        ] {
            if let Some(Value::Array(options)) = obj.get(keyword) {
                for (i, schema) in options.iter().enumerate() {
                    out.push(self.node(
                        schema,
                        Some(format!("{title} · option {}", i + 1)),
                        "option",
                        false,
                    ));
                }
            }
        }
        for (keyword, title) in [
            ("not", "must not match"),
            ("if", "if"),
            ("then", "then"),
            ("else", "else"),
        ] {
            if let Some(schema) = obj.get(keyword).filter(|s| s.is_object()) {
                out.push(self.node(schema, Some(title.to_owned()), "keyword", false));
            }
        }
        out
    }

    fn reference(&mut self, target: &str) -> Reference {
        let name = target
            .rsplit('/')
            .next()
            .unwrap_or(target)
            .replace("~1", "/")
            .replace("~0", "~");
        let pointer = target.strip_prefix('#').map(|p| {
            percent_encoding::percent_decode_str(p)
                .decode_utf8_lossy()
                .into_owned()
        });
        let referenced = pointer.as_deref().and_then(|p| self.resolved.pointer(p));
        let href = referenced.and_then(|schema| {
            let ancestor = self
                .ancestors
                .iter_mut()
                .rev()
                .find(|(value, _, _)| same_schema(value, schema, target))?;
            ancestor.2 = true;
            Some(format!("#{}", ancestor.1))
        });
        Reference {
            name,
            target: target.to_owned(),
            href,
        }
    }
}

/// Whether two schemas are the same one, expanded to different depths: the resolved document
/// inlines a recursive schema once more inside itself than the copy met in a payload, so a
/// `{"$ref": target}` on either side stands for the whole referenced schema.
fn same_schema(a: &Value, b: &Value, target: &str) -> bool {
    let is_target = |v: &Value| {
        v.as_object()
            .is_some_and(|o| o.len() == 1 && o.get("$ref").and_then(Value::as_str) == Some(target))
    };
    if is_target(a) || is_target(b) {
        return true;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_schema(v, w, target)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same_schema(v, w, target))
        }
        _ => a == b,
    }
}

fn has_children(obj: &Map<String, Value>) -> bool {
    [
        "properties",
        "items",
        "prefixItems",
        "oneOf",
        "anyOf",
        "allOf",
        "additionalProperties",
        "patternProperties",
    ]
    .iter()
    .any(|k| obj.get(*k).is_some_and(|v| v.is_object() || v.is_array()))
}

/// The type of a schema as a person reads it.
pub(super) fn type_text(schema: &Value) -> String {
    let obj = match schema {
        Value::Bool(true) => return "any".to_owned(),
        Value::Bool(false) => return "nothing (always invalid)".to_owned(),
        Value::Object(obj) => obj,
        _ => return String::new(),
    };
    match obj.get("type") {
        Some(Value::String(t)) => array_of(t, obj),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .map(|t| array_of(t, obj))
            .collect::<Vec<_>>()
            .join(" | "),
        _ => {
            if obj.contains_key("properties") || obj.contains_key("additionalProperties") {
                "object".to_owned()
            } else if obj.contains_key("items") || obj.contains_key("prefixItems") {
                "array".to_owned()
            } else if let Some(c) = obj.get("const") {
                json_kind(c).to_owned()
            } else if ["oneOf", "anyOf", "allOf", "$ref"]
                .iter()
                .any(|k| obj.contains_key(*k))
            {
                // The options or the reference say what it is.
                String::new()
            } else {
                "any".to_owned()
            }
        }
    }
}

/// `array of string` when the items have one simple type.
fn array_of(ty: &str, obj: &Map<String, Value>) -> String {
    if ty == "array"
        && let Some(Value::String(item)) = obj.get("items").and_then(|i| i.get("type"))
        && item != "object"
        && item != "array"
    {
        return format!("array of {item}");
    }
    ty.to_owned()
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Constraints and annotations of one schema, in the order a reader wants them.
fn facts(obj: &Map<String, Value>) -> Vec<Fact> {
    let mut out = Vec::new();
    let mut push = |name: &'static str, value: String| out.push(Fact { name, value });
    if let Some(title) = obj.get("title").and_then(Value::as_str) {
        push("title", title.to_owned());
    }
    if let Some(Value::Array(values)) = obj.get("enum") {
        push(
            "one of",
            values.iter().map(short_json).collect::<Vec<_>>().join(", "),
        );
    }
    if let Some(value) = obj.get("const") {
        push("exactly", short_json(value));
    }
    if let Some(format) = obj.get("format").and_then(Value::as_str) {
        push("format", format.to_owned());
    }
    if let Some(pattern) = obj.get("pattern").and_then(Value::as_str) {
        push("pattern", pattern.to_owned());
    }
    if let Some(range) = numeric_range(obj) {
        push("range", range);
    }
    if let Some(m) = obj.get("multipleOf") {
        push("multiple of", short_json(m));
    }
    for (min, max, name) in [
        ("minLength", "maxLength", "length"),
        ("minItems", "maxItems", "items"),
        ("minProperties", "maxProperties", "properties"),
    ] {
        if let Some(text) = bounds(obj.get(min), obj.get(max)) {
            push(name, text);
        }
    }
    if obj.get("uniqueItems") == Some(&Value::Bool(true)) {
        push("items", "unique".to_owned());
    }
    if obj.get("additionalProperties") == Some(&Value::Bool(false)) {
        push("other properties", "not allowed".to_owned());
    }
    for (flag, text) in [
        ("readOnly", "read-only"),
        ("writeOnly", "write-only"),
        ("deprecated", "deprecated"),
    ] {
        if obj.get(flag) == Some(&Value::Bool(true)) {
            push("note", text.to_owned());
        }
    }
    if let Some(encoding) = obj.get("contentEncoding").and_then(Value::as_str) {
        push("encoding", encoding.to_owned());
    }
    if let Some(media) = obj.get("contentMediaType").and_then(Value::as_str) {
        push("media type", media.to_owned());
    }
    if let Some(default) = obj.get("default") {
        push("default", short_json(default));
    }
    match obj.get("examples") {
        Some(Value::Array(examples)) if !examples.is_empty() => push(
            "example",
            examples
                .iter()
                .map(short_json)
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => {
            if let Some(example) = obj.get("example") {
                push("example", short_json(example));
            }
        }
    }
    out
}

/// `1 … 10`, `≥ 1`, `> 0`, `≤ 10` from the numeric keywords (draft-04 boolean exclusives too).
fn numeric_range(obj: &Map<String, Value>) -> Option<String> {
    let lower = match (obj.get("minimum"), obj.get("exclusiveMinimum")) {
        (Some(m), Some(Value::Bool(true))) => Some(format!("> {m}")),
        (_, Some(e @ Value::Number(_))) => Some(format!("> {e}")),
        (Some(m), _) => Some(format!("≥ {m}")),
        _ => None,
    };
    let upper = match (obj.get("maximum"), obj.get("exclusiveMaximum")) {
        (Some(m), Some(Value::Bool(true))) => Some(format!("< {m}")),
        (_, Some(e @ Value::Number(_))) => Some(format!("< {e}")),
        (Some(m), _) => Some(format!("≤ {m}")),
        _ => None,
    };
    match (lower, upper) {
        (Some(l), Some(u)) => Some(format!("{l} and {u}")),
        (l, u) => l.or(u),
    }
}

/// `1 … 50`, `≥ 1`, `≤ 50` or `exactly 3`.
fn bounds(min: Option<&Value>, max: Option<&Value>) -> Option<String> {
    match (min, max) {
        (Some(a), Some(b)) if a == b => Some(format!("exactly {a}")),
        (Some(a), Some(b)) => Some(format!("{a} … {b}")),
        (Some(a), None) => Some(format!("≥ {a}")),
        (None, Some(b)) => Some(format!("≤ {b}")),
        (None, None) => None,
    }
}

/// Compact JSON, cut to [`MAX_VALUE_CHARS`].
fn short_json(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema(value: Value) -> Schema {
        Schema {
            pointer: "/x".to_owned(),
            value,
            arguments: ArgumentList::Single,
        }
    }

    #[test]
    fn object_properties_carry_required_marks_and_constraints() {
        let tree = build(
            &schema(json!({
                "type": "object", "required": ["name"],
                "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 50, "pattern": "^[a-z]+$"},
                    "age": {"type": "integer", "minimum": 0, "exclusiveMaximum": 150},
                    "kind": {"enum": ["a", "b"]},
                    "tags": {"type": "array", "items": {"type": "string", "format": "email"}}
                }
            })),
            "t",
            &Value::Null,
        );
        assert_eq!(tree.type_text, "object");
        let name = &tree.children[0];
        assert_eq!((name.label.as_deref(), name.required), (Some("name"), true));
        let fact = |n: &SchemaNode, k: &str| {
            n.facts
                .iter()
                .find(|f| f.name == k)
                .map(|f| f.value.clone())
        };
        assert_eq!(fact(name, "length").as_deref(), Some("1 … 50"));
        assert_eq!(fact(name, "pattern").as_deref(), Some("^[a-z]+$"));
        assert_eq!(
            fact(&tree.children[1], "range").as_deref(),
            Some("≥ 0 and < 150")
        );
        assert!(!tree.children[1].required);
        assert_eq!(
            fact(&tree.children[2], "one of").as_deref(),
            Some(r#""a", "b""#)
        );
        assert_eq!(tree.children[3].type_text, "array of string");
        assert_eq!(
            fact(&tree.children[3].children[0], "format").as_deref(),
            Some("email")
        );
    }

    #[test]
    fn recursive_ref_links_to_the_enclosing_node() {
        let node = json!({"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}});
        // As the resolver leaves it: the stored Node holds one more expansion of itself.
        let deeper =
            json!({"type": "object", "properties": {"children": {"type": "array", "items": node}}});
        let doc = json!({"components": {"schemas": {"Node": deeper}}});
        let tree = build(&schema(node), "p", &doc);
        let anchor = tree
            .anchor
            .clone()
            .expect("the root is the referenced schema");
        let reference = tree.children[0].children[0]
            .reference
            .as_ref()
            .expect("a reference node");
        assert_eq!(reference.name, "Node");
        assert_eq!(
            reference.href.as_deref(),
            Some(format!("#{anchor}").as_str())
        );
    }

    #[test]
    fn spread_arguments_are_listed() {
        let s = Schema {
            pointer: "/x".to_owned(),
            value: json!({"type": "array", "prefixItems": [{"type": "integer", "title": "x"}, {"type": "string"}], "items": false}),
            arguments: ArgumentList::Spread,
        };
        assert_eq!(argument_rule(&s), "arguments: x (integer), #2 (string)");
        let open = Schema {
            value: json!({"type": "array", "prefixItems": [{"type": "integer"}]}),
            ..s
        };
        assert_eq!(argument_rule(&open), "arguments: #1 (integer), …");
    }

    #[test]
    fn deep_trees_are_cut() {
        let mut value = json!({"type": "string"});
        for _ in 0..100 {
            value = json!({"type": "object", "properties": {"next": value}});
        }
        let tree = build(&schema(value), "d", &Value::Null);
        let mut depth = 0;
        let mut node = &tree;
        while let Some(child) = node.children.first() {
            node = child;
            depth += 1;
        }
        assert_eq!(depth, MAX_DEPTH);
        assert!(node.facts.iter().any(|f| f.name == "not shown"));
    }
}
