//! The handshake: `bindings.ws` query and headers (client-sent: they may only widen), the
//! required HTTP method, and the channel parameters of dynamic namespaces.

use asynction_spec::model::{Namespace, Schema};
use serde_json::{Value, json};

use super::{Audience, Differ, Draft, Flow, Subject, show_opt};
use crate::{ChangeKind, Severity};

impl Differ<'_> {
    pub(super) fn handshake(&mut self, o: &Namespace, n: &Namespace) {
        let at = Subject {
            ns: Some(&o.path),
            ev: None,
        };
        let who = format!("Clients connecting to {}", o.path);
        let clients = Audience {
            at,
            flow: Flow::ClientSent,
            who: &who,
        };
        let any_object = json!({"type": "object"});
        for (what, a, b) in [
            ("query", &o.bindings.query, &n.bindings.query),
            ("headers", &o.bindings.headers, &n.bindings.headers),
        ] {
            let a_ptr = a
                .as_ref()
                .map_or_else(|| o.pointer.clone(), |s| s.pointer.clone());
            let b_ptr = b
                .as_ref()
                .map_or_else(|| n.pointer.clone(), |s| s.pointer.clone());
            let value = |s: &Option<Schema>| {
                let v = s.as_ref().map_or(&any_object, |s| &s.value);
                // Header names are compared case-insensitively by the server.
                let mut v = if what == "headers" {
                    lowercase_names(v)
                } else {
                    v.clone()
                };
                // Handshake values arrive as strings (coerced only to declared types): an
                // undeclared parameter is a string, not any value.
                if let Some(m) = v.as_object_mut() {
                    m.entry("additionalProperties")
                        .or_insert_with(|| json!({"type": "string"}));
                }
                v
            };
            let (av, bv) = (value(a), value(b));
            let findings = self.compare((&av, &a_ptr), (&bv, &b_ptr), what);
            self.findings(clients, findings);
        }
        if o.bindings.method != n.bindings.method {
            let severity = if n.bindings.method.is_none() {
                Severity::Info
            } else {
                Severity::Breaking
            };
            self.push(
                at,
                Draft {
                    kind: ChangeKind::HandshakeMethodChanged,
                    severity,
                    message: format!(
                        "handshake method changed from {} to {}",
                        show_opt(&o.bindings.method),
                        show_opt(&n.bindings.method)
                    ),
                    affected: if severity == Severity::Breaking {
                        format!("{who} with another method are refused.")
                    } else {
                        "No existing client is affected: any method is accepted.".to_owned()
                    },
                    old: &o.pointer,
                    new: &n.pointer,
                },
            );
        }
        let names: indexmap::IndexSet<&String> =
            o.parameters.keys().chain(n.parameters.keys()).collect();
        let any = Value::Bool(true);
        for name in names {
            let (a, b) = (o.parameters.get(name), n.parameters.get(name));
            let a_ptr = a.map_or_else(|| o.pointer.clone(), |s| s.pointer.clone());
            let b_ptr = b.map_or_else(|| n.pointer.clone(), |s| s.pointer.clone());
            let findings = self.compare(
                (a.map_or(&any, |s| &s.value), &a_ptr),
                (b.map_or(&any, |s| &s.value), &b_ptr),
                &format!("parameter {name}"),
            );
            self.findings(clients, findings);
        }
    }
}

/// A headers schema with its property names and required names in lower case.
fn lowercase_names(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_object_mut() {
        if let Some(Value::Object(props)) = m.get_mut("properties") {
            *props = std::mem::take(props)
                .into_iter()
                .map(|(k, p)| (k.to_lowercase(), p))
                .collect();
        }
        if let Some(Value::Array(req)) = m.get_mut("required") {
            for r in req.iter_mut() {
                if let Value::String(name) = r {
                    *name = name.to_lowercase();
                }
            }
        }
    }
    v
}
