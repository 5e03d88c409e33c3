//! Socket.IO argument lists ⇄ JSON values, binary attachments included: what goes on the
//! wire, below both `validate/` (which judges [`Args`]) and `server/` (which receives and sends
//! them).
//!
//! - `decode.rs`: `WireArgs`, every argument of a received event or ack. socketioxide's
//!   `Data<T>` sees only the first argument unless `T` deserializes as a tuple; `WireArgs`
//!   deserializes as an unbounded tuple, so it receives *every* argument after the event name.
//! - `encode.rs`: `ArgsOnWire`, an [`Args`] as socketioxide serializes it (a tuple of
//!   arguments, attachments as binary).
//! - `value.rs`: the serde serializer that turns an outgoing payload into JSON values and
//!   binary attachments, exactly as socketioxide's own serializer would put it on the wire
//!   ([`Args::serialized`]).
//!
//! Binary attachments (at any depth) are taken out and replaced by socket.io's own placeholder
//! `{"_placeholder": true, "num": N}`; [`Args`] keeps them beside the JSON. For validation, a
//! binary attachment is seen as a JSON string (schema idiom: `type: string, format: binary`);
//! length keywords do not apply to it. Emitting an [`Args`] puts the attachments back as
//! binary.

mod decode;
mod encode;
mod value;

use bytes::Bytes;
use serde::Serialize;
use serde_json::{Map, Value};

pub(crate) use decode::WireArgs;
pub(crate) use encode::ArgsOnWire;

/// The arguments of one Socket.IO event or ack: JSON values plus binary attachments.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args {
    /// The arguments; binary attachments appear as `{"_placeholder": true, "num": N}`.
    pub values: Vec<Value>,
    /// Binary attachments, indexed by their placeholder `num`.
    pub binaries: Vec<Bytes>,
}

impl Args {
    /// Arguments without binary attachments.
    pub fn json(values: Vec<Value>) -> Self {
        Self {
            values,
            binaries: Vec::new(),
        }
    }

    /// The instance a schema validates: placeholders replaced by strings.
    pub fn validation_view(&self) -> std::borrow::Cow<'_, [Value]> {
        if self.binaries.is_empty() {
            std::borrow::Cow::Borrowed(&self.values)
        } else {
            std::borrow::Cow::Owned(self.values.iter().map(strip_placeholders).collect())
        }
    }

    /// Serializes as several Socket.IO arguments (a tuple), attachments as binary.
    pub(crate) fn as_wire(&self) -> ArgsOnWire<'_> {
        ArgsOnWire(self)
    }

    /// `data` as one argument, serialized once the way socketioxide's serializer would put it
    /// on the wire: bytes become binary attachments, an `f32` keeps its shortest form (see
    /// `value.rs`).
    pub(crate) fn serialized<T: Serialize + ?Sized>(data: &T) -> Result<Self, serde_json::Error> {
        let mut binaries = Vec::new();
        let value = value::to_value(data, &mut binaries)?;
        Ok(Args {
            values: vec![value],
            binaries,
        })
    }
}

/// The attachment number of a placeholder object, if `m` is one.
fn is_placeholder(m: &Map<String, Value>) -> Option<usize> {
    if m.len() == 2 && m.get("_placeholder") == Some(&Value::Bool(true)) {
        m.get("num").and_then(Value::as_u64).map(|n| n as usize)
    } else {
        None
    }
}

fn strip_placeholders(v: &Value) -> Value {
    match v {
        Value::Object(m) if is_placeholder(m).is_some() => Value::String(String::new()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), strip_placeholders(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_placeholders).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn binaries_are_seen_as_strings_by_validation() {
        let args = Args {
            values: vec![json!({"file": {"_placeholder": true, "num": 0}, "n": 1})],
            binaries: vec![Bytes::from_static(b"abc")],
        };
        assert_eq!(args.validation_view()[0], json!({"file": "", "n": 1}));
    }
}
