//! The negative phase: schema mutations of a generated value and wrong argument counts, sent
//! while a bystander client stays connected to the namespace; then one valid event per tested
//! event on a fresh connection, to show the server still serves.
//!
//! How a case is sent and judged follows the run's refusal rules ([`crate::refusals`]): with
//! an ack request when the rules require an answer (always under `strict`, where the document
//! declares an ack under `documented`) — it must come, and never validate as a success; else
//! without one, and a server that neither drops the client nor emits anything that breaks the
//! document gets a [`WarningKind::SilentOnInvalidEvent`] warning. Either way the bystander must
//! stay connected, and server events that break the document right after a case fail as its
//! consequences (`consequences`).

use std::collections::HashSet;
use std::time::Instant;

use asynction::mock::FakeGenerator;
use asynction::model::Event;
use asynction_client::{Args, Client};
use serde_json::{Value, json};

use super::args::{to_args, validation_view};
use super::records::{Answer, Case, Expected, Found, Input, Symptom, Via};
use super::session::Session;
use super::shrink::shrink;
use super::target::{Ns, Target};
use crate::mutate::mutations;
use crate::report::{Failure, Phase, ViolationKind, Warning, WarningKind};

/// Runs the negative phase on one namespace.
pub(super) async fn run(s: &mut Session<'_>, ns: &Ns<'_>) {
    let t = s.first_transport();
    let mut conn: Option<Client> = None;
    let mut tested: Vec<&Event> = Vec::new();
    s.join_bystander(ns).await;
    for event in s.events_of(ns.doc) {
        let to = Target {
            ns,
            event,
            transport: t,
        };
        let Some(cases) = invalid_cases(s, to) else {
            continue;
        };
        tested.push(event);
        for case in cases {
            negative_case(s, to, &mut conn, case).await;
        }
    }
    s.settle(ns, &mut conn).await;
    s.cause = None;
    s.leave_bystander(ns).await;
    if let Some(c) = conn.take() {
        let _ = c.close().await;
    }
    for event in tested {
        let to = Target {
            ns,
            event,
            transport: t,
        };
        still_serving(s, to).await;
    }
}

/// Sends one invalid case and records its check, then its consequences' checks.
async fn negative_case(s: &mut Session<'_>, to: Target<'_>, conn: &mut Option<Client>, case: Case) {
    let started = Instant::now();
    let want_ack = s.rules.rules.ack_required(to.event.ack.is_some());
    let input = Input {
        case: &case.name,
        instance: case.instance.as_ref(),
        args: &case.args,
        ack_wait: want_ack.then_some(s.opts.timeout),
        attempt: false,
    };
    let tried = s.attempt(to, conn, input).await;
    let mut verdict = s.judge(to, Expected::Refused, &tried.answer);
    if verdict.is_none() && tried.bystander_dropped {
        verdict = Some((
            ViolationKind::NotServingAfterNegative,
            format!(
                "after this invalid event the server dropped another client of {} (it may drop the client that sent it, not others)",
                to.ns.path
            ),
        ));
    }
    let silent = verdict.is_none()
        && !want_ack
        && matches!(tried.answer, Answer::Sent)
        && tried.consequences.is_empty();
    let (name, instance, generated) = (case.name.clone(), case.instance.clone(), case.generated);
    if silent {
        let warning = Warning {
            kind: WarningKind::SilentOnInvalidEvent,
            message: format!(
                "no sign of refusal: no ack was requested (the document declares none for '{}'), the connection stayed up and nothing the server emitted broke the document; it may have dropped the value, or accepted it",
                to.event.name
            ),
            args: Some(case.args.values.clone()),
        };
        let mut check = to
            .scope(Phase::Negative)
            .check(case.name, started.elapsed(), None);
        check.warning = Some(warning);
        // Recorded once the next input is sent: a consequence arriving late takes it back.
        match s.last_case {
            Some(id) => s.pending = Some((id, check)),
            None => s.record(check),
        }
    } else {
        s.finish_case(to, case, started, verdict, Via::Negative(conn))
            .await;
    }
    for found in tried.consequences {
        let shrunk = match (&instance, generated) {
            (Some(instance), true) => shrink_cause(s, to, conn, (&name, instance), &found).await,
            _ => None,
        };
        s.record_consequence(found, shrunk);
    }
}

/// The smallest input of a case found to cause the same consequence (reused for the same
/// case and server event); `None` when none smaller does.
async fn shrink_cause(
    s: &mut Session<'_>,
    to: Target<'_>,
    conn: &mut Option<Client>,
    (case, instance): (&str, &Value),
    found: &Found,
) -> Option<Vec<Value>> {
    let label = format!("{case} → {}", found.received.name);
    let key = (to.ns.index, to.event.name.clone(), found.kind, label);
    if let Some(known) = s.shrunk.get(&key) {
        return Some(known.clone());
    }
    let symptom = Symptom::Consequence {
        kind: found.kind,
        event: found.received.name.clone(),
    };
    let shrunk = shrink(s, to, instance, &symptom, Via::Negative(conn)).await?;
    let shrunk = (shrunk != to_args(to.event, instance).values).then_some(shrunk);
    if let Some(shrunk) = &shrunk {
        s.shrunk.insert(key, shrunk.clone());
    }
    shrunk
}

/// The invalid cases of an event: mutations of a generated value the payload schema rejects
/// (one per label), then no arguments and one argument too many where the schema rejects them.
/// `None` when the event has no payload schema or no generator.
fn invalid_cases(s: &Session<'_>, to: Target<'_>) -> Option<Vec<Case>> {
    let event = to.event;
    let validator = to.ns.payload_schema(event)?;
    let schema = event.payload.as_ref()?;
    let examples: Vec<Value> = event.example_payloads().cloned().collect();
    let generator = FakeGenerator::new(schema, &s.doc.resolved, &examples).ok()?;
    let mut rng = s.rng(&format!("negative {} {}", to.ns.doc.path, event.name));
    let base = generator.generate(&mut rng);
    let rejects = |args: &Args| validator.validate_args(&validation_view(args)).is_err();
    let mut cases: Vec<Case> = Vec::new();
    let mut seen = HashSet::new();
    for m in mutations(&schema.value, &base) {
        let args = to_args(event, &m.instance);
        if !rejects(&args) || !seen.insert(m.label.clone()) {
            continue;
        }
        cases.push(Case {
            name: m.label,
            instance: Some(m.instance),
            args,
            generated: true,
            expected: Expected::Refused,
        });
    }
    // Wrong argument counts.
    let good = to_args(event, &base);
    let mut none = Args::new();
    none.values.clear();
    let mut more = good;
    more.values.push(json!("asynction-extra-argument"));
    for (label, args) in [("no arguments", none), ("one argument too many", more)] {
        if rejects(&args) {
            cases.push(Case {
                name: label.into(),
                instance: None,
                args,
                generated: false,
                expected: Expected::Refused,
            });
        }
    }
    Some(cases)
}

/// After the negative cases, a valid event on a fresh connection must still work.
async fn still_serving(s: &mut Session<'_>, to: Target<'_>) {
    let (ns, event) = (to.ns, to.event);
    let started = Instant::now();
    let Some(case) = s
        .cases(ns, event, 1, "after negative cases")
        .into_iter()
        .last()
    else {
        return;
    };
    let mut fresh: Option<Client> = None;
    let answer = s
        .try_one(to, &mut fresh, &case.args, s.ack_wait(event))
        .await;
    let failure = s.judge(to, Expected::Accepted, &answer).map(|(_, m)| {
        Failure::new(
            ViolationKind::NotServingAfterNegative,
            format!("after the negative cases, a valid event on a fresh connection failed: {m}"),
        )
        .with_args(case.args.values.clone())
        .with_reproduction(s.js_emit(ns, &event.name, &case.args.values))
    });
    if let Some(c) = fresh {
        let _ = c.close().await;
    }
    let check = to.scope(Phase::Negative).check(
        "still serving after negative cases".into(),
        started.elapsed(),
        failure,
    );
    s.record(check);
}
