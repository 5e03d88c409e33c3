//! `asynction docs [FILE] --out DIR`: writes the docs page as a static site: `index.html`,
//! `asyncapi.json` (the resolved document) and `asyncapi.yaml` (the document as written).
//! Events without `examples` get a generated one (`--seed` makes them reproducible).

use std::path::PathBuf;
use std::process::ExitCode;

use asynction::Document;
use asynction::docs::DocsOptions;
use clap::Args;

use crate::console::{Console, errln, outln};
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
    /// Add the live console to the page, connecting to the Socket.IO server at URL
    /// (`http://host:port`; the page's own origin when it is served by that server). Without
    /// it, the page has no console.
    #[arg(long, value_name = "URL", value_parser = parse_console_url)]
    console_url: Option<String>,
}

/// An absolute `http`/`https` URL: what a browser can open a WebSocket to.
fn parse_console_url(text: &str) -> Result<String, String> {
    let (scheme, rest) = text
        .split_once("://")
        .ok_or_else(|| format!("'{text}' is not an absolute URL (e.g. http://127.0.0.1:5000)"))?;
    if !matches!(scheme, "http" | "https") || rest.is_empty() {
        return Err(format!(
            "'{text}': the console URL must be http:// or https://"
        ));
    }
    Ok(text.trim_end_matches('/').to_owned())
}

/// Runs the subcommand; exit code 0 when the site was written, 1 otherwise.
pub fn run(global: &GlobalOptions, args: &DocsArgs, console: &mut Console) -> ExitCode {
    let file = args.file.as_ref().unwrap_or(&global.spec);
    let doc = match Document::from_path_with(file, &global.load_options()) {
        Ok(doc) => doc,
        Err(e) => {
            for d in e.diagnostics() {
                errln!(console, "{d}");
            }
            return ExitCode::from(1);
        }
    };
    let mut options = DocsOptions::default();
    if let Some(name) = &args.server.server {
        match doc.api.server_named(name) {
            Ok(server) => {
                options = options
                    .server(name.clone())
                    .socketio_path(server.socketio_path.clone());
            }
            Err(unknown) => {
                errln!(console, "{}: {unknown}", file.display());
                return ExitCode::from(1);
            }
        }
    }
    options.example_generator = Some(asynction::mock::docs_example_generator(&doc, args.seed));
    if let Some(url) = &args.console_url {
        options = options.console_url(url.clone());
    }
    match asynction::docs::write_static_site(&doc, &options, &args.out) {
        Ok(()) => {
            outln!(
                console,
                "{}: docs written to {} (index.html, asyncapi.json, asyncapi.yaml)",
                file.display(),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!(
                console,
                "asynction: cannot write the docs to {}: {e}",
                args.out.display()
            );
            ExitCode::from(1)
        }
    }
}
