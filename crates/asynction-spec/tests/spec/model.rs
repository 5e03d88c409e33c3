//! Every valid fixture document builds the expected model, compared field by field.

use std::path::Path;

use asynction_spec::model::{ApiKeyLocation, ArgumentList, Event, Namespace, SchemeKind};
use asynction_spec::{Api, Document};
use serde_json::json;

use crate::fixture;

fn load(rel: &str) -> Document {
    Document::from_path(fixture(rel)).unwrap_or_else(|e| panic!("{rel} should load:\n{e}"))
}

fn namespace<'a>(api: &'a Api, path: &str) -> &'a Namespace {
    api.namespace(path)
        .unwrap_or_else(|| panic!("namespace {path} missing; have {:?}", paths(api)))
}

fn paths(api: &Api) -> Vec<&str> {
    api.namespaces.iter().map(|n| n.path.as_str()).collect()
}

fn names(events: &[Event]) -> Vec<&str> {
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

    let small = asynction_spec::LoadOptions::default().max_document_bytes(100);
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
