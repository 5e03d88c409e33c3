//! Connection state recovery in the generated clients: for a document with
//! `x-socketio-recovery` the TypeScript client (with runtime checks, compiled by tsc; of
//! `tests/fixtures/server/recovery.yaml`) and the Python client (asyncio and synchronous; of
//! `tests/fixtures/python/recovery.yaml`, whose event is `news`: python-socketio reserves
//! `message`) opt in by themselves. Against an
//! asynction server in this process, the client's transport is closed under it, the server
//! emits while it is away, and the typed listeners get the missed events once, in order and
//! without the offset; an event that asks for an ack keeps its last (string) argument and does
//! not disturb the next recovery; the client says whether it was recovered.

use std::ffi::OsStr;
use std::time::Duration;

use asynction::{Ack, AsynctionSocketIo, ValidatedIo};
use asynction_codegen::python::PythonOptions;
use asynction_codegen::typescript::{TypeScriptOptions, generate};
use asynction_spec::Document;
use asynction_testkit::peers::LinePeer;
use serde_json::{Value, json};

use crate::python::{pip_install, venv_python};
use crate::repo;
use crate::typescript::{assert_tsc_ok, workspace};

const FIXTURE: &str = "tests/fixtures/server/recovery.yaml";
const PYTHON_FIXTURE: &str = "tests/fixtures/python/recovery.yaml";

async fn yes() -> Ack<bool> {
    Ack(true)
}

async fn whoami() -> Ack<Value> {
    Ack(json!({ "data": null, "rooms": [], "recovered": false }))
}

/// The server of `fixture` on a free port.
async fn serve(fixture: &str) -> (String, ValidatedIo) {
    let mut builder = AsynctionSocketIo::from_spec(repo(fixture)).expect("the fixture loads");
    if fixture == FIXTURE {
        builder = builder
            .handler("join", yes)
            .handler("say", yes)
            .handler("remember", yes)
            .handler("whoami", whoami);
    }
    let app = builder.build().expect("the fixture's server builds");
    let io = app.io.clone();
    let addr = asynction_testkit::serve(app.into_router()).await;
    (format!("http://{addr}"), io)
}

async fn send(io: &ValidatedIo, event: &str, text: &str) {
    io.of("/chat")
        .unwrap()
        .emit(event, &json!({ "text": text }))
        .await
        .unwrap();
}

/// Closes the peer's transport and waits until the server keeps its session.
async fn drop_transport(peer: &mut LinePeer, io: &ValidatedIo) {
    let before = io.recovery_stats().unwrap().sessions;
    peer.send("drop").await;
    for _ in 0..250 {
        if io.recovery_stats().unwrap().sessions > before {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server did not keep the session of the lost client");
}

/// A session line: `recovered` as the event says and as the client says.
fn session(pid: &str, recovered: bool) -> Value {
    json!({ "session": { "pid": pid, "recovered": recovered }, "recovered": recovered })
}

/// A line of `event` with exactly `args`, as a typed listener got them.
fn received(event: &str, args: Value) -> Value {
    json!({ "event": event, "args": args })
}

fn message(event: &str, text: &str) -> Value {
    received(event, json!([{ "text": text }]))
}

/// The next lines are `expected`: in this order, or in any order when the client does not keep
/// the order (python-socketio's synchronous client runs a thread per packet).
async fn lines(peer: &mut LinePeer, expected: Vec<Value>, ordered: bool) {
    let mut got = Vec::new();
    for _ in 0..expected.len() {
        got.push(peer.next().await);
    }
    let mut expected = expected;
    if !ordered {
        got.sort_by_key(Value::to_string);
        expected.sort_by_key(Value::to_string);
    }
    assert_eq!(got, expected);
}

/// The story every generated client goes through, `event` being the server's event without an
/// ack (its peer speaks the line protocol of `tests/peers/ts-recovery.mjs`); `ordered`: whether
/// the client keeps the order of events.
async fn lost_and_recovered(mut peer: LinePeer, io: &ValidatedIo, event: &str, ordered: bool) {
    let send = |text: &'static str| send(io, event, text);
    let first = peer.next().await;
    let pid = first["session"]["pid"]
        .as_str()
        .unwrap_or_else(|| panic!("expected the session first, got {first}"))
        .to_owned();
    assert_eq!(first, session(&pid, false));
    send("m1").await;
    lines(&mut peer, vec![message(event, "m1")], ordered).await;

    drop_transport(&mut peer, io).await;
    send("m2").await;
    send("m3").await;
    peer.send("reconnect").await;
    let replay = vec![
        session(&pid, true),
        message(event, "m2"),
        message(event, "m3"),
    ];
    lines(&mut peer, replay, ordered).await;

    // An event that asks for an ack: its string argument is no offset.
    let answers = io
        .of("/chat")
        .unwrap()
        .emit_with_ack::<_, String>("question", "why?")
        .await
        .unwrap();
    lines(
        &mut peer,
        vec![received("question", json!(["why?"]))],
        ordered,
    )
    .await;
    let answers: Vec<String> = answers.into_iter().map(|(_, a)| a.unwrap()).collect();
    assert_eq!(answers, ["because why?"]);

    // The offset kept is still m3's: the next recovery replays m4 alone.
    drop_transport(&mut peer, io).await;
    send("m4").await;
    peer.send("reconnect").await;
    let replay = vec![session(&pid, true), message(event, "m4")];
    lines(&mut peer, replay, ordered).await;
    send("m5").await;
    lines(&mut peer, vec![message(event, "m5")], ordered).await;

    peer.send("done").await;
    assert_eq!(peer.next().await, json!({ "recovered": true }));
    let stats = io.recovery_stats().unwrap();
    assert_eq!((stats.recoveries, stats.replayed), (2, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typescript_client_recovers_by_itself_and_its_listeners_see_no_offset() {
    let doc = Document::from_path(repo(FIXTURE)).expect("loads");
    let package = generate(
        &doc,
        &TypeScriptOptions {
            runtime_checks: true,
            ..TypeScriptOptions::default()
        },
    )
    .expect("generated");
    let temp = workspace();
    package.write(temp.path()).expect("written");
    assert_tsc_ok(temp.path(), &["-p", "."], FIXTURE);
    let (origin, io) = serve(FIXTURE).await;
    let script = repo("tests/peers/ts-recovery.mjs");
    let index_js = temp.path().join("dist/index.js");
    let args: [&OsStr; 3] = [script.as_os_str(), index_js.as_os_str(), origin.as_ref()];
    let peer = LinePeer::start("the generated TypeScript client", "node", &args);
    lost_and_recovered(peer, &io, "message", true).await;
}

/// The Python client of the fixture, installed as `name`, through the story: the asyncio class,
/// or the synchronous one.
async fn python_client(name: &str, sync: bool) {
    let doc = Document::from_path(repo(PYTHON_FIXTURE)).expect("loads");
    let package = asynction_codegen::python::generate(
        &doc,
        &PythonOptions {
            package_name: Some(name.to_owned()),
            ..PythonOptions::default()
        },
    )
    .expect("generated");
    let temp = tempfile::tempdir().expect("temp dir");
    package.write(temp.path()).expect("written");
    pip_install(&[temp.path().to_path_buf()]);
    let (origin, io) = serve(PYTHON_FIXTURE).await;
    let script = repo("tests/peers/py_recovery.py");
    let python = venv_python();
    let mut args: Vec<&OsStr> = vec![script.as_os_str(), OsStr::new(name), origin.as_ref()];
    if sync {
        args.push(OsStr::new("sync"));
    }
    let peer = LinePeer::start(
        "the generated Python client",
        python.to_str().expect("a UTF-8 path"),
        &args,
    );
    lost_and_recovered(peer, &io, "news", !sync).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_python_client_recovers_by_itself_and_its_handlers_see_no_offset() {
    python_client("rt_recovery", false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_synchronous_python_client_recovers_too() {
    python_client("rt_recovery_sync", true).await;
}

/// `fixture` as written, with or without its `x-socketio-recovery`, at the root or on a server.
fn fixture_text(fixture: &str, recovery: Option<&str>) -> Document {
    let text = std::fs::read_to_string(repo(fixture)).expect("the fixture is readable");
    let mut lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with("x-socketio-recovery") && !l.starts_with("  maxDisconnection"))
        .collect();
    let server = "servers:\n  edge:\n    url: ws://localhost:5000\n    protocol: ws\n    x-socketio-recovery: {maxDisconnectionDuration: 5000}";
    match recovery {
        None => {}
        Some("root") => lines.insert(0, "x-socketio-recovery: {maxDisconnectionDuration: 5000}"),
        Some(_) => lines.insert(0, server),
    }
    Document::from_text(&lines.join("\n")).expect("the edited fixture loads")
}

fn file<'a>(package: &'a asynction_codegen::Package, suffix: &str) -> Option<&'a str> {
    package
        .files
        .iter()
        .find(|f| f.path.to_string_lossy().ends_with(suffix))
        .map(|f| f.contents.as_str())
}

#[test]
fn without_recovery_in_the_document_the_clients_have_nothing_of_it() {
    for runtime_checks in [false, true] {
        let options = TypeScriptOptions {
            runtime_checks,
            ..TypeScriptOptions::default()
        };
        let plain = generate(&fixture_text(FIXTURE, None), &options).expect("generated");
        let index = file(&plain, "src/index.ts").expect("src/index.ts");
        for token in [
            "recover(",
            "recoveryAuth",
            "RECOVERY_EVENT",
            "asynction:recovery",
        ] {
            assert!(!index.contains(token), "{token} in {index}");
        }
        assert!(index.contains(
            "const socket = io(url, { path: SOCKET_IO_PATH, ...options } as Partial<ManagerOptions & SocketOptions>);"
        ));
        let readme = file(&plain, "README.md").unwrap();
        assert!(!readme.contains("## Connection state recovery"), "{readme}");
        // Declared at the root or on any server: the client opts in.
        for place in ["root", "server"] {
            let on = generate(&fixture_text(FIXTURE, Some(place)), &options).expect("generated");
            let index = file(&on, "src/index.ts").expect("src/index.ts");
            assert!(
                index.contains("auth: recoveryAuth(state, options.auth)"),
                "{place}"
            );
            assert!(index.contains("\"asynction:recovery\": (session: RecoverySession) => void;"));
        }
    }
    let python = |recovery| {
        asynction_codegen::python::generate(
            &fixture_text(PYTHON_FIXTURE, recovery),
            &PythonOptions::default(),
        )
        .expect("generated")
    };
    let plain = python(None);
    assert!(file(&plain, "_recovery.py").is_none());
    for f in ["client.py", "__init__.py", "README.md"] {
        let text = file(&plain, f).unwrap();
        for token in [
            "_recovery",
            "Recovering",
            "RecoverySession",
            "on_recovery",
            "## Connection state recovery",
        ] {
            assert!(!text.contains(token), "{token} in {f}: {text}");
        }
    }
    for place in ["root", "server"] {
        let on = python(Some(place));
        assert!(file(&on, "_recovery.py").is_some(), "{place}");
        let client = file(&on, "client.py").unwrap();
        assert!(client.contains("class ChatNamespace(RecoveringAsyncNamespace):"));
        assert!(
            client.contains("_acked_events: ClassVar[FrozenSet[str]] = frozenset({\"question\"})")
        );
    }
}
