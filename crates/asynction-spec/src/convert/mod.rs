//! Conversion of an AsyncAPI 2.x document into an AsyncAPI 3.0 or 3.1 document with the same
//! API, and of a 3.0 document into 3.1 (a version bump: 3.1 extends 3.0).
//!
//! - Each channel becomes a channel whose `address` is the 2.x key; its id is the key made
//!   readable (`/user` → `user`, `/` → `root`, `/game/{id}` → `game_id`).
//! - The 2.x operations are written from the client's point of view: `publish` (a client sends)
//!   becomes a `receive` operation of the server, `subscribe` a `send` operation. Messages move
//!   into the channel's `messages` and operations reference them.
//! - A message's `x-ack` becomes the operation's `reply` (a reply message whose payload is the
//!   ack schema); messages of one 2.x operation with different acks get one operation each.
//! - `x-handler`, `x-handlers`, `x-security` and every other `x-` extension are carried over;
//!   channel `bindings` (the handshake's `bindings.ws`) stay on the channel. Server security
//!   becomes a list of scheme `$ref`s (required scopes beside the `$ref`), and channel
//!   `x-security` is also written as the 3.x operation `security` when 3.x can say it.
//! - Server `url` becomes `host` and `pathname`; oauth2 `scopes` become `availableScopes`;
//!   `messageId` becomes the message's key; message `examples` become example objects.
//! - Whatever 3.x cannot express is reported as a note (a [`Diagnostic`] with the position of
//!   the node in the source); a server security requirement that needs several schemes at once
//!   cannot be written at all and fails the conversion (dropping it would open the server).
//!
//! Files the document `$ref`s are bundled first (see [`crate::bundle()`]), so the result is one
//! self-contained document.
//!
//! | file | converts |
//! |---|---|
//! | `mod.rs` | the entry point, the document's top level, `$ref`s into what moves, notes |
//! | `servers.rs` | servers, security requirements and schemes |
//! | `channels.rs` | channels, their messages and the reply messages of `x-ack`s |
//! | `operations.rs` | operations (action, messages, reply, security) |
//! | `messages.rs` | messages and their examples |
//! | `components.rs` | `components` sections, operation traits, channel parameters |
//! | `bindings.rs` | bindings objects (migrated to the binding versions 3.x reads) |
//! | `upgrade.rs` | 3.x sources: 3.0 → 3.1, or why there is nothing to convert |

mod bindings;
mod channels;
mod components;
mod messages;
mod operations;
mod servers;
mod upgrade;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use crate::Document;
use crate::bundle::bundle_value;
use crate::error::{Diagnostic, Location, SpecError};
use crate::refs::lookup;
use crate::source::{SourceFile, escape_pointer};

/// The AsyncAPI version [`convert`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TargetVersion {
    /// `asyncapi: 3.0.0`.
    V3_0,
    /// `asyncapi: 3.1.0` (written like 3.0, which 3.1 extends).
    V3_1,
}

impl TargetVersion {
    /// The `asyncapi` field of the result.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetVersion::V3_0 => "3.0.0",
            TargetVersion::V3_1 => "3.1.0",
        }
    }
}

impl std::str::FromStr for TargetVersion {
    type Err = String;

    /// `3.0`, `3.0.0`, `3.1` or `3.1.0`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "3.0" | "3.0.0" => Ok(TargetVersion::V3_0),
            "3.1" | "3.1.0" => Ok(TargetVersion::V3_1),
            other => Err(format!(
                "cannot convert to AsyncAPI '{other}': the targets are 3.0 and 3.1"
            )),
        }
    }
}

/// The result of [`convert`]: the new document and what could not be carried over.
#[derive(Debug, Clone)]
pub struct Conversion {
    /// The 3.x document.
    pub value: Value,
    /// One note per thing 3.x cannot say (located in the source document); empty when the
    /// conversion lost nothing.
    pub notes: Vec<Diagnostic>,
}

/// Converts the AsyncAPI 2.x document at `path` into AsyncAPI `to` (see the module docs for the
/// mapping), or a 3.0 document into 3.1 (the same document, bundled, with `asyncapi: 3.1.0`,
/// loaded again as 3.1). The source must load (it is checked first, with the same diagnostics
/// as [`Document::from_path`]); a source already at `to`, or newer, is refused with a
/// diagnostic at its `asyncapi` field saying there is nothing to convert.
///
/// ```no_run
/// use asynction_spec::{TargetVersion, convert, to_yaml};
///
/// let converted = convert("examples/user_accounts/asyncapi.yaml", TargetVersion::V3_0)?;
/// for note in &converted.notes {
///     eprintln!("{note}");
/// }
/// std::fs::write("asyncapi-3.0.yaml", to_yaml(&converted.value)).unwrap();
/// # Ok::<(), asynction_spec::SpecError>(())
/// ```
pub fn convert(path: impl AsRef<Path>, to: TargetVersion) -> Result<Conversion, SpecError> {
    let path = path.as_ref();
    let fail = |pointer: &str, message: String, source: Option<&SourceFile>| {
        SpecError::new(vec![match source {
            Some(s) => s.diagnostic(pointer, message),
            None => Diagnostic {
                severity: crate::Severity::Error,
                rule: crate::rules::READ,
                location: Location {
                    file: path.to_path_buf(),
                    line: None,
                    column: None,
                },
                pointer: pointer.to_owned(),
                message,
            },
        }])
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| fail("", format!("cannot read the document: {e}"), None))?;
    let source = Arc::new(SourceFile::new(path.to_path_buf(), text));
    let root = source.parse().map_err(|d| SpecError::new(vec![d]))?;
    if let Some(v) = root.get("asyncapi").and_then(Value::as_str)
        && v.starts_with("3.")
    {
        let v = v.to_owned();
        return upgrade::upgrade(path, source, root, &v, to);
    }
    // The source must be a valid document: converting a broken one would only move the errors.
    Document::from_path(path)?;
    let bundled = bundle_value(source.clone(), root)?;
    let mut c = Converter {
        source,
        notes: Vec::new(),
        errors: Vec::new(),
        root: bundled.clone(),
    };
    c.root = c.inline_foreign_refs(&bundled, "", 0);
    let value = c.document(to);
    if !c.errors.is_empty() {
        return Err(SpecError::new(c.errors));
    }
    Ok(Conversion {
        value,
        notes: c.notes,
    })
}

/// One message of a 2.x operation: its channel message key, its `x-ack` and the channel
/// message key of its reply.
type Entry = (String, Option<Value>, Option<String>);

struct Converter {
    source: Arc<SourceFile>,
    notes: Vec<Diagnostic>,
    errors: Vec<Diagnostic>,
    /// The bundled 2.x document, `$ref`s into anything but `components` inlined.
    root: Value,
}

/// The JSON pointer `at/key`.
fn child(at: &str, key: &str) -> String {
    format!("{at}/{}", escape_pointer(key))
}

fn ref_to(pointer: &str) -> Value {
    json!({ "$ref": format!("#{pointer}") })
}

/// A name usable as a component or channel id: runs of other characters become one `_`.
fn ident(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    if out.is_empty() {
        "root".to_owned()
    } else {
        out
    }
}

/// `base`, or `base_2`, `base_3`… whichever is not in `taken`; the result is added to `taken`.
fn unique(base: &str, taken: &mut HashSet<String>) -> String {
    let mut name = base.to_owned();
    let mut n = 1;
    while taken.contains(&name) {
        n += 1;
        name = format!("{base}_{n}");
    }
    taken.insert(name.clone());
    name
}

impl Converter {
    fn note(&mut self, pointer: &str, message: impl Into<String>) {
        let d = self.source.diagnostic(pointer, message);
        self.notes.push(d);
    }

    fn error(&mut self, pointer: &str, message: impl Into<String>) {
        let d = self.source.diagnostic(pointer, message);
        self.errors.push(d);
    }

    /// Inlines local `$ref`s that point outside `components` (their targets move in 3.x) and
    /// into `components/channels` (3.x channels differ from 2.x ones).
    fn inline_foreign_refs(&mut self, node: &Value, at: &str, depth: usize) -> Value {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref")
                    && let Some(pointer) = r.strip_prefix('#')
                    && (!pointer.starts_with("/components/")
                        || pointer.starts_with("/components/channels/"))
                {
                    if depth > 64 {
                        self.error(at, format!("$ref '{r}' loops"));
                        return Value::Null;
                    }
                    let Some(target) = lookup(&self.root, pointer).cloned() else {
                        return node.clone();
                    };
                    let mut out = self.inline_foreign_refs(&target, at, depth + 1);
                    if let Value::Object(obj) = &mut out {
                        for (k, v) in map {
                            if k != "$ref" {
                                let walked = self.inline_foreign_refs(v, &child(at, k), depth);
                                obj.insert(k.clone(), walked);
                            }
                        }
                    }
                    return out;
                }
                Value::Object(
                    map.iter()
                        .map(|(k, v)| {
                            (k.clone(), self.inline_foreign_refs(v, &child(at, k), depth))
                        })
                        .collect(),
                )
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.inline_foreign_refs(v, &format!("{at}/{i}"), depth))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// Follows `$ref`s to `#/components/…` from `node` (at most 16 hops).
    fn deref<'a>(&'a self, mut node: &'a Value) -> &'a Value {
        for _ in 0..16 {
            match node
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| lookup(&self.root, p))
            {
                Some(target) => node = target,
                None => break,
            }
        }
        node
    }

    fn document(&mut self, to: TargetVersion) -> Value {
        let root = self.root.as_object().cloned().unwrap_or_default();
        let mut out = Map::new();
        out.insert("asyncapi".into(), Value::String(to.as_str().to_owned()));
        if let Some(id) = root.get("id") {
            out.insert("id".into(), id.clone());
        }
        let mut info = root
            .get("info")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for key in ["tags", "externalDocs"] {
            if let Some(v) = root.get(key) {
                info.insert(key.into(), v.clone());
            }
        }
        out.insert("info".into(), Value::Object(info));
        if let Some(Value::Object(servers)) = root.get("servers") {
            let mut converted = Map::new();
            for (name, server) in servers {
                let at = child("/servers", name);
                converted.insert(name.clone(), self.server(server, &at));
            }
            out.insert("servers".into(), Value::Object(converted));
        }
        if let Some(v) = root.get("defaultContentType") {
            out.insert("defaultContentType".into(), v.clone());
        }
        let mut components = self.components(&root);
        let (channels, operations) = self.channels(&root, &mut components);
        out.insert("channels".into(), Value::Object(channels));
        if !operations.is_empty() {
            out.insert("operations".into(), Value::Object(operations));
        }
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        for (k, v) in &root {
            match k.as_str() {
                "asyncapi" | "id" | "info" | "tags" | "externalDocs" | "servers"
                | "defaultContentType" | "channels" | "components" => {}
                x if x.starts_with("x-") => {
                    out.insert(k.clone(), v.clone());
                }
                other => self.note(
                    &child("", other),
                    format!("'{other}' has no place in an AsyncAPI 3.x document: left out"),
                ),
            }
        }
        out.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert_text(text: &str) -> Conversion {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.yaml");
        std::fs::write(&path, text).unwrap();
        convert(&path, TargetVersion::V3_0).unwrap()
    }

    #[test]
    fn channel_ids_are_readable_and_unique() {
        assert_eq!(ident("/user"), "user");
        assert_eq!(ident("/"), "root");
        assert_eq!(ident("/game/{gameId}"), "game_gameId");
        let mut taken = HashSet::new();
        assert_eq!(unique("a", &mut taken), "a");
        assert_eq!(unique("a", &mut taken), "a_2");
        assert_eq!(unique("a", &mut taken), "a_3");
    }

    #[test]
    fn publish_with_acks_becomes_receive_operations_with_replies() {
        let c = convert_text(
            "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nchannels:\n  /chat:\n    publish:\n      operationId: chat\n      message:\n        oneOf:\n          - {name: hi, x-handler: h.hi, payload: {type: string}, x-ack: {args: {type: boolean}}}\n          - {name: bye, payload: {type: string}}\n    subscribe:\n      message: {name: news, payload: {type: string}}\n",
        );
        assert!(c.notes.is_empty(), "{:?}", c.notes);
        let v = &c.value;
        assert_eq!(v["channels"]["chat"]["address"], "/chat");
        assert_eq!(v["operations"]["chat_hi"]["action"], "receive");
        assert_eq!(
            v["operations"]["chat_hi"]["reply"],
            json!({"messages": [{"$ref": "#/channels/chat/messages/hiAck"}]})
        );
        assert_eq!(
            v["channels"]["chat"]["messages"]["hiAck"],
            json!({"payload": {"type": "boolean"}})
        );
        assert_eq!(v["channels"]["chat"]["messages"]["hi"]["x-handler"], "h.hi");
        assert!(
            v["channels"]["chat"]["messages"]["hi"]
                .get("x-ack")
                .is_none()
        );
        assert_eq!(v["operations"]["chat_bye"].get("reply"), None);
        assert_eq!(v["operations"]["send_chat"]["action"], "send");
    }

    #[test]
    fn messages_sharing_an_ack_share_one_operation_and_one_reply() {
        let c = convert_text(
            "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nchannels:\n  /:\n    publish:\n      message:\n        oneOf:\n          - {name: a, x-ack: {args: {type: integer}}}\n          - {name: b, x-ack: {args: {type: integer}}}\n",
        );
        let v = &c.value;
        let op = &v["operations"]["receive_root"];
        assert_eq!(op["messages"].as_array().unwrap().len(), 2);
        assert_eq!(
            op["reply"]["messages"][0],
            json!({"$ref": "#/channels/root/messages/aAck"})
        );
        let keys: Vec<&String> = v["channels"]["root"]["messages"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(keys, ["a", "aAck", "b"]);
    }

    #[test]
    fn security_becomes_scheme_refs_and_an_and_requirement_is_a_note() {
        let c = convert_text(
            "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nservers:\n  s: {url: 'ws://h:1/api/socket.io', protocol: ws, security: [{o: [read]}]}\nchannels:\n  /a:\n    x-security: [{k: [], o: []}]\n    publish: {message: {payload: {type: string}}}\ncomponents:\n  securitySchemes:\n    k: {type: httpApiKey, in: query, name: k}\n    o: {type: oauth2, flows: {clientCredentials: {tokenUrl: 'https://x/t', scopes: {read: r}}}}\n",
        );
        let v = &c.value;
        assert_eq!(v["servers"]["s"]["host"], "h:1");
        assert_eq!(v["servers"]["s"]["pathname"], "/api/socket.io");
        assert_eq!(
            v["servers"]["s"]["security"],
            json!([{"$ref": "#/components/securitySchemes/o", "scopes": ["read"]}])
        );
        assert_eq!(
            v["components"]["securitySchemes"]["o"]["flows"]["clientCredentials"]["availableScopes"],
            json!({"read": "r"})
        );
        assert_eq!(
            v["channels"]["a"]["x-security"],
            json!([{"k": [], "o": []}])
        );
        assert_eq!(v["channels"]["a"]["messages"]["message"]["name"], "message");
        assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
        assert!(
            c.notes[0]
                .message
                .contains("needs 2 schemes at once (k and o)")
        );
        assert_eq!(c.notes[0].location.line, Some(7));
    }
}
