//! Watching a document's files (`mock run --watch`, `docs --watch`): [`FileWatcher`] reports
//! when any file of a set changed, once per burst of saves.
//!
//! Decisions:
//! - **notify, debounced** ([`DEBOUNCE`]): an editor's save is often several events (write,
//!   chmod, a temporary file renamed over the original), and a tool saving many files writes
//!   them within milliseconds: a change is reported once no file of the set has changed for
//!   [`DEBOUNCE`]. The debouncing is ours (a timeout on the event channel), not
//!   `notify-debouncer-mini`'s: that one drops the event kinds, and reads must be ignored
//!   (loading the document reads its files: inotify reports opens and closes, and each reload
//!   would trigger the next).
//! - **Directories are watched, not files**: editors save by renaming a new file over the old
//!   one, and a watch on the old file's inode would see nothing after the first save. Each
//!   file's parent directory is watched (non-recursively) and events are kept only for the
//!   files of the set, so a missing file that appears is seen too.
//! - **The set changes with the document**: the caller passes the files the document's
//!   `$ref`s reach ([`asynction_spec::referenced_files`]) after every reload.
//! - Inotify (Linux) works on bind mounts, so the container image watches a mounted document;
//!   Docker Desktop on macOS or Windows may not forward file events from the host into its VM,
//!   and network file systems may send none: [`WatchMode::Poll`] (`--watch-poll`) then looks
//!   at the files' modification times every [`POLL_INTERVAL`] instead (notify's `PollWatcher`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use notify::{Config, Event, EventKind, PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc;

/// How long the files must stay unchanged before a change is reported.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(200);

/// How often [`WatchMode::Poll`] looks at the files.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// How changes are noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WatchMode {
    /// The system's file events (inotify, FSEvents, ReadDirectoryChangesW).
    Events,
    /// Modification times read every [`POLL_INTERVAL`]: where no file event arrives.
    Poll,
}

/// Reports changes of a set of files; stops watching when dropped.
pub(crate) struct FileWatcher {
    watcher: Box<dyn Watcher + Send>,
    /// The watched files (by canonical directory + file name), read by notify's thread.
    files: Arc<Mutex<BTreeSet<PathBuf>>>,
    /// What is watched now: the files' directories (events) or the files (polling).
    targets: BTreeSet<PathBuf>,
    mode: WatchMode,
    changes: mpsc::UnboundedReceiver<Vec<PathBuf>>,
}

/// `path` as file events name it: its directory canonical (symbolic links, `..` resolved),
/// its file name kept (the file itself may not exist).
fn watched_form(path: &Path) -> PathBuf {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let dir = dir.canonicalize().unwrap_or(dir);
    match path.file_name() {
        Some(name) => dir.join(name),
        None => dir,
    }
}

impl FileWatcher {
    /// Watches `files`, noticing changes as `mode` says.
    pub(crate) fn new(files: &[PathBuf], mode: WatchMode) -> notify::Result<Self> {
        let (tx, changes) = mpsc::unbounded_channel();
        let watched: Arc<Mutex<BTreeSet<PathBuf>>> = Arc::default();
        let filter = watched.clone();
        let handler = move |result: notify::Result<Event>| match result {
            // Reads (opening, reading, closing unchanged) are not changes: the reload reads
            // every file itself, and would otherwise trigger the next one.
            Ok(event) if matches!(event.kind, EventKind::Access(_)) => {}
            Ok(event) => {
                let files = filter.lock().unwrap_or_else(PoisonError::into_inner);
                let changed: Vec<PathBuf> = event
                    .paths
                    .into_iter()
                    .filter(|p| files.contains(p))
                    .collect();
                if !changed.is_empty() {
                    let _ = tx.send(changed);
                }
            }
            Err(e) => tracing::warn!(error = %e, "watching the document's files failed"),
        };
        let watcher: Box<dyn Watcher + Send> = match mode {
            WatchMode::Events => Box::new(RecommendedWatcher::new(handler, Config::default())?),
            WatchMode::Poll => Box::new(PollWatcher::new(
                handler,
                Config::default()
                    .with_poll_interval(POLL_INTERVAL)
                    .with_compare_contents(true),
            )?),
        };
        let mut watcher = FileWatcher {
            watcher,
            files: watched,
            targets: BTreeSet::new(),
            mode,
            changes,
        };
        watcher.watch(files)?;
        Ok(watcher)
    }

    /// Watches `files` from now on (instead of the previous set).
    pub(crate) fn watch(&mut self, files: &[PathBuf]) -> notify::Result<()> {
        let files: BTreeSet<PathBuf> = files.iter().map(|f| watched_form(f)).collect();
        let targets: BTreeSet<PathBuf> = match self.mode {
            // A directory that does not exist (a `$ref` into it is an error) cannot be watched.
            WatchMode::Events => files
                .iter()
                .filter_map(|f| f.parent().map(Path::to_path_buf))
                .filter(|d| d.is_dir())
                .collect(),
            // Polling reads paths, not inodes: the files themselves (their contents compared,
            // as modification times are read in whole seconds), not every file of their
            // directories. A file missing now is not polled.
            WatchMode::Poll => files.iter().filter(|f| f.is_file()).cloned().collect(),
        };
        for gone in self.targets.difference(&targets) {
            // A directory that was removed is no longer watched anyway.
            let _ = self.watcher.unwatch(gone);
        }
        for new in targets.difference(&self.targets) {
            self.watcher.watch(new, RecursiveMode::NonRecursive)?;
        }
        self.targets = targets;
        *self.files.lock().unwrap_or_else(PoisonError::into_inner) = files;
        Ok(())
    }

    /// The files of the set that changed, once no change has come for [`DEBOUNCE`] (a burst of
    /// saves is one change).
    pub(crate) async fn changed(&mut self) -> Vec<PathBuf> {
        let Some(mut changed) = self.changes.recv().await else {
            // The watcher (owned by `self`) holds the sender: never reached while it lives.
            return std::future::pending().await;
        };
        while let Ok(Some(more)) = tokio::time::timeout(DEBOUNCE, self.changes.recv()).await {
            changed.extend(more);
        }
        changed.sort();
        changed.dedup();
        changed
    }
}
