//! Greedy shrinking against the live server: a failing generated value is replaced by smaller
//! candidates ([`shrink_candidates`]) as long as the schema judges them the same way and the
//! server still fails them with the same violation.

use asynction_client::Client;
use serde_json::Value;

use super::args::{to_args, validation_view};
use super::cases::{Expected, Target};
use super::session::Session;
use crate::mutate::{shrink_candidates, size};
use crate::report::ViolationKind;

/// The smallest instance (by [`size`]) found that the schema still judges the same way (valid,
/// or invalid for negative cases) and that still fails with `kind`, as arguments; `None` when
/// the event has no payload schema.
pub(super) async fn shrink(
    s: &mut Session<'_>,
    to: Target<'_>,
    instance: &Value,
    kind: ViolationKind,
    expected: Expected,
) -> Option<Vec<Value>> {
    let validator = to.ns.payload_schema(to.event)?.clone();
    let negative = expected == Expected::Refused;
    let slow = matches!(
        kind,
        ViolationKind::AckTimeout | ViolationKind::InvalidEventUnanswered
    );
    let mut budget = if slow {
        s.opts.shrink_budget.min(6)
    } else {
        s.opts.shrink_budget
    };
    let want_ack = negative || to.event.ack.is_some();
    let mut current = instance.clone();
    let mut conn: Option<Client> = None;
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
            let answer = s.try_one(to, &mut conn, &args, want_ack).await;
            if s.judge(to, expected, &answer)
                .is_some_and(|(k, _)| k == kind)
            {
                current = cand;
                continue 'outer;
            }
        }
        break;
    }
    if let Some(c) = conn {
        let _ = c.close().await;
    }
    Some(to_args(to.event, &current).values)
}
