//! `asynction-contract` against real peers, one module per kind of server:
//!
//! - `asynction_servers`: the project's mock server (several documents) and examples — 0
//!   violations, judged by the strict refusal rules their `Server` header asks for;
//! - `tickets`: a Node socket.io server implementing a document correctly and with one
//!   deliberate break each (each break found, named and shrunk, nothing else reported);
//! - `third_party`: Node servers nobody wrote for asynction (socket.io's chat demo, one that
//!   drops invalid input silently, one with error acks where its document declares acks),
//!   judged by what their documents promise: the exact failures and warnings of each;
//! - `python_original`: the original Python Asynction, failing on its documented acks.

mod asynction_servers;
mod python_original;
mod third_party;
mod tickets;

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use asynction::Document;
use asynction::mock::{MockOptions, MockServer};
use asynction_contract::{Options, Report};
use asynction_testkit::process::{Example, ServerProcess};
use asynction_testkit::{free_port, root};

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

/// `node tests/peers/SCRIPT PORT VARIANT`, listening.
fn node(script: &str, variant: &str) -> ServerProcess {
    asynction_testkit::peers::ensure_node_peers();
    let port = free_port();
    ServerProcess::start(
        Command::new("node")
            .arg(asynction_testkit::peers_dir().join(script))
            .arg(port.to_string())
            .arg(variant)
            .stdout(Stdio::null()),
        port,
        &format!("{script} {variant}"),
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

/// Every failure and warning, sorted, as `FAILED|WARNING [phase] namespace event | check:
/// code`: what the exact-set assertions compare.
fn findings(report: &Report) -> Vec<String> {
    let mut all: Vec<String> = report
        .checks
        .iter()
        .filter_map(|c| {
            let (what, code) = match (&c.failure, &c.warning) {
                (Some(f), _) => ("FAILED", f.kind.code()),
                (None, Some(w)) => ("WARNING", w.kind.code()),
                (None, None) => return None,
            };
            Some(format!(
                "{what} [{}] {} {} | {}: {code}",
                c.phase.name(),
                c.namespace,
                c.event,
                c.name
            ))
        })
        .collect();
    all.sort();
    all
}

/// Asserts the exact set of failures and warnings (`expected` in any order).
fn assert_findings(report: &Report, expected: &[&str], what: &str) {
    let mut want: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(findings(report), want, "{what}:\n{}", report.render_text());
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
total = failed = skipped = 0
for suite in root:
    assert suite.tag == "testsuite"
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases)
    f = sum(1 for c in cases if c.find("failure") is not None)
    s = sum(1 for c in cases if c.find("skipped") is not None)
    assert int(suite.get("failures")) == f and int(suite.get("skipped")) == s
    for c in cases:
        assert c.get("classname") and c.get("name") and float(c.get("time")) >= 0
        fl = c.find("failure")
        if fl is not None:
            assert fl.get("type") and fl.get("message") is not None and fl.text
        sk = c.find("skipped")
        if sk is not None:
            assert sk.get("message").startswith("warning: ")
    total += len(cases); failed += f; skipped += s
assert int(root.get("tests")) == total and int(root.get("failures")) == failed
assert int(root.get("skipped")) == skipped
print(total, failed, skipped)
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
        format!(
            "{} {} {}",
            report.checks.len(),
            report.failures().count(),
            report.warnings().count()
        )
    );
}
