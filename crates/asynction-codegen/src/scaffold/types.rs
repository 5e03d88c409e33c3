//! Rust payload types from JSON Schemas: the generator behind the scaffold's `src/types.rs`.
//!
//! It covers the shapes payloads usually have and says so when it gives up:
//!
//! | schema | Rust |
//! |---|---|
//! | `object` with `properties` | a struct; optional fields are `Option<T>`, non-Rust names get `#[serde(rename)]` |
//! | `string` / `integer` / `number` / `boolean` | `String` / `i64` / `f64` / `bool` |
//! | `enum` of strings | an enum with one variant per value |
//! | `array` with `items` | `Vec<T>` |
//! | `type: [T, "null"]` | `Option<T>` |
//! | `object` without `properties` | `serde_json::Map<String, serde_json::Value>` |
//! | anything else: `oneOf`/`anyOf`/`allOf`, tuples, `x-socketio-args: spread`, recursive `$ref`, `additionalProperties` maps, no `type` | `serde_json::Value`, with a doc comment saying why |
//!
//! Every struct and enum derives `Debug, Clone, PartialEq, Serialize, Deserialize` and
//! `schemars::JsonSchema`, so the project's handlers are registered checked (asynction's
//! `schemars` feature compares the types with the document at build). The document still
//! validates every payload at run time; the types only have to accept what the schema accepts,
//! not enforce it. So a payload type always fits its schema, while an ack type fits only when
//! the schema says nothing the type does not ([`reproduced_exactly`]); other acks' handlers
//! are registered unchecked.

use serde_json::{Map, Value};

use crate::naming::{Names, pascal_case, snake_case};
use crate::types::description;
use asynction_spec::STANDARD_FORMATS;
use asynction_spec::model::{ArgumentList, Schema};

/// Whether the type generated for `schema` serializes only values the schema accepts, so that
/// asynction's type check proves it: the schema uses nothing but what the generated types
/// reproduce (`type`, `properties`/`required`, string `enum`s, `items`, a closed object,
/// annotations, formats that constrain nothing). A length, a bound, a pattern, a standard
/// format, a combinator… is not reproduced: such an ack's handler is registered unchecked.
pub(crate) fn reproduced_exactly(schema: &Schema) -> bool {
    schema.arguments == ArgumentList::Single && reproduced(&schema.value)
}

fn reproduced(schema: &Value) -> bool {
    let Value::Object(m) = schema else {
        return schema == &Value::Bool(true);
    };
    if !matches!(
        classify(schema),
        Shape::Struct { .. }
            | Shape::StringEnum(_)
            | Shape::Scalar(_)
            | Shape::Array(_)
            | Shape::Retyped { .. }
    ) {
        return false;
    }
    m.iter().all(|(keyword, value)| match keyword.as_str() {
        "type" | "required" | "enum" => true,
        "properties" => value
            .as_object()
            .is_some_and(|p| p.values().all(reproduced)),
        "items" => reproduced(value),
        "additionalProperties" => value == &Value::Bool(false) && m.contains_key("properties"),
        "format" => value
            .as_str()
            .is_some_and(|f| !STANDARD_FORMATS.contains(&f)),
        "description" | "title" | "examples" | "default" | "deprecated" | "readOnly"
        | "writeOnly" | "$comment" => true,
        other => other.starts_with("x-"),
    })
}

/// The shape a schema maps to.
enum Shape<'v> {
    Struct {
        properties: &'v Map<String, Value>,
        required: Vec<&'v str>,
    },
    StringEnum(Vec<&'v str>),
    Scalar(&'static str),
    Array(&'v Value),
    Object,
    /// `type: [T]` or `type: [T, "null"]`: the schema with `type: T`.
    Retyped {
        schema: Value,
        nullable: bool,
    },
    Any(&'static str),
}

/// A Rust type expression and whether it already admits `null`.
struct TypeExpr {
    rust: String,
    nullable: bool,
}

/// The items of a generated `types.rs`: top-level payload and ack types plus the nested
/// structs and enums they need, named once each.
#[derive(Debug, Default)]
pub(crate) struct TypesModule {
    names: Names,
    items: Vec<String>,
    /// Top-level schemas already generated, so events sharing a schema share a type.
    generated: Vec<(Value, ArgumentList, String)>,
}

impl TypesModule {
    /// An empty module.
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The name of the type for `schema`: generated now under the first free of `candidates`
    /// (with `doc` as its first doc lines), or the type already generated for an identical
    /// schema.
    pub(crate) fn named_type(
        &mut self,
        schema: &Schema,
        candidates: &[String],
        doc: &[String],
    ) -> String {
        if let Some((_, _, name)) = self
            .generated
            .iter()
            .find(|(v, a, _)| *v == schema.value && *a == schema.arguments)
        {
            return name.clone();
        }
        let name = self.names.claim(candidates);
        self.generated
            .push((schema.value.clone(), schema.arguments, name.clone()));
        if schema.arguments == ArgumentList::Spread {
            let mut lines = doc.to_vec();
            lines.push(String::new());
            lines.push(any_note(
                "a spread argument list (`x-socketio-args: spread`): all arguments as one array",
            ));
            self.items.push(format!(
                "{}pub type {name} = serde_json::Value;\n",
                doc_comment(&lines, "")
            ));
            return name;
        }
        self.define(&name, &schema.value, doc);
        name
    }

    /// The module's source: every item, in the order they were generated.
    pub(crate) fn render(&self) -> String {
        self.items.join("\n")
    }

    /// Whether no type was generated.
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Defines the item `name` for `schema`: a struct, an enum or a type alias.
    fn define(&mut self, name: &str, schema: &Value, doc: &[String]) {
        let mut lines = doc.to_vec();
        if let Some(text) = description(schema)
            && !lines.iter().any(|l| l == text)
        {
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.extend(text.lines().map(str::to_owned));
        }
        match classify(schema) {
            Shape::Struct {
                properties,
                required,
            } => self.define_struct(name, properties, &required, &lines),
            Shape::StringEnum(values) => self.define_enum(name, &values, &lines),
            Shape::Retyped {
                schema,
                nullable: false,
            } => self.define(name, &schema, doc),
            Shape::Any(reason) => {
                if !lines.is_empty() {
                    lines.push(String::new());
                }
                lines.push(any_note(reason));
                self.items.push(format!(
                    "{}pub type {name} = serde_json::Value;\n",
                    doc_comment(&lines, "")
                ));
            }
            _ => {
                let expr = self.type_expr(schema, name);
                self.items.push(format!(
                    "{}pub type {name} = {};\n",
                    doc_comment(&lines, ""),
                    expr.rust
                ));
            }
        }
    }

    fn define_struct(
        &mut self,
        name: &str,
        properties: &Map<String, Value>,
        required: &[&str],
        doc: &[String],
    ) {
        let mut fields = Names::default();
        let mut body = String::new();
        for (property, schema) in properties {
            let field = fields.claim(&[snake_case(property, "field")]);
            let expr = self.type_expr(schema, &format!("{name}{}", pascal_case(property, "Field")));
            let mut lines: Vec<String> = description(schema)
                .map(|d| d.lines().map(str::to_owned).collect())
                .unwrap_or_default();
            if let Shape::Any(reason) = classify(schema) {
                if !lines.is_empty() {
                    lines.push(String::new());
                }
                lines.push(any_note(reason));
            }
            body.push_str(&doc_comment(&lines, "    "));
            let is_required = required.contains(&property.as_str());
            let mut attributes = Vec::new();
            if field != *property {
                attributes.push(format!("rename = {}", string_literal(property)));
            }
            // An optional field is skipped when `None`, never written as `null`: its schema is
            // the value's (`schemars(with)`), or the check would see a `null` it never sends.
            let mut described_as = None;
            let rust = if is_required {
                expr.rust
            } else {
                attributes.push("default".to_owned());
                attributes.push("skip_serializing_if = \"Option::is_none\"".to_owned());
                if expr.nullable {
                    expr.rust
                } else {
                    described_as = Some(string_literal(&expr.rust));
                    format!("Option<{}>", expr.rust)
                }
            };
            if !attributes.is_empty() {
                body.push_str(&format!("    #[serde({})]\n", attributes.join(", ")));
            }
            if let Some(value) = described_as {
                body.push_str(&format!("    #[schemars(with = {value})]\n"));
            }
            body.push_str(&format!("    pub {field}: {rust},\n"));
        }
        self.items.push(format!(
            "{}#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]\npub struct {name} {{\n{body}}}\n",
            doc_comment(doc, "")
        ));
    }

    fn define_enum(&mut self, name: &str, values: &[&str], doc: &[String]) {
        let mut variants = Names::default();
        let mut body = String::new();
        for value in values {
            let variant = variants.claim(&[pascal_case(value, "Empty")]);
            if variant != *value {
                body.push_str(&format!(
                    "    #[serde(rename = {})]\n",
                    string_literal(value)
                ));
            }
            body.push_str(&format!("    {variant},\n"));
        }
        self.items.push(format!(
            "{}#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]\npub enum {name} {{\n{body}}}\n",
            doc_comment(doc, "")
        ));
    }

    /// The type expression for `schema`, defining nested structs and enums as needed (named
    /// from `hint`).
    fn type_expr(&mut self, schema: &Value, hint: &str) -> TypeExpr {
        let plain = |rust: &str| TypeExpr {
            rust: rust.to_owned(),
            nullable: false,
        };
        match classify(schema) {
            Shape::Scalar(rust) => plain(rust),
            Shape::Object => plain("serde_json::Map<String, serde_json::Value>"),
            Shape::Any(_) => TypeExpr {
                rust: "serde_json::Value".to_owned(),
                nullable: true,
            },
            Shape::Array(items) => {
                let item = self.type_expr(items, &format!("{hint}Item"));
                plain(&format!("Vec<{}>", item.rust))
            }
            Shape::Retyped { schema, nullable } => {
                let inner = self.type_expr(&schema, hint);
                if inner.nullable || !nullable {
                    inner
                } else {
                    TypeExpr {
                        rust: format!("Option<{}>", inner.rust),
                        nullable: true,
                    }
                }
            }
            Shape::Struct { .. } | Shape::StringEnum(_) => {
                let name = self.names.claim(&[hint.to_owned()]);
                self.define(&name, schema, &[]);
                plain(&name)
            }
        }
    }
}

/// What a schema maps to (see the module table).
fn classify(schema: &Value) -> Shape<'_> {
    let Value::Object(m) = schema else {
        return Shape::Any("the schema accepts any JSON value");
    };
    if m.contains_key("$ref") {
        return Shape::Any("the schema is recursive (`$ref`)");
    }
    for (keyword, reason) in [
        ("oneOf", "the schema has alternatives (`oneOf`)"),
        ("anyOf", "the schema has alternatives (`anyOf`)"),
        ("allOf", "the schema combines schemas (`allOf`)"),
        ("not", "the schema uses `not`"),
        ("if", "the schema is conditional (`if`)"),
        ("const", "the schema is a `const`"),
    ] {
        if m.contains_key(keyword) {
            return Shape::Any(reason);
        }
    }
    if let Some(values) = m.get("enum") {
        let strings: Option<Vec<&str>> = values
            .as_array()
            .map(|a| a.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
            .unwrap_or(None);
        return match strings {
            Some(s) if !s.is_empty() => Shape::StringEnum(s),
            _ => Shape::Any("the schema is an `enum` of values that are not all strings"),
        };
    }
    let ty = match m.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(types)) => {
            let others: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
            return match others.as_slice() {
                [single] => {
                    let mut inner = m.clone();
                    inner.insert("type".to_owned(), (*single).clone());
                    Shape::Retyped {
                        schema: Value::Object(inner),
                        nullable: others.len() < types.len(),
                    }
                }
                _ => Shape::Any("the schema allows several types"),
            };
        }
        Some(_) => return Shape::Any("the schema's `type` is not a string"),
        None if m.contains_key("properties") => "object",
        None if m.contains_key("items") || m.contains_key("prefixItems") => "array",
        None => return Shape::Any("the schema has no `type`"),
    };
    match ty {
        "string" => Shape::Scalar("String"),
        "integer" => Shape::Scalar("i64"),
        "number" => Shape::Scalar("f64"),
        "boolean" => Shape::Scalar("bool"),
        "null" => Shape::Any("the schema only allows `null`"),
        "array" => match (m.get("prefixItems"), m.get("items")) {
            (Some(_), _) | (None, Some(Value::Array(_))) => {
                Shape::Any("the schema is a tuple (`prefixItems`)")
            }
            (None, Some(items)) => Shape::Array(items),
            (None, None) => Shape::Array(&Value::Bool(true)),
        },
        "object" => match m.get("properties") {
            Some(Value::Object(properties)) if !properties.is_empty() => {
                let required = m
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                Shape::Struct {
                    properties,
                    required,
                }
            }
            _ if matches!(m.get("additionalProperties"), Some(Value::Object(_))) => {
                Shape::Any("the schema is a map (`additionalProperties`)")
            }
            _ => Shape::Object,
        },
        _ => Shape::Any("the schema's `type` is unknown"),
    }
}

fn any_note(reason: &str) -> String {
    format!("`serde_json::Value` because {reason}.")
}

/// `///` lines for `lines`, indented; blank lines kept as `///`.
pub(crate) fn doc_comment(lines: &[String], indent: &str) -> String {
    let mut out = String::new();
    for line in lines {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str(&format!("{indent}///\n"));
        } else {
            out.push_str(&format!("{indent}/// {line}\n"));
        }
    }
    out
}

/// A Rust string literal for `s`.
pub(crate) fn string_literal(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(value: Value) -> Schema {
        Schema {
            pointer: "/test".to_owned(),
            value,
            arguments: ArgumentList::Single,
        }
    }

    fn generate(value: Value) -> (String, String) {
        let mut module = TypesModule::new();
        let name = module.named_type(&schema(value), &["Test".to_owned()], &[]);
        (name, module.render())
    }

    #[test]
    fn objects_become_structs_with_optional_and_renamed_fields() {
        let (name, code) = generate(json!({
            "type": "object",
            "description": "A user.",
            "required": ["numUsers", "type"],
            "properties": {
                "numUsers": {"type": "integer", "description": "How many."},
                "type": {"type": "string"},
                "nick": {"type": "string"},
                "score": {"type": "number"},
                "admin": {"type": "boolean"}
            }
        }));
        assert_eq!(name, "Test");
        assert!(code.contains("/// A user.\n#[derive("), "{code}");
        assert!(code.contains("pub struct Test {"), "{code}");
        assert!(
            code.contains(
                "    /// How many.\n    #[serde(rename = \"numUsers\")]\n    pub num_users: i64,"
            ),
            "{code}"
        );
        assert!(
            code.contains("    #[serde(rename = \"type\")]\n    pub type_: String,"),
            "{code}"
        );
        assert!(code.contains("    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    #[schemars(with = \"String\")]\n    pub nick: Option<String>,"), "{code}");
        assert!(code.contains("pub score: Option<f64>,"), "{code}");
        assert!(code.contains("pub admin: Option<bool>,"), "{code}");
    }

    #[test]
    fn nested_objects_arrays_and_enums_get_their_own_items() {
        let (_, code) = generate(json!({
            "type": "object",
            "required": ["owner", "tags", "state"],
            "properties": {
                "owner": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"}}},
                "tags": {"type": "array", "items": {"type": "object", "properties": {"label": {"type": "string"}}}},
                "state": {"type": "string", "enum": ["in-progress", "done", "Done"]},
                "error": {"type": ["string", "null"]}
            }
        }));
        assert!(code.contains("pub owner: TestOwner,"), "{code}");
        assert!(
            code.contains("pub struct TestOwner {\n    pub id: String,\n}"),
            "{code}"
        );
        assert!(code.contains("pub tags: Vec<TestTagsItem>,"), "{code}");
        assert!(code.contains("pub struct TestTagsItem {"), "{code}");
        assert!(code.contains("pub state: TestState,"), "{code}");
        assert!(code.contains("pub enum TestState {\n    #[serde(rename = \"in-progress\")]\n    InProgress,\n    #[serde(rename = \"done\")]\n    Done,\n    #[serde(rename = \"Done\")]\n    Done2,\n}"), "{code}");
        assert!(code.contains("    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n    pub error: Option<String>,"), "{code}");
    }

    #[test]
    fn scalars_and_arrays_at_the_top_are_aliases() {
        assert_eq!(
            generate(json!({"type": "boolean"})).1,
            "pub type Test = bool;\n"
        );
        assert_eq!(
            generate(json!({"type": "array", "items": {"type": "string"}})).1,
            "pub type Test = Vec<String>;\n"
        );
        assert_eq!(
            generate(json!({"type": "object"})).1,
            "pub type Test = serde_json::Map<String, serde_json::Value>;\n"
        );
        assert_eq!(
            generate(json!({"type": ["integer", "null"]})).1,
            "pub type Test = Option<i64>;\n"
        );
    }

    #[test]
    fn unsupported_shapes_are_values_that_say_why() {
        for (schema, why) in [
            (
                json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
                "`oneOf`",
            ),
            (json!({"anyOf": [{"type": "string"}]}), "`anyOf`"),
            (
                json!({"type": "array", "prefixItems": [{"type": "string"}]}),
                "tuple",
            ),
            (
                json!({"type": "object", "additionalProperties": {"type": "integer"}}),
                "map",
            ),
            (json!({"$ref": "#/components/schemas/Node"}), "recursive"),
            (json!({"enum": [1, 2]}), "not all strings"),
            (json!(true), "any JSON value"),
            (json!({"description": "Anything."}), "no `type`"),
        ] {
            let (_, code) = generate(schema.clone());
            assert!(
                code.contains("pub type Test = serde_json::Value;"),
                "{schema}: {code}"
            );
            assert!(code.contains(why), "{schema}: {code}");
        }
        let mut module = TypesModule::new();
        let spread = Schema {
            arguments: ArgumentList::Spread,
            ..schema(json!({"type": "array", "prefixItems": [{"type": "number"}]}))
        };
        module.named_type(
            &spread,
            &["Move".to_owned()],
            &["Payload of `move`.".to_owned()],
        );
        let code = module.render();
        assert!(code.contains("/// Payload of `move`.\n///\n/// `serde_json::Value` because a spread argument list"), "{code}");
        let (_, code) = generate(
            json!({"type": "object", "required": ["any"], "properties": {"any": {"oneOf": []}}}),
        );
        assert!(code.contains("    /// `serde_json::Value` because the schema has alternatives (`oneOf`).\n    pub any: serde_json::Value,"), "{code}");
    }

    #[test]
    fn identical_schemas_share_one_type_and_names_do_not_collide() {
        let mut module = TypesModule::new();
        let credentials = json!({"type": "object", "properties": {"user": {"type": "string"}}});
        let a = module.named_type(&schema(credentials.clone()), &["SignUp".into()], &[]);
        let b = module.named_type(&schema(credentials), &["LogIn".into()], &[]);
        assert_eq!((a.as_str(), b.as_str()), ("SignUp", "SignUp"));
        let c = module.named_type(&schema(json!({"type": "string"})), &["SignUp".into()], &[]);
        assert_eq!(c, "SignUp2");
        assert_eq!(module.render().matches("pub struct").count(), 1);
    }

    #[test]
    fn an_ack_is_checked_only_when_its_type_reproduces_its_schema() {
        let single = |value: Value| Schema {
            pointer: String::new(),
            value,
            arguments: ArgumentList::Single,
        };
        for exact in [
            json!({"type": "boolean"}),
            json!({"type": "array", "items": {"type": "string"}, "description": "rooms"}),
            json!({"type": "object", "additionalProperties": false, "required": ["error"], "properties": {"error": {"type": ["string", "null"]}}}),
            json!({"type": "string", "enum": ["a", "b"]}),
            json!({"type": "string", "format": "first_name"}),
        ] {
            assert!(reproduced_exactly(&single(exact.clone())), "{exact}");
        }
        for constrained in [
            json!({"type": "string", "minLength": 1}),
            json!({"type": "string", "format": "email"}),
            json!({"type": "object", "properties": {"n": {"type": "integer", "minimum": 0}}}),
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]}),
            json!({"type": "object"}),
        ] {
            assert!(
                !reproduced_exactly(&single(constrained.clone())),
                "{constrained}"
            );
        }
        let spread = Schema {
            arguments: ArgumentList::Spread,
            ..single(json!({"type": "array", "prefixItems": [{"type": "string"}]}))
        };
        assert!(!reproduced_exactly(&spread));
    }
}
