//! Arguments sent: an [`Args`] as socketioxide serializes it, placeholders turned back into
//! binary attachments.

use bytes::Bytes;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeTuple, Serializer};
use serde_json::Value;

use super::{Args, is_placeholder};

/// [`Args`] serialized as a tuple of arguments, placeholders turned back into binary.
pub(crate) struct ArgsOnWire<'a>(pub(super) &'a Args);

impl Serialize for ArgsOnWire<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut t = s.serialize_tuple(self.0.values.len())?;
        for v in &self.0.values {
            t.serialize_element(&WithBinaries(v, &self.0.binaries))?;
        }
        t.end()
    }
}

/// One JSON value whose placeholders serialize as their binary attachment.
struct WithBinaries<'a>(&'a Value, &'a [Bytes]);

impl Serialize for WithBinaries<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.1.is_empty() {
            return self.0.serialize(s);
        }
        match self.0 {
            Value::Object(m) => {
                if let Some(bin) = is_placeholder(m).and_then(|n| self.1.get(n)) {
                    return s.serialize_bytes(bin);
                }
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k, &WithBinaries(v, self.1))?;
                }
                map.end()
            }
            Value::Array(a) => {
                let mut seq = s.serialize_seq(Some(a.len()))?;
                for v in a {
                    seq.serialize_element(&WithBinaries(v, self.1))?;
                }
                seq.end()
            }
            other => other.serialize(s),
        }
    }
}
