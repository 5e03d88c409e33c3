//! Servers nobody wrote for asynction (`tests/peers/third-party-server.mjs`), judged by what
//! their documents promise (the documented refusal rules, the default for a server that does
//! not identify itself as asynction). Each test asserts the exact failures and warnings.

use std::time::Duration;

use asynction::Document;
use asynction_contract::{Phase, Refusals, Report, RulesReason, SeenBy, ViolationKind, run};
use serde_json::json;

use asynction_testkit::process::ServerProcess;

use super::{assert_findings, assert_junit, node, options, root};

fn chat_demo_document() -> Document {
    Document::from_path(root().join("tests/fixtures/contract/socketio-chat-demo.yaml")).unwrap()
}

fn server(variant: &str) -> ServerProcess {
    node("third-party-server.mjs", variant)
}

/// The negative cases of `add user` and `new message` (both strings with a length range): the
/// mutations, then the wrong argument counts.
const CASES: [&str; 5] = [
    "wrong type at the value",
    "shorter than minLength at the value",
    "longer than maxLength at the value",
    "no arguments",
    "one argument too many",
];

fn assert_documented_by_default(report: &Report) {
    assert_eq!(report.refusals.rules, Refusals::Documented);
    assert_eq!(report.refusals.reason, RulesReason::Default);
    assert_eq!(report.to_json()["refusals"]["rules"], "documented");
}

/// socket.io's chat demo (no acks, no validation, relays everything): the invalid values it
/// relays fail, each attributed to the negative case that sent it; nothing is "unanswered",
/// and no case waits for an ack.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_demo_relays_are_attributed_to_their_cause() {
    let peer = server("chat-demo");
    let o = options(peer.addr, 4);
    let report = run(&chat_demo_document(), &o).await.unwrap();
    assert_documented_by_default(&report);
    // The demo takes the first `add user` of a connection only (the others are dropped
    // silently): the first negative case, a number, is relayed to the others as `user
    // joined`. Every `new message` is relayed with that number as the username.
    let mut expected = vec![
        "FAILED [negative] / add user | wrong type at the value: server event 'user joined': invalid_server_event".to_owned(),
    ];
    for case in &CASES[1..] {
        expected.push(format!(
            "WARNING [negative] / add user | {case}: silent_on_invalid_event"
        ));
    }
    for case in CASES {
        expected.push(format!(
            "FAILED [negative] / new message | {case}: server event 'new message': invalid_server_event"
        ));
    }
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_findings(&report, &expected, "the chat demo");

    let joined = report
        .failures()
        .find(|c| c.name.ends_with("'user joined'"))
        .and_then(|c| c.failure.clone())
        .unwrap();
    let cause = joined.consequence.clone().unwrap();
    assert_eq!(joined.kind, ViolationKind::InvalidServerEvent);
    assert_eq!(
        (cause.event.as_str(), cause.case.as_str()),
        ("add user", "wrong type at the value")
    );
    assert_eq!(cause.sent, r#"42["add user",12345]"#);
    assert!(
        cause
            .received
            .starts_with(r#"42["user joined",{"username":12345,"#),
        "{}",
        cause.received
    );
    assert_eq!(cause.seen_by, SeenBy::OtherClient);
    assert!(cause.relays_input);
    assert!(
        joined
            .message
            .starts_with("relayed the invalid value sent by negative case 'wrong type at the value' of 'add user'"),
        "{}",
        joined.message
    );
    // The demo only relays a connection's first `add user`: no smaller input does it again.
    assert_eq!(joined.shrunk, None);
    let repro = joined.reproduction.unwrap();
    let lines: Vec<&str> = repro.lines().collect();
    assert_eq!(lines.len(), 2, "{repro}");
    assert!(lines[0].contains(r#"seen.on("user joined", "#), "{repro}");
    assert!(
        lines[1].contains(r#"seen.on("connect", () => io("#)
            && lines[1].ends_with(r#".emit("add user", 12345));"#),
        "{repro}"
    );

    // The cause is shrunk, not the symptom: the smallest number still relayed.
    let message = report
        .failures()
        .find(|c| c.event == "new message" && c.name.starts_with("wrong type"))
        .and_then(|c| c.failure.clone())
        .unwrap();
    assert_eq!(message.shrunk, Some(vec![json!(0)]));
    assert!(
        message
            .reproduction
            .unwrap()
            .ends_with(r#".emit("new message", 0));"#)
    );
    // Wrong argument counts have no value of their own to relay.
    let extra = report
        .failures()
        .find(|c| c.event == "new message" && c.name.starts_with("one argument too many"))
        .and_then(|c| c.failure.clone())
        .unwrap();
    assert!(
        extra.message.starts_with("right after negative case"),
        "{}",
        extra.message
    );

    // No case waits for an ack nobody promised.
    for c in report.checks.iter().filter(|c| c.phase == Phase::Negative) {
        assert!(c.duration < o.timeout, "{} took {:?}", c.name, c.duration);
    }
    assert!(
        report.duration < Duration::from_secs(15),
        "{:?}",
        report.duration
    );
    assert_junit(&report);
}

/// `--refusals strict` is asynction's own rule: every invalid event must be answered, so the
/// demo's silence fails each case, as before the documented rules existed; the relays are
/// still attributed to their causes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_demo_under_the_strict_rules_fails_every_unanswered_case() {
    let peer = server("chat-demo");
    let mut o = options(peer.addr, 4);
    o.refusals = Some(Refusals::Strict);
    o.timeout = Duration::from_millis(500);
    let report = run(&chat_demo_document(), &o).await.unwrap();
    assert_eq!(report.refusals.rules, Refusals::Strict);
    assert_eq!(report.refusals.reason, RulesReason::Asked);
    let mut expected = vec![
        "FAILED [negative] / add user | wrong type at the value: server event 'user joined': invalid_server_event".to_owned(),
    ];
    for event in ["add user", "new message"] {
        for case in CASES {
            expected.push(format!(
                "FAILED [negative] / {event} | {case}: invalid_event_unanswered"
            ));
        }
    }
    for case in CASES {
        expected.push(format!(
            "FAILED [negative] / new message | {case}: server event 'new message': invalid_server_event"
        ));
    }
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_findings(&report, &expected, "the chat demo, strict");
}

/// A server that validates its input and drops what is invalid without a word passes: its
/// document promises no answer. Each silence is a warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_validator_passes_with_warnings() {
    let peer = server("silent");
    let report = run(&chat_demo_document(), &options(peer.addr, 4))
        .await
        .unwrap();
    assert_documented_by_default(&report);
    let mut expected = Vec::new();
    for event in ["add user", "new message"] {
        for case in CASES {
            expected.push(format!(
                "WARNING [negative] / {event} | {case}: silent_on_invalid_event"
            ));
        }
    }
    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
    assert_findings(&report, &expected, "the silent validator");
    assert!(report.is_success());
    assert_junit(&report);
}

/// A server whose document declares acks, answering invalid input with error acks: passes,
/// with nothing to warn about.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_acks_where_the_document_declares_acks_pass() {
    let peer = server("error-acks");
    let doc = Document::from_path(root().join("tests/fixtures/contract/socketio-chat-acks.yaml"))
        .unwrap();
    let report = run(&doc, &options(peer.addr, 4)).await.unwrap();
    assert_documented_by_default(&report);
    assert_findings(&report, &[], "the server with error acks");
    let negative = report
        .checks
        .iter()
        .filter(|c| c.phase == Phase::Negative)
        .count();
    assert_eq!(negative, 2 * CASES.len() + 2, "cases and 'still serving'");
}
