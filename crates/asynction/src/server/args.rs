//! Socket.IO argument lists ⇄ JSON values, binary attachments included.
//!
//! socketioxide's `Data<T>` sees only the first argument unless `T` deserializes as a tuple;
//! `WireArgs` deserializes as an unbounded tuple, so it receives *every* argument after the
//! event name. Binary attachments (at any depth) are taken out and replaced by socket.io's own
//! placeholder `{"_placeholder": true, "num": N}`; [`Args`] keeps them beside the JSON.
//!
//! For validation, a binary attachment is seen as a JSON string (schema idiom:
//! `type: string, format: binary`); length keywords do not apply to it. Emitting an [`Args`]
//! puts the attachments back as binary.

use std::fmt;

use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeTuple, Serializer};
use serde_json::{Map, Number, Value};

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
}

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

/// Deserializes every argument of a message (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct WireArgs(pub Args);

impl<'de> Deserialize<'de> for WireArgs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ArgsVisitor;
        impl<'de> Visitor<'de> for ArgsVisitor {
            type Value = WireArgs;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of socket.io arguments")
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<WireArgs, S::Error> {
                let mut args = Args::default();
                while let Some(node) = seq.next_element::<Node>()? {
                    let v = node.into_value(&mut args.binaries);
                    args.values.push(v);
                }
                Ok(WireArgs(args))
            }
            fn visit_unit<E: de::Error>(self) -> Result<WireArgs, E> {
                Ok(WireArgs::default())
            }
            fn visit_none<E: de::Error>(self) -> Result<WireArgs, E> {
                Ok(WireArgs::default())
            }
        }
        d.deserialize_tuple(usize::MAX, ArgsVisitor)
    }
}

/// A JSON value that may hold bytes.
enum Node {
    Json(Value),
    Bin(Bytes),
    Arr(Vec<Node>),
    Obj(Vec<(String, Node)>),
}

impl Node {
    fn into_value(self, bins: &mut Vec<Bytes>) -> Value {
        match self {
            Node::Json(v) => v,
            Node::Bin(b) => {
                let num = bins.len();
                bins.push(b);
                serde_json::json!({"_placeholder": true, "num": num})
            }
            Node::Arr(items) => {
                Value::Array(items.into_iter().map(|n| n.into_value(bins)).collect())
            }
            Node::Obj(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(k, n)| (k, n.into_value(bins)))
                    .collect(),
            ),
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct NodeVisitor;
        impl<'de> Visitor<'de> for NodeVisitor {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any socket.io argument")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Json(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Json(Value::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Json(Value::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Json(
                    Number::from_f64(v)
                        .map(Value::Number)
                        .unwrap_or(Value::Null),
                ))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Json(Value::String(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Node, E> {
                Ok(Node::Json(Value::String(v)))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Node, E> {
                Ok(Node::Bin(Bytes::copy_from_slice(v)))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Node, E> {
                Ok(Node::Bin(Bytes::from(v)))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
                Ok(Node::Json(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Node, E> {
                Ok(Node::Json(Value::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_seq<S: SeqAccess<'de>>(self, mut seq: S) -> Result<Node, S::Error> {
                // Fast path: plain JSON until a binary shows up (the common case allocates
                // the final array directly).
                let mut json = Vec::new();
                while let Some(n) = seq.next_element::<Node>()? {
                    match n {
                        Node::Json(v) => json.push(v),
                        other => {
                            let mut items: Vec<Node> = json.into_iter().map(Node::Json).collect();
                            items.push(other);
                            while let Some(n) = seq.next_element::<Node>()? {
                                items.push(n);
                            }
                            return Ok(Node::Arr(items));
                        }
                    }
                }
                Ok(Node::Json(Value::Array(json)))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Node, M::Error> {
                let mut json = Map::new();
                while let Some((k, v)) = map.next_entry::<String, Node>()? {
                    match v {
                        Node::Json(v) => {
                            json.insert(k, v);
                        }
                        other => {
                            let mut entries: Vec<(String, Node)> =
                                json.into_iter().map(|(k, v)| (k, Node::Json(v))).collect();
                            entries.push((k, other));
                            while let Some((k, v)) = map.next_entry::<String, Node>()? {
                                entries.push((k, v));
                            }
                            return Ok(Node::Obj(entries));
                        }
                    }
                }
                Ok(Node::Json(Value::Object(json)))
            }
        }
        d.deserialize_any(NodeVisitor)
    }
}

/// [`Args`] serialized as a tuple of arguments, placeholders turned back into binary.
pub(crate) struct ArgsOnWire<'a>(&'a Args);

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
