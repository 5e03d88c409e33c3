//! Prometheus scrapes parsed by a real text-format parser: Python prometheus-client's
//! (`tests/peers/prom_parse.py`, run with [`python_bin`]).

use std::net::SocketAddr;

use serde_json::Value;
use tokio::io::AsyncWriteExt;

use crate::peers::python_bin;
use crate::{http_exchange, peers_dir};

/// One parsed sample.
#[derive(Debug)]
pub struct Sample {
    /// The name of the family the parser put it in (a counter's without `_total`).
    pub family: String,
    /// The family's type as the parser read it (`counter`, `gauge`, `histogram`, `unknown`…).
    pub kind: String,
    /// The sample's name (a counter's keeps its `_total`).
    pub name: String,
    /// Its labels.
    pub labels: serde_json::Map<String, Value>,
    /// Its value.
    pub value: f64,
}

/// Scrapes `path` on `addr` as a Prometheus server without an `Accept` header would, and
/// parses it with prometheus-client's (Python) text-format parser.
pub async fn scrape(addr: SocketAddr, path: &str) -> Vec<Sample> {
    scrape_accepting(addr, path, None).await.samples
}

/// One scrape: what was answered and how the parser read it.
#[derive(Debug)]
pub struct Scrape {
    /// The response's `Content-Type`.
    pub content_type: String,
    /// The text as served.
    pub body: String,
    /// The samples prometheus-client's (Python) text-format parser read from it.
    pub samples: Vec<Sample>,
}

/// Scrapes `path` on `addr` with `accept` as the `Accept` header (none if `None`).
pub async fn scrape_accepting(addr: SocketAddr, path: &str, accept: Option<&str>) -> Scrape {
    let headers = accept.map_or(String::new(), |a| format!("Accept: {a}\r\n"));
    let response = http_exchange(addr, "GET", path, &headers, "").await;
    assert_eq!(response.status, 200, "{}", response.body);
    let samples = parse(&response.body).await;
    Scrape {
        content_type: response.header("content-type").unwrap_or("").to_owned(),
        body: response.body,
        samples,
    }
}

/// Parses Prometheus text with prometheus-client's (Python) text-format parser.
pub async fn parse(body: &str) -> Vec<Sample> {
    run_parser(body, &[]).await
}

/// Parses OpenMetrics text with prometheus-client's (Python) OpenMetrics parser, which refuses
/// anything the OpenMetrics format does not allow (a missing `# EOF`, a counter without
/// `_total`…).
pub async fn parse_openmetrics(body: &str) -> Vec<Sample> {
    run_parser(body, &["openmetrics"]).await
}

async fn run_parser(body: &str, args: &[&str]) -> Vec<Sample> {
    let mut child = tokio::process::Command::new(python_bin())
        .arg(peers_dir().join("prom_parse.py"))
        .args(args)
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
            family: s["family"].as_str().expect("a family").to_owned(),
            kind: s["type"].as_str().expect("a type").to_owned(),
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
