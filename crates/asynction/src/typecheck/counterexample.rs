//! A concrete value behind a mismatch, when one is found: with the `mock` feature, values are
//! generated from the side whose values must fit (the mock's fake data generator, seeded) until
//! one is rejected by the other side's compiled schema. The subset check compares keywords and
//! builds no value, so this is a search, not a proof: `None` says none was found.

use asynction_diff::schema::SchemaAt;
use serde_json::Value;

use super::report::Direction;

/// How many generated values are tried.
#[cfg(feature = "mock")]
const ATTEMPTS: usize = 64;

/// A value that `document` and `rust` judge differently in the direction `dir`, if the search
/// finds one.
#[cfg(feature = "mock")]
pub(crate) fn find(dir: Direction, document: SchemaAt<'_>, rust: &Value) -> Option<Value> {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use crate::mock::FakeGenerator;
    use crate::model::{ArgumentList, Schema};
    use crate::validate::CompiledSchema;

    let doc_schema = Schema {
        pointer: document.pointer.to_owned(),
        value: document.schema.clone(),
        arguments: ArgumentList::Single,
    };
    let rust_schema = Schema {
        pointer: String::new(),
        value: rust.clone(),
        arguments: ArgumentList::Single,
    };
    let ((from, from_root), (into, into_root)) = match dir {
        Direction::IncomingPayload => ((&doc_schema, document.root), (&rust_schema, rust)),
        _ => ((&rust_schema, rust), (&doc_schema, document.root)),
    };
    let generator = FakeGenerator::new(from, from_root, &[]).ok()?;
    let judge = CompiledSchema::compile(into, into_root).ok()?;
    let mut rng = StdRng::seed_from_u64(29);
    (0..ATTEMPTS)
        .map(|_| generator.generate(&mut rng))
        .find(|v| judge.validate_value(v).is_err())
}

/// Without the `mock` feature there is no value generator: no counterexample.
#[cfg(not(feature = "mock"))]
pub(crate) fn find(_dir: Direction, _document: SchemaAt<'_>, _rust: &Value) -> Option<Value> {
    None
}
