//! `anyOf`, `oneOf` (branch against branch, plus the overlap `oneOf` forbids) and `allOf`
//! (position by position). `not` and `if`/`then`/`else` are not understood: the walk reports
//! them as undecided.

use serde_json::{Map, Value};

use super::place::{Ctx, Here, Key, TRUE};
use super::type_sets::{Types, allowed, covers, effective};
use super::{Effect, Finding, Tri, effect};

impl Ctx<'_> {
    /// `anyOf`/`oneOf`: every old branch must be accepted by some new branch (no narrowing);
    /// every new branch must be accepted by some old branch (no widening).
    pub(super) fn branches(
        &mut self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        k: &str,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        let (ob, nb) = (o.get(k), n.get(k));
        if ob == nb {
            return;
        }
        let branches = |v: Option<&Value>| -> Vec<Value> {
            match v {
                Some(Value::Array(a)) => a.clone(),
                _ => vec![TRUE],
            }
        };
        let (ov, nv) = (branches(ob), branches(nb));
        let (ohas, nhas) = (ob.is_some(), nb.is_some());
        // How well does branch `a` fit in branch `b`?
        let fit = |ctx: &mut Self, a: &Value, b: &Value| {
            let mut scratch = Vec::new();
            let h = here.clone();
            ctx.compare(a, b, &h, &mut scratch);
            effect(&scratch)
        };
        for (i, a) in ov.iter().enumerate() {
            let best = nv
                .iter()
                .map(|b| fit(self, a, b).narrows)
                .min()
                .unwrap_or(Tri::Yes);
            if best != Tri::No {
                let what = if ohas {
                    format!("{k} branch {i}")
                } else {
                    "values accepted before".to_owned()
                };
                let idx = i.to_string();
                let child = here.split(
                    &if ohas { vec![k, idx.as_str()] } else { vec![] },
                    &if nhas { vec![k] } else { vec![] },
                    here.path.clone(),
                );
                out.push(child.finding(
                    Key::NONE,
                    Effect::new(best, Tri::No),
                    if best == Tri::Yes {
                        format!("{what} no longer accepted by any {k} branch")
                    } else {
                        format!("could not prove {what} still accepted by a {k} branch")
                    },
                ));
            }
        }
        for (j, b) in nv.iter().enumerate() {
            let best = ov
                .iter()
                .map(|a| fit(self, a, b).widens)
                .min()
                .unwrap_or(Tri::Yes);
            if best != Tri::No {
                let idx = j.to_string();
                let child = here.split(
                    &if ohas { vec![k] } else { vec![] },
                    &if nhas { vec![k, idx.as_str()] } else { vec![] },
                    here.path.clone(),
                );
                let what = if nhas {
                    format!("new {k} branch {j}")
                } else {
                    format!("removing {k}")
                };
                out.push(child.finding(
                    Key::NONE,
                    Effect::new(Tri::No, best),
                    if best == Tri::Yes {
                        format!("{what} accepts values no old branch accepted")
                    } else {
                        format!("could not prove {what} accepts only values an old branch accepted")
                    },
                ));
            }
        }
        // oneOf rejects a value matching two branches: overlapping branches can narrow (new)
        // or widen (old) beyond what the branch-by-branch check sees.
        if k == "oneOf" {
            if nhas && !pairwise_disjoint(&nv) {
                out.push(here.finding(
                    Key::of(k, o, n),
                    Effect::new(Tri::Maybe, Tri::No),
                    "could not prove the new oneOf branches disjoint (a value matching two is rejected)"
                        .to_owned(),
                ));
            }
            if ohas && !pairwise_disjoint(&ov) {
                out.push(here.finding(
                    Key::of(k, o, n),
                    Effect::new(Tri::No, Tri::Maybe),
                    "could not prove the old oneOf branches disjoint (a value matching two was rejected)"
                        .to_owned(),
                ));
            }
        }
    }

    /// `allOf`: the schemas at the same position compared (a missing one accepts everything).
    pub(super) fn all_of(
        &mut self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        let (ob, nb) = (o.get("allOf"), n.get("allOf"));
        if ob == nb {
            return;
        }
        let items = |v: Option<&Value>| match v {
            Some(Value::Array(a)) => a.clone(),
            _ => Vec::new(),
        };
        let (ov, nv) = (items(ob), items(nb));
        for i in 0..ov.len().max(nv.len()) {
            let idx = i.to_string();
            let a = ov.get(i).unwrap_or(&TRUE);
            let b = nv.get(i).unwrap_or(&TRUE);
            let otok: Vec<&str> = if i < ov.len() {
                vec!["allOf", idx.as_str()]
            } else {
                vec![]
            };
            let ntok: Vec<&str> = if i < nv.len() {
                vec!["allOf", idx.as_str()]
            } else {
                vec![]
            };
            let child = here.split(&otok, &ntok, format!("{} (allOf {i})", here.path));
            self.compare(a, b, &child, out);
        }
    }
}

/// Whether no value can match two of the branches (decided for distinct types, distinct
/// allowed values, or a required property with distinct allowed values).
fn pairwise_disjoint(branches: &[Value]) -> bool {
    for (i, a) in branches.iter().enumerate() {
        for b in &branches[i + 1..] {
            if !disjoint(a, b) {
                return false;
            }
        }
    }
    true
}

fn disjoint(a: &Value, b: &Value) -> bool {
    let (Value::Object(a), Value::Object(b)) = (a, b) else {
        return a == &Value::Bool(false) || b == &Value::Bool(false);
    };
    let (ta, tb) = (effective(a), effective(b));
    if !ta.iter().any(|t| covers(&tb, t)) && !tb.iter().any(|t| covers(&ta, t)) {
        return true;
    }
    if let (Some(va), Some(vb)) = (allowed(a), allowed(b))
        && !va.iter().any(|v| vb.contains(v))
    {
        return true;
    }
    // A discriminating property: required in both, with distinct allowed values.
    let req = |s: &Map<String, Value>| -> Vec<String> {
        s.get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let prop = |s: &Map<String, Value>, p: &str| -> Option<Vec<Value>> {
        s.get("properties")?.get(p)?.as_object().and_then(allowed)
    };
    let (ra, rb) = (req(a), req(b));
    let only_objects = |t: &Types| t.len() == 1 && t.contains("object");
    if only_objects(&ta) && only_objects(&tb) {
        for p in ra.iter().filter(|p| rb.contains(p)) {
            if let (Some(va), Some(vb)) = (prop(a, p), prop(b, p))
                && !va.iter().any(|v| vb.contains(v))
            {
                return true;
            }
        }
    }
    false
}
