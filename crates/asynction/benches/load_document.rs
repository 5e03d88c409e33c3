//! Startup cost of a large document: generates an AsyncAPI 2.6 document with 1,000 channels
//! (each with two publish messages and one subscribe message, all `$ref`s to components, with
//! `x-ack` and small object payloads) and times `Document::from_text` + `Validators::compile`,
//! and apart from them the recommended ruleset `asynction validate` adds (`lint::recommended`).
//!
//! Run with `cargo bench --bench load_document`; prints the median of several runs in ms.
//! Target: under 200 ms in release. Wall time suffers when other processes share the cores, so
//! the thread's CPU time (Linux `/proc/thread-self/schedstat`) is printed too.

use std::fmt::Write;
use std::time::{Duration, Instant};

use asynction::Document;
use asynction::validate::Validators;

const CHANNELS: usize = 1_000;
const RUNS: usize = 7;

/// The generated document, as YAML.
fn document(channels: usize) -> String {
    let mut y = String::with_capacity(channels * 1_200);
    y.push_str("asyncapi: 2.6.0\ninfo:\n  title: Generated\n  version: 1.0.0\nservers:\n");
    y.push_str("  production:\n    url: example.com/socket.io\n    protocol: wss\nchannels:\n");
    for i in 0..channels {
        let _ = write!(
            y,
            "  /ns{i}:\n    publish:\n      message:\n        oneOf:\n          - $ref: '#/components/messages/Create{i}'\n          - $ref: '#/components/messages/Update{i}'\n    subscribe:\n      message:\n        $ref: '#/components/messages/Changed{i}'\n"
        );
    }
    y.push_str("components:\n  schemas:\n");
    for i in 0..channels {
        let _ = write!(
            y,
            "    Item{i}:\n      type: object\n      properties:\n        id:\n          type: string\n          format: uuid\n        title:\n          type: string\n          maxLength: 200\n        count:\n          type: integer\n          minimum: 0\n        tags:\n          type: array\n          items:\n            type: string\n      required: [id, title]\n"
        );
    }
    y.push_str("  messages:\n");
    for i in 0..channels {
        let _ = write!(
            y,
            "    Create{i}:\n      name: create {i}\n      payload:\n        $ref: '#/components/schemas/Item{i}'\n      x-handler: handlers.create_{i}\n      x-ack:\n        args:\n          type: object\n          properties:\n            ok:\n              type: boolean\n    Update{i}:\n      name: update {i}\n      payload:\n        $ref: '#/components/schemas/Item{i}'\n      x-handler: handlers.update_{i}\n    Changed{i}:\n      name: changed {i}\n      payload:\n        $ref: '#/components/schemas/Item{i}'\n"
        );
    }
    y
}

fn main() {
    let text = document(CHANNELS);
    let mut load = Vec::with_capacity(RUNS);
    let mut compile = Vec::with_capacity(RUNS);
    let mut total = Vec::with_capacity(RUNS);
    let mut cpu = Vec::with_capacity(RUNS);
    let mut lint = Vec::with_capacity(RUNS);
    let mut findings = 0;
    let mut schemas = 0;
    for _ in 0..RUNS {
        let cpu_start = thread_cpu_time();
        let start = Instant::now();
        let doc = Document::from_text(&text).expect("the generated document loads");
        let loaded = Instant::now();
        let validators = Validators::compile(&doc).expect("the generated schemas compile");
        let end = Instant::now();
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_time()) {
            cpu.push(b.saturating_sub(a));
        }
        let linting = Instant::now();
        findings = asynction::lint::recommended(&doc).len();
        lint.push(linting.elapsed());
        assert_eq!(doc.api.namespaces.len(), CHANNELS);
        schemas = validators.len();
        load.push(loaded - start);
        compile.push(end - loaded);
        total.push(end - start);
    }
    println!(
        "load_document: {CHANNELS} channels, {} KiB of YAML, {schemas} schemas; median of {RUNS} runs: \
         from_text {:.1} ms + Validators::compile {:.1} ms = {:.1} ms wall ({} CPU); \
         recommended ruleset {:.1} ms ({findings} findings)",
        text.len() / 1024,
        ms(median(&mut load)),
        ms(median(&mut compile)),
        ms(median(&mut total)),
        if cpu.is_empty() {
            "unknown".to_owned()
        } else {
            format!("{:.1} ms", ms(median(&mut cpu)))
        },
        ms(median(&mut lint)),
    );
}

/// CPU time of the calling thread so far, where the platform tells it.
fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}
