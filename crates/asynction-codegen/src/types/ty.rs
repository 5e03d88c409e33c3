//! The type model: what a schema accepts, as far as a type can say it, in a form every
//! generator renders its own way.

use serde_json::Value;

/// A type: what a schema accepts, as far as a type can say (each generator renders it: a
/// TypeScript type, a zod schema, …).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
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
    /// `format: binary`: bytes (TypeScript: `ArrayBuffer | Blob | Uint8Array`).
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
    /// A named type (its definition is in [`super::Types::defs`]).
    Named(String),
}

/// Numeric bounds of a number type.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Bounds {
    /// `minimum`.
    pub(crate) minimum: Option<f64>,
    /// `maximum`.
    pub(crate) maximum: Option<f64>,
    /// `exclusiveMinimum` (number form).
    pub(crate) exclusive_minimum: Option<f64>,
    /// `exclusiveMaximum` (number form).
    pub(crate) exclusive_maximum: Option<f64>,
}

/// What an object's undeclared properties may be.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Additional {
    /// Anything (the JSON Schema default).
    Open,
    /// Nothing (`additionalProperties: false`).
    Closed,
    /// Values of this type.
    Typed(Box<Ty>),
}

/// One declared property of an object type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Property {
    /// The property name as in the JSON.
    pub(crate) name: String,
    /// Its type.
    pub(crate) ty: Ty,
    /// Whether it is in `required`.
    pub(crate) required: bool,
    /// Its `description` (or `title`), and notes.
    pub(crate) doc: Vec<String>,
}

/// A named type definition.
#[derive(Debug, Clone)]
pub(crate) struct Def {
    /// The name: an identifier, unique among the generated module's top-level names.
    pub(crate) name: String,
    /// The type.
    pub(crate) ty: Ty,
    /// Doc comment lines: description, notes.
    pub(crate) doc: Vec<String>,
    /// JSON pointer of the schema (for warnings).
    pub(crate) pointer: String,
}

/// A warning about a schema construct that the generated type does not express exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Warning {
    /// JSON pointer of the schema in the resolved document.
    pub(crate) pointer: String,
    /// What was approximated and how.
    pub(crate) message: String,
}

/// A union, flattened; one member stands alone, none is `never`; `unknown` absorbs the rest.
pub(crate) fn union(tys: Vec<Ty>) -> Ty {
    let mut out: Vec<Ty> = Vec::new();
    for t in tys {
        match t {
            Ty::Union(inner) => {
                for i in inner {
                    push_new(&mut out, i);
                }
            }
            Ty::Never => {}
            Ty::Unknown => return Ty::Unknown,
            other => push_new(&mut out, other),
        }
    }
    combine(out, Ty::Never, Ty::Union)
}

/// An intersection, flattened; `unknown` members dropped; none is `unknown`.
pub(crate) fn intersection(tys: Vec<Ty>) -> Ty {
    let mut out: Vec<Ty> = Vec::new();
    for t in tys {
        match t {
            Ty::Intersection(inner) => out.extend(inner),
            Ty::Unknown => {}
            other => push_new(&mut out, other),
        }
    }
    combine(out, Ty::Unknown, Ty::Intersection)
}

/// `t` appended to `members` unless it is one already.
fn push_new(members: &mut Vec<Ty>, t: Ty) {
    if !members.contains(&t) {
        members.push(t);
    }
}

/// `members` as one type: none is `empty`, one stands alone, more are `many(members)`.
fn combine(mut members: Vec<Ty>, empty: Ty, many: fn(Vec<Ty>) -> Ty) -> Ty {
    match members.len() {
        0 => empty,
        1 => members.pop().unwrap_or(empty),
        _ => many(members),
    }
}
