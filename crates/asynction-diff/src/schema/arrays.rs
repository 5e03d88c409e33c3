//! The array family: item counts, tuples (2020-12 `prefixItems`/`items` and draft-07 array
//! `items`/`additionalItems`, compared position by position), the items after them,
//! `uniqueItems` and `contains`.

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
        self.counts(o, n, ("minItems", "maxItems"), "number of items", here, out);
        let (op, orest, orest_key) = tuple(o);
        let (np, nrest, nrest_key) = tuple(n);
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
