//! Diagnostic by diagnostic, asynction against the reference parser (@asyncapi/parser 3.x): the
//! set of (file, rule id, line) each reports, per rule: reported by both, only by asynction,
//! only by the reference.
//!
//! - Over the repository's fixture documents (`tests/fixtures/**`, `examples/**`): the
//!   reference's diagnostics are checked in (`tests/fixtures/agreement/reference.json`, written
//!   by `tests/peers/asyncapi-diagnostics.mjs`), and so is the table they give
//!   (`tests/fixtures/agreement/table.tsv`): a change of either side shows in review. One test
//!   checks that the live parser still reports what is checked in.
//! - Over the AsyncAPI corpus, with `ASYNCTION_CORPUS_SWEEP=1` (minutes: a measurement for
//!   notes): the reference runs live; the table is printed.
//!
//! Both assert the goals: every error the reference reports is reported by asynction at the
//! same line (an error of any rule on that line), except the reference's restatements of one
//! mistake through the AsyncAPI JSON Schema's `oneOf` branches and the known differences listed
//! with their reasons in `tests/fixtures/agreement/known-differences.tsv`; and at least 95 % of
//! the recommended-ruleset findings agree on the versions the reference runs them on (2.x: the
//! reference runs its recommended ruleset on 2.x documents only; asynction's findings on 3.x
//! documents are counted apart).
//!
//! `ASYNCTION_BLESS=1` rewrites the checked-in reference and table from a live run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use asynction::Severity;
use asynction::lint::{LintOptions, lint_path, rules};
use serde::{Deserialize, Serialize};

use asynction_testkit::peers::ensure_node_peers;
use asynction_testkit::{peers_dir as peers, root};

/// One diagnostic, as the agreement counts it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct Found {
    /// Relative to the folder of the run (the repository root, or the corpus).
    file: String,
    rule: String,
    /// 0 error, 1 warning, 2 info, 3 hint (the reference's numbers).
    severity: u8,
    line: Option<u32>,
    #[serde(default)]
    message: String,
}

/// The folder files are named from, for fixtures.
fn fixtures_base() -> PathBuf {
    root()
}

/// Files that are parts of documents or not documents at all.
fn is_document(rel: &str) -> bool {
    let skip = [
        "tests/fixtures/agreement/",
        "tests/fixtures/rulesets/",
        "tests/fixtures/spec/valid/chat/messages.yaml",
        // @asyncapi/parser 3.6.6 never terminates on it (see parser_agreement.rs).
        "tests/fixtures/spec/invalid/ref-cycle.yaml",
    ];
    (rel.ends_with(".yaml") || rel.ends_with(".yml") || rel.ends_with(".json"))
        && !skip.iter().any(|s| rel.starts_with(s))
}

/// Every fixture document, relative to the repository root, sorted.
fn fixture_documents() -> Vec<String> {
    let base = fixtures_base();
    let mut out = Vec::new();
    let mut dirs = vec![base.join("tests/fixtures"), base.join("examples")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(&base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if is_document(&rel) && text.contains("asyncapi") {
                out.push(rel);
            }
        }
    }
    out.sort();
    out
}

/// The reference parser's diagnostics on `files` (relative to `base`), live.
fn reference(base: &Path, files: &[String]) -> Vec<Found> {
    ensure_node_peers();
    let output = Command::new("node")
        .arg(peers().join("asyncapi-diagnostics.mjs"))
        .args(files)
        .current_dir(base)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("node must be on PATH to run tests/peers/asyncapi-diagnostics.mjs");
    assert!(
        output.status.success(),
        "the reference script failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut found: Vec<Found> =
        serde_json::from_slice(&output.stdout).expect("the script prints JSON");
    for f in &mut found {
        f.file = normalize(&f.file);
    }
    found.sort();
    found
}

/// asynction's diagnostics on `files` (relative to `base`).
fn ours(base: &Path, files: &[String]) -> Vec<Found> {
    let mut found = Vec::new();
    for file in files {
        let report = lint_path(base.join(file), &LintOptions::default());
        for d in report.diagnostics {
            let path = d.location.file.clone();
            let rel = path
                .strip_prefix(base)
                .map(Path::to_path_buf)
                .unwrap_or(path);
            found.push(Found {
                file: normalize(&rel.to_string_lossy()),
                rule: d.rule.to_owned(),
                severity: match d.severity {
                    Severity::Error => 0,
                    Severity::Warning => 1,
                    Severity::Info => 2,
                    _ => 3,
                },
                line: d.location.line,
                message: d.message,
            });
        }
    }
    found.sort();
    found
}

/// `a/./b/../c` → `a/c`.
fn normalize(file: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in file.split('/') {
        match part {
            "." | "" if !parts.is_empty() => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The agreement of two runs.
struct Agreement {
    /// rule → (both, only ours, only the reference).
    table: BTreeMap<String, (usize, usize, usize)>,
    /// Reference errors with no asynction error on their line, not explained.
    unexplained: Vec<String>,
    /// Reference errors restating a mistake through the AsyncAPI schema's oneOf branches.
    cascades: usize,
    /// Reference errors and the lines asynction reports an error on too.
    errors: (usize, usize),
    /// Recommended-ruleset findings on 2.x documents: (both, only ours, only the reference).
    warnings_2x: (usize, usize, usize),
    /// asynction's recommended-ruleset findings on 3.x documents (the reference runs none).
    warnings_3x: usize,
}

/// The errors ajv reports when an object fails every branch of a `oneOf` of the AsyncAPI
/// JSON Schema: each restates one mistake (reported at its own line) at the object or at keys
/// only the other branches know.
fn is_branch_cascade(f: &Found) -> bool {
    f.rule == rules::DOCUMENT
        && [
            "must have required property \"oneOf\"",
            "must match \"then\" schema",
            "is not expected to be here",
            "must not be valid",
            "must match exactly one schema in oneOf",
            "must have required property \"in\"",
            "must have required property \"scheme\"",
            "must have required property \"name\"",
            "must have required property \"openIdConnectUrl\"",
        ]
        .iter()
        .any(|p| f.message.contains(p))
}

fn known_differences() -> BTreeSet<(String, String, u32)> {
    let text =
        std::fs::read_to_string(root().join("tests/fixtures/agreement/known-differences.tsv"))
            .expect("known-differences.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() >= 4, "file, rule, line, reason: {l}");
            (
                cols[0].to_owned(),
                cols[1].to_owned(),
                cols[2].parse().expect("a line number"),
            )
        })
        .collect()
}

fn agree(
    theirs: &[Found],
    ours: &[Found],
    version_of: impl Fn(&str) -> Option<String>,
) -> Agreement {
    let key = |f: &Found| (f.file.clone(), f.rule.clone(), f.line);
    let theirs_set: BTreeSet<_> = theirs.iter().map(key).collect();
    let ours_set: BTreeSet<_> = ours.iter().map(key).collect();
    let mut table: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for k in theirs_set.union(&ours_set) {
        let row = table.entry(k.1.clone()).or_default();
        match (theirs_set.contains(k), ours_set.contains(k)) {
            (true, true) => row.0 += 1,
            (false, true) => row.1 += 1,
            _ => row.2 += 1,
        }
    }
    let our_error_lines: BTreeSet<(String, Option<u32>)> = ours
        .iter()
        .filter(|f| f.severity == 0)
        .map(|f| (f.file.clone(), f.line))
        .collect();
    let known = known_differences();
    let mut unexplained = BTreeSet::new();
    let mut cascades = 0;
    let mut errors = (0, 0);
    let mut counted = BTreeSet::new();
    for f in theirs.iter().filter(|f| f.severity == 0) {
        if !counted.insert(key(f)) {
            continue;
        }
        errors.0 += 1;
        if our_error_lines.contains(&(f.file.clone(), f.line)) {
            errors.1 += 1;
        } else if is_branch_cascade(f) {
            cascades += 1;
        } else if !known.contains(&(f.file.clone(), f.rule.clone(), f.line.unwrap_or(0))) {
            unexplained.insert(format!(
                "{}:{}: [{}] {}",
                f.file,
                f.line.unwrap_or(0),
                f.rule,
                f.message
            ));
        }
    }
    let recommended = |f: &(String, String, Option<u32>)| {
        rules::rule_named(&f.1).is_some_and(|r| r.recommended && r.reference)
    };
    let is_2x = |file: &str| version_of(file).is_some_and(|v| v.starts_with("2."));
    let mut warnings_2x = (0, 0, 0);
    let mut warnings_3x = 0;
    for k in theirs_set.union(&ours_set).filter(|k| recommended(k)) {
        if !is_2x(&k.0) {
            warnings_3x += usize::from(ours_set.contains(k));
            continue;
        }
        match (theirs_set.contains(k), ours_set.contains(k)) {
            (true, true) => warnings_2x.0 += 1,
            (false, true) => warnings_2x.1 += 1,
            _ => warnings_2x.2 += 1,
        }
    }
    Agreement {
        table,
        unexplained: unexplained.into_iter().collect(),
        cascades,
        errors,
        warnings_2x,
        warnings_3x,
    }
}

/// The `asyncapi` version written in `file` (relative to `base`), if it names one.
fn version(base: &Path, file: &str) -> Option<String> {
    let text = std::fs::read_to_string(base.join(file)).ok()?;
    text.lines().find_map(|line| {
        let rest = line
            .trim()
            .strip_prefix("asyncapi:")
            .or_else(|| line.trim().strip_prefix("\"asyncapi\":"))?;
        Some(
            rest.trim()
                .trim_end_matches(',')
                .trim_matches(|c| c == '\'' || c == '"')
                .to_owned(),
        )
    })
}

fn render(a: &Agreement) -> String {
    let mut out = String::from("rule\tboth\tonly asynction\tonly reference\n");
    for (rule, (b, o, t)) in &a.table {
        out.push_str(&format!("{rule}\t{b}\t{o}\t{t}\n"));
    }
    let (wb, wo, wt) = a.warnings_2x;
    out.push_str(&format!(
        "# reference errors: {}, asynction reports an error on the same line for {}, {} restate a \
         mistake through the schema's oneOf branches, {} are known differences\n",
        a.errors.0,
        a.errors.1,
        a.cascades,
        a.errors.0 - a.errors.1 - a.cascades - a.unexplained.len(),
    ));
    out.push_str(&format!(
        "# recommended rules on 2.x documents: {wb} both, {wo} only asynction, {wt} only reference \
         ({:.1} % agree); asynction's findings on 3.x documents (the reference runs none): {}\n",
        percent(a.warnings_2x),
        a.warnings_3x,
    ));
    out
}

fn percent((both, ours, theirs): (usize, usize, usize)) -> f64 {
    let all = both + ours + theirs;
    if all == 0 {
        100.0
    } else {
        100.0 * both as f64 / all as f64
    }
}

fn assert_goals(a: &Agreement, what: &str) {
    assert!(
        a.unexplained.is_empty(),
        "{what}: reference errors asynction does not report on their line (fix, or explain in \
         tests/fixtures/agreement/known-differences.tsv):\n{}",
        a.unexplained.join("\n")
    );
    assert!(
        percent(a.warnings_2x) >= 95.0,
        "{what}: recommended-ruleset agreement {:.1} % < 95 %\n{}",
        percent(a.warnings_2x),
        render(a)
    );
}

fn agreement_dir() -> PathBuf {
    root().join("tests/fixtures/agreement")
}

fn blessing() -> bool {
    std::env::var_os("ASYNCTION_BLESS").is_some()
}

#[test]
fn asynction_reports_what_the_reference_reports_on_the_fixtures() {
    let base = fixtures_base();
    let files = fixture_documents();
    assert!(files.len() >= 100, "fixtures missing: {}", files.len());
    let reference_file = agreement_dir().join("reference.json");
    if blessing() {
        let live = reference(&base, &files);
        std::fs::write(
            &reference_file,
            serde_json::to_string_pretty(&live).unwrap() + "\n",
        )
        .unwrap();
    }
    let theirs: Vec<Found> = serde_json::from_str(
        &std::fs::read_to_string(&reference_file).expect("tests/fixtures/agreement/reference.json"),
    )
    .expect("reference.json");
    let ours = ours(&base, &files);
    let a = agree(&theirs, &ours, |f| version(&base, f));
    let table = render(&a);
    eprintln!("{table}");
    let table_file = agreement_dir().join("table.tsv");
    if blessing() {
        std::fs::write(&table_file, &table).unwrap();
    }
    assert_eq!(
        table,
        std::fs::read_to_string(&table_file).expect("tests/fixtures/agreement/table.tsv"),
        "the agreement changed: check it, then ASYNCTION_BLESS=1 rewrites table.tsv"
    );
    assert_goals(&a, "fixtures");
}

#[test]
fn the_checked_in_reference_is_what_the_parser_reports() {
    let base = fixtures_base();
    let files = fixture_documents();
    let live = reference(&base, &files);
    let checked_in: Vec<Found> = serde_json::from_str(
        &std::fs::read_to_string(agreement_dir().join("reference.json")).unwrap(),
    )
    .unwrap();
    // Messages may be reworded by parser releases; the counted part must not change.
    let strip = |v: &[Found]| -> Vec<(String, String, u8, Option<u32>)> {
        v.iter()
            .map(|f| (f.file.clone(), f.rule.clone(), f.severity, f.line))
            .collect()
    };
    let (live, checked_in) = (strip(&live), strip(&checked_in));
    let new: Vec<_> = live.iter().filter(|f| !checked_in.contains(f)).collect();
    let gone: Vec<_> = checked_in.iter().filter(|f| !live.contains(f)).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "@asyncapi/parser now reports something else (ASYNCTION_BLESS=1 rewrites the reference; \
         a new fixture document needs it too):\nreported now, not checked in: {new:?}\nchecked \
         in, not reported now: {gone:?}"
    );
}

#[test]
fn asynction_reports_what_the_reference_reports_on_the_corpus() {
    // Minutes of the live reference parser over every corpus document: a measurement for
    // notes, run with ASYNCTION_CORPUS_SWEEP=1; the fixtures' agreement above always runs.
    if !asynction_testkit::corpus_sweep() {
        return;
    }
    let corpus = asynction_testkit::asyncapi_corpus();
    let tsv = std::fs::read_to_string(corpus.join("EXPECTED-RESULTS.tsv"))
        .expect("the corpus has EXPECTED-RESULTS.tsv");
    let mut versions = BTreeMap::new();
    let files: Vec<String> = tsv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            versions.insert(normalize(cols[0]), cols[1].to_owned());
            cols[0].to_owned()
        })
        .collect();
    let theirs = reference(&corpus, &files);
    let ours = ours(&corpus, &files);
    let a = agree(&theirs, &ours, |f| {
        versions.get(f).cloned().or_else(|| {
            // A fragment a document reaches: the version of its folder's documents.
            versions
                .iter()
                .find(|(doc, _)| {
                    Path::new(doc.as_str()).parent().and_then(Path::parent)
                        == Path::new(f).parent().and_then(Path::parent)
                })
                .map(|(_, v)| v.clone())
        })
    });
    eprintln!("corpus ({} documents):\n{}", files.len(), render(&a));
    assert_goals(&a, "corpus");
}
