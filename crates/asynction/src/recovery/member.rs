//! What recovery keeps on one opted-in socket (in its extensions): its session id, whether it
//! is live yet, the rooms it asked for before, its session data, and how it connected.

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use socketioxide::socket::Sid;

use super::log::NamespaceLog;
use super::offset::Offset;
use super::session::{Miss, SavedSession};

/// An opted-in socket's recovery state. Shared (`Arc`) between the socket's extensions and the
/// code that delivers to it.
#[derive(Debug)]
pub(crate) struct Member {
    /// The private session id the client sends back to recover.
    pub pid: String,
    /// Its namespace's log (and delivery lock).
    pub log: Arc<NamespaceLog>,
    state: Mutex<MemberState>,
}

/// The mutable part, changed under the namespace's delivery lock where it says so.
#[derive(Debug, Default)]
pub(crate) struct MemberState {
    /// Replayed and in its rooms: deliveries reach it live. Set under the delivery lock.
    pub live: bool,
    /// Rooms joined before it was live (restored ones and the connect handler's), joined as
    /// shadows when it goes live.
    pub pending_rooms: Vec<String>,
    /// The session it resumes and the offset its client sent, until it goes live.
    pub resume: Option<(SavedSession, Option<Offset>)>,
    /// Why its recovery failed, decided at CONNECT or when it goes live.
    pub miss: Option<Miss>,
    /// Whether it was recovered (its session restored, its missed events replayed).
    pub recovered: bool,
    /// Its client is owed every event after this offset that it does not confirm (by the
    /// offset it sends back): the log's head when it went live, or, when that replayed
    /// something, the offset before the first replayed event (a lost connection may have
    /// taken the replay with it).
    pub since: Offset,
    /// Its session's earlier socket ids.
    pub sids: Vec<Sid>,
    /// Its session data.
    pub data: Value,
    /// It left (or a drain kept its session): its session is kept once.
    pub gone: bool,
}

impl Member {
    /// A member with the session `pid`.
    pub(crate) fn new(pid: String, log: Arc<NamespaceLog>, state: MemberState) -> Arc<Self> {
        Arc::new(Self {
            pid,
            log,
            state: Mutex::new(state),
        })
    }

    /// Its state (a poisoned lock is taken over: every change is a plain assignment).
    pub(crate) fn state(&self) -> MutexGuard<'_, MemberState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The extension an opted-in socket carries (socketioxide extensions must be `Clone`).
#[derive(Debug, Clone)]
pub(crate) struct Membership(pub Arc<Member>);
