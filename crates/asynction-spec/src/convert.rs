//! Conversion of an AsyncAPI 2.x document into an AsyncAPI 3.0 or 3.1 document with the same
//! API.
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

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::bundle::bundle_value;
use super::error::{Diagnostic, Location, SpecError};
use super::refs::lookup;
use super::source::{SourceFile, escape_pointer};
use crate::Document;

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
/// mapping). The source must load (it is checked first, with the same diagnostics as
/// [`Document::from_path`]); a 3.x source is refused.
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
        return Err(fail(
            "/asyncapi",
            format!(
                "the document is already AsyncAPI {v}: convert reads AsyncAPI 2.x documents (to {})",
                to.as_str()
            ),
            Some(&source),
        ));
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

    /// A 2.x server (or a `$ref` to one in `components/servers`, kept).
    fn server(&mut self, server: &Value, at: &str) -> Value {
        let Some(obj) = server.as_object() else {
            return server.clone();
        };
        if obj.contains_key("$ref") {
            return server.clone();
        }
        let mut out = Map::new();
        for (k, v) in obj {
            match k.as_str() {
                "url" => {
                    let url = v.as_str().unwrap_or_default();
                    let (scheme, rest) = match url.split_once("://") {
                        Some((s, r)) => (Some(s), r),
                        None => (None, url),
                    };
                    if let (Some(scheme), Some(protocol)) =
                        (scheme, obj.get("protocol").and_then(Value::as_str))
                        && scheme != protocol
                    {
                        self.note(
                            &child(at, "url"),
                            format!("the url's scheme '{scheme}' differs from the protocol '{protocol}': 3.x servers have only the protocol"),
                        );
                    }
                    let (host, pathname) = match rest.find('/') {
                        Some(i) => (&rest[..i], &rest[i..]),
                        None => (rest, ""),
                    };
                    out.insert("host".into(), host.into());
                    if !pathname.is_empty() && pathname != "/" {
                        out.insert("pathname".into(), pathname.into());
                    }
                }
                "security" => {
                    let list = v.as_array().cloned().unwrap_or_default();
                    match self.security_list(&list, &child(at, "security")) {
                        Ok(list) => {
                            out.insert("security".into(), Value::Array(list));
                        }
                        Err(message) => self.error(&child(at, "security"), message),
                    }
                }
                "bindings" => {
                    let b = self.bindings(v, "server", &child(at, k));
                    out.insert(k.clone(), b);
                }
                "protocol" | "protocolVersion" | "description" | "variables" | "tags" => {
                    out.insert(k.clone(), v.clone());
                }
                x if x.starts_with("x-") => {
                    out.insert(k.clone(), v.clone());
                }
                other => self.note(
                    &child(at, other),
                    format!("server field '{other}' has no place in AsyncAPI 3.x: left out"),
                ),
            }
        }
        Value::Object(out)
    }

    /// A 2.x security requirement list as a 3.x list of scheme `$ref`s (with the required
    /// scopes beside each `$ref`), or why it cannot be one.
    fn security_list(&self, list: &[Value], at: &str) -> Result<Vec<Value>, String> {
        let mut out = Vec::new();
        for (i, req) in list.iter().enumerate() {
            let Some(req) = req.as_object() else {
                continue;
            };
            if req.len() != 1 {
                let names: Vec<&str> = req.keys().map(String::as_str).collect();
                return Err(format!(
                    "security requirement {at}/{i} needs {} at once ({}); AsyncAPI 3.x lists alternatives of one scheme each, so it cannot be written",
                    if names.is_empty() {
                        "no scheme".to_owned()
                    } else {
                        format!("{} schemes", names.len())
                    },
                    names.join(" and ")
                ));
            }
            let (name, scopes) = req.iter().next().expect("one entry");
            let mut item = Map::new();
            item.insert(
                "$ref".into(),
                format!(
                    "#/components/securitySchemes/{}",
                    escape_pointer(name).replace('%', "%25")
                )
                .into(),
            );
            if scopes.as_array().is_some_and(|s| !s.is_empty()) {
                item.insert("scopes".into(), scopes.clone());
            }
            out.push(Value::Object(item));
        }
        Ok(out)
    }

    fn components(&mut self, root: &Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        let Some(Value::Object(components)) = root.get("components") else {
            return out;
        };
        for (section, entries) in components {
            let at = child("/components", section);
            let Some(map) = entries.as_object() else {
                continue;
            };
            let mut converted = Map::new();
            for (name, v) in map {
                let eat = child(&at, name);
                let value = match section.as_str() {
                    "messages" => self.message(v, &eat, false),
                    "securitySchemes" => self.security_scheme(v),
                    "parameters" => self.parameter(v, &eat),
                    "servers" => self.server(v, &eat),
                    "operationTraits" => self.operation_trait(v, &eat),
                    "serverBindings" => self.bindings(v, "server", &eat),
                    "channelBindings" => self.bindings(v, "channel", &eat),
                    "operationBindings" => self.bindings(v, "operation", &eat),
                    "messageBindings" => self.bindings(v, "message", &eat),
                    "messageTraits" => self.with_bindings(v, "message", &eat),
                    "schemas" | "serverVariables" | "correlationIds" => v.clone(),
                    "channels" => {
                        self.note(
                            &eat,
                            "2.x channel components are written where they are used (3.x channels have another shape); this one is left out of components",
                        );
                        continue;
                    }
                    _ if section.starts_with("x-") => v.clone(),
                    other => {
                        self.note(
                            &eat,
                            format!("components section '{other}' has no place in AsyncAPI 3.x: left out"),
                        );
                        continue;
                    }
                };
                converted.insert(name.clone(), value);
            }
            if section.starts_with("x-") {
                out.insert(section.clone(), entries.clone());
            } else if !converted.is_empty() {
                out.insert(section.clone(), Value::Object(converted));
            }
        }
        out
    }

    fn security_scheme(&mut self, v: &Value) -> Value {
        let mut out = v.clone();
        if let Some(Value::Object(flows)) = out.get_mut("flows") {
            for flow in flows.values_mut() {
                if let Some(flow) = flow.as_object_mut()
                    && let Some(scopes) = flow.remove("scopes")
                {
                    flow.insert("availableScopes".into(), scopes);
                }
            }
        }
        out
    }

    /// `v` with its `bindings` (of `kind`) migrated.
    fn with_bindings(&mut self, v: &Value, kind: &str, at: &str) -> Value {
        let mut out = v.clone();
        if let Some(b) = v.get("bindings") {
            let migrated = self.bindings(b, kind, &child(at, "bindings"));
            out["bindings"] = migrated;
        }
        out
    }

    fn operation_trait(&mut self, v: &Value, at: &str) -> Value {
        let mut out = self.with_bindings(v, "operation", at);
        if let Some(obj) = out.as_object_mut() {
            obj.remove("operationId");
            if let Some(Value::Array(list)) = obj.get("security").cloned() {
                match self.security_list(&list, &child(at, "security")) {
                    Ok(list) => {
                        obj.insert("security".into(), Value::Array(list));
                    }
                    Err(message) => {
                        obj.remove("security");
                        self.note(&child(at, "security"), format!("{message}: left out"));
                    }
                }
            }
        }
        out
    }

    /// A 2.x channel parameter (a schema) as a 3.x parameter (a string with enum/default).
    fn parameter(&mut self, v: &Value, at: &str) -> Value {
        let Some(obj) = v.as_object() else {
            return v.clone();
        };
        if obj.contains_key("$ref") {
            return v.clone();
        }
        let mut out = Map::new();
        for (k, val) in obj {
            match k.as_str() {
                "description" | "location" => {
                    out.insert(k.clone(), val.clone());
                }
                "schema" => {
                    let schema = self.deref(val).clone();
                    if let Some(s) = schema.as_object() {
                        for (sk, sv) in s {
                            match sk.as_str() {
                                "enum" | "default" | "examples" => {
                                    out.insert(sk.clone(), sv.clone());
                                }
                                "description" if !obj.contains_key("description") => {
                                    out.insert(sk.clone(), sv.clone());
                                }
                                "type" if sv == "string" => {}
                                "description" => {}
                                other => self.note(
                                    &child(at, "schema"),
                                    format!("parameter schema keyword '{other}' cannot be expressed: a 3.x parameter is a string with enum, default and examples"),
                                ),
                            }
                        }
                    }
                }
                x if x.starts_with("x-") => {
                    out.insert(k.clone(), val.clone());
                }
                other => self.note(
                    &child(at, other),
                    format!("parameter field '{other}' has no place in AsyncAPI 3.x: left out"),
                ),
            }
        }
        Value::Object(out)
    }

    /// A 2.x message as a 3.x message; `drop_ack`: its `x-ack` became an operation reply.
    fn message(&mut self, v: &Value, at: &str, drop_ack: bool) -> Value {
        let Some(obj) = v.as_object() else {
            return v.clone();
        };
        if obj.contains_key("$ref") {
            return v.clone();
        }
        let mut out = Map::new();
        if !obj.contains_key("name") {
            // asynction knows an unnamed 2.x message as `message`; 3.x would use its key.
            out.insert("name".into(), "message".into());
        }
        let format = obj
            .get("schemaFormat")
            .and_then(Value::as_str)
            .filter(|f| !f.starts_with("application/vnd.aai.asyncapi"));
        for (k, val) in obj {
            match k.as_str() {
                "messageId" | "schemaFormat" => {}
                "x-ack" if drop_ack => {}
                "payload" => {
                    let payload = match format {
                        Some(f) => json!({ "schemaFormat": f, "schema": val }),
                        None => val.clone(),
                    };
                    out.insert(k.clone(), payload);
                }
                "examples" => {
                    let list = self.examples(val, &child(at, "examples"));
                    if !list.is_empty() {
                        out.insert(k.clone(), Value::Array(list));
                    }
                }
                "headers" | "correlationId" | "contentType" | "name" | "title" | "summary"
                | "description" | "tags" | "externalDocs" | "traits" => {
                    out.insert(k.clone(), val.clone());
                }
                "bindings" => {
                    let b = self.bindings(val, "message", &child(at, k));
                    out.insert(k.clone(), b);
                }
                x if x.starts_with("x-") => {
                    out.insert(k.clone(), val.clone());
                }
                other => self.note(
                    &child(at, other),
                    format!("message field '{other}' has no place in AsyncAPI 3.x: left out"),
                ),
            }
        }
        Value::Object(out)
    }

    /// A 2.x bindings object (`kind`: server, channel, operation or message) as 3.x accepts
    /// it: 3.x validates bindings against their latest versions, so the shapes the versions
    /// 2.x documents were written for have changed are migrated (a note says so), and a `$ref`
    /// at the protocol level (not allowed by 3.x) is inlined.
    fn bindings(&mut self, v: &Value, kind: &str, at: &str) -> Value {
        let Some(obj) = v.as_object() else {
            return v.clone();
        };
        if obj.contains_key("$ref") {
            return v.clone();
        }
        let mut out = Map::new();
        for (protocol, binding) in obj {
            let bat = child(at, protocol);
            let mut binding = binding.clone();
            if let Some(target) = binding
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
                .and_then(|p| lookup(&self.root, p))
            {
                // A bindings object where one binding belongs: its binding for this protocol.
                binding = target.get(protocol).unwrap_or(target).clone();
            }
            if let Some(b) = binding.as_object_mut()
                && !b.contains_key("bindingVersion")
            {
                let mut dropped = Vec::new();
                match (protocol.as_str(), kind) {
                    ("http", "operation") => {
                        for key in ["type", "headers"] {
                            if b.remove(key).is_some() {
                                dropped.push(key);
                            }
                        }
                    }
                    ("amqp", "message") if b.remove("replyTo").is_some() => {
                        dropped.push("replyTo");
                    }
                    ("kafka", "operation") => {
                        for key in ["clientId", "groupId"] {
                            if let Some(Value::String(id)) = b.get(key).cloned() {
                                b.insert(key.into(), json!({ "type": "string", "enum": [id] }));
                                self.note(
                                    &child(&bat, key),
                                    format!("kafka binding '{key}' is a schema in the binding version 3.x reads: written as {{type: string, enum: [{id}]}}"),
                                );
                            }
                        }
                    }
                    _ => {}
                }
                for key in dropped {
                    self.note(
                        &child(&bat, key),
                        format!("{protocol} {kind} binding field '{key}' does not exist in the binding version 3.x reads: left out"),
                    );
                }
            }
            out.insert(protocol.clone(), binding);
        }
        Value::Object(out)
    }

    fn examples(&mut self, v: &Value, at: &str) -> Vec<Value> {
        let Some(list) = v.as_array() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, ex) in list.iter().enumerate() {
            let eat = format!("{at}/{i}");
            match ex {
                Value::Object(o) if o.contains_key("payload") || o.contains_key("headers") => {
                    let mut kept = Map::new();
                    for (k, val) in o {
                        if matches!(k.as_str(), "name" | "summary" | "headers" | "payload")
                            || k.starts_with("x-")
                        {
                            kept.insert(k.clone(), val.clone());
                        } else {
                            self.note(
                                &child(&eat, k),
                                format!("example field '{k}' has no place in AsyncAPI 3.x: left out"),
                            );
                        }
                    }
                    out.push(Value::Object(kept));
                }
                Value::Object(_) => self.note(
                    &eat,
                    "an example without payload or headers cannot be written in AsyncAPI 3.x: left out",
                ),
                // 2.0 allowed a bare payload as an example.
                other => out.push(json!({ "payload": other })),
            }
        }
        out
    }

    /// Channels and operations.
    fn channels(
        &mut self,
        root: &Map<String, Value>,
        components: &mut Map<String, Value>,
    ) -> (Map<String, Value>, Map<String, Value>) {
        let mut channels = Map::new();
        let mut operations = Map::new();
        let mut channel_ids = HashSet::new();
        let mut operation_ids = HashSet::new();
        // Components messages whose x-ack became a reply, and their reply message names.
        let mut ack_messages: HashMap<String, String> = HashMap::new();
        let mut component_names: HashSet<String> = components
            .get("messages")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let Some(Value::Object(src)) = root.get("channels") else {
            return (channels, operations);
        };
        for (address, channel) in src {
            let at = child("/channels", address);
            let Some(ch) = channel.as_object() else {
                continue;
            };
            let id = unique(&ident(address), &mut channel_ids);
            let mut out = Map::new();
            out.insert("address".into(), address.clone().into());
            let mut messages = Map::new();
            let mut message_keys = HashSet::new();
            // 2.x operation → (action, id base, op object, [(key, ack)]).
            let mut ops = Vec::new();
            for (k, v) in ch {
                match k.as_str() {
                    "publish" | "subscribe" => {}
                    "description" => {
                        out.insert(k.clone(), v.clone());
                    }
                    "bindings" => {
                        let b = self.bindings(v, "channel", &child(&at, k));
                        out.insert(k.clone(), b);
                    }
                    "parameters" => {
                        let mut params = Map::new();
                        if let Some(map) = v.as_object() {
                            for (name, p) in map {
                                let pat = child(&child(&at, "parameters"), name);
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
                        &child(&at, other),
                        format!("channel field '{other}' has no place in AsyncAPI 3.x: left out"),
                    ),
                }
            }
            for which in ["publish", "subscribe"] {
                let Some(op) = ch.get(which).and_then(Value::as_object) else {
                    continue;
                };
                let op_at = child(&at, which);
                let list: Vec<(Value, String)> = match op.get("message") {
                    Some(m) => match m.get("oneOf").and_then(Value::as_array) {
                        Some(list) => list
                            .iter()
                            .enumerate()
                            .map(|(i, m)| (m.clone(), format!("{op_at}/message/oneOf/{i}")))
                            .collect(),
                        None => vec![(m.clone(), child(&op_at, "message"))],
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
                            if messages.get(&base).and_then(|v| v.get("$ref"))
                                == Some(&json!(format!(
                                    "#/components/messages/{}",
                                    escape_pointer(name)
                                ))) =>
                        {
                            base.clone()
                        }
                        _ => unique(&base, &mut message_keys),
                    };
                    let value = match &component {
                        Some(name) => json!({
                            "$ref": format!("#/components/messages/{}", escape_pointer(name))
                        }),
                        None => self.message(&m, &mat, true),
                    };
                    messages.insert(key.clone(), value);
                    // The ack's reply message.
                    // Messages of one 2.x operation with the same ack share one reply message.
                    let earlier = entries
                        .iter()
                        .find(|(_, a, _): &&Entry| a.is_some() && *a == ack)
                        .and_then(|(_, _, r)| r.clone());
                    let reply = match &ack {
                        None => None,
                        Some(_) if earlier.is_some() => earlier,
                        Some(ack) => {
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
                                            &child(&child(&mat, "x-ack"), other),
                                            format!("x-ack field '{other}' has no place in a 3.x reply message: left out"),
                                        ),
                                    }
                                }
                            }
                            let reply_key = unique(&format!("{key}Ack"), &mut message_keys);
                            match &component {
                                Some(name) => {
                                    let comp = match ack_messages.get(name) {
                                        Some(c) => c.clone(),
                                        None => {
                                            let c = unique(
                                                &format!("{}Ack", ident(name)),
                                                &mut component_names,
                                            );
                                            let section = components
                                                .entry("messages")
                                                .or_insert_with(|| json!({}));
                                            if let Some(s) = section.as_object_mut() {
                                                s.insert(c.clone(), Value::Object(reply));
                                                if let Some(Value::Object(orig)) = s.get_mut(name) {
                                                    orig.remove("x-ack");
                                                }
                                            }
                                            ack_messages.insert(name.clone(), c.clone());
                                            c
                                        }
                                    };
                                    messages.insert(
                                        reply_key.clone(),
                                        ref_to(&child("/components/messages", &comp)),
                                    );
                                }
                                None => {
                                    messages.insert(reply_key.clone(), Value::Object(reply));
                                }
                            }
                            Some(reply_key)
                        }
                    };
                    let entry: Entry = (key, ack, reply);
                    entries.push(entry);
                }
                ops.push((which, op_at, op.clone(), entries));
            }
            // Native 3.x security from x-security, when 3.x can say it.
            let native_security = match ch.get("x-security").and_then(Value::as_array) {
                Some(list) => match self.security_list(list, &child(&at, "x-security")) {
                    Ok(list) => Some(list),
                    Err(message) => {
                        if !ops.is_empty() {
                            self.note(
                                &child(&at, "x-security"),
                                format!("{message}; the operations carry no 3.x security (x-security, which asynction reads, is kept)"),
                            );
                        }
                        None
                    }
                },
                None => None,
            };
            let channel_ref = ref_to(&child("/channels", &id));
            for (which, op_at, op, entries) in ops {
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
                        unique(&base, &mut operation_ids)
                    } else {
                        unique(&format!("{base}_{}", group[0].0), &mut operation_ids)
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
                                format!("operation field '{other}' has no place in AsyncAPI 3.x: left out"),
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
                            ref_to(&child(&child(&child("/channels", &id), "messages"), key))
                        })
                        .collect();
                    o.insert("messages".into(), Value::Array(refs));
                    if let Some(reply_key) = &group[0].2 {
                        o.insert(
                            "reply".into(),
                            json!({ "messages": [ref_to(&child(
                                &child(&child("/channels", &id), "messages"),
                                reply_key
                            ))] }),
                        );
                    }
                    operations.insert(name, Value::Object(o));
                }
            }
            if !messages.is_empty() {
                out.insert("messages".into(), Value::Object(messages));
            }
            channels.insert(id, Value::Object(out));
        }
        (channels, operations)
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
