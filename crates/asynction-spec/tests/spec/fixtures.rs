//! Every fixture of `tests/fixtures/spec/` is covered by a test: this crate's `model` and
//! `diagnostics`, or asynction's `tests/integration/document_schemas.rs` for the problems only
//! the framework finds (schemas, examples).

use crate::fixture;

#[test]
fn every_fixture_is_covered_by_a_test() {
    let covered = [
        "valid/user-account-2.0.0.yaml",
        "valid/chat/chat-2.3.0.yaml",
        "valid/chat/messages.yaml",
        "valid/outline-2.6.0.yaml",
        "valid/trivia-3.0.0.yaml",
        "valid/presence-2.6.0.json",
        "invalid/missing-info-version.yaml",
        "invalid/bad-action-3.0.0.yaml",
        "invalid/dangling-ref.yaml",
        "invalid/duplicate-key.yaml",
        "invalid/yaml-syntax.yaml",
        "invalid/unsupported-version.yaml",
        "invalid/ref-cycle.yaml",
        "invalid/undefined-security-scheme.yaml",
        "invalid/invalid-payload-schema.yaml",
        "invalid/unknown-channel-3.0.0.yaml",
        "invalid/oauth2-relative-url.yaml",
        "valid/features-3.1.0.yaml",
        "invalid/operation-trait-messages-3.1.0.yaml",
        "invalid/unknown-binding-3.1.0.yaml",
        "invalid/ros2-binding-3.0.0.yaml",
        "invalid/bad-example-2.6.0.yaml",
        "invalid/bad-component-example-2.6.0.yaml",
        "valid/bad-examples-3.1.0.yaml",
    ];
    let root = fixture("");
    let mut found = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                found.push(
                    path.strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    found.sort();
    let mut expected: Vec<String> = covered.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(
        found, expected,
        "a fixture was added or removed: cover it here (or, for a schema or example problem, in \
         asynction's tests/integration/document_schemas.rs) and in asynction's \
         tests/integration/parser_agreement.rs"
    );
}
