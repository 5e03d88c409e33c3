//! One server's recovery: its options, the namespaces' logs, the saved sessions, and the
//! decision a CONNECT's `auth` asks for (opt in, resume a session, or not).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Duration;

use serde_json::Value;

use super::log::{Bounds, NamespaceLog};
use super::member::{Member, MemberState};
use super::offset::Offset;
use super::session::{MemorySessions, Miss, new_pid};
use super::shared_log::SharedLog;
use super::{RecoveryOptions, RecoveryStats};

/// A server's recovery state (one per built server with recovery on).
#[derive(Debug)]
pub(crate) struct RecoveryEngine {
    /// How long a disconnected client's session is kept.
    pub window: Duration,
    /// What each namespace's log keeps.
    pub bounds: Bounds,
    logs: RwLock<HashMap<String, Arc<NamespaceLog>>>,
    /// Sessions of disconnected clients.
    pub sessions: MemorySessions,
    /// Counters of what recovery did.
    pub stats: Counters,
    /// The log and sessions every node shares (a cluster through Redis); in memory without.
    shared: OnceLock<Arc<dyn SharedLog>>,
    /// With a shared log: the delivery lock of this node, and the newest offset it delivered.
    /// Async: a recovery may read the log again while holding it.
    delivery: tokio::sync::Mutex<Offset>,
    /// Opted-in clients accepted and not yet gone (their session kept when they leave): a
    /// drain waits until none is left.
    members: AtomicUsize,
}

/// What recovery did since the server started.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    recoveries: AtomicU64,
    replayed: AtomicU64,
    misses: [AtomicU64; Miss::ALL.len()],
}

impl Counters {
    pub(crate) fn recovered(&self, replayed: usize) {
        self.recoveries.fetch_add(1, Ordering::Relaxed);
        self.replayed.fetch_add(replayed as u64, Ordering::Relaxed);
    }

    pub(crate) fn missed(&self, miss: Miss) {
        let i = Miss::ALL.iter().position(|m| *m == miss).unwrap_or(0);
        self.misses[i].fetch_add(1, Ordering::Relaxed);
    }

    /// Recoveries so far.
    pub(crate) fn recoveries(&self) -> u64 {
        self.recoveries.load(Ordering::Relaxed)
    }

    /// Events replayed so far.
    pub(crate) fn replayed(&self) -> u64 {
        self.replayed.load(Ordering::Relaxed)
    }

    /// Misses of `reason` so far.
    pub(crate) fn misses(&self, reason: Miss) -> u64 {
        let i = Miss::ALL.iter().position(|m| *m == reason).unwrap_or(0);
        self.misses[i].load(Ordering::Relaxed)
    }
}

impl RecoveryEngine {
    pub(crate) fn new(options: &RecoveryOptions) -> Self {
        Self {
            window: options.max_disconnection_duration,
            bounds: Bounds {
                max_age: options.max_disconnection_duration,
                max_len: options.max_log_length,
            },
            logs: RwLock::default(),
            sessions: MemorySessions::default(),
            stats: Counters::default(),
            shared: OnceLock::new(),
            delivery: tokio::sync::Mutex::default(),
            members: AtomicUsize::new(0),
        }
    }

    /// An opted-in client was accepted (its membership given).
    pub(crate) fn joined(&self) {
        self.members.fetch_add(1, Ordering::AcqRel);
    }

    /// An opted-in client is gone: refused after all, or left and its session kept.
    pub(crate) fn left(&self) {
        self.members.fetch_sub(1, Ordering::AcqRel);
    }

    /// After a drain disconnected every client: waits (at most `timeout`) until every
    /// opted-in client is gone and its session kept and, with a shared log, every event this node appended is written — so clients
    /// that reconnect to another node find both.
    pub(crate) async fn settle(&self, timeout: std::time::Duration) {
        let deadline = tokio::time::Instant::now() + timeout;
        while self.members.load(Ordering::Acquire) > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        if let Some(shared) = self.shared() {
            let _ = tokio::time::timeout_at(deadline, shared.flush()).await;
        }
        let unsaved = self.members.load(Ordering::Acquire);
        if unsaved > 0 {
            tracing::warn!(unsaved, "draining: some sessions were not kept in time");
        }
    }

    /// Keeps sessions and events in `shared` from now on (set once, before serving).
    #[cfg(feature = "redis")]
    pub(crate) fn share(&self, shared: Arc<dyn SharedLog>, delivered: Offset) {
        *self
            .delivery
            .try_lock()
            .expect("nothing delivers before the log is shared") = delivered;
        let _ = self.shared.set(shared);
    }

    /// The shared log, when the nodes share one.
    pub(crate) fn shared(&self) -> Option<&Arc<dyn SharedLog>> {
        self.shared.get()
    }

    /// With a shared log: this node's delivery lock and the newest offset it delivered.
    pub(crate) async fn delivery(&self) -> tokio::sync::MutexGuard<'_, Offset> {
        self.delivery.lock().await
    }

    /// The log of concrete namespace `ns`, made on first use.
    pub(crate) fn log(&self, ns: &str) -> Arc<NamespaceLog> {
        if let Some(log) = self.logs.read().unwrap_or_else(|e| e.into_inner()).get(ns) {
            return log.clone();
        }
        self.logs
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .entry(ns.to_owned())
            .or_default()
            .clone()
    }

    /// A snapshot of what recovery did and keeps.
    pub(crate) fn snapshot(&self) -> RecoveryStats {
        RecoveryStats {
            recoveries: self.stats.recoveries(),
            replayed: self.stats.replayed(),
            misses: Miss::ALL.map(|m| (m, self.stats.misses(m))),
            log_entries: self.log_len(),
            sessions: self.sessions.len(),
        }
    }

    /// Entries kept in every namespace's log.
    pub(crate) fn log_len(&self) -> usize {
        let logs = self.logs.read().unwrap_or_else(|e| e.into_inner());
        logs.values().map(|l| l.lock().len()).sum()
    }

    /// What a CONNECT to `ns` with `auth` asks for: `None` when the client did not opt in (its
    /// `auth` has no `pid` key); else its membership, resuming its session when `pid` names
    /// one of this namespace still in its window (the offset is checked against the log when
    /// it goes live). Anything else is a new session, with the reason kept.
    pub(crate) async fn opt_in(&self, ns: &str, auth: Option<&Value>) -> Option<Arc<Member>> {
        let auth = auth?.as_object()?;
        let pid = auth.get("pid")?;
        let log = self.log(ns);
        let fresh = |miss: Option<Miss>| {
            Member::new(
                new_pid(),
                log.clone(),
                MemberState {
                    miss,
                    since: log.lock().head(),
                    ..MemberState::default()
                },
            )
        };
        let pid = match pid {
            Value::Null => return Some(fresh(None)),
            Value::String(pid) => pid,
            _ => return Some(fresh(Some(Miss::Malformed))),
        };
        let offset = match auth.get("offset") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => match Offset::parse(text) {
                Some(offset) => Some(offset),
                None => return Some(fresh(Some(Miss::Malformed))),
            },
            Some(_) => return Some(fresh(Some(Miss::Malformed))),
        };
        let taken = match self.shared() {
            Some(shared) => shared.take_session(pid.clone(), ns.to_owned()).await,
            None => self.sessions.take(pid, ns),
        };
        let session = match taken {
            Ok(session) => session,
            Err(miss) => return Some(fresh(Some(miss))),
        };
        // Checked now so the connect handler sees the verdict (`Recovered`); checked again when
        // the client goes live, in case the log was trimmed meanwhile.
        // (With a shared log, only when it goes live: reading it is the replay itself.)
        let checked = match self.shared() {
            Some(_) => Ok(()),
            None => log.lock().replay_from(offset, session.since).map(drop),
        };
        if let Err(miss) = checked {
            return Some(fresh(Some(miss)));
        }
        Some(Member::new(
            pid.clone(),
            log,
            MemberState {
                sids: session.sids.clone(),
                data: session.data.clone(),
                pending_rooms: session.rooms.clone(),
                recovered: true,
                resume: Some((session, offset)),
                ..MemberState::default()
            },
        ))
    }
}

/// The CONNECT `auth` without recovery's keys: what security, handlers and the `AuthPayload`
/// extractor see (the `pid` is a secret of the session).
pub(crate) fn without_recovery_keys(auth: Option<Value>) -> Option<Value> {
    match auth {
        Some(Value::Object(mut map)) if map.contains_key("pid") => {
            map.remove("pid");
            map.remove("offset");
            Some(Value::Object(map))
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use socketioxide::socket::Sid;

    use super::*;
    use crate::recovery::session::SavedSession;

    fn engine() -> RecoveryEngine {
        RecoveryEngine::new(&RecoveryOptions::new(Duration::from_secs(60)))
    }

    /// The in-memory path never waits.
    fn opt_in(e: &RecoveryEngine, ns: &str, auth: Option<&Value>) -> Option<Arc<Member>> {
        use futures_util::FutureExt;
        e.opt_in(ns, auth)
            .now_or_never()
            .expect("in memory, opting in never waits")
    }

    fn miss_of(member: &Member) -> Option<Miss> {
        member.state().miss
    }

    #[test]
    fn a_client_opts_in_with_a_pid_key_and_anything_unusable_is_a_new_session() {
        let e = engine();
        assert!(opt_in(&e, "/chat", None).is_none());
        assert!(opt_in(&e, "/chat", Some(&json!({"token": "t"}))).is_none());
        let fresh = opt_in(&e, "/chat", Some(&json!({"pid": null}))).unwrap();
        assert_eq!(miss_of(&fresh), None);
        assert_eq!(fresh.pid.len(), 22);
        let forged = opt_in(
            &e,
            "/chat",
            Some(&json!({"pid": "forged", "offset": "1-0"})),
        )
        .unwrap();
        assert_eq!(miss_of(&forged), Some(Miss::Unknown));
        assert_ne!(forged.pid, "forged", "a forged pid is never adopted");
        for auth in [
            json!({"pid": 7}),
            json!({"pid": "p", "offset": "x"}),
            json!({"pid": "p", "offset": 3}),
        ] {
            let m = opt_in(&e, "/chat", Some(&auth)).unwrap();
            assert_eq!(miss_of(&m), Some(Miss::Malformed), "{auth}");
        }
    }

    #[test]
    fn a_saved_session_resumes_under_its_own_pid() {
        let e = engine();
        let session = SavedSession {
            ns: "/chat".into(),
            rooms: vec!["lobby".into()],
            sids: vec![Sid::new()],
            data: json!({"user": "ada"}),
            since: Offset::ZERO,
        };
        e.sessions.save("p".into(), session.clone(), e.window);
        let m = opt_in(&e, "/chat", Some(&json!({"pid": "p"}))).unwrap();
        assert_eq!(m.pid, "p");
        let state = m.state();
        assert_eq!(state.miss, None);
        assert!(state.recovered);
        assert_eq!(state.data, json!({"user": "ada"}));
        assert_eq!(state.pending_rooms, ["lobby"]);
        assert_eq!(state.resume, Some((session.clone(), None)));
        drop(state);

        // An offset ahead of the log: a miss, and the session is used up.
        e.sessions.save("q".into(), session, e.window);
        let m = opt_in(&e, "/chat", Some(&json!({"pid": "q", "offset": "5-0"}))).unwrap();
        assert_eq!(miss_of(&m), Some(Miss::FutureOffset));
        assert_ne!(m.pid, "q");
    }

    #[test]
    fn recovery_keys_are_removed_from_what_the_application_sees() {
        assert_eq!(
            without_recovery_keys(Some(json!({"pid": "p", "offset": "1-0", "token": "t"}))),
            Some(json!({"token": "t"}))
        );
        assert_eq!(
            without_recovery_keys(Some(json!({"token": "t"}))),
            Some(json!({"token": "t"}))
        );
        assert_eq!(without_recovery_keys(None), None);
    }
}
