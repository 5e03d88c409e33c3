//! The server's client-facing behaviour, driven by the real Node `socket.io-client`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use asynction::{
    Ack, Args, AsynctionSocketIo, AuthPayload, BuildError, EmitError, EventError, Payload,
    RouteError, State, ValidatedSocket,
};
use asynction_testkit::{error_ack, http_get, node, serve};
use serde_json::{Value, json};

type Log = Arc<Mutex<Vec<String>>>;

const FIXTURE: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/tests/fixtures/server/behaviour.yaml"
);

async fn echo(socket: ValidatedSocket, Payload(text): Payload<String>) -> Ack<String> {
    socket
        .emit("echoed", &text)
        .expect("echo payloads are valid emits");
    Ack(text)
}

async fn bad_ack() -> Ack<i32> {
    Ack(23)
}

async fn noop() {}

async fn movement(Payload((steps, direction)): Payload<(f64, String)>) -> Ack<String> {
    Ack(format!("{direction}{steps}"))
}

async fn list(Payload(items): Payload<Vec<f64>>) -> Ack<usize> {
    Ack(items.len())
}

async fn invalid_emit(socket: ValidatedSocket) -> Ack<String> {
    match socket.emit("echoed", &"x".repeat(50)) {
        Err(EmitError::Invalid(e)) => Ack(format!("refused: {}", e.violations[0].message)),
        other => Ack(format!("unexpected: {other:?}")),
    }
}

async fn ask_client(socket: ValidatedSocket) -> Ack<String> {
    match socket
        .emit_with_ack::<_, Value>("question", "how many?")
        .await
    {
        Ok(v) => Ack(format!("ok:{v}")),
        Err(EmitError::Invalid(_)) => Ack("err:invalid".into()),
        Err(EmitError::Ack(_)) => Ack("err:timeout".into()),
        Err(e) => Ack(format!("err:{e}")),
    }
}

async fn join(socket: ValidatedSocket, Payload(room): Payload<String>) -> Ack<bool> {
    socket.join(room);
    Ack(true)
}

/// Asks every client of room `r` (this one included) and sorts out their answers.
async fn poll(socket: ValidatedSocket) -> Ack<Value> {
    let answers = match socket
        .within("r")
        .emit_with_ack::<_, i64>("question", "how many?")
        .await
    {
        Ok(answers) => answers,
        Err(e) => return Ack(json!({"error": e.to_string()})),
    };
    let mut ok: Vec<i64> = Vec::new();
    let (mut invalid, mut unanswered) = (0, 0);
    for (_, answer) in answers {
        match answer {
            Ok(n) => ok.push(n),
            Err(EmitError::Invalid(_)) => invalid += 1,
            Err(_) => unanswered += 1,
        }
    }
    ok.sort();
    Ack(json!({"ok": ok, "invalid": invalid, "unanswered": unanswered}))
}

async fn upload(args: Args) -> Ack<usize> {
    Ack(args.binaries.first().map_or(0, |b| b.len()))
}

async fn panics() {
    panic!("handler bug");
}

#[derive(serde::Deserialize)]
struct User {
    email: String,
}

async fn user(Payload(u): Payload<User>) -> Ack<String> {
    Ack(u.email)
}

async fn ping() -> Ack<bool> {
    Ack(true)
}

async fn on_error(
    socket: ValidatedSocket,
    error: EventError,
    State(log): State<Log>,
) -> Ack<Value> {
    log.lock().unwrap().push(format!("error:{}", error.code));
    socket
        .emit("echo errors", &json!({ "code": error.code }))
        .unwrap();
    Ack(json!({ "handled": error.code }))
}

async fn on_connect(socket: ValidatedSocket, AuthPayload(auth): AuthPayload) -> Result<(), String> {
    if auth.get("deny") == Some(&Value::Bool(true)) {
        return Err("denied by the connect handler".into());
    }
    socket.emit("welcome", "hello").map_err(|e| e.to_string())
}

async fn on_disconnect(State(log): State<Log>) {
    log.lock().unwrap().push("disconnect".into());
}

/// The fixture's handlers; they take `State<Log>`, given last with `with_state`.
fn app() -> AsynctionSocketIo<Log> {
    AsynctionSocketIo::from_spec(FIXTURE)
        .unwrap()
        .ack_timeout(Duration::from_millis(500))
        .handler("echo", echo)
        .handler("bad_ack", bad_ack)
        .handler("noop", noop)
        .handler("move", movement)
        .handler("list", list)
        .handler("invalid_emit", invalid_emit)
        .handler("ask_client", ask_client)
        .handler("upload", upload)
        .handler("join", join)
        .handler("poll", poll)
        .handler("panics", panics)
        .handler("user", user)
        .handler("ping", ping)
        .handler("on_error", on_error)
        .handler("on_connect", on_connect)
        .handler("on_disconnect", on_disconnect)
}

async fn start() -> (std::net::SocketAddr, Log) {
    let log = Log::default();
    let built = app()
        .with_state(log.clone())
        .build()
        .expect("the fixture builds");
    (serve(built.into_router()).await, log)
}

fn connect(id: &str, ns: &str) -> Value {
    json!({"op": "connect", "id": id, "ns": ns})
}

fn emit(id: &str, event: &str, args: Value) -> Value {
    json!({"op": "emit", "id": id, "event": event, "args": args, "ack": true})
}

#[tokio::test]
async fn valid_event_is_handled_acked_and_its_emit_delivered() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            emit("a", "echo", json!(["hi"])),
            {"op": "expect", "id": "a", "event": "echoed"},
        ]),
    )
    .await;
    assert_eq!(r[0], json!({"connected": true}));
    assert_eq!(r[1], json!({"ack": ["hi"]}));
    assert_eq!(r[2], json!({"args": ["hi"]}));
}

#[tokio::test]
async fn invalid_payload_with_ack_gets_error_ack_and_server_keeps_serving() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            emit("a", "echo", json!(["this text is much longer than twenty characters"])),
            {"op": "emit", "id": "a", "event": "echo", "args": [42]},
            emit("a", "echo", json!(["still fine"])),
        ]),
    )
    .await;
    let err = error_ack(&r[1]);
    assert_eq!(err["code"], "invalid_payload");
    assert_eq!(err["namespace"], "/");
    assert_eq!(err["event"], "echo");
    assert!(
        err["violations"][0]["message"]
            .as_str()
            .unwrap()
            .contains("longer than 20"),
        "{err}"
    );
    assert_eq!(r[3], json!({"ack": ["still fine"]}));
}

#[tokio::test]
async fn formats_are_asserted_and_violations_carry_instance_paths() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            emit("a", "user", json!([{"email": "not-an-email", "age": -1}])),
            emit(
                "a",
                "user",
                json!([{"email": "ada@example.com", "age": 36}])
            ),
        ]),
    )
    .await;
    let err = error_ack(&r[1]);
    let paths: Vec<&str> = err["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["instancePath"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"/email") && paths.contains(&"/age"),
        "{err}"
    );
    assert_eq!(r[2], json!({"ack": ["ada@example.com"]}));
}

#[tokio::test]
async fn invalid_handler_ack_becomes_error_ack() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([connect("a", "/"), emit("a", "bad ack", json!(["x"]))]),
    )
    .await;
    assert_eq!(error_ack(&r[1])["code"], "invalid_server_ack");
}

#[tokio::test]
async fn unknown_event_is_refused_like_an_invalid_one() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            emit("a", "not in the document", json!([1]))
        ]),
    )
    .await;
    assert_eq!(error_ack(&r[1])["code"], "unknown_event");
}

#[tokio::test]
async fn spread_schema_takes_several_arguments_not_one_array() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            emit("a", "move", json!([3, "up"])),
            emit("a", "move", json!([[3, "up"]])),
        ]),
    )
    .await;
    assert_eq!(r[1], json!({"ack": ["up3"]}));
    assert_eq!(error_ack(&r[2])["code"], "invalid_payload");
}

#[tokio::test]
async fn single_schema_takes_one_array_argument_not_several() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            emit("a", "list", json!([[1, 2, 3]])),
            emit("a", "list", json!([1, 2, 3])),
        ]),
    )
    .await;
    assert_eq!(r[1], json!({"ack": [3]}));
    let err = error_ack(&r[2]);
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("expected exactly 1 argument, got 3"),
        "{err}"
    );
}

#[tokio::test]
async fn invalid_emit_is_not_sent_and_caller_gets_the_error() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            emit("a", "try invalid emit", json!([])),
            {"op": "events", "id": "a"},
        ]),
    )
    .await;
    assert!(
        r[1]["ack"][0].as_str().unwrap().starts_with("refused: "),
        "{}",
        r[1]
    );
    assert_eq!(r[2], json!([]), "nothing may reach the client");
}

#[tokio::test]
async fn client_acks_are_validated_before_the_caller_sees_them() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("ok", "/"),
            {"op": "answer", "id": "ok", "event": "question", "reply": [5]},
            emit("ok", "ask client", json!([])),
            connect("bad", "/"),
            {"op": "answer", "id": "bad", "event": "question", "reply": [-1]},
            emit("bad", "ask client", json!([])),
        ]),
    )
    .await;
    assert_eq!(r[2], json!({"ack": ["ok:5"]}));
    assert_eq!(r[5], json!({"ack": ["err:invalid"]}));
}

#[tokio::test]
async fn binary_attachments_reach_the_handler() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            {"op": "emit_binary", "id": "a", "event": "upload", "text": "abcd", "ack": true},
        ]),
    )
    .await;
    assert_eq!(r[1], json!({"ack": [4]}));
}

#[tokio::test]
async fn panicking_handler_answers_internal_error_and_server_survives() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            emit("a", "panic", json!([])),
            emit("a", "echo", json!(["alive"])),
        ]),
    )
    .await;
    assert_eq!(error_ack(&r[1])["code"], "internal_error");
    assert_eq!(r[2], json!({"ack": ["alive"]}));
}

#[tokio::test]
async fn handshake_query_is_typed_and_headers_case_insensitive() {
    let (addr, _) = start().await;
    let ok_headers = json!({"x-client": "tests"});
    let r = node(addr, "/socket.io", json!([
        {"op": "connect", "id": "none", "ns": "/limited", "transports": ["polling"], "headers": ok_headers},
        {"op": "connect", "id": "big", "ns": "/limited", "query": {"limit": "50"}, "transports": ["polling"], "headers": ok_headers},
        {"op": "connect", "id": "nohdr", "ns": "/limited", "query": {"limit": "5"}, "transports": ["polling"]},
        {"op": "connect", "id": "ok", "ns": "/limited", "query": {"limit": "5"}, "transports": ["polling"], "headers": ok_headers},
        emit("ok", "ping", json!([])),
    ]))
    .await;
    let refused = |v: &Value| v["connect_error"].as_str().unwrap_or_default().to_owned();
    assert!(
        refused(&r[0]).starts_with("invalid_handshake: /query: \"limit\" is a required property"),
        "{}",
        r[0]
    );
    assert!(
        refused(&r[1]).starts_with("invalid_handshake: /query/limit: 50 is greater than"),
        "{}",
        r[1]
    );
    assert!(refused(&r[2]).contains("/headers"), "{}", r[2]);
    assert_eq!(r[3], json!({"connected": true}));
    assert_eq!(r[4], json!({"ack": [true]}));
}

#[tokio::test]
async fn unknown_namespace_is_refused() {
    let (addr, _) = start().await;
    let r = node(addr, "/socket.io", json!([connect("a", "/nowhere")])).await;
    assert_eq!(r[0]["connect_error"], "Invalid namespace");
}

#[tokio::test]
async fn error_handler_receives_refusals_and_its_return_is_the_ack() {
    let (addr, log) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/with_error_handler"),
            {"op": "expect", "id": "a", "event": "welcome"},
            {"op": "emit", "id": "a", "event": "echo", "args": [1]},
            {"op": "expect", "id": "a", "event": "echo errors"},
            emit("a", "echo", json!([2])),
            {"op": "disconnect", "id": "a"},
            {"op": "sleep", "ms": 200},
        ]),
    )
    .await;
    assert_eq!(
        r[1],
        json!({"args": ["hello"]}),
        "the connect handler's emit arrives after CONNECT"
    );
    assert_eq!(r[3], json!({"args": [{"code": "invalid_payload"}]}));
    assert_eq!(r[4], json!({"ack": [{"handled": "invalid_payload"}]}));
    let log = log.lock().unwrap().clone();
    assert_eq!(
        log,
        vec![
            "error:invalid_payload",
            "error:invalid_payload",
            "disconnect"
        ]
    );
}

#[tokio::test]
async fn connect_handler_can_refuse_with_its_message() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            {"op": "connect", "id": "a", "ns": "/with_error_handler", "auth": {"deny": true}},
        ]),
    )
    .await;
    assert_eq!(r[0]["connect_error"], "denied by the connect handler");
}

#[tokio::test]
async fn validation_off_lets_everything_through() {
    let built = app()
        .validation(false)
        .with_state(Log::default())
        .build()
        .unwrap();
    let addr = serve(built.into_router()).await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            emit("a", "echo", json!(["this text is much longer than twenty characters"])),
            {"op": "connect", "id": "b", "ns": "/limited"},
        ]),
    )
    .await;
    assert_eq!(
        r[1],
        json!({"ack": ["this text is much longer than twenty characters"]})
    );
    assert_eq!(r[2], json!({"connected": true}));
}

#[test]
fn build_lists_every_missing_and_unknown_handler() {
    let err = AsynctionSocketIo::from_spec(FIXTURE)
        .unwrap()
        .handler("echo", echo)
        .handler("not_in_document", noop)
        .build()
        .err()
        .expect("missing handlers must fail the build");
    let BuildError::Handlers { missing, unknown } = &err else {
        panic!("{err}")
    };
    let ids: Vec<&str> = missing.iter().map(|(id, _)| id.as_str()).collect();
    for id in [
        "bad_ack",
        "noop",
        "move",
        "ping",
        "on_error",
        "on_connect",
        "on_disconnect",
    ] {
        assert!(ids.contains(&id), "{id} missing from {err}");
    }
    assert_eq!(unknown, &vec!["not_in_document".to_owned()]);
    let text = err.to_string();
    assert!(
        text.contains("'on_connect' (namespace /with_error_handler x-handlers.connect)"),
        "{text}"
    );
}

#[test]
fn unknown_server_name_is_a_build_error() {
    let err = app()
        .server("production")
        .with_state(Log::default())
        .build()
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("the document has no server 'production'"),
        "{err}"
    );
}

#[tokio::test]
async fn built_server_serves_docs_beside_socketio() {
    let built = app().with_state(Log::default()).build().unwrap();
    assert_eq!(built.docs_path().as_deref(), Some("/docs"));
    let addr = serve(built.into_router()).await;
    let (status, body) = http_get(addr, "/docs").await;
    assert_eq!(status, 200);
    assert!(body.contains("Server behaviour fixture"), "{body}");
    let (status, body) = http_get(addr, "/docs/asyncapi.json").await;
    assert_eq!(status, 200);
    assert!(body.contains("\"with_error_handler\"") || body.contains("/with_error_handler"));
    let built = app()
        .docs(false)
        .with_state(Log::default())
        .build()
        .unwrap();
    let addr = serve(built.into_router()).await;
    assert_eq!(http_get(addr, "/docs").await.0, 404);
}

#[cfg(feature = "msgpack")]
#[tokio::test]
async fn msgpack_parser_validates_the_same_way() {
    let built = app()
        .msgpack(true)
        .with_state(Log::default())
        .build()
        .unwrap();
    let addr = serve(built.into_router()).await;
    let r = asynction_testkit::node_msgpack(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            emit("a", "echo", json!(["hi"])),
            {"op": "expect", "id": "a", "event": "echoed"},
            emit("a", "echo", json!([42])),
            emit("a", "move", json!([3, "up"])),
            {"op": "emit_binary", "id": "a", "event": "upload", "text": "abcd", "ack": true},
            emit("a", "unknown", json!([])),
        ]),
    )
    .await;
    assert_eq!(r[0], json!({"connected": true}));
    assert_eq!(r[1], json!({"ack": ["hi"]}));
    assert_eq!(r[2], json!({"args": ["hi"]}));
    assert_eq!(error_ack(&r[3])["code"], "invalid_payload");
    assert_eq!(r[4], json!({"ack": ["up3"]}));
    assert_eq!(
        r[5],
        json!({"ack": [4]}),
        "a msgpack binary arrives as bytes"
    );
    assert_eq!(error_ack(&r[6])["code"], "unknown_event");
}

#[tokio::test]
async fn acks_from_many_clients_are_validated_one_by_one() {
    let (addr, _) = start().await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("five", "/"),
            {"op": "answer", "id": "five", "event": "question", "reply": [5]},
            emit("five", "join", json!(["r"])),
            connect("seven", "/"),
            {"op": "answer", "id": "seven", "event": "question", "reply": [7]},
            emit("seven", "join", json!(["r"])),
            connect("negative", "/"),
            {"op": "answer", "id": "negative", "event": "question", "reply": [-1]},
            emit("negative", "join", json!(["r"])),
            connect("outsider", "/"),
            {"op": "answer", "id": "outsider", "event": "question", "reply": [100]},
            emit("five", "poll", json!([])),
        ]),
    )
    .await;
    assert_eq!(
        r[11],
        json!({"ack": [{"ok": [5, 7], "invalid": 1, "unanswered": 0}]}),
        "{r:?}"
    );
}

// ---- events routed in code with `.on(namespace, event, handler)` ----

const ROUTES: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/tests/fixtures/server/routes.yaml"
);

async fn shout(socket: ValidatedSocket, Payload(text): Payload<String>) -> Ack<String> {
    let loud = text.to_uppercase();
    socket
        .emit("shouted", &loud)
        .expect("a string is a valid `shouted`");
    Ack(loud)
}

async fn whisper(Payload(text): Payload<String>) -> Ack<String> {
    Ack(text.to_lowercase())
}

async fn enter(State(log): State<Log>, Payload(room): Payload<String>) -> Ack<usize> {
    let mut log = log.lock().unwrap();
    log.push(room);
    Ack(log.len())
}

fn routed() -> AsynctionSocketIo<Log> {
    AsynctionSocketIo::from_spec(ROUTES)
        .unwrap()
        .on("/", "shout", shout)
        .handler("whisper", whisper)
        .on("/rooms", "enter", enter)
}

#[tokio::test]
async fn event_routed_with_on_is_validated_handled_and_acked() {
    let log = Log::default();
    let built = routed().with_state(log.clone()).build().unwrap();
    let addr = serve(built.into_router()).await;
    let r = node(
        addr,
        "/socket.io",
        json!([
            connect("a", "/"),
            emit("a", "shout", json!(["hey"])),
            {"op": "expect", "id": "a", "event": "shouted"},
            emit("a", "shout", json!(["far too long to shout"])),
            emit("a", "whisper", json!(["PSST"])),
            connect("b", "/rooms"),
            emit("b", "enter", json!(["lobby"])),
        ]),
    )
    .await;
    assert_eq!(r[1], json!({"ack": ["HEY"]}), "{r:?}");
    assert_eq!(r[2], json!({"args": ["HEY"]}), "{r:?}");
    assert_eq!(
        error_ack(&r[3])["code"],
        "invalid_payload",
        "a routed event is validated like any other: {r:?}"
    );
    assert_eq!(r[4], json!({"ack": ["psst"]}), "{r:?}");
    assert_eq!(r[6], json!({"ack": [1]}), "{r:?}");
    assert_eq!(*log.lock().unwrap(), ["lobby"]);
}

fn route_errors(builder: AsynctionSocketIo<Log>) -> Vec<RouteError> {
    match builder.with_state(Log::default()).build() {
        Err(BuildError::Routes(errors)) => errors,
        Err(other) => panic!("expected route errors, got {other}"),
        Ok(_) => panic!("expected route errors, the server built"),
    }
}

#[test]
fn route_to_an_unknown_namespace_or_event_is_a_build_error_naming_both() {
    let errors = route_errors(
        routed()
            .on("/nowhere", "shout", shout)
            .on("/rooms", "leave", enter),
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert!(
        matches!(&errors[0], RouteError::UnknownNamespace { namespace, event, .. }
            if namespace == "/nowhere" && event == "shout"),
        "{errors:?}"
    );
    assert!(
        text[0].contains("/nowhere") && text[0].contains("'shout'") && text[0].contains("/rooms"),
        "{}",
        text[0]
    );
    assert!(
        matches!(&errors[1], RouteError::UnknownEvent { namespace, event, .. }
            if namespace == "/rooms" && event == "leave"),
        "{errors:?}"
    );
    assert!(
        text[1].contains("/rooms") && text[1].contains("'leave'") && text[1].contains("'enter'"),
        "{}",
        text[1]
    );
}

#[test]
fn event_sent_by_the_server_only_cannot_be_routed() {
    let errors = route_errors(routed().on("/", "shouted", shout));
    assert!(
        matches!(&errors[..], [RouteError::UnknownEvent { event, .. }] if event == "shouted"),
        "{errors:?}"
    );
}

#[test]
fn event_with_an_x_handler_routed_with_on_too_is_a_build_error() {
    let errors = route_errors(routed().on("/", "whisper", whisper));
    assert_eq!(
        errors,
        [RouteError::AlsoXHandler {
            namespace: "/".into(),
            event: "whisper".into(),
            handler_id: "whisper".into(),
        }]
    );
    assert!(errors[0].to_string().contains("x-handler 'whisper'"));
}

#[test]
fn event_routed_twice_is_a_build_error() {
    let errors = route_errors(routed().on("/", "shout", shout));
    assert_eq!(
        errors,
        [RouteError::Duplicate {
            namespace: "/".into(),
            event: "shout".into(),
        }]
    );
}

#[test]
fn unrouted_event_without_x_handler_is_missing_and_the_message_says_how_to_route_it() {
    let err = AsynctionSocketIo::from_spec(ROUTES)
        .unwrap()
        .handler("whisper", whisper)
        .on("/", "shout", shout)
        .build()
        .err()
        .expect("/rooms enter has no handler");
    let BuildError::Handlers { missing, unknown } = &err else {
        panic!("expected missing handlers, got {err}");
    };
    assert!(unknown.is_empty(), "{err}");
    assert_eq!(missing.len(), 1, "{err}");
    assert!(
        missing[0].1.contains(r#".on("/rooms", "enter", handler)"#),
        "{err}"
    );
}
