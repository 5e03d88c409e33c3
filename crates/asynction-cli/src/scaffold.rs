//! `asynction scaffold FILE --out DIR`: a new Cargo project (server, handler stubs, payload
//! types, tests) from an AsyncAPI document. The work is [`asynction_codegen::scaffold`]'s; this module
//! parses arguments and reports.

use std::path::PathBuf;
use std::process::ExitCode;

use asynction_codegen::scaffold::{AsynctionDependency, ScaffoldOptions, scaffold};
use clap::Args;

use crate::GlobalOptions;
use crate::console::{Console, errln, outln};

/// Arguments of `asynction scaffold`.
#[derive(Debug, Args)]
pub struct ScaffoldArgs {
    /// The AsyncAPI document (default: the --spec document).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Directory of the new project (created when missing; must be empty without --force).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Package name (default: from DIR's name).
    #[arg(long, value_name = "CRATE")]
    name: Option<String>,
    /// Depend on asynction at this path (default: the sources this tool was built from).
    #[arg(long, value_name = "PATH", conflicts_with = "asynction_version")]
    asynction_path: Option<PathBuf>,
    /// Depend on this crates.io version of asynction instead of a path (e.g. `0.1`).
    #[arg(long, value_name = "VERSION")]
    asynction_version: Option<String>,
    /// Write into a non-empty DIR, overwriting the generated files.
    #[arg(long)]
    force: bool,
}

/// Runs the subcommand: 0 when the project was written, 1 otherwise.
pub fn run(global: &GlobalOptions, args: &ScaffoldArgs, console: &mut Console) -> ExitCode {
    let spec = args.file.clone().unwrap_or_else(|| global.spec.clone());
    if global.socketio_args.is_some() {
        // The generated server loads the document itself, at run time: a convention given
        // here would be lost there. The document must say it.
        errln!(
            console,
            "asynction: scaffold does not take --socketio-args: the generated server reads the document as written; add `x-socketio-args: spread` (or `single`) at the document's root instead"
        );
        return ExitCode::from(2);
    }
    let dependency = match (&args.asynction_version, &args.asynction_path) {
        (Some(version), _) => AsynctionDependency::Version(version.clone()),
        (None, Some(path)) => {
            AsynctionDependency::Path(std::path::absolute(path).unwrap_or_else(|_| path.clone()))
        }
        (None, None) => AsynctionDependency::default(),
    };
    let options = ScaffoldOptions {
        crate_name: args.name.clone(),
        dependency,
        force: args.force,
        skip_rustfmt: false,
    };
    match scaffold(&spec, &args.out, &options) {
        Ok(project) => {
            outln!(
                console,
                "created {} ({} files) in {}",
                project.crate_name,
                project.files.len(),
                args.out.display()
            );
            outln!(
                console,
                "next: cd {} && cargo test && cargo run",
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!(console, "asynction scaffold: {e}");
            ExitCode::from(1)
        }
    }
}
