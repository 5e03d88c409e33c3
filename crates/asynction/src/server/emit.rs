//! Validated emits: every event the server sends goes through these wrappers, which check it
//! against the document's egress schema first. An invalid emit is not sent; the caller gets
//! [`EmitError::Invalid`]. socketioxide has no egress hook, so the raw socket is reachable only
//! through the explicitly named `unvalidated()` escape hatches.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use socketioxide::SocketIo;
use socketioxide::adapter::{Adapter, LocalAdapter};
use socketioxide::extract::SocketRef;
use socketioxide::operators::BroadcastOperators;
use socketioxide::socket::Sid;
use socketioxide_core::adapter::RoomParam;

pub use super::emit_error::{AckFailure, EmitError, SendFailure};
use super::runtime::SpecRuntime;
use crate::observe::{AckOutcome, Direction, EmitKind, EmitTarget};
use crate::recovery::{self, Membership, OPTED_IN, Target};
use crate::validate::{
    CheckError, CheckedEvent, Interaction, NamespaceValidators, ValidationError,
};
use crate::wire::{Args, WireArgs};

/// The one way to an outgoing event: `data` serialized once, the argument rule of `event`'s
/// egress schema applied, validated unless validation is off (see [`CheckedEvent`]); reported
/// to the server's observer as an emit of `kind`.
pub(crate) fn check_outgoing<'e, T: Serialize + ?Sized>(
    rt: &SpecRuntime,
    ns: &NamespaceValidators,
    ns_path: &str,
    event: &'e str,
    data: &T,
    kind: EmitKind,
) -> Result<CheckedEvent<'e>, EmitError> {
    observed(rt, ns_path, event, kind, || {
        checked_event(ns, ns_path, event, data, rt.validation)
    })
}

/// [`check_outgoing`] without a server runtime (the cluster `Emitter` has none): nothing is
/// counted.
pub(crate) fn checked_event<'e, T: Serialize + ?Sized>(
    ns: &NamespaceValidators,
    ns_path: &str,
    event: &'e str,
    data: &T,
    validate: bool,
) -> Result<CheckedEvent<'e>, EmitError> {
    ns.check_outgoing(ns_path, event, data, validate)
        .map_err(|e| match e {
            CheckError::Invalid(e) => EmitError::Invalid(e),
            CheckError::Serialize(e) => EmitError::Serialize(e),
        })
}

/// [`check_outgoing_args`] without a server runtime.
pub(crate) fn checked_event_args<'a>(
    ns: &NamespaceValidators,
    ns_path: &str,
    event: &'a str,
    args: &'a Args,
    validate: bool,
) -> Result<CheckedEvent<'a>, EmitError> {
    Ok(ns.check_outgoing_args(ns_path, event, args, validate)?)
}

/// [`check_outgoing`] for arguments given as they go on the wire (binary attachments
/// included).
pub(crate) fn check_outgoing_args<'a>(
    rt: &SpecRuntime,
    ns: &NamespaceValidators,
    ns_path: &str,
    event: &'a str,
    args: &'a Args,
    kind: EmitKind,
) -> Result<CheckedEvent<'a>, EmitError> {
    observed(rt, ns_path, event, kind, || {
        checked_event_args(ns, ns_path, event, args, rt.validation)
    })
}

/// Runs one egress check and tells the server's observer: validation time, the emit
/// (refused or not).
fn observed<'e>(
    rt: &SpecRuntime,
    ns_path: &str,
    event: &str,
    kind: EmitKind,
    check: impl FnOnce() -> Result<CheckedEvent<'e>, EmitError>,
) -> Result<CheckedEvent<'e>, EmitError> {
    let started = rt.observer.validation_started();
    let checked = check();
    rt.observer.validated(started, Direction::Egress);
    let target = EmitTarget {
        path: ns_path,
        namespaces: &rt.namespaces,
    };
    let sent = checked.as_ref().ok().map(CheckedEvent::args);
    rt.observer.emit_checked(&target, event, kind, sent);
    checked
}

/// Tells the server's observer how one client answered an emit-with-ack.
fn observe_ack<V>(
    rt: &SpecRuntime,
    ns_path: &str,
    event: &str,
    started: Option<Instant>,
    result: &Result<V, EmitError>,
) {
    let outcome = match result {
        Ok(_) | Err(EmitError::Ack(AckFailure::Decode(_))) => AckOutcome::Answered,
        Err(EmitError::Invalid(_)) => AckOutcome::Invalid,
        Err(EmitError::Ack(AckFailure::Socketio(socketioxide::AckError::Timeout))) => {
            AckOutcome::Timeout
        }
        // A closed socket or an undecodable ack packet: no answer either.
        Err(_) => AckOutcome::Timeout,
    };
    let target = EmitTarget {
        path: ns_path,
        namespaces: &rt.namespaces,
    };
    rt.observer.client_ack(&target, event, started, outcome);
}

/// One client's ack to `event`: validated against the event's ack schema, then decoded.
fn client_ack<V: DeserializeOwned>(
    rt: &SpecRuntime,
    ns: &NamespaceValidators,
    ns_path: &str,
    event: &str,
    args: Args,
) -> Result<V, EmitError> {
    if rt.validation
        && let Some(schema) = ns.egress.get(event).and_then(|e| e.ack.as_ref())
    {
        schema
            .validate_args(&args.validation_view())
            .map_err(|v| ValidationError::new(Interaction::ClientAck, ns_path, Some(event), v))?;
    }
    decode_ack(args)
}

fn decode_ack<V: DeserializeOwned>(args: Args) -> Result<V, EmitError> {
    let value = match args.values.len() {
        1 => args.values.into_iter().next().unwrap_or(Value::Null),
        0 => Value::Null,
        _ => Value::Array(args.values),
    };
    serde_json::from_value(value).map_err(|e| AckFailure::Decode(e).into())
}

/// A connected client's socket whose emits are validated against the document.
///
/// Inside a namespace `connect` handler the connection is not established yet (the handler may
/// still refuse it); emits to the connecting client made there are validated at once and
/// delivered right after the CONNECT packet.
pub struct ValidatedSocket<A: Adapter = LocalAdapter> {
    pub(crate) inner: SocketRef<A>,
    pub(crate) ns: Arc<NamespaceValidators>,
    pub(crate) rt: Arc<SpecRuntime>,
    pub(crate) deferred: Option<Deferred>,
}

/// Emits queued while a connection is being accepted.
pub(crate) type Deferred = Arc<std::sync::Mutex<Vec<(String, Args)>>>;

impl<A: Adapter> Clone for ValidatedSocket<A> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            ns: self.ns.clone(),
            rt: self.rt.clone(),
            deferred: self.deferred.clone(),
        }
    }
}

impl<A: Adapter> ValidatedSocket<A> {
    /// The socket id.
    pub fn id(&self) -> Sid {
        self.inner.id
    }

    /// The namespace the socket is connected to (for a dynamic namespace, the concrete path).
    pub fn ns(&self) -> &str {
        self.inner.ns()
    }

    /// Emits `event` to this client after validating `data` (one argument; with a
    /// `x-socketio-args: spread` schema, an array/tuple is sent as several arguments).
    pub fn emit<T: Serialize + ?Sized>(&self, event: &str, data: &T) -> Result<(), EmitError> {
        self.send_checked(check_outgoing(
            &self.rt,
            &self.ns,
            self.ns(),
            event,
            data,
            EmitKind::Socket,
        )?)
    }

    /// Emits `event` with several arguments, binary attachments included.
    pub fn emit_args(&self, event: &str, args: &Args) -> Result<(), EmitError> {
        self.send_checked(check_outgoing_args(
            &self.rt,
            &self.ns,
            self.ns(),
            event,
            args,
            EmitKind::Socket,
        )?)
    }

    /// Sends a checked event now, or queues it while the connection is being accepted.
    fn send_checked(&self, checked: CheckedEvent<'_>) -> Result<(), EmitError> {
        if let Some(queue) = &self.deferred {
            queue
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(checked.into_owned_parts());
            return Ok(());
        }
        if let Some((engine, member)) = self.membership() {
            return recovery::send_to_member(
                &engine,
                &self.inner,
                &member,
                checked.event(),
                checked.args(),
            )
            .map_err(|e| EmitError::Send(e.into()));
        }
        self.inner
            .emit(checked.event(), &checked.wire())
            .map_err(|e| EmitError::Send(e.into()))
    }

    /// The recovery engine and this socket's membership, when the client opted in.
    fn membership(&self) -> Option<(Arc<recovery::RecoveryEngine>, Arc<recovery::Member>)> {
        let engine = self.rt.recovery.as_ref()?;
        let Membership(member) = self.inner.extensions.get::<Membership>()?;
        Some((engine.clone(), member))
    }

    /// Whether this connection recovered an earlier one of its client: its rooms and session
    /// data restored, the events it missed replayed (see [`crate::recovery`]). Known from the
    /// `connect` handler on.
    pub fn recovered(&self) -> bool {
        self.membership()
            .is_some_and(|(_, member)| member.state().recovered)
    }

    /// The session data of this client (`null` until set): kept with its session, so a
    /// recovered connection gets it back (Node's `socket.data`).
    pub fn data(&self) -> Value {
        match self.membership() {
            Some((_, member)) => member.state().data.clone(),
            None => self
                .inner
                .extensions
                .get::<SessionData>()
                .map(|d| d.0)
                .unwrap_or(Value::Null),
        }
    }

    /// Replaces the session data of this client (see [`ValidatedSocket::data`]).
    pub fn set_data(&self, data: Value) {
        match self.membership() {
            Some((_, member)) => member.state().data = data,
            None => {
                self.inner.extensions.insert(SessionData(data));
            }
        }
    }

    /// Emits `event` and waits for the client's ack, validated against the event's ack schema
    /// before it is returned.
    pub async fn emit_with_ack<T: Serialize + ?Sized, V: DeserializeOwned>(
        &self,
        event: &str,
        data: &T,
    ) -> Result<V, EmitError> {
        let checked = check_outgoing(&self.rt, &self.ns, self.ns(), event, data, EmitKind::Socket)?;
        if self.deferred.is_some() {
            return Err(SendFailure::NotConnected.into());
        }
        let stream = self
            .inner
            .timeout(self.rt.ack_timeout)
            .emit_with_ack::<_, WireArgs>(checked.event(), &checked.wire())
            .map_err(|e| EmitError::Send(e.into()))?;
        let started = self.rt.observer.ack_started();
        let answer = stream.await.map_err(|e| EmitError::Ack(e.into()));
        let result =
            answer.and_then(|WireArgs(ack)| client_ack(&self.rt, &self.ns, self.ns(), event, ack));
        observe_ack(&self.rt, self.ns(), event, started, &result);
        result
    }

    /// Joins rooms.
    pub fn join(&self, rooms: impl RoomParam) {
        let Some((_, member)) = self.membership() else {
            self.inner.join(rooms);
            return;
        };
        let names = room_names(rooms);
        let mut state = member.state();
        if state.live {
            self.inner.join(
                names
                    .iter()
                    .map(|r| recovery::shadow(r))
                    .collect::<Vec<_>>(),
            );
        } else {
            state.pending_rooms.extend(names);
        }
    }

    /// Leaves rooms.
    pub fn leave(&self, rooms: impl RoomParam) {
        let Some((_, member)) = self.membership() else {
            self.inner.leave(rooms);
            return;
        };
        let names = room_names(rooms);
        let mut state = member.state();
        if state.live {
            self.inner.leave(
                names
                    .iter()
                    .map(|r| recovery::shadow(r))
                    .collect::<Vec<_>>(),
            );
        } else {
            state.pending_rooms.retain(|r| !names.contains(r));
        }
    }

    /// The rooms this socket is in (recovery's own rooms are not listed).
    pub fn rooms(&self) -> Vec<String> {
        let mut rooms: Vec<String> = self
            .inner
            .rooms()
            .into_iter()
            .filter_map(|r| match recovery::unshadow(&r) {
                Some(room) => Some(room.to_owned()),
                None if recovery::is_internal(&r) => None,
                None => Some(r.to_string()),
            })
            .collect();
        if let Some((_, member)) = self.membership() {
            let state = member.state();
            if !state.live {
                rooms.extend(state.pending_rooms.iter().cloned());
            }
        }
        rooms
    }

    /// Every other client in `rooms` (validated emits).
    pub fn to(&self, rooms: impl RoomParam) -> ValidatedBroadcast<A> {
        self.broadcast_ops(EmitKind::Room, true).to(rooms)
    }

    /// Every other client of the namespace (validated emits).
    pub fn broadcast(&self) -> ValidatedBroadcast<A> {
        self.broadcast_ops(EmitKind::Broadcast, true)
    }

    /// Every client in `rooms`, this one included (validated emits).
    pub fn within(&self, rooms: impl RoomParam) -> ValidatedBroadcast<A> {
        let mut ops = self.broadcast_ops(EmitKind::Room, false);
        match &mut ops.recovery {
            Some(track) => {
                let names = room_names(rooms);
                track.target.rooms.extend(names.iter().cloned());
                ops.inner = ops.inner.within(names);
            }
            None => ops.inner = ops.inner.within(rooms),
        }
        ops
    }

    /// A broadcast from this socket: to every other client (`others`), or to the rooms
    /// `within` adds, this one included.
    fn broadcast_ops(&self, kind: EmitKind, others: bool) -> ValidatedBroadcast<A> {
        let inner = if others {
            self.inner.broadcast()
        } else {
            self.inner.within(Vec::<String>::new())
        };
        let recovery = self.rt.recovery.as_ref().map(|engine| RecoveryTrack {
            engine: engine.clone(),
            target: Target {
                except_socket: others.then_some(self.inner.id),
                ..Target::default()
            },
            origin: Origin::Socket(self.inner.clone(), others),
            local: false,
        });
        ValidatedBroadcast {
            inner,
            kind,
            ns: self.ns.clone(),
            ns_path: self.ns().to_owned(),
            rt: self.rt.clone(),
            recovery,
        }
    }

    /// Disconnects the client.
    pub fn disconnect(self) {
        let _ = self.inner.disconnect();
    }

    /// The raw socketioxide socket. **Emits through it are not validated.**
    pub fn unvalidated(&self) -> &SocketRef<A> {
        &self.inner
    }
}

/// The session data of a socket that did not opt in to recovery.
#[derive(Debug, Clone)]
struct SessionData(Value);

/// The names of `rooms`, owned.
fn room_names(rooms: impl RoomParam) -> Vec<String> {
    rooms.into_room_iter().map(|r| r.into_owned()).collect()
}

/// Emits to several clients of one namespace (rooms, broadcast), validated first.
#[must_use = "a broadcast sends nothing until one of its emit methods is awaited"]
pub struct ValidatedBroadcast<A: Adapter = LocalAdapter> {
    inner: BroadcastOperators<A>,
    ns: Arc<NamespaceValidators>,
    pub(crate) ns_path: String,
    pub(crate) rt: Arc<SpecRuntime>,
    kind: EmitKind,
    /// With recovery on: who the broadcast is for, in the application's terms, to log it and
    /// reach the opted-in clients through the shadows of its rooms.
    recovery: Option<RecoveryTrack<A>>,
}

/// What a broadcast needs to reach opted-in clients (see [`crate::recovery`]).
struct RecoveryTrack<A: Adapter> {
    engine: Arc<recovery::RecoveryEngine>,
    target: Target,
    origin: Origin<A>,
    local: bool,
}

/// Where a broadcast started: a socket (and whether it excludes itself), or the server.
enum Origin<A: Adapter> {
    Socket(SocketRef<A>, bool),
    Io(SocketIo<A>),
}

impl<A: Adapter> RecoveryTrack<A> {
    /// The broadcast to the shadows of the target's rooms.
    fn shadows(&self, ns_path: &str) -> Option<BroadcastOperators<A>> {
        let base = match &self.origin {
            Origin::Socket(s, true) => s.broadcast(),
            Origin::Socket(s, false) => s.within(Vec::<String>::new()),
            Origin::Io(io) => io.of(ns_path)?,
        };
        let ops = recovery::shadow_operators(base, &self.target);
        Some(if self.local { ops.local() } else { ops })
    }
}

impl<A: Adapter> ValidatedBroadcast<A> {
    /// Restricts to clients in `rooms`.
    pub fn to(mut self, rooms: impl RoomParam) -> Self {
        self.inner = match &mut self.recovery {
            Some(track) => {
                let names = room_names(rooms);
                track.target.rooms.extend(names.iter().cloned());
                self.inner.to(names)
            }
            None => self.inner.to(rooms),
        };
        self.kind = EmitKind::Room;
        self
    }

    /// Excludes clients in `rooms`.
    pub fn except(mut self, rooms: impl RoomParam) -> Self {
        self.inner = match &mut self.recovery {
            Some(track) => {
                let names = room_names(rooms);
                track.target.except.extend(names.iter().cloned());
                self.inner.except(names)
            }
            None => self.inner.except(rooms),
        };
        self
    }

    /// Only clients connected to this process (no adapter broadcast).
    pub fn local(mut self) -> Self {
        if let Some(track) = &mut self.recovery {
            track.local = true;
        }
        self.inner = self.inner.local();
        self
    }

    /// Emits `event` to every selected client after validating `data` (once, however many
    /// clients receive it).
    pub async fn emit<T: Serialize + ?Sized>(self, event: &str, data: &T) -> Result<(), EmitError> {
        let checked = check_outgoing(&self.rt, &self.ns, &self.ns_path, event, data, self.kind)?;
        self.send_checked(checked).await
    }

    /// Emits `event` with several arguments, binary attachments included.
    pub async fn emit_args(self, event: &str, args: &Args) -> Result<(), EmitError> {
        let checked =
            check_outgoing_args(&self.rt, &self.ns, &self.ns_path, event, args, self.kind)?;
        self.send_checked(checked).await
    }

    async fn send_checked(self, checked: CheckedEvent<'_>) -> Result<(), EmitError> {
        let Some(track) = self.recovery else {
            return self
                .inner
                .emit(checked.event(), &checked.wire())
                .await
                .map_err(|e| EmitError::Send(e.into()));
        };
        // Once as written to the clients that did not opt in, once with its offset to the
        // shadows of its rooms (see `crate::recovery`).
        // Opted-in clients are in no application room (only in shadows), so only a
        // namespace-wide broadcast must exclude them.
        let plain = if track.target.rooms.is_empty() {
            self.inner.except(OPTED_IN)
        } else {
            self.inner
        };
        let wire = checked.wire();
        let plain = plain.emit(checked.event(), &wire);
        if let Some(shadows) = track.shadows(&self.ns_path) {
            recovery::broadcast_to_members(
                &track.engine,
                &self.ns_path,
                track.target,
                shadows,
                checked.event(),
                checked.args(),
            );
        }
        plain.await.map_err(|e| EmitError::Send(e.into()))
    }

    /// Emits `event` to every selected client (on every node, with a remote adapter) and
    /// collects their acks until each answered or the ack timeout passed. Each ack is validated
    /// against the event's ack schema before it is returned; a client that did not answer in
    /// time, or whose ack breaks the schema, gets an `Err` in its slot.
    pub async fn emit_with_ack<T: Serialize + ?Sized, V: DeserializeOwned>(
        self,
        event: &str,
        data: &T,
    ) -> Result<Vec<(Sid, Result<V, EmitError>)>, EmitError> {
        use futures_util::StreamExt;
        let checked = check_outgoing(&self.rt, &self.ns, &self.ns_path, event, data, self.kind)?;
        // Not logged (an ack answers a call that is over by the time a client recovers), but
        // opted-in clients are in the shadows of the rooms: both get the one packet.
        let shadows = |rooms: &[String]| {
            rooms
                .iter()
                .map(|r| recovery::shadow(r))
                .collect::<Vec<_>>()
        };
        let mut inner = self.inner;
        if let Some(track) = &self.recovery {
            if !track.target.rooms.is_empty() {
                inner = inner.to(shadows(&track.target.rooms));
            }
            if !track.target.except.is_empty() {
                inner = inner.except(shadows(&track.target.except));
            }
        }
        let stream = inner
            .timeout(self.rt.ack_timeout)
            .emit_with_ack::<_, WireArgs>(checked.event(), &checked.wire())
            .await
            .map_err(|e| EmitError::Send(e.into()))?;
        let (rt, ns, ns_path) = (self.rt, self.ns, self.ns_path);
        let started = rt.observer.ack_started();
        Ok(stream
            .map(|(sid, ack)| {
                let result = ack
                    .map_err(|e| EmitError::Ack(e.into()))
                    .and_then(|WireArgs(ack)| client_ack(&rt, &ns, &ns_path, event, ack));
                observe_ack(&rt, &ns_path, event, started, &result);
                (sid, result)
            })
            .collect()
            .await)
    }
}

/// The server handle: validated emits to any namespace of the document.
pub struct ValidatedIo<A: Adapter = LocalAdapter> {
    pub(crate) io: SocketIo<A>,
    pub(crate) rt: Arc<SpecRuntime>,
}

impl<A: Adapter> Clone for ValidatedIo<A> {
    fn clone(&self) -> Self {
        Self {
            io: self.io.clone(),
            rt: self.rt.clone(),
        }
    }
}

impl<A: Adapter> ValidatedIo<A> {
    /// Every client of namespace `path` (a document namespace, or a concrete path of a dynamic
    /// one such as `/tenant/acme` for `/tenant/{id}`).
    pub fn of(&self, path: &str) -> Result<ValidatedBroadcast<A>, EmitError> {
        let ns = self
            .rt
            .namespace_validators(path)
            .ok_or_else(|| EmitError::UnknownNamespace(path.to_owned()))?;
        let inner = self
            .io
            .of(path)
            .ok_or_else(|| EmitError::UnknownNamespace(path.to_owned()))?;
        let recovery = self.rt.recovery.as_ref().map(|engine| RecoveryTrack {
            engine: engine.clone(),
            target: Target::default(),
            origin: Origin::Io(self.io.clone()),
            local: false,
        });
        Ok(ValidatedBroadcast {
            inner,
            kind: EmitKind::Broadcast,
            ns,
            ns_path: path.to_owned(),
            rt: self.rt.clone(),
            recovery,
        })
    }

    /// What connection state recovery did and keeps on this node; `None` when it is off
    /// (see [`crate::recovery`]).
    pub fn recovery_stats(&self) -> Option<recovery::RecoveryStats> {
        self.rt.recovery.as_ref().map(|e| e.snapshot())
    }

    /// Time to wait for client acks.
    pub fn ack_timeout(&self) -> Duration {
        self.rt.ack_timeout
    }

    /// The raw socketioxide handle. **Emits through it are not validated.**
    pub fn unvalidated(&self) -> &SocketIo<A> {
        &self.io
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::error::Error as _;

    use serde_json::json;
    use socketioxide::{AckError, BroadcastError, SendError, SocketError};

    use super::*;

    #[test]
    fn a_payload_that_is_not_json_keeps_serde_s_error_as_the_source() {
        // JSON object keys must be strings.
        let data = BTreeMap::from([((1, 2), "x")]);
        let err = checked_event(&NamespaceValidators::default(), "/", "event", &data, false)
            .expect_err("a map with tuple keys is not JSON");
        assert!(matches!(err, EmitError::Serialize(_)), "{err:?}");
        assert!(
            err.to_string()
                .starts_with("the payload could not be serialized: "),
            "{err}"
        );
        let source = err.source().expect("serde's error is the source");
        assert!(source.downcast_ref::<serde_json::Error>().is_some());
    }

    #[test]
    fn an_ack_that_does_not_decode_keeps_serde_s_error_in_the_chain() {
        let err = decode_ack::<u32>(Args::json(vec![json!("seven")])).expect_err("not a u32");
        assert!(
            matches!(err, EmitError::Ack(AckFailure::Decode(_))),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .starts_with("no valid ack from the client: the ack does not deserialize: "),
            "{err}"
        );
        let failure = err.source().expect("the ack failure is the source");
        assert!(failure.downcast_ref::<AckFailure>().is_some());
        let serde = failure.source().expect("serde's error is its source");
        assert!(serde.downcast_ref::<serde_json::Error>().is_some());
    }

    #[test]
    fn socketioxide_errors_stay_typed_and_read_as_before() {
        let timeout = EmitError::from(AckFailure::from(AckError::Timeout));
        assert_eq!(
            timeout.to_string(),
            format!("no valid ack from the client: {}", AckError::Timeout)
        );
        assert!(matches!(
            timeout,
            EmitError::Ack(AckFailure::Socketio(AckError::Timeout))
        ));

        let closed = SendError::Socket(SocketError::Closed);
        let before = closed.to_string();
        let err = EmitError::Send(closed.into());
        assert_eq!(
            err.to_string(),
            format!("the event could not be sent: {before}")
        );
        assert!(matches!(
            err,
            EmitError::Send(SendFailure::Socket(SendError::Socket(SocketError::Closed)))
        ));

        let broadcast = BroadcastError::Socket(vec![SocketError::InternalChannelFull]);
        let before = broadcast.to_string();
        let failure = SendFailure::from(broadcast);
        assert_eq!(failure.to_string(), before);
        assert!(matches!(failure, SendFailure::Sockets(ref s) if s.len() == 1));
    }
}
