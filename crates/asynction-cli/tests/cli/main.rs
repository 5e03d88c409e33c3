//! The `asynction` tool's tests, in one binary. Commands that need no process of their own
//! (argument parsing, `validate`, `bundle`, `convert`, `diff`, `generate`, `docs` on files) run
//! in this process through the `asynction_cli` library ([`in_process`]); what only a process
//! shows — exit codes and output of the real binary, colours on a pipe, signals, the mock
//! server, Redis clusters, `test` against a server — runs the built binary ([`asynction`]), at
//! least once per command. Real peers: Node socket.io-client, a private redis-server.

use std::path::Path;
use std::process::ExitCode;

use asynction_testkit::cli::Run;

mod bundle;
mod cli_lint;
mod cli_validate;
mod cluster;
mod contract;
mod convert;
mod diff;
mod generate;
mod mock_process;
mod mock_server;
mod mock_watch;
mod packaging;
mod readme;
mod roundtrip;

/// Runs the built `asynction` binary with `args` in `dir` (so that its reports name files as
/// given), without `ASYNCTION_SPEC` and `CLICOLOR_FORCE` from the test's environment.
fn asynction(dir: &Path, args: &[&str]) -> Run {
    asynction_testkit::cli::run(env!("CARGO_BIN_EXE_asynction"), dir, args)
}

/// Runs `asynction ARGS` in this process (the library's commands, output captured). A process
/// has one working directory, so file arguments are absolute here ([`at`]); the reports name
/// them relative to `dir` again, as the binary run in `dir` would.
fn in_process(dir: &Path, args: &[&str]) -> Run {
    let mut console = asynction_cli::Console::captured();
    let code = asynction_cli::run_args(
        std::iter::once("asynction").chain(args.iter().copied()),
        &mut console,
    );
    let prefix = format!("{}/", dir.display());
    let relative = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(&prefix, "");
    Run {
        code: exit_code(code),
        stdout: relative(console.stdout()),
        stderr: relative(console.stderr()),
    }
}

/// `dir/relative` as an argument of [`in_process`].
fn at(dir: &Path, relative: &str) -> String {
    dir.join(relative).display().to_string()
}

/// The number of an [`ExitCode`] (which does not expose it; the commands make theirs from a
/// `u8`).
fn exit_code(code: ExitCode) -> Option<i32> {
    (0..=u8::MAX)
        .find(|&n| ExitCode::from(n) == code)
        .map(i32::from)
}
