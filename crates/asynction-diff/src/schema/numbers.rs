//! Numeric bounds of values (`minimum`, `maximum`, both spellings of `exclusive…`,
//! `multipleOf`) and the `min…`/`max…` counts that bound sizes (lengths, items, properties).

use serde_json::{Map, Value};

use super::place::{Ctx, Here, Key};
use super::{Effect, Finding};

fn num(s: &Map<String, Value>, k: &str) -> Option<f64> {
    s.get(k).and_then(Value::as_f64)
}

/// A bound: value and whether it is exclusive.
type Bound = Option<(f64, bool)>;

fn lower(s: &Map<String, Value>) -> Bound {
    let mut b: Bound = None;
    let min = num(s, "minimum");
    let excl_bool = s.get("exclusiveMinimum") == Some(&Value::Bool(true));
    if let Some(m) = min {
        b = Some((m, excl_bool));
    }
    if let Some(x) = num(s, "exclusiveMinimum")
        && b.is_none_or(|(m, e)| x > m || (x == m && !e))
    {
        b = Some((x, true));
    }
    b
}

fn upper(s: &Map<String, Value>) -> Bound {
    let mut b: Bound = None;
    let max = num(s, "maximum");
    let excl_bool = s.get("exclusiveMaximum") == Some(&Value::Bool(true));
    if let Some(m) = max {
        b = Some((m, excl_bool));
    }
    if let Some(x) = num(s, "exclusiveMaximum")
        && b.is_none_or(|(m, e)| x < m || (x == m && !e))
    {
        b = Some((x, true));
    }
    b
}

fn show_bound(b: Bound, lower: bool) -> String {
    match b {
        None => "none".to_owned(),
        Some((v, excl)) => match (lower, excl) {
            (true, false) => format!(">= {v}"),
            (true, true) => format!("> {v}"),
            (false, false) => format!("<= {v}"),
            (false, true) => format!("< {v}"),
        },
    }
}

/// Whether lower bound `b` is stricter than `a` (accepts fewer values).
fn stricter_lower(a: Bound, b: Bound) -> bool {
    match (a, b) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some((av, ae)), Some((bv, be))) => bv > av || (bv == av && be && !ae),
    }
}

fn stricter_upper(a: Bound, b: Bound) -> bool {
    match (a, b) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some((av, ae)), Some((bv, be))) => bv < av || (bv == av && be && !ae),
    }
}

fn count(s: &Map<String, Value>, k: &str) -> Option<u64> {
    s.get(k).and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_f64().map(|f| f.max(0.0).ceil() as u64))
    })
}

impl Ctx<'_> {
    /// The number family: lower and upper bounds, `multipleOf`.
    pub(super) fn numbers(
        &self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        for (is_lower, ob, nb) in [(true, lower(o), lower(n)), (false, upper(o), upper(n))] {
            if ob == nb {
                continue;
            }
            let (narrow, wide) = if is_lower {
                (stricter_lower(ob, nb), stricter_lower(nb, ob))
            } else {
                (stricter_upper(ob, nb), stricter_upper(nb, ob))
            };
            if !narrow && !wide {
                continue;
            }
            let (k1, k2) = if is_lower {
                ("minimum", "exclusiveMinimum")
            } else {
                ("maximum", "exclusiveMaximum")
            };
            let key = if n.contains_key(k1) || o.contains_key(k1) {
                k1
            } else {
                k2
            };
            out.push(here.finding(
                Key::of(key, o, n),
                Effect::of(narrow, wide),
                format!(
                    "{} bound changed from {} to {}",
                    if is_lower { "lower" } else { "upper" },
                    show_bound(ob, is_lower),
                    show_bound(nb, is_lower)
                ),
            ));
        }
        let (om, nm) = (num(o, "multipleOf"), num(n, "multipleOf"));
        if om != nm {
            let divides = |a: f64, b: f64| {
                let r = a / b;
                r.is_finite() && (r - r.round()).abs() < 1e-9
            };
            let (narrow, wide) = match (om, nm) {
                (None, Some(_)) => (true, false),
                (Some(_), None) => (false, true),
                (Some(a), Some(b)) if divides(b, a) => (true, false),
                (Some(a), Some(b)) if divides(a, b) => (false, true),
                _ => (true, true),
            };
            out.push(here.finding(
                Key::on("multipleOf", om.is_some(), nm.is_some()),
                Effect::of(narrow, wide),
                format!(
                    "multipleOf changed from {} to {}",
                    om.map_or("none".into(), |v| v.to_string()),
                    nm.map_or("none".into(), |v| v.to_string())
                ),
            ));
        }
    }

    /// `min…`/`max…` counts (lengths, items, properties).
    pub(super) fn counts(
        &self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        (min_k, max_k): (&str, &str),
        what: &str,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        let (omin, nmin) = (count(o, min_k).unwrap_or(0), count(n, min_k).unwrap_or(0));
        if omin != nmin {
            out.push(here.finding(
                Key::of(min_k, o, n),
                Effect::of(nmin > omin, nmin < omin),
                format!("minimum {what} changed from {omin} to {nmin}"),
            ));
        }
        let (omax, nmax) = (count(o, max_k), count(n, max_k));
        if omax != nmax {
            let show = |v: Option<u64>| v.map_or("unlimited".to_owned(), |v| v.to_string());
            let narrow = match (omax, nmax) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b < a,
            };
            out.push(here.finding(
                Key::of(max_k, o, n),
                Effect::of(narrow, !narrow),
                format!(
                    "maximum {what} changed from {} to {}",
                    show(omax),
                    show(nmax)
                ),
            ));
        }
    }
}
