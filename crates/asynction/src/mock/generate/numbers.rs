//! Numbers and integers: `minimum`/`maximum` (inclusive or exclusive, draft-04 booleans too),
//! `multipleOf`; integers stay inside ±2^53 so JavaScript clients read them exactly.

use rand::{Rng, RngExt};
use serde_json::{Map, Number, Value};

use super::{Blocked, LOCAL_RETRIES};

/// Numeric bounds of a flat schema: (lower, lower exclusive, upper, upper exclusive).
fn bounds(map: &Map<String, Value>) -> (Option<f64>, bool, Option<f64>, bool) {
    let mut lo = map.get("minimum").and_then(Value::as_f64);
    let mut lo_excl = false;
    match map.get("exclusiveMinimum") {
        Some(Value::Bool(true)) => lo_excl = lo.is_some(),
        Some(v) => {
            if let Some(x) = v.as_f64()
                && lo.is_none_or(|l| x >= l)
            {
                lo = Some(x);
                lo_excl = true;
            }
        }
        None => {}
    }
    let mut hi = map.get("maximum").and_then(Value::as_f64);
    let mut hi_excl = false;
    match map.get("exclusiveMaximum") {
        Some(Value::Bool(true)) => hi_excl = hi.is_some(),
        Some(v) => {
            if let Some(x) = v.as_f64()
                && hi.is_none_or(|h| x <= h)
            {
                hi = Some(x);
                hi_excl = true;
            }
        }
        None => {}
    }
    (lo, lo_excl, hi, hi_excl)
}

/// Integers are kept inside ±2^53 so they survive JavaScript clients.
const SAFE_INT: f64 = 9_007_199_254_740_991.0;

pub(super) fn integer<R: Rng + ?Sized>(
    map: &Map<String, Value>,
    path: &str,
    rng: &mut R,
) -> Result<Value, Blocked> {
    let (lo, lo_excl, hi, hi_excl) = bounds(map);
    let mut lo_i = lo.map(|l| {
        if lo_excl && l.fract() == 0.0 {
            l + 1.0
        } else {
            l.ceil()
        }
    });
    let mut hi_i = hi.map(|h| {
        if hi_excl && h.fract() == 0.0 {
            h - 1.0
        } else {
            h.floor()
        }
    });
    match (lo_i, hi_i) {
        (None, None) => {
            lo_i = Some(0.0);
            hi_i = Some(1000.0);
        }
        (Some(l), None) => hi_i = Some(l + 1000.0),
        (None, Some(h)) => lo_i = Some(h - 1000.0),
        _ => {}
    }
    let lo_i = lo_i.unwrap_or(0.0).max(-SAFE_INT) as i64;
    let hi_i = hi_i.unwrap_or(0.0).min(SAFE_INT) as i64;
    if lo_i > hi_i {
        return Err(Blocked::new(
            path,
            "maximum",
            format!("no integer between {lo:?} and {hi:?}"),
        ));
    }
    let Some(m) = map
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|m| *m > 0.0)
    else {
        return Ok(Value::from(rng.random_range(lo_i..=hi_i)));
    };
    // The smallest integer step that is a multiple of `m` (m itself, or 10·m for 0.1, …).
    let step = (1..=1000)
        .map(|n| n as f64 * m)
        .find(|s| (s - s.round()).abs() < 1e-9 && s.round() >= 1.0)
        .map(|s| s.round() as i64)
        .ok_or_else(|| {
            Blocked::new(
                path,
                "multipleOf",
                format!("no integer step found for multipleOf {m}"),
            )
        })?;
    let k_lo = (lo_i as f64 / step as f64).ceil() as i64;
    let k_hi = (hi_i as f64 / step as f64).floor() as i64;
    if k_lo > k_hi {
        return Err(Blocked::new(
            path,
            "multipleOf",
            format!("no multiple of {m} between {lo_i} and {hi_i}"),
        ));
    }
    Ok(Value::from(rng.random_range(k_lo..=k_hi) * step))
}

pub(super) fn number<R: Rng + ?Sized>(
    map: &Map<String, Value>,
    path: &str,
    rng: &mut R,
) -> Result<Value, Blocked> {
    let (lo, lo_excl, hi, hi_excl) = bounds(map);
    let (lo_f, hi_f) = match (lo, hi) {
        (None, None) => (0.0, 1000.0),
        (Some(l), None) => (l, l + 1000.0),
        (None, Some(h)) => (h - 1000.0, h),
        (Some(l), Some(h)) => (l, h),
    };
    let inside = |v: f64| {
        (if lo_excl { v > lo_f } else { v >= lo_f }) && (if hi_excl { v < hi_f } else { v <= hi_f })
    };
    if lo_f > hi_f || (lo_f == hi_f && (lo_excl || hi_excl)) {
        return Err(Blocked::new(
            path,
            "maximum",
            format!("no number between {lo_f} and {hi_f}"),
        ));
    }
    if let Some(m) = map
        .get("multipleOf")
        .and_then(Value::as_f64)
        .filter(|m| *m > 0.0)
    {
        let decimals = decimals_of(m);
        let k_lo = (lo_f / m).ceil() as i64;
        let k_hi = (hi_f / m).floor() as i64;
        for _ in 0..LOCAL_RETRIES {
            if k_lo > k_hi {
                break;
            }
            let v = round_to(rng.random_range(k_lo..=k_hi) as f64 * m, decimals);
            if inside(v) && (v / m).fract() == 0.0 {
                return Ok(number_value(v));
            }
        }
        if inside(0.0) {
            return Ok(Value::from(0));
        }
        return Err(Blocked::new(
            path,
            "multipleOf",
            format!("no multiple of {m} between {lo_f} and {hi_f}"),
        ));
    }
    for _ in 0..LOCAL_RETRIES {
        let v = round_to(rng.random_range(lo_f..=hi_f), 2);
        if inside(v) {
            return Ok(number_value(v));
        }
    }
    let mid = lo_f / 2.0 + hi_f / 2.0;
    if inside(mid) {
        Ok(number_value(mid))
    } else {
        Err(Blocked::new(
            path,
            "exclusiveMinimum",
            format!("no number strictly between {lo_f} and {hi_f}"),
        ))
    }
}

fn decimals_of(m: f64) -> i32 {
    (0..12)
        .find(|d| {
            let scaled = m * 10f64.powi(*d);
            (scaled - scaled.round()).abs() < 1e-9
        })
        .unwrap_or(12)
}

fn round_to(v: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (v * scale).round() / scale
}

fn number_value(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() <= SAFE_INT {
        Value::from(v as i64)
    } else {
        Number::from_f64(v)
            .map(Value::Number)
            .unwrap_or(Value::from(0))
    }
}
