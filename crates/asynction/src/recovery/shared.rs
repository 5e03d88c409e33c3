//! Recovery across nodes: a log and a session store every node of a cluster shares (Redis
//! Streams and keys, `cluster/recovery_log.rs`), behind [`SharedLog`].
//!
//! With a shared log, opted-in clients are not delivered by the node that emits: it appends
//! the event to the log, and every node reads the log in order and delivers each event to its
//! own opted-in clients under its delivery lock (`deliver_logged`). A client recovering on any
//! node is replayed what the log holds after its offset *up to what that node has delivered*,
//! and joins its rooms under the same lock: later events reach it live, in order, once — the
//! same guarantee as the in-memory log, now wherever the client comes back.

use std::collections::HashSet;

use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;

use super::deliver::{ReplayTo, WentLive, count, finish_going_live, missed};
use super::engine::RecoveryEngine;
use super::entry::Entry;
use super::member::Member;
use super::offset::Offset;
use super::session::Miss;
use super::shared_log::SharedLog;
use crate::validate::NamespaceValidators;

/// [`super::go_live`] with a shared log: the replay is read from the log (async), then, under
/// the delivery lock, cut at what this node has delivered — anything later reaches the client
/// live once it has joined its rooms.
pub(crate) async fn go_live_shared<A: Adapter>(
    engine: &RecoveryEngine,
    shared: &dyn SharedLog,
    validators: &NamespaceValidators,
    validate: bool,
    s: &SocketRef<A>,
    member: &Member,
) -> WentLive {
    let resume = member.state().resume.clone();
    let mut replay: Vec<(Offset, Entry)> = Vec::new();
    let mut outcome: Result<(), Miss> = Ok(());
    let ns = s.ns().to_owned();
    let mut from = None;
    if let Some((session, offset)) = &resume {
        from = Some(offset.map_or(session.since, |o| o.max(session.since)));
    }
    // Where the session's next replay may start (see `deliver::go_live`): before the first
    // event this one replays, else what this node has delivered.
    let mut unconfirmed_after = None;
    let mut read = None;
    if let (Some(from), Some((_, offset))) = (from, &resume) {
        match shared.read_after(from).await {
            Ok((entries, extent)) if offset.is_some_and(|o| o > extent.last) => {
                drop(entries);
                outcome = Err(Miss::FutureOffset);
            }
            Ok((_, extent)) if from < extent.trimmed => outcome = Err(Miss::LogTrimmed),
            Ok((entries, _)) => read = Some((from, entries)),
            Err(e) => {
                tracing::warn!(namespace = %ns, error = %e, "recovery could not read the shared log: a new session");
                outcome = Err(Miss::LogTrimmed);
            }
        }
    }
    // The delivery lock: this node delivers nothing to its clients until this client has its
    // replay and its rooms.
    let head = engine.delivery().await;
    if let (Some((from, mut entries)), Some((session, _))) = (read, &resume) {
        let read_upto = entries.last().map_or(from, |(o, _, _)| *o);
        if *head > read_upto {
            // This node delivered events appended after the read: read them too, holding the
            // lock (one more round trip; the consumer waits meanwhile).
            match shared.read_after(read_upto).await {
                Ok((more, _)) => entries.extend(more),
                Err(e) => {
                    tracing::warn!(namespace = %ns, error = %e, "recovery could not read the shared log: a new session");
                    outcome = Err(Miss::LogTrimmed);
                    entries.clear();
                }
            }
        }
        let rooms: HashSet<String> = session.rooms.iter().cloned().collect();
        let mut sids = session.sids.clone();
        sids.push(s.id);
        let mut previous = from;
        for (o, entry_ns, e) in entries {
            if o > *head {
                break;
            }
            if entry_ns == ns && e.target.reaches(&rooms, &sids) {
                unconfirmed_after.get_or_insert(previous);
                replay.push((o, e));
            }
            previous = o;
        }
        if outcome.is_err() {
            replay.clear();
        }
    }
    let mut state = member.state();
    state.resume = None;
    if let (Err(miss), Some((session, _))) = (outcome, &resume) {
        missed(&mut state, session, miss);
    }
    let went = finish_going_live(
        ReplayTo {
            validators,
            validate,
            s,
            member,
        },
        &mut state,
        &replay,
        unconfirmed_after.unwrap_or(*head),
    );
    drop(state);
    drop(head);
    count(engine, member, went);
    went
}
