//! `asynction generate typescript FILE --out DIR` and `asynction generate python FILE --out DIR`:
//! a typed Socket.IO client package from an AsyncAPI document. The work is
//! [`asynction_codegen::typescript`]'s and [`asynction_codegen::python`]'s; this module parses
//! arguments and reports.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use asynction::Document;
use asynction_codegen::python::{self, PythonOptions};
use asynction_codegen::typescript::{self, TypeScriptOptions};
use asynction_codegen::{GenerateError, Package};
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

impl GenerateArgs {
    /// `--server` of the target.
    pub(crate) fn server(&self) -> Option<&str> {
        match &self.target {
            Target::Typescript(args) => args.server.as_deref(),
            Target::Python(args) => args.server.as_deref(),
        }
    }
}

/// Runs the subcommand: 0 when the package was written, 1 otherwise.
pub fn run(global: &GlobalOptions, args: &GenerateArgs, console: &mut Console) -> ExitCode {
    match &args.target {
        Target::Typescript(args) => run_typescript(global, args, console),
        Target::Python(args) => run_python(global, args, console),
    }
}

fn run_python(global: &GlobalOptions, args: &PythonArgs, console: &mut Console) -> ExitCode {
    let options = PythonOptions {
        package_name: args.name.clone(),
        server: global.server_or(args.server.as_deref()).map(str::to_owned),
    };
    write_package(
        global,
        "python",
        args.file.as_ref(),
        &args.out,
        console,
        |doc| python::generate(doc, &options),
    )
}

fn run_typescript(
    global: &GlobalOptions,
    args: &TypeScriptArgs,
    console: &mut Console,
) -> ExitCode {
    let options = TypeScriptOptions {
        package_name: args.name.clone(),
        server: global.server_or(args.server.as_deref()).map(str::to_owned),
        runtime_checks: args.runtime_checks,
    };
    write_package(
        global,
        "typescript",
        args.file.as_ref(),
        &args.out,
        console,
        |doc| typescript::generate(doc, &options),
    )
}

/// Loads the document (`file`, else `--spec`), generates the package for `language`, writes
/// it into `out` and says so, its warnings first: 0 when written, 1 otherwise.
fn write_package(
    global: &GlobalOptions,
    language: &str,
    file: Option<&PathBuf>,
    out: &Path,
    console: &mut Console,
    generate: impl FnOnce(&Document) -> Result<Package, GenerateError>,
) -> ExitCode {
    let spec = file.cloned().unwrap_or_else(|| global.spec.clone());
    let write = || -> Result<Package, GenerateError> {
        let doc = Document::from_path_with(&spec, &global.load_options())?;
        let package = generate(&doc)?;
        package.write(out)?;
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
                out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!(console, "asynction generate {language}: {e}");
            ExitCode::from(1)
        }
    }
}
