//! Local `$ref`s (`#/…`) in either document: resolved one step at a time by the walk, which
//! also uses [`has_ref`] to know which pairs of schemas may be recursive.

use serde_json::{Map, Value};

use super::place::Ctx;

impl Ctx<'_> {
    /// Resolves a local `$ref` (keys beside it win over the target, as the loader does) in the
    /// old (`old`) or new document; returns the schema and the reference it came through.
    pub(super) fn deref(&self, v: &Value, old: bool) -> Result<(Value, Option<String>), String> {
        let Some(m) = v.as_object() else {
            return Ok((v.clone(), None));
        };
        let Some(r) = m.get("$ref") else {
            return Ok((v.clone(), None));
        };
        let Some(r) = r.as_str() else {
            return Err("$ref is not a string".to_owned());
        };
        let root = if old { self.old_root } else { self.new_root };
        let target = r
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .ok_or_else(|| format!("cannot resolve $ref '{r}'"))?;
        let mut merged = match target {
            Value::Object(t) => t.clone(),
            Value::Bool(true) => Map::new(),
            other => return Ok((other.clone(), Some(r.to_owned()))),
        };
        for (k, val) in m {
            if k != "$ref" {
                merged.insert(k.clone(), val.clone());
            }
        }
        // A target that is itself a `$ref` is resolved on the next call.
        Ok((Value::Object(merged), Some(r.to_owned())))
    }
}

/// Whether a schema has a `$ref` anywhere in it.
pub(super) fn has_ref(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.contains_key("$ref") || m.values().any(has_ref),
        Value::Array(a) => a.iter().any(has_ref),
        _ => false,
    }
}
