//! `asynction convert`: every 2.x document of the fixtures and of the corpus converts to a 3.x
//! document that @asyncapi/parser accepts and that asynction loads to the same model; a server
//! built from the converted `user_accounts` document answers the example's client unchanged;
//! bad input fails with exit code 1 and leaves no file behind. An unwritable output runs the
//! binary; the rest runs the command in process.

use std::path::{Path, PathBuf};

use asynction::Document;
use asynction::{Ack, AsynctionSocketIo};
use asynction_spec::{Conversion, TargetVersion};
use serde_json::json;

use crate::roundtrip::{documents_2x, first_difference, meaning, parse};
use crate::{asynction, at, in_process};

/// Namespaces whose security the conversion says changes on purpose: a 2.x operation's
/// `security`, which asynction reads only in 3.x documents.
fn security_changed(conversion: &Conversion) -> Vec<String> {
    conversion
        .notes
        .iter()
        .filter(|n| n.message.contains("enforces operation security"))
        .filter_map(|n| {
            let key = n.pointer.strip_prefix("/channels/")?.split('/').next()?;
            let key = key.replace("~1", "/").replace("~0", "~");
            Some(if key.starts_with('/') {
                key
            } else {
                format!("/{key}")
            })
        })
        .collect()
}

/// Converts every 2.x document to `to` into `dir`: (source, converted file, conversion).
fn convert_all(to: TargetVersion, dir: &Path) -> Vec<(PathBuf, PathBuf, Conversion)> {
    let docs = documents_2x();
    assert!(docs.len() >= 20, "2.x documents missing: {docs:?}");
    let mut failures = Vec::new();
    let mut out = Vec::new();
    for (i, source) in docs.into_iter().enumerate() {
        match asynction_spec::convert(&source, to) {
            Ok(conversion) => {
                let stem = source.file_stem().unwrap().to_string_lossy().into_owned();
                let file = dir.join(format!("{i:03}-{stem}.yaml"));
                std::fs::write(&file, asynction_spec::to_yaml(&conversion.value)).unwrap();
                out.push((source, file, conversion));
            }
            Err(e) => failures.push(format!("{}: {e}", source.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "not converted:\n{}",
        failures.join("\n")
    );
    out
}

/// @asyncapi/parser accepts every converted document whose source it accepts (a few fixtures
/// are refused on purpose: unsatisfiable or invalid schemas that asynction must report).
fn assert_parser_accepts(converted: &[(PathBuf, PathBuf, Conversion)]) {
    let sources: Vec<PathBuf> = converted.iter().map(|(s, _, _)| s.clone()).collect();
    let files: Vec<PathBuf> = converted.iter().map(|(_, f, _)| f.clone()).collect();
    let before = parse(&sources);
    let after = parse(&files);
    assert_eq!(after.len(), files.len());
    let mut checked = 0;
    let mut refused = Vec::new();
    for ((b, a), (source, _, _)) in before.iter().zip(&after).zip(converted) {
        if !b.valid {
            eprintln!(
                "not checked, the parser refuses the source: {}",
                source.display()
            );
            continue;
        }
        checked += 1;
        if !a.valid {
            refused.push(format!(
                "{} → {}:\n  {}",
                source.display(),
                a.file,
                a.errors.join("\n  ")
            ));
        }
    }
    eprintln!("{checked} converted documents checked by @asyncapi/parser");
    assert!(checked >= 20, "too few documents checked");
    assert!(
        refused.is_empty(),
        "@asyncapi/parser refuses {} of {checked} converted documents:\n{}",
        refused.len(),
        refused.join("\n")
    );
}

fn assert_same_models(converted: &[(PathBuf, PathBuf, Conversion)]) {
    let mut differences = Vec::new();
    for (source, file, conversion) in converted {
        let original = Document::from_path(source).unwrap();
        let ignore = security_changed(conversion);
        let loaded = match Document::from_path(file) {
            Ok(d) => d,
            Err(e) => {
                differences.push(format!(
                    "{} → {}: does not load:\n{e}",
                    source.display(),
                    file.display()
                ));
                continue;
            }
        };
        if let Some(d) =
            first_difference(&meaning(&original, &ignore), &meaning(&loaded, &ignore), "")
        {
            differences.push(format!("{} → {}: {d}", source.display(), file.display()));
        }
    }
    assert!(
        differences.is_empty(),
        "{} of {} converted documents load to another model:\n{}",
        differences.len(),
        converted.len(),
        differences.join("\n")
    );
}

#[test]
fn every_2x_document_converts_to_3_0_that_the_parser_accepts_and_that_loads_to_the_same_model() {
    let dir = tempfile::tempdir().unwrap();
    let converted = convert_all(TargetVersion::V3_0, dir.path());
    eprintln!("{} documents converted to 3.0", converted.len());
    assert_same_models(&converted);
    assert_parser_accepts(&converted);
}

#[test]
fn every_2x_document_converts_to_3_1_that_the_parser_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let converted = convert_all(TargetVersion::V3_1, dir.path());
    assert_parser_accepts(&converted);
}

/// Passes once the loader reads AsyncAPI 3.1 (until then it refuses `asyncapi: 3.1.0`).
#[test]
fn documents_converted_to_3_1_load_to_the_same_model_once_the_loader_reads_3_1() {
    let dir = tempfile::tempdir().unwrap();
    let converted = convert_all(TargetVersion::V3_1, dir.path());
    assert_same_models(&converted);
}

async fn log_in() -> Ack<bool> {
    Ack(true)
}

async fn sign_up(io: asynction::ValidatedIo) {
    io.of("/admin")
        .unwrap()
        .emit("metrics", "signup")
        .await
        .unwrap();
}

async fn log_in_reported(io: asynction::ValidatedIo) -> Ack<bool> {
    io.of("/admin")
        .unwrap()
        .emit("metrics", "login")
        .await
        .unwrap();
    log_in().await
}

async fn noop() {}

/// The client of `examples.rs::user_accounts_reports_sign_up_and_log_in_to_admins`, unchanged,
/// against a server built from the converted document with the example's handler ids.
#[tokio::test]
async fn a_server_from_the_converted_user_accounts_document_answers_the_examples_client() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("asyncapi-3.0.yaml");
    let source = asynction_testkit::root().join("examples/user_accounts/asyncapi.yaml");
    let run = in_process(
        dir.path(),
        &[
            "convert",
            source.to_str().unwrap(),
            "--to",
            "3.0",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let app = AsynctionSocketIo::from_spec(&out)
        .unwrap()
        .handler("user_accounts.sign_up", sign_up)
        .handler("user_accounts.log_in", log_in_reported)
        .handler("user_accounts.user_error", noop)
        .handler("user_accounts.admin_error", noop)
        .build()
        .unwrap();
    let addr = asynction_testkit::serve(app.into_router()).await;
    asynction_testkit::user_accounts::run_and_check(addr).await;
}

#[test]
fn a_3_0_document_converts_to_3_1_as_the_same_document_with_the_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let source = asynction_testkit::fixtures("spec").join("valid/trivia-3.0.0.yaml");
    let out = dir.path().join("out.yaml");
    let run = in_process(
        dir.path(),
        &[
            "convert",
            source.to_str().unwrap(),
            "--to",
            "3.1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(!run.stderr.contains("warning"), "nothing is lost: {run:?}");
    let original = Document::from_path(&source).unwrap();
    let converted = Document::from_path(&out).unwrap();
    assert_eq!(converted.api.asyncapi, "3.1.0");
    assert_eq!(
        first_difference(&meaning(&original, &[]), &meaning(&converted, &[]), ""),
        None
    );
    // Word for word the source, but for the version.
    let mut expected = (*original.resolved).clone();
    expected["asyncapi"] = json!("3.1.0");
    assert_eq!(*converted.resolved, expected);
    // @asyncapi/parser reads the result as 3.1.
    let verdicts = parse(&[out]);
    assert!(verdicts[0].valid, "{verdicts:?}");
}

#[test]
fn a_3_0_document_in_several_files_converts_to_one_3_1_document() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.yaml"),
        "asyncapi: 3.0.0\ninfo: {title: Split, version: '1'}\nchannels:\n  chat:\n    address: /chat\n    messages:\n      said:\n        payload: {$ref: 'schemas.yaml#/Text'}\noperations:\n  said:\n    action: receive\n    channel: {$ref: '#/channels/chat'}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("schemas.yaml"),
        "Text: {type: string, maxLength: 3}\n",
    )
    .unwrap();
    let conversion =
        asynction_spec::convert(dir.path().join("main.yaml"), TargetVersion::V3_1).unwrap();
    let text = asynction_spec::to_yaml(&conversion.value);
    assert!(!text.contains("schemas.yaml"), "{text}");
    let out = dir.path().join("out.yaml");
    std::fs::write(&out, &text).unwrap();
    let converted = Document::from_path(&out).unwrap();
    assert_eq!(converted.api.asyncapi, "3.1.0");
    let original = Document::from_path(dir.path().join("main.yaml")).unwrap();
    assert_eq!(
        first_difference(&meaning(&original, &[]), &meaning(&converted, &[]), ""),
        None
    );
}

#[test]
fn a_document_already_at_the_target_or_newer_has_nothing_to_convert_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let v3_0 = asynction_testkit::fixtures("spec").join("valid/trivia-3.0.0.yaml");
    let v3_1 = asynction_testkit::fixtures("spec").join("valid/features-3.1.0.yaml");
    let out = dir.path().join("out.yaml");
    for (source, to, expected) in [
        (
            &v3_0,
            "3.0",
            "trivia-3.0.0.yaml:3:1: the document is already AsyncAPI 3.0.0: there is nothing to convert (convert writes AsyncAPI 2.x documents as 3.0 or 3.1, and 3.0 documents as 3.1)",
        ),
        (
            &v3_1,
            "3.1",
            "the document is already AsyncAPI 3.1.0: there is nothing to convert",
        ),
        (
            &v3_1,
            "3.0",
            "the document is AsyncAPI 3.1.0, newer than 3.0.0: convert does not write older versions",
        ),
    ] {
        let run = in_process(
            dir.path(),
            &[
                "convert",
                source.to_str().unwrap(),
                "--to",
                to,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        let stderr = run.stderr;
        assert_eq!(run.code, Some(1), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(!out.exists());
    }
}

#[test]
fn an_unwritable_out_fails_with_exit_1_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let source = asynction_testkit::root().join("examples/user_accounts/asyncapi.yaml");
    let missing_dir = dir.path().join("no/such/dir/out.yaml");
    let run = asynction(
        dir.path(),
        &[
            "convert",
            source.to_str().unwrap(),
            "--to",
            "3.1",
            "--out",
            missing_dir.to_str().unwrap(),
        ],
    );
    let stderr = run.stderr;
    assert_eq!(run.code, Some(1), "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
    // A directory where the file should go: the rename fails, the temporary file is removed.
    let taken = dir.path().join("taken.yaml");
    std::fs::create_dir(&taken).unwrap();
    std::fs::write(taken.join("keep"), "x").unwrap();
    let run = asynction(
        dir.path(),
        &[
            "convert",
            source.to_str().unwrap(),
            "--to",
            "3.0",
            "--out",
            taken.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, Some(1));
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        left,
        vec!["taken.yaml".to_owned()],
        "no temporary file is left"
    );
}

#[test]
fn what_3x_cannot_express_is_reported_not_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("and.yaml");
    std::fs::write(
        &source,
        "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nchannels:\n  /a:\n    x-security:\n      - {key: [], basic: []}\n    publish:\n      message: {name: hi, payload: {type: string}}\ncomponents:\n  securitySchemes:\n    key: {type: httpApiKey, in: query, name: k}\n    basic: {type: http, scheme: basic}\n",
    )
    .unwrap();
    let out = dir.path().join("out.json");
    let and = at(dir.path(), "and.yaml");
    let run = in_process(
        dir.path(),
        &[
            "convert",
            &and,
            "--to",
            "3.0",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let stderr = run.stderr;
    assert_eq!(run.code, Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: and.yaml:5:5: security requirement /channels/~1a/x-security/0 needs 2 schemes at once (key and basic)"),
        "{stderr}"
    );
    // x-security itself, which asynction reads, is carried over.
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        written["channels"]["a"]["x-security"],
        json!([{"key": [], "basic": []}])
    );
    // The same requirement on a server cannot be written at all: an error, no file.
    std::fs::write(
        &source,
        "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nservers:\n  s: {url: localhost, protocol: ws, security: [{key: [], basic: []}]}\nchannels: {}\ncomponents:\n  securitySchemes:\n    key: {type: httpApiKey, in: query, name: k}\n    basic: {type: http, scheme: basic}\n",
    )
    .unwrap();
    std::fs::remove_file(&out).unwrap();
    let run = in_process(
        dir.path(),
        &[
            "convert",
            &and,
            "--to",
            "3.0",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let stderr = run.stderr;
    assert_eq!(run.code, Some(1), "{stderr}");
    assert!(stderr.contains("and.yaml:4:"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn convert_help_names_the_targets() {
    let run = in_process(&asynction_testkit::root(), &["convert", "--help"]);
    let text = run.stdout;
    assert_eq!(run.code, Some(0));
    assert!(text.contains("--to <VERSION>"), "{text}");
    assert!(text.contains("3.0 or 3.1"), "{text}");
}
