//! The schema comparison: which values an old and a new JSON Schema accept, keyword by keyword.
//!
//! JSON Schema is a conjunction of keyword constraints (a few keywords act in groups:
//! `properties`/`additionalProperties`/`patternProperties`, `items`/`prefixItems`/
//! `additionalItems`, `type`/`nullable`, `minimum`/`exclusiveMinimum`, …). So when every keyword
//! group of the new schema accepts at least what the same group of the old schema accepts, the
//! new schema accepts every value the old one did. The comparison ([`compare_values`]) walks
//! both schemas and reports, for every group that differs, whether the new schema *narrows* (rejects a value the old one
//! accepted) and whether it *widens* (accepts a value the old one rejected), each as a
//! [`Tri`]: no, maybe (could not prove either way) or yes.
//!
//! Soundness: a group the comparison does not understand (`not`, `if`/`then`/`else`,
//! `dependentSchemas`, changed `pattern`s, …) is reported as *maybe* in both directions, never as
//! no change. Keyword families (numbers, strings, arrays, objects) only count when the schema can
//! accept values of that family: a narrower `minimum` cannot narrow a schema that only accepts
//! strings.
//!
//! Two entry points: [`compare_values`] (both directions, for breaking-change rules) and
//! [`is_subset`] / [`is_subset_at`] (one question, "does B accept every value A accepts?", with
//! the JSON pointer of the first difference), for tools that check one schema against another,
//! e.g. a Rust type's generated schema against a document's.
//!
//! The walk is split by concern: `place` (where the walk is, what it found, its state: the
//! vocabulary every other file uses), `walk` (the recursion and the dispatch to the keyword
//! families), `refs` (local `$ref`s), `type_sets` (the types and values one schema accepts),
//! `types` (`type`, `nullable`, `enum`, `const` compared), `numbers` (numeric bounds,
//! `multipleOf`, and the `min…`/`max…` counts), `strings`, `arrays`, `objects`, and
//! `combinators` (`anyOf`, `oneOf`, `allOf`).

mod arrays;
mod combinators;
mod numbers;
mod objects;
mod place;
mod refs;
mod strings;
mod type_sets;
mod types;
mod walk;

use std::collections::HashSet;

use serde_json::Value;

use place::{Ctx, Here};

/// A three-valued answer: no, could not decide, yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tri {
    /// Proven not to happen.
    No,
    /// Could not be decided.
    Maybe,
    /// Happens (for some value).
    Yes,
}

impl Tri {
    /// `Yes` when `b`, else `No`.
    pub(crate) fn from_bool(b: bool) -> Tri {
        if b { Tri::Yes } else { Tri::No }
    }
}

/// One difference between two schemas.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    /// Pointer of the differing node in the old document.
    pub old_ptr: String,
    /// Pointer of the differing node in the new document.
    pub new_ptr: String,
    /// Whether the new schema rejects a value the old one accepted.
    pub narrows: Tri,
    /// Whether the new schema accepts a value the old one rejected.
    pub widens: Tri,
    /// What changed, starting with the human path (`payload.user.name`).
    pub message: String,
}

/// The effect of every finding together: the worst narrowing and the worst widening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effect {
    /// Whether the new schema rejects a value the old one accepted.
    pub narrows: Tri,
    /// Whether the new schema accepts a value the old one rejected.
    pub widens: Tri,
}

impl Effect {
    /// Rejects a value the old schema accepted, accepts nothing new.
    pub(crate) const NARROWS: Effect = Effect::new(Tri::Yes, Tri::No);
    /// Accepts a value the old schema rejected, rejects nothing old.
    pub(crate) const WIDENS: Effect = Effect::new(Tri::No, Tri::Yes);
    /// Could not be decided either way.
    pub(crate) const UNKNOWN: Effect = Effect::new(Tri::Maybe, Tri::Maybe);

    pub(crate) const fn new(narrows: Tri, widens: Tri) -> Effect {
        Effect { narrows, widens }
    }

    /// From two yes/no answers.
    pub(crate) fn of(narrows: bool, widens: bool) -> Effect {
        Effect::new(Tri::from_bool(narrows), Tri::from_bool(widens))
    }
}

/// One side of a comparison: a schema, the document its local `$ref`s (`#/…`) resolve in, and
/// where the schema is in that document (the pointers of [`Difference`] start there).
#[derive(Debug, Clone, Copy)]
pub struct SchemaAt<'a> {
    /// The schema.
    pub schema: &'a Value,
    /// The document `#/…` references resolve in.
    pub root: &'a Value,
    /// The JSON pointer of `schema` in `root` (`""` for the root itself).
    pub pointer: &'a str,
}

impl<'a> SchemaAt<'a> {
    /// A schema that is its own document: its `$ref`s (`#/$defs/…`, `#/definitions/…`) resolve
    /// in itself, as in the schemas schemars generates.
    pub fn standalone(schema: &'a Value) -> SchemaAt<'a> {
        SchemaAt {
            schema,
            root: schema,
            pointer: "",
        }
    }
}

/// Compares two standalone schemas (no `$ref`s into a document) and returns their overall
/// [`Effect`]: the engine the breaking-change rules use, exposed for tests and other tools.
///
/// ```
/// use asynction_diff::schema::{compare_values, Tri};
/// use serde_json::json;
///
/// let old = json!({"type": "object", "properties": {"age": {"type": "integer"}}});
/// let new = json!({"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]});
/// let effect = compare_values(&old, &new);
/// assert_eq!((effect.narrows, effect.widens), (Tri::Yes, Tri::No));
/// ```
pub fn compare_values(old: &Value, new: &Value) -> Effect {
    let side = |schema| SchemaAt {
        schema,
        root: &Value::Null,
        pointer: "",
    };
    let findings = compare(side(old), side(new), "value");
    effect(&findings)
}

/// Where two schemas first differ in a way that decides a [`SubsetVerdict`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// JSON pointer of the differing node in A's document.
    pub a_pointer: String,
    /// JSON pointer of the differing node in B's document.
    pub b_pointer: String,
    /// What differs, in B's terms relative to A, starting with the human path of the node
    /// (`value.age: now requires 'age'`: a value A accepts without `age` is rejected by B).
    pub message: String,
}

/// The answer to "does schema B accept every value schema A accepts?" (A ⊆ B).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubsetVerdict {
    /// Proven: B accepts every value A accepts.
    Yes,
    /// B rejects values A accepts: the first keyword group found that does, and the kind of
    /// value it rejects, in words (the check compares keywords; it builds no value). Exact
    /// unless A's own keywords contradict each other (an A that accepts nothing is a subset of
    /// anything, but may still be reported here).
    No(Difference),
    /// Could not be decided either way: the first keyword group the check could not decide
    /// (`not`, `if`/`then`/`else`, a changed `pattern`, an unresolvable `$ref`, …).
    Unproven(Difference),
}

/// Whether `b` accepts every value `a` accepts, for two standalone schemas (each one's `$ref`s
/// resolve in itself: [`SchemaAt::standalone`]). Sound: [`SubsetVerdict::Yes`] is never said of
/// schemas where some value of A is rejected by B; what it cannot decide is
/// [`SubsetVerdict::Unproven`].
///
/// ```
/// use asynction_diff::schema::{is_subset, SubsetVerdict};
/// use serde_json::json;
///
/// let rust_type = json!({"type": "object", "properties": {"age": {"type": "integer", "minimum": 0}}, "required": ["age"]});
/// let document = json!({"type": "object", "properties": {"age": {"type": "integer"}}});
/// assert_eq!(is_subset(&rust_type, &document), SubsetVerdict::Yes);
///
/// let SubsetVerdict::No(d) = is_subset(&document, &rust_type) else { panic!() };
/// assert_eq!(d.message, "value: now requires 'age'");
/// assert_eq!(d.b_pointer, "/required");
/// ```
pub fn is_subset(a: &Value, b: &Value) -> SubsetVerdict {
    is_subset_at(SchemaAt::standalone(a), SchemaAt::standalone(b))
}

/// [`is_subset`] for schemas inside documents, e.g. an event's payload in an AsyncAPI document
/// (`SchemaAt { schema: &payload.value, root: &doc.resolved, pointer: &payload.pointer }`):
/// `$ref`s resolve in each side's `root`, and the pointers of the [`Difference`] are in those
/// documents.
pub fn is_subset_at(a: SchemaAt<'_>, b: SchemaAt<'_>) -> SubsetVerdict {
    let findings = compare(a, b, "value");
    let first = |t: Tri| findings.iter().find(|f| f.narrows == t).map(difference);
    if let Some(d) = first(Tri::Yes) {
        SubsetVerdict::No(d)
    } else if let Some(d) = first(Tri::Maybe) {
        SubsetVerdict::Unproven(d)
    } else {
        SubsetVerdict::Yes
    }
}

fn difference(f: &Finding) -> Difference {
    Difference {
        a_pointer: f.old_ptr.clone(),
        b_pointer: f.new_ptr.clone(),
        message: f.message.clone(),
    }
}

pub(crate) fn effect(findings: &[Finding]) -> Effect {
    Effect {
        narrows: findings.iter().map(|f| f.narrows).max().unwrap_or(Tri::No),
        widens: findings.iter().map(|f| f.widens).max().unwrap_or(Tri::No),
    }
}

/// Compares `old` with `new` (each at its pointer in its resolved document); `path` names the
/// schema's root in messages (`payload`, `ack`, `query`).
pub(crate) fn compare(old: SchemaAt<'_>, new: SchemaAt<'_>, path: &str) -> Vec<Finding> {
    let mut ctx = Ctx {
        old_root: old.root,
        new_root: new.root,
        seen: HashSet::new(),
        depth: 0,
    };
    let mut out = Vec::new();
    ctx.compare(
        old.schema,
        new.schema,
        &Here {
            op: old.pointer.to_owned(),
            np: new.pointer.to_owned(),
            path: path.to_owned(),
        },
        &mut out,
    );
    out
}

/// RFC 6901 escaping of one reference token.
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn no(v: SubsetVerdict) -> Difference {
        match v {
            SubsetVerdict::No(d) => d,
            other => panic!("expected No, got {other:?}"),
        }
    }

    #[test]
    fn a_narrower_schema_is_a_subset_and_not_the_reverse() {
        let narrow = json!({"type": "integer", "minimum": 1, "maximum": 10});
        let wide = json!({"type": "number"});
        assert_eq!(is_subset(&narrow, &wide), SubsetVerdict::Yes);
        let d = no(is_subset(&wide, &narrow));
        assert_eq!(
            d.message,
            "value: type changed from [number] to [integer]; number no longer accepted"
        );
        assert_eq!(
            (d.a_pointer.as_str(), d.b_pointer.as_str()),
            ("/type", "/type")
        );
    }

    #[test]
    fn equal_schemas_are_subsets_of_each_other() {
        let s = json!({"type": "object", "properties": {"name": {"type": "string"}}});
        assert_eq!(is_subset(&s, &s), SubsetVerdict::Yes);
    }

    #[test]
    fn the_first_difference_names_the_nested_property_and_its_pointers() {
        let a = json!({"type": "object", "properties": {"user": {"type": "object", "properties": {"age": {"type": "integer"}}}}});
        let b = json!({"type": "object", "properties": {"user": {"type": "object", "properties": {"age": {"type": "integer", "maximum": 150}}}}});
        let d = no(is_subset(&a, &b));
        assert_eq!(d.a_pointer, "/properties/user/properties/age");
        assert_eq!(d.b_pointer, "/properties/user/properties/age/maximum");
        assert_eq!(
            d.message,
            "value.user.age: upper bound changed from none to <= 150"
        );
    }

    #[test]
    fn what_the_check_cannot_decide_is_unproven_with_its_place() {
        let a = json!({"type": "string", "pattern": "^[a-z]+$"});
        let b = json!({"type": "string", "pattern": "^[a-z0-9]+$"});
        match is_subset(&a, &b) {
            SubsetVerdict::Unproven(d) => {
                assert_eq!(d.b_pointer, "/pattern");
                assert!(d.message.contains("pattern changed"), "{}", d.message);
            }
            other => panic!("expected Unproven, got {other:?}"),
        }
    }

    #[test]
    fn standalone_refs_resolve_in_each_schema_as_schemars_writes_them() {
        // schemars: the root names its definitions under `$defs` and refers to them locally.
        let rust_type = json!({
            "type": "object",
            "properties": {"user": {"$ref": "#/$defs/User"}},
            "required": ["user"],
            "$defs": {"User": {"type": "object", "properties": {"name": {"type": "string", "minLength": 1}}, "required": ["name"]}}
        });
        let document = json!({
            "type": "object",
            "properties": {"user": {"$ref": "#/definitions/Person"}},
            "definitions": {"Person": {"type": "object", "properties": {"name": {"type": "string"}}}}
        });
        assert_eq!(is_subset(&rust_type, &document), SubsetVerdict::Yes);
        let d = no(is_subset(&document, &rust_type));
        assert_eq!(d.message, "value: now requires 'user'");
    }

    #[test]
    fn schemas_inside_documents_resolve_refs_there_and_point_into_them() {
        let doc = json!({
            "components": {"schemas": {"Age": {"type": "integer", "minimum": 0}}},
            "payload": {"type": "object", "properties": {"age": {"$ref": "#/components/schemas/Age"}}}
        });
        let rust_type = json!({"type": "object", "properties": {"age": {"type": "integer"}}});
        let document_side = SchemaAt {
            schema: &doc["payload"],
            root: &doc,
            pointer: "/payload",
        };
        assert_eq!(
            is_subset_at(document_side, SchemaAt::standalone(&rust_type)),
            SubsetVerdict::Yes
        );
        let d = no(is_subset_at(
            SchemaAt::standalone(&rust_type),
            document_side,
        ));
        assert_eq!(d.a_pointer, "/properties/age");
        assert_eq!(d.b_pointer, "/payload/properties/age/minimum");
    }

    #[test]
    fn a_recursive_schema_is_compared_by_one_unfolding() {
        let tree = |leaf: Value| {
            json!({
                "$defs": {"Node": {"type": "object", "properties": {"value": leaf, "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}}},
                "$ref": "#/$defs/Node"
            })
        };
        let (ints, numbers) = (
            tree(json!({"type": "integer"})),
            tree(json!({"type": "number"})),
        );
        assert_eq!(is_subset(&ints, &numbers), SubsetVerdict::Yes);
        assert!(matches!(is_subset(&numbers, &ints), SubsetVerdict::No(_)));
    }

    #[test]
    fn a_tuple_closed_by_its_count_equals_one_closed_by_its_rest() {
        // schemars writes `(f64, String)` closed by its count; documents close tuples by the rest.
        let rust_tuple = json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}], "minItems": 2, "maxItems": 2});
        let closed_rest = json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}], "items": false, "minItems": 2});
        let draft_07 = json!({"type": "array", "items": [{"type": "number"}, {"type": "string"}], "additionalItems": false, "minItems": 2});
        for document in [&closed_rest, &draft_07] {
            assert_eq!(
                is_subset(document, &rust_tuple),
                SubsetVerdict::Yes,
                "{document}"
            );
            assert_eq!(
                is_subset(&rust_tuple, document),
                SubsetVerdict::Yes,
                "{document}"
            );
        }
    }

    #[test]
    fn a_tuple_of_another_arity_is_no_subset_either_way() {
        let pair = json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}], "minItems": 2, "maxItems": 2});
        let triple = json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}, {"type": "string"}], "items": false, "minItems": 3});
        let d = no(is_subset(&triple, &pair));
        assert_eq!(
            d.message,
            "value: maximum number of items changed from 3 to 2"
        );
        let d = no(is_subset(&pair, &triple));
        assert_eq!(
            d.message,
            "value: minimum number of items changed from 2 to 3"
        );
    }

    #[test]
    fn opening_a_closed_rest_is_one_finding() {
        let closed = json!({"type": "array", "prefixItems": [{"type": "number"}], "items": false});
        let open = json!({"type": "array", "prefixItems": [{"type": "number"}]});
        let side = |schema| SchemaAt {
            schema,
            root: &Value::Null,
            pointer: "",
        };
        let findings = compare(side(&closed), side(&open), "value");
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(effect(&findings), Effect::WIDENS);
    }

    #[test]
    fn an_open_rest_is_not_closed_by_a_larger_count() {
        let open = json!({"type": "array", "prefixItems": [{"type": "number"}], "maxItems": 3});
        let closed = json!({"type": "array", "prefixItems": [{"type": "number"}], "items": false});
        assert!(matches!(is_subset(&open, &closed), SubsetVerdict::No(_)));
        assert_eq!(is_subset(&closed, &open), SubsetVerdict::Yes);
    }
}
