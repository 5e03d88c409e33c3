//! Ajv (2020-12 + ajv-formats, `tests/peers/ajv-check.mjs`) as an independent JSON Schema
//! validator: tests hand it the schemas asynction compiles and compare verdicts.

use serde_json::Value;

use crate::peers::ensure_node_peers;
use crate::peers_dir;

/// Runs Ajv over `cases` (`{name, schema, values}` objects) and returns one verdict per case:
/// `{name, checked, invalid, errors}` as `ajv-check.mjs` prints it.
pub fn verdicts(cases: &[Value]) -> Vec<Value> {
    ensure_node_peers();
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("cases.json");
    std::fs::write(&input, serde_json::to_vec(cases).expect("serialize")).expect("write cases");
    let output = std::process::Command::new("node")
        .arg(peers_dir().join("ajv-check.mjs"))
        .arg(&input)
        .output()
        .expect("node must be installed");
    assert!(
        output.status.success(),
        "ajv-check failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verdicts: Vec<Value> =
        serde_json::from_slice(&output.stdout).expect("ajv-check prints JSON");
    assert_eq!(verdicts.len(), cases.len(), "one verdict per case");
    verdicts
}
