//! The fixture documents of `tests/fixtures/spec/` whose problems only the framework finds:
//! JSON Schemas that do not compile, and message examples that do not match their schemas
//! (errors in 2.x, warnings in 3.x); and every valid fixture's schemas compile. (Loading the
//! fixtures into the model is asynction-spec's own test, `crates/asynction-spec/tests/spec/`.)

use std::path::PathBuf;

use asynction::model::Api;
use asynction::model::Namespace;
use asynction::validate::{ExampleCheck, Validators};
use asynction::{Document, Severity};
use serde_json::json;

fn fixture(rel: &str) -> PathBuf {
    asynction_testkit::fixtures("spec").join(rel)
}

fn namespace<'a>(api: &'a Api, path: &str) -> &'a Namespace {
    api.namespace(path)
        .unwrap_or_else(|| panic!("namespace {path} missing"))
}

#[test]
fn every_valid_fixture_compiles_its_schemas() {
    for rel in [
        "valid/user-account-2.0.0.yaml",
        "valid/chat/chat-2.3.0.yaml",
        "valid/outline-2.6.0.yaml",
        "valid/trivia-3.0.0.yaml",
        "valid/presence-2.6.0.json",
        "valid/features-3.1.0.yaml",
    ] {
        let doc =
            Document::from_path(fixture(rel)).unwrap_or_else(|e| panic!("{rel} should load:\n{e}"));
        Validators::compile(&doc)
            .unwrap_or_else(|e| panic!("{rel} should compile its schemas:\n{e}"));
    }
}

/// The single diagnostic of an invalid fixture: (message fragment, line, column).
fn assert_single_problem(rel: &str, fragment: &str, line: u32, column: Option<u32>) {
    let path = fixture(rel);
    let error = match Document::from_path(&path) {
        Err(e) => e,
        Ok(doc) => match Validators::compile(&doc) {
            Err(e) => e,
            Ok(_) => panic!("{rel} should be rejected"),
        },
    };
    let diagnostics = error.diagnostics();
    assert_eq!(
        diagnostics.len(),
        1,
        "{rel}: expected one problem, got:\n{error}"
    );
    let d = &diagnostics[0];
    assert!(
        d.message.contains(fragment),
        "{rel}: {:?} does not contain {fragment:?}",
        d.message
    );
    assert_eq!(
        d.location.file, path,
        "{rel}: diagnostics name the file as given"
    );
    assert_eq!(d.location.line, Some(line), "{rel}: wrong line in {d}");
    if let Some(column) = column {
        assert_eq!(
            d.location.column,
            Some(column),
            "{rel}: wrong column in {d}"
        );
    }
}

#[test]
fn an_invalid_json_schema_is_reported_at_the_offending_keyword() {
    assert_single_problem(
        "invalid/invalid-payload-schema.yaml",
        "invalid JSON Schema",
        15,
        Some(15),
    );
    let doc = Document::from_path(fixture("invalid/invalid-payload-schema.yaml")).unwrap();
    let error = Validators::compile(&doc).unwrap_err();
    assert_eq!(
        error.diagnostics()[0].pointer,
        "/channels/~1/publish/message/payload/properties/count/type"
    );
}

#[test]
fn a_2_x_example_that_does_not_match_its_schema_is_an_error_at_the_value() {
    // @asyncapi/parser: 19:21 "text" property type must be string.
    assert_single_problem(
        "invalid/bad-example-2.6.0.yaml",
        "example #1 of event 'say' does not match its payload schema",
        19,
        Some(15),
    );
}

#[test]
fn a_2_x_example_of_an_unused_component_message_is_checked_too() {
    // @asyncapi/parser: 27:20 "payload" property must not have more than 3 characters.
    assert_single_problem(
        "invalid/bad-component-example-2.6.0.yaml",
        "example 'too loud' of message 'shout' does not match its payload schema",
        27,
        Some(11),
    );
}

#[test]
fn a_3_x_example_that_does_not_match_its_schema_is_a_warning_at_the_value() {
    let doc = Document::from_path(fixture("valid/bad-examples-3.1.0.yaml")).unwrap();
    let validators = Validators::compile(&doc).expect("3.x examples never refuse a document");
    let warnings: Vec<(Option<u32>, Option<u32>, &str, &str)> = validators
        .warnings()
        .iter()
        .map(|d| {
            assert_eq!(d.severity, Severity::Warning);
            (
                d.location.line,
                d.location.column,
                d.pointer.as_str(),
                d.message.as_str(),
            )
        })
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    // An inline message: at its example's payload.
    assert_eq!(warnings[0].0, Some(26));
    assert_eq!(warnings[0].1, Some(13));
    assert_eq!(
        warnings[0].2,
        "/channels/chat/messages/say/examples/1/payload"
    );
    assert!(
        warnings[0]
            .3
            .starts_with("example 'too long' of event 'say' does not match its payload schema"),
        "{}",
        warnings[0].3
    );
    // A message referenced from components: where the example is written, reported once.
    assert_eq!(warnings[1].0, Some(45));
    assert_eq!(
        warnings[1].2,
        "/components/messages/count/examples/1/payload"
    );
    let shown = validators.warnings()[0].to_string();
    assert!(
        shown.contains("bad-examples-3.1.0.yaml:26:13: warning: example 'too long'"),
        "{shown}"
    );
    // Only matching examples are used.
    let check = ExampleCheck::run(&doc);
    let chat = namespace(&doc.api, "/chat");
    let say = chat.ingress_event("say").unwrap();
    assert_eq!(check.valid_payloads(say), [json!("hi")]);
    assert_eq!(
        check.valid_payloads(chat.ingress_event("count").unwrap()),
        [json!(1)]
    );
}

/// A server refuses a document with every error listed at once: of loading (a dangling
/// `$ref`, a missing `info.version`), of its JSON Schemas and of its examples, each at its
/// line and under its rule.
#[test]
fn a_server_refuses_to_start_listing_every_error_of_the_document() {
    let path = asynction_testkit::fixtures("lint").join("five-mistakes-2.6.0.yaml");
    let Err(error) = asynction::AsynctionSocketIo::<()>::from_spec(&path) else {
        panic!("the document has five mistakes");
    };
    let found: Vec<(Option<u32>, &str)> = error
        .diagnostics()
        .iter()
        .map(|d| (d.location.line, d.rule))
        .collect();
    assert_eq!(
        found,
        [
            (Some(3), "asyncapi-document-resolved"),
            (Some(9), "invalid-ref"),
            (Some(21), "asyncapi2-message-examples"),
            (Some(30), "asyncapi2-schemas"),
            (Some(33), "asyncapi2-schemas"),
        ],
        "{error}"
    );
}
