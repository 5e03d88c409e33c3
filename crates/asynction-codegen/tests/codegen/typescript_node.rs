//! Generated TypeScript clients (with `--runtime-checks`), compiled by `tsc` and run by Node
//! (`tests/peers/ts-client.mjs`) against the running `user_accounts` and `chat` examples, the
//! `asynction mock` server, and a Node socket.io server that breaks the document.
//!
//! The example binaries and the `asynction` binary are the ones `cargo test --workspace` builds
//! next to this test binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use asynction_codegen::typescript::{TypeScriptOptions, generate};
use asynction_spec::Document;
use asynction_testkit::free_port;
use asynction_testkit::process::{Example, ServerProcess, built};
use serde_json::{Value, json};

use crate::repo;
use crate::typescript::{assert_tsc_ok, workspace};

/// Example `name` as its own process (output discarded), and its URL.
fn example(name: &str) -> (ServerProcess, String) {
    let server = Example::new(name).quiet().start();
    let url = format!("http://{}", server.addr);
    (server, url)
}

/// A compiled client: its temporary directory (removed on drop) and `dist/index.js`.
struct Client {
    _dir: tempfile::TempDir,
    index_js: PathBuf,
}

/// Generates the package of `spec` with runtime checks and compiles it with its own tsconfig.
fn compiled_client(spec: &str) -> Client {
    let doc = Document::from_path(repo(spec)).expect("loads");
    let package = generate(
        &doc,
        &TypeScriptOptions {
            runtime_checks: true,
            ..TypeScriptOptions::default()
        },
    )
    .expect("generated");
    let temp = workspace();
    let dir = temp.path().to_path_buf();
    package.write(&dir).expect("written");
    assert_tsc_ok(&dir, &["-p", "."], spec);
    Client {
        index_js: dir.join("dist/index.js"),
        _dir: temp,
    }
}

/// Runs a scenario of `tests/peers/ts-client.mjs`; its JSON result.
fn drive(scenario: &str, index_js: &Path, base_url: Option<&str>) -> Value {
    let mut command = Command::new("node");
    command
        .arg(repo("tests/peers/ts-client.mjs"))
        .arg(scenario)
        .arg(index_js);
    if let Some(url) = base_url {
        command.arg(url);
    }
    let out = command.output().expect("node runs");
    assert!(
        out.status.success(),
        "ts-client.mjs {scenario}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON line")
}

#[test]
fn generated_client_talks_to_the_user_accounts_example() {
    let client = compiled_client("examples/user_accounts/asyncapi.yaml");
    let (_server, url) = example("user_accounts");
    let result = drive("user_accounts", &client.index_js, Some(&url));
    assert_eq!(
        result,
        json!({"loggedIn": true, "metrics": ["signup", "login"], "invalid": []})
    );
}

#[test]
fn generated_client_talks_to_the_chat_example() {
    let client = compiled_client("examples/chat/asyncapi.yaml");
    let (_server, url) = example("chat");
    let result = drive("chat", &client.index_js, Some(&url));
    assert_eq!(
        result,
        json!({
            "addA": {"error": null},
            "addB": {"error": null},
            "login": {"numUsers": 1},
            "joined": {"username": "bob", "numUsers": 2},
            "message": {"username": "ada", "message": "hello"},
            "rooms": ["lobby"],
            "invalid": []
        })
    );
}

#[test]
fn generated_client_talks_to_the_mock_server() {
    let client = compiled_client("examples/chat/asyncapi.yaml");
    let port = free_port();
    let mut command = Command::new(built("asynction"));
    command
        .current_dir(repo(""))
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command.args([
        "mock",
        "run",
        "--spec",
        "examples/chat/asyncapi.yaml",
        "--port",
        &port.to_string(),
        "--interval",
        "0.1",
        "--seed",
        "7",
        "--no-docs",
    ]);
    let _mock = ServerProcess::start(&mut command, port, "asynction mock");
    let result = drive(
        "mock_chat",
        &client.index_js,
        Some(&format!("http://127.0.0.1:{port}")),
    );
    // The fake ack and fake events passed the client's checks: typed listeners saw them.
    assert!(
        result["ack"]["error"].is_string() || result["ack"]["error"].is_null(),
        "{result}"
    );
    assert!(
        result["events"].as_array().is_some_and(|e| e.len() >= 2),
        "{result}"
    );
    assert_eq!(result["invalid"], json!([]), "{result}");
}

#[test]
fn runtime_checks_refuse_bad_emits_and_divert_bad_server_events() {
    let client = compiled_client("tests/fixtures/typescript/shapes-2.6.yaml");
    let result = drive("runtime", &client.index_js, None);
    // An invalid outgoing payload throws a typed error before anything is sent.
    assert_eq!(
        result["thrown"],
        json!({
            "name": "InvalidPayloadError",
            "event": "ticket",
            "violations": [{"path": "/priority", "message": "Invalid option: expected one of \"low\"|\"high\""}],
            "isError": true
        })
    );
    let mut received = result["received"]
        .as_array()
        .expect("received")
        .iter()
        .filter_map(|r| r["args"][0]["title"].as_str());
    assert!(
        !received.any(|title| title == "a"),
        "the invalid ticket was sent: {result}"
    );
    // Valid emits are acked with typed values.
    assert_eq!(result["ack"], json!({"id": 7}));
    // The valid server event reached the typed listener, the invalid one and the event the
    // document does not have went to `invalid` only; a bad ack never reached its callback.
    assert_eq!(
        result["typed"],
        json!(["open", "ack refused: InvalidPayloadError"])
    );
    let invalid: Vec<(&str, &str)> = result["invalid"]
        .as_array()
        .expect("invalid")
        .iter()
        .map(|i| {
            (
                i["event"].as_str().unwrap_or(""),
                i["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        invalid,
        [
            ("status", "event"),
            ("not in the document", "event"),
            ("ticket", "ack"),
            ("ticket", "ack")
        ],
        "{result}"
    );
    assert_eq!(
        result["invalid"][0]["violations"][0]["path"], "/state",
        "{result}"
    );
    // With a timeout, a bad ack rejects with an InvalidAckError.
    assert_eq!(result["timedAck"]["name"], "InvalidAckError");
    // The client's own ack to `ask` was checked: the invalid one threw, the valid one was sent.
    assert!(
        result["received"]
            .as_array()
            .expect("received")
            .contains(&json!({"event": "ask ack", "args": [true]})),
        "{result}"
    );
}
