//! The fuzz targets: each takes arbitrary bytes and drives one attack surface of asynction.
//! A target passes when it returns, whatever it returns; a panic or an abort is a finding.
//!
//! The main crate's integration tests run them too (`tests/integration/fuzz_smoke.rs`, through
//! this crate's library), briefly, on stable Rust.

use std::sync::OnceLock;

use asynction::Document;
use asynction::LoadOptions;
use asynction::security::{HandshakeRequest, fuzz_read_every_credential};
use asynction::validate::coerce_pairs;
use asynction::validate::{CompiledSchema, Validators};
use serde_json::{Value, json};

/// Limits small enough that one input costs milliseconds, not seconds.
fn options() -> LoadOptions {
    LoadOptions::default()
        .max_document_bytes(64 * 1024)
        .max_ref_expansions(2_000)
}

/// Document loading: bytes (YAML or JSON) → `Document` or a `SpecError`; a loaded document's
/// schemas are compiled too.
pub fn load_document(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(doc) = Document::from_text_with(text, &options()) {
        let _ = Validators::compile(&doc);
    }
}

/// `$ref` targets the resolver must handle: components, nested pointers, escapes, cycles,
/// missing targets, remote and file references (never fetched or found).
const REF_TARGETS: &[&str] = &[
    "#/components/schemas/S0",
    "#/components/schemas/S1",
    "#/components/schemas/S2",
    "#/components/schemas/S3",
    "#/components/schemas/S1/properties/next",
    "#/components/schemas/S2/items",
    "#/components/schemas/S0/allOf/1",
    "#/components/schemas/a~1b",
    "#/components/schemas/a~0b",
    "#/components/messages/M0",
    "#/components/messages/M0/payload",
    "#",
    "#/",
    "",
    "#/components/schemas/missing",
    "#/components/schemas/S9/properties",
    "http://127.0.0.1:9/remote.yaml#/x",
    "no-such-file.yaml#/components/schemas/S0",
    "#/components/schemas/%53%30",
    "#components",
];

/// A schema built from the input: a shape byte, then target bytes.
fn schema_from(bytes: &mut impl Iterator<Item = u8>) -> Value {
    let mut target = || {
        let b = bytes.next().unwrap_or(0);
        Value::String(REF_TARGETS[b as usize % REF_TARGETS.len()].to_owned())
    };
    let shape = target().as_str().map_or(0, str::len) % 7;
    match shape {
        0 => json!({ "$ref": target() }),
        1 => json!({ "type": "object", "properties": { "next": { "$ref": target() } } }),
        2 => json!({ "type": "array", "items": { "$ref": target() } }),
        3 => json!({ "allOf": [{ "$ref": target() }, { "$ref": target() }] }),
        4 => json!({ "$ref": target(), "description": "sibling keys win", "type": "object" }),
        5 => json!({ "anyOf": [{ "type": "null" }, { "$ref": target() }] }),
        _ => json!({ "type": "string", "maxLength": 3 }),
    }
}

/// `$ref` resolution: a document whose schemas reference each other as the input says, loaded,
/// compiled and used to validate a small instance.
pub fn resolve_refs(data: &[u8]) {
    let mut bytes = data.iter().copied();
    let mut schemas = serde_json::Map::new();
    for i in 0..4 {
        schemas.insert(format!("S{i}"), schema_from(&mut bytes));
    }
    schemas.insert("a/b".into(), schema_from(&mut bytes));
    schemas.insert("a~b".into(), schema_from(&mut bytes));
    let payload = schema_from(&mut bytes);
    let doc = json!({
        "asyncapi": "2.6.0",
        "info": { "title": "refs", "version": "1.0.0" },
        "channels": { "/": { "publish": { "message": { "$ref": "#/components/messages/M0" } } } },
        "components": {
            "schemas": schemas,
            "messages": { "M0": { "name": "e", "x-handler": "h", "payload": payload } },
        },
    });
    // From the value: YAML/JSON text parsing is `load_document`'s surface, not this one's.
    let Ok(doc) = Document::from_value_with(doc, &options()) else {
        return;
    };
    let Ok(validators) = Validators::compile(&doc) else {
        return;
    };
    if let Some(schema) = validators
        .namespace("/")
        .and_then(|ns| ns.ingress.get("e"))
        .and_then(|e| e.payload.as_ref())
    {
        let instance = json!({ "next": { "next": [1, "abc", null] } });
        let _ = schema.validate_args(&[instance]);
    }
}

/// Schemas of the payload target: the server behaviour fixture plus a recursive tree and a
/// spread argument list.
const RECURSIVE_DOCUMENT: &str = r##"
asyncapi: 2.6.0
info: {title: recursive, version: 1.0.0}
channels:
  /:
    publish:
      message:
        oneOf:
          - name: tree
            x-handler: tree
            payload: {$ref: '#/components/schemas/Tree'}
          - name: spread
            x-handler: spread
            payload:
              type: array
              x-socketio-args: spread
              items: [{type: number}, {type: string, format: email}]
              additionalItems: {type: object, dependencies: {a: [b]}}
components:
  schemas:
    Tree:
      type: object
      properties:
        value: {type: [integer, string], pattern: '^[a-z]+$'}
        children: {type: array, items: {$ref: '#/components/schemas/Tree'}}
"##;

const BEHAVIOUR_DOCUMENT: &str = include_str!("../../tests/fixtures/server/behaviour.yaml");

fn payload_schemas() -> &'static [CompiledSchema] {
    static SCHEMAS: OnceLock<Vec<CompiledSchema>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let mut all = Vec::new();
        for text in [BEHAVIOUR_DOCUMENT, RECURSIVE_DOCUMENT] {
            let doc = Document::from_text(text).expect("fuzz fixture documents load");
            let validators = Validators::compile(&doc).expect("fuzz fixture schemas compile");
            for ns in doc.api.namespaces.iter() {
                let Some(v) = validators.namespace(&ns.path) else {
                    continue;
                };
                for events in [&v.ingress, &v.egress] {
                    for e in events.values() {
                        all.extend(e.payload.iter().cloned());
                        all.extend(e.ack.iter().cloned());
                    }
                }
            }
        }
        all
    })
}

/// Nested arrays `depth` deep, built without recursion.
pub fn nested_arrays(depth: usize) -> Value {
    let mut v = Value::Null;
    for _ in 0..depth {
        v = Value::Array(vec![v]);
    }
    v
}

/// Payload validation: arbitrary JSON (or, after a `D` byte, nesting as deep as the next two
/// bytes say) against every fixture schema, as one argument and as an argument list.
pub fn validate_payload(data: &[u8]) {
    let instance = match data {
        [b'D', hi, lo, ..] => nested_arrays(usize::from(*hi) << 8 | usize::from(*lo)),
        _ => match serde_json::from_slice::<Value>(data) {
            Ok(v) => v,
            Err(_) => Value::String(String::from_utf8_lossy(data).into_owned()),
        },
    };
    for schema in payload_schemas() {
        let _ = schema.validate_args(std::slice::from_ref(&instance));
        if let Value::Array(list) = &instance {
            let _ = schema.validate_args(list);
        }
    }
    drop_deep(instance);
}

/// Drops a value without recursing (a deep `Value`'s own drop recurses once per level).
pub fn drop_deep(value: Value) {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => stack.extend(map.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// Query/header schemas the coercion target picks from.
fn handshake_schemas() -> &'static [(Value, CompiledSchema)] {
    static SCHEMAS: OnceLock<Vec<(Value, CompiledSchema)>> = OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let raw = [
            json!({"type": "object", "properties": {
                "limit": {"type": "integer", "maximum": 10},
                "ratio": {"type": "number"},
                "on": {"type": "boolean"},
                "nothing": {"type": "null"},
                "tags": {"type": "array", "items": {"type": "integer"}},
                "either": {"type": ["integer", "boolean", "string"]},
                "nested": {"type": "array", "items": {"type": "array", "items": {"type": "number"}}}
            }, "required": ["limit"]}),
            json!({"type": "object", "additionalProperties": {"type": ["number", "null", "array"]}}),
            json!({"type": "object", "properties": {"x-client": {"type": "string", "enum": ["tests"]}}}),
        ];
        raw.into_iter()
            .map(|schema| {
                let model = asynction::model::Schema {
                    value: schema.clone(),
                    pointer: "/fuzz".into(),
                    arguments: asynction::model::ArgumentList::Single,
                };
                let compiled =
                    CompiledSchema::compile(&model, &Value::Null).expect("fuzz schemas compile");
                (schema, compiled)
            })
            .collect()
    })
}

/// Handshake coercion: a query string (`k=v&k=v`, not decoded) coerced by each handshake
/// schema, then validated.
pub fn coerce_handshake(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let pairs: Vec<(&str, &str)> = text
        .split('&')
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .collect();
    for (raw, compiled) in handshake_schemas() {
        let instance = coerce_pairs(pairs.iter().copied(), raw);
        let _ = compiled.validate_value(&instance);
    }
}

/// Credential parsing: the input's lines are the `Authorization` header, the `Cookie` header,
/// an `x-key` header, the query string, the CONNECT `auth` JSON and the API key's name.
pub fn credentials(data: &[u8]) {
    let mut fields = data.split(|&b| b == b'\n');
    let mut next = || fields.next().unwrap_or_default();
    let (authorization, cookie, key, query, auth, name) =
        (next(), next(), next(), next(), next(), next());
    let mut headers = http::HeaderMap::new();
    for (header, value) in [
        (http::header::AUTHORIZATION, authorization),
        (http::header::COOKIE, cookie),
        (http::HeaderName::from_static("x-key"), key),
    ] {
        if let Ok(v) = http::HeaderValue::from_bytes(value) {
            headers.append(header, v);
        }
    }
    let uri: http::Uri = format!("/socket.io/?{}", String::from_utf8_lossy(query))
        .parse()
        .unwrap_or_else(|_| http::Uri::from_static("/socket.io/"));
    let auth: Option<Value> = serde_json::from_slice(auth).ok();
    let name = String::from_utf8_lossy(name);
    let name = if name.is_empty() { "x-key" } else { &name };
    let request = HandshakeRequest::new(&headers, &uri, auth.as_ref());
    let _ = fuzz_read_every_credential(&request, name);
}

/// A fuzz target: arbitrary bytes in, nothing out.
pub type Target = fn(&[u8]);

/// Every target by name, for the runners.
pub const TARGETS: &[(&str, Target)] = &[
    ("load_document", load_document),
    ("resolve_refs", resolve_refs),
    ("validate_payload", validate_payload),
    ("coerce_handshake", coerce_handshake),
    ("credentials", credentials),
];
