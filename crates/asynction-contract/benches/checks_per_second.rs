//! Checked events per second against the `chat` example, and the wall time of a full default
//! run of its document (handshake, events on both transports, negative cases, 1 s listening).
//!
//! Build the example first (same profile as the bench):
//! `cargo build --release -p asynction --features mock --example chat`, then
//! `cargo bench -p asynction-contract --bench checks_per_second`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use asynction::Document;
use asynction_contract::{Options, Phase, Transport, run};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    // target/<profile>/deps/<bench> → target/<profile>/examples/chat
    let bin = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples/chat");
    assert!(
        bin.exists(),
        "{} is not built: cargo build --release -p asynction --features mock --example chat",
        bin.display()
    );
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(bin)
        .current_dir(&root)
        .env("PORT", port.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    while TcpStream::connect(addr).is_err() {
        std::thread::sleep(Duration::from_millis(20));
    }
    let doc = Document::from_path(root.join("examples/chat/asyncapi.yaml")).unwrap();
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
    let _ = child.kill();
    let _ = child.wait();
}
