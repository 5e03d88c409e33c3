//! The object family: property counts, `required`, `properties` (a property declared on one
//! side only is judged against the other side's `additionalProperties`), `patternProperties`
//! (compared by equality) and `additionalProperties`.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::place::{Ctx, Here, Key, TRUE};
use super::{Effect, Finding};

/// Which schema declares a property the other does not.
#[derive(Clone, Copy)]
enum DeclaredIn {
    /// The old schema: the property is no longer declared.
    Old,
    /// The new schema: the property is newly declared.
    New,
}

/// A property only one schema declares, with what stands for it in each schema: its own
/// schema on the declaring side, `additionalProperties` on the other.
struct OneSided<'v> {
    name: &'v str,
    old: &'v Value,
    new: &'v Value,
    declared_in: DeclaredIn,
}

impl Ctx<'_> {
    pub(super) fn objects(
        &mut self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        self.counts(
            o,
            n,
            ("minProperties", "maxProperties"),
            "number of properties",
            here,
            out,
        );
        required(o, n, here, out);
        self.properties(o, n, here, out);
    }

    /// `properties`, `patternProperties` and `additionalProperties`, which act together.
    fn properties(
        &mut self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        let props = |s: &Map<String, Value>| -> Map<String, Value> {
            s.get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (opr, npr) = (props(o), props(n));
        let pp = |s: &Map<String, Value>| {
            s.get("patternProperties")
                .filter(|v| v.as_object().is_some_and(|m| !m.is_empty()))
                .cloned()
        };
        let (opp, npp) = (pp(o), pp(n));
        let has_pp = opp.is_some() || npp.is_some();
        if opp != npp {
            out.push(here.finding(
                Key::on("patternProperties", opp.is_some(), npp.is_some()),
                Effect::UNKNOWN,
                "patternProperties changed".to_owned(),
            ));
        }
        let (oadd, nadd) = (
            o.get("additionalProperties").unwrap_or(&TRUE),
            n.get("additionalProperties").unwrap_or(&TRUE),
        );
        let all: indexmap::IndexSet<&String> = opr.keys().chain(npr.keys()).collect();
        for name in all {
            let one_sided = match (opr.get(name), npr.get(name)) {
                (Some(a), Some(b)) => {
                    let child = here.child(&["properties", name], format!("{}.{name}", here.path));
                    self.compare(a, b, &child, out);
                    continue;
                }
                (Some(a), None) => OneSided {
                    name,
                    old: a,
                    new: nadd,
                    declared_in: DeclaredIn::Old,
                },
                (None, Some(b)) => OneSided {
                    name,
                    old: oadd,
                    new: b,
                    declared_in: DeclaredIn::New,
                },
                (None, None) => continue,
            };
            self.one_sided_property(one_sided, has_pp, here, out);
        }
        if oadd != nadd {
            let child = here.child(&["additionalProperties"], format!("{}.*", here.path));
            let child = Here {
                op: if o.contains_key("additionalProperties") {
                    child.op
                } else {
                    here.op.clone()
                },
                np: if n.contains_key("additionalProperties") {
                    child.np
                } else {
                    here.np.clone()
                },
                path: child.path,
            };
            self.compare_noted(oadd, nadd, &child, "additionalProperties", out);
        }
    }

    /// A property declared on one side only. With `patternProperties` on either side, which
    /// schema applies to it is not decided here.
    fn one_sided_property(
        &mut self,
        p: OneSided<'_>,
        pattern_properties: bool,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        let declared = ["properties", p.name];
        let additional = ["additionalProperties"];
        let (old_tokens, new_tokens, what, stands_in) = match p.declared_in {
            DeclaredIn::Old => (
                &declared[..],
                &additional[..],
                "property no longer declared",
                "additionalProperties applies",
            ),
            DeclaredIn::New => (
                &additional[..],
                &declared[..],
                "property newly declared",
                "additionalProperties applied before",
            ),
        };
        let child = here.split(old_tokens, new_tokens, format!("{}.{}", here.path, p.name));
        if pattern_properties {
            out.push(child.finding(
                Key::NONE,
                Effect::UNKNOWN,
                format!("{what} (and patternProperties apply)"),
            ));
        } else {
            self.compare_noted(p.old, p.new, &child, &format!("{what}; {stands_in}"), out);
        }
    }
}

/// `required`: names added narrow, names removed widen.
fn required(o: &Map<String, Value>, n: &Map<String, Value>, here: &Here, out: &mut Vec<Finding>) {
    let names = |s: &Map<String, Value>| -> BTreeSet<String> {
        s.get("required")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let (or, nr) = (names(o), names(n));
    let added: Vec<&String> = nr.difference(&or).collect();
    let removed: Vec<&String> = or.difference(&nr).collect();
    let quote = |v: &[&String]| {
        v.iter()
            .map(|s| format!("'{s}'"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !added.is_empty() {
        out.push(here.finding(
            Key::of("required", o, n),
            Effect::NARROWS,
            format!("now requires {}", quote(&added)),
        ));
    }
    if !removed.is_empty() {
        out.push(here.finding(
            Key::of("required", o, n),
            Effect::WIDENS,
            format!("no longer requires {}", quote(&removed)),
        ));
    }
}
