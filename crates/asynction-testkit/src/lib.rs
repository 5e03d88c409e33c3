//! The asynction workspace's shared test support, one copy for every crate's tests (it was
//! spread over the crates' test folders, and compiled into other crates' tests from there by
//! path attributes).
//!
//! - Where things are: [`root`] (the workspace), [`fixtures`], [`peers_dir`],
//!   [`asyncapi_corpus`]; [`free_port`];
//!   [`until`] for state a test can only poll.
//! - Servers in this process: [`serve`] an axum router on a free port, raw HTTP with
//!   [`http_get`] / [`http_request`], and the Rust Socket.IO client of [`mod@sio`] (over TCP or in
//!   process, no port).
//! - Real peers, each a separate process: the Node `socket.io-client` and `python-socketio`
//!   clients driven through JSON scenarios ([`peers`]), Ajv ([`ajv`]), `@asyncapi/parser`
//!   ([`asyncapi_parser`]), headless Chromium ([`browser`]), Python's Prometheus parser
//!   ([`prometheus`]), a private `redis-server` ([`redis`]), and an OTLP/HTTP receiver
//!   ([`otlp`], feature `otlp`).
//! - Processes of this workspace: the examples and any binary that listens on a port
//!   ([`process`]), and a binary run to completion with its output captured ([`cli`]).
//! - Inputs shared by several crates' tests: a handshake builder ([`handshake`]) and the
//!   `user_accounts` example's client scenario ([`user_accounts`]).
//!
//! **No dependency on `asynction`** (nor on any crate of the workspace but `asynction-client`):
//! crates' own unit tests use this kit, and a dependency back on the crate under test would link
//! a second copy of it into that test binary. Helpers that need the framework's types stay in
//! that crate's tests, or take plain values (JSON, strings, `http` types) here.
//! `scripts/check-dependency-trees.sh` checks both directions.

use std::path::{Path, PathBuf};
use std::time::Duration;

pub mod ajv;
pub mod asyncapi_parser;
pub mod balancer;
pub mod browser;
pub mod cli;
pub mod handshake;
mod http;
#[cfg(feature = "otlp")]
pub mod otlp;
pub mod peers;
pub mod process;
pub mod prometheus;
pub mod redis;
pub mod sio;
pub mod user_accounts;

pub use http::{HttpResponse, http_exchange, http_get, http_request, serve};
pub use peers::{error_ack, node, node_msgpack, python};
pub use sio::{ACK_WAIT, ack_json, ack_of, ack_of_text, sio, sio_in_process, sio_open};

/// The repository (workspace) root: fixtures, peers and examples are shared by every crate.
pub fn root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    std::fs::canonicalize(&root).unwrap_or(root)
}

/// `tests/fixtures/DIR` of the workspace (`fixtures("spec")`, `fixtures("docs")`, …).
pub fn fixtures(dir: &str) -> PathBuf {
    root().join("tests/fixtures").join(dir)
}

/// The team's shared reference material beside the workspace (`shared/`: the AsyncAPI corpus,
/// the original Python Asynction peer): `$ASYNCTION_SHARED`, else `../shared`. It is not part of
/// the repository; CI has it beside the clone, and tests that need it fail when it is missing
/// (with this message), never skip.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("ASYNCTION_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => root().join("../shared"),
    }
}

/// The AsyncAPI corpus (official spec examples and public Socket.IO documents, with the
/// reference parser's verdicts in `EXPECTED-RESULTS.tsv`): `$ASYNCAPI_CORPUS`, else
/// `asyncapi-corpus` in [`shared_dir`]. Panics, saying how to point at it, when it is missing:
/// a test that reads the corpus never passes without it.
pub fn asyncapi_corpus() -> PathBuf {
    let dir = match std::env::var_os("ASYNCAPI_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => shared_dir().join("asyncapi-corpus"),
    };
    assert!(
        dir.join("EXPECTED-RESULTS.tsv").is_file(),
        "the AsyncAPI corpus is not at {} (no EXPECTED-RESULTS.tsv): set ASYNCAPI_CORPUS to its \
         folder, or ASYNCTION_SHARED to the shared folder that holds asyncapi-corpus/",
        dir.display()
    );
    dir
}

/// Whether the slow sweeps over the whole AsyncAPI corpus run (`ASYNCTION_CORPUS_SWEEP=1`):
/// generating and type-checking a Python package per corpus document, the live reference
/// parser over every corpus document. They are measurements for notes, minutes long; every
/// test's own checks run on the fixtures and the corpus's Socket.IO documents without them.
pub fn corpus_sweep() -> bool {
    std::env::var_os("ASYNCTION_CORPUS_SWEEP").is_some_and(|v| v == "1")
}

/// `tests/peers`, where the peer scripts and their npm packages live.
pub fn peers_dir() -> PathBuf {
    root().join("tests/peers")
}

/// A free loopback port (bound, then released for the caller).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// Waits (polling every few milliseconds, at most 20 s) until `done` holds; panics with `what`
/// otherwise. For state a test can only observe, not await.
pub async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
