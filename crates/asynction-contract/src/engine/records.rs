//! What a run sends and sees: one case ([`Case`], what it expects, the [`Answer`] it got and
//! the [`Verdict`]), the inputs of the negative phase ([`Input`], its [`Cause`] and
//! [`Attempt`]), server-sent events kept for judging ([`Received`]) and those found to be a
//! case's consequence ([`Found`]), and what shrinking must keep ([`Symptom`], [`Via`]). Plain
//! values the phases pass to each other; this file depends on no other file of the engine but
//! `target.rs`.

use std::time::{Duration, Instant};

use asynction::validate::Violation;
use asynction_client::packet::{SocketPacketKind, encode_message};
use asynction_client::{Args, Client};
use serde_json::Value;

use crate::report::{Phase, SeenBy, ViolationKind};

/// What a case should get from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Expected {
    /// A valid event: handled, its ack (if any) valid, the connection up.
    Accepted,
    /// An invalid event (a negative case): never acked as a success; answered when an ack
    /// was requested.
    Refused,
}

impl Expected {
    pub(super) fn phase(self) -> Phase {
        match self {
            Expected::Accepted => Phase::Events,
            Expected::Refused => Phase::Negative,
        }
    }
}

/// One value to send.
pub(super) struct Case {
    pub(super) name: String,
    /// The schema instance (argument for `Single`, argument array for `Spread`); `None` when
    /// the event has no payload schema.
    pub(super) instance: Option<Value>,
    pub(super) args: Args,
    /// Made by a generator (so worth shrinking when it fails).
    pub(super) generated: bool,
    pub(super) expected: Expected,
}

/// What the server did with one event.
pub(super) enum Answer {
    Ack(Args),
    /// Sent without an ack request; the connection stayed up.
    Sent,
    Timeout,
    Disconnected(String),
    /// The client, dropped by an earlier case, could not connect again to send this one.
    NotConnected(String),
}

/// A broken contract: what kind, and what was seen.
pub(super) type Verdict = Option<(ViolationKind, String)>;

pub(super) fn violations_text(v: &[Violation]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// An input of the negative phase, while it is the latest one.
#[derive(Debug, Clone)]
pub(super) struct Cause {
    /// Tells inputs apart (one per input of the run).
    pub(super) id: u64,
    /// The concrete namespace.
    pub(super) path: String,
    /// The client-sent event.
    pub(super) event: String,
    /// The negative case's name.
    pub(super) case: String,
    /// The schema instance sent, when the case has one (not for wrong argument counts).
    pub(super) instance: Option<Value>,
    pub(super) args: Args,
    /// The ack id, when an ack was requested.
    pub(super) ack_id: Option<u64>,
    pub(super) sent_at: Instant,
    /// A shrinking attempt, not a case of the run: its consequences are never recorded.
    pub(super) attempt: bool,
}

impl Cause {
    /// The frame sent, as on the wire.
    pub(super) fn frame(&self) -> String {
        encode_message(
            SocketPacketKind::Event,
            &self.path,
            self.ack_id,
            Some(&self.event),
            &self.args,
        )
    }
}

/// A server event that broke the document while [`Cause`] was the latest input.
pub(super) struct Found {
    pub(super) received: Received,
    pub(super) kind: ViolationKind,
    /// What breaks the document (the listen phase's message).
    pub(super) message: String,
    pub(super) cause: Cause,
    /// How long after the input it arrived.
    pub(super) after: Duration,
}

/// What one input of the negative phase got.
pub(super) struct Attempt {
    pub(super) answer: Answer,
    /// The server events that broke the document within its window.
    pub(super) consequences: Vec<Found>,
    /// Whether the bystander was dropped meanwhile (it has been reconnected).
    pub(super) bystander_dropped: bool,
}

/// One input: the event it is sent as, what, and how.
pub(super) struct Input<'i> {
    pub(super) case: &'i str,
    pub(super) instance: Option<&'i Value>,
    pub(super) args: &'i Args,
    /// With an ack request, answered within this; without one when `None`.
    pub(super) ack_wait: Option<Duration>,
    /// A shrinking attempt (see [`Cause::attempt`]).
    pub(super) attempt: bool,
}

/// A server-sent event kept for judging.
pub(super) struct Received {
    /// The index of the document namespace it came on.
    pub(super) ns: usize,
    /// The concrete namespace.
    pub(super) path: String,
    pub(super) name: String,
    pub(super) values: Vec<Value>,
    /// The frame as the server sent it (Socket.IO packet text).
    pub(super) frame: String,
    /// Which of the tester's clients received it.
    pub(super) seen_by: SeenBy,
}

/// What a smaller input must still cause.
#[derive(Debug, Clone)]
pub(super) enum Symptom {
    /// An answer judged as `kind` for a case that expects `expected`.
    Answer {
        kind: ViolationKind,
        expected: Expected,
    },
    /// A server event named `event` that breaks the document as `kind`, right after the
    /// (invalid) input. Attempts wait for their acks only as long as `shrink::GRACE`: the answer
    /// does not matter here.
    Consequence { kind: ViolationKind, event: String },
}

/// Which connection the candidates go on.
pub(super) enum Via<'c> {
    /// A fresh connection of the shrinker's own (the events phase).
    Own,
    /// The negative phase's connection, each candidate an input with its window (see
    /// `consequences`), so what the server relays is seen and attributed to it.
    Negative(&'c mut Option<Client>),
}
