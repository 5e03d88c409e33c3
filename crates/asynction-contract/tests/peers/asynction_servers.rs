//! The project's own servers: the mock (several documents) and the examples pass, judged by the
//! strict refusal rules (every invalid event answered) that their `Server` header asks for.

use asynction::Document;
use asynction_contract::{Refusals, Report, RulesReason, run};

use super::{assert_clean, assert_junit, example, mock, options, root};

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
