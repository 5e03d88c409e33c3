//! Channels: each 2.x channel becomes a 3.x channel whose `address` is its key, and the
//! messages of its `publish` and `subscribe` move into its `messages`, with one reply message
//! per distinct `x-ack` (the operations that reference them are [`super::operations`]').

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::{Converter, Entry, child, ident, ref_to, unique};
use crate::source::escape_pointer;

/// What every channel shares while channels and operations are written: the names handed out
/// across the document, and the converted `components` (which gain reply messages).
struct Shared<'c> {
    /// Channel ids.
    channel_ids: HashSet<String>,
    /// Operation ids.
    operation_ids: HashSet<String>,
    /// `components/messages` names: the document's own and the reply messages added.
    component_messages: HashSet<String>,
    /// Components messages whose `x-ack` became a reply, and their reply message names.
    ack_messages: HashMap<String, String>,
    components: &'c mut Map<String, Value>,
}

/// One channel's `messages` while they are written (keys unique within the channel).
struct ChannelMessages {
    map: Map<String, Value>,
    keys: HashSet<String>,
}

/// A 2.x operation of a channel once its messages are written: `publish` or `subscribe`,
/// where it is, the operation object and its messages.
pub(super) struct SourceOperation {
    pub(super) which: &'static str,
    pub(super) at: String,
    pub(super) op: Map<String, Value>,
    pub(super) entries: Vec<Entry>,
}

impl Converter {
    /// Channels and operations.
    pub(super) fn channels(
        &mut self,
        root: &Map<String, Value>,
        components: &mut Map<String, Value>,
    ) -> (Map<String, Value>, Map<String, Value>) {
        let mut channels = Map::new();
        let mut operations = Map::new();
        let mut shared = Shared {
            channel_ids: HashSet::new(),
            operation_ids: HashSet::new(),
            component_messages: components
                .get("messages")
                .and_then(Value::as_object)
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default(),
            ack_messages: HashMap::new(),
            components,
        };
        let Some(Value::Object(src)) = root.get("channels") else {
            return (channels, operations);
        };
        for (address, channel) in src {
            let at = child("/channels", address);
            let Some(ch) = channel.as_object() else {
                continue;
            };
            let id = unique(&ident(address), &mut shared.channel_ids);
            let mut out = Map::new();
            out.insert("address".into(), address.clone().into());
            self.channel_fields(ch, &at, &mut out);
            let mut messages = ChannelMessages {
                map: Map::new(),
                keys: HashSet::new(),
            };
            let mut ops = Vec::new();
            for which in ["publish", "subscribe"] {
                let Some(op) = ch.get(which).and_then(Value::as_object) else {
                    continue;
                };
                let op_at = child(&at, which);
                let entries = self.operation_messages(op, &op_at, &mut messages, &mut shared);
                ops.push(SourceOperation {
                    which,
                    at: op_at,
                    op: op.clone(),
                    entries,
                });
            }
            self.operations(
                ch,
                &at,
                &id,
                ops,
                &mut shared.operation_ids,
                &mut operations,
            );
            if !messages.map.is_empty() {
                out.insert("messages".into(), Value::Object(messages.map));
            }
            channels.insert(id, Value::Object(out));
        }
        (channels, operations)
    }

    /// The channel's own fields (all but its operations) into `out`.
    fn channel_fields(&mut self, ch: &Map<String, Value>, at: &str, out: &mut Map<String, Value>) {
        for (k, v) in ch {
            match k.as_str() {
                "publish" | "subscribe" => {}
                "description" => {
                    out.insert(k.clone(), v.clone());
                }
                "bindings" => {
                    let b = self.bindings(v, "channel", &child(at, k));
                    out.insert(k.clone(), b);
                }
                "parameters" => {
                    let mut params = Map::new();
                    if let Some(map) = v.as_object() {
                        for (name, p) in map {
                            let pat = child(&child(at, "parameters"), name);
                            params.insert(name.clone(), self.parameter(p, &pat));
                        }
                    }
                    out.insert(k.clone(), Value::Object(params));
                }
                "servers" => {
                    let list: Vec<Value> = v
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(|s| ref_to(&child("/servers", s)))
                        .collect();
                    out.insert(k.clone(), Value::Array(list));
                }
                x if x.starts_with("x-") => {
                    out.insert(k.clone(), v.clone());
                }
                other => self.note(
                    &child(at, other),
                    format!("channel field '{other}' has no place in AsyncAPI 3.x: left out"),
                ),
            }
        }
    }

    /// The messages of the 2.x operation `op` (one, or a `oneOf` list) written into the
    /// channel's `messages`, each with its reply message when it has an `x-ack`.
    fn operation_messages(
        &mut self,
        op: &Map<String, Value>,
        op_at: &str,
        messages: &mut ChannelMessages,
        shared: &mut Shared<'_>,
    ) -> Vec<Entry> {
        let list: Vec<(Value, String)> = match op.get("message") {
            Some(m) => match m.get("oneOf").and_then(Value::as_array) {
                Some(list) => list
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (m.clone(), format!("{op_at}/message/oneOf/{i}")))
                    .collect(),
                None => vec![(m.clone(), child(op_at, "message"))],
            },
            None => Vec::new(),
        };
        let mut entries = Vec::new();
        for (m, mat) in list {
            let component = m
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/messages/"))
                .map(|n| n.replace("~1", "/").replace("~0", "~"));
            let resolved = self.deref(&m).clone();
            let ack = resolved.get("x-ack").cloned();
            let base = match &component {
                Some(name) => ident(name),
                None => ident(
                    resolved
                        .get("messageId")
                        .or_else(|| resolved.get("name"))
                        .and_then(Value::as_str)
                        .unwrap_or("message"),
                ),
            };
            // The same component twice in one channel is one channel message.
            let key = match &component {
                Some(name)
                    if messages.map.get(&base).and_then(|v| v.get("$ref"))
                        == Some(&json!(format!(
                            "#/components/messages/{}",
                            escape_pointer(name)
                        ))) =>
                {
                    base.clone()
                }
                _ => unique(&base, &mut messages.keys),
            };
            let value = match &component {
                Some(name) => json!({
                    "$ref": format!("#/components/messages/{}", escape_pointer(name))
                }),
                None => self.message(&m, &mat, true),
            };
            messages.map.insert(key.clone(), value);
            // Messages of one 2.x operation with the same ack share one reply message.
            let earlier = entries
                .iter()
                .find(|(_, a, _): &&Entry| a.is_some() && *a == ack)
                .and_then(|(_, _, r)| r.clone());
            let reply = match &ack {
                None => None,
                Some(_) if earlier.is_some() => earlier,
                Some(ack) => Some(self.reply_message(
                    ack,
                    &key,
                    component.as_deref(),
                    &mat,
                    messages,
                    shared,
                )),
            };
            entries.push((key, ack, reply));
        }
        entries
    }

    /// The reply message of the message `key` (written at `at`; a `$ref` to the components
    /// message `component`, if any) whose `x-ack` is `ack`: a channel message whose payload is
    /// the ack schema, or, for a components message, a `$ref` to a reply message added to
    /// `components/messages` once. Returns its key in the channel's `messages`.
    fn reply_message(
        &mut self,
        ack: &Value,
        key: &str,
        component: Option<&str>,
        at: &str,
        messages: &mut ChannelMessages,
        shared: &mut Shared<'_>,
    ) -> String {
        let payload = match ack.get("args") {
            Some(args) => args.clone(),
            None => ack.clone(),
        };
        let mut reply = Map::new();
        reply.insert("payload".into(), payload);
        if let Some(a) = ack.as_object().filter(|a| a.contains_key("args")) {
            for (k, v) in a {
                match k.as_str() {
                    "args" => {}
                    "summary" | "description" | "title" => {
                        reply.insert(k.clone(), v.clone());
                    }
                    x if x.starts_with("x-") => {
                        reply.insert(k.clone(), v.clone());
                    }
                    other => self.note(
                        &child(&child(at, "x-ack"), other),
                        format!(
                            "x-ack field '{other}' has no place in a 3.x reply message: left out"
                        ),
                    ),
                }
            }
        }
        let reply_key = unique(&format!("{key}Ack"), &mut messages.keys);
        match component {
            Some(name) => {
                let comp = match shared.ack_messages.get(name) {
                    Some(c) => c.clone(),
                    None => {
                        let c = unique(
                            &format!("{}Ack", ident(name)),
                            &mut shared.component_messages,
                        );
                        let section = shared
                            .components
                            .entry("messages")
                            .or_insert_with(|| json!({}));
                        if let Some(s) = section.as_object_mut() {
                            s.insert(c.clone(), Value::Object(reply));
                            if let Some(Value::Object(orig)) = s.get_mut(name) {
                                orig.remove("x-ack");
                            }
                        }
                        shared.ack_messages.insert(name.to_owned(), c.clone());
                        c
                    }
                };
                messages.map.insert(
                    reply_key.clone(),
                    ref_to(&child("/components/messages", &comp)),
                );
            }
            None => {
                messages.map.insert(reply_key.clone(), Value::Object(reply));
            }
        }
        reply_key
    }
}
