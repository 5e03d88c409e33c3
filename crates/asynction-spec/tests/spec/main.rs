//! asynction-spec's integration tests, in one binary: documents read with this crate alone.
//! Each module is one behaviour area:
//!
//! - `model`: every valid fixture of `tests/fixtures/spec/` builds the expected model
//!   (compared field by field), from YAML, JSON or a JSON value;
//! - `diagnostics`: every invalid fixture fails with one precise diagnostic (file:line:col);
//! - `limits`: the document size and the number of `$ref` expansions are bounded;
//! - `fixtures`: every fixture is covered by a test.
//!
//! Problems only the framework finds — JSON Schemas that do not compile, message examples that
//! do not match — are tested with the framework (asynction's
//! `tests/integration/document_schemas.rs`).

use std::path::PathBuf;

mod diagnostics;
mod fixtures;
mod limits;
mod model;

/// A fixture of `tests/fixtures/spec/`.
fn fixture(rel: &str) -> PathBuf {
    asynction_testkit::fixtures("spec").join(rel)
}
