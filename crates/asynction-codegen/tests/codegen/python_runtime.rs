//! Generated Python clients, installed into the tests' venv and run with real python-socketio
//! (`tests/peers/py_client.py`) against the running `user_accounts` and `chat` examples, the
//! `asynction mock` server, and a Node socket.io server that breaks the document
//! (`tests/peers/py-breaking-server.mjs`).
//!
//! The example binaries and the `asynction` binary are the ones `cargo test --workspace` builds
//! next to this test binary.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use asynction_codegen::python::{PythonOptions, generate};
use asynction_spec::Document;
use serde_json::{Value, json};

use super::python::{pip_install, repo, venv_python};

/// `target/<profile>/<relative>`, from this test binary's `target/<profile>/deps/…`.
fn built(relative: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test binary");
    let path = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .join(relative);
    assert!(
        path.exists(),
        "{} is not built (plain `cargo test --workspace --all-features` builds it; with `--test` run \
         `cargo build --all-features --examples -p asynction -p asynction-cli` first)",
        path.display()
    );
    path
}

/// A process killed on drop.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Starts `command` and waits until it listens on `port`.
fn serve(mut command: Command, port: u16, what: &str) -> Running {
    let child = command
        .current_dir(repo(""))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let mut running = Running(child);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(addr).is_err() {
        if let Ok(Some(status)) = running.0.try_wait() {
            panic!("{what} exited: {status}");
        }
        assert!(Instant::now() < deadline, "{what} did not start listening");
        std::thread::sleep(Duration::from_millis(25));
    }
    running
}

fn example(name: &str) -> (Running, String) {
    let port = free_port();
    let mut command = Command::new(built(&format!("examples/{name}")));
    command.env("PORT", port.to_string());
    (
        serve(command, port, &format!("the {name} example")),
        format!("http://127.0.0.1:{port}"),
    )
}

fn mock(spec: &str) -> (Running, String) {
    let port = free_port();
    let mut command = Command::new(built("asynction"));
    command.args([
        "mock",
        "run",
        "--spec",
        spec,
        "--port",
        &port.to_string(),
        "--interval",
        "0.1",
        "--seed",
        "7",
        "--no-docs",
    ]);
    (
        serve(command, port, "asynction mock"),
        format!("http://127.0.0.1:{port}"),
    )
}

/// Generates the package of `spec` as `name` and installs it into the venv.
fn installed(spec: &str, name: &str) -> tempfile::TempDir {
    let doc = Document::from_path(repo(spec)).expect("loads");
    let package = generate(
        &doc,
        &PythonOptions {
            package_name: Some(name.to_owned()),
            ..PythonOptions::default()
        },
    )
    .expect("generated");
    let dir = tempfile::tempdir().expect("temp dir");
    package.write(dir.path()).expect("written");
    pip_install(&[dir.path().to_path_buf()]);
    dir
}

/// Runs a scenario of `tests/peers/py_client.py` with the package `name`; its JSON result.
fn drive(scenario: &str, name: &str, base_url: &str) -> Value {
    let out = Command::new(venv_python())
        .arg(repo("tests/peers/py_client.py"))
        .args([scenario, name, base_url])
        .current_dir(std::env::temp_dir())
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "py_client.py {scenario}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON line")
}

#[test]
fn python_client_talks_to_the_user_accounts_example() {
    let _package = installed("examples/user_accounts/asyncapi.yaml", "rt_user_accounts");
    let (_server, url) = example("user_accounts");
    let result = drive("user_accounts", "rt_user_accounts", &url);
    assert_eq!(
        result,
        json!({
            "loggedIn": true,
            "syncLoggedIn": true,
            "metrics": ["signup", "login"],
            // Checked before sending: the server never saw it.
            "thrown": {"event": "log in", "paths": ["/password"]},
            "invalid": []
        })
    );
}

#[test]
fn python_client_talks_to_the_chat_example() {
    let _package = installed("examples/chat/asyncapi.yaml", "rt_chat");
    let (_server, url) = example("chat");
    let result = drive("chat", "rt_chat", &url);
    assert_eq!(
        result,
        json!({
            "addA": {"error": null},
            "addB": {"error": null},
            "login": {"numUsers": 1},
            "joined": {"username": "bob", "numUsers": 2},
            "message": {"type": "RootNewMessagePayload", "username": "ada", "message": "hello"},
            "rooms": ["lobby"],
            "thrown": {"event": "join room", "paths": [""]},
            "invalid": []
        })
    );
}

#[test]
fn python_client_talks_to_the_mock_server() {
    let _package = installed("examples/chat/asyncapi.yaml", "rt_mock_chat");
    let (_mock, url) = mock("examples/chat/asyncapi.yaml");
    let result = drive("mock_chat", "rt_mock_chat", &url);
    // The fake ack and fake events passed the client's checks: typed handlers saw models.
    assert_eq!(result["ack"], "AddUserAck", "{result}");
    assert!(
        result["events"].as_array().is_some_and(|e| e.len() >= 2),
        "{result}"
    );
    assert_eq!(result["invalid"], json!([]), "{result}");
}

#[test]
fn a_refusal_of_the_server_raises_refused_with_its_code() {
    let _package = installed("tests/fixtures/python/refusals-2.6.yaml", "rt_refusals");
    let (_mock, url) = mock("tests/fixtures/python/refusals-2.6.yaml");
    let result = drive("mock_refusals", "rt_refusals", &url);
    assert_eq!(
        result,
        json!({
            "accepted": "bool",
            "refused": {"code": "invalid_payload", "paths": [""], "event": "rename"},
            // A refused connection raises Refused too, with the connect_error's code.
            "connectRefused": {"code": "unauthorized"},
            "connectedWithToken": true
        })
    );
}

#[test]
fn invalid_values_are_refused_before_sending_and_bad_server_events_reach_on_invalid() {
    let _package = installed("tests/fixtures/typescript/shapes-2.6.yaml", "rt_shapes");
    let mut server = Command::new("node")
        .arg(repo("tests/peers/py-breaking-server.mjs"))
        .current_dir(repo("tests/peers"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node runs");
    let stdout = server.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let first: Value = serde_json::from_str(&lines.next().expect("a line").expect("utf-8"))
        .expect("{\"port\": N}");
    let url = format!("http://127.0.0.1:{}", first["port"]);
    let server = Running(server);
    let result = drive("runtime", "rt_shapes", &url);
    drop(server);
    let received: Vec<Value> = lines
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect();
    // An invalid outgoing value raises before anything is sent.
    assert_eq!(
        result["thrown"],
        json!({
            "event": "ticket",
            "paths": ["/priority"],
            "text": "invalid payload for 'ticket' (nothing was sent): /priority: Input should be 'low' or 'high'"
        })
    );
    let titles: Vec<&str> = received
        .iter()
        .filter(|r| r["event"] == "ticket")
        .filter_map(|r| r["args"][0]["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        ["valid", "bad ack", "refuse", "silent"],
        "{received:?}"
    );
    // Valid calls are acked with typed values; spread arguments are several arguments.
    assert_eq!(result["ack"], json!({"id": 7}));
    assert_eq!(result["moved"], "ok");
    assert!(
        received.contains(&json!({"event": "move", "args": [1, "up"]})),
        "{received:?}"
    );
    // Credentials and query as the document says.
    assert!(
        received.contains(&json!({"event": "connection", "auth": {"token": "t"}, "lang": "en"})),
        "{received:?}"
    );
    // A bad ack raises InvalidAck; asynction's error object raises Refused; no ack times out.
    assert_eq!(
        result["badAck"],
        json!({"event": "ticket", "paths": ["/id"]})
    );
    assert_eq!(
        result["refused"],
        json!({"code": "handler_error", "message": "tickets are closed", "paths": ["/title"]})
    );
    assert_eq!(result["timedOut"], json!({"event": "ticket"}));
    // The valid server event reached the typed handler as a model (an aware datetime); the
    // invalid one, the one the document lacks and the bad ack went to `on_invalid` only.
    assert_eq!(
        result["typed"],
        json!([{"state": "open", "at": "datetime", "tz": true}, {"ask": "ok?"}])
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
            // No handler for `tree`: it is checked all the same.
            ("tree", "event"),
            ("ticket", "ack")
        ],
        "{result}"
    );
    assert_eq!(
        result["invalid"][0]["violations"][0]["path"], "/state",
        "{result}"
    );
    // The client's ack to `ask` was checked and sent.
    assert!(
        received.contains(&json!({"event": "ask ack", "args": [true]})),
        "{received:?}"
    );
}
