//! Received arguments: every argument of an event or ack, binary attachments taken out as
//! [`Args`] keeps them.

use std::fmt;

use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::Args;

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
