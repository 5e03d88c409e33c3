//! A Node socket.io server implementing `tests/fixtures/contract/tickets.yaml` (every client
//! event declares an ack, answered with an error ack when invalid): passes as written; each
//! deliberate break is found, named and shrunk, and nothing else is reported.

use std::time::Duration;

use asynction::Document;
use asynction_contract::{Phase, Refusals, Report, ViolationKind, run};
use serde_json::Value;

use super::{assert_clean, assert_junit, failures, node, options, root};

fn tickets() -> Document {
    Document::from_path(root().join("tests/fixtures/contract/tickets.yaml")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_server_implementing_the_document_passes() {
    let peer = node("contract-server.mjs", "none");
    let report = run(&tickets(), &options(peer.addr, 3)).await.unwrap();
    assert_clean(&report, "Node contract server");
    // Every client event of the document declares an ack: the documented rules ask an answer
    // of each negative case, so there is no silence to warn about.
    assert_eq!(report.refusals.rules, Refusals::Documented);
    assert!(
        report.warnings().next().is_none(),
        "{}",
        report.render_text()
    );
    // Every phase but recovery, which runs only for documents that declare it (the tickets
    // document does not: no recovery check may appear).
    for phase in Phase::ALL {
        let checked = report.checks.iter().any(|c| c.phase == phase);
        assert_eq!(checked, phase != Phase::Recovery, "{phase:?} checks");
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
    let peer = node("contract-server.mjs", variant);
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
