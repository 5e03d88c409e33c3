//! `asynction docs [FILE] --out DIR`: writes the docs page as a static site: `index.html`,
//! `asyncapi.json` (the resolved document) and `asyncapi.yaml` (the document as written).
//! Events without `examples` get a generated one (`--seed` makes them reproducible).

use std::path::PathBuf;
use std::process::ExitCode;

use asynction::Document;
use asynction::docs::DocsOptions;
use clap::Args;

use crate::{GlobalOptions, ServerOption};

/// Arguments of `asynction docs`.
#[derive(Debug, Args)]
pub struct DocsArgs {
    /// The document (default: the --spec document).
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// The directory to write into (created when missing).
    #[arg(long, short = 'o', value_name = "DIR")]
    out: PathBuf,
    /// Seed of the generated examples.
    #[arg(long, value_name = "N", default_value_t = 0)]
    seed: u64,
    #[command(flatten)]
    server: ServerOption,
}

/// Runs the subcommand; exit code 0 when the site was written, 1 otherwise.
pub fn run(global: &GlobalOptions, args: &DocsArgs) -> ExitCode {
    let file = args.file.as_ref().unwrap_or(&global.spec);
    let doc = match Document::from_path(file) {
        Ok(doc) => doc,
        Err(e) => {
            for d in e.diagnostics() {
                eprintln!("{d}");
            }
            return ExitCode::from(1);
        }
    };
    let mut options = DocsOptions::default();
    if let Some(name) = &args.server.server {
        match doc.api.server(name) {
            Some(server) => {
                options = options
                    .server(name.clone())
                    .socketio_path(server.socketio_path.clone());
            }
            None => {
                let known: Vec<&str> = doc.api.servers.iter().map(|s| s.name.as_str()).collect();
                eprintln!(
                    "{}: server '{name}' is not defined in the document (servers: {})",
                    file.display(),
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                );
                return ExitCode::from(1);
            }
        }
    }
    options.example_generator = Some(asynction::mock::docs_example_generator(&doc, args.seed));
    match asynction::docs::write_static_site(&doc, &options, &args.out) {
        Ok(()) => {
            println!(
                "{}: docs written to {} (index.html, asyncapi.json, asyncapi.yaml)",
                file.display(),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!(
                "asynction: cannot write the docs to {}: {e}",
                args.out.display()
            );
            ExitCode::from(1)
        }
    }
}
