//! `asynction docs [FILE] --out DIR`: writes the docs page as a static site: `index.html`,
//! `asyncapi.json` (the resolved document) and `asyncapi.yaml` (the document as written), with
//! `--console-url` also `console.json` and `console/*.js`; every file written is listed.
//! Events without `examples` get a generated one (`--seed` makes them reproducible). With
//! `--watch`, the site is written again whenever the document or a file its `$ref`s reach is
//! saved (see `watch.rs`), until Ctrl-C.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use asynction::Document;
use asynction::docs::DocsOptions;
use clap::Args;

use crate::console::{Console, errln, outln};
use crate::watch::{FileWatcher, WatchMode};
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
    pub(crate) server: ServerOption,
    /// Add the live console to the page, connecting to the Socket.IO server at URL
    /// (`http://host:port`; the page's own origin when it is served by that server). Without
    /// it, the page has no console.
    #[arg(long, value_name = "URL", value_parser = parse_console_url)]
    console_url: Option<String>,
    /// Keep running and write the site again whenever the document, or a file its $refs
    /// reach, is saved (a save with errors prints them and leaves the last site in place).
    #[arg(long)]
    watch: bool,
    /// --watch, noticing saves by reading the files' modification times every 0.5 s instead of
    /// waiting for file events (Docker Desktop on macOS or Windows, network file systems).
    #[arg(long)]
    watch_poll: bool,
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

/// Runs the subcommand; exit code 0 when the site was written (with `--watch`: when stopped),
/// 1 otherwise.
pub fn run(global: &GlobalOptions, args: &DocsArgs, console: &mut Console) -> ExitCode {
    let file = args.file.as_ref().unwrap_or(&global.spec);
    if args.watch || args.watch_poll {
        return watch(global, args, file, console);
    }
    write(global, args, file, console)
}

/// Writes the site again on every save of `file` or of the files its `$ref`s reach.
fn watch(global: &GlobalOptions, args: &DocsArgs, file: &Path, console: &mut Console) -> ExitCode {
    let runtime = match crate::runtime() {
        Ok(rt) => rt,
        Err(e) => {
            errln!(console, "asynction: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(async {
        let mut files = asynction_spec::referenced_files(file);
        let mode = if args.watch_poll {
            WatchMode::Poll
        } else {
            WatchMode::Events
        };
        let mut watcher = match FileWatcher::new(&files, mode) {
            Ok(w) => w,
            Err(e) => {
                errln!(console, "asynction: cannot watch {}: {e}", file.display());
                return ExitCode::from(1);
            }
        };
        let _ = write(global, args, file, console);
        outln!(
            console,
            "watching {}: rewrites the site on save (Ctrl-C stops)",
            file.display()
        );
        let stop = asynction::lifecycle::shutdown_signal();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => return ExitCode::SUCCESS,
                _ = watcher.changed() => {
                    // The files the document reaches now, watched before anything is printed
                    // (a save answering the output is seen); when it reaches no other file
                    // (it may not parse), the ones it reached before stay watched too.
                    let now = asynction_spec::referenced_files(file);
                    if now.len() > 1 {
                        files = now;
                    } else {
                        for f in now {
                            if !files.contains(&f) {
                                files.push(f);
                            }
                        }
                    }
                    if let Err(e) = watcher.watch(&files) {
                        errln!(console, "asynction: cannot watch the document's files: {e}");
                    }
                    let _ = write(global, args, file, console);
                }
            }
        }
    })
}

/// Writes the site once.
fn write(global: &GlobalOptions, args: &DocsArgs, file: &Path, console: &mut Console) -> ExitCode {
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
    if let Some(name) = global.server_or(args.server.server.as_deref()) {
        match doc.api.server_named(name) {
            Ok(server) => {
                options = options
                    .server(name.to_owned())
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
        Ok(written) => {
            outln!(
                console,
                "{}: docs written to {}: {}",
                file.display(),
                args.out.display(),
                written.join(", ")
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
