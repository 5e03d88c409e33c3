//! asynction and the reference parser (@asyncapi/parser, run with Node.js through
//! `tests/peers/asyncapi-parse.mjs`) must reach the same verdict on every fixture document:
//! valid for both, or invalid for both. Any divergence fails with both verdicts printed.
//!
//! Needs `node` and `npm` on PATH; `npm install --prefix tests/peers` runs on first use.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use asynction::Document;
use asynction::validate::Validators;
use serde::Deserialize;

/// Files under the fixtures folder that are parts of a document, not documents.
const FRAGMENTS: &[&str] = &["valid/chat/messages.yaml"];

/// Documents on which the reference parser does not terminate, with the reason.
///
/// `invalid/ref-cycle.yaml`: @asyncapi/parser 3.6.6 loops forever (100% CPU, observed for
/// minutes) on a pure `$ref` alias cycle between two messages (Ping → Pong → Ping). A document
/// the parser cannot finish parsing is one it does not accept, so a run that exceeds
/// [`HANG_TIMEOUT`] counts as "invalid"; should a later parser version answer, its answer is
/// used instead.
const HANGS_THE_PARSER: &[&str] = &["invalid/ref-cycle.yaml"];

/// How long a parser run may take before it counts as not terminating.
const HANG_TIMEOUT: Duration = Duration::from_secs(10);

fn root() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).to_path_buf()
}

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/spec")
}

/// Every fixture document, relative to the fixtures folder, sorted.
fn documents() -> Vec<String> {
    let base = fixtures();
    let mut out = Vec::new();
    let mut dirs = vec![base.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures folder") {
            let path = entry.expect("fixture entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(&base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if !FRAGMENTS.contains(&rel.as_str()) {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

#[derive(Debug, Deserialize)]
struct ParserVerdict {
    file: String,
    valid: bool,
    errors: Vec<String>,
}

fn peers() -> PathBuf {
    root().join("tests/peers")
}

/// Installs @asyncapi/parser into tests/peers/node_modules when it is missing.
fn install_parser() {
    if peers()
        .join("node_modules/@asyncapi/parser/package.json")
        .exists()
    {
        return;
    }
    let status = Command::new("npm")
        .args(["install", "--prefix"])
        .arg(peers())
        .args(["--no-audit", "--no-fund", "--ignore-scripts"])
        .stdout(Stdio::null())
        .status()
        .expect("npm must be on PATH to install @asyncapi/parser (tests/peers/package.json)");
    assert!(
        status.success(),
        "npm install --prefix tests/peers failed: {status}"
    );
}

/// Runs the parser script on `files` (relative to the fixtures folder); `None` when it did not
/// finish within `timeout`.
fn run_parser(files: &[&str], timeout: Duration) -> Option<Vec<ParserVerdict>> {
    let mut child = Command::new("node")
        .arg(peers().join("asyncapi-parse.mjs"))
        .args(files)
        .current_dir(fixtures())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node must be on PATH to run tests/peers/asyncapi-parse.mjs");
    let deadline = Instant::now() + timeout;
    loop {
        if child.try_wait().expect("waiting for node").is_some() {
            break;
        }
        if Instant::now() >= deadline {
            child.kill().expect("stopping node");
            child.wait().expect("reaping node");
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("node output");
    assert!(
        output.status.success(),
        "the parser script failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the parser script printed no verdicts ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    }))
}

/// asynction's verdict: the document loads and its schemas compile.
fn asynction_verdict(rel: &str) -> Result<(), String> {
    let doc = Document::from_path(fixtures().join(rel)).map_err(|e| e.to_string())?;
    Validators::compile(&doc)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn describe(valid: bool) -> &'static str {
    if valid { "valid" } else { "invalid" }
}

#[test]
fn asynction_and_the_reference_parser_agree_on_every_fixture() {
    install_parser();
    let documents = documents();
    assert!(documents.len() >= 15, "fixtures missing: {documents:?}");
    let (hanging, regular): (Vec<&str>, Vec<&str>) = documents
        .iter()
        .map(String::as_str)
        .partition(|d| HANGS_THE_PARSER.contains(d));

    let mut verdicts = run_parser(&regular, Duration::from_secs(300))
        .expect("the parser finishes the regular fixtures");
    for file in hanging {
        match run_parser(&[file], HANG_TIMEOUT) {
            Some(mut v) => verdicts.append(&mut v),
            None => verdicts.push(ParserVerdict {
                file: file.to_owned(),
                valid: false,
                errors: vec![format!("did not terminate within {HANG_TIMEOUT:?}")],
            }),
        }
    }
    assert_eq!(verdicts.len(), documents.len(), "one verdict per document");

    let mut divergences = Vec::new();
    for verdict in &verdicts {
        let ours = asynction_verdict(&verdict.file);
        // Fixtures are sorted into valid/ and invalid/: both tools must also match the folder.
        let expected_valid = verdict.file.starts_with("valid/");
        if ours.is_ok() != verdict.valid || verdict.valid != expected_valid {
            divergences.push(format!(
                "{} (expected {}):\n  asynction: {}\n  @asyncapi/parser: {}{}",
                verdict.file,
                describe(expected_valid),
                describe(ours.is_ok()),
                describe(verdict.valid),
                ours.err()
                    .map(|e| format!("\n  asynction says: {e}"))
                    .unwrap_or_default()
                    + &verdict
                        .errors
                        .iter()
                        .map(|e| format!("\n  parser says: {e}"))
                        .collect::<String>(),
            ));
        }
    }
    assert!(
        divergences.is_empty(),
        "verdicts diverge:\n{}",
        divergences.join("\n")
    );
}
