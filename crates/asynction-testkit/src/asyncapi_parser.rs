//! The reference AsyncAPI parser, `@asyncapi/parser` (`tests/peers/asyncapi-parse.mjs`): its
//! verdict on documents, to compare with asynction's.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::peers::ensure_node_peers;
use crate::peers_dir;

/// One verdict of the reference parser.
#[derive(Debug, Clone, Deserialize)]
pub struct Verdict {
    /// The file as given.
    pub file: String,
    /// No diagnostic of severity error.
    pub valid: bool,
    /// The errors, `line:col message (at path)`.
    pub errors: Vec<String>,
}

/// Runs the parser on `files` (absolute paths), one verdict each.
pub fn verdicts(files: &[PathBuf]) -> Vec<Verdict> {
    let files: Vec<&OsStr> = files.iter().map(|f| f.as_os_str()).collect();
    run(&peers_dir(), &files, None).expect("the parser runs without a time limit")
}

/// Runs the parser on `files` (relative to `dir`, so that verdicts name them as given), one
/// verdict each; `None` when it did not finish within `timeout` (the process is killed: the
/// parser loops forever on some documents).
pub fn verdicts_within(dir: &Path, files: &[&str], timeout: Duration) -> Option<Vec<Verdict>> {
    let files: Vec<&OsStr> = files.iter().map(OsStr::new).collect();
    run(dir, &files, Some(timeout))
}

fn run(dir: &Path, files: &[&OsStr], timeout: Option<Duration>) -> Option<Vec<Verdict>> {
    ensure_node_peers();
    let mut child = Command::new("node")
        .arg(peers_dir().join("asyncapi-parse.mjs"))
        .args(files)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node must be on PATH to run tests/peers/asyncapi-parse.mjs");
    if let Some(timeout) = timeout {
        let deadline = Instant::now() + timeout;
        while child.try_wait().expect("waiting for node").is_none() {
            if Instant::now() >= deadline {
                child.kill().expect("stopping node");
                child.wait().expect("reaping node");
                return None;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let output = child.wait_with_output().expect("node output");
    assert!(
        output.status.success(),
        "the parser script failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Some(serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "the parser script printed no verdicts ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    }))
}
