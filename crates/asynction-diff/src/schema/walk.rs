//! The walk over two schemas in step: the recursion (depth bound, recursive `$ref`s met again)
//! and the dispatch of one pair of schema objects to the keyword families, whose comparisons
//! recurse through [`Ctx::compare`].

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::place::{Ctx, Here, Key, MAX_DEPTH};
use super::refs::has_ref;
use super::type_sets::{Family, accepts_family, declared, effective};
use super::{Effect, Finding, Tri};

/// Keywords that do not constrain values.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "default",
    "examples",
    "example",
    "$comment",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$schema",
    "$id",
    "$anchor",
    "definitions",
    "$defs",
    "discriminator",
    "externalDocs",
    "contentEncoding",
    "contentMediaType",
    "xml",
];

/// Keywords this module compares (the rest, when they differ, are "could not prove").
const UNDERSTOOD: &[&str] = &[
    "type",
    "nullable",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "required",
    "properties",
    "additionalProperties",
    "patternProperties",
    "minProperties",
    "maxProperties",
    "items",
    "prefixItems",
    "additionalItems",
    "minItems",
    "maxItems",
    "uniqueItems",
    "contains",
    "oneOf",
    "anyOf",
    "allOf",
    "$ref",
];

/// A boolean-equivalent schema: `true`/`{}` → true, `false` → false.
fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Object(m) if m.keys().all(|k| is_annotation(k)) => Some(true),
        _ => None,
    }
}

fn is_annotation(k: &str) -> bool {
    ANNOTATIONS.contains(&k) || k.starts_with("x-")
}

fn obj(v: &Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    }
}

impl Ctx<'_> {
    pub(super) fn compare(
        &mut self,
        old: &Value,
        new: &Value,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        if old == new && !has_ref(old) {
            return;
        }
        if self.depth > MAX_DEPTH {
            out.push(here.finding(
                Key::NONE,
                Effect::UNKNOWN,
                "schemas nested too deeply to compare".to_owned(),
            ));
            return;
        }
        // Schemas with `$ref`s may be recursive: a pair met again is assumed compatible
        // (coinduction; values are finite, so one unfolding decides).
        let key = (has_ref(old) || has_ref(new)).then(|| (old.to_string(), new.to_string()));
        if let Some(k) = &key
            && !self.seen.insert(k.clone())
        {
            return;
        }
        self.depth += 1;
        self.compare_resolved(old, new, here, out);
        self.depth -= 1;
        if let Some(k) = key {
            self.seen.remove(&k);
        }
    }

    /// [`Ctx::compare`], with `note` added to the message of every finding it makes.
    pub(super) fn compare_noted(
        &mut self,
        old: &Value,
        new: &Value,
        here: &Here,
        note: &str,
        out: &mut Vec<Finding>,
    ) {
        let start = out.len();
        self.compare(old, new, here, out);
        for f in &mut out[start..] {
            f.message = format!("{} ({note})", f.message);
        }
    }

    fn compare_resolved(&mut self, old: &Value, new: &Value, here: &Here, out: &mut Vec<Finding>) {
        let (mut o, mut n) = (old.clone(), new.clone());
        for _ in 0..MAX_DEPTH {
            let (a, ar) = match self.deref(&o, true) {
                Ok(x) => x,
                Err(e) => return opaque(old, new, here, out, &e),
            };
            let (b, br) = match self.deref(&n, false) {
                Ok(x) => x,
                Err(e) => return opaque(old, new, here, out, &e),
            };
            (o, n) = (a, b);
            if ar.is_none() && br.is_none() {
                break;
            }
        }
        if o == n {
            return;
        }
        match (as_bool(&o), as_bool(&n)) {
            (Some(a), Some(b)) if a == b => return,
            (_, Some(false)) => {
                return out.push(here.finding(
                    Key::NONE,
                    Effect::NARROWS,
                    "now rejects every value".to_owned(),
                ));
            }
            (Some(false), _) => {
                return out.push(here.finding(
                    Key::NONE,
                    Effect::WIDENS,
                    "now accepts values (it rejected every value)".to_owned(),
                ));
            }
            _ => {}
        }
        let (o, n) = (obj(&o), obj(&n));
        self.compare_objects(&o, &n, here, out);
    }

    fn compare_objects(
        &mut self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        // Keywords whose meaning depends on all the others: any difference is undecided.
        for k in [
            "unevaluatedProperties",
            "unevaluatedItems",
            "$dynamicRef",
            "$recursiveRef",
        ] {
            if o.contains_key(k) || n.contains_key(k) {
                return out.push(here.finding(
                    Key::of(k, o, n),
                    Effect::UNKNOWN,
                    format!("could not compare schemas using '{k}'"),
                ));
            }
        }
        // Keywords not understood: only equality is.
        let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for k in keys {
            if is_annotation(k) || UNDERSTOOD.contains(&k.as_str()) {
                continue;
            }
            if o.get(k) != n.get(k) {
                out.push(here.finding(
                    Key::of(k, o, n),
                    Effect::UNKNOWN,
                    format!("'{k}' changed, which this comparison does not understand"),
                ));
            }
        }
        let (od, nd) = (declared(o), declared(n));
        let (oe, ne) = (effective(o), effective(n));
        self.compare_types(o, n, (&od, &nd), (&oe, &ne), here, out);
        self.compare_enums(o, n, here, out);

        for fam in [
            Family::Number,
            Family::String,
            Family::Array,
            Family::Object,
        ] {
            let mut sub = Vec::new();
            match fam {
                Family::Number => self.numbers(o, n, here, &mut sub),
                Family::String => self.strings(o, n, here, &mut sub),
                Family::Array => self.arrays(o, n, here, &mut sub),
                Family::Object => self.objects(o, n, here, &mut sub),
            }
            let (on, nw) = (accepts_family(&oe, fam), accepts_family(&ne, fam));
            for mut f in sub {
                if !on {
                    f.narrows = Tri::No;
                }
                if !nw {
                    f.widens = Tri::No;
                }
                if f.narrows != Tri::No || f.widens != Tri::No {
                    out.push(f);
                }
            }
        }
        for k in ["anyOf", "oneOf"] {
            self.branches(o, n, k, here, out);
        }
        self.all_of(o, n, here, out);
    }
}

/// Two schemas that cannot be compared: maybe both ways (unless equal).
fn opaque(old: &Value, new: &Value, here: &Here, out: &mut Vec<Finding>, why: &str) {
    if old != new {
        out.push(here.finding(
            Key::NONE,
            Effect::UNKNOWN,
            format!("could not compare: {why}"),
        ));
    }
}
