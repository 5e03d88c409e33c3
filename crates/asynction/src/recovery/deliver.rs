//! Delivering recoverable events through socketioxide: to one opted-in socket, to the shadows
//! of a broadcast's rooms, the replay of a recovering client, and its session kept when it
//! leaves. Everything that delivers holds the namespace's delivery lock (see `log.rs`).

use std::borrow::Borrow;
use std::collections::HashSet;

use futures_util::FutureExt;
use serde_json::json;
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;
use socketioxide::operators::BroadcastOperators;
use socketioxide::socket::DisconnectReason;

use super::SESSION_EVENT;
use super::engine::RecoveryEngine;
use super::entry::{Entry, Target, with_offset};
use super::log::replay_start;
use super::member::{Member, MemberState, Membership};
use super::offset::Offset;
use super::offset::now_ms;
use super::rooms::{LIVE, shadow, socket_room, unshadow};
use super::session::{Miss, SavedSession};
use crate::validate::NamespaceValidators;
use crate::wire::Args;

/// What happened when a client went live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WentLive {
    /// Its session was restored and its missed events replayed.
    pub recovered: bool,
    /// Events replayed.
    pub replayed: usize,
}

/// After CONNECT: tells the client its session (`asynction:recovery`), replays what it missed
/// (each event validated again, with its offset), then joins the shadows of its rooms and the
/// live marker — all under the delivery lock, so later events reach it live and after the
/// replay.
pub(crate) fn go_live<A: Adapter>(
    engine: &RecoveryEngine,
    validators: &NamespaceValidators,
    validate: bool,
    s: &SocketRef<A>,
    member: &Member,
) -> WentLive {
    let log = member.log.lock();
    let mut state = member.state();
    let mut replay = Vec::new();
    // Where the session's next replay may start: the offset before the first event this one
    // replays (its client has not confirmed receiving it), else the head.
    let mut unconfirmed_after = None;
    if let Some((session, offset)) = state.resume.take() {
        match log.replay_from(offset, session.since) {
            Ok(entries) => {
                let rooms: HashSet<String> = session.rooms.iter().cloned().collect();
                let mut sids = session.sids;
                sids.push(s.id);
                let mut previous = replay_start(offset, session.since);
                for (offset, entry) in entries {
                    if entry.target.reaches(&rooms, &sids) {
                        unconfirmed_after.get_or_insert(previous);
                        replay.push((offset, entry));
                    }
                    previous = offset;
                }
            }
            Err(miss) => missed(&mut state, &session, miss),
        }
    }
    let head = log.head();
    let went = finish_going_live(
        ReplayTo {
            validators,
            validate,
            s,
            member,
        },
        &mut state,
        &replay,
        unconfirmed_after.unwrap_or(head),
    );
    drop(state);
    drop(log);
    count(engine, member, went);
    went
}

/// Who a replay goes to, and how it is checked.
pub(crate) struct ReplayTo<'a, A: Adapter> {
    pub validators: &'a NamespaceValidators,
    pub validate: bool,
    pub s: &'a SocketRef<A>,
    pub member: &'a Member,
}

/// A resumed session that could not be recovered (`miss`): the client starts a new one — none
/// of the session's rooms, data or socket ids.
pub(crate) fn missed(state: &mut MemberState, session: &SavedSession, miss: Miss) {
    state.miss = Some(miss);
    state.recovered = false;
    state.pending_rooms.retain(|r| !session.rooms.contains(r));
    state.data = serde_json::Value::Null;
    state.sids.clear();
}

/// Under the delivery lock, once the replay is known: the session event, the replay (each event
/// validated again, with its offset), the shadows of its rooms and the live markers joined;
/// `since` is where its next replay may start.
pub(crate) fn finish_going_live<A: Adapter, E: Borrow<Entry>>(
    to: ReplayTo<'_, A>,
    state: &mut MemberState,
    replay: &[(Offset, E)],
    since: Offset,
) -> WentLive {
    let (s, ns) = (to.s, to.s.ns());
    let session_event = json!({ "pid": to.member.pid, "recovered": state.recovered });
    if let Err(e) = s.emit(SESSION_EVENT, &session_event) {
        tracing::debug!(namespace = ns, error = %e, "the recovery session event could not be sent");
    }
    let mut replayed = 0;
    for (offset, entry) in replay {
        let entry = entry.borrow();
        match to
            .validators
            .check_outgoing_args(ns, &entry.event, &entry.args, to.validate)
        {
            Ok(_) => {
                let args = with_offset(&entry.args, &offset.to_string());
                if s.emit(entry.event.as_str(), &args.as_wire()).is_ok() {
                    replayed += 1;
                }
            }
            Err(e) => {
                tracing::warn!(namespace = ns, event = %entry.event, error = %e, "a logged event breaks the document and is not replayed");
            }
        }
    }
    let mut rooms: Vec<String> = std::mem::take(&mut state.pending_rooms)
        .iter()
        .map(|r| shadow(r))
        .collect();
    rooms.push(LIVE.to_owned());
    rooms.push(socket_room(&s.id));
    s.join(rooms);
    state.live = true;
    // Not past the replay: if this connection is lost before its client received the replay,
    // the client comes back with its older offset and the replay is sent again.
    state.since = since;
    state.sids = SavedSession::remember(&state.sids, s.id);
    WentLive {
        recovered: state.recovered,
        replayed,
    }
}

/// Counts what going live did.
pub(crate) fn count(engine: &RecoveryEngine, member: &Member, went: WentLive) {
    match member.state().miss {
        Some(miss) => engine.stats.missed(miss),
        None if went.recovered => engine.stats.recovered(went.replayed),
        None => {}
    }
}

/// An event to one opted-in socket: logged, and sent with its offset once the socket is live
/// (before that, its replay delivers it).
pub(crate) fn send_to_member<A: Adapter>(
    engine: &RecoveryEngine,
    s: &SocketRef<A>,
    member: &Member,
    event: &str,
    args: &Args,
) -> Result<(), socketioxide::SendError> {
    let entry = Entry {
        event: event.to_owned(),
        args: args.clone(),
        target: Target::socket(s.id),
    };
    if let Some(shared) = engine.shared() {
        shared.append(s.ns(), &entry);
        return Ok(());
    }
    let mut log = member.log.lock();
    let offset = log.append(entry, engine.bounds);
    if member.state().live {
        s.emit(event, &with_offset(args, &offset.to_string()).as_wire())?;
    }
    Ok(())
}

/// A broadcast's part for opted-in clients: logged with its `target`, sent with its offset
/// through `shadows` (the broadcast aimed at the shadows of its rooms, see
/// [`shadow_operators`]). Delivery errors (a socket that just closed) are not returned: the
/// event is in the log and reaches such a client when it recovers.
pub(crate) fn broadcast_to_members<A: Adapter>(
    engine: &RecoveryEngine,
    ns: &str,
    target: Target,
    shadows: BroadcastOperators<A>,
    event: &str,
    args: &Args,
) {
    let entry = Entry {
        event: event.to_owned(),
        args: args.clone(),
        target,
    };
    if let Some(shared) = engine.shared() {
        // Every node delivers it from the shared log (`shared::deliver_logged`).
        shared.append(ns, &entry);
        return;
    }
    let log = engine.log(ns);
    let mut log = log.lock();
    let offset = log.append(entry, engine.bounds);
    let args = with_offset(args, &offset.to_string());
    let wire = args.as_wire();
    deliver_now(ns, shadows.emit(event, &wire));
}

/// Runs a delivery to this node's sockets under the delivery lock: socketioxide's local
/// delivery completes when first polled (every adapter delivers to its own node's sockets
/// synchronously). Sockets that could not be reached get the event when they recover.
pub(crate) fn deliver_now(
    ns: &str,
    delivery: impl std::future::Future<Output = Result<(), socketioxide::BroadcastError>>,
) {
    match delivery.now_or_never() {
        Some(Err(e)) => {
            tracing::debug!(namespace = ns, error = %e, "some recovering clients were not reached; they get the event when they recover");
        }
        Some(Ok(())) => {}
        None => tracing::warn!(
            namespace = ns,
            "the adapter did not deliver at once; recovery cannot order this event"
        ),
    }
}

/// `base` aimed at the shadows of `target`'s rooms (the live marker when it has none), minus
/// the shadows of its exceptions.
pub(crate) fn shadow_operators<A: Adapter>(
    base: BroadcastOperators<A>,
    target: &Target,
) -> BroadcastOperators<A> {
    let rooms: Vec<String> = if target.rooms.is_empty() {
        vec![LIVE.to_owned()]
    } else {
        target.rooms.iter().map(|r| shadow(r)).collect()
    };
    // `within`, not `to`: socketioxide's `to` and `except` also exclude the sender, which a
    // socket's own `within` broadcast must not.
    let ops = base.within(rooms);
    if target.except.is_empty() {
        ops
    } else {
        ops.except(target.except.iter().map(|r| shadow(r)).collect::<Vec<_>>())
    }
}

/// Whether a client that left for `reason` may come back to its session: it lost its
/// connection (or the server shut down), it did not leave on purpose.
pub(crate) fn is_recoverable(reason: DisconnectReason) -> bool {
    use DisconnectReason as R;
    matches!(
        reason,
        R::TransportClose
            | R::TransportError
            | R::HeartbeatTimeout
            | R::ClosingServer
            | R::MultipleHttpPollingError
    )
}

/// When an opted-in socket leaves for a recoverable reason: its session is kept for the
/// recovery window.
pub(crate) async fn keep_session<A: Adapter>(
    engine: &RecoveryEngine,
    s: &SocketRef<A>,
    member: &Member,
    reason: DisconnectReason,
) {
    {
        let mut state = member.state();
        if state.gone {
            return;
        }
        state.gone = true;
    }
    if !is_recoverable(reason) {
        tracing::debug!(namespace = s.ns(), %reason, "a client left on purpose: its session is not kept");
        engine.left();
        return;
    }
    let session = session_to_keep(s, member);
    save(engine, member, session).await;
    engine.left();
}

/// Keeps `session` under the member's `pid` for the recovery window, where sessions are kept.
async fn save(engine: &RecoveryEngine, member: &Member, session: SavedSession) {
    match engine.shared() {
        Some(shared) => {
            let expires = now_ms() + engine.window.as_millis() as u64;
            shared
                .save_session(member.pid.clone(), session, expires)
                .await;
        }
        None => engine
            .sessions
            .save(member.pid.clone(), session, engine.window),
    }
}

/// Before a drain closes every transport: the session of every opted-in client of this node,
/// kept as if it had lost its connection (the disconnect that follows finds it kept).
pub(crate) async fn keep_all<A: Adapter>(engine: &RecoveryEngine, io: &socketioxide::SocketIo<A>) {
    for ns in io.nsps() {
        for s in ns.sockets() {
            if let Some(Membership(member)) = s.extensions.get::<Membership>() {
                keep_session(engine, &s, &member, DisconnectReason::ClosingServer).await;
            }
        }
    }
}

/// When the connect handler refused an opted-in client: the session it came to resume is
/// kept again, as it was, for its next attempt.
pub(crate) async fn refused(engine: &RecoveryEngine, member: &Member) {
    let resumed = member.state().resume.take();
    if let Some((session, _)) = resumed {
        save(engine, member, session).await;
    }
    engine.left();
}

/// What an opted-in socket that is leaving keeps.
fn session_to_keep<A: Adapter>(s: &SocketRef<A>, member: &Member) -> SavedSession {
    let state = member.state();
    match &state.resume {
        // It left before going live: its old session, as it was, is still the one to resume.
        Some((session, _)) => SavedSession {
            sids: SavedSession::remember(&session.sids, s.id),
            ..session.clone()
        },
        None => {
            let mut rooms: Vec<String> = s
                .rooms()
                .iter()
                .filter_map(|r| unshadow(r).map(str::to_owned))
                .collect();
            rooms.extend(state.pending_rooms.iter().cloned());
            SavedSession {
                ns: s.ns().to_owned(),
                rooms,
                sids: SavedSession::remember(&state.sids, s.id),
                data: state.data.clone(),
                since: state.since,
            }
        }
    }
}
