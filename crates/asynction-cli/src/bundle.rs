//! `asynction bundle [FILE] [--out F] [--format yaml|json]`: one self-contained document from a
//! document whose `$ref`s point into other files (`asynction_spec::bundle`). Written to standard
//! output, or to `--out` through a temporary file in the same directory that is renamed into
//! place, so a failed run never leaves a partial file.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde_json::Value;

use crate::GlobalOptions;
use crate::console::{Console, errln};

/// Arguments of `asynction bundle`.
#[derive(Debug, Args)]
pub struct BundleArgs {
    /// The main document (default: the --spec document).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Where to write the bundle (default: standard output).
    #[arg(long, short = 'o', value_name = "F")]
    out: Option<PathBuf>,
    /// Output format (default: json when --out ends in .json, else yaml).
    #[arg(long, value_name = "FORMAT")]
    format: Option<Format>,
}

/// The text format of a written document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// YAML (block style).
    Yaml,
    /// Pretty-printed JSON.
    Json,
}

/// Runs the subcommand; exit code 0 when the bundle was written, 1 otherwise.
pub fn run(global: &GlobalOptions, args: &BundleArgs, console: &mut Console) -> ExitCode {
    let file = args.file.as_ref().unwrap_or(&global.spec);
    match asynction_spec::bundle(file) {
        Ok(value) => write_document(&value, args.out.as_deref(), args.format, console),
        Err(e) => {
            for d in e.diagnostics() {
                errln!(console, "{d}");
            }
            ExitCode::from(1)
        }
    }
}

/// Writes `value` as `format` to `out` (atomically) or to standard output.
pub(crate) fn write_document(
    value: &Value,
    out: Option<&Path>,
    format: Option<Format>,
    console: &mut Console,
) -> ExitCode {
    let format = format.unwrap_or(match out.and_then(Path::extension) {
        Some(ext) if ext.eq_ignore_ascii_case("json") => Format::Json,
        _ => Format::Yaml,
    });
    let text = match format {
        Format::Yaml => asynction_spec::to_yaml(value),
        Format::Json => asynction_spec::to_json(value),
    };
    let Some(out) = out else {
        let written = console.out(|stdout| {
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
        });
        return match written {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                errln!(console, "asynction: cannot write to standard output: {e}");
                ExitCode::from(1)
            }
        };
    };
    match write_atomically(out, text.as_bytes()) {
        Ok(()) => {
            errln!(console, "asynction: wrote {}", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!(console, "asynction: cannot write {}: {e}", out.display());
            ExitCode::from(1)
        }
    }
}

/// Writes `bytes` to a new temporary file next to `path`, then renames it to `path`: readers
/// see the old file or the whole new one, and a failure leaves no partial file behind.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the output path names no file"))?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
