//! The negative phase: schema mutations of a generated value and wrong argument counts, each
//! sent with an ack requested (it must be answered, never acked as a success); then one valid
//! event per tested event on a fresh connection, to show the server still serves.

use std::collections::HashSet;
use std::time::Instant;

use asynction::mock::FakeGenerator;
use asynction::model::Event;
use asynction_client::{Args, Client};
use serde_json::{Value, json};

use super::args::{to_args, validation_view};
use super::cases::{Case, Expected, Target};
use super::namespace::Ns;
use super::session::Session;
use crate::mutate::mutations;
use crate::report::{Failure, Phase, ViolationKind};

/// Runs the negative phase on one namespace.
pub(super) async fn run(s: &mut Session<'_>, ns: &Ns<'_>) {
    let t = s.first_transport();
    let mut conn: Option<Client> = None;
    let mut tested: Vec<&Event> = Vec::new();
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
            let started = Instant::now();
            let answer = s.try_one(to, &mut conn, &case.args, true).await;
            let verdict = s.judge(to, case.expected, &answer);
            s.finish_case(to, case, started, verdict).await;
        }
    }
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
        .try_one(to, &mut fresh, &case.args, event.ack.is_some())
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
