//! 3.x sources: AsyncAPI 3.0 → 3.1 is a version bump (3.1 extends 3.0 and reads its documents
//! the same way), checked as a 3.1 document; anything else has nothing to convert.

use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::{Conversion, TargetVersion};
use crate::Document;
use crate::bundle::bundle_value;
use crate::error::SpecError;
use crate::source::SourceFile;

/// What convert writes, said where a document is refused.
const WHAT_CONVERT_DOES: &str =
    "convert writes AsyncAPI 2.x documents as 3.0 or 3.1, and 3.0 documents as 3.1";

/// Converts the AsyncAPI `version` (3.x) document `root` read from `source` at `path` to `to`:
/// 3.0.0 → 3.1.0 bundled (one self-contained document, as every conversion writes), with
/// `asyncapi: 3.1.0`, loaded again as 3.1 (its errors located in the source); any other pair
/// is an error at `/asyncapi` saying why there is nothing to convert.
pub(super) fn upgrade(
    path: &Path,
    source: Arc<SourceFile>,
    root: Value,
    version: &str,
    to: TargetVersion,
) -> Result<Conversion, SpecError> {
    let refuse = |message: String| SpecError::new(vec![source.diagnostic("/asyncapi", message)]);
    match (version, to) {
        ("3.0.0", TargetVersion::V3_1) => {}
        (v, to) if v == to.as_str() => {
            return Err(refuse(format!(
                "the document is already AsyncAPI {v}: there is nothing to convert \
                 ({WHAT_CONVERT_DOES})"
            )));
        }
        ("3.1.0", TargetVersion::V3_0) => {
            return Err(refuse(format!(
                "the document is AsyncAPI 3.1.0, newer than 3.0.0: convert does not write older \
                 versions ({WHAT_CONVERT_DOES})"
            )));
        }
        (v, _) => {
            return Err(refuse(format!(
                "AsyncAPI {v} is not a version convert reads ({WHAT_CONVERT_DOES})"
            )));
        }
    }
    // The source must be a valid document: converting a broken one would only move the errors.
    Document::from_path(path)?;
    let mut value = bundle_value(source.clone(), root)?;
    if let Value::Object(map) = &mut value {
        map.insert("asyncapi".into(), Value::String(to.as_str().to_owned()));
    }
    // The 3.1 checks, on the result: what fails is shown where the source writes it.
    Document::from_value(value.clone()).map_err(|e| {
        SpecError::new(
            e.diagnostics()
                .iter()
                .map(|d| {
                    let mut located = source.diagnostic(
                        &d.pointer,
                        format!("as AsyncAPI {}: {}", to.as_str(), d.message),
                    );
                    located.rule = d.rule;
                    located
                })
                .collect(),
        )
    })?;
    Ok(Conversion {
        value,
        notes: Vec::new(),
    })
}
