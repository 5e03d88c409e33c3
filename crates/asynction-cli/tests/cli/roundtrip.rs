//! What the `convert` and `bundle` tests share: the documents they run on, the reference parser
//! (@asyncapi/parser through `tests/peers/asyncapi-parse.mjs`) and the model comparison.

use std::path::{Path, PathBuf};

use asynction::Document;
pub(crate) use asynction_testkit::asyncapi_parser::verdicts as parse;
use serde_json::Value;

/// The AsyncAPI corpus ([`asynction_testkit::asyncapi_corpus`], which fails the test when it
/// is missing).
pub(crate) fn corpus() -> PathBuf {
    asynction_testkit::asyncapi_corpus()
}

/// Every YAML/JSON file under `dir`, sorted.
pub(crate) fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The `asyncapi` field of a file (its `asyncapi:` line), if it is an AsyncAPI document.
pub(crate) fn version_of(path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|l| {
        let l = l.trim();
        let rest = l
            .strip_prefix("asyncapi:")
            .or_else(|| l.strip_prefix("\"asyncapi\":"))?;
        Some(
            rest.trim()
                .trim_end_matches(',')
                .trim_matches(['"', '\''])
                .to_owned(),
        )
    })
}

/// Every 2.x document of the fixtures and the corpus that asynction loads.
pub(crate) fn documents_2x() -> Vec<PathBuf> {
    let mut dirs = vec![asynction_testkit::root().join("tests/fixtures")];
    let c = corpus();
    dirs.push(c.join("spec-examples"));
    dirs.push(c.join("socketio"));
    dirs.iter()
        .flat_map(|d| files_under(d))
        .filter(|p| version_of(p).is_some_and(|v| v.starts_with("2.")))
        .filter(|p| Document::from_path(p).is_ok())
        .collect()
}

/// What a document means to asynction, without what differs between versions and files:
/// pointers, the `asyncapi` field, a server url's scheme (3.x has only `protocol`) and channel
/// parameter schemas (3.x parameters are strings: only their names are compared).
pub(crate) fn meaning(doc: &Document, ignore_security_of: &[String]) -> Value {
    let mut v = serde_json::to_value(&*doc.api).unwrap();
    strip_pointers(&mut v);
    let obj = v.as_object_mut().unwrap();
    obj.remove("asyncapi");
    for server in obj["servers"].as_array_mut().unwrap() {
        let url = server["url"].as_str().unwrap_or_default().to_owned();
        let without_scheme = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        server["url"] = Value::String(without_scheme.trim_end_matches('/').to_owned());
    }
    for ns in obj["namespaces"].as_array_mut().unwrap() {
        let names: Vec<Value> = ns["parameters"]
            .as_object()
            .map(|p| p.keys().map(|k| Value::String(k.clone())).collect())
            .unwrap_or_default();
        ns["parameters"] = Value::Array(names);
        if ignore_security_of.iter().any(|p| ns["path"] == *p) {
            ns["security"] = Value::String("(not compared)".into());
        }
    }
    v
}

fn strip_pointers(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.remove("pointer");
            m.values_mut().for_each(strip_pointers);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_pointers),
        _ => {}
    }
}

/// The first difference between two meanings, as `path: left != right`.
pub(crate) fn first_difference(a: &Value, b: &Value, at: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let (l, r) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                if let Some(d) = first_difference(l, r, &format!("{at}/{k}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (l, r))| first_difference(l, r, &format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} != {b}")),
    }
}
