//! Greedy shrinking against the live server: a failing input is replaced by smaller candidates
//! ([`shrink_candidates`]) as long as the schema judges them the same way and the server still
//! shows the same [`Symptom`] — the same answer, or (for a consequence of a negative case) a
//! server event of the same name breaking the document the same way: the cause is shrunk, not
//! the symptom.

use std::time::Duration;

use asynction_client::Client;
use serde_json::Value;

use super::args::{to_args, validation_view};
use super::records::{Expected, Input, Symptom, Via};
use super::session::Session;
use super::target::Target;
use crate::mutate::{shrink_candidates, size};
use crate::report::ViolationKind;

/// How long a consequence's shrinking attempt waits for its ack.
const GRACE: Duration = Duration::from_millis(100);

/// Attempts allowed when each one waits for a timeout.
const SLOW_BUDGET: usize = 6;

/// Attempts allowed when each one waits for the server to be quiet (consequences).
const CONSEQUENCE_BUDGET: usize = 20;

/// The smallest instance (by [`size`]) found that the schema still judges the same way (valid,
/// or invalid for negative cases) and that still shows `symptom`, as arguments; `None` when the
/// event has no payload schema.
pub(super) async fn shrink(
    s: &mut Session<'_>,
    to: Target<'_>,
    instance: &Value,
    symptom: &Symptom,
    via: Via<'_>,
) -> Option<Vec<Value>> {
    let validator = to.ns.payload_schema(to.event)?.clone();
    let negative = match symptom {
        Symptom::Answer { expected, .. } => *expected == Expected::Refused,
        Symptom::Consequence { .. } => true,
    };
    let mut budget = match symptom {
        Symptom::Answer {
            kind: ViolationKind::AckTimeout | ViolationKind::InvalidEventUnanswered,
            ..
        } => s.opts.shrink_budget.min(SLOW_BUDGET),
        Symptom::Consequence { .. } => s.opts.shrink_budget.min(CONSEQUENCE_BUDGET),
        Symptom::Answer { .. } => s.opts.shrink_budget,
    };
    let want_ack = if negative {
        s.rules.rules.ack_required(to.event.ack.is_some())
    } else {
        to.event.ack.is_some()
    };
    let ack_wait = want_ack.then(|| match symptom {
        Symptom::Answer { .. } => s.opts.timeout,
        Symptom::Consequence { .. } => s.opts.timeout.min(GRACE),
    });
    let mut own: Option<Client> = None;
    let (conn, shared) = match via {
        Via::Own => (&mut own, false),
        Via::Negative(conn) => (conn, true),
    };
    let mut current = instance.clone();
    'outer: while budget > 0 {
        let candidates = shrink_candidates(&current);
        for cand in candidates {
            if size(&cand) >= size(&current) {
                continue;
            }
            let args = to_args(to.event, &cand);
            if validator.validate_args(&validation_view(&args)).is_ok() == negative {
                continue;
            }
            if budget == 0 {
                break 'outer;
            }
            budget -= 1;
            let (answer, consequences) = if shared {
                let input = Input {
                    case: "shrinking",
                    instance: Some(&cand),
                    args: &args,
                    ack_wait,
                    attempt: true,
                };
                let a = s.attempt(to, conn, input).await;
                (a.answer, a.consequences)
            } else {
                (s.try_one(to, conn, &args, ack_wait).await, Vec::new())
            };
            let same = match symptom {
                Symptom::Answer { kind, expected } => s
                    .judge(to, *expected, &answer)
                    .is_some_and(|(k, _)| k == *kind),
                Symptom::Consequence { kind, event } => consequences
                    .iter()
                    .any(|f| f.kind == *kind && f.received.name == *event),
            };
            if same {
                current = cand;
                continue 'outer;
            }
        }
        break;
    }
    if let Some(c) = own {
        let _ = c.close().await;
    }
    Some(to_args(to.event, &current).values)
}
