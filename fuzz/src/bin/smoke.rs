//! Stable-Rust fuzz runner: `cargo run --release --manifest-path fuzz/Cargo.toml --bin smoke --
//! [--seconds N] [--seed S] [TARGET...]`. Runs each target on its seed corpus
//! (`fuzz/corpus/TARGET`) and on mutations of it for N seconds (default 10), prints executions
//! and panics, and exits 1 if anything panicked (the panicking inputs are written to
//! `fuzz/artifacts/TARGET/`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use asynction_fuzz::mutate::{load_seeds, run};
use asynction_fuzz::targets::TARGETS;

fn main() -> ExitCode {
    let mut seconds = 10u64;
    let mut seed = 1u64;
    let mut selected = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or(10),
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(1),
            name => selected.push(name.to_owned()),
        }
    }
    // Panics are counted; their messages would drown the report.
    std::panic::set_hook(Box::new(|_| {}));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut failed = false;
    println!(
        "{:<18} {:>12} {:>10} {:>8}",
        "target", "executions", "exec/s", "panics"
    );
    for (name, target) in TARGETS {
        if !selected.is_empty() && !selected.iter().any(|s| s == name) {
            continue;
        }
        let seeds = load_seeds(&root.join("corpus").join(name));
        let stats = run(*target, &seeds, Duration::from_secs(seconds), seed);
        let rate = stats.executions as f64 / stats.elapsed.as_secs_f64().max(1e-9);
        println!(
            "{name:<18} {:>12} {rate:>10.0} {:>8}",
            stats.executions, stats.panic_count
        );
        if stats.panic_count > 0 {
            failed = true;
            let dir = root.join("artifacts").join(name);
            let _ = std::fs::create_dir_all(&dir);
            for (i, input) in stats.panics.iter().enumerate() {
                let _ = std::fs::write(dir.join(format!("smoke-panic-{i}")), input);
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
