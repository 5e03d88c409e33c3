//! `asynction diff`: exit codes (0 / 1 at or above --fail-on / 2 on usage or load errors), the
//! text, JSON and Markdown reports, and `REV:PATH` documents read from git. What only a
//! process shows (colours on a pipe and when forced, paths relative to the working directory
//! in git) runs the binary; the rest runs the command in process.
use std::path::{Path, PathBuf};
use std::process::Command;

use asynction_testkit::cli::Run;
use serde_json::Value;

fn corpus() -> PathBuf {
    asynction_testkit::fixtures("diff")
}

/// Runs the binary's `asynction diff ARGS` in `dir`, so that reports name files as given.
fn diff_in(dir: &Path, args: &[&str]) -> Run {
    let args: Vec<&str> = std::iter::once("diff")
        .chain(args.iter().copied())
        .collect();
    crate::asynction(dir, &args)
}

/// `asynction diff ARGS` in process; arguments that name files of `dir` are given relative to
/// it, and the report names them so.
fn diff_in_process(dir: &Path, args: &[&str]) -> Run {
    let args: Vec<String> = std::iter::once("diff".to_owned())
        .chain(args.iter().map(|a| {
            if dir.join(a).is_file() {
                crate::at(dir, a)
            } else {
                (*a).to_owned()
            }
        }))
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    crate::in_process(dir, &args)
}

/// [`diff_in_process`] in the diff fixtures.
fn diff(args: &[&str]) -> Run {
    diff_in_process(&corpus(), args)
}

fn stdout(o: &Run) -> String {
    o.stdout.clone()
}

fn stderr(o: &Run) -> String {
    o.stderr.clone()
}

#[test]
fn equivalent_documents_exit_0() {
    let out = diff(&["v2-vs-v3/old.yaml", "v2-vs-v3/new.yaml"]);
    assert_eq!(out.code, Some(0), "{}", stdout(&out));
    assert_eq!(
        stdout(&out),
        "v2-vs-v3/old.yaml → v2-vs-v3/new.yaml: no changes\n"
    );
}

#[test]
fn a_breaking_change_exits_1_with_changes_grouped_by_severity() {
    let out = diff_in(
        &corpus(),
        &["required-added/old.yaml", "required-added/new.yaml"],
    );
    assert_eq!(out.code, Some(1));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "required-added/old.yaml → required-added/new.yaml: 1 breaking, 0 warnings, 1 info\n\n\
             breaking (1)\n  breaking /chat 'say': payload: now requires 'text' [schema_narrowed]\n    \
             Clients that emit 'say' on /chat with values the old document accepted are now refused.\n    \
             old: required-added/old.yaml:9:9 (/channels/~1chat/publish/message/payload)\n    \
             new: required-added/new.yaml:9:74 (/channels/~1chat/publish/message/payload/required)\n"
        ),
        "{text}"
    );
    let b = text.find("breaking (1)").unwrap();
    let i = text.find("info (1)").unwrap();
    assert!(b < i, "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no colours when stdout is not a terminal"
    );
}

#[test]
fn colours_when_forced() {
    let out = Command::new(env!("CARGO_BIN_EXE_asynction"))
        .args(["diff", "required-added/old.yaml", "required-added/new.yaml"])
        .current_dir(corpus())
        .env("CLICOLOR_FORCE", "1")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let out = Run::from_output(&out);
    assert!(stdout(&out).contains("\u{1b}["), "{}", stdout(&out));
}

#[test]
fn a_keyword_behind_refs_is_shown_where_written_and_where_used() {
    let out = diff(&[
        "keyword-behind-refs/old.yaml",
        "keyword-behind-refs/new.yaml",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "    old: keyword-behind-refs/old.yaml:24:11 (/channels/~1user/publish/message/oneOf/0/payload/properties/password/minLength)\n         used at keyword-behind-refs/old.yaml:10:13\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("         used at keyword-behind-refs/new.yaml:10:13\n"),
        "{text}"
    );
}

#[test]
fn no_color_wins_over_clicolor_force() {
    let out = Command::new(env!("CARGO_BIN_EXE_asynction"))
        .args(["diff", "required-added/old.yaml", "required-added/new.yaml"])
        .current_dir(corpus())
        .env("CLICOLOR_FORCE", "1")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let out = Run::from_output(&out);
    assert!(stdout(&out).contains("required"), "{}", stdout(&out));
    assert!(!stdout(&out).contains('\u{1b}'), "{}", stdout(&out));
}

#[test]
fn fail_on_picks_the_threshold() {
    // Only warnings: compatible by default, failing with --fail-on warning.
    let case = ["pattern-changed/old.yaml", "pattern-changed/new.yaml"];
    assert_eq!(diff(&case).code, Some(0));
    let warning = [&case[..], &["--fail-on", "warning"]].concat();
    assert_eq!(diff(&warning).code, Some(1));
    // Breaking changes, but --fail-on never.
    let never = [
        "required-added/old.yaml",
        "required-added/new.yaml",
        "--fail-on",
        "never",
    ];
    assert_eq!(diff(&never).code, Some(0));
    // Only compatible changes: never fails, even with --fail-on warning.
    let compatible = [
        "handshake-relaxed/old.yaml",
        "handshake-relaxed/new.yaml",
        "--fail-on",
        "warning",
    ];
    let out = diff(&compatible);
    assert_eq!(out.code, Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("0 breaking, 0 warnings, 3 info"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn json_has_the_documented_shape() {
    let out = diff(&[
        "ack-removed-added/old.yaml",
        "ack-removed-added/new.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, Some(1));
    let json: Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(json["version"], 1);
    assert_eq!(json["old"], "ack-removed-added/old.yaml");
    assert_eq!(
        json["summary"],
        serde_json::json!({"breaking": 1, "warning": 0, "info": 2})
    );
    let first = &json["changes"][0];
    assert_eq!(first["kind"], "ack_removed");
    assert_eq!(first["severity"], "breaking");
    assert_eq!(first["namespace"], "/shop");
    assert_eq!(first["event"], "order");
    assert_eq!(first["old"]["file"], "ack-removed-added/old.yaml");
    assert!(first["old"]["line"].is_u64());
    assert!(
        first["old"]["pointer"]
            .as_str()
            .unwrap()
            .ends_with("/x-ack/args")
    );
    assert!(
        first["affected"]
            .as_str()
            .unwrap()
            .contains("wait for its ack")
    );
}

#[test]
fn markdown_for_pull_requests() {
    let out = diff(&[
        "security-secured/old.yaml",
        "security-secured/new.yaml",
        "--format",
        "markdown",
    ]);
    assert_eq!(out.code, Some(1));
    let md = stdout(&out);
    assert!(
        md.starts_with("### AsyncAPI changes: 1 breaking, 0 warnings, 1 info\n"),
        "{md}"
    );
    assert!(md.contains("#### Breaking (1)\n\n- **`/public`** security changed from public to bearer (`security_changed`)"), "{md}");
}

#[test]
fn a_document_that_does_not_load_exits_2_with_its_diagnostics() {
    let spec = asynction_testkit::fixtures("spec");
    let out = diff_in_process(
        &spec,
        &["invalid/dangling-ref.yaml", "valid/trivia-3.0.0.yaml"],
    );
    assert_eq!(out.code, Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains(
            "invalid/dangling-ref.yaml:10:9: dangling $ref '#/components/messages/Missing'"
        ),
        "{}",
        stderr(&out)
    );
    let missing = diff(&["no-such-file.yaml", "identical/new.yaml"]);
    assert_eq!(missing.code, Some(2));
    assert!(
        stderr(&missing).starts_with("no-such-file.yaml: cannot read the document"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(diff(&["only-one.yaml"]).code, Some(2));
    let bad = diff(&[
        "identical/old.yaml",
        "identical/new.yaml",
        "--fail-on",
        "sometimes",
    ]);
    assert_eq!(bad.code, Some(2));
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rev_path_reads_the_document_and_its_relative_refs_from_git() {
    let repo = tempfile::tempdir().unwrap();
    let dir = repo.path();
    std::fs::create_dir_all(dir.join("api/schemas")).unwrap();
    let doc = "asyncapi: 2.6.0\ninfo: { title: T, version: 1.0.0 }\nchannels:\n  /chat:\n    publish:\n      message:\n        name: say\n        payload: { $ref: './schemas/say.yaml' }\n";
    std::fs::write(dir.join("api/asyncapi.yaml"), doc).unwrap();
    std::fs::write(dir.join("api/schemas/say.yaml"), "type: string\n").unwrap();
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "v1"]);
    // The working tree narrows the referenced schema; the revision keeps the old one.
    std::fs::write(
        dir.join("api/schemas/say.yaml"),
        "type: string\nmaxLength: 10\n",
    )
    .unwrap();
    let out = diff_in(dir, &["HEAD:api/asyncapi.yaml", "api/asyncapi.yaml"]);
    assert_eq!(out.code, Some(1), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("HEAD:api/asyncapi.yaml → api/asyncapi.yaml: 1 breaking"),
        "{text}"
    );
    assert!(
        text.contains("payload: maximum length changed from unlimited to 10"),
        "{text}"
    );
    assert!(text.contains("old: HEAD:api/asyncapi.yaml:8:"), "{text}");
    // ./PATH is relative to the current directory, as `git show` reads it.
    let out = diff_in(
        &dir.join("api"),
        &["HEAD:./asyncapi.yaml", "HEAD:asyncapi.yaml"],
    );
    assert_eq!(
        out.code,
        Some(2),
        "HEAD:asyncapi.yaml is at the repository root: {}",
        stderr(&out)
    );
    let out = diff_in(
        &dir.join("api"),
        &["HEAD:./asyncapi.yaml", "HEAD:api/asyncapi.yaml"],
    );
    assert_eq!(out.code, Some(0), "{}{}", stdout(&out), stderr(&out));
    // An unknown revision is a load error.
    let out = diff_in(dir, &["nope:api/asyncapi.yaml", "api/asyncapi.yaml"]);
    assert_eq!(out.code, Some(2));
    assert!(
        stderr(&out).starts_with("nope:api/asyncapi.yaml: git show"),
        "{}",
        stderr(&out)
    );
}

/// A 2.x document and its `asynction convert` output (3.0 and 3.1) describe the same API:
/// `diff` reports no change, for the examples and the diff corpus's 2.x documents.
#[test]
fn a_2x_document_and_its_3x_conversion_give_no_change() {
    let root = asynction_testkit::root();
    let dir = tempfile::tempdir().unwrap();
    let documents = [
        root.join("examples/user_accounts/asyncapi.yaml"),
        root.join("examples/chat/asyncapi.yaml"),
        root.join("examples/conformance/asyncapi-2.6.yaml"),
        corpus().join("v2-vs-v3/old.yaml"),
    ];
    for (i, doc) in documents.iter().enumerate() {
        for to in ["3.0", "3.1"] {
            let converted = dir.path().join(format!("{i}-{to}.yaml"));
            let out = crate::in_process(
                dir.path(),
                &[
                    "convert",
                    doc.to_str().unwrap(),
                    "--to",
                    to,
                    "--out",
                    converted.to_str().unwrap(),
                ],
            );
            assert_eq!(out.code, Some(0), "{}: {}", doc.display(), stderr(&out));
            let d = doc.to_str().unwrap();
            let c = converted.to_str().unwrap();
            let out = diff_in_process(dir.path(), &[d, c]);
            assert_eq!(
                out.code,
                Some(0),
                "{} → {to}: {}",
                doc.display(),
                stdout(&out)
            );
            assert!(stdout(&out).ends_with(": no changes\n"), "{}", stdout(&out));
        }
    }
}
