//! The array family: item counts, tuples (2020-12 `prefixItems`/`items` and draft-07 array
//! `items`/`additionalItems`, compared position by position), the items after them,
//! `uniqueItems` and `contains`.
//!
//! A tuple is written two ways that accept the same arrays: closed by its rest (`items: false`
//! after `prefixItems`, draft-07 `additionalItems: false`) or by its count (`maxItems` equal to
//! the number of positions, as schemars writes Rust tuples). Both are read as one bound before
//! comparing: the rest closes the count (`maxItems` = positions) and a count that reaches no
//! item past the positions closes the rest (`false`).

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::place::{Ctx, Here, Key, TRUE};
use super::{Effect, Finding};

impl Ctx<'_> {
    pub(super) fn arrays(
        &mut self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        let (oc, nc) = (closed_count(o, n), closed_count(n, o));
        self.counts(
            &oc,
            &nc,
            ("minItems", "maxItems"),
            "number of items",
            here,
            out,
        );
        let (op, orest, orest_key) = tuple(o);
        let (np, nrest, nrest_key) = tuple(n);
        let orest = if closed_rest(o, op.len()) {
            &FALSE
        } else {
            orest
        };
        let nrest = if closed_rest(n, np.len()) {
            &FALSE
        } else {
            nrest
        };
        let (okey, nkey) = (prefix_key(o), prefix_key(n));
        for i in 0..op.len().max(np.len()) {
            let idx = i.to_string();
            let (ov, otok): (&Value, Vec<&str>) = match op.get(i) {
                Some(v) => (v, vec![okey, idx.as_str()]),
                None => (orest, orest_key.into_iter().collect()),
            };
            let (nv, ntok): (&Value, Vec<&str>) = match np.get(i) {
                Some(v) => (v, vec![nkey, idx.as_str()]),
                None => (nrest, nrest_key.into_iter().collect()),
            };
            let child = here.split(&otok, &ntok, format!("{}[{i}]", here.path));
            self.compare(ov, nv, &child, out);
        }
        let child = here.split(
            &orest_key.into_iter().collect::<Vec<_>>(),
            &nrest_key.into_iter().collect::<Vec<_>>(),
            format!("{}[*]", here.path),
        );
        self.compare(orest, nrest, &child, out);
        match (o.get("uniqueItems"), n.get("uniqueItems")) {
            (a, b) if a == b => {}
            (a, b) => {
                let (ou, nu) = (a == Some(&TRUE), b == Some(&TRUE));
                if ou != nu {
                    out.push(here.finding(
                        Key::of("uniqueItems", o, n),
                        Effect::of(nu, ou),
                        format!("uniqueItems changed from {ou} to {nu}"),
                    ));
                }
            }
        }
        match (o.get("contains"), n.get("contains")) {
            (a, b) if a == b => {}
            (a, b) => {
                let effect = match (a, b) {
                    (None, Some(_)) => Effect::NARROWS,
                    (Some(_), None) => Effect::WIDENS,
                    _ => Effect::UNKNOWN,
                };
                out.push(here.finding(
                    Key::of("contains", o, n),
                    effect,
                    "'contains' changed".to_owned(),
                ));
            }
        }
    }
}

const FALSE: Value = Value::Bool(false);

/// `s` with the `maxItems` its closed rest implies (the number of tuple positions), when that
/// is lower than the one written and the `other` side bounds its count: then the two bounds
/// compare as numbers. (Against an unbounded count the rests are compared instead, once.)
fn closed_count<'a>(
    s: &'a Map<String, Value>,
    other: &Map<String, Value>,
) -> Cow<'a, Map<String, Value>> {
    if !other.contains_key("maxItems") {
        return Cow::Borrowed(s);
    }
    let (positions, rest, _) = tuple(s);
    let written = s.get("maxItems").and_then(Value::as_u64);
    let positions = positions.len() as u64;
    if rest == &FALSE && written.is_none_or(|m| m > positions) {
        let mut closed = s.clone();
        closed.insert("maxItems".to_owned(), Value::from(positions));
        Cow::Owned(closed)
    } else {
        Cow::Borrowed(s)
    }
}

/// Whether no array `s` accepts has an item past its `positions` tuple positions, whatever its
/// rest says (its `maxItems` reaches no further).
fn closed_rest(s: &Map<String, Value>, positions: usize) -> bool {
    s.get("maxItems")
        .and_then(Value::as_u64)
        .is_some_and(|m| m <= positions as u64)
}

/// Tuple positions and the schema of the items after them (2020-12 `prefixItems`/`items` or
/// draft-07 array `items`/`additionalItems`), with the keyword of the latter.
fn tuple(s: &Map<String, Value>) -> (Vec<Value>, &Value, Option<&'static str>) {
    if let Some(Value::Array(p)) = s.get("prefixItems") {
        return (
            p.clone(),
            s.get("items").unwrap_or(&TRUE),
            s.get("items").map(|_| "items"),
        );
    }
    if let Some(Value::Array(p)) = s.get("items") {
        return (
            p.clone(),
            s.get("additionalItems").unwrap_or(&TRUE),
            s.get("additionalItems").map(|_| "additionalItems"),
        );
    }
    (
        Vec::new(),
        s.get("items").unwrap_or(&TRUE),
        s.get("items").map(|_| "items"),
    )
}

/// The keyword of tuple positions.
fn prefix_key(s: &Map<String, Value>) -> &'static str {
    if s.contains_key("prefixItems") {
        "prefixItems"
    } else {
        "items"
    }
}
