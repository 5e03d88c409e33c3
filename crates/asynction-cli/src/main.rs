//! `asynction`: the command-line tool of the asynction crate. The commands are the
//! `asynction_cli` library's; the binary parses its arguments (clap prints usage errors and
//! exits with 2) and runs the command on the process's standard output and error.

use std::process::ExitCode;

use asynction_cli::{Cli, Console};
use clap::Parser;

fn main() -> ExitCode {
    Cli::parse().run(&mut Console::std())
}
