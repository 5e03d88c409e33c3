//! The serde serializer behind [`Args::serialized`](super::Args::serialized): an outgoing
//! payload → JSON values and binary attachments, exactly what socketioxide's own serializer
//! would put on the wire for the caller's value: bytes (`serialize_bytes`) become binary
//! attachments, an `f32` keeps its shortest decimal form (`1.1`, not `1.100000023841858`),
//! non-finite floats are `null`, map keys are strings as serde_json writes them.

use bytes::Bytes;
use serde::Serialize;
use serde::ser::{self, Error as _};
use serde_json::{Map, Value};

/// `data` as a JSON value, its bytes taken out into `binaries` (see the module docs).
pub(super) fn to_value<T: Serialize + ?Sized>(
    data: &T,
    binaries: &mut Vec<Bytes>,
) -> Result<Value> {
    data.serialize(ValueSerializer { binaries })
}

/// serde → [`Value`], with `serialize_bytes` taken out as a binary attachment (placeholder
/// `{"_placeholder": true, "num": N}` in the value, the bytes in `binaries`).
struct ValueSerializer<'a> {
    binaries: &'a mut Vec<Bytes>,
}

type Result<T, E = serde_json::Error> = std::result::Result<T, E>;

fn json<T: Serialize + ?Sized>(v: &T) -> Result<Value> {
    v.serialize(serde_json::value::Serializer)
}

impl<'a> ser::Serializer for ValueSerializer<'a> {
    type Ok = Value;
    type Error = serde_json::Error;
    type SerializeSeq = SeqBuilder<'a>;
    type SerializeTuple = SeqBuilder<'a>;
    type SerializeTupleStruct = SeqBuilder<'a>;
    type SerializeTupleVariant = SeqBuilder<'a>;
    type SerializeMap = MapBuilder<'a>;
    type SerializeStruct = MapBuilder<'a>;
    type SerializeStructVariant = MapBuilder<'a>;

    fn serialize_bool(self, v: bool) -> Result<Value> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_i128(self, v: i128) -> Result<Value> {
        json(&v)
    }
    fn serialize_u8(self, v: u8) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_u128(self, v: u128) -> Result<Value> {
        json(&v)
    }
    fn serialize_f32(self, v: f32) -> Result<Value> {
        // The wire writes an f32 in its shortest form; widening it first would not.
        if !v.is_finite() {
            return Ok(Value::Null);
        }
        Ok(v.to_string()
            .parse::<f64>()
            .map_or(Value::Null, Value::from))
    }
    fn serialize_f64(self, v: f64) -> Result<Value> {
        Ok(v.into())
    }
    fn serialize_char(self, v: char) -> Result<Value> {
        Ok(Value::String(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Value> {
        Ok(Value::String(v.to_owned()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value> {
        let num = self.binaries.len();
        self.binaries.push(Bytes::copy_from_slice(v));
        let mut placeholder = Map::with_capacity(2);
        placeholder.insert("_placeholder".into(), Value::Bool(true));
        placeholder.insert("num".into(), num.into());
        Ok(Value::Object(placeholder))
    }
    fn serialize_none(self) -> Result<Value> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value> {
        Ok(Value::String(variant.to_owned()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value> {
        let mut map = Map::with_capacity(1);
        map.insert(variant.to_owned(), value.serialize(self)?);
        Ok(Value::Object(map))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqBuilder<'a>> {
        Ok(SeqBuilder {
            binaries: self.binaries,
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqBuilder<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqBuilder<'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqBuilder<'a>> {
        Ok(SeqBuilder {
            binaries: self.binaries,
            items: Vec::with_capacity(len),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapBuilder<'a>> {
        Ok(MapBuilder {
            binaries: self.binaries,
            map: Map::with_capacity(len.unwrap_or(0)),
            key: None,
            variant: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapBuilder<'a>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<MapBuilder<'a>> {
        Ok(MapBuilder {
            binaries: self.binaries,
            map: Map::with_capacity(len),
            key: None,
            variant: Some(variant),
        })
    }
}

/// Sequences, tuples and tuple variants (`{"Variant": [..]}`).
struct SeqBuilder<'a> {
    binaries: &'a mut Vec<Bytes>,
    items: Vec<Value>,
    variant: Option<&'static str>,
}

impl SeqBuilder<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let v = value.serialize(ValueSerializer {
            binaries: self.binaries,
        })?;
        self.items.push(v);
        Ok(())
    }
    fn finish(self) -> Value {
        in_variant(self.variant, Value::Array(self.items))
    }
}

impl ser::SerializeSeq for SeqBuilder<'_> {
    type Ok = Value;
    type Error = serde_json::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for SeqBuilder<'_> {
    type Ok = Value;
    type Error = serde_json::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for SeqBuilder<'_> {
    type Ok = Value;
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleVariant for SeqBuilder<'_> {
    type Ok = Value;
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

/// Maps, structs and struct variants (`{"Variant": {..}}`).
struct MapBuilder<'a> {
    binaries: &'a mut Vec<Bytes>,
    map: Map<String, Value>,
    key: Option<String>,
    variant: Option<&'static str>,
}

impl MapBuilder<'_> {
    fn entry<T: Serialize + ?Sized>(&mut self, key: String, value: &T) -> Result<()> {
        let v = value.serialize(ValueSerializer {
            binaries: self.binaries,
        })?;
        self.map.insert(key, v);
        Ok(())
    }
    fn finish(self) -> Value {
        in_variant(self.variant, Value::Object(self.map))
    }
}

/// A value of an enum variant as serde_json writes it: `{"Variant": value}`; other values as
/// they are.
fn in_variant(variant: Option<&str>, value: Value) -> Value {
    match variant {
        Some(variant) => {
            let mut map = Map::with_capacity(1);
            map.insert(variant.to_owned(), value);
            Value::Object(map)
        }
        None => value,
    }
}

/// A map key as serde_json writes it: strings as they are, numbers, booleans and chars as
/// their text; anything else is an error.
fn map_key<T: Serialize + ?Sized>(key: &T) -> Result<String> {
    match json(key)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(serde_json::Error::custom("key must be a string")),
    }
}

impl ser::SerializeMap for MapBuilder<'_> {
    type Ok = Value;
    type Error = serde_json::Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(map_key(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self
            .key
            .take()
            .ok_or_else(|| serde_json::Error::custom("map value without a key"))?;
        self.entry(key, value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for MapBuilder<'_> {
    type Ok = Value;
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.entry(key.to_owned(), value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for MapBuilder<'_> {
    type Ok = Value;
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.entry(key.to_owned(), value)
    }
    fn end(self) -> Result<Value> {
        Ok(self.finish())
    }
}
