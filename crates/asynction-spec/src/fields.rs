//! Typed reads of document fields that record a diagnostic instead of failing, so that one load
//! reports every problem of a document.

use serde_json::{Map, Value};

use super::error::Diagnostic;
use super::rules;
use super::source::{SourceFile, escape_pointer};
use crate::model::{ArgumentList, Schema};
use crate::source::unescape_pointer;

/// Collects diagnostics against the main source file while a model is built.
pub(crate) struct Reader<'a> {
    /// The main file, for positions.
    pub(crate) source: &'a SourceFile,
    /// The document as written (refs not inlined), to recover names that inlining erases.
    pub(crate) raw: &'a Value,
    /// The document with its `$ref`s inlined (what the model is read from); `null` where a
    /// `$ref` could not be inlined.
    pub(crate) resolved: &'a Value,
    /// Whether some `$ref` could not be inlined (resolution reported it): a `null` left in
    /// its place is not reported again.
    pub(crate) unresolved_refs: bool,
    /// Problems found so far.
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// The document's argument convention: how payload and ack schemas without their own
    /// `x-socketio-args` map onto Socket.IO argument lists (see [`crate::LoadOptions::socketio_args`]).
    pub(crate) arguments: ArgumentList,
}

impl<'a> Reader<'a> {
    /// Records a problem at `pointer` that the AsyncAPI JSON Schema of the document's version
    /// refuses ([`rules::DOCUMENT`]); under one of asynction's `x-` extensions it is an
    /// extension error ([`rules::EXTENSIONS`]) instead, since AsyncAPI allows any `x-` value.
    pub(crate) fn error(&mut self, pointer: &str, message: impl Into<String>) {
        let rule = if pointer.split('/').any(|token| {
            matches!(
                token,
                "x-handler" | "x-handlers" | "x-security" | "x-ack" | "x-socketio-recovery"
            )
        }) {
            rules::EXTENSIONS
        } else {
            rules::DOCUMENT
        };
        self.error_rule(rule, pointer, message);
    }

    /// Records a problem at `pointer` under `rule`, unless it is the `null` left by a `$ref`
    /// that could not be inlined (reported once, at the `$ref`, by resolution).
    pub(crate) fn error_rule(
        &mut self,
        rule: &'static str,
        pointer: &str,
        message: impl Into<String>,
    ) {
        if self.unresolved_refs && self.is_unresolved_ref(pointer) {
            return;
        }
        self.diagnostics
            .push(self.source.diagnostic(pointer, message).with_rule(rule));
    }

    /// Whether the node at `pointer` (resolved document) is the `null` of a `$ref` that could
    /// not be inlined: `null` once resolved, and a `$ref` (or not in the main file at all) as
    /// written. A `null` the user wrote is not one.
    fn is_unresolved_ref(&self, pointer: &str) -> bool {
        if !matches!(self.resolved.pointer(pointer), Some(Value::Null)) {
            return false;
        }
        match self.raw.pointer(&self.written_pointer(pointer)) {
            None => true,
            Some(Value::Object(m)) => m.contains_key("$ref"),
            Some(_) => false,
        }
    }

    /// `obj[key]` as an object, recording an error if present with another type.
    pub(crate) fn object<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Option<&'v Map<String, Value>> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(other) => {
                self.error(
                    &child(at, key),
                    format!("'{key}' must be an object, found {}", kind(other)),
                );
                None
            }
        }
    }

    /// `obj[key]` as a string, recording an error if present with another type.
    pub(crate) fn string(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Option<String> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.error(
                    &child(at, key),
                    format!("'{key}' must be a string, found {}", kind(other)),
                );
                None
            }
        }
    }

    /// `obj[key]` as a required string.
    pub(crate) fn required_string(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        at: &str,
        what: &str,
    ) -> Option<String> {
        if !obj.contains_key(key) {
            self.error(at, format!("{what} must have required property '{key}'"));
            return None;
        }
        self.string(obj, key, at)
    }

    /// `obj[key]` as an array, recording an error if present with another type.
    pub(crate) fn array<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Option<&'v Vec<Value>> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) => Some(a),
            Some(other) => {
                self.error(
                    &child(at, key),
                    format!("'{key}' must be an array, found {}", kind(other)),
                );
                None
            }
        }
    }

    /// A schema at `obj[key]`, or `None` when absent.
    pub(crate) fn schema(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Option<Schema> {
        let value = obj.get(key)?;
        let pointer = child(at, key);
        self.schema_value(value, pointer)
    }

    /// A payload or ack schema (`obj[key]`): its argument rule defaults to the document's
    /// convention ([`Reader::arguments`]) instead of `single`.
    pub(crate) fn argument_schema(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        at: &str,
    ) -> Option<Schema> {
        let value = obj.get(key)?;
        self.argument_schema_value(value, child(at, key))
    }

    /// [`Reader::argument_schema`] for a value found at `pointer`.
    pub(crate) fn argument_schema_value(
        &mut self,
        value: &Value,
        pointer: String,
    ) -> Option<Schema> {
        let mut schema = self.schema_value(value, pointer)?;
        let own_rule = schema
            .value
            .as_object()
            .is_some_and(|m| m.contains_key("x-socketio-args"));
        if !own_rule {
            schema.arguments = self.arguments;
        }
        Some(schema)
    }

    /// The `x-socketio-args` of the object at `at` (a schema, or the document root): `single`
    /// when absent; anything but `single`/`spread` is reported there.
    pub(crate) fn argument_rule(&mut self, obj: &Map<String, Value>, at: &str) -> ArgumentList {
        match obj.get("x-socketio-args") {
            None => ArgumentList::Single,
            Some(Value::String(s)) if s == "single" => ArgumentList::Single,
            Some(Value::String(s)) if s == "spread" => ArgumentList::Spread,
            Some(other) => {
                self.error_rule(
                    rules::SOCKETIO_ARGS,
                    &child(at, "x-socketio-args"),
                    format!("x-socketio-args must be 'single' or 'spread', found {other}"),
                );
                ArgumentList::Single
            }
        }
    }

    /// Wraps a schema value found at `pointer`, checking its shape and argument rule.
    pub(crate) fn schema_value(&mut self, value: &Value, pointer: String) -> Option<Schema> {
        // AsyncAPI 3.0 multi-format schema object: { schemaFormat, schema }.
        let value = match value {
            Value::Object(m) if m.contains_key("schemaFormat") && m.contains_key("schema") => {
                let format = m
                    .get("schemaFormat")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if !format.is_empty()
                    && !format.starts_with("application/vnd.aai.asyncapi")
                    && !format.starts_with("application/schema+json")
                    && !format.starts_with("application/schema+yaml")
                {
                    self.error_rule(
                        rules::SCHEMA_FORMAT,
                        &pointer,
                        format!(
                            "schemaFormat '{format}' is not supported: use JSON Schema or \
                             AsyncAPI schema"
                        ),
                    );
                    return None;
                }
                m.get("schema").cloned().unwrap_or(Value::Bool(true))
            }
            other => other.clone(),
        };
        let arguments = match &value {
            Value::Object(m) => self.argument_rule(m, &pointer),
            Value::Bool(_) => ArgumentList::Single,
            other => {
                self.error(
                    &pointer,
                    format!(
                        "a schema must be an object or a boolean, found {}",
                        kind(other)
                    ),
                );
                return None;
            }
        };
        Some(Schema {
            pointer,
            value,
            arguments,
        })
    }

    /// Where the node at `pointer` (a pointer into the resolved document) is written in the main
    /// file: local `$ref`s met on the way are followed, so the answer points into the target
    /// (`/channels/a/messages/m/examples/0` → `/components/messages/M/examples/0`). A `$ref` to
    /// another file leaves `pointer` as it is (diagnostics then point at the `$ref`).
    pub(crate) fn written_pointer(&self, pointer: &str) -> String {
        written_pointer(self.raw, pointer)
    }

    /// The `$ref` written at `pointer` in the raw document, following `$ref`s met on the way.
    pub(crate) fn raw_ref(&self, pointer: &str) -> Option<String> {
        let mut node = self.raw;
        let mut hops = 0;
        for token in pointer.split('/').skip(1) {
            let token = unescape_pointer(token);
            node = follow(self.raw, node, &mut hops)?;
            node = match node {
                Value::Object(m) => m.get(&token)?,
                Value::Array(a) => a.get(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        node.as_object()?.get("$ref")?.as_str().map(str::to_owned)
    }
}

/// Where the node at `pointer` (a pointer into the resolved document) is written in `raw`, the
/// main file as written: local `$ref`s met on the way are followed; a `$ref` to another file,
/// or a pointer that leaves the document, gives `pointer` back as it is.
pub(crate) fn written_pointer(raw: &Value, pointer: &str) -> String {
    let mut node = Some(raw);
    let mut at = String::new();
    let mut hops = 0;
    for token in pointer.split('/').skip(1) {
        // Past a node that is not written (a missing key): the rest is appended as it is.
        if let Some(mut current) = node {
            // A pointer to a `$ref` itself stays at it; any other token goes through it.
            while let Some(target) = (token != "$ref")
                .then_some(current)
                .and_then(Value::as_object)
                .and_then(|m| m.get("$ref"))
                .and_then(Value::as_str)
            {
                hops += 1;
                let Some(local) = target.strip_prefix('#') else {
                    return pointer.to_owned();
                };
                match super::refs::lookup(raw, local) {
                    Some(next) if hops <= 64 => {
                        current = next;
                        at = local.to_owned();
                    }
                    _ => return pointer.to_owned(),
                }
            }
            let key = unescape_pointer(token);
            node = match current {
                Value::Object(m) => m.get(&key),
                Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            };
        }
        at.push('/');
        at.push_str(token);
    }
    at
}

/// The pointer (into the resolved document, and as written: no `$ref` precedes it) of the
/// object whose local `$ref` is the first one the way to `pointer` goes through: where the node
/// is used, when it is written elsewhere. `None` when no `$ref` is crossed, or the first one
/// goes to another file or does not resolve.
pub(crate) fn reference_site(raw: &Value, pointer: &str) -> Option<String> {
    let mut node = raw;
    let mut at = String::new();
    for token in pointer.split('/').skip(1) {
        if token != "$ref"
            && let Some(target) = node
                .as_object()
                .and_then(|m| m.get("$ref"))
                .and_then(Value::as_str)
        {
            let local = target.strip_prefix('#')?;
            super::refs::lookup(raw, local)?;
            return Some(at);
        }
        let key = unescape_pointer(token);
        node = match node {
            Value::Object(m) => m.get(&key)?,
            Value::Array(a) => a.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
        at.push('/');
        at.push_str(token);
    }
    None
}

fn follow<'v>(root: &'v Value, mut node: &'v Value, hops: &mut usize) -> Option<&'v Value> {
    while let Some(r) = node
        .as_object()
        .and_then(|m| m.get("$ref"))
        .and_then(Value::as_str)
    {
        *hops += 1;
        if *hops > 64 {
            return None;
        }
        node = super::refs::lookup(root, r.strip_prefix('#')?)?;
    }
    Some(node)
}

/// `at` + `/key`, escaped.
pub(crate) fn child(at: &str, key: &str) -> String {
    format!("{at}/{}", escape_pointer(key))
}

/// The JSON type of a value, for messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Substitutes `{var}` in a server url with the variables' `default`s.
pub(crate) fn substitute_variables(url: &str, variables: Option<&Map<String, Value>>) -> String {
    let Some(vars) = variables else {
        return url.to_owned();
    };
    let mut out = url.to_owned();
    for (name, var) in vars {
        let default = var
            .get("default")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| {
                var.get("enum")
                    .and_then(Value::as_array)
                    .and_then(|a| a.first())
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            });
        if let Some(d) = default {
            out = out.replace(&format!("{{{name}}}"), &d);
        }
    }
    out
}

/// The Socket.IO path of a server url: the url's path without trailing slash, `/socket.io` when
/// empty. A scheme (`wss://`) and a host are skipped, unlike the original, which read the host
/// as part of the path when the url had a scheme.
pub(crate) fn socketio_path(url: &str) -> String {
    let without_scheme = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let path = if let Some(stripped) = without_scheme.strip_prefix('/') {
        format!("/{stripped}")
    } else {
        match without_scheme.find('/') {
            Some(i) => without_scheme[i..].to_owned(),
            None => String::new(),
        }
    };
    let path = path
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned();
    if path.is_empty() {
        "/socket.io".to_owned()
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::socketio_path;

    #[test]
    fn server_urls_map_to_socketio_paths() {
        for (url, path) in [
            ("localhost", "/socket.io"),
            ("localhost:5000", "/socket.io"),
            ("my-company.com/api/socket.io", "/api/socket.io"),
            ("host/socket.io/", "/socket.io"),
            ("host/a/b/socket.io", "/a/b/socket.io"),
            ("host/events", "/events"),
            ("ws://host/events/socket.io", "/events/socket.io"),
            ("wss://host/api/socket.io", "/api/socket.io"),
            ("wss://host", "/socket.io"),
            ("/only/path/socket.io", "/only/path/socket.io"),
        ] {
            assert_eq!(socketio_path(url), path, "url {url}");
        }
    }
}
