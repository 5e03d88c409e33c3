//! A deterministic mutator over a seed corpus, for stable Rust (no coverage feedback): each
//! iteration takes a seed, applies 1–8 random edits (bit flips, interesting bytes, inserted
//! tokens, deleted or duplicated ranges, splices with another seed) and runs the target.
//! Panics are caught and counted with the input that caused them; an abort (stack overflow)
//! ends the process, which is a finding too.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

/// xorshift64*: small, fast, reproducible from its seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (0 is replaced, xorshift needs a non-zero state).
    pub fn new(seed: u64) -> Self {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// Tokens the mutator inserts: structure of YAML, JSON, `$ref`s, query strings and credentials.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"\n",
    b"  ",
    b"- ",
    b"&",
    b"=",
    b"%",
    b"%zz",
    b"$ref",
    b"\"$ref\": \"#/components/schemas/S0\"",
    b"#/components/",
    b"~0",
    b"~1",
    b"&a ",
    b"*a",
    b"!!binary",
    b"null",
    b"true",
    b"-1",
    b"1e309",
    b"18446744073709551616",
    b"0.5",
    b"\xff\xfe",
    b"\xc3\x28",
    b"Basic ",
    b"Bearer ",
    b"dXNlcjpwYXNz",
    b"token",
    b"username",
    b"password",
    b"; ",
    b"x-key=",
    b"asyncapi: 3.0.0\n",
    b"asyncapi: 2.6.0\n",
    b"type: ",
    b"items: ",
    b"properties: ",
    b"x-socketio-args: spread",
    b"format: email",
    b"pattern: '(a+)+$'",
];

/// Interesting single bytes.
const BYTES: &[u8] = &[
    0, 1, 0x7f, 0x80, 0xff, b'0', b'9', b' ', b'\t', b'\\', b'\'', b'#',
];

/// Largest input the mutator produces.
const MAX_LEN: usize = 64 * 1024;

/// One mutated input from `seeds` (at least one seed).
pub fn mutate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(8) {
        let len = data.len();
        match rng.below(8) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = BYTES[rng.below(BYTES.len())];
            }
            2 => {
                let at = rng.below(len + 1);
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            3 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(16)).min(len);
                data.drain(start..end);
            }
            4 if len > 0 => {
                let start = rng.below(len);
                let end = (start + 1 + rng.below(64)).min(len);
                let copy = data[start..end].to_vec();
                let at = rng.below(len + 1);
                data.splice(at..at, copy);
            }
            5 => {
                let other = &seeds[rng.below(seeds.len())];
                let cut = rng.below(data.len() + 1);
                let from = rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            6 => {
                let at = rng.below(len + 1);
                let byte = (rng.next_u64() & 0xff) as u8;
                data.insert(at, byte);
            }
            _ if len > 0 => {
                // Repeat one byte many times: long strings, deep brackets.
                let i = rng.below(len);
                let byte = data[i];
                let count = 1 + rng.below(512);
                data.splice(i..i, std::iter::repeat_n(byte, count));
            }
            _ => data.push((rng.next_u64() & 0xff) as u8),
        }
    }
    data.truncate(MAX_LEN);
    data
}

/// The seeds in `dir` (every file), or one empty seed when it has none.
pub fn load_seeds(dir: &Path) -> Vec<Vec<u8>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    let mut seeds: Vec<Vec<u8>> = paths
        .iter()
        .filter(|p| p.is_file())
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    if seeds.is_empty() {
        seeds.push(Vec::new());
    }
    seeds
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Inputs run (seeds included).
    pub executions: u64,
    /// Inputs that panicked, at most the first 10 kept.
    pub panics: Vec<Vec<u8>>,
    /// Number of panicking inputs.
    pub panic_count: u64,
    /// Wall time spent.
    pub elapsed: Duration,
}

/// Runs every seed, then mutated seeds until `budget` has passed.
pub fn run(target: fn(&[u8]), seeds: &[Vec<u8>], budget: Duration, rng_seed: u64) -> Stats {
    let start = Instant::now();
    let mut rng = Rng::new(rng_seed);
    let mut stats = Stats::default();
    let execute = |input: &[u8], stats: &mut Stats| {
        stats.executions += 1;
        if catch_unwind(AssertUnwindSafe(|| target(input))).is_err() {
            stats.panic_count += 1;
            if stats.panics.len() < 10 {
                stats.panics.push(input.to_vec());
            }
        }
    };
    for seed in seeds {
        execute(seed, &mut stats);
    }
    while start.elapsed() < budget {
        let input = mutate(&mut rng, seeds);
        execute(&input, &mut stats);
    }
    stats.elapsed = start.elapsed();
    stats
}
