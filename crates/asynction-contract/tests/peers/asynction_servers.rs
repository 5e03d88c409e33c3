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
