//! asynction and the reference parser (@asyncapi/parser, run with Node.js through
//! `tests/peers/asyncapi-parse.mjs`) must reach the same verdict on every fixture document:
//! valid for both, or invalid for both. Any divergence fails with both verdicts printed.
//!
//! The same holds on every document of the AsyncAPI corpus (the official examples of 2.0.0,
//! 2.6.0, 3.0.0 and 3.1.0 and public Socket.IO documents, with the reference parser's recorded
//! verdicts in `EXPECTED-RESULTS.tsv`): read from `$ASYNCAPI_CORPUS`, by default
//! `shared/asyncapi-corpus` beside the workspace.
//!
//! Needs `node` and `npm` on PATH; `npm install --prefix tests/peers` runs on first use.

use std::path::{Path, PathBuf};
use std::time::Duration;

use asynction::Document;
use asynction::validate::Validators;
use asynction_testkit::asyncapi_corpus as corpus;
use asynction_testkit::asyncapi_parser::{Verdict as ParserVerdict, verdicts_within};

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

fn fixtures() -> PathBuf {
    asynction_testkit::fixtures("spec")
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

/// Runs the parser script on `files` (relative to the fixtures folder); `None` when it did not
/// finish within `timeout`.
fn run_parser(files: &[&str], timeout: Duration) -> Option<Vec<ParserVerdict>> {
    verdicts_within(&fixtures(), files, timeout)
}

/// asynction's verdict: the document loads and its schemas compile.
fn asynction_verdict(rel: &str) -> Result<(), String> {
    asynction_verdict_at(&fixtures().join(rel))
}

/// asynction's verdict on the document at `path`.
fn asynction_verdict_at(path: &Path) -> Result<(), String> {
    let doc = Document::from_path(path).map_err(|e| e.to_string())?;
    Validators::compile(&doc)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

fn describe(valid: bool) -> &'static str {
    if valid { "valid" } else { "invalid" }
}

#[test]
fn asynction_and_the_reference_parser_agree_on_every_fixture() {
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

/// One row of the corpus's `EXPECTED-RESULTS.tsv`: a document, its `asyncapi` version and
/// the verdict @asyncapi/parser 3.6.6 gave when the corpus was assembled.
struct CorpusDocument {
    file: String,
    asyncapi: String,
    recorded_valid: bool,
}

fn corpus_documents() -> Vec<CorpusDocument> {
    let tsv = corpus().join("EXPECTED-RESULTS.tsv");
    let text = std::fs::read_to_string(&tsv).unwrap_or_else(|e| {
        panic!(
            "the AsyncAPI corpus is missing ({}: {e}); set ASYNCAPI_CORPUS to its folder",
            tsv.display()
        )
    });
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert!(
                cols.len() >= 4,
                "malformed EXPECTED-RESULTS.tsv row: {line}"
            );
            CorpusDocument {
                file: cols[0].to_owned(),
                asyncapi: cols[1].to_owned(),
                recorded_valid: match cols[3] {
                    "PARSED" => true,
                    "FAILED" => false,
                    other => panic!("unknown recorded verdict {other} in: {line}"),
                },
            }
        })
        .collect()
}

#[test]
fn asynction_and_the_reference_parser_agree_on_every_corpus_document() {
    let documents = corpus_documents();
    let v3_1 = documents.iter().filter(|d| d.asyncapi == "3.1.0").count();
    assert!(
        documents.len() >= 90 && v3_1 >= 23,
        "corpus incomplete: {} documents, {v3_1} of AsyncAPI 3.1.0",
        documents.len()
    );
    let files: Vec<&str> = documents.iter().map(|d| d.file.as_str()).collect();
    let verdicts = verdicts_within(&corpus(), &files, Duration::from_secs(600))
        .expect("the parser finishes the corpus");
    assert_eq!(verdicts.len(), documents.len(), "one verdict per document");

    let mut divergences = Vec::new();
    let mut agreed = 0;
    for (doc, verdict) in documents.iter().zip(&verdicts) {
        assert_eq!(doc.file, verdict.file);
        let ours = asynction_verdict_at(&corpus().join(&doc.file));
        // The live parser must still give the recorded verdict, and asynction the same.
        if ours.is_ok() != verdict.valid || verdict.valid != doc.recorded_valid {
            divergences.push(format!(
                "{} (AsyncAPI {}, recorded {}):\n  asynction: {}\n  @asyncapi/parser: {}{}",
                doc.file,
                doc.asyncapi,
                describe(doc.recorded_valid),
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
        } else {
            agreed += 1;
        }
    }
    eprintln!(
        "corpus: asynction agrees with @asyncapi/parser on {agreed}/{} documents ({v3_1} of AsyncAPI 3.1.0)",
        documents.len()
    );
    assert!(
        divergences.is_empty(),
        "verdicts diverge on {} of {} corpus documents:\n{}",
        divergences.len(),
        documents.len(),
        divergences.join("\n")
    );
}
