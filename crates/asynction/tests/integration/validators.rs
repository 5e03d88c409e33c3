//! Compiled validators: how Socket.IO argument lists map onto schemas, formats, handshake query
//! coercion, recursive schemas and where violations point.

use std::path::Path;

use asynction::Document;
use asynction::model::{ArgumentList, Schema};
use asynction::validate::coerce_pairs;
use asynction::validate::{CompiledSchema, Validators};
use serde_json::{Value, json};

fn compile(value: Value, arguments: ArgumentList) -> CompiledSchema {
    let schema = Schema {
        pointer: "/test".into(),
        value,
        arguments,
    };
    CompiledSchema::compile(&schema, &Value::Null).expect("schema compiles")
}

fn fixture(rel: &str) -> Document {
    Document::from_path(
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .join("tests/fixtures/spec")
            .join(rel),
    )
    .expect("fixture loads")
}

#[test]
fn single_argument_list_validates_one_array_argument_against_an_array_schema() {
    let tags = compile(
        json!({"type": "array", "items": {"type": "string"}}),
        ArgumentList::Single,
    );
    assert!(tags.validate_args(&[json!(["a", "b"])]).is_ok());
    let err = tags.validate_args(&[json!(["a", 1])]).unwrap_err();
    assert_eq!(err[0].instance_path, "/1");
}

#[test]
fn single_argument_list_refuses_two_arguments_with_a_clear_message() {
    let tags = compile(
        json!({"type": "array", "items": {"type": "string"}}),
        ArgumentList::Single,
    );
    let err = tags.validate_args(&[json!("a"), json!("b")]).unwrap_err();
    assert_eq!(err.len(), 1);
    assert!(
        err[0]
            .message
            .contains("expected exactly 1 argument, got 2"),
        "{}",
        err[0].message
    );
    assert!(
        err[0].message.contains("x-socketio-args: spread"),
        "the message says how to accept several"
    );
    assert!(
        tags.validate_args(&[]).unwrap_err()[0]
            .message
            .contains("got 0")
    );
}

#[test]
fn spread_argument_list_validates_the_arguments_as_one_tuple() {
    let mv = compile(
        json!({"type": "array", "items": [{"type": "integer"}, {"type": "string", "enum": ["up", "down"]}],
               "additionalItems": false, "minItems": 2}),
        ArgumentList::Spread,
    );
    assert!(mv.validate_args(&[json!(1), json!("up")]).is_ok());
    // The same values as one array argument are one argument, not two.
    assert!(mv.validate_args(&[json!([1, "up"])]).is_err());
    let err = mv
        .validate_args(&[json!(1), json!("sideways")])
        .unwrap_err();
    assert_eq!(err[0].instance_path, "/1");
    assert!(
        mv.validate_args(&[json!(1), json!("up"), json!(true)])
            .is_err(),
        "additionalItems: false"
    );
    assert!(mv.validate_args(&[json!(1)]).is_err(), "minItems: 2");
}

#[test]
fn spread_from_a_document_uses_x_socketio_args() {
    let doc = fixture("valid/outline-2.6.0.yaml");
    let validators = Validators::compile(&doc).unwrap();
    let tenant = validators.namespace("/tenant/{id}").unwrap();
    let mv = tenant.ingress["move"].payload.as_ref().unwrap();
    assert_eq!(mv.arguments(), ArgumentList::Spread);
    assert!(mv.validate_args(&[json!(-3), json!("down")]).is_ok());
    assert!(
        mv.validate_args(&[json!(11), json!("down")]).is_err(),
        "maximum: 10"
    );
}

#[test]
fn standard_formats_are_asserted_and_unknown_ones_accepted() {
    let contact = compile(
        json!({"type": "object", "properties": {
            "email": {"type": "string", "format": "email"},
            "id": {"type": "string", "format": "uuid"},
            "at": {"type": "string", "format": "date-time"},
            "name": {"type": "string", "format": "first_name"}}}),
        ArgumentList::Single,
    );
    let good = json!({"email": "ada@example.com", "id": "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
                      "at": "2024-05-01T12:30:00Z", "name": "Ada"});
    assert!(contact.validate_value(&good).is_ok());
    for (field, bad) in [
        ("email", "not-an-email"),
        ("id", "1234"),
        ("at", "yesterday"),
    ] {
        let mut instance = good.clone();
        instance[field] = json!(bad);
        let err = contact.validate_value(&instance).unwrap_err();
        assert_eq!(
            err[0].instance_path,
            format!("/{field}"),
            "format of {field}"
        );
    }
    let mut any_name = good;
    any_name["name"] = json!("¯\\_(ツ)_/¯");
    assert!(
        contact.validate_value(&any_name).is_ok(),
        "format: first_name is a mock hint, not an assertion"
    );
}

#[test]
fn handshake_query_strings_are_coerced_before_validation() {
    let query = json!({"type": "object", "properties": {"limit": {"type": "integer", "maximum": 10},
                       "token": {"type": "string"}}, "required": ["token"]});
    let compiled = compile(query.clone(), ArgumentList::Single);
    let instance = coerce_pairs([("limit", "5"), ("token", "abc")], &query);
    assert_eq!(instance, json!({"limit": 5, "token": "abc"}));
    assert!(compiled.validate_value(&instance).is_ok());
    let too_big = coerce_pairs([("limit", "50"), ("token", "abc")], &query);
    assert_eq!(
        compiled.validate_value(&too_big).unwrap_err()[0].instance_path,
        "/limit"
    );
    let not_a_number = coerce_pairs([("limit", "five"), ("token", "abc")], &query);
    assert!(compiled.validate_value(&not_a_number).is_err());
}

#[test]
fn the_admin_token_binding_of_the_user_account_service_is_enforced() {
    let doc = fixture("valid/user-account-2.0.0.yaml");
    let validators = Validators::compile(&doc).unwrap();
    let admin = validators.namespace("/admin").unwrap();
    let query = admin.query.as_ref().expect("query validator");
    let schema = admin.query_schema.as_ref().unwrap();
    assert!(
        query
            .validate_value(&coerce_pairs([("token", "0123456789abcdef")], schema))
            .is_ok()
    );
    let missing = query
        .validate_value(&coerce_pairs([("other", "x")], schema))
        .unwrap_err();
    assert!(
        missing[0].message.contains("token"),
        "{}",
        missing[0].message
    );
    assert!(validators.namespace("/user").unwrap().query.is_none());
}

#[test]
fn recursive_schemas_validate_nested_instances() {
    let doc = fixture("valid/outline-2.6.0.yaml");
    let validators = Validators::compile(&doc).unwrap();
    let edit = validators.namespace("/tenant/{id}").unwrap().ingress["edit node"]
        .payload
        .clone()
        .unwrap();
    let id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    let tree = json!({"id": id, "title": "root", "children": [
        {"id": id, "title": "child", "children": [{"id": id, "title": "grandchild", "note": null}]}]});
    assert!(edit.validate_args(std::slice::from_ref(&tree)).is_ok());

    let mut broken = tree;
    broken["children"][0]["children"][0]["title"] = json!("x".repeat(201));
    let err = edit.validate_args(&[broken]).unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].instance_path, "/children/0/children/0/title");
    assert!(
        err[0]
            .to_string()
            .starts_with("/children/0/children/0/title: "),
        "{}",
        err[0]
    );
}

#[test]
fn violations_point_into_the_instance_and_the_schema() {
    let user = compile(
        json!({"type": "object", "properties": {"name": {"type": "string", "maxLength": 3},
               "tags": {"type": "array", "items": {"type": "integer"}}}, "required": ["name"]}),
        ArgumentList::Single,
    );
    let err = user
        .validate_value(&json!({"name": "toolong", "tags": [1, "two"]}))
        .unwrap_err();
    let paths: Vec<(&str, &str)> = err
        .iter()
        .map(|v| (v.instance_path.as_str(), v.schema_path.as_str()))
        .collect();
    assert!(
        paths.contains(&("/name", "/properties/name/maxLength")),
        "{paths:?}"
    );
    assert!(
        paths.contains(&("/tags/1", "/properties/tags/items/type")),
        "{paths:?}"
    );
    let missing = user.validate_value(&json!({})).unwrap_err();
    assert_eq!(missing[0].instance_path, "");
    assert_eq!(
        missing[0].to_string(),
        missing[0].message,
        "a root violation is its message alone"
    );
}

#[test]
fn egress_emits_are_checked_by_name() {
    let doc = fixture("valid/chat/chat-2.3.0.yaml");
    let validators = Validators::compile(&doc).unwrap();
    assert!(
        validators
            .check_emit(
                "/",
                "user joined",
                &[json!({"username": "ada", "numUsers": 2})]
            )
            .is_ok()
    );
    let err = validators
        .check_emit(
            "/",
            "new message",
            &[json!({"username": "ada", "message": 5})],
        )
        .unwrap_err();
    assert_eq!(err.violations[0].instance_path, "/message");
    assert!(
        err.to_string().contains("namespace /, event 'new message'"),
        "{err}"
    );
    let unknown = validators
        .check_emit("/", "add user", &[json!("ada")])
        .unwrap_err();
    assert!(
        unknown
            .to_string()
            .contains("not an event the server sends"),
        "{unknown}"
    );
}

#[test]
fn a_ref_loop_that_never_descends_into_the_instance_is_refused_with_the_loop() {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("tests/fixtures/validators/ref-loop.yaml");
    let doc = Document::from_path(&path).expect("the document itself is well-formed");
    let error = Validators::compile(&doc)
        .expect_err("validation of such a schema would never end")
        .to_string();
    assert!(
        error.contains("loops back to itself without descending"),
        "{error}"
    );
    // file:line:col of the `$ref` that closes the loop: B's `- $ref: '#/components/schemas/A'`.
    assert!(error.contains("ref-loop.yaml:24:11: "), "{error}");
}

/// The compile error of a one-event document with these component schemas and this payload.
fn loop_error(schemas: Value, payload: Value) -> String {
    let doc = Document::from_value(json!({
        "asyncapi": "2.6.0",
        "info": {"title": "refs", "version": "1.0.0"},
        "channels": {"/": {"publish": {"message": {"$ref": "#/components/messages/M0"}}}},
        "components": {
            "schemas": schemas,
            "messages": {"M0": {"name": "e", "x-handler": "h", "payload": payload}}
        }
    }))
    .expect("the document itself is well-formed");
    Validators::compile(&doc).expect_err("a loop").to_string()
}

#[test]
fn the_fuzz_found_loop_through_several_spellings_of_one_ref_is_refused() {
    // fuzz_smoke.rs replays fuzz/corpus/resolve_refs/same-location-loop through the fuzz
    // target; this is the same document, spelled out: S0 → payload → S1 → S0 through
    // allOf only, with `%53%30` and `S0/allOf/1` naming schemas already on the loop. Before the
    // check, validating any value against it allocated until the process ran out of memory.
    let error = loop_error(
        json!({
            "S0": {"allOf": [
                {"$ref": "#/components/schemas/S0/allOf/1"},
                {"$ref": "#/components/messages/M0/payload"}
            ]},
            "S1": {"$ref": "#/components/schemas/S0", "type": "object"},
            "S3": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/%53%30"}}}
        }),
        json!({"allOf": [
            {"$ref": "#/components/schemas/S1"},
            {"$ref": "#/components/schemas/S3"}
        ]}),
    );
    assert!(error.contains("loops back to itself"), "{error}");
}

#[test]
fn a_loop_behind_a_property_is_refused_too() {
    // fuzz/corpus/resolve_refs/loop-behind-a-property, spelled out: the payload descends into
    // `next` once, and there S3 → S0 → S1/properties/next (= S3) loops through allOf only.
    let error = loop_error(
        json!({
            "S0": {"allOf": [{"$ref": "#/components/schemas/S1/properties/next"}]},
            "S1": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/S3"}}},
            "S3": {"allOf": [{"type": "object"}, {"$ref": "#/components/schemas/S0"}]}
        }),
        json!({"type": "object", "properties": {"next": {"$ref": "#/components/schemas/S3"}}}),
    );
    assert!(error.contains("loops back to itself"), "{error}");
}
