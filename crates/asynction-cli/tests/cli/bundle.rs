//! `asynction bundle`: every multi-file document of the fixtures and of the corpus becomes one
//! file without relative `$ref`s that @asyncapi/parser accepts and that asynction loads to the
//! same model; names are stable and collisions get a deterministic suffix; bad input fails with
//! exit code 1 and leaves no file behind. A failed bundle runs the binary; the rest runs the
//! command in process.

use std::path::{Path, PathBuf};

use asynction::Document;
use serde_json::{Value, json};

use crate::roundtrip::{corpus, first_difference, meaning, parse, version_of};
use crate::{asynction, at, in_process};

/// Every document that `$ref`s another file: the fixtures' and the corpus's `social-media`
/// sets.
fn multi_file_documents() -> Vec<PathBuf> {
    let mut out = vec![asynction_testkit::fixtures("spec").join("valid/chat/chat-2.3.0.yaml")];
    let c = corpus();
    for version in ["v2.6.0", "v3.0.0", "v3.1.0"] {
        let dir = c.join("spec-examples").join(version).join("social-media");
        for service in [
            "backend",
            "comments-service",
            "frontend",
            "notification-service",
            "public-api",
        ] {
            out.push(dir.join(service).join("asyncapi.yaml"));
        }
    }
    out
}

/// Every `$ref` string of a document.
#[allow(dead_code)]
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Bundles every multi-file document into `dir` (another folder: relative `$ref`s would
/// break there) through the command, as YAML.
fn bundle_all(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    multi_file_documents()
        .into_iter()
        .enumerate()
        .map(|(i, source)| {
            let out = dir.join(format!("{i:02}-bundle.yaml"));
            let run = in_process(
                dir,
                &[
                    "bundle",
                    source.to_str().unwrap(),
                    "--out",
                    out.to_str().unwrap(),
                ],
            );
            assert_eq!(run.code, Some(0), "{}: {}", source.display(), run.stderr);
            (source, out)
        })
        .collect()
}

fn assert_same_models(bundled: &[(PathBuf, PathBuf)]) -> usize {
    let mut differences = Vec::new();
    for (source, out) in bundled {
        let original = Document::from_path(source)
            .unwrap_or_else(|e| panic!("the source does not load:\n{e}"));
        match Document::from_path(out) {
            Ok(loaded) => {
                if let Some(d) =
                    first_difference(&meaning(&original, &[]), &meaning(&loaded, &[]), "")
                {
                    differences.push(format!("{}: {d}", source.display()));
                }
            }
            Err(e) => differences.push(format!(
                "{}: the bundle does not load: {e}",
                source.display()
            )),
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    bundled.len()
}

#[test]
fn every_multi_file_document_bundles_into_one_file_the_parser_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let bundled = bundle_all(dir.path());
    for (source, out) in &bundled {
        let text = std::fs::read_to_string(out).unwrap();
        let non_local: Vec<&str> = text
            .lines()
            .filter_map(|l| {
                l.trim_start()
                    .trim_start_matches("- ")
                    .strip_prefix("$ref:")
            })
            .map(|r| r.trim().trim_matches(['"', '\'']))
            .filter(|r| !r.starts_with('#'))
            .collect();
        assert!(
            non_local.is_empty(),
            "{}: non-local $ref left: {non_local:?}",
            source.display()
        );
    }
    let files: Vec<PathBuf> = bundled.iter().map(|(_, o)| o.clone()).collect();
    let refused: Vec<String> = parse(&files)
        .into_iter()
        .filter(|v| !v.valid)
        .map(|v| format!("{}: {}", v.file, v.errors.join("; ")))
        .collect();
    assert!(
        refused.is_empty(),
        "@asyncapi/parser refuses:\n{}",
        refused.join("\n")
    );
}

#[test]
fn bundles_of_2x_and_3_0_documents_load_to_the_same_model() {
    let dir = tempfile::tempdir().unwrap();
    let bundled: Vec<(PathBuf, PathBuf)> = bundle_all(dir.path())
        .into_iter()
        .filter(|(s, _)| version_of(s).is_some_and(|v| v != "3.1.0"))
        .collect();
    eprintln!("{} bundles compared", assert_same_models(&bundled));
}

/// Passes once the loader reads AsyncAPI 3.1 (until then it refuses `asyncapi: 3.1.0`).
#[test]
fn bundles_of_3_1_documents_load_to_the_same_model_once_the_loader_reads_3_1() {
    let dir = tempfile::tempdir().unwrap();
    let bundled: Vec<(PathBuf, PathBuf)> = bundle_all(dir.path())
        .into_iter()
        .filter(|(s, _)| version_of(s).is_some_and(|v| v == "3.1.0"))
        .collect();
    assert_same_models(&bundled);
}

#[test]
fn definitions_land_in_components_with_stable_names_and_suffixed_collisions() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("main.yaml"),
        "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nchannels:\n  /a:\n    publish:\n      message: {$ref: 'a.yaml#/Hello'}\n  /b:\n    publish:\n      message: {$ref: 'b/b.yaml#/Hello'}\n  /c:\n    subscribe:\n      message: {$ref: 'a.yaml#/Hello'}\ncomponents:\n  schemas:\n    Text: {type: string}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("a.yaml"),
        "Hello: {name: hello, payload: {$ref: '#/Text'}}\nText: {type: string, maxLength: 5}\n",
    )
    .unwrap();
    std::fs::create_dir(d.join("b")).unwrap();
    std::fs::write(
        d.join("b/b.yaml"),
        "Hello: {name: hi, payload: {type: integer}}\n",
    )
    .unwrap();
    let main = at(d, "main.yaml");
    let first = in_process(d, &["bundle", &main, "--format", "json"]);
    assert_eq!(first.code, Some(0), "{}", first.stderr);
    let second = in_process(d, &["bundle", &main, "--format", "json"]);
    assert_eq!(first.stdout, second.stdout, "the same bundle every run");
    let v: Value = serde_json::from_str(&first.stdout).unwrap();
    assert_eq!(
        v["channels"]["/a"]["publish"]["message"],
        json!({"$ref": "#/components/messages/Hello"})
    );
    assert_eq!(
        v["channels"]["/b"]["publish"]["message"],
        json!({"$ref": "#/components/messages/Hello_2"})
    );
    assert_eq!(
        v["channels"]["/c"]["subscribe"]["message"],
        json!({"$ref": "#/components/messages/Hello"})
    );
    assert_eq!(
        v["components"]["messages"]["Hello"]["payload"],
        json!({"$ref": "#/components/schemas/Text_2"})
    );
    assert_eq!(
        v["components"]["schemas"]["Text"],
        json!({"type": "string"})
    );
    assert_eq!(
        v["components"]["schemas"]["Text_2"],
        json!({"type": "string", "maxLength": 5})
    );
}

#[test]
fn a_ref_to_a_missing_file_fails_with_its_position_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("main.yaml"),
        "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nchannels:\n  /a:\n    publish:\n      message:\n        $ref: 'missing.yaml#/Hello'\n",
    )
    .unwrap();
    let run = asynction(d, &["bundle", "main.yaml", "--out", "out.yaml"]);
    let stderr = run.stderr;
    assert_eq!(run.code, Some(1), "{stderr}");
    assert!(
        stderr.starts_with("main.yaml:7:9: $ref 'missing.yaml#/Hello': cannot read"),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("main.yaml")]);
}

#[test]
fn bundle_help_names_out_and_format() {
    let run = in_process(&asynction_testkit::root(), &["bundle", "--help"]);
    let text = run.stdout;
    assert_eq!(run.code, Some(0));
    assert!(
        text.contains("--out <F>") && text.contains("--format <FORMAT>"),
        "{text}"
    );
}
