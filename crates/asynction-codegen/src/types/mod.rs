//! JSON Schema → a language-neutral type model: named definitions ([`Def`]) of types ([`Ty`]),
//! named after the document's components, with the approximations made on the way. Every
//! generator that writes types reads it; the TypeScript client renders it as TypeScript types
//! and zod schemas ([`crate::typescript`]).
//!
//! | schema | [`Ty`] |
//! |---|---|
//! | `type: object`, `properties`, `required` | [`Ty::Object`]: [`Property`]s (required or optional), [`Additional`] properties |
//! | `additionalProperties: S` | [`Additional::Typed`] (`false`: [`Additional::Closed`]) |
//! | `enum`, `const` (primitive values) | a [`union`] of [`Ty::Literal`]s |
//! | `oneOf` / `anyOf` | [`union`]; `allOf`: [`intersection`] |
//! | `items` / `prefixItems` (draft-07 `items: [..]`) | [`Ty::Array`] / [`Ty::Tuple`] (optional elements below `minItems`, rest from `items`) |
//! | `type: [T, "null"]`, `nullable: true` | a union with [`Ty::Null`] |
//! | `format: binary` | [`Ty::Binary`] |
//! | `format: date-time` etc. | [`Ty::String`] with its format (documented, not checked) |
//! | numeric and length bounds | kept on [`Ty::Number`] ([`Bounds`]), [`Ty::String`], [`Ty::Array`] |
//! | recursive `$ref` and `components` names | [`Ty::Named`]: a [`Def`] |
//!
//! What a type cannot express (`not`, `if`/`then`/`else`, `patternProperties`, non-primitive
//! `enum` values, …) is left out, which widens the type (every value the schema accepts is
//! still accepted), and recorded as an approximation: a note (`Approximation: …`) in the
//! definition's or property's doc lines and a [`Warning`] with the schema's pointer. Warning
//! messages name no language; a generator prefixes its own (`TypeScript: …`) when it reports
//! them. An approximation only one target makes (zod does not check a `__proto__` property) is
//! registered by that generator ([`Types::approximate_property`]).
//!
//! A generator uses it in four steps:
//!
//! 1. [`Types::new`] with the resolved document, the document as written (for component names)
//!    and the identifiers the generated module already uses;
//! 2. [`Types::top`] for each top-level schema (a payload, an ack, a handshake's query or
//!    headers) → the name of its type; nested components and recursive `$ref`s get their own
//!    definitions on the way;
//! 3. [`Types::break_direct_cycles`] once all are in;
//! 4. render [`Types::defs`] (in order: each after the ones it was completed after) and report
//!    [`Types::warnings`].
//!
//! | file | what |
//! |---|---|
//! | `ty.rs` | the model: [`Ty`], [`Property`], [`Additional`], [`Bounds`], [`Def`], [`Warning`]; [`union`] and [`intersection`] (flattened) |
//! | `build.rs` | [`Types`]: schema → type, naming, approximations |
//! | `written.rs` | the document as written: which component a schema came from, and the name that gives its type |
//! | `cycles.rs` | `$ref` loops without nesting, broken |

mod build;
mod cycles;
mod ty;
mod written;

use serde_json::Value;

pub(crate) use build::Types;
// The model's whole vocabulary, for every generator: the TypeScript one does not name `Bounds`
// or call `intersection` itself.
#[allow(unused_imports)]
pub(crate) use ty::{Additional, Bounds, Def, Property, Ty, Warning, intersection, union};

/// The schema's `description`, else its `title` (trimmed; `None` when empty): the first doc
/// lines of a generated type or field.
pub(crate) fn description(schema: &Value) -> Option<&str> {
    let m = schema.as_object()?;
    m.get("description")
        .or_else(|| m.get("title"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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

    #[test]
    fn approximations_are_noted_on_the_type_and_warned_without_a_language() {
        let doc = json!({});
        let mut t = Types::new(&doc, None, &[]).approximate_property("__proto__", "not checked");
        let schema =
            json!({"type": "object", "properties": {"__proto__": {"type": "string"}}, "not": {}});
        let name = t.top(&schema, "/x", &["T".into()], &[]);
        let def = t.def(&name).expect("defined");
        assert_eq!(
            def.doc,
            ["Approximation: `not` is not expressed; the type is wider than the schema."]
        );
        let Ty::Object { properties, .. } = &def.ty else {
            panic!("an object: {:?}", def.ty)
        };
        assert_eq!(properties[0].doc, ["Approximation: not checked."]);
        let warnings: Vec<(&str, &str)> = t
            .warnings
            .iter()
            .map(|w| (w.pointer.as_str(), w.message.as_str()))
            .collect();
        assert_eq!(
            warnings,
            [
                (
                    "/x",
                    "`not` is not expressed; the type is wider than the schema"
                ),
                ("/x/properties/__proto__", "not checked"),
            ]
        );
    }
}
