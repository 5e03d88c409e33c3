//! [`Ty`] → TypeScript type expressions, TSDoc comments and string literals.

use serde_json::Value;

use crate::types::{Additional, Def, Ty};

/// Reserved words that cannot be bare property names in type positions are fine in TypeScript,
/// but these cannot be type or value identifiers.
pub(crate) const RESERVED: &[&str] = &[
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "as",
    "implements",
    "interface",
    "let",
    "package",
    "private",
    "protected",
    "public",
    "static",
    "yield",
    "any",
    "boolean",
    "number",
    "string",
    "symbol",
    "type",
    "from",
    "of",
    "unknown",
    "never",
    "object",
    "undefined",
    "Object",
    "Array",
    "String",
    "Number",
    "Boolean",
    "Date",
    "Error",
    "Promise",
    "Record",
    "Partial",
    "Omit",
    "Blob",
    "ArrayBuffer",
    "Uint8Array",
    "Socket",
    "ManagerOptions",
    "SocketOptions",
    "io",
    "z",
    "connect",
];

/// A double-quoted JavaScript string literal.
pub(crate) fn string_literal(s: &str) -> String {
    // JSON string syntax is valid JavaScript (U+2028/9 are allowed in ES2019+ literals).
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}

/// A property key: bare when it is an identifier, else quoted.
pub(crate) fn property_key(name: &str) -> String {
    let ident = !name.is_empty()
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if ident {
        name.to_owned()
    } else {
        string_literal(name)
    }
}

/// A TSDoc block for `lines` at `indent`; empty when there are no lines.
pub(crate) fn tsdoc(lines: &[String], indent: &str) -> String {
    let mut lines: Vec<String> = lines
        .iter()
        .flat_map(|l| {
            if l.trim().is_empty() {
                vec![String::new()]
            } else {
                l.lines().map(str::to_owned).collect::<Vec<_>>()
            }
        })
        .collect();
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    if lines.is_empty() {
        return String::new();
    }
    let mut out = format!("{indent}/**\n");
    for line in &lines {
        let line = line.trim_end().replace("*/", "*\\/");
        if line.is_empty() {
            out.push_str(&format!("{indent} *\n"));
        } else {
            out.push_str(&format!("{indent} * {line}\n"));
        }
    }
    out.push_str(&format!("{indent} */\n"));
    out
}

/// The TypeScript literal type of a primitive JSON value.
fn literal(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            if n.is_f64() && (f.is_nan() || f.is_infinite()) {
                "number".to_owned()
            } else {
                n.to_string()
            }
        }
        Value::String(s) => string_literal(s),
        _ => "unknown".to_owned(),
    }
}

/// Precedence of a rendered type: what it may stand in without parentheses.
#[derive(PartialEq, PartialOrd, Clone, Copy)]
enum Prec {
    Union,
    Intersection,
    Postfix,
}

/// The TypeScript expression of `ty`, at `indent` (for multi-line object types).
pub(crate) fn ts_type(ty: &Ty, indent: &str) -> String {
    render(ty, indent, Prec::Union)
}

fn render(ty: &Ty, indent: &str, context: Prec) -> String {
    let (text, prec) = match ty {
        Ty::Unknown => ("unknown".to_owned(), Prec::Postfix),
        Ty::Never => ("never".to_owned(), Prec::Postfix),
        Ty::Null => ("null".to_owned(), Prec::Postfix),
        Ty::Boolean => ("boolean".to_owned(), Prec::Postfix),
        Ty::Number { .. } => ("number".to_owned(), Prec::Postfix),
        Ty::String { .. } => ("string".to_owned(), Prec::Postfix),
        Ty::Binary => ("Binary".to_owned(), Prec::Postfix),
        Ty::Literal(v) => (literal(v), Prec::Postfix),
        Ty::Named(n) => (n.clone(), Prec::Postfix),
        Ty::Union(members) => (
            members
                .iter()
                .map(|m| render(m, indent, Prec::Intersection))
                .collect::<Vec<_>>()
                .join(" | "),
            Prec::Union,
        ),
        Ty::Intersection(members) => (
            members
                .iter()
                .map(|m| render(m, indent, Prec::Postfix))
                .collect::<Vec<_>>()
                .join(" & "),
            Prec::Intersection,
        ),
        Ty::Array { item, .. } => (
            format!("{}[]", render(item, indent, Prec::Postfix)),
            Prec::Postfix,
        ),
        Ty::Tuple {
            items,
            required,
            rest,
        } => (
            tuple(items, *required, rest.as_deref(), indent),
            Prec::Postfix,
        ),
        Ty::Object {
            properties,
            additional,
        } => (object(properties, additional, indent), Prec::Postfix),
    };
    if prec < context {
        format!("({text})")
    } else {
        text
    }
}

/// `[A, B?, ...R[]]`.
pub(crate) fn tuple(items: &[Ty], required: usize, rest: Option<&Ty>, indent: &str) -> String {
    let mut parts: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let text = render(t, indent, Prec::Union);
            if i < required {
                text
            } else {
                // `| undefined` spelled out: the same under `exactOptionalPropertyTypes`.
                format!("({} | undefined)?", render(t, indent, Prec::Union))
            }
        })
        .collect();
    if let Some(r) = rest {
        parts.push(format!("...{}[]", render(r, indent, Prec::Postfix)));
    }
    format!("[{}]", parts.join(", "))
}

fn object(properties: &[crate::types::Property], additional: &Additional, indent: &str) -> String {
    let inner = format!("{indent}  ");
    let mut body = String::new();
    for p in properties {
        body.push_str(&tsdoc(&p.doc, &inner));
        // Optional properties admit `undefined` (what zod's `.optional()` yields), so the types
        // are the same under `exactOptionalPropertyTypes`; JSON drops such properties anyway.
        let optional_undefined = if p.required || matches!(p.ty, Ty::Unknown) {
            ""
        } else {
            " | undefined"
        };
        body.push_str(&format!(
            "{inner}{}{}: {}{optional_undefined};\n",
            property_key(&p.name),
            if p.required { "" } else { "?" },
            render(&p.ty, &inner, Prec::Union)
        ));
    }
    if let Additional::Typed(t) = additional {
        // Declared properties must fit the index signature: it admits their types too.
        let mut members = vec![(**t).clone()];
        members.extend(properties.iter().map(|p| p.ty.clone()));
        if properties.iter().any(|p| !p.required) {
            members.push(Ty::Literal(Value::Null));
        }
        let index = crate::types::union(members);
        let index_text = if properties.iter().any(|p| !p.required) {
            // `undefined` stands for the absent optional properties.
            let without_null: Vec<Ty> = match &index {
                Ty::Union(m) => m
                    .iter()
                    .filter(|t| **t != Ty::Literal(Value::Null))
                    .cloned()
                    .collect(),
                other => vec![other.clone()],
            };
            let u = crate::types::union(without_null);
            format!("{} | undefined", render(&u, &inner, Prec::Union))
        } else {
            render(&index, &inner, Prec::Union)
        };
        body.push_str(&format!("{inner}[key: string]: {index_text};\n"));
    }
    if body.is_empty() {
        return match additional {
            Additional::Closed => "Record<string, never>".to_owned(),
            _ => "{ [key: string]: unknown }".to_owned(),
        };
    }
    format!("{{\n{body}{indent}}}")
}

/// `export type Name = …;` with its TSDoc.
pub(crate) fn type_alias(def: &Def) -> String {
    format!(
        "{}export type {} = {};\n",
        tsdoc(&def.doc, ""),
        def.name,
        ts_type(&def.ty, "")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Types;
    use serde_json::json;

    /// The TypeScript type of `value` as a top-level schema.
    fn ts_of(value: Value) -> String {
        let doc = json!({});
        let mut t = Types::new(&doc, None, &[]);
        let name = t.top(&value, "/x", &["T".into()], &[]);
        let def = t.def(&name).cloned().expect("defined");
        ts_type(&def.ty, "")
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
    fn precedence_and_keys() {
        let u = Ty::Union(vec![Ty::Literal(json!("a")), Ty::Null]);
        assert_eq!(
            ts_type(
                &Ty::Array {
                    item: Box::new(u.clone()),
                    min: None,
                    max: None
                },
                ""
            ),
            "(\"a\" | null)[]"
        );
        assert_eq!(
            ts_type(&Ty::Intersection(vec![u, Ty::Named("X".into())]), ""),
            "(\"a\" | null) & X"
        );
        assert_eq!(property_key("a-b"), "\"a-b\"");
        assert_eq!(property_key("_ok1"), "_ok1");
        assert_eq!(tsdoc(&["a */ b".into()], ""), "/**\n * a *\\/ b\n */\n");
    }
}
