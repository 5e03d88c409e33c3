//! The fake-data generator: every generated value validates, with asynction's validator and with
//! an independent one (Ajv 2020-12 + ajv-formats, run with Node); unsatisfiable schemas are
//! reported with their pointer; seeded generation is reproducible; examples are preferred.
use crate::support;

use std::path::{Path, PathBuf};

use asynction::Document;
use asynction::mock::{FakeGenerator, GenerateError, fake_arguments};
use asynction::model::{ArgumentList, Schema};
use asynction::validate::CompiledSchema;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

const SEEDS: [u64; 4] = [1, 7, 42, 2024];
const VALUES_PER_SEED: usize = 200;

fn fixture(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("tests/fixtures/mock")
        .join(name)
}

/// Every payload and ack schema of a document, named `namespace event payload|ack`, with the
/// event's examples.
fn schemas(doc: &Document) -> Vec<(String, Schema, Vec<Value>)> {
    let mut out = Vec::new();
    for ns in &doc.api.namespaces {
        for ev in ns.ingress.iter().chain(&ns.egress) {
            if let Some(p) = &ev.payload {
                out.push((
                    format!("{} '{}' payload", ns.path, ev.name),
                    p.clone(),
                    ev.example_payloads().cloned().collect(),
                ));
            }
            if let Some(a) = &ev.ack {
                out.push((
                    format!("{} '{}' ack", ns.path, ev.name),
                    a.clone(),
                    Vec::new(),
                ));
            }
        }
    }
    out
}

/// Generates values for every schema of every fixture, checks them with CompiledSchema, and
/// returns the Ajv cases.
fn generate_and_check(fixture_name: &str) -> Vec<Value> {
    let doc = Document::from_path(fixture(fixture_name))
        .unwrap_or_else(|e| panic!("{fixture_name}: {e}"));
    let list = schemas(&doc);
    assert!(!list.is_empty(), "{fixture_name} has schemas");
    let mut cases = Vec::new();
    for (name, schema, examples) in list {
        let validator = CompiledSchema::compile(&schema, &doc.resolved).expect("schema compiles");
        // Without examples, every value is generated; with them, examples are used.
        for (label, ex) in [("generated", &[][..]), ("with examples", &examples[..])] {
            let generator = FakeGenerator::new(&schema, &doc.resolved, ex)
                .unwrap_or_else(|e| panic!("{fixture_name} {name}: {e}"));
            let mut values = Vec::new();
            for seed in SEEDS {
                let mut rng = StdRng::seed_from_u64(seed);
                for _ in 0..VALUES_PER_SEED {
                    let value = generator.generate(&mut rng);
                    if let Err(v) = validator.validate_value(&value) {
                        panic!("{fixture_name} {name} ({label}): invalid value {value}: {v:?}");
                    }
                    values.push(value);
                }
            }
            assert_eq!(values.len(), SEEDS.len() * VALUES_PER_SEED);
            cases.push(json!({
                "name": format!("{fixture_name} {name} ({label})"),
                "schema": support::ajv_schema(&schema, &doc.resolved),
                "values": values,
            }));
        }
    }
    cases
}

#[test]
fn every_generated_value_validates_with_compiled_schema_and_ajv() {
    let mut cases = Vec::new();
    for name in ["chat-2.6.yaml", "keywords-2.6.yaml", "keywords-3.0.yaml"] {
        cases.extend(generate_and_check(name));
    }
    let verdicts = asynction_testkit::ajv::verdicts(&cases);
    assert_eq!(verdicts.len(), cases.len());
    let mut failures = Vec::new();
    for v in &verdicts {
        assert_eq!(
            v["checked"],
            json!(SEEDS.len() * VALUES_PER_SEED),
            "Ajv checked every value of {}",
            v["name"]
        );
        if v["invalid"] != json!(0) {
            failures.push(v.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "Ajv rejected generated values:\n{}",
        failures.join("\n")
    );
}

#[test]
fn generated_values_vary_and_cover_optional_properties() {
    let doc = Document::from_path(fixture("keywords-3.0.yaml")).expect("fixture loads");
    let state = doc.api.namespaces[0]
        .egress_event("state")
        .and_then(|e| e.payload.clone())
        .expect("state payload");
    let generator = FakeGenerator::new(&state, &doc.resolved, &[]).expect("satisfiable");
    let mut rng = StdRng::seed_from_u64(3);
    let values: Vec<Value> = (0..100).map(|_| generator.generate(&mut rng)).collect();
    let distinct: std::collections::HashSet<String> = values.iter().map(Value::to_string).collect();
    assert!(
        distinct.len() > 90,
        "only {} distinct values of 100",
        distinct.len()
    );
    assert!(
        values.iter().any(|v| v.get("winner").is_some()),
        "optional `winner` sometimes present"
    );
    assert!(
        values.iter().any(|v| v.get("winner").is_none()),
        "optional `winner` sometimes absent"
    );
    assert!(
        values.iter().any(|v| v["list"].get("tail").is_some()),
        "recursive `List` sometimes recurses"
    );
}

#[test]
fn no_extra_properties_are_invented() {
    let doc = Document::from_path(fixture("chat-2.6.yaml")).expect("fixture loads");
    let ev = doc
        .api
        .namespace("/chat")
        .and_then(|n| n.egress_event("new message"))
        .expect("event");
    let generator = FakeGenerator::new(ev.payload.as_ref().expect("payload"), &doc.resolved, &[])
        .expect("satisfiable");
    let mut rng = StdRng::seed_from_u64(11);
    for _ in 0..200 {
        let value = generator.generate(&mut rng);
        let keys: Vec<&String> = value.as_object().expect("object").keys().collect();
        assert_eq!(
            keys,
            ["username", "message"],
            "only the declared properties"
        );
    }
}

#[test]
fn faker_formats_look_like_the_original_chat() {
    let doc = Document::from_path(fixture("chat-2.6.yaml")).expect("fixture loads");
    let ev = doc
        .api
        .namespace("/chat")
        .and_then(|n| n.egress_event("new message"))
        .expect("event");
    let generator = FakeGenerator::new(ev.payload.as_ref().expect("payload"), &doc.resolved, &[])
        .expect("satisfiable");
    let mut rng = StdRng::seed_from_u64(5);
    for _ in 0..50 {
        let value = generator.generate(&mut rng);
        let username = value["username"].as_str().expect("string");
        let message = value["message"].as_str().expect("string");
        assert!(
            username.chars().next().is_some_and(char::is_uppercase),
            "first names are capitalized: {username}"
        );
        assert!(
            !username.contains(' '),
            "a first name is one word: {username}"
        );
        assert!(
            message.ends_with('.') && message.contains(' '),
            "a sentence: {message}"
        );
    }
}

#[test]
fn same_seed_gives_the_same_sequence() {
    let doc = Document::from_path(fixture("keywords-2.6.yaml")).expect("fixture loads");
    for (name, schema, _) in schemas(&doc) {
        let generator = FakeGenerator::new(&schema, &doc.resolved, &[]).expect("satisfiable");
        let run = |seed| {
            let mut rng = StdRng::seed_from_u64(seed);
            (0..20)
                .map(|_| generator.generate(&mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(99), run(99), "{name}: same seed, same values");
        // A schema with a single possible value cannot vary; every keyword fixture here can.
        assert_ne!(run(99), run(100), "{name}: another seed, other values");
    }
}

#[test]
fn valid_examples_are_preferred_and_invalid_ones_ignored() {
    let doc = Document::from_path(fixture("chat-2.6.yaml")).expect("fixture loads");
    let ev = doc
        .api
        .namespace("/chat")
        .and_then(|n| n.egress_event("user joined"))
        .expect("event");
    assert_eq!(ev.examples.len(), 2, "one valid and one invalid example");
    let examples: Vec<Value> = ev.example_payloads().cloned().collect();
    let generator = FakeGenerator::new(
        ev.payload.as_ref().expect("payload"),
        &doc.resolved,
        &examples,
    )
    .expect("satisfiable");
    assert_eq!(
        generator.examples(),
        &[json!({ "username": "Ada", "numUsers": 3 })]
    );
    let mut rng = StdRng::seed_from_u64(1);
    for _ in 0..20 {
        assert_eq!(
            generator.generate(&mut rng),
            json!({ "username": "Ada", "numUsers": 3 })
        );
    }
}

#[test]
fn spread_arguments_are_the_array_items() {
    for name in ["keywords-2.6.yaml", "keywords-3.0.yaml"] {
        let doc = Document::from_path(fixture(name)).expect("fixture loads");
        let ns = &doc.api.namespaces[0];
        let ev = ns.ingress_event("move").expect("move event");
        let payload = ev.payload.as_ref().expect("payload");
        assert_eq!(payload.arguments, ArgumentList::Spread);
        let generator = FakeGenerator::new(payload, &doc.resolved, &[]).expect("satisfiable");
        let validator = CompiledSchema::compile(payload, &doc.resolved).expect("compiles");
        let mut rng = StdRng::seed_from_u64(8);
        for _ in 0..50 {
            let args = fake_arguments(Some(&generator), &mut rng);
            assert_eq!(args.len(), 2, "{name}: direction and distance");
            assert!(args[0].is_string() && args[1].is_u64(), "{name}: {args:?}");
            validator
                .validate_args(&args)
                .expect("the argument list validates");
        }
        let ack = FakeGenerator::new(ev.ack.as_ref().expect("ack"), &doc.resolved, &[])
            .expect("satisfiable");
        let args = fake_arguments(Some(&ack), &mut rng);
        assert_eq!(args.len(), 1, "{name}: a Single ack is one argument");
        assert!(args[0].is_object());
    }
    assert!(
        fake_arguments(None, &mut StdRng::seed_from_u64(0)).is_empty(),
        "no schema, no arguments"
    );
}

fn unsatisfiable(payload: Value) -> GenerateError {
    let doc = Document::from_value(json!({
        "asyncapi": "2.6.0",
        "info": { "title": "t", "version": "1" },
        "channels": { "/": { "subscribe": { "message": { "name": "bad", "payload": payload } } } },
    }))
    .expect("document loads");
    let schema = doc.api.namespaces[0].egress[0]
        .payload
        .clone()
        .expect("payload");
    FakeGenerator::new(&schema, &doc.resolved, &[]).expect_err("unsatisfiable schema is rejected")
}

fn blocked_at(err: &GenerateError) -> (&str, &str) {
    match err {
        GenerateError::Unsatisfiable {
            pointer, keyword, ..
        } => (pointer, keyword),
        other => panic!("expected Unsatisfiable, got {other}"),
    }
}

#[test]
fn contradictory_lengths_are_reported_with_their_pointer() {
    let err = unsatisfiable(json!({
        "type": "object", "required": ["name"],
        "properties": { "name": { "type": "string", "minLength": 10, "maxLength": 5 } }
    }));
    assert_eq!(
        blocked_at(&err),
        (
            "/channels/~1/subscribe/message/payload/properties/name/maxLength",
            "maxLength"
        )
    );
    let text = err.to_string();
    assert!(
        text.contains("minLength 10 is greater than maxLength 5"),
        "{text}"
    );
    assert!(
        text.contains("/channels/~1/subscribe/message/payload"),
        "{text}"
    );
}

#[test]
fn empty_enum_is_refused_as_an_invalid_schema() {
    // `enum: []` is not a valid schema for AsyncAPI (nor for @asyncapi/parser): it is refused
    // before any value is generated, naming the keyword.
    let err = unsatisfiable(
        json!({ "type": "object", "required": ["c"], "properties": { "c": { "enum": [] } } }),
    )
    .to_string();
    assert!(
        err.contains("enum must list at least one value")
            && err.contains("/channels/~1/subscribe/message/payload"),
        "{err}"
    );
}

#[test]
fn not_everything_is_reported() {
    let err = unsatisfiable(json!({ "not": {} }));
    assert_eq!(
        blocked_at(&err),
        ("/channels/~1/subscribe/message/payload/not", "not")
    );
}

#[test]
fn contradictory_all_of_is_reported() {
    let err = unsatisfiable(json!({ "allOf": [{ "type": "string" }, { "type": "integer" }] }));
    assert_eq!(blocked_at(&err).1, "type");
    let err = unsatisfiable(json!({ "type": "integer", "minimum": 10, "exclusiveMaximum": 10 }));
    assert_eq!(blocked_at(&err).1, "maximum");
}

#[test]
fn a_pattern_the_generator_cannot_sample_is_served_from_examples() {
    // Look-ahead is valid ECMA-262 (the validators accept it) but regex-syntax cannot parse it.
    let payload = json!({ "type": "string", "pattern": "^(?=.*[0-9])[a-z0-9]{3}$" });
    let doc = Document::from_value(json!({
        "asyncapi": "2.6.0",
        "info": { "title": "t", "version": "1" },
        "channels": { "/": { "subscribe": { "message": {
            "name": "e", "payload": payload, "examples": [{ "payload": "ab1" }, { "payload": "abc" }]
        } } } },
    }))
    .expect("document loads");
    let ev = &doc.api.namespaces[0].egress[0];
    let schema = ev.payload.clone().expect("payload");
    let err = FakeGenerator::new(&schema, &doc.resolved, &[])
        .expect_err("cannot generate without examples");
    assert_eq!(
        blocked_at(&err),
        ("/channels/~1/subscribe/message/payload/pattern", "pattern")
    );
    let examples: Vec<Value> = ev.example_payloads().cloned().collect();
    let generator = FakeGenerator::new(&schema, &doc.resolved, &examples)
        .expect("the valid example rescues it");
    assert_eq!(
        generator.generate(&mut StdRng::seed_from_u64(0)),
        json!("ab1")
    );
}

#[test]
fn the_mock_prefers_plain_value_examples_and_never_uses_a_mismatching_one() {
    // AsyncAPI 3.1: example payloads of any type; an example whose headers do not match is
    // not used either, although its payload would pass the payload schema.
    let doc = Document::from_text(
        r#"
asyncapi: 3.1.0
info: { title: Mock examples, version: 1.0.0 }
channels:
  news:
    address: /news
    messages:
      headline:
        name: headline
        payload: { type: string }
        headers:
          type: object
          properties: { lang: { type: string } }
        examples:
          - payload: headers do not match
            headers: { lang: 7 }
          - payload: a plain string
            headers: { lang: en }
operations:
  publish:
    action: send
    channel: { $ref: '#/channels/news' }
"#,
    )
    .expect("document loads");
    let ev = doc
        .api
        .namespace("/news")
        .unwrap()
        .egress_event("headline")
        .unwrap();
    let payload = ev.payload.as_ref().expect("payload");
    let generate = asynction::mock::docs_example_generator(&doc, 3);
    for _ in 0..20 {
        assert_eq!(generate(payload), Some(json!("a plain string")));
    }
}
