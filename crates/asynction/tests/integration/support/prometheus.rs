//! Prometheus scrapes parsed by a real text-format parser: Python prometheus-client's
//! (`tests/peers/prom_parse.py`, run with [`super::python_bin`]).

use std::net::SocketAddr;

use serde_json::Value;

/// One parsed sample.
#[derive(Debug)]
pub struct Sample {
    pub name: String,
    pub labels: serde_json::Map<String, Value>,
    pub value: f64,
}

/// Scrapes `path` and parses it with prometheus-client (Python).
pub async fn scrape(addr: SocketAddr, path: &str) -> Vec<Sample> {
    let (status, body) = super::http_get(addr, path).await;
    assert_eq!(status, 200, "{body}");
    parse(&body).await
}

/// Parses Prometheus / OpenMetrics text with prometheus-client (Python).
pub async fn parse(body: &str) -> Vec<Sample> {
    let mut child = tokio::process::Command::new(super::python_bin())
        .arg(super::peers().join("prom_parse.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    use tokio::io::AsyncWriteExt;
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(body.as_bytes()).await.unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    assert!(
        out.status.success(),
        "prometheus-client could not parse the scrape: {}\n{body}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    parsed
        .into_iter()
        .map(|s| Sample {
            name: s["name"].as_str().unwrap().to_owned(),
            labels: s["labels"].as_object().unwrap().clone(),
            value: s["value"].as_f64().unwrap(),
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
