//! What a log and session store shared by the nodes of a cluster offers (implemented over Redis
//! by `cluster/recovery_log.rs`); how recovery uses it is `shared.rs`.

use futures_util::future::BoxFuture;

use super::entry::Entry;
use super::offset::Offset;
use super::session::{Miss, SavedSession};

/// What a shared log knows of its own extent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct LogExtent {
    /// The newest offset ever appended.
    pub last: Offset,
    /// The newest offset dropped by trimming.
    pub trimmed: Offset,
}

/// One entry read from a shared log: its offset, its namespace, the entry.
pub(crate) type LoggedEntry = (Offset, String, Entry);

/// Why a shared log could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the shared recovery log could not be read: {0}")]
pub(crate) struct LogError(pub String);

/// A log and session store shared by the nodes of a cluster.
pub(crate) trait SharedLog: Send + Sync + std::fmt::Debug {
    /// Appends `entry` of namespace `ns`; appends of one node keep their order. Returns at
    /// once (the write is queued).
    fn append(&self, ns: &str, entry: &Entry);
    /// Every entry after `from` (any namespace), oldest first, and the log's extent as read.
    fn read_after(
        &self,
        from: Offset,
    ) -> BoxFuture<'_, Result<(Vec<LoggedEntry>, LogExtent), LogError>>;
    /// Keeps `session` under `pid` until `expires_at_ms`.
    fn save_session(
        &self,
        pid: String,
        session: SavedSession,
        expires_at_ms: u64,
    ) -> BoxFuture<'_, ()>;
    /// Resolves once every entry appended before the call is written.
    fn flush(&self) -> BoxFuture<'_, ()>;
    /// Takes the session of `pid` for namespace `ns` (see `MemorySessions::take`).
    fn take_session(&self, pid: String, ns: String) -> BoxFuture<'_, Result<SavedSession, Miss>>;
}
