//! The commands of the `asynction` command-line tool, as a library: the binary (`main.rs`) only
//! parses its arguments into a [`Cli`] and runs it; tests and programs that embed the tool run
//! the same commands in process, with their output in a [`Console`]'s buffers.
//!
//! ```
//! use asynction_cli::{Console, run_args};
//!
//! let mut console = Console::captured();
//! let code = run_args(["asynction", "validate", "no-such-file.yaml"], &mut console);
//! assert_eq!(code, std::process::ExitCode::from(1));
//! let report = String::from_utf8_lossy(console.stdout());
//! assert!(report.starts_with("no-such-file.yaml: cannot read the document"));
//! ```
//!
//! Each subcommand is a module with its clap arguments and one `run` function
//! ([`validate::run`], [`mock::run`], [`docs::run`], [`scaffold::run`], [`emit::run`],
//! [`bundle::run`], [`convert::run`], [`diff::run`], [`generate::run`], [`test::run`]) that
//! calls the workspace's libraries and returns the process exit code: 0 on success, 1 when the
//! documents or the run failed (2 for `diff` and `test` usage or load errors); clap itself
//! exits with 2 on usage errors.

mod build_info;
pub mod bundle;
mod console;
pub mod convert;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod generate;
mod logging;
pub mod mock;
mod mock_watch;
mod mount_hint;
pub mod scaffold;
pub mod test;
pub mod validate;
mod watch;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use asynction::model::ArgumentList;
use clap::{Args, Parser, Subcommand};

pub use console::Console;

/// Spec-first Socket.IO APIs driven by an AsyncAPI document.
#[derive(Debug, Parser)]
#[command(
    name = "asynction",
    version = build_info::VERSION,
    long_version = build_info::LONG_VERSION,
    about,
    propagate_version = true
)]
pub struct Cli {
    /// Options every subcommand understands.
    #[command(flatten)]
    pub global: GlobalOptions,
    /// The subcommand and its arguments.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Runs the subcommand, writing to `console`; the process exit code.
    pub fn run(&self, console: &mut Console) -> ExitCode {
        let global = match self.global_options() {
            Ok(global) => global,
            Err(usage) => return console.report_usage(&usage),
        };
        let global = &global;
        let code = match &self.command {
            Command::Validate(args) => validate::run(global, args, console),
            Command::Mock(args) => mock::run(global, args, console),
            Command::Docs(args) => docs::run(global, args, console),
            Command::Scaffold(args) => scaffold::run(global, args, console),
            Command::Emit(args) => emit::run(global, args, console),
            Command::Bundle(args) => bundle::run(global, args, console),
            Command::Convert(args) => convert::run(global, args, console),
            Command::Diff(args) => diff::run(global, args, console),
            Command::Generate(args) => generate::run(global, args, console),
            Command::Test(args) => test::run(global, args, console),
        };
        mount_hint::after(&global.spec, code, console)
    }
}

impl Cli {
    /// The global options with `server` settled: the command's own `--server`, else the one
    /// given before the command. A usage error when the two name different servers, or when
    /// `--server` comes before a command that uses none.
    fn global_options(&self) -> Result<GlobalOptions, clap::Error> {
        use clap::CommandFactory;
        use clap::error::ErrorKind;
        let mut global = self.global.clone();
        match (global.server.as_deref(), self.command.server()) {
            (Some(_), None) => {
                return Err(Cli::command().error(
                    ErrorKind::ArgumentConflict,
                    "--server names one of the document's servers for the commands that use \
                     one (mock run --server, docs --server, test --server, validate --server, \
                     generate typescript|python --server); this command uses none",
                ));
            }
            (Some(before), Some(Some(after))) if before != after => {
                return Err(Cli::command().error(
                    ErrorKind::ArgumentConflict,
                    format!(
                        "--server {before} before the command and --server {after} after it: \
                         give one"
                    ),
                ));
            }
            (_, Some(Some(own))) => global.server = Some(own.to_owned()),
            _ => {}
        }
        Ok(global)
    }
}

/// Parses `args` (the program name first, as in `std::env::args_os`) and runs the command,
/// writing to `console`. A command line clap refuses, `--help` and `--version` are written as
/// clap writes them, with clap's exit code (2, or 0 for help and version).
pub fn run_args<I, T>(args: I, console: &mut Console) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match Cli::try_parse_from(args) {
        Ok(cli) => cli.run(console),
        Err(error) => console.report_usage(&error),
    }
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
    /// The document's server NAME, for the commands that use one (`mock run`, `docs`, `test`,
    /// `validate`, `generate`): their own `--server NAME`, also accepted before the command.
    /// The commands read it here, settled by `Cli::run`.
    #[arg(long, value_name = "NAME")]
    pub server: Option<String>,
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
    /// The server a command uses: its own `--server` (`own`), else the one given before the
    /// command. ([`Cli::run`] has settled the two already; this serves callers of a command's
    /// `run` that build the options themselves.)
    pub fn server_or<'a>(&'a self, own: Option<&'a str>) -> Option<&'a str> {
        own.or(self.server.as_deref())
    }

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

/// `--server NAME`, on the commands that use one of the document's servers (also accepted
/// before the command: [`GlobalOptions::server`], where the commands read it).
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
pub enum Command {
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
    /// Convert an AsyncAPI 2.x document into AsyncAPI 3.0 or 3.1, or a 3.0 document into 3.1
    /// (same API).
    Convert(convert::ConvertArgs),
    /// Compare two versions of a document: breaking changes, by who sends what.
    Diff(diff::DiffArgs),
    /// Generate client code from a document (`generate typescript`: a typed npm package;
    /// `generate python`: a typed pip package).
    Generate(generate::GenerateArgs),
    /// Contract-test a running Socket.IO server against the document.
    Test(Box<test::TestArgs>),
}

impl Command {
    /// The command's own `--server`: `None` when the command has no such option.
    fn server(&self) -> Option<Option<&str>> {
        match self {
            Command::Validate(args) => Some(args.server()),
            Command::Mock(args) => Some(args.server()),
            Command::Docs(args) => Some(args.server.server.as_deref()),
            Command::Generate(args) => Some(args.server()),
            Command::Test(args) => Some(args.server.server.as_deref()),
            Command::Scaffold(_)
            | Command::Emit(_)
            | Command::Bundle(_)
            | Command::Convert(_)
            | Command::Diff(_) => None,
        }
    }
}

/// The runtime of the commands that do network work (`mock run`, `emit`, `test`): a
/// current-thread tokio runtime, measured cheaper per event than the multi-thread one for
/// Socket.IO traffic on small machines (BENCHMARKS.md), and these commands' own work is tiny.
/// The error is printed by the caller, each command with its own exit code.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}
