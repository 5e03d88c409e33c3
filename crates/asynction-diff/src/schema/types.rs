//! `type`, `nullable`, `enum` and `const` compared: the types lost and gained, the values lost
//! and gained (the sets themselves are `type_sets`).

use serde_json::{Map, Value};

use super::place::{Ctx, Here, Key, short};
use super::type_sets::{Types, allowed, covers, list};
use super::{Effect, Finding};

impl Ctx<'_> {
    /// `type` (and `nullable`): the types lost and gained, as far as `enum`/`const` let values
    /// of them through.
    pub(super) fn compare_types(
        &self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        (od, nd): (&Types, &Types),
        (oe, ne): (&Types, &Types),
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        let lost: Types = oe.iter().copied().filter(|t| !covers(nd, t)).collect();
        let gained: Types = ne.iter().copied().filter(|t| !covers(od, t)).collect();
        if lost.is_empty() && gained.is_empty() {
            return;
        }
        let show = |s: &Map<String, Value>, d: &Types| {
            if s.contains_key("type") {
                format!("[{}]", list(d))
            } else {
                "any".to_owned()
            }
        };
        let mut msg = format!("type changed from {} to {}", show(o, od), show(n, nd));
        if !lost.is_empty() {
            msg.push_str(&format!("; {} no longer accepted", list(&lost)));
        }
        if !gained.is_empty() {
            msg.push_str(&format!("; {} now accepted", list(&gained)));
        }
        let key = if o.contains_key("type") || n.contains_key("type") {
            "type"
        } else {
            "nullable"
        };
        out.push(here.finding(
            Key::of(key, o, n),
            Effect::of(!lost.is_empty(), !gained.is_empty()),
            msg,
        ));
    }

    /// `enum` and `const`: the allowed values removed and added.
    pub(super) fn compare_enums(
        &self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        let key = |s: &Map<String, Value>| {
            if s.contains_key("enum") {
                "enum"
            } else {
                "const"
            }
        };
        let has = |s: &Map<String, Value>| s.contains_key("enum") || s.contains_key("const");
        match (allowed(o), allowed(n)) {
            (None, None) => {}
            (None, Some(nv)) => out.push(here.finding(
                Key::on(key(n), false, true),
                Effect::NARROWS,
                format!("now restricted to {}", short(&Value::Array(nv))),
            )),
            (Some(ov), None) => out.push(here.finding(
                Key::on(key(o), true, false),
                Effect::WIDENS,
                format!("no longer restricted to {}", short(&Value::Array(ov))),
            )),
            (Some(ov), Some(nv)) => {
                let removed: Vec<Value> = ov.iter().filter(|v| !nv.contains(v)).cloned().collect();
                let added: Vec<Value> = nv.iter().filter(|v| !ov.contains(v)).cloned().collect();
                if removed.is_empty() && added.is_empty() {
                    return;
                }
                let mut parts = Vec::new();
                if !removed.is_empty() {
                    parts.push(format!("{} removed", short(&Value::Array(removed.clone()))));
                }
                if !added.is_empty() {
                    parts.push(format!("{} added", short(&Value::Array(added.clone()))));
                }
                out.push(here.finding(
                    Key::on(key(n), has(o), has(n)),
                    Effect::of(!removed.is_empty(), !added.is_empty()),
                    format!("allowed values changed: {}", parts.join(", ")),
                ));
            }
        }
    }
}
