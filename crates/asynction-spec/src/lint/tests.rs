//! The recommended rules and rulesets on small documents.

use std::path::Path;

use super::*;
use crate::Document;
use crate::error::Severity;

fn doc(text: &str) -> Document {
    Document::from_text(text).expect("loads")
}

fn found(doc: &Document) -> Vec<(&'static str, u32)> {
    recommended(doc)
        .iter()
        .map(|d| (d.rule, d.location.line.unwrap_or(0)))
        .collect()
}

#[test]
fn a_bare_2_6_document_gets_the_reference_warnings_at_the_reference_lines() {
    let d = doc(
        "asyncapi: 2.6.0\ninfo:\n  title: T\n  version: '1'\nchannels:\n  /chat:\n    publish:\n      message:\n        name: say\n        payload: { type: string }\ncomponents:\n  schemas:\n    Unused: { type: string }\n",
    );
    let f = found(&d);
    for expected in [
        ("asyncapi-id", 1),
        ("asyncapi-defaultContentType", 1),
        ("asyncapi-latest-version", 1),
        ("asyncapi-info-description", 2),
        ("asyncapi-info-contact", 2),
        ("asyncapi-info-license", 2),
        ("asyncapi2-tags", 1),
        ("asyncapi-servers", 1),
        ("asyncapi2-operation-operationId", 7),
        ("asyncapi2-message-messageId", 8),
        ("asyncapi-unused-component", 13),
    ] {
        assert!(f.contains(&expected), "{expected:?} missing from {f:?}");
    }
}

#[test]
fn socketio_rules_find_misleading_documents() {
    let d = doc(
        "asyncapi: 2.6.0\ninfo: { title: T, version: '1' }\nchannels:\n  /empty: {}\n  chat:\n    publish:\n      message: { $ref: '#/components/messages/Say' }\n    subscribe:\n      message: { $ref: '#/components/messages/Say' }\ncomponents:\n  messages:\n    Say:\n      name: say\n      x-handler: on_say\n      x-ack: { args: { type: string } }\n",
    );
    let rules: Vec<&str> = found(&d).into_iter().map(|(r, _)| r).collect();
    for expected in [
        "asynction-socketio-empty-namespace",
        "asynction-socketio-namespace-path",
        "asynction-socketio-ack-on-server-event",
        "asynction-socketio-handler-both-directions",
    ] {
        assert!(
            rules.contains(&expected),
            "{expected} missing from {rules:?}"
        );
    }
}

#[test]
fn rulesets_set_severities_turn_rules_off_and_nodes_disable_rules() {
    let d = doc(
        "asyncapi: 2.6.0\ninfo:\n  title: T\n  version: '1'\n  x-asynction-disable: [asyncapi-info-license]\nchannels: {}\n",
    );
    let ruleset = Ruleset::from_yaml(
        "extends: recommended\nrules:\n  asyncapi-info-contact: error\n  asyncapi-id: off\n",
        Path::new("."),
    )
    .unwrap();
    let kept = ruleset.apply(recommended(&d), d.as_written().as_ref());
    let rules: Vec<(&str, Severity)> = kept.iter().map(|d| (d.rule, d.severity)).collect();
    assert!(rules.contains(&("asyncapi-info-contact", Severity::Error)));
    assert!(!rules.iter().any(|(r, _)| *r == "asyncapi-id"));
    assert!(!rules.iter().any(|(r, _)| *r == "asyncapi-info-license"));
    let none = Ruleset::from_yaml("extends: [[recommended, off]]\n", Path::new(".")).unwrap();
    assert!(none.apply(recommended(&d), None).is_empty());
    let bad = Ruleset::from_yaml("rules:\n  asyncapi-nope: off\n", Path::new("."));
    assert!(bad.unwrap_err().contains("unknown rule 'asyncapi-nope'"));
}
