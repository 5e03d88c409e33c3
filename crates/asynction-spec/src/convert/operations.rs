//! Operations: a 2.x `publish` (a client sends) becomes a `receive` operation of the server,
//! a `subscribe` a `send` operation; messages with different acks get one operation each (3.x
//! has one reply per operation). Channel `x-security` is also written as each operation's 3.x
//! `security` when 3.x can say it.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::channels::SourceOperation;
use super::{Converter, Entry, child, ident, ref_to, unique};

impl Converter {
    /// The operations of the channel `ch` (at `at`, id `id`) into `operations`, from its 2.x
    /// operations `ops` whose messages are written.
    pub(super) fn operations(
        &mut self,
        ch: &Map<String, Value>,
        at: &str,
        id: &str,
        ops: Vec<SourceOperation>,
        operation_ids: &mut HashSet<String>,
        operations: &mut Map<String, Value>,
    ) {
        // Native 3.x security from x-security, when 3.x can say it.
        let native_security = match ch.get("x-security").and_then(Value::as_array) {
            Some(list) => match self.security_list(list, &child(at, "x-security")) {
                Ok(list) => Some(list),
                Err(message) => {
                    if !ops.is_empty() {
                        self.note(
                            &child(at, "x-security"),
                            format!("{message}; the operations carry no 3.x security (x-security, which asynction reads, is kept)"),
                        );
                    }
                    None
                }
            },
            None => None,
        };
        let channel_ref = ref_to(&child("/channels", id));
        for SourceOperation {
            which,
            at: op_at,
            op,
            entries,
        } in ops
        {
            let action = if which == "publish" {
                "receive"
            } else {
                "send"
            };
            let base = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(ident)
                .unwrap_or_else(|| format!("{action}_{id}"));
            // Messages with different acks need one operation each (one reply per operation).
            let same_ack = entries.windows(2).all(|w| w[0].1 == w[1].1);
            let groups: Vec<Vec<&Entry>> = if same_ack {
                vec![entries.iter().collect()]
            } else {
                entries.iter().map(|e| vec![e]).collect()
            };
            for group in groups.into_iter().filter(|g| !g.is_empty()) {
                let name = if same_ack {
                    unique(&base, operation_ids)
                } else {
                    unique(&format!("{base}_{}", group[0].0), operation_ids)
                };
                let mut o = Map::new();
                o.insert("action".into(), action.into());
                o.insert("channel".into(), channel_ref.clone());
                for (k, v) in &op {
                    match k.as_str() {
                        "message" | "operationId" => {}
                        "summary" | "description" | "tags" | "externalDocs" => {
                            o.insert(k.clone(), v.clone());
                        }
                        "bindings" => {
                            let b = self.bindings(v, "operation", &child(&op_at, k));
                            o.insert(k.clone(), b);
                        }
                        "traits" => {
                            o.insert(k.clone(), v.clone());
                        }
                        "security" => {
                            let list = v.as_array().cloned().unwrap_or_default();
                            match self.security_list(&list, &child(&op_at, "security")) {
                                Ok(list) => {
                                    if !ch.contains_key("x-security") {
                                        self.note(
                                            &child(&op_at, "security"),
                                            "asynction enforces operation security of 3.x documents (of 2.x documents only x-security): this namespace now requires it",
                                        );
                                    }
                                    o.insert(k.clone(), Value::Array(list));
                                }
                                Err(message) => self.note(
                                    &child(&op_at, "security"),
                                    format!("{message}: left out"),
                                ),
                            }
                        }
                        x if x.starts_with("x-") => {
                            o.insert(k.clone(), v.clone());
                        }
                        other => self.note(
                            &child(&op_at, other),
                            format!(
                                "operation field '{other}' has no place in AsyncAPI 3.x: left out"
                            ),
                        ),
                    }
                }
                if !o.contains_key("security")
                    && let Some(list) = &native_security
                {
                    o.insert("security".into(), Value::Array(list.clone()));
                }
                let refs: Vec<Value> = group
                    .iter()
                    .map(|(key, _, _)| {
                        ref_to(&child(&child(&child("/channels", id), "messages"), key))
                    })
                    .collect();
                o.insert("messages".into(), Value::Array(refs));
                if let Some(reply_key) = &group[0].2 {
                    o.insert(
                        "reply".into(),
                        json!({ "messages": [ref_to(&child(
                            &child(&child("/channels", id), "messages"),
                            reply_key
                        ))] }),
                    );
                }
                operations.insert(name, Value::Object(o));
            }
        }
    }
}
