//! `asynction convert [FILE] --to 3.0|3.1 [--out F] [--format yaml|json]`: an AsyncAPI 2.x
//! document as an AsyncAPI 3.x document with the same API, or a 3.0 document as 3.1
//! (`asynction_spec::convert`). What 3.x
//! cannot express is printed as a warning on standard error; the document is written like a
//! bundle (standard output, or `--out` renamed into place).

use std::path::PathBuf;
use std::process::ExitCode;

use asynction_spec::TargetVersion;
use clap::Args;

use crate::GlobalOptions;
use crate::bundle::{Format, write_document};
use crate::console::{Console, errln};

/// Arguments of `asynction convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The AsyncAPI 2.x or 3.0 document (default: the --spec document).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// The AsyncAPI version to write: 3.0 or 3.1.
    #[arg(long, value_name = "VERSION", value_parser = parse_target)]
    to: TargetVersion,
    /// Where to write the document (default: standard output).
    #[arg(long, short = 'o', value_name = "F")]
    out: Option<PathBuf>,
    /// Output format (default: json when --out ends in .json, else yaml).
    #[arg(long, value_name = "FORMAT")]
    format: Option<Format>,
}

fn parse_target(s: &str) -> Result<TargetVersion, String> {
    s.parse()
}

/// Runs the subcommand; exit code 0 when the document was written (warnings or not), 1
/// otherwise.
pub fn run(global: &GlobalOptions, args: &ConvertArgs, console: &mut Console) -> ExitCode {
    let file = args.file.as_ref().unwrap_or(&global.spec);
    match asynction_spec::convert(file, args.to) {
        Ok(converted) => {
            for note in &converted.notes {
                errln!(console, "warning: {note}");
            }
            write_document(&converted.value, args.out.as_deref(), args.format, console)
        }
        Err(e) => {
            for d in e.diagnostics() {
                errln!(console, "{d}");
            }
            ExitCode::from(1)
        }
    }
}
