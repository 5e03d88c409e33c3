//! Connection state recovery in the generated clients: for a document with
//! `x-socketio-recovery` (`tests/fixtures/server/recovery.yaml`) the TypeScript client (with
//! runtime checks, compiled by tsc) and the Python client opt in by themselves. Against an
//! asynction server in this process, the client's transport is closed under it, the server
//! emits while it is away, and the typed listeners get the missed events once, in order and
//! without the offset; an event that asks for an ack keeps its last (string) argument and does
//! not disturb the next recovery; the client says whether it was recovered.

use std::ffi::OsStr;
use std::time::Duration;

use asynction::{Ack, AsynctionSocketIo, ValidatedIo};
use asynction_codegen::typescript::{TypeScriptOptions, generate};
use asynction_spec::Document;
use asynction_testkit::peers::LinePeer;
use serde_json::{Value, json};

use crate::repo;
use crate::typescript::{assert_tsc_ok, workspace};

const FIXTURE: &str = "tests/fixtures/server/recovery.yaml";

async fn yes() -> Ack<bool> {
    Ack(true)
}

async fn whoami() -> Ack<Value> {
    Ack(json!({ "data": null, "rooms": [], "recovered": false }))
}

/// The fixture's server on a free port.
async fn serve() -> (String, ValidatedIo) {
    let app = AsynctionSocketIo::from_spec(repo(FIXTURE))
        .expect("the fixture loads")
        .handler("join", yes)
        .handler("say", yes)
        .handler("remember", yes)
        .handler("whoami", whoami)
        .build()
        .expect("the fixture's server builds");
    let io = app.io.clone();
    let addr = asynction_testkit::serve(app.into_router()).await;
    (format!("http://{addr}"), io)
}

async fn send(io: &ValidatedIo, text: &str) {
    io.of("/chat")
        .unwrap()
        .emit("message", &json!({ "text": text }))
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

/// The next line: a session, `recovered` as the event says and as the client says.
async fn session(peer: &mut LinePeer) -> (String, bool) {
    let line = peer.next().await;
    let recovered = line["session"]["recovered"]
        .as_bool()
        .unwrap_or_else(|| panic!("expected the session, got {line}"));
    assert_eq!(line["recovered"], recovered, "the client's flag: {line}");
    (
        line["session"]["pid"].as_str().unwrap().to_owned(),
        recovered,
    )
}

/// The next line is `event` with exactly `args`, as a typed listener got them.
async fn received(peer: &mut LinePeer, event: &str, args: Value) {
    assert_eq!(peer.next().await, json!({ "event": event, "args": args }));
}

fn message(text: &str) -> Value {
    json!([{ "text": text }])
}

/// The story every generated client goes through (its peer speaks the line protocol of
/// `tests/peers/ts-recovery.mjs`).
async fn lost_and_recovered(mut peer: LinePeer, io: &ValidatedIo) {
    let (pid, recovered) = session(&mut peer).await;
    assert!(!recovered);
    send(io, "m1").await;
    received(&mut peer, "message", message("m1")).await;

    drop_transport(&mut peer, io).await;
    send(io, "m2").await;
    send(io, "m3").await;
    peer.send("reconnect").await;
    assert_eq!(session(&mut peer).await, (pid.clone(), true));
    received(&mut peer, "message", message("m2")).await;
    received(&mut peer, "message", message("m3")).await;

    // An event that asks for an ack: its string argument is no offset.
    let answers = io
        .of("/chat")
        .unwrap()
        .emit_with_ack::<_, String>("question", "why?")
        .await
        .unwrap();
    received(&mut peer, "question", json!(["why?"])).await;
    let answers: Vec<String> = answers.into_iter().map(|(_, a)| a.unwrap()).collect();
    assert_eq!(answers, ["because why?"]);

    // The offset kept is still m3's: the next recovery replays m4 alone.
    drop_transport(&mut peer, io).await;
    send(io, "m4").await;
    peer.send("reconnect").await;
    assert_eq!(session(&mut peer).await, (pid, true));
    received(&mut peer, "message", message("m4")).await;
    send(io, "m5").await;
    received(&mut peer, "message", message("m5")).await;

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
    let (origin, io) = serve().await;
    let script = repo("tests/peers/ts-recovery.mjs");
    let index_js = temp.path().join("dist/index.js");
    let args: [&OsStr; 3] = [script.as_os_str(), index_js.as_os_str(), origin.as_ref()];
    let peer = LinePeer::start("the generated TypeScript client", "node", &args);
    lost_and_recovered(peer, &io).await;
}
