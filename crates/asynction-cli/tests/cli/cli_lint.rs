//! `asynction validate` as a linter: every problem in one run, rule ids, the recommended ruleset
//! and its configuration, the output formats CI tools read (SARIF checked against the SARIF
//! 2.1.0 JSON Schema), and the mock refusing to start with every error listed.
use std::process::Command;

use asynction_testkit::cli::Run;
use asynction_testkit::peers::ensure_node_peers;
use asynction_testkit::{peers_dir, root};
use serde_json::Value;

/// Runs the built binary at the repository root, so that reports name files as given (and
/// SARIF URIs are relative to it).
fn asynction(args: &[&str]) -> Run {
    crate::asynction(&root(), args)
}

fn stdout(o: &Run) -> String {
    o.stdout.clone()
}

const FIVE: &str = "tests/fixtures/lint/five-mistakes-2.6.0.yaml";

/// (line, rule) of every error line of a text report.
fn errors(text: &str) -> Vec<(u32, String)> {
    text.lines()
        .filter(|l| {
            !l.contains(": warning: ") && !l.contains(": info: ") && !l.contains(": hint: ")
        })
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            let _file = parts.next()?;
            let line = parts.next()?.parse().ok()?;
            let rule = l.rsplit_once(" [")?.1.trim_end_matches(']').to_owned();
            Some((line, rule))
        })
        .collect()
}

#[test]
fn five_independent_mistakes_are_reported_in_one_run_each_at_its_line() {
    let out = asynction(&["validate", FIVE]);
    assert_eq!(out.code, Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert_eq!(
        errors(&text),
        [
            (3, "asyncapi-document-resolved".to_owned()),
            (9, "invalid-ref".to_owned()),
            (21, "asyncapi2-message-examples".to_owned()),
            (30, "asyncapi2-schemas".to_owned()),
            (33, "asyncapi2-schemas".to_owned()),
        ],
        "{text}"
    );
    // The schema mistakes are named with the valid choices, not with the meta-schema's anyOf.
    assert!(
        text.contains(
            "\"objekt\" is not a JSON Schema type (did you mean \"object\"?); expected one of: \
             array, boolean, integer, null, number, object, string"
        ),
        "{text}"
    );
    assert!(
        text.contains("minLength must be a non-negative integer"),
        "{text}"
    );
    // What could not be read is said once.
    assert_eq!(text.matches("[asynction-skipped]").count(), 1, "{text}");
    // Sorted by position: line numbers never go back.
    let lines: Vec<u32> = text
        .lines()
        .filter_map(|l| l.split(':').nth(1)?.parse().ok())
        .collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{text}");
}

#[test]
fn a_problem_in_a_referenced_file_is_reported_in_that_file() {
    let out = asynction(&[
        "validate",
        "--ruleset",
        "tests/fixtures/rulesets/validity-only.yaml",
        "tests/fixtures/lint/multi/api.yaml",
    ]);
    assert_eq!(out.code, Some(1));
    assert!(
        stdout(&out).contains(
            "tests/fixtures/lint/multi/messages.yaml:4:5: dangling $ref '#/Gone': no such node \
             (at /Say/payload/$ref) [invalid-ref]\n"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_recommended_ruleset_reports_warnings_with_the_reference_ids_and_exit_0() {
    let out = asynction(&["validate", "tests/fixtures/spec/valid/outline-2.6.0.yaml"]);
    assert_eq!(out.code, Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    for rule in ["asyncapi-info-contact", "asyncapi-latest-version"] {
        assert!(text.contains(&format!("[{rule}]")), "{rule}: {text}");
    }
    assert!(
        text.lines()
            .last()
            .is_some_and(|l| l.contains(": valid (AsyncAPI 2.6.0") && l.contains(" warning")),
        "{text}"
    );
    // --fail-severity warn fails on them; info fails on the info too.
    let warn = asynction(&[
        "validate",
        "--fail-severity",
        "warn",
        "tests/fixtures/spec/valid/outline-2.6.0.yaml",
    ]);
    assert_eq!(warn.code, Some(1));
}

#[test]
fn a_ruleset_sets_severities_and_turns_rules_off_and_nodes_disable_rules() {
    let doc = "tests/fixtures/lint/disabled-2.6.0.yaml";
    let plain = stdout(&asynction(&["validate", doc]));
    assert!(
        !plain.contains("[asyncapi-id]"),
        "disabled at the root: {plain}"
    );
    assert!(!plain.contains("[asyncapi-servers]"), "{plain}");
    assert_eq!(
        plain
            .matches("[asynction-socketio-empty-namespace]")
            .count(),
        1,
        "/quiet disables it, /loud does not: {plain}"
    );
    let out = asynction(&[
        "validate",
        "--ruleset",
        "tests/fixtures/rulesets/strict-contact.yaml",
        "tests/fixtures/spec/valid/outline-2.6.0.yaml",
    ]);
    let text = stdout(&out);
    assert_eq!(out.code, Some(1), "contact is an error now: {text}");
    assert!(!text.contains("[asyncapi-id]"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.ends_with("[asyncapi-info-contact]") && !l.contains(": warning: ")),
        "{text}"
    );
    let bad = asynction(&["validate", "--ruleset", FIVE, FIVE]);
    assert_eq!(bad.code, Some(2), "a document is no ruleset");
    assert!(bad.stderr.contains("unknown ruleset key"), "{}", bad.stderr);
}

#[test]
fn explain_says_what_a_rule_means_and_how_to_fix_it() {
    let out = asynction(&["validate", "--explain", "asyncapi2-schemas"]);
    assert_eq!(out.code, Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("asyncapi2-schemas (error, same id in @asyncapi/parser)"),
        "{text}"
    );
    assert!(text.contains("How to fix: "), "{text}");
    let unknown = asynction(&["validate", "--explain", "schemas"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.stderr.contains("did you mean: asyncapi2-schemas"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn json_and_github_formats_carry_the_rule_and_the_position() {
    let json = asynction(&["validate", "--format", "json", FIVE]);
    assert_eq!(json.code, Some(1));
    let problems: Value = serde_json::from_str(&json.stdout).unwrap();
    let dangling = problems
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["rule"] == "invalid-ref")
        .expect("the dangling $ref");
    assert_eq!(
        (dangling["line"].as_u64(), dangling["column"].as_u64()),
        (Some(9), Some(9))
    );
    assert!(
        dangling.get("severity").is_none(),
        "errors carry no severity, as before"
    );

    let github = asynction(&["validate", "--format", "github", FIVE]);
    assert_eq!(github.code, Some(1));
    let text = stdout(&github);
    assert!(
        text.contains(&format!(
            "::error file={FIVE},line=9,col=9,title=invalid-ref::dangling $ref"
        )),
        "{text}"
    );
    assert!(text.contains("::warning file="), "{text}");
    assert!(text.contains("::notice file="), "{text}");
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    ensure_node_peers();
    let out = asynction(&[
        "validate",
        "--format",
        "sarif",
        FIVE,
        "tests/fixtures/lint/multi/api.yaml",
    ]);
    assert_eq!(out.code, Some(1));
    let log: Value = serde_json::from_str(&out.stdout).expect("SARIF is JSON");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "asynction");
    let results = run["results"].as_array().unwrap();
    let dangling = results
        .iter()
        .find(|r| r["ruleId"] == "invalid-ref")
        .unwrap();
    let physical = &dangling["locations"][0]["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"]["uri"], FIVE,
        "relative to the working directory"
    );
    assert_eq!(physical["region"]["startLine"], 9);
    assert_eq!(dangling["level"], "error");
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        rule_ids[dangling["ruleIndex"].as_u64().unwrap() as usize],
        "invalid-ref"
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.sarif");
    std::fs::write(&file, out.stdout.as_bytes()).unwrap();
    let check = Command::new("node")
        .arg(peers_dir().join("sarif-check.mjs"))
        .arg(&file)
        .output()
        .expect("node runs tests/peers/sarif-check.mjs");
    let verdict: Value = serde_json::from_slice(&check.stdout).unwrap_or_else(|e| {
        panic!(
            "sarif-check printed no verdict ({e}): {}",
            String::from_utf8_lossy(&check.stderr)
        )
    });
    assert_eq!(verdict["valid"], true, "{verdict}");

    // The validator does refuse a log that breaks the schema.
    std::fs::write(
        &file,
        r#"{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}"#,
    )
    .unwrap();
    let refused = Command::new("node")
        .arg(peers_dir().join("sarif-check.mjs"))
        .arg(&file)
        .output()
        .unwrap();
    let verdict: Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(verdict["valid"], false, "{verdict}");
}

#[test]
fn the_mock_refuses_to_start_listing_every_error() {
    let out = asynction(&["--spec", FIVE, "mock", "run", "--port", "0"]);
    assert_eq!(out.code, Some(1));
    let stderr = out.stderr.clone();
    for line in [
        ":3:1: info must have required property 'version'",
        ":9:9: dangling $ref",
        ":21:13: example #1",
        ":30:13: invalid JSON Schema",
        ":33:13: invalid JSON Schema",
    ] {
        assert!(stderr.contains(line), "{line} missing: {stderr}");
    }
    assert!(out.stdout.is_empty(), "no banner on failure");
}
