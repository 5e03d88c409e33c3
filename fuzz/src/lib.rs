//! Fuzz targets for asynction and a deterministic mutator that drives them on stable Rust.
//!
//! - [`targets`]: one function per attack surface, each taking arbitrary bytes; a target
//!   must never panic, whatever the bytes.
//! - [`mutate`]: a seed-corpus mutator (xorshift, no coverage feedback) used by the `smoke`
//!   binary and by the main crate's `tests/integration/fuzz_smoke.rs` (a dev-dependency of
//!   asynction: the main workspace excludes `fuzz/` and uses this library by path).
//!
//! Coverage-guided runs use cargo-fuzz on nightly: `cargo +nightly fuzz run load_document
//! --features libfuzzer fuzz/corpus/load_document` (see `fuzz/README.md`).

pub mod mutate;
pub mod targets;
