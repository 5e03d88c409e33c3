//! One case of a client-sent event: what is sent (an example, a generated value, a mutation),
//! how it is sent and answered, how the answer is judged, and how its check is recorded (a
//! failing generated value shrunk first). Shared by the events, negative and shrink steps.

use std::time::{Duration, Instant};

use asynction::mock::FakeGenerator;
use asynction::model::Event;
use asynction_client::{Args, Client};
use serde_json::Value;

use super::args::{to_args, validation_view};
use super::records::{Answer, Case, Expected, Symptom, Verdict, Via, violations_text};
use super::session::{Session, connect_failure};
use super::shrink::shrink;
use super::target::{Ns, Target};
use crate::report::{Failure, ViolationKind, compact};

impl Session<'_> {
    /// How long an answer to an event that declares an ack (`Some`) may take; `None` for one
    /// that declares none (sent without an ack request).
    pub(super) fn ack_wait(&self, event: &Event) -> Option<Duration> {
        event.ack.is_some().then_some(self.opts.timeout)
    }

    /// Examples and `generated` generated values of an event (or one case without arguments
    /// when the event has no payload schema).
    pub(super) fn cases(
        &self,
        ns: &Ns<'_>,
        event: &Event,
        generated: usize,
        label: &str,
    ) -> Vec<Case> {
        let mut out = Vec::new();
        let Some(schema) = &event.payload else {
            // No payload schema: any arguments; send none.
            out.push(Case {
                name: format!("no arguments ({label})"),
                instance: None,
                args: Args::new(),
                generated: false,
                expected: Expected::Accepted,
            });
            return out;
        };
        let validator = ns.payload_schema(event);
        for (i, ex) in event.example_payloads().enumerate() {
            if validator.is_some_and(|v| !v.is_valid(ex)) {
                continue;
            }
            out.push(Case {
                name: format!("example #{} ({label})", i + 1),
                instance: Some(ex.clone()),
                args: to_args(event, ex),
                generated: false,
                expected: Expected::Accepted,
            });
        }
        let Ok(generator) = FakeGenerator::new(schema, &self.doc.resolved, &[]) else {
            return out;
        };
        let mut rng = self.rng(&format!("events {} {} {label}", ns.doc.path, event.name));
        for i in 0..generated {
            let v = generator.generate(&mut rng);
            out.push(Case {
                name: format!("generated #{} ({label})", i + 1),
                args: to_args(event, &v),
                instance: Some(v),
                generated: true,
                expected: Expected::Accepted,
            });
        }
        out
    }

    /// Sends one case on `conn` (reconnecting when it is gone) and classifies the answer:
    /// with an ack request waited for at most `ack_wait` when that is set, else without one.
    pub(super) async fn try_one(
        &mut self,
        to: Target<'_>,
        conn: &mut Option<Client>,
        args: &Args,
        ack_wait: Option<Duration>,
    ) -> Answer {
        let (ns, event) = (to.ns, to.event);
        if conn.is_none() {
            match self.connect(ns, &ns.good, to.transport).await {
                Ok(c) => *conn = Some(c),
                Err(e) => return Answer::NotConnected(connect_failure(&e)),
            }
        }
        let Some(client) = conn.as_mut() else {
            unreachable!("connected above")
        };
        let answer = if let Some(wait) = ack_wait {
            match client
                .emit_ack_id(&ns.path, &event.name, args.clone())
                .await
            {
                Ok(id) => {
                    if let Some(cause) = self.cause.as_mut() {
                        cause.ack_id = Some(id);
                    }
                    match client.wait_ack(&ns.path, id, wait).await {
                        Ok(a) => Answer::Ack(a),
                        Err(e) if e.is_timeout() => Answer::Timeout,
                        Err(e) => Answer::Disconnected(e.to_string()),
                    }
                }
                Err(e) => Answer::Disconnected(e.to_string()),
            }
        } else {
            match client.emit(&ns.path, &event.name, args.clone()).await {
                Ok(()) => match self.grace(ns, client).await {
                    None => Answer::Sent,
                    Some(why) => Answer::Disconnected(why),
                },
                Err(e) => Answer::Disconnected(e.to_string()),
            }
        };
        if let Answer::Disconnected(_) | Answer::NotConnected(_) = answer {
            if let Some(c) = conn.take() {
                let _ = c.close().await;
            }
        } else if let Some(c) = conn.as_mut() {
            self.drain(ns, c).await;
        }
        answer
    }

    /// Whether an answer breaks the contract for a case that expects `expected`.
    pub(super) fn judge(&self, to: Target<'_>, expected: Expected, answer: &Answer) -> Verdict {
        match expected {
            Expected::Accepted => self.judge_valid(to, answer),
            Expected::Refused => self.judge_invalid(to, answer),
        }
    }

    /// A valid event's answer: an ack that validates, or nothing with the connection up.
    fn judge_valid(&self, to: Target<'_>, answer: &Answer) -> Verdict {
        match answer {
            Answer::Sent => None,
            Answer::Ack(args) => match to.ns.ack_schema(to.event) {
                Some(v) => v.validate_args(&validation_view(args)).err().map(|vs| {
                    (
                        ViolationKind::InvalidAck,
                        format!(
                            "the ack [{}] does not validate: {}",
                            compact(&args.values),
                            violations_text(&vs)
                        ),
                    )
                }),
                None => None,
            },
            Answer::Timeout => Some((
                ViolationKind::AckTimeout,
                format!("no ack within {:?}", self.opts.timeout),
            )),
            Answer::Disconnected(why) => Some((
                ViolationKind::Disconnected,
                format!("the server dropped the client after a valid event: {why}"),
            )),
            Answer::NotConnected(why) => Some((
                ViolationKind::ValidHandshakeRefused,
                format!("the event could not be sent: {why}"),
            )),
        }
    }

    /// An invalid event's answer: any answer but an ack that validates as a success.
    fn judge_invalid(&self, to: Target<'_>, answer: &Answer) -> Verdict {
        match answer {
            Answer::Sent | Answer::Disconnected(_) | Answer::NotConnected(_) => None,
            Answer::Ack(args) => match to.ns.ack_schema(to.event) {
                Some(v) if v.validate_args(&validation_view(args)).is_ok() => Some((
                    ViolationKind::InvalidEventAccepted,
                    format!(
                        "an invalid event was acked as a success: [{}] validates against the ack schema",
                        compact(&args.values)
                    ),
                )),
                _ => None,
            },
            Answer::Timeout => {
                let why = if to.event.ack.is_some() {
                    format!("the document declares an ack for '{}'", to.event.name)
                } else {
                    format!(
                        "the strict refusal rules want every invalid event answered; the document declares no ack for '{}'",
                        to.event.name
                    )
                };
                Some((
                    ViolationKind::InvalidEventUnanswered,
                    format!(
                        "an invalid event with an ack requested was not answered within {:?} (no ack, no disconnect; {why})",
                        self.opts.timeout
                    ),
                ))
            }
        }
    }

    /// Records a case's check (its duration counted from `started`, shrinking included); a
    /// failing generated case is shrunk first, its candidates sent `via` a connection.
    pub(super) async fn finish_case(
        &mut self,
        to: Target<'_>,
        case: Case,
        started: Instant,
        verdict: Verdict,
        via: Via<'_>,
    ) {
        let scope = to.scope(case.expected.phase());
        let Some((kind, message)) = verdict else {
            let check = scope.check(case.name, started.elapsed(), None);
            return self.record(check);
        };
        let label = match case.expected {
            Expected::Refused => case.name.clone(),
            Expected::Accepted => String::new(),
        };
        let key = (to.ns.index, to.event.name.clone(), kind, label);
        let shrunk = match (&case.instance, case.generated, self.shrunk.get(&key)) {
            (Some(_), true, Some(known)) => Some(known.clone()),
            (Some(instance), true, None) => {
                let symptom = Symptom::Answer {
                    kind,
                    expected: case.expected,
                };
                let s = shrink(self, to, instance, &symptom, via).await;
                if let Some(s) = &s {
                    self.shrunk.insert(key, s.clone());
                }
                s
            }
            _ => None,
        };
        let repro_args = shrunk.clone().unwrap_or_else(|| case.args.values.clone());
        let mut failure = Failure::new(kind, message)
            .with_args(case.args.values.clone())
            .with_reproduction(self.js_emit(to.ns, &to.event.name, &repro_args));
        failure.shrunk = shrunk;
        let check = scope.check(case.name, started.elapsed(), Some(failure));
        self.record(check);
    }

    /// A one-line JavaScript reproduction of an emit.
    pub(super) fn js_emit(&self, ns: &Ns<'_>, event: &str, args: &[Value]) -> String {
        let mut parts = vec![serde_json::to_string(event).unwrap_or_default()];
        parts.extend(args.iter().map(|a| a.to_string()));
        format!(
            "io({:?}, {{path: {:?}}}).emit({}, (ack) => console.log(ack))",
            format!("{}{}", self.opts.url.trim_end_matches('/'), ns.path),
            self.sio_path,
            parts.join(", ")
        )
    }
}
