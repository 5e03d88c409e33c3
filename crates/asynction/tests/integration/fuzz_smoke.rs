//! CI smoke run of the fuzz targets in `fuzz/` on stable Rust: each target runs on its seed
//! corpus (`fuzz/corpus/TARGET`) and on deterministic mutations of it for
//! `ASYNCTION_FUZZ_SECONDS` (default 1) seconds. Any panic fails the test with the input;
//! coverage-guided runs use cargo-fuzz (see `fuzz/README.md`).
//!
//! The targets and the mutator are the fuzz crate's library (`asynction-fuzz`, a
//! dev-dependency): the functions cargo-fuzz runs are the ones tested here, and the features
//! they need from asynction are that crate's to declare.

use std::time::Duration;

use asynction_fuzz::{mutate, targets};

fn smoke(name: &str) {
    let (_, target) = targets::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .expect("a known target");
    let seconds: f64 = std::env::var("ASYNCTION_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0);
    let corpus = asynction_testkit::root().join("fuzz/corpus").join(name);
    let seeds = mutate::load_seeds(&corpus);
    assert!(seeds.len() >= 3, "{name}: the seed corpus is missing");
    let stats = mutate::run(*target, &seeds, Duration::from_secs_f64(seconds), 7);
    eprintln!(
        "{name}: {} executions, {} panics",
        stats.executions, stats.panic_count
    );
    assert!(
        stats.executions > seeds.len() as u64,
        "{name}: no mutation ran"
    );
    assert_eq!(
        stats.panic_count,
        0,
        "{name} panicked on: {:?}",
        stats
            .panics
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect::<Vec<_>>()
    );
}

#[test]
fn load_document_never_panics() {
    smoke("load_document");
}

#[test]
fn resolve_refs_never_panics() {
    smoke("resolve_refs");
}

#[test]
fn validate_payload_never_panics() {
    smoke("validate_payload");
}

#[test]
fn coerce_handshake_never_panics() {
    smoke("coerce_handshake");
}

#[test]
fn credentials_never_panics() {
    smoke("credentials");
}
