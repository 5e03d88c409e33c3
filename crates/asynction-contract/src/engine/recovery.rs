//! The recovery phase, run only when the document declares connection state recovery
//! (`x-socketio-recovery`, at the root or on the server under test), following asynction's wire
//! convention (`asynction::recovery`): a subject client and a bystander opt in (`pid: null` in
//! their CONNECT `auth`, beside the credentials the other phases use) and must each get the
//! session event `asynction:recovery` (a 22-character `pid`, `recovered: false`); every event
//! the server sends them on its own carries its offset (`"<ms>-<seq>"`, increasing) as a last
//! argument. The subject then loses its transport abruptly (no Socket.IO disconnect) while the
//! bystander stays; coming back with its `pid` and last offset it must get `recovered: true`,
//! then the events the bystander received meanwhile, each once, in order, and valid against the
//! document. A forged `pid` must get a new session. A server that sends nothing on its own
//! leaves recovery unexercised: a warning, not a pass.
//!
//! Always over websocket: a dropped polling client is noticed only at the ping timeout.

use std::time::{Duration, Instant};

use asynction_client::{Args, Client, Incoming, Transport};
use serde_json::{Value, json};

use super::args::validation_view;
use super::records::Received;
use super::session::{Session, connect_failure};
use super::target::{HandshakeData, Ns, Scope};
use crate::report::{Failure, Phase, SeenBy, ViolationKind, Warning, WarningKind};

/// The session event (asynction's `asynction::recovery::SESSION_EVENT`).
const SESSION_EVENT: &str = "asynction:recovery";

/// A `pid` the server never gave out (22 base64url characters, as real ones).
const FORGED_PID: &str = "AAAAAAAAAAAAAAAAAAAAAA";

/// How many events the subject should miss (fewer when the server sends fewer within the
/// wait).
const MISSED: usize = 3;

/// How long the subject stays away at least.
const AWAY: Duration = Duration::from_millis(250);

/// An offset as asynction writes it: milliseconds and a sequence number, ordered as a pair.
type Offset = (u64, u64);

fn parse_offset(text: &str) -> Option<Offset> {
    let (ms, seq) = text.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(ms) && digits(seq)).then(|| Some((ms.parse().ok()?, seq.parse().ok()?)))?
}

/// One event an opted-in client received without an ack request.
#[derive(Debug, Clone)]
struct Logged {
    name: String,
    /// Its arguments without the offset.
    args: Args,
    /// The offset as sent, and parsed.
    offset: String,
    key: Offset,
}

/// An opted-in client and what it received so far.
struct OptedIn {
    client: Client,
    pid: String,
    recovered: bool,
    events: Vec<Logged>,
    /// The first event without a usable offset, in words.
    offset_problem: Option<String>,
}

impl OptedIn {
    fn last(&self) -> Option<&Logged> {
        self.events.last()
    }
}

/// Why an opted-in connection did not give a usable session.
enum NoSession {
    /// The connection itself failed.
    Connect(String),
    /// Connected, but no valid session event.
    Missing(String),
}

impl Session<'_> {
    /// Connects to `ns` opted in with `pid` (and `offset`), and reads the session event.
    async fn opt_in(
        &mut self,
        ns: &Ns<'_>,
        pid: Value,
        offset: Option<&str>,
    ) -> Result<OptedIn, NoSession> {
        let mut hs: HandshakeData = ns.good.clone();
        hs.set_auth("pid", pid);
        if let Some(offset) = offset {
            hs.set_auth("offset", json!(offset));
        }
        let client = self
            .connect(ns, &hs, Transport::Websocket)
            .await
            .map_err(|e| NoSession::Connect(connect_failure(&e)))?;
        let mut c = OptedIn {
            client,
            pid: String::new(),
            recovered: false,
            events: Vec::new(),
            offset_problem: None,
        };
        let deadline = Instant::now() + self.opts.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match c.client.next(left).await {
                Ok(Incoming::Event(e)) if e.name == SESSION_EVENT => {
                    let session = e.args.values.first().cloned().unwrap_or(Value::Null);
                    let pid = session.get("pid").and_then(Value::as_str);
                    let recovered = session.get("recovered").and_then(Value::as_bool);
                    return match (pid, recovered, e.args.values.len()) {
                        (Some(pid), Some(recovered), 1) if pid.len() == 22 => {
                            c.pid = pid.to_owned();
                            c.recovered = recovered;
                            Ok(c)
                        }
                        _ => Err(NoSession::Missing(format!(
                            "the '{SESSION_EVENT}' event must have one argument \
                             {{\"pid\": \"<22 characters>\", \"recovered\": true|false}}; it had {}",
                            Value::Array(e.args.values)
                        ))),
                    };
                }
                Ok(Incoming::Event(e)) => self.take(ns, &mut c, e).await,
                Ok(Incoming::Disconnect { .. }) => {
                    return Err(NoSession::Missing(
                        "the server disconnected the client right after CONNECT".into(),
                    ));
                }
                Err(e) if e.is_timeout() => {
                    let plain = if c.offset_problem.is_some() {
                        " (the events it sent carried no offset either)"
                    } else {
                        ""
                    };
                    return Err(NoSession::Missing(format!(
                        "no '{SESSION_EVENT}' event within {:?} after a CONNECT whose auth opted in \
                         with \"pid\"{plain}: the document declares x-socketio-recovery, so the \
                         server must recover connections (turn recovery on in the server, or \
                         remove x-socketio-recovery from the document)",
                        self.opts.timeout
                    )));
                }
                Err(e) => return Err(NoSession::Missing(e.to_string())),
            }
        }
    }

    /// Keeps an event an opted-in client received: answered and judged later like any
    /// server event when it asks for an ack (those carry no offset), else with its offset.
    async fn take(&mut self, ns: &Ns<'_>, c: &mut OptedIn, e: asynction_client::Event) {
        if e.ack_id.is_some() {
            self.keep(ns, &mut c.client, e, SeenBy::Sender).await;
            return;
        }
        let mut args = e.args.clone();
        let offset = match args.values.pop() {
            Some(Value::String(text)) => parse_offset(&text).map(|key| (text, key)),
            _ => None,
        };
        let Some((offset, key)) = offset else {
            c.offset_problem.get_or_insert_with(|| {
                format!(
                    "'{}' arrived without an offset as its last argument (a string \"<ms>-<seq>\"): {}",
                    e.name,
                    Value::Array(e.args.values.clone())
                )
            });
            return;
        };
        if let Some(previous) = c
            .last()
            .filter(|last| key <= last.key)
            .map(|l| l.offset.clone())
        {
            c.offset_problem.get_or_insert_with(|| {
                format!(
                    "offsets do not increase: '{}' at {offset} came after {previous}",
                    e.name
                )
            });
        }
        c.events.push(Logged {
            name: e.name,
            args,
            offset,
            key,
        });
    }

    /// Reads `c` until `enough` holds of what it received, or `wait` passes.
    async fn read_until(
        &mut self,
        ns: &Ns<'_>,
        c: &mut OptedIn,
        wait: Duration,
        enough: impl Fn(&[Logged]) -> bool,
    ) {
        let deadline = Instant::now() + wait;
        while !enough(&c.events) {
            let left = deadline.saturating_duration_since(Instant::now());
            match c.client.next(left).await {
                Ok(Incoming::Event(e)) => self.take(ns, c, e).await,
                _ => return,
            }
        }
    }

    /// Whether a replayed event breaks the document (its offset removed).
    fn judge_replayed(&mut self, ns: &Ns<'_>, e: &Logged) -> Option<(ViolationKind, String)> {
        let received = Received {
            ns: ns.index,
            path: ns.path.clone(),
            name: e.name.clone(),
            values: validation_view(&e.args),
            frame: String::new(),
            seen_by: SeenBy::Sender,
        };
        self.judge_server_event(&received)
    }
}

/// The recovery phase of one namespace (see the module's docs).
pub(super) async fn run(s: &mut Session<'_>, ns: &Ns<'_>) {
    // The server under test: the one named, else the document's only one (as a server
    // built from the document picks it).
    let api = &s.doc.api;
    let server = match s.opts.server.as_deref() {
        Some(name) => api.server(name),
        None if api.servers.len() == 1 => api.servers.first(),
        None => None,
    };
    let Some(declared) = s.doc.api.recovery_for(server) else {
        return;
    };
    let scope = Scope {
        phase: Phase::Recovery,
        namespace: &ns.path,
        event: SESSION_EVENT,
    };
    // Long enough for a server that emits every second to emit twice.
    let wait = (s.opts.listen + s.opts.timeout).max(Duration::from_millis(500));

    let started = Instant::now();
    let opened = match s.opt_in(ns, Value::Null, None).await {
        Ok(by) => s.opt_in(ns, Value::Null, None).await.map(|c| (by, c)),
        Err(e) => Err(e),
    };
    let (mut bystander, mut subject) = match opened {
        Ok((by, c)) if !by.recovered && !c.recovered && by.pid != c.pid => (by, c),
        Ok(_) => {
            let failure = Failure::new(
                ViolationKind::RecoverySessionMissing,
                "a first connection with \"pid\": null must get a new session \
                 (\"recovered\": false, a pid of its own)"
                    .into(),
            );
            s.record(scope.check("session offered".into(), started.elapsed(), Some(failure)));
            return;
        }
        Err(NoSession::Connect(message)) => {
            let failure = Failure::new(ViolationKind::ValidHandshakeRefused, message);
            s.record(scope.check("session offered".into(), started.elapsed(), Some(failure)));
            return;
        }
        Err(NoSession::Missing(message)) => {
            let failure = Failure::new(ViolationKind::RecoverySessionMissing, message);
            s.record(scope.check("session offered".into(), started.elapsed(), Some(failure)));
            return;
        }
    };
    s.record(scope.check("session offered".into(), started.elapsed(), None));

    // Events the server sends on its own, with their offsets.
    let started = Instant::now();
    s.read_until(ns, &mut subject, wait, |e| !e.is_empty())
        .await;
    if let Some(problem) = subject.offset_problem.clone() {
        let failure = Failure::new(ViolationKind::OffsetMissing, problem);
        s.record(scope.check("offsets".into(), started.elapsed(), Some(failure)));
        return;
    }
    let Some(last) = subject.last().cloned() else {
        not_exercised(
            s,
            scope,
            started,
            format!(
                "the server sent no event on its own to {} within {wait:?}: recovery (x-socketio-recovery, \
                 maxDisconnectionDuration {} ms) could not be exercised",
                ns.path, declared.max_disconnection_duration_ms
            ),
        );
        forged(s, ns, scope, None).await;
        return;
    };
    s.record(scope.check("offsets".into(), started.elapsed(), None));

    // The subject loses its transport; the bystander stays and sees what it misses.
    let pid = subject.pid.clone();
    drop(subject.client);
    let started = Instant::now();
    // Several events, to see their order; fewer when the server is slow.
    s.read_until(ns, &mut bystander, wait, |e| {
        e.iter().filter(|x| x.key > last.key).count() >= MISSED
    })
    .await;
    // The server must have noticed the lost transport before the client comes back (a
    // closed websocket is seen at once; this leaves it time under load).
    tokio::time::sleep(AWAY.saturating_sub(started.elapsed())).await;
    let missed: Vec<Logged> = bystander
        .events
        .iter()
        .filter(|e| e.key > last.key)
        .cloned()
        .collect();

    let back = match s.opt_in(ns, json!(pid), Some(&last.offset)).await {
        Ok(back) if back.recovered && back.pid == pid => back,
        Ok(back) => {
            let failure = Failure::new(
                ViolationKind::NotRecovered,
                format!(
                    "a client that lost its transport and came back after {:?} (within \
                     maxDisconnectionDuration {} ms) with its pid and last offset {} got a new \
                     session (\"recovered\": {}, {} pid)",
                    started.elapsed(),
                    declared.max_disconnection_duration_ms,
                    last.offset,
                    back.recovered,
                    if back.pid == pid { "the same" } else { "a new" }
                ),
            );
            s.record(scope.check("recovered".into(), started.elapsed(), Some(failure)));
            forged(s, ns, scope, Some(&last.offset)).await;
            return;
        }
        Err(NoSession::Connect(message) | NoSession::Missing(message)) => {
            let failure = Failure::new(ViolationKind::NotRecovered, message);
            s.record(scope.check("recovered".into(), started.elapsed(), Some(failure)));
            return;
        }
    };
    s.record(scope.check("recovered".into(), started.elapsed(), None));

    let started = Instant::now();
    if missed.is_empty() {
        not_exercised(
            s,
            scope,
            started,
            format!(
                "the server sent nothing to {} while the client was away: no replay to check",
                ns.path
            ),
        );
    } else {
        let mut back = back;
        let until = missed.last().map(|e| e.key).unwrap_or(last.key);
        s.read_until(ns, &mut back, wait, |e| e.iter().any(|x| x.key >= until))
            .await;
        // What the bystander saw meanwhile, up to what the subject has seen since.
        s.read_until(ns, &mut bystander, Duration::ZERO, |_| false)
            .await;
        let failure = replay_failure(s, ns, &bystander, &back, (last.key, until));
        s.record(scope.check(
            format!("missed events replayed ({})", missed.len()),
            started.elapsed(),
            failure,
        ));
        let _ = back.client.close().await;
    }
    forged(s, ns, scope, Some(&last.offset)).await;
    let _ = bystander.client.close().await;
}

/// The replay check: every event the bystander received after the subject's last offset, up
/// to the last one it missed or to what the recovered subject has received since if later,
/// reached the subject once, in order, equal, and valid.
fn replay_failure(
    s: &mut Session<'_>,
    ns: &Ns<'_>,
    bystander: &OptedIn,
    back: &OptedIn,
    window: (Offset, Offset),
) -> Option<Failure> {
    if let Some((message, args)) = replay_mismatch(&bystander.events, &back.events, window) {
        return Some(Failure::new(ViolationKind::ReplayMismatch, message).with_args(args));
    }
    if let Some(problem) = &back.offset_problem {
        return Some(Failure::new(ViolationKind::ReplayMismatch, problem.clone()));
    }
    for e in &back.events {
        if let Some((kind, message)) = s.judge_replayed(ns, e) {
            return Some(Failure::new(kind, message).with_args(e.args.values.clone()));
        }
    }
    None
}

/// The first event `seen` (by the bystander) after `after` — up to `missed_until`, or to
/// the last of `replayed` if later — that `replayed` lacks, holds twice or holds changed: the
/// message and that event's arguments.
fn replay_mismatch(
    seen: &[Logged],
    replayed: &[Logged],
    (after, missed_until): (Offset, Offset),
) -> Option<(String, Vec<Value>)> {
    let cut = replayed
        .last()
        .map_or(missed_until, |e| e.key.max(missed_until));
    for want in seen.iter().filter(|e| e.key > after && e.key <= cut) {
        let got: Vec<&Logged> = replayed.iter().filter(|e| e.key == want.key).collect();
        let message = match got.as_slice() {
            [] => format!(
                "the missed event '{}' at offset {} was not replayed",
                want.name, want.offset
            ),
            [one] if one.name != want.name || one.args.values != want.args.values => format!(
                "the event at offset {} was replayed as '{}' {} but was sent as '{}' {}",
                want.offset,
                one.name,
                Value::Array(one.args.values.clone()),
                want.name,
                Value::Array(want.args.values.clone())
            ),
            [_] => continue,
            many => format!(
                "the missed event '{}' at offset {} was replayed {} times",
                want.name,
                want.offset,
                many.len()
            ),
        };
        return Some((message, want.args.values.clone()));
    }
    None
}

/// A forged `pid` must get a new session.
async fn forged(s: &mut Session<'_>, ns: &Ns<'_>, scope: Scope<'_>, offset: Option<&str>) {
    let started = Instant::now();
    let failure = match s.opt_in(ns, json!(FORGED_PID), offset).await {
        Ok(c) if !c.recovered && c.pid != FORGED_PID => {
            let _ = c.client.close().await;
            None
        }
        Ok(c) => {
            let _ = c.client.close().await;
            Some(Failure::new(
                ViolationKind::ForgedSessionRecovered,
                format!(
                    "a pid the server never gave out ({FORGED_PID}) got \"recovered\": {} with {} pid",
                    c.recovered,
                    if c.pid == FORGED_PID { "that" } else { "a new" }
                ),
            ))
        }
        Err(NoSession::Connect(message) | NoSession::Missing(message)) => Some(Failure::new(
            ViolationKind::RecoverySessionMissing,
            format!("with a forged pid: {message}"),
        )),
    };
    s.record(scope.check("forged session".into(), started.elapsed(), failure));
}

/// A check that passed with the warning that recovery could not be exercised.
fn not_exercised(s: &mut Session<'_>, scope: Scope<'_>, started: Instant, message: String) {
    let mut check = scope.check("replay".into(), started.elapsed(), None);
    check.warning = Some(Warning {
        kind: WarningKind::RecoveryNotExercised,
        message,
        args: None,
    });
    s.record(check);
}

#[cfg(test)]
mod tests {
    use asynction_client::Args;
    use serde_json::json;

    use super::{Logged, parse_offset, replay_mismatch};

    fn logged(name: &str, text: &str, offset: &str) -> Logged {
        Logged {
            name: name.to_owned(),
            args: Args::new().arg(json!(text)),
            offset: offset.to_owned(),
            key: parse_offset(offset).unwrap(),
        }
    }

    #[test]
    fn a_replay_must_hold_every_missed_event_once_and_unchanged() {
        let seen = [
            logged("tick", "a", "10-0"),
            logged("tick", "b", "10-1"),
            logged("tick", "c", "11-0"),
            logged("tick", "live", "12-0"),
        ];
        // Missed: after 10-0 up to 11-0; 12-0 came live after the subject's replay.
        let window = ((10, 0), (11, 0));
        let exact = [seen[1].clone(), seen[2].clone()];
        assert!(replay_mismatch(&seen, &exact, window).is_none());
        // Later events the bystander has not read yet are not judged.
        assert!(replay_mismatch(&seen[..3], &seen[1..], window).is_none());

        let lacking = [seen[1].clone()];
        let (message, args) = replay_mismatch(&seen, &lacking, window).unwrap();
        assert_eq!(
            message,
            "the missed event 'tick' at offset 11-0 was not replayed"
        );
        assert_eq!(args, [json!("c")]);
        assert!(
            replay_mismatch(&seen, &[], window).is_some(),
            "nothing replayed"
        );

        let twice = [seen[1].clone(), seen[1].clone(), seen[2].clone()];
        let (message, _) = replay_mismatch(&seen, &twice, window).unwrap();
        assert_eq!(
            message,
            "the missed event 'tick' at offset 10-1 was replayed 2 times"
        );

        let changed = [logged("tock", "b", "10-1"), seen[2].clone()];
        let (message, _) = replay_mismatch(&seen, &changed, window).unwrap();
        assert_eq!(
            message,
            "the event at offset 10-1 was replayed as 'tock' [\"b\"] but was sent as 'tick' [\"b\"]"
        );
    }

    #[test]
    fn offsets_are_read_as_asynction_writes_them() {
        assert_eq!(parse_offset("1765051200000-3"), Some((1765051200000, 3)));
        assert!(parse_offset("1765051200000-3") < parse_offset("1765051200001-0"));
        for bad in ["", "1", "1-", "-1", "1-x", "a-1", "1-2-3", "+1-2"] {
            assert_eq!(parse_offset(bad), None, "{bad}");
        }
    }
}
