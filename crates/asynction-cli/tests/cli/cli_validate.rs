//! `asynction validate`: exit codes, the text and JSON reports, and the global options. The
//! binary runs where only a process tells (no colours on a pipe, the environment's default
//! document); the other checks run the command in process.
use std::path::PathBuf;

use asynction_testkit::cli::Run;
use serde_json::Value;

fn fixtures() -> PathBuf {
    asynction_testkit::fixtures("spec")
}

/// Runs the binary in the fixtures folder, so that reports name files as given.
/// The ruleset these tests run with: the recommended rules off, so a report holds what makes a
/// document invalid (and the 3.x example warnings), as these tests were written before the
/// ruleset existed.
const VALIDITY_ONLY: &str = "../rulesets/validity-only.yaml";

/// Runs the binary in the fixtures folder; `validate` runs with [`VALIDITY_ONLY`].
fn asynction(args: &[&str]) -> Run {
    let mut all = args.to_vec();
    if all.first() == Some(&"validate") {
        all.splice(1..1, ["--ruleset", VALIDITY_ONLY]);
    }
    crate::asynction(&fixtures(), &all)
}

/// `validate` in process on `files` (relative to the fixtures folder) after `options`, with
/// [`VALIDITY_ONLY`]; the report names the files as given.
fn validate(options: &[&str], files: &[&str]) -> Run {
    let fixtures = fixtures();
    let files: Vec<String> = files.iter().map(|f| crate::at(&fixtures, f)).collect();
    let ruleset = crate::at(&fixtures, VALIDITY_ONLY);
    let args: Vec<&str> = ["validate", "--ruleset", ruleset.as_str()]
        .into_iter()
        .chain(options.iter().copied())
        .chain(files.iter().map(String::as_str))
        .collect();
    crate::in_process(&fixtures, &args)
}

fn stdout(o: &Run) -> String {
    o.stdout.clone()
}

#[test]
fn valid_documents_exit_0_with_a_summary_each() {
    let out = validate(
        &[],
        &["valid/user-account-2.0.0.yaml", "valid/trivia-3.0.0.yaml"],
    );
    assert_eq!(out.code, Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "valid/user-account-2.0.0.yaml: valid (AsyncAPI 2.0.0, 2 namespaces, 3 events)\n\
         valid/trivia-3.0.0.yaml: valid (AsyncAPI 3.0.0, 2 namespaces, 4 events)\n"
    );
}

#[test]
fn any_invalid_document_exits_1_and_prints_file_line_col_message_pointer() {
    let out = asynction(&[
        "validate",
        "valid/presence-2.6.0.json",
        "invalid/dangling-ref.yaml",
    ]);
    assert_eq!(out.code, Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("valid/presence-2.6.0.json: valid (AsyncAPI 2.6.0, 1 namespace, 2 events)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "invalid/dangling-ref.yaml:10:9: dangling $ref '#/components/messages/Missing': no such node \
             (at /channels/~1/publish/message/$ref) [invalid-ref]\n"
        ),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "no colors when stdout is not a terminal"
    );
}

#[test]
fn invalid_json_schemas_are_reported_by_validate() {
    let out = validate(&[], &["invalid/invalid-payload-schema.yaml"]);
    assert_eq!(out.code, Some(1));
    assert!(
        stdout(&out).starts_with("invalid/invalid-payload-schema.yaml:15:15: invalid JSON Schema"),
        "{}",
        stdout(&out)
    );
    // --without-validation skips the schemas, as a server started with it would.
    let skipped = validate(
        &["--without-validation"],
        &["invalid/invalid-payload-schema.yaml"],
    );
    assert_eq!(skipped.code, Some(0), "{}", stdout(&skipped));
}

#[test]
fn json_format_prints_an_array_of_problems() {
    let out = validate(
        &["--format", "json"],
        &[
            "valid/chat/chat-2.3.0.yaml",
            "invalid/missing-info-version.yaml",
        ],
    );
    assert_eq!(out.code, Some(1));
    let problems: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(
        problems,
        serde_json::json!([{
            "file": "invalid/missing-info-version.yaml",
            "line": 3,
            "column": 1,
            "pointer": "/info",
            "message": "info must have required property 'version'",
            "rule": "asyncapi-document-resolved"
        }])
    );
    let clean = validate(&["--format", "json"], &["valid/chat/chat-2.3.0.yaml"]);
    assert_eq!(clean.code, Some(0));
    assert_eq!(
        serde_json::from_str::<Value>(&clean.stdout).unwrap(),
        serde_json::json!([])
    );
}

#[test]
fn without_files_the_spec_option_or_its_environment_variable_is_validated() {
    let out = asynction(&["validate", "--spec", "valid/outline-2.6.0.yaml"]);
    assert_eq!(out.code, Some(0), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("valid/outline-2.6.0.yaml: valid"));

    let from_env = std::process::Command::new(env!("CARGO_BIN_EXE_asynction"))
        .args(["validate", "--ruleset", VALIDITY_ONLY])
        .current_dir(fixtures())
        .env("ASYNCTION_SPEC", "invalid/unsupported-version.yaml")
        .output()
        .unwrap();
    let from_env = Run::from_output(&from_env);
    assert_eq!(from_env.code, Some(1));
    assert!(
        stdout(&from_env)
            .starts_with("invalid/unsupported-version.yaml:2:1: AsyncAPI version '1.2.0'")
    );

    // The default is ./asyncapi.yaml, which the fixtures folder does not have.
    let default = asynction(&["validate"]);
    assert_eq!(default.code, Some(1));
    assert!(
        stdout(&default).starts_with("asyncapi.yaml: cannot read the document"),
        "{}",
        stdout(&default)
    );
}

#[test]
fn an_unknown_server_is_a_problem() {
    let ok = validate(&["--server", "production"], &["valid/outline-2.6.0.yaml"]);
    assert_eq!(ok.code, Some(0), "{}", stdout(&ok));
    let out = validate(&["--server", "staging"], &["valid/outline-2.6.0.yaml"]);
    assert_eq!(out.code, Some(1));
    assert!(
        stdout(&out)
            .contains("the document has no server 'staging' (servers: production) (at /servers)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_2_x_example_that_does_not_match_is_an_error() {
    let out = validate(&[], &["invalid/bad-example-2.6.0.yaml"]);
    assert_eq!(out.code, Some(1), "{}", stdout(&out));
    assert!(
        stdout(&out).starts_with(
            "invalid/bad-example-2.6.0.yaml:19:15: example #1 of event 'say' does not match its \
             payload schema: "
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn asyncapi_3_x_examples_that_do_not_match_are_warnings_and_strict_makes_them_errors() {
    let out = validate(&[], &["valid/bad-examples-3.1.0.yaml"]);
    assert_eq!(out.code, Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with(
            "valid/bad-examples-3.1.0.yaml:26:13: warning: example 'too long' of event 'say' \
             does not match its payload schema: "
        ),
        "{text}"
    );
    assert!(lines[0].ends_with(
        "(at /channels/chat/messages/say/examples/1/payload) [asynction-message-examples]"
    ));
    assert!(
        lines[1].starts_with("valid/bad-examples-3.1.0.yaml:45:")
            && lines[1].contains(": warning: example #2 of event 'count'"),
        "{text}"
    );
    assert_eq!(
        lines[2],
        "valid/bad-examples-3.1.0.yaml: valid (AsyncAPI 3.1.0, 1 namespace, 2 events, 2 warnings)"
    );

    let json = validate(&["--format", "json"], &["valid/bad-examples-3.1.0.yaml"]);
    assert_eq!(json.code, Some(0));
    let problems: Value = serde_json::from_str(&json.stdout).expect("stdout is JSON");
    assert_eq!(problems[0]["severity"], "warning");
    assert_eq!(problems[0]["line"], 26);
    assert_eq!(problems.as_array().unwrap().len(), 2);

    let strict = validate(&["--strict"], &["valid/bad-examples-3.1.0.yaml"]);
    assert_eq!(strict.code, Some(1), "{}", stdout(&strict));
    assert!(
        stdout(&strict).starts_with(
            "valid/bad-examples-3.1.0.yaml:26:13: example 'too long' of event 'say' does not \
             match its payload schema: "
        ),
        "{}",
        stdout(&strict)
    );
    // --strict changes nothing for a document without warnings.
    let clean = validate(&["--strict"], &["valid/features-3.1.0.yaml"]);
    assert_eq!(clean.code, Some(0), "{}", stdout(&clean));
    assert_eq!(
        stdout(&clean),
        "valid/features-3.1.0.yaml: valid (AsyncAPI 3.1.0, 2 namespaces, 5 events)\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    let in_process = |args: &[&str]| crate::in_process(&fixtures(), args).code;
    assert_eq!(
        in_process(&["validate", "--format", "xml", "x.yaml"]),
        Some(2)
    );
    assert_eq!(in_process(&["frobnicate"]), Some(2));
    assert_eq!(in_process(&[]), Some(2));
}
