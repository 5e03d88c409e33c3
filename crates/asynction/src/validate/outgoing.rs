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
//! The payload is serialized by `wire::Args::serialized`, which produces what socketioxide's
//! own serializer would put on the wire for the caller's value.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use super::{Interaction, NamespaceValidators, ValidationError, Violation};
use crate::model::ArgumentList;
use crate::wire::{Args, ArgsOnWire};

/// An outgoing event whose arguments went through the validators (see the module docs).
/// Built only by [`NamespaceValidators::check_outgoing`] and
/// [`NamespaceValidators::check_outgoing_args`].
///
/// It borrows the event name (and, from [`NamespaceValidators::check_outgoing_args`], the
/// arguments): checking allocates nothing beyond the serialized payload.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CheckedEvent<'a> {
    event: &'a str,
    args: Cow<'a, Args>,
}

impl CheckedEvent<'_> {
    /// The event name.
    pub(crate) fn event(&self) -> &str {
        self.event
    }

    /// The arguments as they go on the wire (binary attachments as placeholders + bytes).
    pub(crate) fn args(&self) -> &Args {
        &self.args
    }

    /// The arguments in socketioxide's form: a tuple, each element one Socket.IO argument,
    /// placeholders turned back into binary.
    pub(crate) fn wire(&self) -> ArgsOnWire<'_> {
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
pub(crate) enum CheckError {
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
    pub(crate) fn check_outgoing<'e, T: Serialize + ?Sized>(
        &self,
        namespace: &str,
        event: &'e str,
        data: &T,
        validate: bool,
    ) -> Result<CheckedEvent<'e>, CheckError> {
        let args = Args::serialized(data).map_err(CheckError::Serialize)?;
        let schema = self.egress.get(event).and_then(|e| e.payload.as_ref());
        let spread = schema.is_some_and(|s| s.arguments() == ArgumentList::Spread)
            && matches!(args.values[0], Value::Array(_));
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
    pub(crate) fn check_outgoing_args<'a>(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Validators;
    use bytes::Bytes;
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
