//! What a scaffolded project contains, decided once from the document: one stub per handler
//! id, one security function per scheme handler id, the payload types and the payload checks.
//! The source renderers ([`super::sources`], [`super::smoke_test`]) only print this plan.

use indexmap::IndexMap;
use serde_json::Value;

use super::ScaffoldError;
use super::samples::minimal_instance;
use super::types::{TypesModule, reproduced_exactly};
use crate::naming::{Names, handler_fn_name, pascal_case, qualified_handler_fn_name, snake_case};
use asynction_spec::Document;
use asynction_spec::model::Namespace;
use asynction_spec::model::SecurityFunctionKind;

/// Everything the generated sources need.
#[derive(Debug)]
pub(crate) struct Plan {
    /// Event and namespace-hook handlers, one per handler id, in document order.
    pub(crate) handlers: Vec<HandlerStub>,
    /// Security functions, one per scheme handler id, in document order.
    pub(crate) security: Vec<SecurityStub>,
    /// The generated payload and ack types.
    pub(crate) types: TypesModule,
    /// Payload and ack types the generated tests deserialize samples into.
    pub(crate) checks: Vec<PayloadCheck>,
    /// The server to select in the builder, when the document has several.
    pub(crate) server: Option<String>,
}

/// One handler id and the function generated for it.
#[derive(Debug)]
pub(crate) struct HandlerStub {
    /// The handler id as the document names it.
    pub(crate) id: String,
    /// The generated function's name.
    pub(crate) fn_name: String,
    /// Where the document uses the id (`` `sign up` on `/user` ``, `connect of `/``).
    pub(crate) uses: Vec<String>,
    /// The function's signature.
    pub(crate) role: HandlerRole,
    /// Whether it is registered checked (`handler_checked`): an event handler whose generated
    /// types the type check proves (every payload type does; an ack type when its schema is
    /// [`reproduced_exactly`]).
    pub(crate) checked: bool,
    /// How many events it handles (its uses that are events, not hooks).
    pub(crate) routes: usize,
}

/// What kind of handler a stub is, which decides its arguments and return type.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum HandlerRole {
    /// An event handler: `Payload<payload>` when the event has a payload schema, returning
    /// `Result<Ack<ack>, String>` when it has an ack schema.
    Event {
        /// The event's name (for the log line).
        event: String,
        /// The payload type in `types`, if the event has a payload schema.
        payload: Option<String>,
        /// The ack type in `types`, if the event has an ack schema.
        ack: Option<String>,
    },
    /// One id for several events with different types: `Payload<serde_json::Value>`.
    AnyEvent {
        /// Whether some of the events are acknowledged.
        acked: bool,
    },
    /// `x-handlers.connect`.
    Connect,
    /// `x-handlers.disconnect`.
    Disconnect,
    /// `x-handlers.error`.
    Error,
    /// One id used for hooks of different kinds: takes only the socket.
    Mixed,
}

/// One security handler id and the function generated for it.
#[derive(Debug)]
pub(crate) struct SecurityStub {
    /// The handler id.
    pub(crate) id: String,
    /// The generated function's name.
    pub(crate) fn_name: String,
    /// What the function checks.
    pub(crate) kind: SecurityFunctionKind,
    /// The schemes naming the id.
    pub(crate) schemes: Vec<String>,
}

/// One type the generated tests check against samples.
#[derive(Debug)]
pub(crate) struct PayloadCheck {
    /// The generated test function's name.
    pub(crate) test_name: String,
    /// The namespace path.
    pub(crate) namespace: String,
    /// Whether the event is ingress (else egress).
    pub(crate) ingress: bool,
    /// Index of the event in the namespace's ingress or egress list.
    pub(crate) index: usize,
    /// The event's name.
    pub(crate) event: String,
    /// Whether the type is the ack's (else the payload's).
    pub(crate) ack: bool,
    /// The type in `types`.
    pub(crate) type_name: String,
    /// A minimal instance of the schema, used when the message has no example.
    pub(crate) minimal: Value,
}

impl Plan {
    /// Plans the project for `doc`.
    pub(crate) fn new(doc: &Document) -> Result<Self, ScaffoldError> {
        let raw = doc.as_written();
        let components = ComponentNames { raw: raw.as_ref() };
        let mut types = TypesModule::new();
        // Per handler id: where it is used, its role there, and whether its types are proven.
        let mut uses: IndexMap<String, Vec<(String, HandlerRole, bool)>> = IndexMap::new();
        let mut checks = Vec::new();
        let mut test_names = Names::default();

        for ns in &doc.api.namespaces {
            let ns_name = namespace_name(ns);
            for (which, ingress, events) in [
                ("ingress", true, &ns.ingress),
                ("egress", false, &ns.egress),
            ] {
                for (index, event) in events.iter().enumerate() {
                    let message = components.name(&event.pointer, "messages");
                    let payload = event.payload.as_ref().map(|schema| {
                        let mut candidates: Vec<String> = components
                            .name(&schema.pointer, "schemas")
                            .into_iter()
                            .chain(message.clone())
                            .collect();
                        candidates.push(pascal_case(&event.name, "Message"));
                        candidates
                            .push(format!("{ns_name}{}", pascal_case(&event.name, "Message")));
                        if !ingress {
                            candidates
                                .push(format!("{}Emitted", pascal_case(&event.name, "Message")));
                        }
                        let doc_line = format!(
                            "Payload of `{}` ({which}, namespace `{}`).",
                            event.name, ns.path
                        );
                        let mut lines = vec![doc_line];
                        if let Some(summary) = &event.summary {
                            lines.push(String::new());
                            lines.extend(summary.lines().map(str::to_owned));
                        }
                        types.named_type(schema, &candidates, &lines)
                    });
                    let ack = event.ack.as_ref().map(|schema| {
                        let base = message
                            .clone()
                            .unwrap_or_else(|| pascal_case(&event.name, "Message"));
                        let candidates = vec![format!("{base}Ack"), format!("{ns_name}{base}Ack")];
                        let lines = vec![format!(
                            "Acknowledgement of `{}` (namespace `{}`).",
                            event.name, ns.path
                        )];
                        types.named_type(schema, &candidates, &lines)
                    });
                    for (is_ack, type_name, schema) in
                        [(false, &payload, &event.payload), (true, &ack, &event.ack)]
                    {
                        if let (Some(type_name), Some(schema)) = (type_name, schema) {
                            let event_ident = snake_case(&event.name, "message");
                            let what = if is_ack { "ack" } else { "payload" };
                            let direction = if ingress { "" } else { "emitted_" };
                            let base = format!("{what}_of_{direction}{event_ident}");
                            let qualified = format!("{base}_in_{}", snake_case(&ns.path, "root"));
                            checks.push(PayloadCheck {
                                test_name: test_names.claim(&[base, qualified]),
                                namespace: ns.path.clone(),
                                ingress,
                                index,
                                event: event.name.clone(),
                                ack: is_ack,
                                type_name: type_name.clone(),
                                minimal: minimal_instance(&schema.value),
                            });
                        }
                    }
                    if let (true, Some(id)) = (ingress, &event.handler) {
                        uses.entry(id.clone()).or_default().push((
                            format!("`{}` on `{}`", event.name, ns.path),
                            HandlerRole::Event {
                                event: event.name.clone(),
                                payload,
                                ack,
                            },
                            event.ack.as_ref().is_none_or(reproduced_exactly),
                        ));
                    }
                }
            }
            for (hook, id, role) in [
                ("connect", &ns.handlers.connect, HandlerRole::Connect),
                (
                    "disconnect",
                    &ns.handlers.disconnect,
                    HandlerRole::Disconnect,
                ),
                ("error", &ns.handlers.error, HandlerRole::Error),
            ] {
                if let Some(id) = id {
                    uses.entry(id.clone()).or_default().push((
                        format!("{hook} of `{}`", ns.path),
                        role,
                        false,
                    ));
                }
            }
        }

        let mut fn_names = Names::with_reserved(&["types", "app", "main"]);
        let handlers = uses
            .into_iter()
            .map(|(id, uses)| {
                let role = merged_role(uses.iter().map(|(_, r, _)| r));
                HandlerStub {
                    fn_name: fn_names
                        .claim(&[handler_fn_name(&id), qualified_handler_fn_name(&id)]),
                    checked: matches!(role, HandlerRole::Event { .. })
                        && uses.iter().all(|(_, _, proven)| *proven),
                    routes: uses
                        .iter()
                        .filter(|(_, r, _)| matches!(r, HandlerRole::Event { .. }))
                        .count(),
                    role,
                    uses: uses.into_iter().map(|(at, _, _)| at).collect(),
                    id,
                }
            })
            .collect();
        let security = security_stubs(doc, &mut fn_names)?;
        let server = (doc.api.servers.len() > 1).then(|| doc.api.servers[0].name.clone());
        Ok(Plan {
            handlers,
            security,
            types,
            checks,
            server,
        })
    }
}

/// The role of an id used in several places: the common one, else the widest that fits.
fn merged_role<'a>(mut roles: impl Iterator<Item = &'a HandlerRole>) -> HandlerRole {
    let Some(first) = roles.next() else {
        return HandlerRole::Mixed;
    };
    let acked = |role: &HandlerRole| match role {
        HandlerRole::Event { ack, .. } => Some(ack.is_some()),
        HandlerRole::AnyEvent { acked } => Some(*acked),
        _ => None,
    };
    roles.fold(first.clone(), |merged, role| {
        if merged == *role {
            return merged;
        }
        match (acked(&merged), acked(role)) {
            (Some(a), Some(b)) => HandlerRole::AnyEvent { acked: a || b },
            _ => HandlerRole::Mixed,
        }
    })
}

fn security_stubs(
    doc: &Document,
    fn_names: &mut Names,
) -> Result<Vec<SecurityStub>, ScaffoldError> {
    let mut stubs: Vec<SecurityStub> = Vec::new();
    for (scheme, definition) in &doc.api.security_schemes {
        for (extension, id) in &definition.handlers {
            let Some((_, kind)) = SecurityFunctionKind::EXTENSIONS
                .iter()
                .find(|(e, _)| e == extension)
            else {
                continue;
            };
            match stubs.iter_mut().find(|s| s.id == *id) {
                Some(stub) if stub.kind == *kind => stub.schemes.push(scheme.clone()),
                Some(stub) => {
                    return Err(ScaffoldError::ConflictingSecurityHandler {
                        id: id.clone(),
                        first: format!("{} (scheme '{}')", stub.kind, stub.schemes[0]),
                        second: format!("{kind} (scheme '{scheme}', x-{extension})"),
                    });
                }
                None => stubs.push(SecurityStub {
                    fn_name: fn_names.claim(&[handler_fn_name(id), qualified_handler_fn_name(id)]),
                    id: id.clone(),
                    kind: *kind,
                    schemes: vec![scheme.clone()],
                }),
            }
        }
    }
    Ok(stubs)
}

/// `PascalCase` of a namespace path (`/user` → `User`, `/` → `Root`).
fn namespace_name(ns: &Namespace) -> String {
    pascal_case(&ns.path, "Root")
}

/// Names of the components a place of the document refers to, read from the document as
/// written (the model has every `$ref` inlined).
struct ComponentNames<'a> {
    raw: Option<&'a Value>,
}

impl ComponentNames<'_> {
    /// The name of the `components.<kind>` entry the node at `pointer` is a `$ref` to
    /// (`#/components/schemas/Credentials` → `Credentials`), as a type name.
    fn name(&self, pointer: &str, kind: &str) -> Option<String> {
        let raw = self.raw?;
        let mut node = raw;
        for token in pointer.split('/').skip(1) {
            node = follow_local_ref(raw, node)?;
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match node {
                Value::Object(m) => m.get(&token)?,
                Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        let reference = node.get("$ref")?.as_str()?;
        let key = reference
            .strip_prefix("#/components/")?
            .strip_prefix(kind)?
            .strip_prefix('/')?;
        (!key.contains('/'))
            .then(|| pascal_case(&key.replace("~1", "/").replace("~0", "~"), "Message"))
    }
}

/// `node`, or what its local `$ref` chain points to (at most 32 hops).
fn follow_local_ref<'v>(root: &'v Value, mut node: &'v Value) -> Option<&'v Value> {
    for _ in 0..32 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return Some(node);
        };
        node = root.pointer(reference.strip_prefix('#')?)?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
asyncapi: 2.6.0
info: { title: t, version: "1" }
channels:
  /a:
    x-handlers: { error: billing.error, connect: shared.hook }
    publish:
      message:
        oneOf:
          - { name: pay, x-handler: billing.pay, payload: { type: string } }
          - { name: refund, x-handler: billing.pay, payload: { type: integer }, x-ack: { args: { type: boolean } } }
  /b:
    x-handlers: { error: users.error, disconnect: shared.hook }
components:
  securitySchemes:
    basic: { type: http, scheme: basic, x-basicInfoFunc: auth.check }
    key: { type: httpApiKey, in: header, name: X-Key, x-apiKeyInfoFunc: auth.check }
"#;

    #[test]
    fn colliding_ids_get_distinct_functions_and_shared_ids_a_wider_signature() {
        let doc =
            Document::from_text(&DOC.replace(", x-apiKeyInfoFunc: auth.check", "")).expect("loads");
        let plan = Plan::new(&doc).expect("plans");
        let names: Vec<(&str, &str)> = plan
            .handlers
            .iter()
            .map(|h| (h.id.as_str(), h.fn_name.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("billing.pay", "pay"),
                ("shared.hook", "hook"),
                ("billing.error", "error"),
                ("users.error", "users_error"),
            ]
        );
        assert_eq!(plan.handlers[0].role, HandlerRole::AnyEvent { acked: true });
        assert_eq!(plan.handlers[1].role, HandlerRole::Mixed);
        assert_eq!(
            plan.handlers[1].uses,
            ["connect of `/a`", "disconnect of `/b`"]
        );
        assert_eq!(plan.handlers[2].uses, ["error of `/a`"]);
        assert_eq!(plan.security.len(), 1);
        assert_eq!(plan.security[0].fn_name, "check");
    }

    #[test]
    fn one_security_id_for_two_kinds_is_refused() {
        let doc = Document::from_text(DOC).expect("loads");
        let err = Plan::new(&doc).expect_err("conflicting kinds");
        assert!(err.to_string().contains("auth.check"), "{err}");
    }
}
