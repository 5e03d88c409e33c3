//! The project's own servers: the mock (several documents) and the examples pass, judged by the
//! strict refusal rules (every invalid event answered) that their `Server` header asks for;
//! the recovery phase against the mock of a document that declares recovery (passes), a mock
//! that does not recover (fails) and one that sends nothing on its own (a warning).

use std::time::Duration;

use asynction::Document;
use asynction_contract::{Phase, Refusals, Report, RulesReason, run};

use super::{assert_clean, assert_findings, assert_junit, example, mock, options, root};

/// Asynction servers say so in their `Server` header, which selects the strict rules.
fn assert_strict_by_identification(report: &Report) {
    assert_eq!(report.refusals.rules, Refusals::Strict);
    let RulesReason::ServerIdentified(header) = &report.refusals.reason else {
        panic!("not identified: {:?}", report.refusals);
    };
    assert_eq!(
        *header,
        format!("asynction/{}", env!("CARGO_PKG_VERSION")),
        "the workspace's crates share one version"
    );
    assert!(
        report.warnings().next().is_none(),
        "no warnings under the strict rules"
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
        assert_strict_by_identification(&report);
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
        assert_strict_by_identification(&report);
        assert_junit(&report);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_namespace_the_server_lacks_is_reported_as_missing_not_as_a_dropped_client() {
    let dir = tempfile::tempdir().unwrap();
    let served = dir.path().join("served.yaml");
    let head = "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nchannels:\n  /:\n    publish:\n      message: {name: ping, payload: {type: string}}\n";
    std::fs::write(&served, head).unwrap();
    let tested = Document::from_text(&format!(
        "{head}  /extra:\n    publish:\n      message: {{name: hello, payload: {{type: string}}}}\n"
    ))
    .unwrap();
    let (addr, stop) = mock(&served);
    let report = run(&tested, &options(addr, 3)).await.unwrap();
    let _ = stop.send(());
    let extra: Vec<String> = report
        .failures()
        .filter(|c| c.namespace == "/extra")
        .map(|c| c.failure.as_ref().unwrap().message.clone())
        .collect();
    assert!(!extra.is_empty(), "{}", report.render_text());
    for message in &extra {
        assert!(
            message.contains(
                "the namespace /extra does not exist on this server (it answered \"Invalid namespace\")"
            ),
            "{message}"
        );
        assert!(
            !message.contains("cannot reconnect") && !message.contains("dropped the client"),
            "{message}"
        );
    }
    assert!(
        report.failures().all(|c| c.namespace == "/extra"),
        "{}",
        report.render_text()
    );
}

const RECOVERY: &str = "tests/fixtures/contract/recovery.yaml";

/// The recovery checks of `report`, as `name: passed|code`.
fn recovery_checks(report: &Report) -> Vec<String> {
    report
        .checks
        .iter()
        .filter(|c| c.phase == Phase::Recovery)
        .map(|c| {
            let verdict = match (&c.failure, &c.warning) {
                (Some(f), _) => f.kind.code(),
                (None, Some(w)) => w.kind.code(),
                (None, None) => "passed",
            };
            format!("{} {}: {verdict}", c.namespace, c.name)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_of_a_document_with_recovery_recovers_lost_clients_and_replays_what_they_missed() {
    let path = root().join(RECOVERY);
    let (addr, stop) = mock(&path);
    let document = Document::from_path(&path).unwrap();
    let report = run(&document, &options(addr, 13)).await.unwrap();
    let _ = stop.send(());
    assert_clean(&report, "mock of the recovery document");
    assert_strict_by_identification(&report);
    let checks = recovery_checks(&report);
    for ns in ["/", "/news"] {
        for name in ["session offered", "offsets", "recovered", "forged session"] {
            let line = format!("{ns} {name}: passed");
            assert!(checks.contains(&line), "{line} in {checks:#?}");
        }
        let replayed = format!("{ns} missed events replayed (3): passed");
        let replayed = checks.contains(&replayed);

        assert!(replayed, "{ns}: {checks:#?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_recovery_fails_a_document_that_declares_it() {
    let dir = tempfile::tempdir().unwrap();
    let served = dir.path().join("served.yaml");
    let declared = std::fs::read_to_string(root().join(RECOVERY)).unwrap();
    let undeclared = declared.replace(
        "x-socketio-recovery:\n  maxDisconnectionDuration: 60000\n",
        "",
    );
    assert_ne!(declared, undeclared);
    std::fs::write(&served, undeclared).unwrap();
    let (addr, stop) = mock(&served);
    let mut o = options(addr, 3);
    o.only = vec![Phase::Recovery];
    let report = run(&Document::from_text(&declared).unwrap(), &o)
        .await
        .unwrap();
    let _ = stop.send(());
    assert_findings(
        &report,
        &[
            "FAILED [recovery] / asynction:recovery | session offered: recovery_session_missing",
            "FAILED [recovery] /news asynction:recovery | session offered: recovery_session_missing",
        ],
        "recovery off",
    );
    let message = &report
        .failures()
        .next()
        .unwrap()
        .failure
        .as_ref()
        .unwrap()
        .message;
    assert!(
        message.contains("no 'asynction:recovery' event")
            && message.contains("x-socketio-recovery")
            && message.contains("turn recovery on in the server"),
        "{message}"
    );
    assert!(report.render_text().contains("recovery_session_missing"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_sends_nothing_on_its_own_leaves_recovery_unexercised_as_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let quiet = dir.path().join("quiet.yaml");
    std::fs::write(
        &quiet,
        "asyncapi: 2.6.0\ninfo: {title: Quiet, version: '1'}\nx-socketio-recovery: {maxDisconnectionDuration: 60000}\nchannels:\n  /:\n    publish:\n      message: {name: ping, payload: {type: string}}\n",
    )
    .unwrap();
    let (addr, stop) = mock(&quiet);
    let mut o = options(addr, 3);
    o.only = vec![Phase::Recovery];
    o.listen = Duration::from_millis(100);
    let report = run(&Document::from_path(&quiet).unwrap(), &o)
        .await
        .unwrap();
    let _ = stop.send(());
    assert!(report.is_success(), "{}", report.render_text());
    assert_eq!(
        recovery_checks(&report),
        [
            "/ session offered: passed",
            "/ replay: recovery_not_exercised",
            "/ forged session: passed",
        ]
    );
}
