//! Connection state recovery: a client that loses its connection and comes back within the
//! recovery window gets back its rooms, its session data and every event the server sent to it
//! or to its rooms meanwhile — in order, exactly once, each validated again — as Node's
//! Socket.IO "connection state recovery" does, and learns that it was recovered (so do the
//! server's handlers: the [`Recovered`](crate::Recovered) extractor).
//!
//! Turn it on in the document (`x-socketio-recovery` at the root or on the server the server
//! runs as) or with [`AsynctionSocketIo::recovery`](crate::AsynctionSocketIo::recovery), which
//! wins over the document:
//!
//! ```yaml
//! x-socketio-recovery:
//!   maxDisconnectionDuration: 120000   # milliseconds
//! ```
//!
//! # The wire convention
//!
//! As close to Node's as socketioxide allows (its CONNECT packet carries only `sid`, so the
//! session id travels in an event instead):
//!
//! 1. A client **opts in** by sending a `pid` key in its CONNECT `auth`: `null` the first time.
//!    Clients that do not opt in see nothing of recovery (no extra event, no extra argument).
//!    ```text
//!    40/chat,{"token":"…","pid":null}
//!    ```
//! 2. Right after CONNECT, the server sends it its session: the event
//!    [`SESSION_EVENT`] (`asynction:recovery`) with `pid` (128 random bits, only this client
//!    knows it) and whether this connection recovered an earlier one.
//!    ```text
//!    40/chat,{"sid":"…"}
//!    42/chat,["asynction:recovery",{"pid":"q0Z…","recovered":false}]
//!    ```
//! 3. Every event the server sends it without asking for an ack carries its **offset** as one
//!    more, last argument — as Node's recovery does, so client code written for Node works:
//!    ```text
//!    42/chat,["message",{"text":"hi"},"1765051200000-0"]
//!    ```
//! 4. After losing the connection it reconnects with `pid` and the last offset it received
//!    (socket.io-client ≥ 4.6 does the same with Node servers):
//!    ```text
//!    40/chat,{"token":"…","pid":"q0Z…","offset":"1765051200000-0"}
//!    42/chat,["asynction:recovery",{"pid":"q0Z…","recovered":true}]
//!    42/chat,["message",{"text":"missed"},"1765051201000-0"]     ← the replay, then live events
//!    ```
//!
//! A `pid` that is unknown, expired, of another namespace or already used, an offset that is
//! malformed, ahead of the log or older than what the log still keeps: each gets a new session
//! (`recovered: false`, a new `pid`), never an error and never another client's data. Why is
//! counted (`recovery_misses{reason}`) and logged at debug level.
//!
//! `pid` and `offset` are removed from the `auth` that security, the connect handler and the
//! [`AuthPayload`](crate::AuthPayload) extractor see. Credentials are checked again on every
//! reconnection: a recovered session is not a way around them.
//!
//! # What is kept
//!
//! - Events sent with [`ValidatedSocket`](crate::ValidatedSocket),
//!   [`ValidatedBroadcast`](crate::ValidatedBroadcast) and
//!   [`ValidatedIo`](crate::ValidatedIo) without an ack (events that ask for an ack are not
//!   replayed, as in Node: the ack would answer a call that is over).
//! - Rooms joined through [`ValidatedSocket::join`](crate::ValidatedSocket::join) (rooms joined
//!   on the raw socket are not seen by recovery), and the session data of
//!   [`ValidatedSocket::set_data`](crate::ValidatedSocket::set_data).
//! - Socket ids change on recovery (socketioxide cannot reuse one): address clients by rooms
//!   (a user's own room) rather than by socket id.
//!
//! Sessions are kept when a client loses its transport (closed, errored, ping timeout) or the
//! server shuts down (a drain), not when it disconnects on purpose.
//!
//! # How it is built
//!
//! Each namespace has a log (offsets `"<ms>-<seq>"`, bounded by the window and by
//! [`RecoveryOptions::max_log_length`]) whose lock is held while an event is logged and
//! delivered and while a recovering client is replayed and joins its rooms: each event reaches
//! a client either live or in its replay, once. Opted-in clients are kept in shadows of the
//! application's rooms, so every broadcast is sent twice — as written to the others, with the
//! offset to them — each once-encoded, through any adapter.

mod deliver;
#[cfg(feature = "redis")]
mod deliver_logged;
mod engine;
mod entry;
mod log;
mod member;
mod offset;
mod rooms;
mod session;
mod shared;
mod shared_log;

use std::time::Duration;

pub(crate) use deliver::{
    broadcast_to_members, go_live, keep_all, keep_session, refused, send_to_member,
    shadow_operators,
};
pub(crate) use engine::{RecoveryEngine, without_recovery_keys};
pub(crate) use entry::Target;
pub(crate) use member::{Member, Membership};
pub(crate) use rooms::{OPTED_IN, is_internal, shadow, unshadow};
pub use session::Miss;
pub(crate) use shared::go_live_shared;
// What the Redis log (`cluster/recovery_log.rs`) builds on.
#[cfg(feature = "redis")]
pub(crate) use {
    deliver_logged::deliver_logged,
    entry::Entry,
    offset::{Offset, now_ms},
    session::SavedSession,
    shared_log::{LogError, LogExtent, LoggedEntry, SharedLog},
};

/// The event that tells an opted-in client its session, right after CONNECT:
/// `{"pid": "<private session id>", "recovered": true|false}`.
pub const SESSION_EVENT: &str = "asynction:recovery";

/// Default of [`RecoveryOptions::max_log_length`].
pub const DEFAULT_MAX_LOG_LENGTH: usize = 10_000;

/// What recovery did since the server started, and what it keeps now
/// ([`ValidatedIo::recovery_stats`](crate::ValidatedIo::recovery_stats)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecoveryStats {
    /// Connections that recovered their session.
    pub recoveries: u64,
    /// Events replayed to them.
    pub replayed: u64,
    /// Clients that asked to recover and got a new session, by reason.
    pub misses: [(Miss, u64); 6],
    /// Events kept in the logs of this node (0 on a cluster node: the log is in Redis,
    /// `XLEN asynction:recovery:log`).
    pub log_entries: usize,
    /// Sessions of disconnected clients kept on this node (0 on a cluster node: they are
    /// Redis keys, `asynction:recovery:session:*`).
    pub sessions: usize,
}

impl RecoveryStats {
    /// Misses of `reason`.
    pub fn misses(&self, reason: Miss) -> u64 {
        self.misses
            .iter()
            .find(|(m, _)| *m == reason)
            .map_or(0, |(_, n)| *n)
    }
}

/// How recovery keeps sessions and events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecoveryOptions {
    /// How long a disconnected client's session and the events it may miss are kept
    /// (Node's `maxDisconnectionDuration`).
    pub max_disconnection_duration: Duration,
    /// At most this many events are kept per namespace (the oldest go first); a client whose
    /// missed events were dropped gets a new session (`recovery_misses{reason="log_trimmed"}`).
    pub max_log_length: usize,
}

impl RecoveryOptions {
    /// Sessions kept for `max_disconnection_duration`, at most
    /// [`DEFAULT_MAX_LOG_LENGTH`] events per namespace.
    pub fn new(max_disconnection_duration: Duration) -> Self {
        Self {
            max_disconnection_duration,
            max_log_length: DEFAULT_MAX_LOG_LENGTH,
        }
    }

    /// At most `max_log_length` events per namespace.
    pub fn max_log_length(self, max_log_length: usize) -> Self {
        Self {
            max_log_length: max_log_length.max(1),
            ..self
        }
    }
}
