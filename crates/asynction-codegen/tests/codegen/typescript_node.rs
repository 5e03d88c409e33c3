//! Generated TypeScript clients (with `--runtime-checks`), compiled by `tsc` and run by Node
//! (`tests/peers/ts-client.mjs`) against the running `user_accounts` and `chat` examples, the
//! `asynction mock` server, and a Node socket.io server that breaks the document.
//!
//! The example binaries and the `asynction` binary are the ones `cargo test --workspace` builds
//! next to this test binary.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use asynction_codegen::typescript::{TypeScriptOptions, generate};
use asynction_spec::Document;
use serde_json::{Value, json};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

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

/// Starts `command` with its `PORT` (or `--port`) and waits until it listens.
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
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().to_path_buf();
    package.write(&dir).expect("written");
    let node_modules = repo("tests/peers/node_modules");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        std::fs::canonicalize(&node_modules).unwrap_or(node_modules),
        dir.join("node_modules"),
    )
    .expect("symlink");
    let out = Command::new("node")
        .arg(repo("tests/peers/node_modules/typescript/bin/tsc"))
        .args(["-p", "."])
        .current_dir(&dir)
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "tsc {spec}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
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
    let _mock = serve(command, port, "asynction mock");
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
    let received: Vec<&str> = result["received"]
        .as_array()
        .expect("received")
        .iter()
        .filter_map(|r| r["args"][0]["title"].as_str())
        .collect();
    assert!(
        !received.contains(&"a"),
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
