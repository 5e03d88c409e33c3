//! `asynction`: the command-line tool of the asynction crate.
//!
//! The binary is a thin dispatcher: it parses arguments with clap and hands each subcommand to
//! its own module (`validate.rs`, `mock.rs`, `docs.rs`, `scaffold.rs`, `emit.rs`,
//! `bundle.rs`, `convert.rs`), which calls the
//! library. Every subcommand returns the process exit code: 0 on success, 1 when the documents or
//! the run failed; clap itself exits with 2 on usage errors.

mod bundle;
mod convert;
mod diff;
mod docs;
mod emit;
mod generate;
mod logging;
mod mock;
mod scaffold;
mod test;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use asynction::model::ArgumentList;
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
    /// How payload and ack schemas map onto Socket.IO argument lists where a schema does not
    /// say (`x-socketio-args`): `single` (a schema is the one argument) or `spread` (a schema is
    /// the whole list, as zod-sockets documents are written). Overrides the document's root
    /// `x-socketio-args`; for documents one cannot edit.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "RULE",
        env = "ASYNCTION_SOCKETIO_ARGS"
    )]
    pub socketio_args: Option<ArgumentRule>,
}

/// The values of `--socketio-args`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ArgumentRule {
    /// A schema describes exactly one argument (asynction's default).
    Single,
    /// A schema describes the whole argument list (an array, `prefixItems` per argument).
    Spread,
}

impl GlobalOptions {
    /// How to load documents, given `--socketio-args`.
    pub fn load_options(&self) -> asynction::LoadOptions {
        let options = asynction::LoadOptions::default();
        match self.socketio_args {
            None => options,
            Some(ArgumentRule::Single) => options.socketio_args(ArgumentList::Single),
            Some(ArgumentRule::Spread) => options.socketio_args(ArgumentList::Spread),
        }
    }
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
    /// Check AsyncAPI documents: syntax, references, model, JSON Schemas and message examples.
    ///
    /// Reads AsyncAPI 2.0–2.6, 3.0 and 3.1 (YAML or JSON). Every problem is printed as
    /// `file:line:col: message (at /json/pointer)`. Verdicts follow @asyncapi/parser: a message
    /// example whose payload or headers do not match their schema is an error in a 2.x document
    /// and a warning (`file:line:col: warning: …`, exit code 0) in a 3.x document, which the
    /// reference parser accepts; --strict makes warnings errors (exit code 1).
    Validate(validate::ValidateArgs),
    /// Serve a mock of the document: validated, fake acks and periodic fake events.
    Mock(mock::MockArgs),
    /// Write the docs page and the document as a static site.
    Docs(docs::DocsArgs),
    /// Generate a Cargo project (server, handler stubs, payload types, tests) from a document.
    Scaffold(scaffold::ScaffoldArgs),
    /// Validate an event against the document and publish it to a Redis cluster's clients.
    Emit(emit::EmitArgs),
    /// Write one self-contained document from a document whose `$ref`s point into other files.
    Bundle(bundle::BundleArgs),
    /// Convert an AsyncAPI 2.x document into AsyncAPI 3.0 or 3.1 (same API).
    Convert(convert::ConvertArgs),
    /// Compare two versions of a document: breaking changes, by who sends what.
    Diff(diff::DiffArgs),
    /// Generate client code from a document (`generate typescript`: a typed npm package;
    /// `generate python`: a typed pip package).
    Generate(generate::GenerateArgs),
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
        Command::Bundle(args) => bundle::run(&cli.global, &args),
        Command::Convert(args) => convert::run(&cli.global, &args),
        Command::Diff(args) => diff::run(&cli.global, &args),
        Command::Generate(args) => generate::run(&cli.global, &args),
        Command::Test(args) => test::run(&cli.global, &args),
    }
}
