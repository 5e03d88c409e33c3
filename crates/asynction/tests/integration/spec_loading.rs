//! Loading the fixture documents of `tests/fixtures/spec/`: every valid one builds the expected
//! model (compared field by field), every invalid one fails with one precise diagnostic.

use std::path::{Path, PathBuf};

use asynction::model::{Api, ApiKeyLocation, ArgumentList, Namespace, SchemeKind};
use asynction::validate::{ExampleCheck, Validators};
use asynction::{Document, Severity};
use serde_json::json;

fn fixture(rel: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("tests/fixtures/spec")
        .join(rel)
}

fn load(rel: &str) -> Document {
    let doc =
        Document::from_path(fixture(rel)).unwrap_or_else(|e| panic!("{rel} should load:\n{e}"));
    Validators::compile(&doc).unwrap_or_else(|e| panic!("{rel} should compile its schemas:\n{e}"));
    doc
}

fn namespace<'a>(api: &'a Api, path: &str) -> &'a Namespace {
    api.namespace(path)
        .unwrap_or_else(|| panic!("namespace {path} missing; have {:?}", paths(api)))
}

fn paths(api: &Api) -> Vec<&str> {
    api.namespaces.iter().map(|n| n.path.as_str()).collect()
}

fn names(events: &[asynction::model::Event]) -> Vec<&str> {
    events.iter().map(|e| e.name.as_str()).collect()
}

#[test]
fn user_account_service_2_0_maps_namespaces_events_acks_and_bindings() {
    let doc = load("valid/user-account-2.0.0.yaml");
    let api = &doc.api;
    assert_eq!(api.asyncapi, "2.0.0");
    assert_eq!(api.info.title, "User Account Service");
    assert_eq!(api.info.version, "1.0.0");
    assert_eq!(paths(api), ["/user", "/admin"]);

    let server = api.server("production").expect("server production");
    assert_eq!(server.url, "accounts.example.com/api/socket.io");
    assert_eq!(server.protocol, "wss");
    assert_eq!(server.socketio_path, "/api/socket.io");
    assert!(server.security.is_empty());

    let user = namespace(api, "/user");
    assert_eq!(names(&user.ingress), ["sign up", "log in"]);
    assert!(user.egress.is_empty());
    let sign_up = user.ingress_event("sign up").unwrap();
    assert_eq!(sign_up.handler.as_deref(), Some("accounts.user.sign_up"));
    assert!(sign_up.ack.is_none());
    let payload = sign_up.payload.as_ref().expect("sign up payload");
    assert_eq!(payload.value["type"], "object");
    assert_eq!(payload.value["required"], json!(["username", "password"]));
    assert_eq!(payload.arguments, ArgumentList::Single);
    let log_in = user.ingress_event("log in").unwrap();
    assert_eq!(log_in.handler.as_deref(), Some("accounts.user.log_in"));
    assert_eq!(
        log_in.ack.as_ref().expect("log in is acked").value,
        json!({"type": "boolean", "const": true})
    );
    assert!(user.bindings.is_empty());
    assert!(user.security.is_none());

    let admin = namespace(api, "/admin");
    assert!(admin.ingress.is_empty());
    assert_eq!(names(&admin.egress), ["metrics"]);
    assert_eq!(
        admin.handlers.connect.as_deref(),
        Some("accounts.admin.on_connect")
    );
    assert_eq!(
        admin.handlers.disconnect.as_deref(),
        Some("accounts.admin.on_disconnect")
    );
    assert_eq!(admin.handlers.error, None);
    let query = admin
        .bindings
        .query
        .as_ref()
        .expect("/admin requires a query");
    assert_eq!(query.value["required"], json!(["token"]));
    assert_eq!(query.value["properties"]["token"]["minLength"], 16);
    assert!(admin.bindings.headers.is_none());
    assert_eq!(admin.bindings.method, None);
}

#[test]
fn chat_2_3_reads_messages_from_a_relative_file_next_to_it() {
    let doc = load("valid/chat/chat-2.3.0.yaml");
    let api = &doc.api;
    assert_eq!(api.asyncapi, "2.3.0");
    assert_eq!(paths(api), ["/"]);
    assert_eq!(api.servers[0].socketio_path, "/socket.io");
    let lobby = namespace(api, "/");
    assert_eq!(
        names(&lobby.ingress),
        [
            "add user",
            "new message",
            "typing",
            "stop typing",
            "join room"
        ]
    );
    assert_eq!(
        names(&lobby.egress),
        ["new message", "user joined", "typing"]
    );
    assert_eq!(
        lobby.handlers.connect.as_deref(),
        Some("chat.lobby.on_connect")
    );
    assert_eq!(
        lobby.handlers.disconnect.as_deref(),
        Some("chat.lobby.on_disconnect")
    );
    assert_eq!(lobby.handlers.error.as_deref(), Some("chat.lobby.on_error"));

    let add_user = lobby.ingress_event("add user").unwrap();
    assert_eq!(add_user.handler.as_deref(), Some("chat.lobby.add_user"));
    assert_eq!(
        add_user.ack.as_ref().unwrap().value["properties"]["numUsers"]["type"],
        "integer"
    );
    // `#/Text` inside messages.yaml resolves within messages.yaml.
    let new_message = lobby.ingress_event("new message").unwrap();
    assert_eq!(
        new_message.payload.as_ref().unwrap().value,
        json!({"type": "string", "maxLength": 200})
    );
    assert_eq!(
        lobby
            .egress_event("new message")
            .unwrap()
            .payload
            .as_ref()
            .unwrap()
            .value["properties"]["message"],
        json!({"type": "string", "maxLength": 200})
    );
    // A message without payload accepts any arguments.
    assert!(lobby.ingress_event("typing").unwrap().payload.is_none());
    assert!(
        lobby
            .ingress
            .iter()
            .all(|e| e.ack.is_none() || e.name == "add user")
    );
}

#[test]
fn outline_2_6_has_a_templated_server_dynamic_namespace_security_and_recursive_schemas() {
    let doc = load("valid/outline-2.6.0.yaml");
    let api = &doc.api;
    assert_eq!(api.asyncapi, "2.6.0");
    assert_eq!(
        api.info.description.as_deref(),
        Some("Tenants edit **outlines** (trees of nodes) together.")
    );

    let server = api.server("production").unwrap();
    assert_eq!(server.url, "wss://outline.example.com/api/socket.io");
    assert_eq!(server.socketio_path, "/api/socket.io");
    assert_eq!(server.docs_base(), "/api");
    assert_eq!(server.security.len(), 1);
    assert_eq!(server.security[0].schemes.get("bearer"), Some(&Vec::new()));

    assert_eq!(api.security_schemes.len(), 2);
    let bearer = &api.security_schemes["bearer"];
    assert_eq!(
        bearer.kind,
        SchemeKind::HttpBearer {
            bearer_format: Some("JWT".into())
        }
    );
    assert_eq!(
        bearer.handlers.get("bearerInfoFunc").map(String::as_str),
        Some("outline.auth.check_token")
    );
    let key = &api.security_schemes["tenantKey"];
    assert_eq!(
        key.kind,
        SchemeKind::HttpApiKey {
            location: ApiKeyLocation::Header,
            name: "X-Tenant-Key".into()
        }
    );

    assert_eq!(paths(api), ["/tenant/{id}", "/public"]);
    let tenant = namespace(api, "/tenant/{id}");
    assert!(tenant.is_dynamic());
    assert_eq!(
        tenant.parameters["id"].value,
        json!({"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 36})
    );
    let security = tenant.security.as_ref().expect("x-security");
    let alternatives: Vec<Vec<&str>> = security
        .iter()
        .map(|r| r.schemes.keys().map(String::as_str).collect())
        .collect();
    assert_eq!(alternatives, [["bearer"], ["tenantKey"]]);
    assert_eq!(names(&tenant.ingress), ["edit node", "move"]);
    assert_eq!(names(&tenant.egress), ["outline changed"]);

    let edit = tenant.ingress_event("edit node").unwrap();
    assert_eq!(edit.handler.as_deref(), Some("outline.handlers.edit_node"));
    assert_eq!(edit.ack.as_ref().unwrap().value["required"], json!(["ok"]));
    let node = &edit.payload.as_ref().unwrap().value;
    // Numbers, booleans and null survive loading as JSON values.
    assert_eq!(node["properties"]["title"]["maxLength"], 200);
    assert_eq!(node["properties"]["weight"]["maximum"], 1.5);
    assert_eq!(node["properties"]["done"]["default"], false);
    assert_eq!(
        node["properties"]["note"]["default"],
        serde_json::Value::Null
    );
    assert_eq!(node["additionalProperties"], false);
    // The recursive occurrence stays a local reference.
    assert_eq!(
        node["properties"]["children"]["items"],
        json!({"$ref": "#/components/schemas/Node"})
    );

    let mv = tenant.ingress_event("move").unwrap();
    assert_eq!(mv.payload.as_ref().unwrap().arguments, ArgumentList::Spread);
    assert!(mv.ack.is_none());

    // `~0` and `~1` in $refs select `a~b` and `c/d`.
    let changed = &tenant
        .egress_event("outline changed")
        .unwrap()
        .payload
        .as_ref()
        .unwrap()
        .value;
    assert_eq!(
        changed["properties"]["level"],
        json!({"type": "integer", "enum": [0, 1, 2]})
    );
    assert_eq!(
        changed["properties"]["confirmed"],
        json!({"type": "boolean", "const": true})
    );

    let public = namespace(api, "/public");
    assert_eq!(public.security.as_deref(), Some(&[][..]));
    let announcement = public.egress_event("announcement").unwrap();
    assert_eq!(
        announcement.payload.as_ref().unwrap().value["properties"]["expires"]["type"],
        json!(["string", "null"])
    );
    assert!(!public.is_dynamic());
}

#[test]
fn trivia_3_0_merges_shared_addresses_and_reads_replies_as_acks() {
    let doc = load("valid/trivia-3.0.0.yaml");
    let api = &doc.api;
    assert_eq!(api.asyncapi, "3.0.0");
    let server = api.server("production").unwrap();
    assert_eq!(server.url, "trivia.example.com/game/socket.io");
    assert_eq!(server.socketio_path, "/game/socket.io");
    assert_eq!(server.security.len(), 1);
    assert!(server.security[0].schemes.contains_key("token"));
    assert_eq!(
        api.security_schemes["token"].kind,
        SchemeKind::HttpApiKey {
            location: ApiKeyLocation::Query,
            name: "token".into()
        }
    );

    // `lobby` and `lobbyAnnouncements` share /lobby: one namespace.
    assert_eq!(paths(api), ["/lobby", "/room/{code}"]);
    let lobby = namespace(api, "/lobby");
    assert_eq!(
        lobby.handlers.connect.as_deref(),
        Some("trivia.lobby.on_connect")
    );
    assert_eq!(names(&lobby.ingress), ["join game"]);
    assert_eq!(names(&lobby.egress), ["announcement"]);
    let join = lobby.ingress_event("join game").unwrap();
    assert_eq!(join.handler.as_deref(), Some("trivia.lobby.join_game"));
    let ack = join.ack.as_ref().expect("reply is the ack");
    assert_eq!(ack.value["properties"]["players"]["minimum"], 1);
    assert!(lobby.egress_event("announcement").unwrap().ack.is_none());

    let room = namespace(api, "/room/{code}");
    assert!(room.is_dynamic());
    assert!(room.parameters.contains_key("code"));
    assert_eq!(names(&room.ingress), ["answer"]);
    // An unnamed 3.0 message is known by its key.
    assert_eq!(names(&room.egress), ["question"]);
    let answer = room.ingress_event("answer").unwrap();
    assert_eq!(
        answer.payload.as_ref().unwrap().arguments,
        ArgumentList::Spread
    );
    assert_eq!(
        answer.ack.as_ref().unwrap().value,
        json!({"type": "boolean"})
    );
    assert_eq!(answer.handler.as_deref(), Some("trivia.room.answer"));
}

#[test]
fn presence_json_document_loads_like_yaml() {
    let doc = load("valid/presence-2.6.0.json");
    let api = &doc.api;
    assert_eq!(api.asyncapi, "2.6.0");
    assert_eq!(api.servers[0].socketio_path, "/presence/socket.io");
    let ns = namespace(api, "/presence");
    assert_eq!(names(&ns.ingress), ["status"]);
    assert_eq!(names(&ns.egress), ["roster"]);
    assert_eq!(
        ns.ingress[0].handler.as_deref(),
        Some("presence.set_status")
    );
    assert_eq!(
        ns.egress[0].ack.as_ref().unwrap().value,
        json!({"type": "boolean"})
    );
    assert_eq!(
        ns.egress[0].payload.as_ref().unwrap().value["maxItems"],
        500
    );
}

#[test]
fn a_json_value_loads_like_its_text_and_is_held_to_the_same_limits() {
    let path = fixture("valid/presence-2.6.0.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let from_text = Document::from_text(&text).unwrap();
    let from_value = Document::from_value(value.clone()).unwrap();
    assert_eq!(
        serde_json::to_value(&*from_value.api).unwrap(),
        serde_json::to_value(&*from_text.api).unwrap()
    );
    assert_eq!(from_value.resolved, from_text.resolved);
    assert_eq!(from_value.path, Path::new("<value>"));

    let small = asynction::LoadOptions::default().max_document_bytes(100);
    let err = Document::from_value_with(value, &small)
        .unwrap_err()
        .to_string();
    assert!(err.contains("over the limit of 100"), "{err}");

    // Diagnostics point into the value's pretty-printed JSON.
    let err = Document::from_value(
        json!({"asyncapi": "9.9.9", "info": {"title": "t", "version": "1"}, "channels": {}}),
    )
    .unwrap_err();
    let d = &err.diagnostics()[0];
    assert_eq!(d.location.file, Path::new("<value>"));
    assert_eq!(
        (d.location.line, d.location.column),
        (Some(2), Some(3)),
        "{err}"
    );
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
fn missing_info_version_is_reported_at_info() {
    assert_single_problem(
        "invalid/missing-info-version.yaml",
        "info must have required property 'version'",
        3,
        Some(1),
    );
}

#[test]
fn a_2x_action_in_a_3_0_operation_is_reported_at_action() {
    assert_single_problem(
        "invalid/bad-action-3.0.0.yaml",
        "'action' must be 'send' or 'receive', found 'publish'",
        16,
        Some(5),
    );
}

#[test]
fn a_dangling_ref_is_reported_where_it_is_written() {
    assert_single_problem(
        "invalid/dangling-ref.yaml",
        "dangling $ref '#/components/messages/Missing'",
        10,
        Some(9),
    );
}

#[test]
fn a_duplicate_yaml_key_is_reported_at_the_second_occurrence() {
    assert_single_problem(
        "invalid/duplicate-key.yaml",
        "duplicate mapping key `publish`",
        11,
        Some(5),
    );
}

#[test]
fn a_yaml_syntax_error_is_reported_with_its_position() {
    assert_single_problem(
        "invalid/yaml-syntax.yaml",
        "YAML syntax: unclosed bracket",
        13,
        Some(21),
    );
}

#[test]
fn asyncapi_1_x_is_not_supported() {
    assert_single_problem(
        "invalid/unsupported-version.yaml",
        "AsyncAPI version '1.2.0' is not supported",
        2,
        Some(1),
    );
}

#[test]
fn a_reference_cycle_between_messages_is_reported_once() {
    assert_single_problem(
        "invalid/ref-cycle.yaml",
        "reference cycle: #/components/messages/Ping → #/components/messages/Pong → #/components/messages/Ping",
        16,
        Some(7),
    );
}

#[test]
fn an_undefined_security_scheme_is_reported_at_the_requirement() {
    assert_single_problem(
        "invalid/undefined-security-scheme.yaml",
        "security requirement names undefined security scheme 'bearer'",
        11,
        Some(9),
    );
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
fn an_operation_on_a_channel_outside_channels_is_reported_at_channel() {
    assert_single_problem(
        "invalid/unknown-channel-3.0.0.yaml",
        "'channel' must be a $ref to a channel of this document ('#/channels/NAME')",
        15,
        Some(5),
    );
}

#[test]
fn an_oauth2_flow_url_must_be_absolute() {
    assert_single_problem(
        "invalid/oauth2-relative-url.yaml",
        "'authorizationUrl' must be an absolute URL such as https://auth.example.com/token; found '/authorize'",
        26,
        Some(11),
    );
}

#[test]
fn asyncapi_3_1_applies_its_operation_example_extension_and_binding_rules() {
    let doc = load("valid/features-3.1.0.yaml");
    let api = &doc.api;
    assert_eq!(api.asyncapi, "3.1.0");
    // Dotted x- keys on the server and ros2 bindings are accepted and ignored.
    let server = api.server("local").unwrap();
    assert_eq!(server.socketio_path, "/socket.io");
    assert_eq!(paths(api), ["/lobby", "/quiet"]);
    let lobby = namespace(api, "/lobby");
    // An operation without `messages` takes every message of its channel.
    assert_eq!(names(&lobby.ingress), ["greet", "count", "move", "tick"]);
    assert_eq!(names(&lobby.egress), ["tick"]);
    assert!(
        lobby.bindings.query.is_some(),
        "ws bindings still describe the handshake"
    );
    // `messages: []` takes none.
    let quiet = namespace(api, "/quiet");
    assert!(quiet.ingress.is_empty() && quiet.egress.is_empty());
    // Example payloads of any JSON type; 3.1.0 (json, yaml) and 3.0.0 schema formats.
    let payload = |name: &str| lobby.ingress_event(name).unwrap();
    assert_eq!(
        payload("greet").example_payloads().collect::<Vec<_>>(),
        [&json!("hello")]
    );
    assert_eq!(
        payload("count").example_payloads().collect::<Vec<_>>(),
        [&json!(3)]
    );
    assert_eq!(
        payload("count").payload.as_ref().unwrap().value["minimum"],
        0
    );
    assert_eq!(
        payload("move").example_payloads().collect::<Vec<_>>(),
        [&json!([1, "up"])]
    );
    assert_eq!(
        payload("move").payload.as_ref().unwrap().arguments,
        ArgumentList::Spread
    );
    assert_eq!(
        payload("tick").example_payloads().collect::<Vec<_>>(),
        [&json!(true)]
    );
    assert_eq!(
        payload("tick").payload.as_ref().unwrap().value["type"],
        "boolean"
    );
}

#[test]
fn messages_in_an_operation_trait_are_refused_at_the_key() {
    // @asyncapi/parser: 25:16 Property "messages" is not expected to be here.
    assert_single_problem(
        "invalid/operation-trait-messages-3.1.0.yaml",
        "an Operation Trait must not contain 'messages'",
        25,
        Some(7),
    );
}

#[test]
fn an_unknown_binding_protocol_is_refused_in_3_x() {
    // @asyncapi/parser: 12:16 Property "socketio" is not expected to be here.
    assert_single_problem(
        "invalid/unknown-binding-3.1.0.yaml",
        "channel bindings may contain only protocol bindings",
        12,
        Some(7),
    );
}

#[test]
fn ros2_bindings_need_asyncapi_3_1() {
    // @asyncapi/parser: 11:12 Property "ros2" is not expected to be here.
    assert_single_problem(
        "invalid/ros2-binding-3.0.0.yaml",
        "found 'ros2'",
        11,
        Some(7),
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

#[test]
fn every_fixture_is_covered_by_a_test() {
    let covered = [
        "valid/user-account-2.0.0.yaml",
        "valid/chat/chat-2.3.0.yaml",
        "valid/chat/messages.yaml",
        "valid/outline-2.6.0.yaml",
        "valid/trivia-3.0.0.yaml",
        "valid/presence-2.6.0.json",
        "invalid/missing-info-version.yaml",
        "invalid/bad-action-3.0.0.yaml",
        "invalid/dangling-ref.yaml",
        "invalid/duplicate-key.yaml",
        "invalid/yaml-syntax.yaml",
        "invalid/unsupported-version.yaml",
        "invalid/ref-cycle.yaml",
        "invalid/undefined-security-scheme.yaml",
        "invalid/invalid-payload-schema.yaml",
        "invalid/unknown-channel-3.0.0.yaml",
        "invalid/oauth2-relative-url.yaml",
        "valid/features-3.1.0.yaml",
        "invalid/operation-trait-messages-3.1.0.yaml",
        "invalid/unknown-binding-3.1.0.yaml",
        "invalid/ros2-binding-3.0.0.yaml",
        "invalid/bad-example-2.6.0.yaml",
        "invalid/bad-component-example-2.6.0.yaml",
        "valid/bad-examples-3.1.0.yaml",
    ];
    let root = fixture("");
    let mut found = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                found.push(
                    path.strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    found.sort();
    let mut expected: Vec<String> = covered.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(
        found, expected,
        "a fixture was added or removed: cover it here and in parser_agreement.rs"
    );
}
