//! The recommended rules of @asyncapi/parser (same ids and severities, on every version) and
//! asynction's Socket.IO rules: their findings on one document, not yet filtered by a ruleset.

use std::collections::HashSet;

use serde_json::{Map, Value};

use crate::error::{Diagnostic, Severity};
use crate::fields::written_pointer;
use crate::rules::{self};
use crate::source::{escape_pointer, unescape_pointer};
use crate::{Document, SUPPORTED_VERSIONS};

/// The recommended rules' findings on `doc`, in document order (not yet filtered by a
/// [`Ruleset`]).
///
/// ```
/// let doc = asynction_spec::Document::from_text(
///     "asyncapi: 2.6.0\ninfo: { title: T, version: '1' }\nchannels: {}\n",
/// )?;
/// let rules: Vec<&str> = asynction_spec::lint::recommended(&doc).iter().map(|d| d.rule).collect();
/// assert!(rules.contains(&"asyncapi-info-contact"));
/// assert!(rules.contains(&"asyncapi-latest-version"));
/// # Ok::<(), asynction_spec::SpecError>(())
/// ```
pub fn recommended(doc: &Document) -> Vec<Diagnostic> {
    let raw = doc.raw();
    let Some(root) = raw.as_object() else {
        return Vec::new();
    };
    let version = doc.api.asyncapi.as_str();
    let v2 = version.starts_with("2.");
    let root_line = document_line(&doc.text);
    let mut out = Vec::new();
    let mut report = |pointer: &str, rule: &'static str, message: String| {
        let severity = rules::rule_named(rule).map_or(Severity::Warning, |r| r.severity);
        let mut d = doc
            .diagnostic(pointer, message)
            .with_rule(rule)
            .with_severity(severity);
        if pointer.is_empty() && root_line != 0 {
            d.location.line = Some(root_line);
            d.location.column = Some(1);
        }
        out.push(d);
    };

    if !truthy(root.get("id")) {
        report(
            "",
            "asyncapi-id",
            "the document should have an \"id\" (a URI naming the application)".to_owned(),
        );
    }
    if !truthy(root.get("defaultContentType")) {
        report(
            "",
            "asyncapi-defaultContentType",
            "the document should have a \"defaultContentType\" (such as application/json)"
                .to_owned(),
        );
    }
    let latest = SUPPORTED_VERSIONS.last().copied().unwrap_or_default();
    if version != latest {
        report(
            "/asyncapi",
            "asyncapi-latest-version",
            format!(
                "the document uses AsyncAPI {version}; the latest version is {latest} \
                 (`asynction convert` writes it)"
            ),
        );
    }
    if let Some(info) = root.get("info").and_then(Value::as_object) {
        if !truthy(info.get("description")) {
            report(
                "/info",
                "asyncapi-info-description",
                "info should have a non-empty \"description\"".to_owned(),
            );
        }
        match info.get("contact") {
            Some(Value::Object(contact)) => {
                for field in ["name", "url", "email"] {
                    if !truthy(contact.get(field)) {
                        report(
                            "/info/contact",
                            "asyncapi-info-contact-properties",
                            format!("info.contact should have \"{field}\""),
                        );
                    }
                }
            }
            other if !truthy(other) => report(
                "/info",
                "asyncapi-info-contact",
                "info should have a \"contact\" object (name, url, email)".to_owned(),
            ),
            _ => {}
        }
        if !truthy(info.get("license")) {
            report(
                "/info",
                "asyncapi-info-license",
                "info should have a \"license\" object".to_owned(),
            );
        }
    }
    // 2.x writes the document's tags at the root, 3.x under info.
    let (tags, tags_at) = if v2 {
        (root.get("tags"), "")
    } else {
        (root.get("info").and_then(|i| i.get("tags")), "/info")
    };
    if !truthy(tags) || tags.and_then(Value::as_array).is_some_and(Vec::is_empty) {
        report(
            tags_at,
            "asyncapi2-tags",
            format!(
                "the document should have a non-empty \"tags\" array{}",
                if v2 { "" } else { " in info" }
            ),
        );
    }
    match root.get("servers") {
        Some(Value::Object(s)) if !s.is_empty() => {}
        _ => report(
            "",
            "asyncapi-servers",
            "the document should have a non-empty \"servers\" object".to_owned(),
        ),
    }
    if v2 {
        ids_of_2x_operations_and_messages(raw, root, version, &mut report);
    }
    unused_components(raw, root, v2, &mut report);
    socketio(doc, &mut report);
    out
}

/// The line a finding about the whole document is reported at: the document's first line,
/// or, after a header of several comment lines, the line the document's content starts on
/// (where the reference parser reports them too).
fn document_line(text: &str) -> u32 {
    let mut comments = 0;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            comments += 1;
        } else if !trimmed.is_empty() {
            return if comments >= 2 { i as u32 + 1 } else { 1 };
        }
    }
    1
}

/// `operationId` on every 2.x operation, `messageId` on every 2.4+ message (traits merged).
fn ids_of_2x_operations_and_messages(
    raw: &Value,
    root: &Map<String, Value>,
    version: &str,
    report: &mut impl FnMut(&str, &'static str, String),
) {
    let message_ids = !matches!(version, "2.0.0" | "2.1.0" | "2.2.0" | "2.3.0");
    for (section, channels) in [
        ("/channels", root.get("channels")),
        (
            "/components/channels",
            root.get("components").and_then(|c| c.get("channels")),
        ),
    ] {
        let Some(channels) = channels.and_then(Value::as_object) else {
            continue;
        };
        for (key, channel) in channels {
            for op in ["publish", "subscribe"] {
                let Some(operation) = channel.get(op).and_then(Value::as_object) else {
                    continue;
                };
                let at = format!("{section}/{}/{op}", escape_pointer(key));
                if !truthy(merged(raw, operation, "operationId")) {
                    report(
                        &at,
                        "asyncapi2-operation-operationId",
                        format!("the {op} operation should have an \"operationId\""),
                    );
                }
                if !message_ids {
                    continue;
                }
                match operation.get("message").and_then(Value::as_object) {
                    Some(m) if m.contains_key("oneOf") => {
                        for (i, item) in m
                            .get("oneOf")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .enumerate()
                        {
                            message_id(raw, item, &format!("{at}/message/oneOf/{i}"), report);
                        }
                    }
                    Some(m) => message_id(
                        raw,
                        &Value::Object(m.clone()),
                        &format!("{at}/message"),
                        report,
                    ),
                    None => {}
                }
            }
        }
    }
    if message_ids
        && let Some(messages) = root
            .get("components")
            .and_then(|c| c.get("messages"))
            .and_then(Value::as_object)
    {
        for (key, message) in messages {
            message_id(
                raw,
                message,
                &format!("/components/messages/{}", escape_pointer(key)),
                report,
            );
        }
    }
}

fn message_id(
    raw: &Value,
    message: &Value,
    at: &str,
    report: &mut impl FnMut(&str, &'static str, String),
) {
    let Some(m) = message.as_object() else {
        return;
    };
    if !truthy(merged(raw, m, "messageId")) {
        report(
            at,
            "asyncapi2-message-messageId",
            "the message should have a \"messageId\"".to_owned(),
        );
    }
}

/// `field` of an object whose `traits` may supply it (the object's own value wins; traits
/// written as local `$ref`s are followed in `raw`). A `$ref` that cannot be followed here (to
/// another file) counts as supplying it: no finding rather than a wrong one.
fn merged<'v>(raw: &'v Value, obj: &'v Map<String, Value>, field: &str) -> Option<&'v Value> {
    if let Some(v) = obj.get(field) {
        return Some(v);
    }
    if obj.contains_key("$ref") {
        return Some(&Value::Bool(true));
    }
    obj.get("traits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find_map(|t| match t.get("$ref").and_then(Value::as_str) {
            Some(r) => match r
                .strip_prefix('#')
                .and_then(|p| crate::refs::lookup(raw, p))
            {
                Some(target) => target.get(field),
                None => Some(&Value::Bool(true)),
            },
            None => t.get(field),
        })
}

/// Components no `$ref` names (exactly: a `$ref` into a component does not count, as
/// Spectral's `unreferencedReusableObject`), and 2.x security schemes no server or operation
/// requires (3.x requires them by `$ref`, so they are components like any other).
fn unused_components(
    raw: &Value,
    root: &Map<String, Value>,
    v2: bool,
    report: &mut impl FnMut(&str, &'static str, String),
) {
    let Some(components) = root.get("components").and_then(Value::as_object) else {
        return;
    };
    let mut referenced = HashSet::new();
    collect_refs(raw, &mut referenced);
    for (kind, members) in components {
        if v2 && kind == "securitySchemes" {
            continue;
        }
        let Some(members) = members.as_object() else {
            continue;
        };
        for name in members.keys() {
            let at = format!(
                "/components/{}/{}",
                escape_pointer(kind),
                escape_pointer(name)
            );
            if !referenced.contains(&at) {
                report(
                    &at,
                    "asyncapi-unused-component",
                    format!("components.{kind}.{name} is not referenced anywhere ($ref)"),
                );
            }
        }
    }
    if v2 && let Some(schemes) = components.get("securitySchemes").and_then(Value::as_object) {
        let mut required = HashSet::new();
        let mut require = |list: Option<&Value>| {
            for requirement in list.and_then(Value::as_array).into_iter().flatten() {
                if let Some(r) = requirement.as_object() {
                    required.extend(r.keys().cloned());
                }
            }
        };
        for server in root
            .get("servers")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|s| s.values())
        {
            require(server.get("security"));
        }
        for channel in root
            .get("channels")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|c| c.values())
        {
            for op in ["publish", "subscribe"] {
                require(channel.get(op).and_then(|o| o.get("security")));
            }
        }
        for name in schemes.keys() {
            if !required.contains(name) {
                report(
                    &format!("/components/securitySchemes/{}", escape_pointer(name)),
                    "asyncapi2-unused-securityScheme",
                    format!("security scheme '{name}' is not required by any server or operation"),
                );
            }
        }
    }
}

/// Every local `$ref` target of `node` (decoded pointers, `#` dropped).
fn collect_refs(node: &Value, out: &mut HashSet<String>) {
    match node {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref")
                && let Some(local) = r.strip_prefix('#')
            {
                let decoded = percent_encoding::percent_decode_str(local).decode_utf8_lossy();
                out.insert(decoded.into_owned());
            }
            for v in m.values() {
                collect_refs(v, out);
            }
        }
        Value::Array(a) => {
            for v in a {
                collect_refs(v, out);
            }
        }
        _ => {}
    }
}

/// asynction's Socket.IO rules, read from the model.
fn socketio(doc: &Document, report: &mut impl FnMut(&str, &'static str, String)) {
    let raw = doc.raw();
    for ns in &doc.api.namespaces {
        if ns.ingress.is_empty() && ns.egress.is_empty() {
            report(
                &ns.pointer,
                "asynction-socketio-empty-namespace",
                format!(
                    "namespace {} has no message in either direction: clients can connect, but \
                     every event they send is refused as unknown",
                    ns.path
                ),
            );
        }
        let key = unescape_pointer(ns.pointer.rsplit('/').next().unwrap_or_default());
        let address = match raw
            .pointer(&format!("{}/address", ns.pointer))
            .and_then(Value::as_str)
        {
            Some(address) if doc.api.asyncapi.starts_with('3') => address.to_owned(),
            _ => key,
        };
        if !address.starts_with('/') {
            report(
                &ns.pointer,
                "asynction-socketio-namespace-path",
                format!(
                    "channel address '{address}' has no leading '/': it is served as the \
                     namespace {} (write it so, as clients name it)",
                    ns.path
                ),
            );
        }
        for ev in &ns.egress {
            if ev.ack.is_some() {
                report(
                    &ev.pointer,
                    "asynction-socketio-ack-on-server-event",
                    format!(
                        "event '{}' is sent by the server and declares an ack: the client must \
                         answer it, and the server sees the answer only when it emits with \
                         emit_with_ack (an emit or a broadcast never waits for it)",
                        ev.name
                    ),
                );
            }
            if let Some(handler) = &ev.handler {
                let written = home(raw, &ev.pointer);
                if ns.ingress.iter().any(|i| home(raw, &i.pointer) == written) {
                    report(
                        &ev.pointer,
                        "asynction-socketio-handler-both-directions",
                        format!(
                            "message '{}' has x-handler '{handler}' and is both received and \
                             sent in namespace {}: the handler runs only for the received one",
                            ev.name, ns.path
                        ),
                    );
                }
            }
        }
    }
}

/// Where the node at `pointer` is written, following `$ref`s to the end (the message a
/// `message: { $ref }` names).
fn home(raw: &Value, pointer: &str) -> String {
    let mut at = written_pointer(raw, pointer);
    for _ in 0..64 {
        match raw
            .pointer(&at)
            .and_then(|n| n.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(target) => at = target.to_owned(),
            None => break,
        }
    }
    at
}

/// Spectral's `truthy`: present and not `false`, `0`, `""` or `null`.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(_) => true,
    }
}
