//! `asynction test`: exit codes, JSON and JUnit output, against `asynction mock run`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

use crate::support;

/// `asynction mock run --port 0` of `doc`; killed on drop.
struct Mock(Child, SocketAddr);

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn mock(doc: &str) -> Mock {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asynction"))
        .arg("--spec")
        .arg(support::root().join(doc))
        .args([
            "mock",
            "run",
            "--port",
            "0",
            "--interval",
            "0.1",
            "--seed",
            "1",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let line = lines.next().expect("a banner").unwrap();
        if let Some(url) = line.trim().strip_prefix("listening on http://") {
            break url.parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Mock(child, addr)
}

fn test(doc: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asynction"))
        .arg("--spec")
        .arg(support::root().join(doc))
        .arg("test")
        .args(["--seed", "2", "--examples", "5", "--listen", "0.2"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn passing_run_exits_0_with_json_and_junit() {
    let m = mock("examples/chat/asyncapi.yaml");
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("contract.xml");
    let url = format!("http://{}", m.1);
    let out = test(
        "examples/chat/asyncapi.yaml",
        &[
            "--url",
            &url,
            "--format",
            "json",
            "--junit",
            junit.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["passed"], true);
    assert_eq!(report["seed"], 2);
    // The mock names itself in its Server header: asynction's own (strict) refusal rules.
    assert_eq!(report["refusals"]["rules"], "strict");
    assert_eq!(report["refusals"]["reason"]["by"], "server_identified");
    assert!(report["checks"].as_array().unwrap().len() > 20);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.starts_with("<?xml") && xml.contains("<testsuites") && xml.contains("<testcase "));
}

#[test]
fn failing_run_exits_1_with_a_reproduction() {
    // The chat mock does not implement the tickets document.
    let m = mock("examples/chat/asyncapi.yaml");
    let url = format!("http://{}", m.1);
    let out = test(
        "tests/fixtures/contract/tickets.yaml",
        &[
            "--url",
            &url,
            "--only",
            "events",
            "--namespace",
            "/",
            "--event",
            "open ticket",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("invalid_ack"), "{stdout}");
    assert!(
        stdout.contains("reproduce: io(") && stdout.contains("--seed 2"),
        "{stdout}"
    );
}

#[test]
fn refusal_rules_can_be_named_and_are_reported() {
    let m = mock("examples/chat/asyncapi.yaml");
    let url = format!("http://{}", m.1);
    let out = test(
        "examples/chat/asyncapi.yaml",
        &[
            "--url",
            &url,
            "--only",
            "negative",
            "--refusals",
            "documented",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("refusal rules: documented (answers required where the document declares acks; as asked)"),
        "{stdout}"
    );
    let out = test(
        "examples/chat/asyncapi.yaml",
        &["--url", &url, "--refusals", "lenient"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("possible values: documented, strict"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn usage_and_document_errors_exit_2() {
    let unreachable = format!("http://127.0.0.1:{}", support::free_port());
    for (doc, args) in [
        (
            "examples/chat/asyncapi.yaml",
            vec!["--url", unreachable.as_str()],
        ),
        (
            "examples/chat/asyncapi.yaml",
            vec!["--url", unreachable.as_str(), "--namespace", "/nope"],
        ),
        (
            "examples/chat/nope.yaml",
            vec!["--url", unreachable.as_str()],
        ),
        (
            "examples/chat/asyncapi.yaml",
            vec!["--url", unreachable.as_str(), "--only", "everything"],
        ),
    ] {
        let out = test(doc, &args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{doc} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn per_namespace_credentials() {
    let m = mock("tests/fixtures/contract/secured.yaml");
    let url = format!("http://{}", m.1);
    let out = test(
        "tests/fixtures/contract/secured.yaml",
        &[
            "--url",
            &url,
            "--transport",
            "websocket",
            "--bearer",
            "/tenant/{id}@tenant-token",
            "--basic",
            "/basic@ada:lovelace",
            "--api-key",
            "api_key=k1",
            "--only",
            "handshake",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = test(
        "tests/fixtures/contract/secured.yaml",
        &["--url", &url, "--basic", "/basic@no-colon"],
    );
    assert_eq!(out.status.code(), Some(2));
}
