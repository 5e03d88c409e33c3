//! What a run found: one [`Check`] per thing tried — passed, failed ([`Failure`]) or passed
//! with a [`Warning`] — and the rule set it was judged by; the renderings of a [`Report`]
//! (summary table, JUnit XML, JSON) are in `render`.

mod render;

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::refusals::RefusalRules;

pub(crate) use render::compact;

/// The part of the contract a check belongs to (also the values of `--only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// The namespace CONNECT: valid handshakes accepted, invalid ones refused.
    Handshake,
    /// Valid client-sent events: examples and generated values.
    Events,
    /// Invalid client-sent events: schema mutations.
    Negative,
    /// Server-sent events, received during the run and while listening.
    Listen,
    /// Connection state recovery, when the document declares it (`x-socketio-recovery`): the
    /// session event, offsets, a lost transport recovered with the missed events replayed
    /// once and in order, a forged session refused.
    Recovery,
}

impl Phase {
    /// Every phase, in run order.
    pub const ALL: [Phase; 5] = [
        Phase::Handshake,
        Phase::Events,
        Phase::Negative,
        Phase::Listen,
        Phase::Recovery,
    ];

    /// The lower-case name (`handshake`, `events`, `negative`, `listen`, `recovery`).
    pub fn name(self) -> &'static str {
        match self {
            Phase::Handshake => "handshake",
            Phase::Events => "events",
            Phase::Negative => "negative",
            Phase::Listen => "listen",
            Phase::Recovery => "recovery",
        }
    }

    /// The phase called `name`.
    pub fn parse(name: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// What broke the contract, as a stable snake_case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationKind {
    /// A handshake that meets the bindings and security was refused (or failed).
    ValidHandshakeRefused,
    /// A handshake that breaks a binding was accepted.
    BindingNotEnforced,
    /// A secured namespace accepted a client without (or with malformed) credentials.
    SecurityNotEnforced,
    /// No CONNECT answer (neither accepted nor refused) within the timeout.
    HandshakeTimeout,
    /// A valid event's ack did not come within the timeout.
    AckTimeout,
    /// A valid event's ack does not validate against the ack schema.
    InvalidAck,
    /// The server dropped the client after a valid event.
    Disconnected,
    /// An invalid event was acked with a value that validates as a success.
    InvalidEventAccepted,
    /// An invalid event was never answered (no ack, no disconnect).
    InvalidEventUnanswered,
    /// After the negative cases, a valid event on a fresh connection failed.
    NotServingAfterNegative,
    /// The server emitted an event the document does not list for the namespace.
    UndeclaredEvent,
    /// The server emitted a listed event whose arguments do not validate.
    InvalidServerEvent,
    /// A client that opted in to recovery (`pid` in its CONNECT `auth`) got no valid
    /// `asynction:recovery` session event.
    RecoverySessionMissing,
    /// An event sent to an opted-in client without an ack request lacks its offset (a last
    /// argument `"<ms>-<seq>"`), or offsets do not increase.
    OffsetMissing,
    /// A client that lost its transport and came back in time with its `pid` and last offset
    /// got a new session.
    NotRecovered,
    /// The events a recovered client missed were not replayed each once, in order, as another
    /// client received them.
    ReplayMismatch,
    /// A `pid` the server never gave out recovered a session.
    ForgedSessionRecovered,
}

impl ViolationKind {
    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            ViolationKind::ValidHandshakeRefused => "valid_handshake_refused",
            ViolationKind::BindingNotEnforced => "binding_not_enforced",
            ViolationKind::SecurityNotEnforced => "security_not_enforced",
            ViolationKind::HandshakeTimeout => "handshake_timeout",
            ViolationKind::AckTimeout => "ack_timeout",
            ViolationKind::InvalidAck => "invalid_ack",
            ViolationKind::Disconnected => "disconnected",
            ViolationKind::InvalidEventAccepted => "invalid_event_accepted",
            ViolationKind::InvalidEventUnanswered => "invalid_event_unanswered",
            ViolationKind::NotServingAfterNegative => "not_serving_after_negative",
            ViolationKind::UndeclaredEvent => "undeclared_event",
            ViolationKind::InvalidServerEvent => "invalid_server_event",
            ViolationKind::RecoverySessionMissing => "recovery_session_missing",
            ViolationKind::OffsetMissing => "offset_missing",
            ViolationKind::NotRecovered => "not_recovered",
            ViolationKind::ReplayMismatch => "replay_mismatch",
            ViolationKind::ForgedSessionRecovered => "forged_session_recovered",
        }
    }
}

/// Why a check failed, with what reproduces it.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// What broke.
    pub kind: ViolationKind,
    /// A readable explanation (schema violations, the error seen).
    pub message: String,
    /// The arguments sent (or received), as first found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<Value>>,
    /// The smallest arguments found that fail the same way (generated values only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shrunk: Option<Vec<Value>>,
    /// A JavaScript reproduction (`socket.emit(...)`; two statements for a
    /// [`Failure::consequence`]: the listener that saw the event, the emit that caused it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reproduction: Option<String>,
    /// For a server event that broke the document right after a negative case: that case and
    /// both frames. [`Failure::shrunk`] is then the case's smallest input that still causes it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consequence: Option<Consequence>,
}

/// The input a server event that broke the document came right after: a negative case.
#[derive(Debug, Clone, Serialize)]
pub struct Consequence {
    /// The client-sent event of the negative case.
    pub event: String,
    /// The negative case (`wrong type at the value`).
    pub case: String,
    /// The frame the case sent, as on the wire (`42["add user",12345]`).
    pub sent: String,
    /// The frame of the server event (`42["user joined",{"username":12345}]`).
    pub received: String,
    /// Which client received the server event.
    pub seen_by: SeenBy,
    /// Whether the server event's arguments carry the invalid value the case sent (the
    /// server relayed it), rather than only following it.
    pub relays_input: bool,
}

/// Which of the tester's clients received a server event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SeenBy {
    /// The client that sent the input.
    Sender,
    /// Another client connected to the same namespace (the server broadcast or relayed it).
    OtherClient,
}

/// Something a check found that the document does not forbid, but that a user should know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningKind {
    /// An invalid event whose document declares no ack (so none was requested) got no sign of
    /// refusal: the connection stayed up and nothing the server emitted broke the document.
    /// The server may have dropped the value, or accepted it.
    SilentOnInvalidEvent,
    /// The document declares recovery, but the server sent no event on its own (or none while
    /// the client was away): nothing could be replayed, so recovery was not exercised.
    RecoveryNotExercised,
}

impl WarningKind {
    /// The snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            WarningKind::SilentOnInvalidEvent => "silent_on_invalid_event",
            WarningKind::RecoveryNotExercised => "recovery_not_exercised",
        }
    }
}

/// A warning on a check that passed.
#[derive(Debug, Clone, Serialize)]
pub struct Warning {
    /// What was seen.
    pub kind: WarningKind,
    /// A readable explanation.
    pub message: String,
    /// The arguments sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<Value>>,
}

impl Failure {
    /// A failure with nothing attached yet.
    pub(crate) fn new(kind: ViolationKind, message: String) -> Failure {
        Failure {
            kind,
            message,
            args: None,
            shrunk: None,
            reproduction: None,
            consequence: None,
        }
    }

    /// With the arguments sent (or received).
    pub(crate) fn with_args(mut self, args: Vec<Value>) -> Failure {
        self.args = Some(args);
        self
    }

    /// With a one-line JavaScript reproduction.
    pub(crate) fn with_reproduction(mut self, js: String) -> Failure {
        self.reproduction = Some(js);
        self
    }
}

/// One thing tried against the server.
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// The contract part.
    pub phase: Phase,
    /// The concrete namespace (`/tenant/7` for `/tenant/{id}`).
    pub namespace: String,
    /// The event, when the check is about one (`-` for handshakes).
    pub event: String,
    /// What was tried, e.g. `generated #3 (websocket)`.
    pub name: String,
    /// How long it took.
    #[serde(serialize_with = "seconds")]
    pub duration: Duration,
    /// `None` when it passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// Set when it passed with a warning (never together with a failure).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<Warning>,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl Check {
    /// Whether the check passed (with or without a warning).
    pub fn passed(&self) -> bool {
        self.failure.is_none()
    }

    /// Whether the check passed with a warning.
    pub fn warned(&self) -> bool {
        self.failure.is_none() && self.warning.is_some()
    }
}

/// Everything a run found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The seed that replays the run (`--seed`).
    pub seed: u64,
    /// The document's title.
    pub title: String,
    /// Every check, in run order.
    pub checks: Vec<Check>,
    /// The rules invalid events were judged by, and why.
    pub refusals: RefusalRules,
    /// Wall time of the run.
    #[serde(serialize_with = "seconds")]
    pub duration: Duration,
}

/// One row of [`Report::summary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SummaryRow {
    /// Namespace.
    pub namespace: String,
    /// Event (`-` for handshakes).
    pub event: String,
    /// Checks run: `passed + warnings + failed`.
    pub checks: usize,
    /// Checks passed without a warning.
    pub passed: usize,
    /// Checks passed with a warning.
    pub warnings: usize,
    /// Checks failed.
    pub failed: usize,
}

impl Report {
    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.passed())
    }

    /// The checks that passed with a warning.
    pub fn warnings(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.warned())
    }

    /// Whether every check passed (warnings do not fail a run).
    pub fn is_success(&self) -> bool {
        self.checks.iter().all(Check::passed)
    }

    /// Checks per namespace and event, in first-seen order.
    pub fn summary(&self) -> Vec<SummaryRow> {
        let mut rows: Vec<SummaryRow> = Vec::new();
        for c in &self.checks {
            let i = match rows
                .iter()
                .position(|r| r.namespace == c.namespace && r.event == c.event)
            {
                Some(i) => i,
                None => {
                    rows.push(SummaryRow {
                        namespace: c.namespace.clone(),
                        event: c.event.clone(),
                        checks: 0,
                        passed: 0,
                        warnings: 0,
                        failed: 0,
                    });
                    rows.len() - 1
                }
            };
            let row = &mut rows[i];
            row.checks += 1;
            if !c.passed() {
                row.failed += 1;
            } else if c.warned() {
                row.warnings += 1;
            } else {
                row.passed += 1;
            }
        }
        rows
    }
}
