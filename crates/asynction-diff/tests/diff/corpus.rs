//! The corpus: `tests/fixtures/diff/<case>/{old.yaml,new.yaml,expected.txt}`, one line per
//! expected change: `severity kind namespace event: message` (`-` for no namespace/event).
//! `BLESS=1 cargo test -p asynction-diff` rewrites the expected files (review the diff!).

use std::path::{Path, PathBuf};

use asynction_diff::{ChangeKind, Report, Severity, diff_labelled};
use asynction_spec::Document;

fn corpus() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/fixtures/diff")
}

fn load(case: &Path, name: &str) -> Document {
    let path = case.join(name);
    Document::from_path(&path).unwrap_or_else(|e| panic!("{} does not load:\n{e}", path.display()))
}

fn run(case: &str) -> Report {
    let dir = corpus().join(case);
    diff_labelled(
        &load(&dir, "old.yaml"),
        "old.yaml",
        &load(&dir, "new.yaml"),
        "new.yaml",
    )
}

fn lines(report: &Report) -> String {
    report
        .changes
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}: {}\n",
                c.severity,
                c.kind,
                c.namespace.as_deref().unwrap_or("-"),
                c.event
                    .as_deref()
                    .map_or("-".to_owned(), |e| format!("'{e}'")),
                c.message
            )
        })
        .collect()
}

#[test]
fn every_case_gives_its_expected_changes() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("the corpus folder")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "the corpus has {} cases", cases.len());
    let mut failures = Vec::new();
    for dir in &cases {
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        let actual = lines(&run(&case));
        let expected_path = dir.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        if actual != expected {
            failures.push(format!(
                "--- {case}: expected\n{expected}+++ {case}: actual\n{actual}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_document_compared_with_itself_has_no_change() {
    for dir in std::fs::read_dir(corpus()).unwrap() {
        let dir = dir.unwrap().path();
        for name in ["old.yaml", "new.yaml"] {
            let doc = load(&dir, name);
            let report = diff_labelled(&doc, "a", &doc, "b");
            assert!(
                report.changes.is_empty(),
                "{}/{name}: {}",
                dir.display(),
                lines(&report)
            );
        }
    }
}

#[test]
fn identical_and_converted_documents_have_no_change() {
    for case in ["identical", "v2-vs-v3"] {
        let report = run(case);
        assert!(report.changes.is_empty(), "{case}: {}", lines(&report));
        assert_eq!(report.summary(), "no changes");
        assert_eq!(report.max_severity(), None);
    }
}

#[test]
fn changes_name_pointer_and_line_col_in_both_documents() {
    let report = run("required-added");
    let c = report
        .changes
        .iter()
        .find(|c| c.severity == Severity::Breaking)
        .expect("a breaking change");
    assert_eq!(c.kind, ChangeKind::SchemaNarrowed);
    let old = c.old.as_ref().expect("an old place");
    let new = c.new.as_ref().expect("a new place");
    assert_eq!(old.file, "old.yaml");
    assert_eq!(new.file, "new.yaml");
    assert!(
        old.pointer.starts_with("/channels/~1chat/publish/message"),
        "{}",
        old.pointer
    );
    assert!(new.pointer.ends_with("/required"), "{}", new.pointer);
    assert!(old.line.is_some() && new.line.is_some() && new.column.is_some());
    assert!(
        c.affected.starts_with("Clients that emit 'say' on /chat"),
        "{}",
        c.affected
    );
}

#[test]
fn a_keyword_behind_refs_is_located_where_written_and_where_used() {
    let report = run("keyword-behind-refs");
    let c = &report.changes[0];
    for (place, file) in [(c.old.as_ref(), "old.yaml"), (c.new.as_ref(), "new.yaml")] {
        let place = place.expect("a place");
        // `minLength` in components/schemas/Credentials.
        assert_eq!(
            (place.file.as_str(), place.line, place.column),
            (file, Some(24), Some(11))
        );
        let used = place.used_at.as_ref().expect("the use site");
        // The channel's `- $ref: '#/components/messages/SignUp'`.
        assert_eq!(
            (used.file.as_str(), used.line, used.column),
            (file, Some(10), Some(13))
        );
        assert_eq!(used.pointer, "/channels/~1user/publish/message/oneOf/0");
        assert!(used.used_at.is_none());
    }
    let json = report.to_json();
    let old = &json["changes"][0]["old"];
    assert_eq!(old["line"], 24);
    assert_eq!(old["used_at"]["line"], 10);
    assert_eq!(
        old["used_at"]["pointer"],
        "/channels/~1user/publish/message/oneOf/0"
    );
    let md = asynction_diff::markdown(&report);
    assert!(
        md.contains("old `old.yaml:24:11 (/channels/~1user/publish/message/oneOf/0/payload/properties/password/minLength)`, used at `old.yaml:10:13`"),
        "{md}"
    );
    // Written inline: no use site.
    let inline = run("length-narrowed");
    assert!(
        inline
            .changes
            .iter()
            .all(|c| c.old.as_ref().unwrap().used_at.is_none())
    );
}

#[test]
fn the_json_shape_is_stable() {
    let report = run("required-added");
    let json = report.to_json();
    assert_eq!(json["version"], 1);
    assert_eq!(json["old"], "old.yaml");
    assert_eq!(json["summary"]["breaking"], 1);
    assert_eq!(json["summary"]["info"], 1);
    let c = &json["changes"][0];
    let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "affected",
            "event",
            "kind",
            "message",
            "namespace",
            "new",
            "old",
            "severity"
        ]
    );
    let mut place: Vec<&str> = c["old"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    place.sort();
    assert_eq!(place, ["column", "file", "line", "pointer"]);
    assert_eq!(c["severity"], "breaking");
    assert_eq!(c["kind"], "schema_narrowed");
}

#[test]
fn markdown_groups_by_severity_breaking_first() {
    let md = asynction_diff::markdown(&run("required-added"));
    assert!(
        md.starts_with("### AsyncAPI changes: 1 breaking, 0 warnings, 1 info\n"),
        "{md}"
    );
    let b = md.find("#### Breaking (1)").expect("a breaking section");
    let i = md.find("#### Compatible (1)").expect("an info section");
    assert!(b < i, "{md}");
    assert!(
        md.contains("**`/chat` `say`** payload: now requires 'text' (`schema_narrowed`)"),
        "{md}"
    );
}
