//! Outgoing events, checked once: [`CheckedEvent`] is what every emit sends (socket, room,
//! broadcast, emit-with-ack, the cluster `Emitter`, the connect handler's deferred emits).
//!
//! Only [`NamespaceValidators::check_outgoing`] and [`NamespaceValidators::check_outgoing_args`]
//! build one, so holding a `CheckedEvent` means: the payload was serialized exactly once (to
//! JSON values, binary attachments kept apart as in [`Args`]), the event's argument rule was
//! applied (`x-socketio-args: spread` turns an array into several arguments), and — unless
//! validation is switched off — the arguments satisfy the event's egress schema. The emit
//! then hands these values to socketioxide; nothing is serialized from the caller's type
//! again, and a broadcast checks once however many clients receive it.
//!
//! The serializer here produces what socketioxide's own serializer would put on the wire
//! for the caller's value: bytes (`serialize_bytes`) become binary attachments, an `f32` keeps
//! its shortest decimal form (`1.1`, not `1.100000023841858`), non-finite floats are `null`,
//! map keys are strings as serde_json writes them.

use std::borrow::Cow;

use bytes::Bytes;
use serde::Serialize;
use serde::ser::{self, Error as _};
use serde_json::{Map, Value};

use super::{Interaction, NamespaceValidators, ValidationError, Violation};
use crate::model::ArgumentList;
use crate::server::Args;

/// An outgoing event whose arguments went through the validators (see the module docs).
/// Built only by [`NamespaceValidators::check_outgoing`] and
/// [`NamespaceValidators::check_outgoing_args`].
///
/// It borrows the event name (and, from [`NamespaceValidators::check_outgoing_args`], the
/// arguments): checking allocates nothing beyond the serialized payload.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedEvent<'a> {
    event: &'a str,
    args: Cow<'a, Args>,
}

impl CheckedEvent<'_> {
    /// The event name.
    pub fn event(&self) -> &str {
        self.event
    }

    /// The arguments as they go on the wire (binary attachments as placeholders + bytes).
    pub fn args(&self) -> &Args {
        &self.args
    }

    /// The arguments in socketioxide's form: a tuple, each element one Socket.IO argument,
    /// placeholders turned back into binary.
    pub(crate) fn wire(&self) -> crate::server::args::ArgsOnWire<'_> {
        self.args.as_wire()
    }

    /// Event name and arguments, owned, for a queue that sends them later.
    pub(crate) fn into_owned_parts(self) -> (String, Args) {
        (self.event.to_owned(), self.args.into_owned())
    }
}

/// Why an outgoing event could not be checked.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The payload could not be turned into JSON.
    #[error("the payload could not be serialized: {0}")]
    Serialize(#[source] serde_json::Error),
    /// The arguments break the document (or the event is not one the server sends).
    #[error(transparent)]
    Invalid(#[from] ValidationError),
}

impl NamespaceValidators {
    /// Serializes `data` once, applies `event`'s argument rule (a spread schema sends an array
    /// as several arguments; anything else is one argument) and, when `validate` is set,
    /// validates the arguments against `event`'s egress schema. `namespace` is the concrete
    /// path, for the error.
    pub fn check_outgoing<'e, T: Serialize + ?Sized>(
        &self,
        namespace: &str,
        event: &'e str,
        data: &T,
        validate: bool,
    ) -> Result<CheckedEvent<'e>, CheckError> {
        let mut binaries = Vec::new();
        let value = data
            .serialize(ValueSerializer {
                binaries: &mut binaries,
            })
            .map_err(CheckError::Serialize)?;
        let schema = self.egress.get(event).and_then(|e| e.payload.as_ref());
        let spread = schema.is_some_and(|s| s.arguments() == ArgumentList::Spread)
            && matches!(value, Value::Array(_));
        let args = Args {
            values: vec![value],
            binaries,
        };
        if validate {
            validated(namespace, event);
            let view = args.validation_view();
            match schema {
                // A spread list is validated as the array it came in (no copy of the list).
                Some(schema) if spread => schema
                    .validate_list(&view[0])
                    .map_err(|v| egress_error(namespace, event, v))?,
                _ => self.check_emit(namespace, event, &view)?,
            }
        }
        let Args {
            mut values,
            binaries,
        } = args;
        if spread && let Some(Value::Array(items)) = values.pop() {
            values = items;
        }
        Ok(CheckedEvent {
            event,
            args: Cow::Owned(Args { values, binaries }),
        })
    }

    /// Checks an argument list given as is (several arguments, binary attachments included):
    /// validated against `event`'s egress schema when `validate` is set.
    pub fn check_outgoing_args<'a>(
        &self,
        namespace: &str,
        event: &'a str,
        args: &'a Args,
        validate: bool,
    ) -> Result<CheckedEvent<'a>, ValidationError> {
        if validate {
            validated(namespace, event);
            self.check_emit(namespace, event, &args.validation_view())?;
        }
        Ok(CheckedEvent {
            event,
            args: Cow::Borrowed(args),
        })
    }
}

/// One trace event per validated outgoing payload (target `asynction::emit::validated`): a
/// broadcast shows one, however many clients receive it.
fn validated(namespace: &str, event: &str) {
    tracing::trace!(target: "asynction::emit::validated", namespace, event, "egress payload validated");
}

fn egress_error(namespace: &str, event: &str, violations: Vec<Violation>) -> ValidationError {
    ValidationError::new(
        Interaction::EgressPayload,
        namespace,
        Some(event),
        violations,
    )
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
    fn finish(self) -> Result<Value> {
        let array = Value::Array(self.items);
        Ok(match self.variant {
            Some(variant) => {
                let mut map = Map::with_capacity(1);
                map.insert(variant.to_owned(), array);
                Value::Object(map)
            }
            None => array,
        })
    }
}

impl ser::SerializeSeq for SeqBuilder<'_> {
    type Ok = Value;
    type Error = serde_json::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqBuilder<'_> {
    type Ok = Value;
    type Error = serde_json::Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqBuilder<'_> {
    type Ok = Value;
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for SeqBuilder<'_> {
    type Ok = Value;
    type Error = serde_json::Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Value> {
        self.finish()
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
    fn finish(self) -> Result<Value> {
        let object = Value::Object(self.map);
        Ok(match self.variant {
            Some(variant) => {
                let mut map = Map::with_capacity(1);
                map.insert(variant.to_owned(), object);
                Value::Object(map)
            }
            None => object,
        })
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
        self.finish()
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
        self.finish()
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
        self.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Validators;
    use serde_json::json;

    const DOC: &str = r#"
asyncapi: 2.6.0
info: {title: t, version: 1.0.0}
channels:
  /:
    subscribe:
      message:
        oneOf:
          - name: one
            payload: {type: object, properties: {n: {type: integer}}, required: [n]}
          - name: move
            payload:
              type: array
              x-socketio-args: spread
              prefixItems: [{type: integer}, {type: string}]
              items: false
          - name: file
            payload:
              type: object
              properties: {data: {type: string, format: binary}}
"#;

    fn validators() -> std::sync::Arc<NamespaceValidators> {
        let doc = crate::Document::from_text(DOC).unwrap();
        Validators::compile(&doc)
            .unwrap()
            .namespace("/")
            .unwrap()
            .clone()
    }

    struct Bin(&'static [u8]);
    impl Serialize for Bin {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    #[test]
    fn one_argument_is_the_serialized_value() {
        let ns = validators();
        let checked = ns
            .check_outgoing("/", "one", &json!({"n": 1, "z": [1.5]}), true)
            .unwrap();
        assert_eq!(checked.event(), "one");
        assert_eq!(checked.args().values, vec![json!({"n": 1, "z": [1.5]})]);
        let err = ns
            .check_outgoing("/", "one", &json!({"n": "x"}), true)
            .unwrap_err();
        assert!(
            matches!(err, CheckError::Invalid(e) if e.interaction == Interaction::EgressPayload)
        );
    }

    #[test]
    fn a_spread_schema_sends_an_array_as_several_arguments() {
        let ns = validators();
        let checked = ns.check_outgoing("/", "move", &(1, "up"), true).unwrap();
        assert_eq!(checked.args().values, vec![json!(1), json!("up")]);
        let err = ns
            .check_outgoing("/", "move", &("up", 1), true)
            .unwrap_err();
        assert!(matches!(err, CheckError::Invalid(_)), "{err}");
        // The list verdict is the argument-list verdict.
        let schema = ns.egress["move"].payload.as_ref().unwrap();
        for list in [
            json!([1, "up"]),
            json!(["up", 1]),
            json!([1, "up", 3]),
            json!([]),
        ] {
            let items = list.as_array().unwrap();
            assert_eq!(
                schema.validate_list(&list).is_ok(),
                schema.validate_args(items).is_ok(),
                "{list}"
            );
        }
    }

    #[test]
    fn validation_off_still_applies_the_argument_rule() {
        let ns = validators();
        let checked = ns.check_outgoing("/", "move", &("up", 1), false).unwrap();
        assert_eq!(checked.args().values, vec![json!("up"), json!(1)]);
        let checked = ns
            .check_outgoing("/", "not in the document", &7, false)
            .unwrap();
        assert_eq!(checked.args().values, vec![json!(7)]);
        assert!(
            ns.check_outgoing("/", "not in the document", &7, true)
                .is_err()
        );
    }

    #[test]
    fn bytes_become_attachments_and_are_validated_as_strings() {
        let ns = validators();
        #[derive(Serialize)]
        struct File {
            data: Bin,
        }
        let checked = ns
            .check_outgoing("/", "file", &File { data: Bin(b"abc") }, true)
            .unwrap();
        assert_eq!(
            checked.args().values,
            vec![json!({"data": {"_placeholder": true, "num": 0}})]
        );
        assert_eq!(checked.args().binaries, vec![Bytes::from_static(b"abc")]);
    }

    #[test]
    fn floats_keep_their_wire_form_and_keys_become_strings() {
        let ns = validators();
        let data = (
            1.1_f32,
            f32::NAN,
            std::collections::BTreeMap::from([(-1, 'c'), (2, 'd')]),
        );
        let checked = ns.check_outgoing("/", "any", &data, false).unwrap();
        let wire = serde_json::to_string(&checked.args().values[0]).unwrap();
        assert_eq!(wire, serde_json::to_string(&data).unwrap());
        assert_eq!(wire, r#"[1.1,null,{"-1":"c","2":"d"}]"#);
    }
}
