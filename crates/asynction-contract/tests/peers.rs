//! `asynction-contract` against real peers: the project's mock server (several documents) and
//! examples (0 violations), a Node socket.io server implementing a document correctly and with
//! one deliberate break each (each break found, named and shrunk, nothing else reported), and
//! the original Python Asynction (its known defects reported).

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use asynction::Document;
use asynction::mock::{MockOptions, MockServer};
use asynction_contract::{Options, Phase, Report, ViolationKind, run};
use asynction_testkit::process::{Example, ServerProcess};
use asynction_testkit::{free_port, root};
use serde_json::Value;

/// The mock server of `doc` on its own thread and runtime (as a separate server would be).
fn mock(doc: &Path) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let doc = Document::from_path(doc).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let options = MockOptions {
                interval: Duration::from_millis(100),
                seed: Some(1),
                ..MockOptions::default()
            };
            let server = MockServer::new(doc, options).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            server
                .serve(listener, async {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
    });
    (addr, tx)
}

/// Example `name` as its own process, its output discarded.
fn example(name: &str) -> ServerProcess {
    Example::new(name).quiet().start()
}

/// The Node contract server (`tests/peers/contract-server.mjs`) in `variant`.
fn node(variant: &str) -> ServerProcess {
    asynction_testkit::peers::ensure_node_peers();
    let port = free_port();
    ServerProcess::start(
        Command::new("node")
            .arg(asynction_testkit::peers_dir().join("contract-server.mjs"))
            .arg(port.to_string())
            .arg(variant)
            .stdout(Stdio::null()),
        port,
        "the Node contract server",
    )
}

fn options(addr: SocketAddr, seed: u64) -> Options {
    let mut o = Options::new(format!("http://{addr}"));
    o.seed = seed;
    o.examples = 15;
    o.listen = Duration::from_millis(300);
    o.timeout = Duration::from_secs(3);
    o
}

fn failures(report: &Report) -> Vec<String> {
    report
        .failures()
        .map(|c| {
            let f = c.failure.as_ref().unwrap();
            format!(
                "[{}] {} {} {}: {} {}",
                c.phase.name(),
                c.namespace,
                c.event,
                c.name,
                f.kind.code(),
                f.message
            )
        })
        .collect()
}

fn assert_clean(report: &Report, what: &str) {
    assert!(
        report.is_success(),
        "{what}: false positives:\n{}",
        failures(report).join("\n")
    );
    assert!(
        report.checks.len() > 5,
        "{what}: only {} checks",
        report.checks.len()
    );
}

/// Checks the JUnit file with Python's strict XML parser and the structure consumers read.
fn assert_junit(report: &Report) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    std::fs::write(&path, report.to_junit()).unwrap();
    let script = r#"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
total = failed = 0
for suite in root:
    assert suite.tag == "testsuite"
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases)
    f = sum(1 for c in cases if c.find("failure") is not None)
    assert int(suite.get("failures")) == f
    for c in cases:
        assert c.get("classname") and c.get("name") and float(c.get("time")) >= 0
        fl = c.find("failure")
        if fl is not None:
            assert fl.get("type") and fl.get("message") is not None and fl.text
    total += len(cases); failed += f
assert int(root.get("tests")) == total and int(root.get("failures")) == failed
print(total, failed)
"#;
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("python3 is installed");
    assert!(
        out.status.success(),
        "the JUnit file does not parse: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        counts.trim(),
        format!("{} {}", report.checks.len(), report.failures().count())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mock_servers_of_several_documents_pass() {
    for doc in [
        "examples/chat/asyncapi.yaml",
        "examples/user_accounts/asyncapi.yaml",
        "examples/conformance/asyncapi-2.6.yaml",
        "examples/conformance/asyncapi-3.0.yaml",
        "tests/fixtures/mock/keywords-2.6.yaml",
        "tests/fixtures/mock/keywords-3.0.yaml",
        "tests/fixtures/contract/tickets.yaml",
        "tests/fixtures/contract/secured.yaml",
    ] {
        let path = root().join(doc);
        let (addr, stop) = mock(&path);
        let document = Document::from_path(&path).unwrap();
        let report = run(&document, &options(addr, 11)).await.unwrap();
        assert_clean(&report, &format!("mock of {doc}"));
        let _ = stop.send(());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn project_examples_pass() {
    for (name, doc) in [
        ("chat", "examples/chat/asyncapi.yaml"),
        ("user_accounts", "examples/user_accounts/asyncapi.yaml"),
        ("conformance", "examples/conformance/asyncapi-2.6.yaml"),
    ] {
        let peer = example(name);
        let document = Document::from_path(root().join(doc)).unwrap();
        let report = run(&document, &options(peer.addr, 5)).await.unwrap();
        assert_clean(&report, &format!("example {name}"));
        assert_junit(&report);
    }
}

fn tickets() -> Document {
    Document::from_path(root().join("tests/fixtures/contract/tickets.yaml")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_server_implementing_the_document_passes() {
    let peer = node("none");
    let report = run(&tickets(), &options(peer.addr, 3)).await.unwrap();
    assert_clean(&report, "Node contract server");
    for phase in Phase::ALL {
        assert!(
            report.checks.iter().any(|c| c.phase == phase),
            "no {phase:?} checks"
        );
    }
    assert_junit(&report);
}

/// Runs the tickets document against a broken variant: every failure is of `kind`, on
/// `namespace`/`event` (any of `events`), and at least one is found.
async fn broken(
    variant: &str,
    kinds: &[ViolationKind],
    event: &[&str],
    timeout: Duration,
) -> Report {
    let peer = node(variant);
    let mut o = options(peer.addr, 3);
    o.timeout = timeout;
    let report = run(&tickets(), &o).await.unwrap();
    let all = failures(&report);
    assert!(!all.is_empty(), "{variant}: the break was not found");
    for c in report.failures() {
        let f = c.failure.as_ref().unwrap();
        assert!(
            kinds.contains(&f.kind) && event.contains(&c.event.as_str()),
            "{variant}: unexpected failure:\n{}",
            all.join("\n")
        );
    }
    assert_junit(&report);
    report
}

fn shrunk_of(report: &Report, kind: ViolationKind) -> Vec<Value> {
    report
        .failures()
        .filter_map(|c| c.failure.as_ref())
        .filter(|f| f.kind == kind)
        .find_map(|f| f.shrunk.clone())
        .unwrap_or_else(|| panic!("no shrunk value for {kind:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_breaks_are_found_named_and_shrunk() {
    let t = Duration::from_secs(2);
    // An ack of the wrong type (only for priority > 3): shrunk to the smallest such ticket.
    let r = broken(
        "wrong-ack-type",
        &[ViolationKind::InvalidAck],
        &["open ticket"],
        t,
    )
    .await;
    let shrunk = shrunk_of(&r, ViolationKind::InvalidAck);
    assert_eq!(shrunk, [serde_json::json!({"title": "a", "priority": 4})]);
    let f = r.failures().find_map(|c| c.failure.clone()).unwrap();
    assert!(f.reproduction.unwrap().contains(".emit(\"open ticket\", "));

    broken(
        "undeclared-event",
        &[ViolationKind::UndeclaredEvent],
        &["surprise"],
        t,
    )
    .await;
    broken(
        "missing-property",
        &[ViolationKind::InvalidServerEvent],
        &["ticket opened"],
        t,
    )
    .await;
    let r = broken(
        "no-security",
        &[ViolationKind::SecurityNotEnforced],
        &["-"],
        t,
    )
    .await;
    assert!(r.failures().all(|c| c.namespace == "/secure"));
    let r = broken(
        "no-binding",
        &[ViolationKind::BindingNotEnforced],
        &["-"],
        t,
    )
    .await;
    assert!(r.failures().any(|c| c.name.contains("'tenant' missing")));
    let r = broken(
        "invalid-acked",
        &[ViolationKind::InvalidEventAccepted],
        &["open ticket"],
        t,
    )
    .await;
    // A missing required property shrinks to the empty object.
    assert!(r.failures().any(
        |c| c.failure.as_ref().unwrap().shrunk.as_deref() == Some(&[serde_json::json!({})][..])
    ));
    // A hang: every `move` times out (valid or not), shrunk to the smallest move.
    let r = broken(
        "hang",
        &[
            ViolationKind::AckTimeout,
            ViolationKind::InvalidEventUnanswered,
            ViolationKind::NotServingAfterNegative,
        ],
        &["move"],
        Duration::from_millis(400),
    )
    .await;
    let shrunk = shrunk_of(&r, ViolationKind::AckTimeout);
    assert_eq!(shrunk[0], serde_json::json!(0), "{shrunk:?}");
}

/// The original Python Asynction 0.8.3 with its own document: the known defect (an invalid
/// event with an ack requested is never answered) is reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_original_defects_are_reported() {
    let shared = shared_dir();
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/contract-peer/venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        let ok = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .is_ok_and(|s| s.success())
            && Command::new(venv.join("bin/pip"))
                .args([
                    "install",
                    "-q",
                    "-r",
                    shared.join("tools/peer-requirements.txt").to_str().unwrap(),
                ])
                .status()
                .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("SKIPPED: pip cannot install the Python peer's requirements");
            return;
        }
    }
    let check = Command::new(&python)
        .args(["-c", "import asynction"])
        .status()
        .is_ok_and(|s| s.success());
    if !check {
        eprintln!("SKIPPED: the Python peer's venv has no asynction (pip failed)");
        return;
    }
    let port = free_port();
    let peer = ServerProcess::start_within(
        Command::new(&python)
            .arg(shared.join("tools/peer/server.py"))
            .args(["--port", &port.to_string()])
            .current_dir(shared.join("tools/peer"))
            .env("HYPOTHESIS_STORAGE_DIRECTORY", venv.join("../hypothesis"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
        port,
        "the Python peer",
        Duration::from_secs(60),
    );
    let doc = Document::from_path(shared.join("tools/peer/asyncapi.yml")).unwrap();
    let mut o = options(peer.addr, 9);
    o.examples = 5;
    o.timeout = Duration::from_secs(1);
    o.transports = vec![asynction_contract::Transport::Websocket];
    // handlers.token_info accepts this one token.
    o.credentials.api_keys = vec![("tokenKey".into(), "secret".into())];
    let report = run(&doc, &o).await.unwrap();
    eprintln!("{}", report.render_text());
    assert!(
        report
            .failures()
            .any(|c| c.failure.as_ref().unwrap().kind == ViolationKind::InvalidEventUnanswered),
        "the original's unanswered invalid events were not reported:\n{}",
        failures(&report).join("\n")
    );
    // Invalid handshakes were left hanging too (no connect_error).
    assert!(
        report
            .failures()
            .any(|c| c.failure.as_ref().unwrap().kind == ViolationKind::HandshakeTimeout),
        "{}",
        failures(&report).join("\n")
    );
}

/// `shared/` beside the workspace (the team's reference material: the original Python
/// Asynction peer); `ASYNCTION_SHARED` overrides it.
fn shared_dir() -> PathBuf {
    std::env::var_os("ASYNCTION_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"))
}
