//! Server events as consequences of negative cases.
//!
//! During the negative phase a second client, the bystander, stays connected to the namespace,
//! so what the server relays or broadcasts to other clients is seen too (socket.io's chat demo
//! relays a client's `add user` to everyone else as `user joined`). Each input of the phase
//! becomes the session's [`Cause`] when it is sent and stays so until the next one: a server
//! event that arrives meanwhile, on either client, and breaks the document is that input's
//! consequence ([`Found`], judged at once by `Session::keep`); events that validate go on to
//! the listen phase's judging as usual.
//!
//! "Right after" is this window: the case's own answer (its ack, or the grace the server has
//! to drop the client), then the bystander read until the server has been quiet for [`QUIET`]
//! (at most [`WATCH`]). What arrives later but before the next input is still attributed to the
//! case (recorded without shrinking, when the next input is sent). A server that emits invalid
//! events on its own schedule can have one blamed on a case that happened to precede it; the
//! listen phase reports such events on their own too.
//!
//! A consequence's check fails with both frames and a two-step JavaScript reproduction (the
//! listener that saw it, the emit that caused it); shrinking shrinks the case's input (the
//! cause), keeping the symptom: the same kind of violation in an event of the same name.

use std::time::{Duration, Instant};

use asynction_client::{Client, Incoming};
use serde_json::Value;

use super::records::{Attempt, Cause, Found, Input, Received};
use super::session::Session;
use super::target::{Ns, Scope, Target};
use crate::report::{Consequence, Failure, Phase, SeenBy};

/// How long the server must stay quiet before an input's window closes.
const QUIET: Duration = Duration::from_millis(25);

/// The longest the bystander is read after one input.
const WATCH: Duration = Duration::from_millis(250);

impl Session<'_> {
    /// Connects the bystander to the namespace (the negative phase runs without one when it
    /// cannot connect: then only what the sender receives is attributed).
    pub(super) async fn join_bystander(&mut self, ns: &Ns<'_>) {
        self.bystander = self.connect_quietly(ns, SeenBy::OtherClient).await;
    }

    /// A new client of the namespace, once the server has been quiet for [`QUIET`]: what a
    /// connection brings (welcome events) is kept, but belongs to no input.
    async fn connect_quietly(&mut self, ns: &Ns<'_>, seen_by: SeenBy) -> Option<Client> {
        let cause = self.cause.take();
        let t = self.first_transport();
        let mut client = self.connect(ns, &ns.good, t).await.ok();
        if let Some(c) = client.as_mut() {
            let deadline = Instant::now() + WATCH;
            loop {
                let wait = QUIET.min(deadline.saturating_duration_since(Instant::now()));
                match c.next(wait).await {
                    Ok(Incoming::Event(e)) => self.keep(ns, c, e, seen_by).await,
                    Ok(Incoming::Disconnect { .. }) => {
                        client = None;
                        break;
                    }
                    Err(_) => break,
                }
            }
        }
        self.cause = cause;
        client
    }

    /// Closes the bystander, after taking what it has.
    pub(super) async fn leave_bystander(&mut self, ns: &Ns<'_>) {
        self.read_bystander(ns, Duration::ZERO, Duration::ZERO)
            .await;
        if let Some(b) = self.bystander.take() {
            let _ = b.close().await;
        }
    }

    /// Keeps what reaches the bystander until the server has been quiet for `quiet` (at most
    /// `max`; with zero, only what already arrived). Returns `false` when the server dropped
    /// it; it is then reconnected for the next inputs.
    async fn read_bystander(&mut self, ns: &Ns<'_>, quiet: Duration, max: Duration) -> bool {
        let Some(mut b) = self.bystander.take() else {
            return true;
        };
        let deadline = Instant::now() + max;
        let up = loop {
            let wait = quiet.min(deadline.saturating_duration_since(Instant::now()));
            match b.next(wait).await {
                Ok(Incoming::Event(e)) => self.keep(ns, &mut b, e, SeenBy::OtherClient).await,
                Ok(Incoming::Disconnect { .. }) => break false,
                Err(e) => break e.is_timeout(),
            }
        };
        if up {
            self.bystander = Some(b);
        } else {
            let _ = b.close().await;
            self.bystander = self.connect_quietly(ns, SeenBy::OtherClient).await;
        }
        up
    }

    /// Takes what already reached both clients (it belongs to the latest input), records the
    /// latest input's pending check (its warning dropped if a late consequence showed the
    /// server was not silent after all) and the consequences not yet recorded (late ones,
    /// without shrinking), and connects the sender again when the server dropped it.
    pub(super) async fn settle(&mut self, ns: &Ns<'_>, conn: &mut Option<Client>) {
        if let Some(c) = conn.as_mut()
            && !self.drain(ns, c).await
            && let Some(c) = conn.take()
        {
            let _ = c.close().await;
        }
        self.read_bystander(ns, Duration::ZERO, Duration::ZERO)
            .await;
        let late: Vec<Found> = std::mem::take(&mut self.found)
            .into_iter()
            .filter(|f| !f.cause.attempt)
            .collect();
        if let Some((id, mut check)) = self.pending.take() {
            if late.iter().any(|f| f.cause.id == id) {
                check.warning = None;
            }
            self.record(check);
        }
        for found in late {
            self.record_consequence(found, None);
        }
        if conn.is_none() {
            *conn = self.connect_quietly(ns, SeenBy::Sender).await;
        }
    }

    /// Sends one input of the negative phase on `conn` as the latest [`Cause`], waits for its
    /// answer and for the server to be quiet, and returns what it got.
    pub(super) async fn attempt(
        &mut self,
        to: Target<'_>,
        conn: &mut Option<Client>,
        input: Input<'_>,
    ) -> Attempt {
        self.settle(to.ns, conn).await;
        self.causes += 1;
        let id = self.causes;
        self.last_case = (!input.attempt).then_some(id);
        self.cause = Some(Cause {
            id,
            path: to.ns.path.clone(),
            event: to.event.name.clone(),
            case: input.case.to_owned(),
            instance: input.instance.cloned(),
            args: input.args.clone(),
            ack_id: None,
            sent_at: Instant::now(),
            attempt: input.attempt,
        });
        let answer = self.try_one(to, conn, input.args, input.ack_wait).await;
        let up = self.read_bystander(to.ns, QUIET, WATCH).await;
        let (consequences, rest) = std::mem::take(&mut self.found)
            .into_iter()
            .partition(|f| f.cause.id == id);
        self.found = rest;
        Attempt {
            answer,
            consequences,
            bystander_dropped: !up,
        }
    }

    /// Records a consequence's failing check (under the negative case that caused it), with
    /// `shrunk`, the case's smallest input found to cause the same.
    pub(super) fn record_consequence(&mut self, found: Found, shrunk: Option<Vec<Value>>) {
        let Found {
            received,
            kind,
            message,
            cause,
            after,
        } = found;
        let relays_input = cause
            .instance
            .as_ref()
            .is_some_and(|i| received.values.iter().any(|v| contains(v, i)));
        let lead = if relays_input {
            "relayed the invalid value sent by negative case"
        } else {
            "right after negative case"
        };
        let who = match received.seen_by {
            SeenBy::Sender => "the client that sent it".to_owned(),
            SeenBy::OtherClient => format!("another client of {}", cause.path),
        };
        let input = shrunk.clone().unwrap_or_else(|| cause.args.values.clone());
        let mut failure = Failure::new(
            kind,
            format!(
                "{lead} '{}' of '{}': {message} (received by {who})",
                cause.case, cause.event
            ),
        )
        .with_args(received.values.clone())
        .with_reproduction(self.js_consequence(&cause, &input, &received));
        failure.shrunk = shrunk;
        failure.consequence = Some(Consequence {
            event: cause.event.clone(),
            case: cause.case.clone(),
            sent: cause.frame(),
            received: received.frame.clone(),
            seen_by: received.seen_by,
            relays_input,
        });
        let scope = Scope {
            phase: Phase::Negative,
            namespace: &cause.path,
            event: &cause.event,
        };
        let name = format!("{}: server event '{}'", cause.case, received.name);
        let check = scope.check(name, after, Some(failure));
        self.record(check);
    }

    /// Two JavaScript statements: a client listening for the event, and the emit that caused
    /// it (from another client once the listener is connected, when another client saw it).
    fn js_consequence(&self, cause: &Cause, input: &[Value], received: &Received) -> String {
        let url = format!("{}{}", self.opts.url.trim_end_matches('/'), cause.path);
        let io = format!("io({url:?}, {{path: {:?}}})", self.sio_path);
        let name = serde_json::to_string(&received.name).unwrap_or_default();
        let mut emit = vec![serde_json::to_string(&cause.event).unwrap_or_default()];
        emit.extend(input.iter().map(Value::to_string));
        if cause.ack_id.is_some() {
            emit.push("(ack) => console.log(ack)".to_owned());
        }
        let emit = emit.join(", ");
        let listen = format!(
            "const seen = {io}; seen.on({name}, (...args) => console.log({name}, ...args));"
        );
        match received.seen_by {
            SeenBy::Sender => format!("{listen}\nseen.emit({emit});"),
            SeenBy::OtherClient => {
                format!("{listen}\nseen.on(\"connect\", () => {io}.emit({emit}));")
            }
        }
    }
}

/// Whether `needle` is `haystack` or a value inside it.
fn contains(haystack: &Value, needle: &Value) -> bool {
    haystack == needle
        || match haystack {
            Value::Array(items) => items.iter().any(|v| contains(v, needle)),
            Value::Object(fields) => fields.values().any(|v| contains(v, needle)),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::contains;

    #[test]
    fn a_relayed_value_is_found_anywhere_inside() {
        let event = json!({"username": 12345, "numUsers": [1, {"x": ""}]});
        assert!(contains(&event, &json!(12345)));
        assert!(contains(&event, &json!("")));
        assert!(contains(&event, &event.clone()));
        assert!(!contains(&event, &json!("12345")));
    }
}
