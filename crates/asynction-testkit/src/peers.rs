//! Real Socket.IO clients of other implementations, driven through JSON scenarios: the Node
//! `socket.io-client` (`tests/peers/sio-client.mjs`) and `python-socketio`
//! (`tests/peers/sio_client.py`). A scenario is a list of steps (`connect`, `emit`, `expect`,
//! `answer`, `pause`, `events`, …); the script prints one result per step as a JSON array.
//! Peers that run while the test acts on the server are [`LinePeer`]s: one JSON value a line
//! out, one command a line in.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::Once;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{ChildStdin, ChildStdout};

use crate::peers_dir;

static NPM: Once = Once::new();

/// Installs the npm peers (`tests/peers/package.json`) when any of them is missing, as a fresh
/// checkout has none (CI's `.ci/run` installs them up front with `scripts/install-peers.sh`).
pub fn ensure_node_peers() {
    NPM.call_once(|| {
        let peers = peers_dir();
        let manifest = std::fs::read_to_string(peers.join("package.json"))
            .expect("tests/peers/package.json is readable");
        let manifest: Value =
            serde_json::from_str(&manifest).expect("tests/peers/package.json is JSON");
        let missing = manifest["dependencies"]
            .as_object()
            .expect("tests/peers/package.json lists dependencies")
            .keys()
            .any(|name| {
                !peers
                    .join("node_modules")
                    .join(name)
                    .join("package.json")
                    .exists()
            });
        if !missing {
            return;
        }
        let status = std::process::Command::new("npm")
            .args([
                "install",
                "--ignore-scripts",
                "--no-audit",
                "--no-fund",
                "--prefix",
            ])
            .arg(&peers)
            .stdout(Stdio::null())
            .status()
            .expect("npm must be installed to run the peer tests (scripts/install-peers.sh)");
        assert!(
            status.success(),
            "npm install in tests/peers failed: {status}"
        );
    });
}

/// Runs `tests/peers/sio-client.mjs` with a scenario against `addr`; one result per step.
pub async fn node(addr: SocketAddr, path: &str, steps: Value) -> Vec<Value> {
    let scenario = json!({ "url": format!("http://{addr}"), "path": path, "steps": steps });
    node_scenario(scenario).await
}

/// Like [`node`], with the client speaking the MessagePack parser.
pub async fn node_msgpack(addr: SocketAddr, path: &str, steps: Value) -> Vec<Value> {
    let scenario = json!({
        "url": format!("http://{addr}"), "path": path, "parser": "msgpack", "steps": steps
    });
    node_scenario(scenario).await
}

async fn node_scenario(scenario: Value) -> Vec<Value> {
    ensure_node_peers();
    let script = peers_dir().join("sio-client.mjs");
    run_json(
        "node",
        &[script.as_os_str(), scenario.to_string().as_ref()],
        &peers_dir(),
    )
    .await
}

/// Runs `tests/peers/sio_client.py` (python-socketio) with a scenario against `addr`.
pub async fn python(addr: SocketAddr, path: &str, steps: Value) -> Vec<Value> {
    let scenario = json!({ "url": format!("http://{addr}"), "path": path, "steps": steps });
    let script = peers_dir().join("sio_client.py");
    run_json(
        &python_bin(),
        &[script.as_os_str(), scenario.to_string().as_ref()],
        &peers_dir(),
    )
    .await
}

/// The Python interpreter with python-socketio and prometheus-client: `ASYNCTION_PYTHON`, else
/// `python3`.
pub fn python_bin() -> String {
    std::env::var("ASYNCTION_PYTHON").unwrap_or_else(|_| "python3".into())
}

async fn run_json(program: &str, args: &[&std::ffi::OsStr], cwd: &Path) -> Vec<Value> {
    let output = tokio::process::Command::new(program)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{program} failed: {}\nstdout: {stdout}\nstderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let last = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("{program} printed no JSON ({e}): {stdout}"))
}

/// The error object of an error ack in a scenario result (`{"ack": [{"error": {...}}]}`), or
/// panics with the result.
pub fn error_ack(result: &Value) -> &Value {
    result
        .get("ack")
        .and_then(|a| a.get(0))
        .and_then(|a| a.get("error"))
        .unwrap_or_else(|| panic!("expected an error ack, got {result}"))
}

/// A Node `socket.io-client` scenario the test interleaves with its own actions: the scenario
/// stops at each `{"op": "pause", "label": …}` step until [`Scenario::resume`].
pub struct Scenario {
    child: tokio::process::Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Scenario {
    /// Starts the scenario against `addr` (Socket.IO path `/socket.io`).
    pub fn start(addr: SocketAddr, steps: Value) -> Self {
        ensure_node_peers();
        let scenario =
            json!({ "url": format!("http://{addr}"), "path": "/socket.io", "steps": steps });
        let mut child = tokio::process::Command::new("node")
            .arg(peers_dir().join("sio-client.mjs"))
            .arg(scenario.to_string())
            .current_dir(peers_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node must be installed");
        let stdin = child.stdin.take().expect("piped stdin");
        let lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        Self {
            child,
            stdin,
            lines,
        }
    }

    async fn next_line(&mut self) -> Option<String> {
        tokio::time::timeout(Duration::from_secs(60), self.lines.next_line())
            .await
            .expect("the scenario hung")
            .expect("the scenario's output is readable")
    }

    /// Waits for the `pause` step labelled `label`.
    pub async fn paused(&mut self, label: &str) {
        let line = self.next_line().await.expect("the scenario ended early");
        assert_eq!(
            serde_json::from_str::<Value>(&line).expect("a JSON line"),
            json!({ "paused": label })
        );
    }

    /// Lets the scenario go on past its current pause.
    pub async fn resume(&mut self) {
        self.stdin
            .write_all(b"\n")
            .await
            .expect("write to the scenario");
        self.stdin
            .flush()
            .await
            .expect("flush the scenario's input");
    }

    /// Waits for the end of the scenario: one result per step.
    pub async fn finish(mut self) -> Vec<Value> {
        let mut last = None;
        while let Some(line) = self.next_line().await {
            last = Some(line);
        }
        assert!(
            self.child
                .wait()
                .await
                .expect("the scenario ends")
                .success(),
            "the scenario failed"
        );
        serde_json::from_str(&last.expect("no output")).expect("the scenario's results")
    }
}

/// A peer process the test talks to line by line while it acts on the server: the peer prints
/// one JSON value a line and reads one command a line (the recovery harnesses of
/// `tests/peers/`: `recovery-snippet.mjs`, `recovery_snippet.py`, …). Killed when dropped; its
/// standard error goes to the test's.
pub struct LinePeer {
    what: String,
    _child: tokio::process::Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
}

impl LinePeer {
    /// Starts `program` with `args` in `tests/peers` (Node resolves its packages there);
    /// `what` names it in failures.
    pub fn start(what: &str, program: &str, args: &[&std::ffi::OsStr]) -> Self {
        if program == "node" {
            ensure_node_peers();
        }
        let mut child = tokio::process::Command::new(program)
            .args(args)
            .current_dir(peers_dir())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {program} for {what}: {e}"));
        let stdin = child.stdin.take().expect("piped stdin");
        let lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        Self {
            what: what.to_owned(),
            _child: child,
            stdin,
            lines,
        }
    }

    /// The next JSON line the peer prints (at most 20 s away).
    pub async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(20), self.lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("{} printed nothing for 20 s", self.what))
            .unwrap_or_else(|e| panic!("the output of {} is unreadable: {e}", self.what))
            .unwrap_or_else(|| panic!("{} ended early (its stderr is above)", self.what));
        serde_json::from_str(&line).unwrap_or_else(|e| {
            panic!("{} printed a line that is no JSON ({e}): {line}", self.what)
        })
    }

    /// Sends the command `line`.
    pub async fn send(&mut self, line: &str) {
        self.stdin
            .write_all(format!("{line}\n").as_bytes())
            .await
            .unwrap_or_else(|e| panic!("cannot write to {}: {e}", self.what));
        self.stdin
            .flush()
            .await
            .unwrap_or_else(|e| panic!("cannot write to {}: {e}", self.what));
    }
}
