//! `asynction test`: exit codes, JSON and JUnit output, against `asynction mock run`.

use asynction_testkit::cli::Run;
use serde_json::Value;

use crate::mock_process::MockProcess;

/// `asynction mock run --port 0` of `doc` (relative to the workspace root), fast and seeded.
fn mock(doc: &str) -> MockProcess {
    MockProcess::start(
        &asynction_testkit::root().join(doc),
        &["--interval", "0.1", "--seed", "1"],
    )
}

/// The binary's `asynction --spec DOC test --seed 2 --examples 5 --listen 0.2 ARGS`.
fn test(doc: &str, args: &[&str]) -> Run {
    let root = asynction_testkit::root();
    let spec = root.join(doc);
    let mut all = vec![
        "--spec",
        spec.to_str().expect("a UTF-8 path"),
        "test",
        "--seed",
        "2",
        "--examples",
        "5",
        "--listen",
        "0.2",
    ];
    all.extend_from_slice(args);
    crate::asynction(&root, &all)
}

#[test]
fn passing_run_exits_0_with_json_and_junit() {
    let m = mock("examples/chat/asyncapi.yaml");
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("contract.xml");
    let url = format!("http://{}", m.addr);
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
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    let report: Value = serde_json::from_str(&out.stdout).unwrap();
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
    let url = format!("http://{}", m.addr);
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
    let stdout = out.stdout;
    assert_eq!(out.code, Some(1), "{stdout}");
    assert!(stdout.contains("invalid_ack"), "{stdout}");
    assert!(
        stdout.contains("reproduce: io(") && stdout.contains("--seed 2"),
        "{stdout}"
    );
}

#[test]
fn refusal_rules_can_be_named_and_are_reported() {
    let m = mock("examples/chat/asyncapi.yaml");
    let url = format!("http://{}", m.addr);
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
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    assert!(
        out.stdout.contains(
            "refusal rules: documented (answers required where the document declares acks; as asked)"
        ),
        "{}",
        out.stdout
    );
    let out = test(
        "examples/chat/asyncapi.yaml",
        &["--url", &url, "--refusals", "lenient"],
    );
    assert_eq!(out.code, Some(2));
    assert!(
        out.stderr.contains("possible values: documented, strict"),
        "{}",
        out.stderr
    );
}

#[test]
fn usage_and_document_errors_exit_2() {
    let unreachable = format!("http://127.0.0.1:{}", asynction_testkit::free_port());
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
        assert_eq!(out.code, Some(2), "{doc} {args:?}: {}", out.stderr);
    }
}

#[test]
fn per_namespace_credentials() {
    let m = mock("tests/fixtures/contract/secured.yaml");
    let url = format!("http://{}", m.addr);
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
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    let out = test(
        "tests/fixtures/contract/secured.yaml",
        &["--url", &url, "--basic", "/basic@no-colon"],
    );
    assert_eq!(out.code, Some(2));
}

#[test]
fn the_recovery_check_runs_when_the_document_declares_recovery_and_the_mock_says_it_recovers() {
    let doc = "tests/fixtures/contract/recovery.yaml";
    let m = mock(doc);
    let banner = m.banner.join("\n");
    assert!(
        banner.contains("  connection state recovery: sessions kept 60 s after a disconnect (clients opt in with a pid in their CONNECT auth)"),
        "{banner}"
    );
    let url = format!("http://{}", m.addr);
    let out = test(doc, &["--url", &url, "--only", "recovery"]);
    assert_eq!(out.code, Some(0), "{}", out.stdout);
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("/ ") && l.contains("asynction:recovery"))
        .unwrap_or_else(|| panic!("no recovery row in:\n{}", out.stdout));
    let counts: Vec<&str> = row.split_whitespace().skip(2).collect();
    assert_eq!(counts, ["5", "5", "0", "0"], "{row}");

    // The same document against a mock that does not recover: a failure that says why.
    let dir = tempfile::tempdir().unwrap();
    let served = dir.path().join("served.yaml");
    let text = std::fs::read_to_string(asynction_testkit::root().join(doc)).unwrap();
    std::fs::write(
        &served,
        text.replace(
            "x-socketio-recovery:\n  maxDisconnectionDuration: 60000\n",
            "",
        ),
    )
    .unwrap();
    let plain = MockProcess::start(&served, &["--interval", "0.1", "--seed", "1"]);
    assert!(
        !plain.banner.join("\n").contains("recovery"),
        "{:?}",
        plain.banner
    );
    let url = format!("http://{}", plain.addr);
    let out = test(doc, &["--url", &url, "--only", "recovery"]);
    assert_eq!(out.code, Some(1), "{}", out.stdout);
    assert!(
        out.stdout.contains("recovery_session_missing")
            && out.stdout.contains("turn recovery on in the server"),
        "{}",
        out.stdout
    );
}
