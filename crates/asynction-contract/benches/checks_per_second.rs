//! Checked events per second against the `chat` example, and the wall time of a full default
//! run of its document (handshake, events on both transports, negative cases, 1 s listening).
//!
//! Build the example first (same profile as the bench):
//! `cargo build --release -p asynction --features mock --example chat`, then
//! `cargo bench -p asynction-contract --bench checks_per_second`.

use std::time::Instant;

use asynction::Document;
use asynction_contract::{Options, Phase, Transport, run};
use asynction_testkit::process::Example;

fn main() {
    // The release build of the example, next to this bench (`target/release/examples/chat`).
    let chat = Example::new("chat").quiet().start();
    let addr = chat.addr;
    let doc =
        Document::from_path(asynction_testkit::root().join("examples/chat/asyncapi.yaml")).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // Throughput: valid events only, websocket, many generated values per event: `add user`
    // (acked, validated ack) and `new message` (no ack). `join room` is left out: the example
    // joins every room it is sent and acks the whole list, so its acks grow with the run.
    let mut o = Options::new(format!("http://{addr}"));
    o.seed = 1;
    o.examples = 5000;
    o.events = vec!["add user".into(), "new message".into()];
    o.only = vec![Phase::Events];
    o.transports = vec![Transport::Websocket];
    let started = Instant::now();
    let report = rt.block_on(run(&doc, &o)).unwrap();
    let elapsed = started.elapsed();
    let events = report
        .checks
        .iter()
        .filter(|c| c.phase == Phase::Events)
        .count();
    assert!(report.is_success(), "{}", report.render_text());
    println!(
        "checked events: {events} in {:.2} s = {:.0} checked events/s",
        elapsed.as_secs_f64(),
        events as f64 / elapsed.as_secs_f64()
    );

    // A full default run (what `asynction test --spec examples/chat/asyncapi.yaml` does).
    let mut o = Options::new(format!("http://{addr}"));
    o.seed = 1;
    let started = Instant::now();
    let report = rt.block_on(run(&doc, &o)).unwrap();
    println!(
        "full default run of the chat document: {} checks, {} failed, {:.2} s",
        report.checks.len(),
        report.failures().count(),
        started.elapsed().as_secs_f64()
    );
    drop(chat);
}
