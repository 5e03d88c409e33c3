//! `asynction`: the command-line tool of the asynction crate.
//!
//! The binary is a thin dispatcher: it parses arguments with clap and hands each subcommand to
//! its own module (`validate.rs`, `mock.rs`, `docs.rs`, `scaffold.rs`, `emit.rs`), which calls the
//! library. Every subcommand returns the process exit code: 0 on success, 1 when the documents or
//! the run failed; clap itself exits with 2 on usage errors.

mod docs;
mod emit;
mod logging;
mod mock;
mod scaffold;
mod test;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Spec-first Socket.IO APIs driven by an AsyncAPI document.
#[derive(Debug, Parser)]
#[command(name = "asynction", version, about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: GlobalOptions,
    #[command(subcommand)]
    command: Command,
}

/// Options every subcommand understands (accepted before or after the subcommand name). Options
/// that only some commands use are theirs ([`ServerOption`], [`ValidationOption`]), so that
/// `--help` lists an option only where it means something.
#[derive(Debug, Clone, Args)]
pub struct GlobalOptions {
    /// The AsyncAPI document (YAML or JSON).
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        env = "ASYNCTION_SPEC",
        default_value = "asyncapi.yaml"
    )]
    pub spec: PathBuf,
}

/// `--server NAME`, on the commands that use one of the document's servers.
#[derive(Debug, Clone, Default, Args)]
pub struct ServerOption {
    /// Use the document's server NAME (its path and security); the default uses none.
    #[arg(long, value_name = "NAME")]
    pub server: Option<String>,
}

/// `--without-validation`, on the commands that validate against the document's schemas.
#[derive(Debug, Clone, Default, Args)]
pub struct ValidationOption {
    /// Do not validate payloads, acks and handshakes against their JSON Schemas.
    #[arg(long)]
    pub without_validation: bool,
}

/// The subcommands; each variant's arguments live in the subcommand's own module.
#[derive(Debug, Subcommand)]
enum Command {
    /// Check AsyncAPI documents: syntax, references, model and JSON Schemas.
    Validate(validate::ValidateArgs),
    /// Serve a mock of the document: validated, fake acks and periodic fake events.
    Mock(mock::MockArgs),
    /// Write the docs page and the document as a static site.
    Docs(docs::DocsArgs),
    /// Generate a Cargo project (server, handler stubs, payload types, tests) from a document.
    Scaffold(scaffold::ScaffoldArgs),
    /// Validate an event against the document and publish it to a Redis cluster's clients.
    Emit(emit::EmitArgs),
    /// Contract-test a running Socket.IO server against the document.
    Test(Box<test::TestArgs>),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate(args) => validate::run(&cli.global, &args),
        Command::Mock(args) => mock::run(&cli.global, &args),
        Command::Docs(args) => docs::run(&cli.global, &args),
        Command::Scaffold(args) => scaffold::run(&cli.global, &args),
        Command::Emit(args) => emit::run(&cli.global, &args),
        Command::Test(args) => test::run(&cli.global, &args),
    }
}
