//! [`Ty`] → zod 4 schema expressions (`--runtime-checks`).
//!
//! Every named type gets `export const NameSchema: z.ZodType<Name> = z.lazy(() => shapeOfName())`:
//! the annotation makes `tsc` check that whatever the schema accepts has the TypeScript type, a
//! generated `acceptsName` function checks the converse (every `Name` is an input the schema's
//! type admits), and `z.lazy` over a hoisted function lets schemas refer to each other (and to
//! themselves) in any order.

use serde_json::Value;

use super::render::{property_key, string_literal};
use crate::types::{Additional, Def, Ty};

/// The name of the zod schema constant of the type `name`.
pub(crate) fn schema_const(name: &str) -> String {
    format!("{name}Schema")
}

/// `export const NameSchema: z.ZodType<Name> = z.lazy(() => shapeOfName());`, the function
/// that builds the schema, and (unless the type is knowingly wider than the schema) a check that
/// every `Name` is an input the schema's own type admits: with the annotation, tsc checks the
/// type and the schema both ways (other named types inside count as `unknown` on this side;
/// each is checked on its own).
pub(crate) fn schema_def(def: &Def) -> String {
    let name = &def.name;
    let shape = format!("shapeOf{name}");
    let mut out = format!(
        "/** Runtime check of {{@link {name}}}. */\nexport const {}: z.ZodType<{name}> = z.lazy(() => {shape}());\n\nfunction {shape}() {{\n  return {};\n}}\n",
        schema_const(name),
        zod(&def.ty, "  "),
    );
    if !widened(&def.ty) {
        out.push_str(&format!(
            "\n/** tsc: every `{name}` passes the schema's type. */\nconst accepts{name}: (value: {name}) => z.input<ReturnType<typeof {shape}>> = (value) => value;\nvoid accepts{name};\n"
        ));
    }
    out
}

/// Whether the TypeScript type is knowingly wider than the zod schema: an object with declared
/// properties and typed additional properties (the index signature admits the properties'
/// types too).
fn widened(ty: &Ty) -> bool {
    match ty {
        Ty::Object {
            properties,
            additional,
        } => {
            (matches!(additional, Additional::Typed(_)) && !properties.is_empty())
                || properties.iter().any(|p| widened(&p.ty))
                || matches!(additional, Additional::Typed(t) if widened(t))
        }
        Ty::Union(m) | Ty::Intersection(m) => m.iter().any(widened),
        Ty::Array { item, .. } => widened(item),
        Ty::Tuple { items, rest, .. } => {
            items.iter().any(widened) || rest.as_deref().is_some_and(widened)
        }
        _ => false,
    }
}

fn num(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// The zod expression for `ty`.
pub(crate) fn zod(ty: &Ty, indent: &str) -> String {
    match ty {
        Ty::Unknown => "z.unknown()".to_owned(),
        Ty::Never => "z.never()".to_owned(),
        Ty::Null => "z.null()".to_owned(),
        Ty::Boolean => "z.boolean()".to_owned(),
        Ty::Number { integer, bounds } => {
            let mut s = if *integer {
                "z.number().int()".to_owned()
            } else {
                "z.number()".to_owned()
            };
            if let Some(v) = bounds.minimum {
                s.push_str(&format!(".gte({})", num(v)));
            }
            if let Some(v) = bounds.maximum {
                s.push_str(&format!(".lte({})", num(v)));
            }
            if let Some(v) = bounds.exclusive_minimum {
                s.push_str(&format!(".gt({})", num(v)));
            }
            if let Some(v) = bounds.exclusive_maximum {
                s.push_str(&format!(".lt({})", num(v)));
            }
            s
        }
        Ty::String { min, max, .. } => {
            let mut s = "z.string()".to_owned();
            if let Some(v) = min {
                s.push_str(&format!(".min({v})"));
            }
            if let Some(v) = max {
                s.push_str(&format!(".max({v})"));
            }
            s
        }
        Ty::Binary => "binarySchema".to_owned(),
        Ty::Literal(v) => match v {
            Value::Null => "z.null()".to_owned(),
            Value::String(s) => format!("z.literal({})", string_literal(s)),
            other => format!("z.literal({other})"),
        },
        Ty::Named(n) => schema_const(n),
        Ty::Union(members) => {
            let literals: Option<Vec<String>> = members
                .iter()
                .map(|m| match m {
                    Ty::Literal(Value::String(s)) => Some(string_literal(s)),
                    Ty::Literal(Value::Number(n)) => Some(n.to_string()),
                    Ty::Literal(Value::Bool(b)) => Some(b.to_string()),
                    _ => None,
                })
                .collect();
            match literals {
                Some(l) => format!("z.literal([{}])", l.join(", ")),
                None => format!(
                    "z.union([{}])",
                    members
                        .iter()
                        .map(|m| zod(m, indent))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }
        }
        Ty::Intersection(members) => {
            let mut iter = members.iter();
            let first = iter
                .next()
                .map(|m| zod(m, indent))
                .unwrap_or_else(|| "z.unknown()".to_owned());
            iter.fold(first, |acc, m| {
                format!("z.intersection({acc}, {})", zod(m, indent))
            })
        }
        Ty::Array { item, min, max } => {
            let mut s = format!("z.array({})", zod(item, indent));
            if let Some(v) = min {
                s.push_str(&format!(".min({v})"));
            }
            if let Some(v) = max {
                s.push_str(&format!(".max({v})"));
            }
            s
        }
        Ty::Tuple {
            items,
            required,
            rest,
        } => {
            let elements: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let z = zod(t, indent);
                    if i < *required {
                        z
                    } else {
                        format!("{z}.optional()")
                    }
                })
                .collect();
            match rest {
                Some(r) => format!("z.tuple([{}], {})", elements.join(", "), zod(r, indent)),
                None => format!("z.tuple([{}])", elements.join(", ")),
            }
        }
        Ty::Object {
            properties,
            additional,
        } => {
            let inner = format!("{indent}  ");
            let mut body = String::new();
            for p in properties {
                let z = zod(&p.ty, &inner);
                let z = if p.required {
                    z
                } else {
                    format!("{z}.optional()")
                };
                // `__proto__: …` in an object literal would set the prototype, not a key.
                let key = if p.name == "__proto__" {
                    "[\"__proto__\"]".to_owned()
                } else {
                    property_key(&p.name)
                };
                body.push_str(&format!("{inner}{key}: {z},\n"));
            }
            let shape = if body.is_empty() {
                "{}".to_owned()
            } else {
                format!("{{\n{body}{indent}}}")
            };
            match additional {
                Additional::Open => format!("z.looseObject({shape})"),
                Additional::Closed => format!("z.strictObject({shape})"),
                Additional::Typed(t) => format!("z.object({shape}).catchall({})", zod(t, indent)),
            }
        }
    }
}
