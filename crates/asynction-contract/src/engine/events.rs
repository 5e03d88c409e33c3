//! The events phase: every selected client-sent event's examples and generated values, on
//! one connection per transport. Events without an ack are sent in one batch; events with one
//! in pipelined windows of [`WINDOW`] acks in flight; after a lost connection, what is left
//! goes one by one, so the case to blame is found.

use std::time::Instant;

use asynction_client::{Client, Transport};

use super::records::{Answer, Case, Via};
use super::session::{Session, connect_failure, transport_name};
use super::target::{Ns, Target};
use crate::report::{Failure, Phase, ViolationKind};

/// Values in flight at once on one connection (acks awaited together).
const WINDOW: usize = 64;

/// Runs the events phase on one namespace over transport `t`.
pub(super) async fn run(s: &mut Session<'_>, ns: &Ns<'_>, t: Transport) {
    let tname = transport_name(t);
    let n = if t == Transport::Polling && s.opts.transports.len() > 1 {
        s.opts.examples.min(3)
    } else {
        s.opts.examples
    };
    let mut conn: Option<Client> = None;
    for event in s.events_of(ns.doc) {
        let to = Target {
            ns,
            event,
            transport: t,
        };
        let cases = s.cases(ns, event, n, tname);
        if conn.is_none() {
            match s.connect(ns, &ns.good, t).await {
                Ok(c) => conn = Some(c),
                Err(e) => {
                    let started = Instant::now();
                    let failure = Failure::new(
                        ViolationKind::ValidHandshakeRefused,
                        format!("cannot connect to send events: {}", connect_failure(&e)),
                    );
                    let check = to.scope(Phase::Events).check(
                        format!("connect ({tname})"),
                        started.elapsed(),
                        Some(failure),
                    );
                    s.record(check);
                    continue;
                }
            }
        }
        let rest = if event.ack.is_some() {
            send_windows(s, to, &mut conn, cases).await
        } else {
            send_batch(s, to, &mut conn, cases).await
        };
        for case in rest {
            let started = Instant::now();
            let answer = s
                .try_one(to, &mut conn, &case.args, s.ack_wait(event))
                .await;
            let verdict = s.judge(to, case.expected, &answer);
            s.finish_case(to, case, started, verdict, Via::Own).await;
        }
    }
    if let Some(mut c) = conn.take() {
        s.drain(ns, &mut c).await;
        let _ = c.close().await;
    }
}

/// An event without an ack: sends every case, then one short wait for a disconnect. Returns
/// the cases to retry one by one (all of them, after a loss: the one to blame is unknown).
async fn send_batch(
    s: &mut Session<'_>,
    to: Target<'_>,
    conn: &mut Option<Client>,
    batch: Vec<Case>,
) -> Vec<Case> {
    let started = Instant::now();
    let (ns, event) = (to.ns, to.event);
    let client = conn.as_mut().expect("connected");
    let mut lost = false;
    for (i, case) in batch.iter().enumerate() {
        if client
            .emit(&ns.path, &event.name, case.args.clone())
            .await
            .is_err()
        {
            lost = true;
            break;
        }
        if i % WINDOW == WINDOW - 1 && !s.drain(ns, client).await {
            lost = true;
            break;
        }
    }
    if !lost {
        lost = s.grace(ns, client).await.is_some();
    }
    if lost {
        if let Some(c) = conn.take() {
            let _ = c.close().await;
        }
        return batch;
    }
    let per = started.elapsed() / batch.len().max(1) as u32;
    for case in batch {
        let check = to.scope(Phase::Events).check(case.name, per, None);
        s.record(check);
    }
    Vec::new()
}

/// An event with an ack: pipelined windows while the connection holds. Returns the cases to
/// retry one by one (those of a window whose connection was lost, and every later one).
async fn send_windows(
    s: &mut Session<'_>,
    to: Target<'_>,
    conn: &mut Option<Client>,
    cases: Vec<Case>,
) -> Vec<Case> {
    let mut rest: Vec<Case> = Vec::new();
    let mut queue = cases.into_iter().peekable();
    while queue.peek().is_some() {
        let window: Vec<Case> = queue.by_ref().take(WINDOW).collect();
        if !rest.is_empty() || conn.is_none() {
            rest.extend(window);
            continue;
        }
        let client = conn.as_mut().expect("connected");
        let lost = send_window(s, to, client, window, &mut rest).await;
        if lost && let Some(c) = conn.take() {
            let _ = c.close().await;
        }
    }
    rest
}

/// Sends a window of cases that ask for acks at once and waits for the acks; records their
/// checks; cases whose fate is unknown after a lost connection go to `rest`. Returns whether
/// the connection was lost.
async fn send_window(
    s: &mut Session<'_>,
    to: Target<'_>,
    client: &mut Client,
    window: Vec<Case>,
    rest: &mut Vec<Case>,
) -> bool {
    let (ns, event) = (to.ns, to.event);
    let started = Instant::now();
    let mut ids = Vec::with_capacity(window.len());
    for (i, case) in window.iter().enumerate() {
        match client
            .emit_ack_id(&ns.path, &event.name, case.args.clone())
            .await
        {
            Ok(id) => ids.push(id),
            Err(_) => {
                rest.extend(window.into_iter().skip(i));
                // The ones already sent are retried too: their fate is unknown.
                return true;
            }
        }
    }
    let deadline = tokio::time::Instant::now() + s.opts.timeout;
    let mut lost = false;
    let mut results = Vec::with_capacity(window.len());
    for id in ids {
        if lost {
            results.push(None);
            continue;
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        match client.wait_ack(&ns.path, id, left).await {
            Ok(a) => results.push(Some(Answer::Ack(a))),
            Err(e) if e.is_timeout() => results.push(Some(Answer::Timeout)),
            Err(_) => {
                lost = true;
                results.push(None);
            }
        }
    }
    let per = started.elapsed() / window.len().max(1) as u32;
    let mut to_finish = Vec::new();
    for (case, answer) in window.into_iter().zip(results) {
        match answer {
            None => rest.push(case),
            Some(answer) => {
                let verdict = s.judge(to, case.expected, &answer);
                to_finish.push((case, verdict));
            }
        }
    }
    s.drain(ns, client).await;
    for (case, verdict) in to_finish {
        s.finish_case(to, case, Instant::now() - per, verdict, Via::Own)
            .await;
    }
    lost
}
