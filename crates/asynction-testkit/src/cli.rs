//! A command-line program run to completion — the `asynction` binary, in a given working
//! directory so that its reports name files as the test gives them — with its exit code and
//! output captured.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

/// Variables the `asynction` binary reads that a test's environment must not leak into a run:
/// the default document and forced colours.
const ENV_REMOVED: &[&str] = &["ASYNCTION_SPEC", "CLICOLOR_FORCE"];

/// What one run printed and how it ended.
#[derive(Debug, Clone)]
pub struct Run {
    /// The exit code (`None` when a signal ended the process).
    pub code: Option<i32>,
    /// Standard output (lossily UTF-8).
    pub stdout: String,
    /// Standard error (lossily UTF-8).
    pub stderr: String,
}

impl Run {
    /// A run from its parts (e.g. a command run in process).
    pub fn new(code: Option<i32>, stdout: &[u8], stderr: &[u8]) -> Self {
        Run {
            code,
            stdout: String::from_utf8_lossy(stdout).into_owned(),
            stderr: String::from_utf8_lossy(stderr).into_owned(),
        }
    }

    /// The run of a finished process.
    pub fn from_output(output: &Output) -> Self {
        Run::new(output.status.code(), &output.stdout, &output.stderr)
    }
}

/// Runs `program args…` in `dir` (no stdin; without `ASYNCTION_SPEC` and `CLICOLOR_FORCE`)
/// and waits for it.
pub fn run<S: AsRef<OsStr>>(program: impl AsRef<OsStr>, dir: &Path, args: &[S]) -> Run {
    let program = program.as_ref();
    let mut command = Command::new(program);
    command
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null());
    for name in ENV_REMOVED {
        command.env_remove(name);
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.to_string_lossy()));
    Run::from_output(&output)
}
