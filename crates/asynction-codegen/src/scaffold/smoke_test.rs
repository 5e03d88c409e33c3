//! The generated project's `tests/handlers.rs`: the server builds with the generated handlers
//! (every handler id registered), their types agree with the document (asynction's type check:
//! as many routes checked and unchecked as planned, no mismatch), and every payload and ack
//! type accepts the document's message examples that match their schemas, or a minimal
//! instance of its schema when there are none.

use super::plan::Plan;
use super::types::string_literal;

/// `tests/handlers.rs` for the crate whose library is `lib`.
pub(crate) fn handlers_test(plan: &Plan, lib: &str, spec_file: &str) -> String {
    let checked: usize = plan
        .handlers
        .iter()
        .filter(|h| h.checked)
        .map(|h| h.routes)
        .sum();
    let unchecked: usize = plan
        .handlers
        .iter()
        .filter(|h| !h.checked)
        .map(|h| h.routes)
        .sum();
    let mut out = format!(
        r#"//! Checks this project against `{spec_file}`: the server builds (every handler id the
//! document names has a function), and the generated types accept the document's examples.

use asynction::Document;
use asynction::model::Event;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[tokio::test]
async fn app_builds_with_every_handler_registered() {{
    let app = {lib}::app().unwrap_or_else(|e| panic!("the server does not build: {{e}}"));
    assert!(app.socketio_path().starts_with('/'));
}}

#[test]
fn the_handlers_types_agree_with_the_document() {{
    let builder = {lib}::builder().unwrap_or_else(|e| panic!("{spec_file} does not load: {{e}}"));
    let report = builder.check_types();
    assert!(report.agrees(), "{{report}}");
    assert_eq!((report.checked, report.unchecked), ({checked}, {unchecked}), "{{report}}");
}}
"#
    );
    if plan.checks.is_empty() {
        return out;
    }
    out.push_str(&format!(
        r#"
fn document() -> Document {{
    Document::from_text({lib}::SPEC).unwrap_or_else(|e| panic!("{spec_file} does not load: {{e}}"))
}}

/// The event at `index` of the namespace's ingress or egress list, checked by name.
fn event<'d>(doc: &'d Document, namespace: &str, ingress: bool, index: usize, name: &str) -> &'d Event {{
    let ns = doc
        .api
        .namespace(namespace)
        .unwrap_or_else(|| panic!("namespace {{namespace}} is not in the document any more"));
    let events = if ingress {{ &ns.ingress }} else {{ &ns.egress }};
    let event = events
        .get(index)
        .unwrap_or_else(|| panic!("event '{{name}}' of {{namespace}} is not in the document any more"));
    assert_eq!(event.name, name, "the document changed since the project was generated");
    event
}}

/// Each sample deserializes into `T`, and `T` serializes back to something that deserializes
/// into an equal value.
fn assert_accepts<T>(samples: &[Value], what: &str)
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{{
    assert!(!samples.is_empty(), "{{what}}: no sample");
    for sample in samples {{
        let typed: T = serde_json::from_value(sample.clone()).unwrap_or_else(|e| {{
            panic!("{{what}}: {{sample}} does not deserialize into {{}}: {{e}}", std::any::type_name::<T>())
        }});
        let back = serde_json::to_value(&typed)
            .unwrap_or_else(|e| panic!("{{what}}: {{typed:?}} does not serialize: {{e}}"));
        let again: T = serde_json::from_value(back.clone())
            .unwrap_or_else(|e| panic!("{{what}}: serialized {{back}} does not deserialize: {{e}}"));
        assert_eq!(again, typed, "{{what}}: the round trip through JSON changed the value");
    }}
}}

/// The payloads of the message's examples that match its schemas (asynction warns about the
/// others), else the minimal instance generated with the project.
fn samples(doc: &Document, event: &Event, minimal: &str) -> Vec<Value> {{
    let examples = asynction::validate::ExampleCheck::run(doc).valid_payloads(event);
    if examples.is_empty() {{
        vec![serde_json::from_str(minimal).expect("the minimal instance is JSON")]
    }} else {{
        examples
    }}
}}
"#
    ));
    for check in &plan.checks {
        let minimal = serde_json::to_string(&check.minimal).unwrap_or_else(|_| "null".into());
        let what = format!(
            "{} of '{}' in {}",
            if check.ack { "ack" } else { "payload" },
            check.event,
            check.namespace
        );
        // Acks have no examples in AsyncAPI: they are checked against the minimal instance.
        let samples = if check.ack {
            format!(
                "[serde_json::from_str::<Value>({}).expect(\"the minimal instance is JSON\")]",
                raw_string(&minimal)
            )
        } else {
            format!("samples(&doc, event, {})", raw_string(&minimal))
        };
        out.push_str(&format!(
            "\n#[test]\nfn {test}() {{\n    let doc = document();\n    let {event_binding} = event(&doc, {ns}, {ingress}, {index}, {name});\n    assert_accepts::<{lib}::types::{ty}>(&{samples}, {what});\n}}\n",
            test = check.test_name,
            event_binding = if check.ack { "_event" } else { "event" },
            ns = string_literal(&check.namespace),
            ingress = check.ingress,
            index = check.index,
            name = string_literal(&check.event),
            ty = check.type_name,
            what = string_literal(&what),
        ));
    }
    out
}

/// A raw string literal for `s`, with enough `#`s.
fn raw_string(s: &str) -> String {
    let hashes = (0..)
        .find(|n| !s.contains(&format!("\"{}", "#".repeat(*n))))
        .unwrap_or(1)
        .max(1);
    let h = "#".repeat(hashes);
    format!("r{h}\"{s}\"{h}")
}

#[cfg(test)]
mod tests {
    use super::raw_string;

    #[test]
    fn raw_strings_outnumber_the_hashes_inside() {
        assert_eq!(raw_string(r#"{"a":1}"#), r##"r#"{"a":1}"#"##);
        assert_eq!(raw_string(r##"{"a":"#"}"##), r###"r##"{"a":"#"}"##"###);
    }
}
