//! AsyncAPI 3.0 and 3.1 → [`Api`].
//!
//! 3.1 reads like 3.0 (its changes are clarifications the 3.0 reading already followed, such as
//! an operation without `messages` meaning every message of its channel), plus `ros2` bindings
//! on servers and operations and schema formats of version 3.1.0. Both versions refuse what
//! their JSON Schema refuses and @asyncapi/parser reports: `messages` in an Operation Trait, and
//! keys of a Bindings Object other than the protocols it lists and `x-` extensions (Socket.IO
//! settings live in asynction's `x-` extensions of channels, operations and messages, never in
//! `bindings`; `bindings.ws` describes the handshake).
//!
//! Channels carry an `address` (the namespace; several channels may share one and are merged)
//! and their `messages`; `operations` say who sends what: `action: receive` (the server receives:
//! client → server) gives ingress events, `action: send` egress events. An operation's `reply`
//! describes the acknowledgement. `x-handler` may sit on the operation (preferred) or on the
//! message. Inlining erases which channel or scheme a `$ref` named, so names are recovered from
//! the document as written.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::common;
use super::fields::{Reader, child, kind, socketio_path, substitute_variables};
use super::rules;
use crate::model::{Api, Event, Namespace, SecurityRequirement, SecurityScheme, Server};
use crate::source::unescape_pointer;

/// Builds the model of a resolved 3.0 document.
pub(crate) fn build(r: &mut Reader<'_>, root: &Map<String, Value>, asyncapi: String) -> Api {
    check_as_written(r, &asyncapi);
    let info = common::info(r, root);
    let mut security_schemes = common::security_schemes(r, root);
    let servers = servers(r, root, &mut security_schemes);

    // Channels: id → (namespace index, message key → event without handler/ack).
    let mut namespaces: Vec<Namespace> = Vec::new();
    let mut channel_ns: IndexMap<String, usize> = IndexMap::new();
    let mut channel_messages: IndexMap<String, IndexMap<String, Event>> = IndexMap::new();
    if let Some(channels) = r.object(root, "channels", "") {
        for (id, channel) in channels {
            let at = child("/channels", id);
            let Some(obj) = channel.as_object() else {
                r.error(
                    &at,
                    format!("a channel must be an object, found {}", kind(channel)),
                );
                continue;
            };
            let address = r.string(obj, "address", &at).unwrap_or_else(|| id.clone());
            let declared: Vec<String> = obj
                .get("parameters")
                .and_then(Value::as_object)
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default();
            super::v2::check_parameters(r, rules::CHANNEL_PARAMETERS_V3, &address, &declared, &at);
            let mut messages = IndexMap::new();
            if let Some(msgs) = r.object(obj, "messages", &at) {
                for (key, m) in msgs {
                    if let Some(mut ev) = common::event(r, m, &child(&child(&at, "messages"), key))
                    {
                        // 3.0 messages have ids (their keys): an unnamed one is known by its id.
                        if m.get("name").is_none() {
                            ev.name = key.clone();
                        }
                        messages.insert(key.clone(), ev);
                    }
                }
            }
            channel_messages.insert(id.clone(), messages);
            let path = common::namespace_path(&address);
            let handlers = common::namespace_handlers(r, obj, &at);
            let bindings = common::bindings(r, obj, &at);
            let security = common::x_security(r, obj, &at, &security_schemes);
            let description = r.string(obj, "description", &at);
            let mut parameters = IndexMap::new();
            if let Some(params) = r.object(obj, "parameters", &at) {
                for (name, p) in params {
                    // 3.0 parameters are strings with enum/default, not schemas.
                    let mut schema = Map::new();
                    schema.insert("type".into(), "string".into());
                    if let Some(e) = p.get("enum") {
                        schema.insert("enum".into(), e.clone());
                    }
                    if let Some(s) = r.schema_value(
                        &Value::Object(schema),
                        child(&child(&at, "parameters"), name),
                    ) {
                        parameters.insert(name.clone(), s);
                    }
                }
            }
            let idx = match namespaces.iter().position(|n| n.path == path) {
                Some(i) => {
                    merge(r, &mut namespaces[i], handlers, bindings, security, &at);
                    i
                }
                None => {
                    namespaces.push(Namespace {
                        path,
                        pointer: at.clone(),
                        description,
                        ingress: Vec::new(),
                        egress: Vec::new(),
                        handlers,
                        bindings,
                        security,
                        parameters,
                    });
                    namespaces.len() - 1
                }
            };
            channel_ns.insert(id.clone(), idx);
        }
    }

    // Operations: who sends which message, with handler, reply and security.
    let mut op_security: IndexMap<usize, Vec<SecurityRequirement>> = IndexMap::new();
    if let Some(ops) = r.object(root, "operations", "") {
        for (op_id, op) in ops {
            let at = child("/operations", op_id);
            let Some(obj) = op.as_object() else {
                r.error(
                    &at,
                    format!("an operation must be an object, found {}", kind(op)),
                );
                continue;
            };
            let action = r.required_string(obj, "action", &at, "an operation");
            let ingress = match action.as_deref() {
                Some("receive") => true,
                Some("send") => false,
                Some(other) => {
                    r.error(
                        &child(&at, "action"),
                        format!("'action' must be 'send' or 'receive', found '{other}'"),
                    );
                    continue;
                }
                None => continue,
            };
            let Some(channel_id) = referenced_key(r, &child(&at, "channel"), "/channels/") else {
                if obj.contains_key("channel") {
                    r.error_rule(
                        rules::OPERATION_CHANNEL_V3,
                        &channel_ref_pointer(r, &at),
                        "'channel' must be a $ref to a channel of this document ('#/channels/NAME')",
                    );
                } else {
                    r.error(&at, "an operation must have required property 'channel'");
                }
                continue;
            };
            let Some(&ns_idx) = channel_ns.get(&channel_id) else {
                r.error_rule(
                    rules::OPERATION_CHANNEL_V3,
                    &channel_ref_pointer(r, &at),
                    format!("operation references unknown channel '{channel_id}'"),
                );
                continue;
            };
            let available = channel_messages
                .get(&channel_id)
                .cloned()
                .unwrap_or_default();
            // No `messages`: every message of the channel (3.1 says so; 3.0 was read the same
            // way). An explicit empty list: none.
            let keys: Vec<String> = match r.array(obj, "messages", &at) {
                Some(list) => {
                    let mut keys = Vec::new();
                    for i in 0..list.len() {
                        let mat = format!("{}/{i}", child(&at, "messages"));
                        let prefix = format!(
                            "/channels/{}/messages/",
                            super::source::escape_pointer(&channel_id)
                        );
                        match referenced_key(r, &mat, &prefix) {
                            Some(k) if available.contains_key(&k) => keys.push(k),
                            _ => r.error_rule(
                                rules::OPERATION_MESSAGES_V3,
                                &mat,
                                format!(
                                    "operation messages must reference messages of channel \
                                     '{channel_id}'"
                                ),
                            ),
                        }
                    }
                    keys
                }
                None => available.keys().cloned().collect(),
            };
            let op_handler = r.string(obj, "x-handler", &at);
            let ack = reply_schema(r, obj, &at);
            if let Some(list) = r.array(obj, "security", &at) {
                let reqs = security_list(r, list, &child(&at, "security"), &mut security_schemes);
                let entry = op_security.entry(ns_idx).or_default();
                for req in reqs {
                    if !entry.contains(&req) {
                        entry.push(req);
                    }
                }
            }
            for key in keys {
                let mut ev = available[&key].clone();
                if op_handler.is_some() {
                    ev.handler = op_handler.clone();
                }
                if ack.is_some() {
                    ev.ack = ack.clone();
                }
                let ns = &mut namespaces[ns_idx];
                let list = if ingress {
                    &mut ns.ingress
                } else {
                    &mut ns.egress
                };
                list.push(ev);
            }
        }
    }
    for (idx, reqs) in op_security {
        if namespaces[idx].security.is_none() {
            namespaces[idx].security = Some(reqs);
        }
    }
    Api {
        asyncapi,
        info,
        servers,
        namespaces,
        security_schemes,
        recovery: common::recovery(r, root, ""),
    }
}

/// The operation's `channel/$ref` when one is written there (the reference parser reports at
/// the `$ref`), else `channel`.
fn channel_ref_pointer(r: &Reader<'_>, operation: &str) -> String {
    let at = child(operation, "channel");
    let written = r.written_pointer(&at);
    if r.raw
        .pointer(&written)
        .is_some_and(|c| c.get("$ref").is_some())
    {
        child(&at, "$ref")
    } else {
        at
    }
}

fn merge(
    r: &mut Reader<'_>,
    ns: &mut Namespace,
    handlers: crate::model::NamespaceHandlers,
    bindings: crate::model::HandshakeBindings,
    security: Option<Vec<SecurityRequirement>>,
    at: &str,
) {
    for (mine, theirs, what) in [
        (&mut ns.handlers.connect, handlers.connect, "connect"),
        (
            &mut ns.handlers.disconnect,
            handlers.disconnect,
            "disconnect",
        ),
        (&mut ns.handlers.error, handlers.error, "error"),
    ] {
        match (mine.as_ref(), theirs) {
            (Some(a), Some(b)) if *a != b => r.error_rule(
                rules::EXTENSIONS,
                at,
                format!(
                    "channels sharing address '{}' name different x-handlers.{what}",
                    ns.path
                ),
            ),
            (None, Some(b)) => *mine = Some(b),
            _ => {}
        }
    }
    if ns.bindings.is_empty() {
        ns.bindings = bindings;
    }
    if ns.security.is_none() {
        ns.security = security;
    }
}

/// 3.x servers: the address is `host` + `pathname`; security lists are scheme `$ref`s (or
/// inline schemes, added to `schemes`).
fn servers(
    r: &mut Reader<'_>,
    root: &Map<String, Value>,
    schemes: &mut IndexMap<String, SecurityScheme>,
) -> Vec<Server> {
    common::servers(
        r,
        root,
        common::ServerReader {
            address_key: "host",
            locate: |r: &mut Reader<'_>, obj: &Map<String, Value>, at: &str, host: String| {
                let pathname = r.string(obj, "pathname", at).unwrap_or_default();
                let variables = r.object(obj, "variables", at);
                let url = substitute_variables(&format!("{host}{pathname}"), variables);
                let path = if pathname.is_empty() {
                    "/socket.io".to_owned()
                } else {
                    socketio_path(&format!(
                        "/{}",
                        substitute_variables(pathname.trim_start_matches('/'), variables)
                    ))
                };
                (url, path)
            },
            security: |r: &mut Reader<'_>, list: &[Value], at: &str| {
                security_list(r, list, at, schemes)
            },
        },
    )
}

/// A 3.0 security list: alternatives, each a (referenced) security scheme whose `scopes` are
/// the required scopes.
fn security_list(
    r: &mut Reader<'_>,
    list: &[Value],
    at: &str,
    schemes: &mut IndexMap<String, SecurityScheme>,
) -> Vec<SecurityRequirement> {
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let item_at = format!("{at}/{i}");
        let name = match referenced_key(r, &item_at, "/components/securitySchemes/") {
            Some(name) => name,
            None => {
                // An inline scheme object: it gets a name derived from where it is written.
                let name = format!("inline:{item_at}");
                match common::security_scheme(r, &name, item, &item_at) {
                    Some(scheme) => {
                        schemes.insert(name.clone(), scheme);
                        name
                    }
                    None => continue,
                }
            }
        };
        let Some(scheme) = schemes.get(&name) else {
            r.error(
                &item_at,
                format!("security references undefined security scheme '{name}'"),
            );
            continue;
        };
        let scopes: Vec<String> = item
            .get("scopes")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        common::check_scopes(r, rules::DOCUMENT, &item_at, scheme, &scopes);
        let mut req = SecurityRequirement::default();
        req.schemes.insert(name, scopes);
        out.push(req);
    }
    out
}

/// The ack schema of an operation's `reply`: the payload of its message (several messages:
/// any of their payloads).
fn reply_schema(
    r: &mut Reader<'_>,
    op: &Map<String, Value>,
    at: &str,
) -> Option<crate::model::Schema> {
    let reply = r.object(op, "reply", at)?;
    let rat = child(at, "reply");
    let messages = r.array(reply, "messages", &rat)?;
    let mut payloads = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let mat = format!("{}/{i}", child(&rat, "messages"));
        match m.get("payload") {
            Some(p) => {
                if let Some(s) = r.argument_schema_value(p, child(&mat, "payload")) {
                    payloads.push(s);
                }
            }
            None => payloads.push(crate::model::Schema {
                pointer: mat,
                value: Value::Bool(true),
                arguments: r.arguments,
            }),
        }
    }
    match payloads.len() {
        0 => None,
        1 => payloads.pop(),
        _ => {
            let arguments = payloads[0].arguments;
            let any: Vec<Value> = payloads.into_iter().map(|s| s.value).collect();
            Some(crate::model::Schema {
                pointer: child(&rat, "messages"),
                value: serde_json::json!({ "anyOf": any }),
                arguments,
            })
        }
    }
}

/// The last segment of a `$ref` written at `pointer` when it points under `prefix`
/// (e.g. `#/channels/chat` with prefix `/channels/` → `chat`).
fn referenced_key(r: &Reader<'_>, pointer: &str, prefix: &str) -> Option<String> {
    let reference = r.raw_ref(pointer)?;
    let rest = reference.strip_prefix('#')?.strip_prefix(prefix)?;
    if rest.contains('/') {
        return None;
    }
    Some(unescape_pointer(rest))
}

/// The protocols a 3.x Bindings Object of `kind` may name (besides `x-` extensions), from the
/// version's JSON Schema: `ros2` arrived in 3.1 for servers and operations; `pulsar` binds
/// servers and channels only.
fn binding_protocols(asyncapi: &str, kind: BindingsKind) -> Vec<&'static str> {
    let mut keys = vec![
        "amqp",
        "amqp1",
        "anypointmq",
        "googlepubsub",
        "http",
        "ibmmq",
        "jms",
        "kafka",
        "mqtt",
        "nats",
        "redis",
        "sns",
        "solace",
        "sqs",
        "stomp",
        "ws",
    ];
    if matches!(kind, BindingsKind::Server | BindingsKind::Channel) {
        keys.push("pulsar");
    }
    if asyncapi != "3.0.0" && matches!(kind, BindingsKind::Server | BindingsKind::Operation) {
        keys.push("ros2");
    }
    keys.sort_unstable();
    keys
}

/// Which object a Bindings Object binds.
#[derive(Clone, Copy)]
enum BindingsKind {
    Server,
    Channel,
    Operation,
    Message,
}

/// Where Bindings Objects and Operation Traits are written in a 3.x document. `*` is any key
/// of a map or index of a list.
const SERVER_BINDINGS: &[&str] = &[
    "servers/*/bindings",
    "components/servers/*/bindings",
    "components/serverBindings/*",
];
const CHANNEL_BINDINGS: &[&str] = &[
    "channels/*/bindings",
    "components/channels/*/bindings",
    "components/channelBindings/*",
];
const OPERATION_BINDINGS: &[&str] = &[
    "operations/*/bindings",
    "operations/*/traits/*/bindings",
    "components/operations/*/bindings",
    "components/operations/*/traits/*/bindings",
    "components/operationTraits/*/bindings",
    "components/operationBindings/*",
];
const MESSAGE_BINDINGS: &[&str] = &[
    "channels/*/messages/*/bindings",
    "channels/*/messages/*/traits/*/bindings",
    "components/channels/*/messages/*/bindings",
    "components/channels/*/messages/*/traits/*/bindings",
    "components/messages/*/bindings",
    "components/messages/*/traits/*/bindings",
    "components/messageTraits/*/bindings",
    "components/messageBindings/*",
];
const OPERATION_TRAITS: &[&str] = &[
    "operations/*/traits/*",
    "components/operations/*/traits/*",
    "components/operationTraits/*",
];

/// Checks made on the main file as written, so that each object is checked once, where it is
/// written (a `$ref` is checked at its target) and diagnostics point at the offending key:
/// Operation Traits without `messages`, Bindings Objects with known protocols only.
fn check_as_written(r: &mut Reader<'_>, asyncapi: &str) {
    let raw = r.raw;
    for pointer_pattern in OPERATION_TRAITS {
        for (at, trait_obj) in written_objects(raw, pointer_pattern) {
            if trait_obj.contains_key("messages") {
                r.error(
                    &child(&at, "messages"),
                    "an Operation Trait must not contain 'messages' (operation traits may \
                     hold any operation property except action, channel, messages and traits)",
                );
            }
        }
    }
    for (patterns, kind, what) in [
        (SERVER_BINDINGS, BindingsKind::Server, "server"),
        (CHANNEL_BINDINGS, BindingsKind::Channel, "channel"),
        (OPERATION_BINDINGS, BindingsKind::Operation, "operation"),
        (MESSAGE_BINDINGS, BindingsKind::Message, "message"),
    ] {
        let known = binding_protocols(asyncapi, kind);
        for pattern in patterns {
            for (at, bindings) in written_objects(raw, pattern) {
                for key in bindings.keys() {
                    if key.starts_with("x-") || known.contains(&key.as_str()) {
                        continue;
                    }
                    r.error(
                        &child(&at, key),
                        format!(
                            "{what} bindings may contain only protocol bindings ({}) and x- \
                             extensions in AsyncAPI {asyncapi}, found '{key}' (asynction's \
                             Socket.IO settings are x- extensions of channels, operations \
                             and messages; bindings.ws describes the handshake)",
                            known.join(", ")
                        ),
                    );
                }
            }
        }
    }
}

/// The objects at `pattern` (`/`-separated keys, `*` for any) in the document as written,
/// with their JSON pointers; a `$ref` met on the way ends that branch (its target is checked
/// where it is written).
fn written_objects<'v>(root: &'v Value, pattern: &str) -> Vec<(String, &'v Map<String, Value>)> {
    let mut nodes: Vec<(String, &Value)> = vec![(String::new(), root)];
    for segment in pattern.split('/') {
        let mut next = Vec::new();
        for (at, node) in nodes {
            match (node, segment) {
                (Value::Object(m), _) if m.contains_key("$ref") => {}
                (Value::Object(m), "*") => {
                    next.extend(m.iter().map(|(k, v)| (child(&at, k), v)));
                }
                (Value::Object(m), key) => {
                    if let Some(v) = m.get(key) {
                        next.push((child(&at, key), v));
                    }
                }
                (Value::Array(a), "*") => {
                    next.extend(a.iter().enumerate().map(|(i, v)| (format!("{at}/{i}"), v)));
                }
                _ => {}
            }
        }
        nodes = next;
    }
    nodes
        .into_iter()
        .filter_map(|(at, node)| match node {
            Value::Object(m) if !m.contains_key("$ref") => Some((at, m)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{BindingsKind, binding_protocols};
    use crate::Document;

    #[test]
    fn ros2_binds_3_1_servers_and_operations_only() {
        for (version, kind, has_ros2) in [
            ("3.0.0", BindingsKind::Server, false),
            ("3.1.0", BindingsKind::Server, true),
            ("3.1.0", BindingsKind::Operation, true),
            ("3.1.0", BindingsKind::Channel, false),
            ("3.1.0", BindingsKind::Message, false),
        ] {
            assert_eq!(binding_protocols(version, kind).contains(&"ros2"), has_ros2);
        }
        assert!(binding_protocols("3.1.0", BindingsKind::Channel).contains(&"pulsar"));
        assert!(!binding_protocols("3.1.0", BindingsKind::Message).contains(&"pulsar"));
    }

    fn doc(operations: &str) -> Document {
        Document::from_text(&format!(
            "asyncapi: 3.1.0\ninfo: {{ title: T, version: '1' }}\nchannels:\n  c:\n    address: /c\n    messages:\n      a: {{ name: a }}\n      b: {{ name: b }}\noperations:\n{operations}"
        ))
        .expect("loads")
    }

    #[test]
    fn an_operation_without_messages_takes_all_and_an_empty_list_none() {
        let all = doc("  r:\n    action: receive\n    channel: { $ref: '#/channels/c' }\n");
        let names: Vec<&str> = all.api.namespaces[0]
            .ingress
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(names, ["a", "b"]);
        let none = doc(
            "  r:\n    action: receive\n    channel: { $ref: '#/channels/c' }\n    messages: []\n",
        );
        assert!(none.api.namespaces[0].ingress.is_empty());
    }

    #[test]
    fn x_keys_with_dots_are_accepted_in_bindings_and_unknown_protocols_refused() {
        let ok = doc(
            "  r:\n    action: receive\n    channel: { $ref: '#/channels/c' }\n    bindings:\n      x-acme.sio: { path: /x }\n      ros2: { role: subscriber, node: /n }\n",
        );
        assert_eq!(ok.api.namespaces[0].ingress.len(), 2);
        let err = Document::from_text(
            "asyncapi: 3.1.0\ninfo: { title: T, version: '1' }\nchannels:\n  c:\n    address: /c\n    messages:\n      a:\n        name: a\n        bindings:\n          ros2: {}\n",
        )
        .expect_err("ros2 does not bind messages");
        let d = &err.diagnostics()[0];
        assert_eq!(d.pointer, "/channels/c/messages/a/bindings/ros2");
        assert_eq!((d.location.line, d.location.column), (Some(10), Some(11)));
    }
}
