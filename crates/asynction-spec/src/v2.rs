//! AsyncAPI 2.0–2.6 → [`Api`].
//!
//! Channel keys are namespaces; `publish` messages (client → server) are ingress events,
//! `subscribe` messages (server → client) egress events; `oneOf` or a single message both work.
//! The acknowledgement schema is `x-ack.args` on the message.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::common;
use super::fields::{Reader, child, kind, socketio_path, substitute_variables};
use super::rules;
use crate::model::{Api, Event, Namespace};

/// Builds the model of a resolved 2.x document.
pub(crate) fn build(r: &mut Reader<'_>, root: &Map<String, Value>, asyncapi: String) -> Api {
    let info = common::info(r, root);
    let security_schemes = common::security_schemes(r, root);
    let servers = common::servers(
        r,
        root,
        common::ServerReader {
            address_key: "url",
            locate: |r: &mut Reader<'_>, obj: &Map<String, Value>, at: &str, url: String| {
                let variables = r.object(obj, "variables", at);
                let url = substitute_variables(&url, variables);
                let path = socketio_path(&url);
                (url, path)
            },
            security: |r: &mut Reader<'_>, list: &[Value], at: &str| {
                common::requirements(r, list, at, &security_schemes)
            },
        },
    );
    let mut namespaces = Vec::new();
    match r.object(root, "channels", "") {
        None => r.error("", "the document must have required property 'channels'"),
        Some(channels) => {
            for (key, channel) in channels {
                let at = child("/channels", key);
                let Some(obj) = channel.as_object() else {
                    r.error(
                        &at,
                        format!("a channel must be an object, found {}", kind(channel)),
                    );
                    continue;
                };
                let mut parameters = IndexMap::new();
                if let Some(params) = r.object(obj, "parameters", &at) {
                    let pat = child(&at, "parameters");
                    for (name, p) in params {
                        if let Some(s) = p.as_object().and_then(|p| p.get("schema"))
                            && let Some(schema) =
                                r.schema_value(s, child(&child(&pat, name), "schema"))
                        {
                            parameters.insert(name.clone(), schema);
                        }
                    }
                }
                let declared: Vec<String> = obj
                    .get("parameters")
                    .and_then(Value::as_object)
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default();
                check_parameters(r, rules::CHANNEL_PARAMETERS_V2, key, &declared, &at);
                namespaces.push(Namespace {
                    path: common::namespace_path(key),
                    pointer: at.clone(),
                    description: r.string(obj, "description", &at),
                    ingress: operation_events(r, obj, "publish", &at),
                    egress: operation_events(r, obj, "subscribe", &at),
                    handlers: common::namespace_handlers(r, obj, &at),
                    bindings: common::bindings(r, obj, &at),
                    security: common::x_security(r, obj, &at, &security_schemes),
                    parameters,
                });
            }
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

/// Every `{param}` of a channel address must be declared in `parameters`, as the reference
/// parser requires.
pub(crate) fn check_parameters(
    r: &mut Reader<'_>,
    rule: &'static str,
    address: &str,
    declared: &[String],
    at: &str,
) {
    let mut rest = address;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + len];
        if !declared.iter().any(|d| d == name) {
            r.error_rule(
                rule,
                at,
                format!("channel parameter '{name}' is not defined in 'parameters'"),
            );
        }
        rest = &rest[start + len..];
    }
}

fn operation_events(
    r: &mut Reader<'_>,
    channel: &Map<String, Value>,
    which: &str,
    at: &str,
) -> Vec<Event> {
    let Some(op) = r.object(channel, which, at) else {
        return Vec::new();
    };
    let op_at = child(at, which);
    let Some(message) = op.get("message") else {
        r.error(&op_at, format!("the {which} operation has no 'message'"));
        return Vec::new();
    };
    let msg_at = child(&op_at, "message");
    match message.as_object().and_then(|m| m.get("oneOf")) {
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .filter_map(|(i, m)| common::event(r, m, &format!("{msg_at}/oneOf/{i}")))
            .collect(),
        Some(other) => {
            r.error(
                &child(&msg_at, "oneOf"),
                format!("'oneOf' must be an array, found {}", kind(other)),
            );
            Vec::new()
        }
        None => common::event(r, message, &msg_at).into_iter().collect(),
    }
}
