//! The original Python Asynction 0.8.3 (`shared/tools/peer`: the team's reference peer, its
//! pinned requirements and document), started in a virtualenv under `target/`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use asynction::Document;
use asynction_contract::{Refusals, RulesReason, ViolationKind, run};
use asynction_testkit::free_port;
use asynction_testkit::process::ServerProcess;

use super::{assert_findings, options};

/// The negative cases of the document's `message` and `echo` on `/chat` (both objects with a
/// required string of bounded length and a required integer; both declare an ack).
const CASES: [&str; 8] = [
    "wrong type at the value",
    "required property 'text' missing at the value",
    "required property 'ts' missing at the value",
    "wrong type at /text",
    "longer than maxLength at /text",
    "wrong type at /ts",
    "no arguments",
    "one argument too many",
];

/// The invalid handshake the original leaves hanging: `/admin`'s binding is checked (its
/// connect handler exists), but the refusal is never sent.
const HANDSHAKE_FAILURE: &str =
    "FAILED [handshake] /admin - | refused: required query 'token' missing: handshake_timeout";

/// The original Python Asynction 0.8.3 with its own document, where both client events declare
/// acks: it does not identify itself as asynction, so the documented rules judge it, and it
/// still fails on its documented acks (an invalid event is never answered) and on invalid
/// handshakes (left hanging without a `connect_error`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_original_fails_on_its_documented_acks() {
    let shared = asynction_testkit::shared_dir();
    assert!(
        shared.join("tools/peer/server.py").exists(),
        "no Python peer at {}/tools/peer/server.py: set ASYNCTION_SHARED to the shared folder",
        shared.display()
    );
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
        assert!(ok, "pip cannot install the Python peer's requirements");
    }
    let check = Command::new(&python)
        .args(["-c", "import asynction"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        check,
        "the Python peer's venv has no asynction (pip failed)"
    );
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
    assert_eq!(report.refusals.rules, Refusals::Documented);
    assert_eq!(report.refusals.reason, RulesReason::Default);
    let mut expected = vec![HANDSHAKE_FAILURE.to_owned()];
    for event in ["message", "echo"] {
        for case in CASES {
            expected.push(format!(
                "FAILED [negative] /chat {event} | {case}: invalid_event_unanswered"
            ));
        }
    }
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_findings(&report, &expected, "the Python original");
    let unanswered = report
        .failures()
        .find_map(|c| {
            c.failure
                .as_ref()
                .filter(|f| f.kind == ViolationKind::InvalidEventUnanswered)
        })
        .unwrap();
    assert!(
        unanswered
            .message
            .contains("the document declares an ack for"),
        "{}",
        unanswered.message
    );
}
