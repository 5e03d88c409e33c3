//! Sessions: what a disconnected client gets back (its rooms, its data, the socket ids its
//! events were addressed to), kept under an unguessable private id (`pid`) for the recovery
//! window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;
use socketioxide::socket::Sid;

use super::offset::Offset;

/// How many socket ids of one session are remembered (events addressed to a socket of the
/// session that is already replaced are rare: a handler emitting to a stale socket).
const REMEMBERED_SIDS: usize = 4;

/// A new private session id: 128 random bits from the operating system, base64url. Only the
/// client it was given to knows it; it is never logged.
pub(crate) fn new_pid() -> String {
    let mut bytes = [0u8; 16];
    // The OS random source failing is not recoverable anywhere in a server.
    getrandom::fill(&mut bytes).expect("the operating system's random source is available");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Why a client asking to recover got a new session instead: the label of the
/// `recovery_misses` metric and of the log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Miss {
    /// No session has this `pid` (never issued, forged, already recovered, or lost with a
    /// node's memory).
    Unknown,
    /// The session's recovery window (`maxDisconnectionDuration`) has passed.
    Expired,
    /// The `pid` belongs to a session of another namespace.
    OtherNamespace,
    /// The `offset` is not one this server writes, or `pid` is neither a string nor `null`.
    Malformed,
    /// The `offset` is ahead of the namespace's log.
    FutureOffset,
    /// Events after the `offset` were already dropped from the log (bounded by age and
    /// length): the replay would be larger than the log.
    LogTrimmed,
}

impl Miss {
    /// Every reason, in the order metrics list them.
    pub const ALL: [Miss; 6] = [
        Miss::Unknown,
        Miss::Expired,
        Miss::OtherNamespace,
        Miss::Malformed,
        Miss::FutureOffset,
        Miss::LogTrimmed,
    ];

    /// The reason as metrics and logs spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Miss::Unknown => "unknown_session",
            Miss::Expired => "expired",
            Miss::OtherNamespace => "other_namespace",
            Miss::Malformed => "malformed",
            Miss::FutureOffset => "future_offset",
            Miss::LogTrimmed => "log_trimmed",
        }
    }
}

impl std::fmt::Display for Miss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A disconnected client's session, kept for the recovery window.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SavedSession {
    /// The concrete namespace path it belongs to.
    pub ns: String,
    /// Its rooms, as the application named them.
    pub rooms: Vec<String>,
    /// Its socket ids, newest last (events addressed to one of them are its own).
    pub sids: Vec<Sid>,
    /// Its session data (`ValidatedSocket::data`).
    pub data: Value,
    /// Nothing before it is owed to its client (`MemberState::since` when it left).
    pub since: Offset,
}

impl SavedSession {
    /// `sid` added to the remembered socket ids.
    pub(crate) fn remember(sids: &[Sid], sid: Sid) -> Vec<Sid> {
        let mut out: Vec<Sid> = sids.iter().copied().filter(|s| *s != sid).collect();
        out.push(sid);
        let excess = out.len().saturating_sub(REMEMBERED_SIDS);
        out.drain(..excess);
        out
    }
}

/// Sessions of disconnected clients, in this process's memory.
#[derive(Debug, Default)]
pub(crate) struct MemorySessions {
    sessions: Mutex<HashMap<String, (SavedSession, Instant)>>,
}

impl MemorySessions {
    /// Keeps `session` under `pid` for `window`; sessions expired for longer than a window are
    /// forgotten meanwhile (kept that long only to tell "expired" from "unknown").
    pub(crate) fn save(&self, pid: String, session: SavedSession, window: Duration) {
        let now = Instant::now();
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        sessions.retain(|_, (_, expires)| now < *expires + window);
        sessions.insert(pid, (session, now + window));
    }

    /// Takes the session of `pid` for namespace `ns`: it is gone afterwards (a `pid` recovers
    /// once), unless it belongs to another namespace (then it stays for its own).
    pub(crate) fn take(&self, pid: &str, ns: &str) -> Result<SavedSession, Miss> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        let Some((session, expires)) = sessions.get(pid) else {
            return Err(Miss::Unknown);
        };
        if Instant::now() >= *expires {
            sessions.remove(pid);
            return Err(Miss::Expired);
        }
        if session.ns != ns {
            return Err(Miss::OtherNamespace);
        }
        Ok(sessions
            .remove(pid)
            .map(|(s, _)| s)
            .expect("looked up above"))
    }

    /// Sessions kept (for tests and the metrics).
    pub(crate) fn len(&self) -> usize {
        self.sessions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(ns: &str) -> SavedSession {
        SavedSession {
            ns: ns.into(),
            rooms: vec!["lobby".into()],
            sids: vec![Sid::new()],
            data: Value::Null,
            since: Offset::ZERO,
        }
    }

    #[test]
    fn pids_are_long_random_and_distinct() {
        let (a, b) = (new_pid(), new_pid());
        assert_eq!(a.len(), 22);
        assert_ne!(a, b);
    }

    #[test]
    fn a_session_is_taken_once_by_its_own_namespace_within_its_window() {
        let store = MemorySessions::default();
        store.save("p".into(), session("/chat"), Duration::from_secs(60));
        assert_eq!(store.take("p", "/news"), Err(Miss::OtherNamespace));
        assert_eq!(store.take("forged", "/chat"), Err(Miss::Unknown));
        let taken = store
            .take("p", "/chat")
            .expect("its own namespace takes it");
        assert_eq!(
            (taken.ns.as_str(), taken.rooms.as_slice()),
            ("/chat", &["lobby".to_owned()][..])
        );
        assert_eq!(store.take("p", "/chat"), Err(Miss::Unknown));

        store.save("q".into(), session("/chat"), Duration::from_millis(1));
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(store.take("q", "/chat"), Err(Miss::Expired));
    }

    #[test]
    fn a_session_remembers_its_last_few_socket_ids() {
        let mut sids = Vec::new();
        let all: Vec<Sid> = (0..6).map(|_| Sid::new()).collect();
        for sid in &all {
            sids = SavedSession::remember(&sids, *sid);
        }
        assert_eq!(sids, all[2..]);
    }
}

/// A session as a shared store keeps it, with when its window ends.
#[cfg(feature = "redis")]
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredSession {
    ns: String,
    rooms: Vec<String>,
    sids: Vec<String>,
    data: Value,
    since: String,
    expires_at_ms: u64,
}

#[cfg(feature = "redis")]
impl SavedSession {
    /// The session as a shared store keeps it, its window ending at `expires_at_ms`.
    pub(crate) fn encode(&self, expires_at_ms: u64) -> String {
        let stored = StoredSession {
            ns: self.ns.clone(),
            rooms: self.rooms.clone(),
            sids: self.sids.iter().map(|s| s.to_string()).collect(),
            data: self.data.clone(),
            since: self.since.to_string(),
            expires_at_ms,
        };
        serde_json::to_string(&stored).expect("a session is JSON")
    }

    /// A session read back from a shared store and when its window ends; `None` when it is not
    /// one this version wrote.
    pub(crate) fn decode(text: &str) -> Option<(SavedSession, u64)> {
        let stored: StoredSession = serde_json::from_str(text).ok()?;
        let sids = stored
            .sids
            .iter()
            .map(|s| s.parse().ok())
            .collect::<Option<Vec<Sid>>>()?;
        let session = SavedSession {
            ns: stored.ns,
            rooms: stored.rooms,
            sids,
            data: stored.data,
            since: Offset::parse(&stored.since)?,
        };
        Some((session, stored.expires_at_ms))
    }
}

#[cfg(all(test, feature = "redis"))]
mod stored_tests {
    use super::*;

    #[test]
    fn a_session_reads_back_what_it_wrote() {
        let session = SavedSession {
            ns: "/chat".into(),
            rooms: vec!["lobby".into()],
            sids: vec![Sid::new(), Sid::new()],
            data: serde_json::json!({"user": "ada"}),
            since: Offset { ms: 12, seq: 3 },
        };
        assert_eq!(
            SavedSession::decode(&session.encode(99)),
            Some((session, 99))
        );
        assert_eq!(SavedSession::decode("{}"), None);
    }
}
