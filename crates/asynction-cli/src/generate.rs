//! `asynction generate typescript FILE --out DIR` and `asynction generate python FILE --out DIR`:
//! a typed Socket.IO client package from an AsyncAPI document. The work is
//! [`asynction_codegen::typescript`]'s and [`asynction_codegen::python`]'s; this module parses
//! arguments and reports.

use std::path::PathBuf;
use std::process::ExitCode;

use asynction::Document;
use asynction_codegen::python::{self, PythonOptions};
use asynction_codegen::typescript::{Package, TypeScriptError, TypeScriptOptions, generate};
use clap::{Args, Subcommand};

use crate::GlobalOptions;
use crate::console::{Console, errln, outln};

/// Arguments of `asynction generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    #[command(subcommand)]
    target: Target,
}

/// What to generate.
#[derive(Debug, Subcommand)]
enum Target {
    /// An npm package with a typed Socket.IO client: types for every payload, ack and handshake
    /// schema, per-namespace event interfaces and `connect()`; optionally zod runtime checks.
    Typescript(TypeScriptArgs),
    /// A pip-installable Python package: pydantic v2 models for every payload, ack and
    /// handshake schema, and per namespace a typed python-socketio client class (asyncio and
    /// synchronous) with `connect()` / `connect_sync()`; values are validated both ways.
    Python(PythonArgs),
}

/// Arguments of `asynction generate python`.
#[derive(Debug, Args)]
struct PythonArgs {
    /// The AsyncAPI document (default: the --spec document).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Directory of the package (created when missing; generated files are overwritten).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Import name of the package, `src/PACKAGE/` (default: from the document's title,
    /// `<title>_client`); the distribution name is the same with `-`.
    #[arg(long, value_name = "PACKAGE")]
    name: Option<String>,
    /// The document's server whose Socket.IO path `connect` uses by default (default: the first).
    #[arg(long, value_name = "NAME")]
    server: Option<String>,
}

/// Arguments of `asynction generate typescript`.
#[derive(Debug, Args)]
struct TypeScriptArgs {
    /// The AsyncAPI document (default: the --spec document).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Directory of the package (created when missing; generated files are overwritten).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// npm package name (default: from the document's title, `<title>-client`).
    #[arg(long, value_name = "PACKAGE")]
    name: Option<String>,
    /// The document's server whose Socket.IO path `connect` uses by default (default: the first).
    #[arg(long, value_name = "NAME")]
    server: Option<String>,
    /// Generate zod schemas and check emits, server events and acks at run time (adds zod ^4).
    #[arg(long)]
    runtime_checks: bool,
}

/// Runs the subcommand: 0 when the package was written, 1 otherwise.
pub fn run(global: &GlobalOptions, args: &GenerateArgs, console: &mut Console) -> ExitCode {
    match &args.target {
        Target::Typescript(args) => run_typescript(global, args, console),
        Target::Python(args) => run_python(global, args, console),
    }
}

fn run_python(global: &GlobalOptions, args: &PythonArgs, console: &mut Console) -> ExitCode {
    let spec = args.file.clone().unwrap_or_else(|| global.spec.clone());
    let options = PythonOptions {
        package_name: args.name.clone(),
        server: args.server.clone(),
    };
    let write = || -> Result<python::Package, python::PythonError> {
        let doc = Document::from_path_with(&spec, &global.load_options())?;
        let package = python::generate(&doc, &options)?;
        package.write(&args.out)?;
        Ok(package)
    };
    match write() {
        Ok(package) => {
            for w in &package.warnings {
                errln!(console, "{w}");
            }
            outln!(
                console,
                "created {} ({} files) in {}",
                package.name,
                package.files.len(),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!(console, "asynction generate python: {e}");
            ExitCode::from(1)
        }
    }
}

fn run_typescript(
    global: &GlobalOptions,
    args: &TypeScriptArgs,
    console: &mut Console,
) -> ExitCode {
    let spec = args.file.clone().unwrap_or_else(|| global.spec.clone());
    let options = TypeScriptOptions {
        package_name: args.name.clone(),
        server: args.server.clone(),
        runtime_checks: args.runtime_checks,
    };
    let write = || -> Result<Package, TypeScriptError> {
        let doc = Document::from_path_with(&spec, &global.load_options())?;
        let package = generate(&doc, &options)?;
        package.write(&args.out)?;
        Ok(package)
    };
    match write() {
        Ok(package) => {
            for w in &package.warnings {
                errln!(console, "warning: {w}");
            }
            outln!(
                console,
                "created {} ({} files) in {}",
                package.name,
                package.files.len(),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!(console, "asynction generate typescript: {e}");
            ExitCode::from(1)
        }
    }
}
