//! `mock run --watch` and `--debug`: the options a person editing a document beside a running
//! mock uses, and the reload loop of `--watch`.
//!
//! On every change of the document or of a file its `$ref`s reach ([`crate::watch`]), the
//! document is loaded and checked as at startup (`asynction::lint::load_checked`: loading,
//! schemas, examples) and a new mock is built from it:
//! - valid: it replaces the served one without dropping the port
//!   ([`asynction::mock::ReloadingMock`]: new clients get it; WebSocket clients keep their
//!   connection and the document version they connected with; polling clients reconnect) and
//!   `reloaded` is printed with what changed (namespaces and events added or removed); the
//!   docs page reloads itself;
//! - invalid: the last valid one keeps serving and every diagnostic is printed
//!   (`file:line:col`, as `validate` prints them), again on every later failing save, until a
//!   save fixes it.

use std::collections::BTreeSet;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use asynction::LoadOptions;
use asynction::mock::{MockOptions, MockServer, ReloadingMock};
use asynction::model::Api;
use clap::Args;

use crate::console::{Console, errln, outln};
use crate::watch::{FileWatcher, WatchMode};

/// The options of `mock run` for editing a document while the mock runs.
#[derive(Debug, Args)]
pub(crate) struct DevOptions {
    /// Reload the document when it, or a file its `$ref`s reach, is saved: the port stays,
    /// new clients get the new document, WebSocket clients keep their connection (and the
    /// version they connected with) until they reconnect, polling clients reconnect; the docs
    /// page reloads itself. An invalid save keeps the last valid document serving and prints
    /// every error.
    #[arg(long)]
    pub(crate) watch: bool,
    /// --watch, noticing saves by reading the files' modification times every 0.5 s instead
    /// of waiting for file events: for Docker Desktop on macOS or Windows (whose VM may not
    /// forward file events from the host) and network file systems.
    #[arg(long)]
    pub(crate) watch_poll: bool,
    /// Log every frame in and out at debug level (namespace, event, arguments with credentials
    /// redacted, verdict, refusal code), readably; RUST_LOG, when set, still decides the levels.
    #[arg(long, visible_alias = "debugger")]
    pub(crate) debug: bool,
}

impl DevOptions {
    /// Whether the document is watched (`--watch` or `--watch-poll`).
    pub(crate) fn watching(&self) -> bool {
        self.watch || self.watch_poll
    }

    /// How it is watched.
    pub(crate) fn mode(&self) -> WatchMode {
        if self.watch_poll {
            WatchMode::Poll
        } else {
            WatchMode::Events
        }
    }
}

/// What a reload needs to rebuild the mock.
pub(crate) struct Reload {
    /// The document's main file.
    pub spec: PathBuf,
    /// How it is loaded.
    pub load: LoadOptions,
    /// Whether schemas and examples are checked (off with `--without-validation`).
    pub schemas: bool,
    /// How the mock is built.
    pub options: MockOptions,
    /// How the files are watched.
    pub mode: WatchMode,
}

/// The banner's lines about these options (`--watch` prints its own once it watches).
pub(crate) fn banner(dev: &DevOptions, console: &mut Console) {
    if dev.debug {
        outln!(
            console,
            "  debug log on: every frame in and out, on stderr (credentials redacted)"
        );
    }
}

/// Serves `first`, reloading on every change, until `shutdown` resolves.
pub(crate) async fn serve(
    reload: Reload,
    first: MockServer,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    console: &mut Console,
) -> ExitCode {
    let mut files = asynction_spec::referenced_files(&reload.spec);
    let mut watcher = match FileWatcher::new(&files, reload.mode) {
        Ok(w) => w,
        Err(e) => {
            errln!(
                console,
                "asynction: cannot watch {}: {e}",
                reload.spec.display()
            );
            return ExitCode::from(1);
        }
    };
    // Printed once watching, so that a save after this line is seen.
    let more = match files.len() {
        1 => String::new(),
        n => format!(" and the {} files its $refs reach", n - 1),
    };
    outln!(
        console,
        "  watching {}{more}: reloads on save",
        reload.spec.display()
    );
    let mut served = first.document().api.clone();
    let mock = ReloadingMock::new(first);
    let server = mock.clone().serve(listener, shutdown);
    tokio::pin!(server);
    loop {
        tokio::select! {
            result = &mut server => {
                return match result {
                    Ok(()) => {
                        tracing::info!("mock server stopped");
                        ExitCode::SUCCESS
                    }
                    Err(e) => {
                        errln!(console, "asynction: the server failed: {e}");
                        ExitCode::from(1)
                    }
                };
            }
            changed = watcher.changed() => {
                let names: Vec<String> = changed.iter().map(|p| p.display().to_string()).collect();
                tracing::debug!(files = ?names, "document changed");
                let next = rebuild(&reload).await;
                // The files the document reaches now (watched before anything is printed, so
                // that a save answering the message is seen); an unreadable document keeps the
                // old set.
                let now = asynction_spec::referenced_files(&reload.spec);
                files = if next.is_ok() || now.len() > 1 {
                    now
                } else {
                    files.into_iter().chain(now).collect::<BTreeSet<_>>().into_iter().collect()
                };
                if let Err(e) = watcher.watch(&files) {
                    errln!(console, "asynction: cannot watch the document's files: {e}");
                }
                match next {
                    Ok(next) => {
                        let changes = changes(&served, &next.document().api);
                        served = next.document().api.clone();
                        mock.replace(next);
                        outln!(console, "reloaded {}: {changes}", reload.spec.display());
                    }
                    Err(lines) => {
                        for line in lines {
                            errln!(console, "{line}");
                        }
                    }
                }
            }
        }
    }
}

/// The mock of the document as it is now, or the lines that say why there is none. Run off
/// the runtime's thread: loading and building take a while on large documents, and the
/// current mock keeps serving meanwhile.
fn build(
    spec: &Path,
    load: &LoadOptions,
    schemas: bool,
    options: MockOptions,
) -> Result<MockServer, Vec<String>> {
    let kept = "the last valid version keeps serving";
    let doc = match asynction::lint::load_checked(spec, load, schemas) {
        Ok(doc) => doc,
        Err(e) => {
            let mut lines: Vec<String> = e.diagnostics().iter().map(ToString::to_string).collect();
            lines.push(format!("asynction: {} has errors: {kept}", spec.display()));
            return Err(lines);
        }
    };
    MockServer::new(doc, options).map_err(|e| {
        let mut lines: Vec<String> = e.diagnostics().iter().map(ToString::to_string).collect();
        if lines.is_empty() {
            lines.push(format!("asynction: {e}"));
        }
        lines.push(format!(
            "asynction: no mock can be made of {}: {kept}",
            spec.display()
        ));
        lines
    })
}

/// [`build`] on a blocking thread.
async fn rebuild(reload: &Reload) -> Result<MockServer, Vec<String>> {
    let (spec, load, schemas, options) = (
        reload.spec.clone(),
        reload.load.clone(),
        reload.schemas,
        reload.options.clone(),
    );
    tokio::task::spawn_blocking(move || build(&spec, &load, schemas, options))
        .await
        .unwrap_or_else(|e| Err(vec![format!("asynction: the reload failed: {e}")]))
}

/// What changed between two documents: namespaces and events added or removed.
fn changes(before: &Api, after: &Api) -> String {
    let events = |api: &Api| -> BTreeSet<(String, &'static str, String)> {
        api.namespaces
            .iter()
            .flat_map(|ns| {
                let receives = ns
                    .ingress
                    .iter()
                    .map(|e| (ns.path.clone(), "receives", e.name.clone()));
                let sends = ns
                    .egress
                    .iter()
                    .map(|e| (ns.path.clone(), "sends", e.name.clone()));
                receives.chain(sends)
            })
            .collect()
    };
    let namespaces = |api: &Api| -> BTreeSet<String> {
        api.namespaces.iter().map(|ns| ns.path.clone()).collect()
    };
    let (ns_before, ns_after) = (namespaces(before), namespaces(after));
    let (ev_before, ev_after) = (events(before), events(after));
    let mut out = Vec::new();
    for ns in ns_after.difference(&ns_before) {
        out.push(format!("+ namespace {ns}"));
    }
    for ns in ns_before.difference(&ns_after) {
        out.push(format!("- namespace {ns}"));
    }
    for (ns, side, name) in ev_after.difference(&ev_before) {
        out.push(format!("+ event '{name}' ({side}) in {ns}"));
    }
    for (ns, side, name) in ev_before.difference(&ev_after) {
        out.push(format!("- event '{name}' ({side}) in {ns}"));
    }
    if out.is_empty() {
        "no namespace or event added or removed".to_owned()
    } else {
        out.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::changes;

    fn api(text: &str) -> std::sync::Arc<asynction::model::Api> {
        asynction::Document::from_text(text).unwrap().api
    }

    #[test]
    fn changes_name_namespaces_and_events_added_and_removed() {
        let before = api(
            "asyncapi: 2.6.0\ninfo: { title: T, version: '1' }\nchannels:\n  /:\n    publish: { message: { name: hello } }\n  /old:\n    subscribe: { message: { name: tick } }\n",
        );
        let after = api(
            "asyncapi: 2.6.0\ninfo: { title: T, version: '1' }\nchannels:\n  /:\n    publish: { message: { oneOf: [{ name: hello }, { name: typing }] } }\n",
        );
        assert_eq!(
            changes(&before, &after),
            "- namespace /old, + event 'typing' (receives) in /, - event 'tick' (sends) in /old"
        );
        assert_eq!(
            changes(&after, &after),
            "no namespace or event added or removed"
        );
    }
}
