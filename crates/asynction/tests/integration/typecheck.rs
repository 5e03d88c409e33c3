//! Rust types checked against the document at build time (feature `schemars`): real
//! mismatches fail `build()` with every one listed, agreement builds, serde attributes decide
//! what is compared, handlers without types are counted as unchecked, typed emits are checked
//! and sent.

use std::time::Duration;

use asynction::typecheck::{Direction, TypeMismatch, TypeReport};
use asynction::{
    Ack, AsynctionSocketIo, BuildError, Document, Payload, ValidatedIo, ValidatedSocket,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A one-namespace document: `/t` receives `in` (payload `payload`, ack `ack` when given) and
/// sends `out` (payload `out`).
fn doc(payload: Value, ack: Option<Value>, out: Value) -> Document {
    let mut message = json!({"name": "in", "x-handler": "in", "payload": payload});
    if let Some(ack) = ack {
        message["x-ack"] = json!({ "args": ack });
    }
    let text = json!({
        "asyncapi": "2.6.0",
        "info": {"title": "types", "version": "1.0.0"},
        "channels": {"/t": {
            "publish": {"message": message},
            "subscribe": {"message": {"name": "out", "payload": out}},
        }},
    });
    Document::from_text(&text.to_string()).expect("the test document loads")
}

/// The report of one checked handler of `in` against `document`.
macro_rules! report_of {
    ($document:expr, $handler:expr) => {{
        let builder: AsynctionSocketIo = AsynctionSocketIo::from_document($document);
        builder.handler_checked("in", $handler).check_types()
    }};
}

/// The one mismatch of `report`.
fn only_mismatch(report: &TypeReport) -> &TypeMismatch {
    assert_eq!(report.mismatches.len(), 1, "{report}");
    &report.mismatches[0]
}

/// Builds and returns the type error.
fn build_error(builder: AsynctionSocketIo) -> TypeReport {
    match builder.docs(false).build() {
        Err(BuildError::Types(report)) => report,
        Err(other) => panic!("expected a type error, got: {other}"),
        Ok(_) => panic!("expected a type error, the server was built"),
    }
}

// --- The mismatches of "Done means", each failing the build. ---

#[derive(Deserialize, JsonSchema)]
struct Profile {
    #[allow(dead_code)]
    name: String,
    #[allow(dead_code)]
    age: u32,
}

async fn takes_profile(Payload(_p): Payload<Profile>) {}

#[test]
fn a_required_field_the_document_leaves_optional_fails_the_build() {
    let document = doc(
        json!({"type": "object", "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}}, "required": ["name"]}),
        None,
        json!({}),
    );
    let report = build_error(
        AsynctionSocketIo::from_document(document).handler_checked("in", takes_profile),
    );
    let m = only_mismatch(&report);
    assert_eq!((m.namespace.as_str(), m.event.as_str()), ("/t", "in"));
    assert_eq!(m.direction, Direction::IncomingPayload);
    assert_eq!(m.rust_type, "Profile");
    assert!(m.reason.contains("now requires 'age'"), "{m}");
    let rust = m.rust.as_ref().expect("the Rust side");
    assert_eq!(rust.pointer, "/required");
    assert_eq!(rust.keywords, r#"["name","age"]"#);
    let document = m.document.as_ref().expect("the document side");
    assert_eq!(
        document.pointer,
        "/channels/~1t/publish/message/payload/required"
    );
    assert_eq!(document.keywords, r#"["name"]"#);
    assert!(
        document
            .location
            .as_deref()
            .is_some_and(|l| l.contains(':')),
        "{m}"
    );
    let shown = BuildError::Types(report.clone()).to_string();
    assert!(
        shown.contains("1 mismatch (1 routes checked, 0 unchecked, 0 emits checked)"),
        "{shown}"
    );
    assert!(
        shown.contains("namespace /t event 'in' (incoming payload"),
        "{shown}"
    );
}

#[derive(Deserialize, Serialize, JsonSchema, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Operation {
    Signup,
    Login,
}

async fn takes_operation(Payload(_o): Payload<Operation>) {}

#[test]
fn a_document_enum_wider_than_the_rust_enum_fails_the_build() {
    let document = doc(
        json!({"type": "string", "enum": ["signup", "login", "logout"]}),
        None,
        json!({}),
    );
    let report = build_error(
        AsynctionSocketIo::from_document(document).handler_checked("in", takes_operation),
    );
    let m = only_mismatch(&report);
    assert!(
        m.reason
            .contains(r#"allowed values changed: ["logout"] removed"#),
        "{m}"
    );
    assert_eq!(
        m.document.as_ref().unwrap().pointer,
        "/channels/~1t/publish/message/payload/enum"
    );
    assert_eq!(
        m.document.as_ref().unwrap().keywords,
        r#"["signup","login","logout"]"#
    );
}

async fn takes_u8(Payload(_n): Payload<u8>) {}

#[test]
fn an_integer_range_the_type_cannot_hold_fails_the_build() {
    let document = doc(
        json!({"type": "integer", "minimum": 0, "maximum": 1000}),
        None,
        json!({}),
    );
    let report =
        build_error(AsynctionSocketIo::from_document(document).handler_checked("in", takes_u8));
    let m = only_mismatch(&report);
    assert_eq!(m.rust_type, "u8");
    assert!(
        m.reason
            .contains("upper bound changed from <= 1000 to <= 255"),
        "{m}"
    );
    assert_eq!(m.rust.as_ref().unwrap().keywords, "255");
    assert_eq!(m.document.as_ref().unwrap().keywords, "1000");
    // With the mock's value generator, a value of the document the type cannot hold.
    #[cfg(feature = "mock")]
    {
        let n = m
            .counterexample
            .as_ref()
            .and_then(Value::as_u64)
            .expect("a counterexample");
        assert!((256..=1000).contains(&n), "{m}");
    }
}

#[derive(Serialize, JsonSchema)]
struct Score {
    points: i64,
}

async fn acks_score() -> Ack<Score> {
    Ack(Score { points: -1 })
}

#[test]
fn an_ack_type_that_can_produce_a_forbidden_value_fails_the_build() {
    let document = doc(
        json!({}),
        Some(
            json!({"type": "object", "properties": {"points": {"type": "integer", "minimum": 0}}, "required": ["points"]}),
        ),
        json!({}),
    );
    let report =
        build_error(AsynctionSocketIo::from_document(document).handler_checked("in", acks_score));
    let m = only_mismatch(&report);
    assert_eq!(m.direction, Direction::Ack);
    assert!(
        m.reason.contains("can produce values the document forbids"),
        "{m}"
    );
    assert!(m.reason.contains("lower bound"), "{m}");
    assert_eq!(
        m.document.as_ref().unwrap().pointer,
        "/channels/~1t/publish/message/x-ack/args/properties/points/minimum"
    );
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Strict {
    #[allow(dead_code)]
    name: String,
}

async fn takes_strict(Payload(_s): Payload<Strict>) {}

#[test]
fn a_deny_unknown_fields_struct_against_an_open_document_fails_the_build() {
    let open = doc(
        json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}),
        None,
        json!({}),
    );
    let report =
        build_error(AsynctionSocketIo::from_document(open).handler_checked("in", takes_strict));
    let m = only_mismatch(&report);
    assert_eq!(m.rust.as_ref().unwrap().pointer, "/additionalProperties");
    // The same struct against a closed document agrees.
    let closed = doc(
        json!({"type": "object", "additionalProperties": false, "properties": {"name": {"type": "string"}}, "required": ["name"]}),
        None,
        json!({}),
    );
    assert!(report_of!(closed, takes_strict).agrees());
}

async fn takes_pair(Payload(_p): Payload<(f64, String)>) {}

#[test]
fn a_spread_tuple_of_the_wrong_arity_fails_the_build() {
    let spread = |items: Value, n: usize| {
        doc(
            json!({"type": "array", "x-socketio-args": "spread", "prefixItems": items, "items": false, "minItems": n}),
            None,
            json!({}),
        )
    };
    let three = spread(
        json!([{"type": "number"}, {"type": "string"}, {"type": "string"}]),
        3,
    );
    let report =
        build_error(AsynctionSocketIo::from_document(three).handler_checked("in", takes_pair));
    let m = only_mismatch(&report);
    assert!(
        m.reason
            .contains("maximum number of items changed from 3 to 2"),
        "{m}"
    );
    let two = spread(json!([{"type": "number"}, {"type": "string"}]), 2);
    assert!(report_of!(two, takes_pair).agrees());
}

#[test]
fn every_mismatch_of_a_server_is_listed_at_once() {
    let text = r#"
asyncapi: 2.6.0
info: {title: several, version: 1.0.0}
channels:
  /a:
    publish:
      message:
        oneOf:
          - {name: small, x-handler: small, payload: {type: integer, maximum: 1000}}
          - {name: op, payload: {type: string, enum: [signup, login, logout]}}
          - {name: free, payload: {type: string}}
"#;
    let builder = AsynctionSocketIo::from_document(Document::from_text(text).unwrap())
        .handler_checked("small", takes_u8)
        .on_checked("/a", "op", takes_operation)
        .on("/a", "free", |Payload(_s): Payload<String>| async {});
    let report = build_error(builder);
    let events: Vec<&str> = report.mismatches.iter().map(|m| m.event.as_str()).collect();
    assert_eq!(events, ["small", "op"]);
    assert_eq!((report.checked, report.unchecked), (2, 1));
    let shown = report.to_string();
    assert!(shown.starts_with("the Rust types disagree with the document: 2 mismatches (2 routes checked, 1 unchecked, 0 emits checked)"), "{shown}");
}

// --- Agreement, unchecked routes, warnings. ---

#[derive(Deserialize, JsonSchema)]
struct Credentials {
    #[allow(dead_code)]
    username: String,
    #[allow(dead_code)]
    password: String,
}

async fn log_in(Payload(_c): Payload<Credentials>) -> Ack<bool> {
    Ack(true)
}

#[test]
fn agreeing_types_build_and_are_counted() {
    let document = doc(
        json!({"type": "object", "additionalProperties": false, "required": ["username", "password"], "properties": {"username": {"type": "string", "minLength": 1}, "password": {"type": "string", "minLength": 8}}}),
        Some(json!({"type": "boolean"})),
        json!({}),
    );
    let builder = AsynctionSocketIo::from_document(document).handler_checked("in", log_in);
    let report = builder.check_types();
    assert!(report.agrees() && report.warnings.is_empty(), "{report}");
    assert_eq!(
        report.summary(),
        "1 routes checked, 0 unchecked, 0 emits checked"
    );
    let _ = builder.docs(false).build().expect("agreeing types build");
}

#[test]
fn handlers_without_types_are_counted_unchecked_and_never_refused() {
    #[derive(Deserialize)]
    struct NoSchema {
        #[allow(dead_code)]
        anything: u8,
    }
    let document = doc(json!({"type": "integer", "maximum": 1000}), None, json!({}));
    let builder = AsynctionSocketIo::from_document(document)
        .handler("in", |Payload(_n): Payload<NoSchema>| async {});
    let report = builder.check_types();
    assert_eq!((report.checked, report.unchecked), (0, 1), "{report}");
    assert!(report.agrees());
    let _ = builder
        .docs(false)
        .build()
        .expect("unchecked handlers build");
}

#[test]
fn re_registering_an_id_without_types_makes_it_unchecked() {
    let document = doc(json!({"type": "integer", "maximum": 1000}), None, json!({}));
    let builder: AsynctionSocketIo = AsynctionSocketIo::from_document(document);
    let report = builder
        .handler_checked("in", takes_u8)
        .handler("in", takes_u8)
        .check_types();
    assert_eq!((report.checked, report.unchecked), (0, 1), "{report}");
}

#[derive(Deserialize, JsonSchema)]
struct Slug(
    #[schemars(regex(pattern = "^[a-z]+$"))]
    #[allow(dead_code)]
    String,
);

async fn takes_slug(Payload(_s): Payload<Slug>) {}

#[test]
fn what_cannot_be_proven_is_a_warning_that_says_why_and_does_not_fail() {
    let document = doc(
        json!({"type": "string", "pattern": "^[a-z0-9]+$"}),
        None,
        json!({}),
    );
    let builder = AsynctionSocketIo::from_document(document).handler_checked("in", takes_slug);
    let report = builder.check_types();
    assert!(report.agrees(), "{report}");
    assert_eq!(report.warnings.len(), 1, "{report}");
    let w = &report.warnings[0];
    assert!(w.reason.starts_with("could not prove"), "{w}");
    assert!(
        w.reason.contains("patterns are compared by equality"),
        "{w}"
    );
    assert!(
        report
            .to_string()
            .contains("  - warning: namespace /t event 'in'"),
        "{report}"
    );
    let _ = builder
        .docs(false)
        .build()
        .expect("a warning does not fail the build");
}

#[test]
fn a_missing_or_undeclared_ack_is_a_mismatch() {
    async fn no_ack(Payload(_b): Payload<bool>) {}
    async fn acks(Payload(_b): Payload<bool>) -> Ack<bool> {
        Ack(true)
    }
    let with_ack = doc(
        json!({"type": "boolean"}),
        Some(json!({"type": "boolean"})),
        json!({}),
    );
    let m = report_of!(with_ack, no_ack).mismatches;
    assert_eq!(m.len(), 1);
    assert!(
        m[0].reason.contains("acknowledges with no data"),
        "{}",
        m[0]
    );
    let without = doc(json!({"type": "boolean"}), None, json!({}));
    let m = report_of!(without, acks).mismatches;
    assert_eq!(m.len(), 1);
    assert!(m[0].reason.contains("declares no ack"), "{}", m[0]);
}

#[test]
fn a_spread_list_of_one_argument_is_compared_with_its_item() {
    async fn takes_string(Payload(_s): Payload<String>) {}
    let one = doc(
        json!({"type": "array", "x-socketio-args": "spread", "prefixItems": [{"type": "string"}], "minItems": 1, "maxItems": 1}),
        None,
        json!({}),
    );
    assert!(report_of!(one, takes_string).agrees());
    let varying = doc(
        json!({"type": "array", "x-socketio-args": "spread", "items": {"type": "string"}}),
        None,
        json!({}),
    );
    let report = report_of!(varying, takes_string);
    assert!(report.agrees());
    assert!(
        report.warnings[0]
            .reason
            .contains("may hold 0 to any number of arguments"),
        "{report}"
    );
}

// --- Serde attributes decide what is compared: one test per attribute. ---

fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required})
}

#[test]
fn rename_all_names_the_fields_the_document_sees() {
    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "camelCase")]
    struct Renamed {
        #[allow(dead_code)]
        user_name: String,
    }
    #[derive(Deserialize, JsonSchema)]
    struct Plain {
        #[allow(dead_code)]
        user_name: String,
    }
    let camel = || {
        doc(
            object(json!({"userName": {"type": "string"}}), &["userName"]),
            None,
            json!({}),
        )
    };
    assert!(report_of!(camel(), |Payload(_r): Payload<Renamed>| async {}).agrees());
    assert!(!report_of!(camel(), |Payload(_p): Payload<Plain>| async {}).agrees());
}

#[test]
fn deny_unknown_fields_closes_the_object() {
    // The other half of `a_deny_unknown_fields_struct_against_an_open_document_fails_the_build`:
    // without the attribute the same struct accepts the open document.
    #[derive(Deserialize, JsonSchema)]
    struct Open {
        #[allow(dead_code)]
        name: String,
    }
    let open = doc(
        object(json!({"name": {"type": "string"}}), &["name"]),
        None,
        json!({}),
    );
    assert!(report_of!(open, |Payload(_o): Payload<Open>| async {}).agrees());
}

#[test]
fn default_makes_a_field_optional_for_payloads() {
    #[derive(Deserialize, JsonSchema)]
    struct WithDefault {
        #[allow(dead_code)]
        name: String,
        #[serde(default)]
        #[allow(dead_code)]
        age: u32,
    }
    let optional_age = || {
        doc(
            object(
                json!({"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0, "maximum": 100}}),
                &["name"],
            ),
            None,
            json!({}),
        )
    };
    assert!(report_of!(optional_age(), |Payload(_w): Payload<WithDefault>| async {}).agrees());
    assert!(
        !report_of!(optional_age(), takes_profile).agrees(),
        "without `default`, `age` is required"
    );
}

#[test]
fn skip_serializing_if_makes_a_field_optional_for_acks() {
    #[derive(Serialize, JsonSchema)]
    struct Skips {
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    }
    #[derive(Serialize, JsonSchema)]
    struct Always {
        error: Option<String>,
    }
    // The ack must always carry `error`: a type that may skip it disagrees.
    let required = || {
        doc(
            json!({}),
            Some(object(
                json!({"error": {"type": ["string", "null"]}}),
                &["error"],
            )),
            json!({}),
        )
    };
    let report = report_of!(required(), || async { Ack(Skips { error: None }) });
    assert!(
        report.mismatches[0].reason.contains("now requires 'error'"),
        "{report}"
    );
    assert!(report_of!(required(), || async { Ack(Always { error: None }) }).agrees());
}

#[test]
fn flatten_merges_the_inner_fields() {
    #[derive(Deserialize, JsonSchema)]
    struct Inner {
        #[allow(dead_code)]
        b: i32,
    }
    #[derive(Deserialize, JsonSchema)]
    struct Outer {
        #[allow(dead_code)]
        a: String,
        #[serde(flatten)]
        #[allow(dead_code)]
        inner: Inner,
    }
    let flat = |required: &[&str]| {
        doc(
            object(
                json!({"a": {"type": "string"}, "b": {"type": "integer", "minimum": -5, "maximum": 5}}),
                required,
            ),
            None,
            json!({}),
        )
    };
    assert!(report_of!(flat(&["a", "b"]), |Payload(_o): Payload<Outer>| async {}).agrees());
    let report = report_of!(flat(&["a"]), |Payload(_o): Payload<Outer>| async {});
    assert!(
        report.mismatches[0].reason.contains("now requires 'b'"),
        "{report}"
    );
}

#[test]
fn internally_tagged_enums_are_compared_branch_by_branch() {
    #[derive(Serialize, JsonSchema)]
    #[serde(tag = "kind", rename_all = "lowercase")]
    enum Shape {
        Circle { radius: u32 },
        Dot,
    }
    let branches = |radius: Value| {
        json!({"oneOf": [
            object(json!({"kind": {"const": "circle"}, "radius": radius}), &["kind", "radius"]),
            object(json!({"kind": {"const": "dot"}}), &["kind"]),
        ]})
    };
    let ok = doc(
        json!({}),
        Some(branches(json!({"type": "integer", "minimum": 0}))),
        json!({}),
    );
    assert!(report_of!(ok, || async { Ack(Shape::Dot) }).agrees());
    let small = doc(
        json!({}),
        Some(branches(json!({"type": "integer", "maximum": 10}))),
        json!({}),
    );
    let report = report_of!(small, || async { Ack(Shape::Circle { radius: 1 }) });
    assert!(!report.agrees(), "a u32 radius may exceed 10: {report}");
}

// --- Typed emits. ---

#[derive(Serialize, JsonSchema)]
struct Out {
    text: String,
}
asynction::server_event!(Out, "/t", "out");

#[derive(Serialize, JsonSchema)]
struct Elsewhere;
asynction::server_event!(Elsewhere, "/t", "nowhere");

#[test]
fn typed_emits_are_checked_against_the_server_event() {
    let out = || json!({"type": "object", "properties": {"text": {"type": "string", "maxLength": 20}}, "required": ["text"]});
    let report = build_error(
        AsynctionSocketIo::from_document(doc(json!({}), None, out()))
            .handler("in", || async {})
            .emits::<Out>()
            .emits::<Elsewhere>(),
    );
    assert_eq!(report.emits, 2);
    let reasons: Vec<(Direction, &str)> = report
        .mismatches
        .iter()
        .map(|m| (m.direction, m.reason.as_str()))
        .collect();
    assert_eq!(reasons.len(), 2, "{report}");
    assert!(
        reasons[0]
            .1
            .contains("maximum length changed from unlimited to 20"),
        "{report}"
    );
    assert_eq!(
        reasons[1],
        (
            Direction::OutgoingEmit,
            "the namespace does not send this event (it sends: 'out')"
        )
    );
}

/// A server event of another namespace.
#[derive(Serialize)]
struct OtherNamespaceOut {
    text: String,
}
asynction::server_event!(OtherNamespaceOut, "/other", "out");

async fn say(socket: ValidatedSocket, io: ValidatedIo) {
    // Refused: `/t`'s socket is not in `/other`, even though `/t` also sends an `out`.
    let wrong = socket.send(&OtherNamespaceOut { text: "no".into() });
    assert!(
        matches!(&wrong, Err(asynction::EmitError::OtherNamespace { declared, target, .. }) if declared == "/other" && target == "/t"),
        "{wrong:?}"
    );
    let _ = socket.send(&Out {
        text: "to you".into(),
    });
    let _ = io
        .send(&Out {
            text: "to all".into(),
        })
        .await;
    let _ = socket
        .broadcast()
        .send(&Out {
            text: "to others".into(),
        })
        .await;
}

#[tokio::test]
async fn send_emits_the_type_under_its_event() {
    let out =
        json!({"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]});
    let app = AsynctionSocketIo::from_document(doc(json!({}), None, out))
        .handler_checked("in", say)
        .emits::<Out>()
        .docs(false)
        .build()
        .expect("agreeing emits build")
        .into_router();
    let mut client = asynction_testkit::sio_in_process(&app, "/t").await;
    client
        .emit("/t", "in", vec![json!({})])
        .await
        .expect("sent");
    let mut texts = Vec::new();
    for _ in 0..2 {
        let event = client
            .next_event("out", Duration::from_secs(3))
            .await
            .expect("an event");
        texts.push(event.args.values[0]["text"].clone());
    }
    assert_eq!(texts, [json!("to you"), json!("to all")]);
}

// --- Export: the document as the types describe it. ---

#[derive(Serialize, Deserialize, JsonSchema)]
struct Member {
    name: String,
    role: Role,
}

#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Role {
    Admin,
    Guest,
}

async fn add_member(Payload(_m): Payload<Member>) -> Ack<Vec<Member>> {
    Ack(Vec::new())
}

#[test]
fn the_exported_document_carries_the_types_schemas_and_loads() {
    let member = json!({"type": "object", "properties": {"name": {"type": "string"}, "role": {"type": "string"}}, "required": ["name", "role"]});
    let original = doc(
        member.clone(),
        Some(json!({"type": "array", "items": member})),
        json!({"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}),
    );
    let builder: AsynctionSocketIo = AsynctionSocketIo::from_document(original.clone());
    let exported = builder
        .handler_checked("in", add_member)
        .emits::<Out>()
        .export_document();
    assert_eq!(
        (exported.replaced, exported.kept.len()),
        (3, 0),
        "{:?}",
        exported.kept
    );
    let document = &exported.document;
    let payload = &document["channels"]["/t"]["publish"]["message"]["payload"];
    assert_eq!(
        payload["properties"]["role"]["$ref"],
        "#/components/schemas/Role"
    );
    assert_eq!(
        document["components"]["schemas"]["Role"]["enum"],
        json!(["admin", "guest"])
    );
    // It is a document: it loads, and `asynction diff` finds what the types changed.
    let reloaded = Document::from_value(document.clone()).expect("the exported document loads");
    let role = &reloaded.api.namespaces[0].ingress[0]
        .payload
        .as_ref()
        .unwrap()
        .value["properties"]["role"];
    assert_eq!(role["enum"], json!(["admin", "guest"]), "{role}");
    let report = asynction_diff::diff(&original, &reloaded);
    assert!(
        report
            .changes
            .iter()
            .any(|c| c.message == r#"payload.role: now restricted to ["admin","guest"]"#),
        "{:?}",
        report
            .changes
            .iter()
            .map(|c| &c.message)
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_struct_never_writes_unknown_fields_so_it_fits_a_closed_ack() {
    #[derive(Serialize, JsonSchema)]
    struct Done {
        ok: bool,
    }
    let closed = doc(
        json!({}),
        Some(
            json!({"type": "object", "additionalProperties": false, "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}),
        ),
        json!({}),
    );
    let report = report_of!(closed, || async { Ack(Done { ok: true }) });
    assert!(report.agrees() && report.warnings.is_empty(), "{report}");
}

/// The README's example of the error: a document read from a file is located by line and
/// column.
#[test]
fn a_mismatch_is_located_in_the_document_file() {
    #[derive(Serialize, JsonSchema)]
    #[serde(rename_all = "lowercase")]
    #[allow(dead_code)]
    enum Metrics {
        Signup,
        Login,
        Logout,
    }
    asynction::server_event!(Metrics, "/admin", "metrics");
    async fn log_in(Payload(_c): Payload<Credentials>) -> Ack<String> {
        Ack("welcome".into())
    }
    let spec = asynction_testkit::root().join("examples/user_accounts/asyncapi.yaml");
    let builder: AsynctionSocketIo = AsynctionSocketIo::from_spec(&spec).expect("loads");
    let report = build_error(
        builder
            .handler_checked(
                "user_accounts.sign_up",
                |Payload(_c): Payload<Credentials>| async {},
            )
            .handler_checked("user_accounts.log_in", log_in)
            .handler("user_accounts.user_error", || async {})
            .handler("user_accounts.admin_error", || async {})
            .emits::<Metrics>(),
    );
    let shown = BuildError::Types(report.clone()).to_string();
    assert_eq!(report.mismatches.len(), 2, "{shown}");
    let at = |m: &TypeMismatch| {
        m.document
            .as_ref()
            .and_then(|d| d.location.clone())
            .unwrap_or_default()
    };
    assert!(
        at(&report.mismatches[0]).ends_with("user_accounts/asyncapi.yaml:56:11"),
        "{shown}"
    );
    assert!(
        at(&report.mismatches[1]).ends_with("user_accounts/asyncapi.yaml:62:9"),
        "{shown}"
    );
    assert_eq!(report.mismatches[0].rust_type, "String");
    assert_eq!(report.mismatches[1].rust_type, "Metrics");
}
