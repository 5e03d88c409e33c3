//! Throughput of the fake-data generator: values per second for a few schemas.
//! Run: `cargo bench --features mock --bench mock_generate`.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use asynction::Document;
use asynction::mock::FakeGenerator;
use rand::SeedableRng;
use rand::rngs::StdRng;

fn main() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mock");
    let cases = [
        ("chat-2.6.yaml", "/chat", "new message"),
        ("keywords-2.6.yaml", "/keywords", "strings"),
        ("keywords-2.6.yaml", "/keywords", "combinators"),
        ("keywords-2.6.yaml", "/keywords", "faker"),
        ("keywords-3.0.yaml", "/game", "state"),
    ];
    println!("{:<20} {:<14} {:>14}", "fixture", "event", "values/s");
    for (file, namespace, event) in cases {
        let doc = Document::from_path(fixtures.join(file)).expect("fixture loads");
        let ev = doc
            .api
            .namespace(namespace)
            .and_then(|n| n.egress_event(event))
            .expect("event exists");
        let generator =
            FakeGenerator::new(ev.payload.as_ref().expect("payload"), &doc.resolved, &[])
                .expect("satisfiable");
        let mut rng = StdRng::seed_from_u64(1);
        // Warm the regex and sub-validator caches.
        for _ in 0..100 {
            black_box(generator.generate(&mut rng));
        }
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < Duration::from_secs(2) {
            for _ in 0..100 {
                black_box(generator.generate(&mut rng));
            }
            n += 100;
        }
        let rate = n as f64 / start.elapsed().as_secs_f64();
        println!("{file:<20} {event:<14} {rate:>14.0}");
    }
}
