//! Prometheus scrapes parsed by a real text-format parser: Python prometheus-client's
//! (`tests/peers/prom_parse.py`, run with [`python_bin`]).

use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::AsyncWriteExt;

use crate::peers::python_bin;
use crate::{http_get, peers_dir};

/// One parsed sample.
#[derive(Debug)]
pub struct Sample {
    /// The sample's name (a counter's keeps its `_total`).
    pub name: String,
    /// Its labels.
    pub labels: serde_json::Map<String, Value>,
    /// Its value.
    pub value: f64,
}

/// Scrapes `path` on `addr` and parses it with prometheus-client (Python).
pub async fn scrape(addr: SocketAddr, path: &str) -> Vec<Sample> {
    let (status, body) = http_get(addr, path).await;
    assert_eq!(status, 200, "{body}");
    parse(&body).await
}

/// Parses Prometheus / OpenMetrics text with prometheus-client (Python).
pub async fn parse(body: &str) -> Vec<Sample> {
    let mut child = tokio::process::Command::new(python_bin())
        .arg(peers_dir().join("prom_parse.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin
        .write_all(body.as_bytes())
        .await
        .expect("write the scrape");
    drop(stdin);
    let out = child.wait_with_output().await.expect("the parser ends");
    assert!(
        out.status.success(),
        "prometheus-client could not parse the scrape: {}\n{body}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: Vec<Value> = serde_json::from_slice(&out.stdout).expect("the parser prints JSON");
    parsed
        .into_iter()
        .map(|s| Sample {
            name: s["name"].as_str().expect("a name").to_owned(),
            labels: s["labels"].as_object().expect("labels").clone(),
            value: s["value"].as_f64().expect("a value"),
        })
        .collect()
}

/// The value of the sample `name` whose labels include `labels`; 0 when there is none.
pub fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    let matching: Vec<&Sample> = samples
        .iter()
        .filter(|s| {
            s.name == name
                && labels
                    .iter()
                    .all(|(k, v)| s.labels.get(*k).and_then(Value::as_str) == Some(*v))
        })
        .collect();
    assert!(
        matching.len() <= 1,
        "{name} {labels:?} is ambiguous: {matching:?}"
    );
    matching.first().map_or(0.0, |s| s.value)
}
