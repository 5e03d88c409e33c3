//! The schema comparison: which values an old and a new JSON Schema accept, keyword by keyword.
//!
//! JSON Schema is a conjunction of keyword constraints (a few keywords act in groups:
//! `properties`/`additionalProperties`/`patternProperties`, `items`/`prefixItems`/
//! `additionalItems`, `type`/`nullable`, `minimum`/`exclusiveMinimum`, …). So when every keyword
//! group of the new schema accepts at least what the same group of the old schema accepts, the
//! new schema accepts every value the old one did. The comparison ([`compare_values`]) walks
//! both schemas and reports, for every group that differs, whether the new schema *narrows* (rejects a value the old one
//! accepted) and whether it *widens* (accepts a value the old one rejected), each as a
//! [`Tri`]: no, maybe (could not prove either way) or yes.
//!
//! Soundness: a group the comparison does not understand (`not`, `if`/`then`/`else`,
//! `dependentSchemas`, changed `pattern`s, …) is reported as *maybe* in both directions, never as
//! no change. Keyword families (numbers, strings, arrays, objects) only count when the schema can
//! accept values of that family: a narrower `minimum` cannot narrow a schema that only accepts
//! strings.

use std::collections::{BTreeSet, HashSet};

use serde_json::{Map, Value};

use asynction_spec::STANDARD_FORMATS;

/// A three-valued answer: no, could not decide, yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tri {
    /// Proven not to happen.
    No,
    /// Could not be decided.
    Maybe,
    /// Happens (for some value).
    Yes,
}

/// One difference between two schemas.
#[derive(Debug, Clone)]
pub(crate) struct Finding {
    /// Pointer of the differing node in the old document.
    pub old_ptr: String,
    /// Pointer of the differing node in the new document.
    pub new_ptr: String,
    /// Whether the new schema rejects a value the old one accepted.
    pub narrows: Tri,
    /// Whether the new schema accepts a value the old one rejected.
    pub widens: Tri,
    /// What changed, starting with the human path (`payload.user.name`).
    pub message: String,
}

/// The effect of every finding together: the worst narrowing and the worst widening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effect {
    /// Whether the new schema rejects a value the old one accepted.
    pub narrows: Tri,
    /// Whether the new schema accepts a value the old one rejected.
    pub widens: Tri,
}

/// Compares two standalone schemas (no `$ref`s into a document) and returns their overall
/// [`Effect`]: the engine the breaking-change rules use, exposed for tests and other tools.
///
/// ```
/// use asynction_diff::schema::{compare_values, Tri};
/// use serde_json::json;
///
/// let old = json!({"type": "object", "properties": {"age": {"type": "integer"}}});
/// let new = json!({"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]});
/// let effect = compare_values(&old, &new);
/// assert_eq!((effect.narrows, effect.widens), (Tri::Yes, Tri::No));
/// ```
pub fn compare_values(old: &Value, new: &Value) -> Effect {
    let findings = compare(old, new, &Value::Null, &Value::Null, "", "", "value");
    effect(&findings)
}

pub(crate) fn effect(findings: &[Finding]) -> Effect {
    Effect {
        narrows: findings.iter().map(|f| f.narrows).max().unwrap_or(Tri::No),
        widens: findings.iter().map(|f| f.widens).max().unwrap_or(Tri::No),
    }
}

/// Compares `old` (at `old_ptr` in the resolved document `old_root`) with `new`; `path` names the
/// schema's root in messages (`payload`, `ack`, `query`).
pub(crate) fn compare(
    old: &Value,
    new: &Value,
    old_root: &Value,
    new_root: &Value,
    old_ptr: &str,
    new_ptr: &str,
    path: &str,
) -> Vec<Finding> {
    let mut ctx = Ctx {
        old_root,
        new_root,
        seen: HashSet::new(),
        depth: 0,
    };
    let mut out = Vec::new();
    ctx.compare(
        old,
        new,
        &Here {
            op: old_ptr.to_owned(),
            np: new_ptr.to_owned(),
            path: path.to_owned(),
        },
        &mut out,
    );
    out
}

/// Where the comparison is: pointers in both documents and the human path.
#[derive(Clone)]
struct Here {
    op: String,
    np: String,
    path: String,
}

impl Here {
    /// A child through keyword(s) that exist on both sides, e.g. `properties/name`.
    fn child(&self, tokens: &[&str], path: String) -> Here {
        let mut op = self.op.clone();
        let mut np = self.np.clone();
        for t in tokens {
            op.push('/');
            op.push_str(&escape(t));
            np.push('/');
            np.push_str(&escape(t));
        }
        Here { op, np, path }
    }

    /// A child whose tokens differ on both sides (a removed property checked by
    /// `additionalProperties`, a tuple position checked by `items`).
    fn split(&self, old: &[&str], new: &[&str], path: String) -> Here {
        let join = |base: &str, tokens: &[&str]| {
            let mut p = base.to_owned();
            for t in tokens {
                p.push('/');
                p.push_str(&escape(t));
            }
            p
        };
        Here {
            op: join(&self.op, old),
            np: join(&self.np, new),
            path,
        }
    }
}

/// RFC 6901 escaping of one reference token.
pub(crate) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

struct Ctx<'a> {
    old_root: &'a Value,
    new_root: &'a Value,
    /// Pairs of schemas with `$ref`s being compared (as written): met again, they are assumed
    /// compatible (values are finite, so a recursive schema is compared by one unfolding).
    seen: HashSet<(String, String)>,
    depth: usize,
}

const MAX_DEPTH: usize = 64;

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

const ALL_TYPES: &[&str] = &["null", "boolean", "object", "array", "number", "string"];

type Types = BTreeSet<&'static str>;

fn type_name(t: &str) -> Option<&'static str> {
    [
        "null", "boolean", "object", "array", "number", "string", "integer",
    ]
    .into_iter()
    .find(|k| *k == t)
}

/// Whether a set of types accepts values of type `t` (`number` covers `integer`).
fn covers(set: &Types, t: &str) -> bool {
    set.contains(t) || (t == "integer" && set.contains("number"))
}

/// The JSON type of a value (`integer` for numbers without a fraction).
fn value_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0) {
                "integer"
            } else {
                "number"
            }
        }
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The declared types (`type` plus `nullable: true`); every type when `type` is absent or not
/// understood.
fn declared(s: &Map<String, Value>) -> Types {
    let mut set = Types::new();
    match s.get("type") {
        Some(Value::String(t)) => match type_name(t) {
            Some(t) => {
                set.insert(t);
            }
            None => return ALL_TYPES.iter().copied().collect(),
        },
        Some(Value::Array(ts)) => {
            for t in ts {
                match t.as_str().and_then(type_name) {
                    Some(t) => {
                        set.insert(t);
                    }
                    None => return ALL_TYPES.iter().copied().collect(),
                }
            }
        }
        _ => return ALL_TYPES.iter().copied().collect(),
    }
    if s.get("nullable") == Some(&Value::Bool(true)) {
        set.insert("null");
    }
    set
}

/// The allowed values (`enum` ∩ `const`), if restricted.
fn allowed(s: &Map<String, Value>) -> Option<Vec<Value>> {
    let e = s.get("enum").and_then(Value::as_array).cloned();
    let c = s.get("const").cloned();
    match (e, c) {
        (Some(e), Some(c)) => Some(e.into_iter().filter(|v| *v == c).collect()),
        (Some(e), None) => Some(e),
        (None, Some(c)) => Some(vec![c]),
        (None, None) => None,
    }
}

/// An over-approximation of the types of values the schema accepts: declared types, restricted
/// to the types of the allowed values when `enum`/`const` is there.
fn effective(s: &Map<String, Value>) -> Types {
    let decl = declared(s);
    match allowed(s) {
        Some(values) => values
            .iter()
            .map(value_type)
            .filter(|t| covers(&decl, t))
            .map(|t| {
                if t == "integer" && !decl.contains("integer") {
                    "number"
                } else {
                    t
                }
            })
            .collect(),
        None => decl,
    }
}

/// Keyword families: a keyword of a family only acts on values of its types.
#[derive(Clone, Copy)]
enum Family {
    Number,
    String,
    Array,
    Object,
}

fn accepts_family(types: &Types, f: Family) -> bool {
    match f {
        Family::Number => types.contains("number") || types.contains("integer"),
        Family::String => types.contains("string"),
        Family::Array => types.contains("array"),
        Family::Object => types.contains("object"),
    }
}

fn list(ts: &Types) -> String {
    ts.iter().copied().collect::<Vec<_>>().join(", ")
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}

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

const TRUE: Value = Value::Bool(true);

impl Ctx<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &self,
        out: &mut Vec<Finding>,
        here: &Here,
        key: Option<&str>,
        (old_has, new_has): (bool, bool),
        narrows: Tri,
        widens: Tri,
        message: String,
    ) {
        let at = |base: &str, has: bool| match (key, has) {
            (Some(k), true) => format!("{base}/{}", escape(k)),
            _ => base.to_owned(),
        };
        out.push(Finding {
            old_ptr: at(&here.op, old_has),
            new_ptr: at(&here.np, new_has),
            narrows,
            widens,
            message: format!("{}: {message}", here.path),
        });
    }

    /// Resolves a local `$ref` (keys beside it win over the target, as the loader does).
    fn deref(&self, v: &Value, old: bool) -> Result<(Value, Option<String>), String> {
        let Some(m) = v.as_object() else {
            return Ok((v.clone(), None));
        };
        let Some(r) = m.get("$ref") else {
            return Ok((v.clone(), None));
        };
        let Some(r) = r.as_str() else {
            return Err("$ref is not a string".to_owned());
        };
        let root = if old { self.old_root } else { self.new_root };
        let target = r
            .strip_prefix('#')
            .and_then(|p| root.pointer(p))
            .ok_or_else(|| format!("cannot resolve $ref '{r}'"))?;
        let mut merged = match target {
            Value::Object(t) => t.clone(),
            Value::Bool(true) => Map::new(),
            other => return Ok((other.clone(), Some(r.to_owned()))),
        };
        for (k, val) in m {
            if k != "$ref" {
                merged.insert(k.clone(), val.clone());
            }
        }
        // A target that is itself a `$ref` is resolved on the next call.
        Ok((Value::Object(merged), Some(r.to_owned())))
    }

    fn compare(&mut self, old: &Value, new: &Value, here: &Here, out: &mut Vec<Finding>) {
        if old == new && !has_ref(old) {
            return;
        }
        if self.depth > MAX_DEPTH {
            self.push(
                out,
                here,
                None,
                (false, false),
                Tri::Maybe,
                Tri::Maybe,
                "schemas nested too deeply to compare".to_owned(),
            );
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

    fn compare_resolved(&mut self, old: &Value, new: &Value, here: &Here, out: &mut Vec<Finding>) {
        let (mut o, mut n) = (old.clone(), new.clone());
        for _ in 0..MAX_DEPTH {
            let (a, ar) = match self.deref(&o, true) {
                Ok(x) => x,
                Err(e) => return self.opaque(old, new, here, out, &e),
            };
            let (b, br) = match self.deref(&n, false) {
                Ok(x) => x,
                Err(e) => return self.opaque(old, new, here, out, &e),
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
                return self.push(
                    out,
                    here,
                    None,
                    (false, false),
                    Tri::Yes,
                    Tri::No,
                    "now rejects every value".to_owned(),
                );
            }
            (Some(false), _) => {
                return self.push(
                    out,
                    here,
                    None,
                    (false, false),
                    Tri::No,
                    Tri::Yes,
                    "now accepts values (it rejected every value)".to_owned(),
                );
            }
            _ => {}
        }
        let (o, n) = (obj(&o), obj(&n));
        self.compare_objects(&o, &n, here, out);
    }

    /// Two schemas that cannot be compared: maybe both ways (unless equal).
    fn opaque(&self, old: &Value, new: &Value, here: &Here, out: &mut Vec<Finding>, why: &str) {
        if old != new {
            self.push(
                out,
                here,
                None,
                (false, false),
                Tri::Maybe,
                Tri::Maybe,
                format!("could not compare: {why}"),
            );
        }
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
                return self.push(
                    out,
                    here,
                    Some(k),
                    (o.contains_key(k), n.contains_key(k)),
                    Tri::Maybe,
                    Tri::Maybe,
                    format!("could not compare schemas using '{k}'"),
                );
            }
        }
        // Keywords not understood: only equality is.
        let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
        for k in keys {
            if is_annotation(k) || UNDERSTOOD.contains(&k.as_str()) {
                continue;
            }
            if o.get(k) != n.get(k) {
                self.push(
                    out,
                    here,
                    Some(k),
                    (o.contains_key(k), n.contains_key(k)),
                    Tri::Maybe,
                    Tri::Maybe,
                    format!("'{k}' changed, which this comparison does not understand"),
                );
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

    fn compare_types(
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
        self.push(
            out,
            here,
            Some(key),
            (o.contains_key(key), n.contains_key(key)),
            if lost.is_empty() { Tri::No } else { Tri::Yes },
            if gained.is_empty() { Tri::No } else { Tri::Yes },
            msg,
        );
    }

    fn compare_enums(
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
            (None, Some(nv)) => self.push(
                out,
                here,
                Some(key(n)),
                (false, true),
                Tri::Yes,
                Tri::No,
                format!("now restricted to {}", short(&Value::Array(nv))),
            ),
            (Some(ov), None) => self.push(
                out,
                here,
                Some(key(o)),
                (true, false),
                Tri::No,
                Tri::Yes,
                format!("no longer restricted to {}", short(&Value::Array(ov))),
            ),
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
                let k = key(n);
                self.push(
                    out,
                    here,
                    Some(k),
                    (has(o), has(n)),
                    if removed.is_empty() {
                        Tri::No
                    } else {
                        Tri::Yes
                    },
                    if added.is_empty() { Tri::No } else { Tri::Yes },
                    format!("allowed values changed: {}", parts.join(", ")),
                );
            }
        }
    }

    fn numbers(
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
            self.push(
                out,
                here,
                Some(key),
                (o.contains_key(key), n.contains_key(key)),
                tri(narrow),
                tri(wide),
                format!(
                    "{} bound changed from {} to {}",
                    if is_lower { "lower" } else { "upper" },
                    show_bound(ob, is_lower),
                    show_bound(nb, is_lower)
                ),
            );
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
            self.push(
                out,
                here,
                Some("multipleOf"),
                (om.is_some(), nm.is_some()),
                tri(narrow),
                tri(wide),
                format!(
                    "multipleOf changed from {} to {}",
                    om.map_or("none".into(), |v| v.to_string()),
                    nm.map_or("none".into(), |v| v.to_string())
                ),
            );
        }
    }

    /// `min…`/`max…` counts (lengths, items, properties).
    fn counts(
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
            self.push(
                out,
                here,
                Some(min_k),
                (o.contains_key(min_k), n.contains_key(min_k)),
                tri(nmin > omin),
                tri(nmin < omin),
                format!("minimum {what} changed from {omin} to {nmin}"),
            );
        }
        let (omax, nmax) = (count(o, max_k), count(n, max_k));
        if omax != nmax {
            let show = |v: Option<u64>| v.map_or("unlimited".to_owned(), |v| v.to_string());
            let narrow = match (omax, nmax) {
                (_, None) => false,
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b < a,
            };
            self.push(
                out,
                here,
                Some(max_k),
                (o.contains_key(max_k), n.contains_key(max_k)),
                tri(narrow),
                tri(!narrow),
                format!(
                    "maximum {what} changed from {} to {}",
                    show(omax),
                    show(nmax)
                ),
            );
        }
    }

    fn strings(
        &self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        self.counts(o, n, ("minLength", "maxLength"), "length", here, out);
        match (o.get("pattern"), n.get("pattern")) {
            (a, b) if a == b => {}
            (None, Some(p)) => self.push(
                out,
                here,
                Some("pattern"),
                (false, true),
                Tri::Yes,
                Tri::No,
                format!("new pattern {}", short(p)),
            ),
            (Some(p), None) => self.push(
                out,
                here,
                Some("pattern"),
                (true, false),
                Tri::No,
                Tri::Yes,
                format!("pattern {} removed", short(p)),
            ),
            (Some(a), Some(b)) => self.push(
                out,
                here,
                Some("pattern"),
                (true, true),
                Tri::Maybe,
                Tri::Maybe,
                format!(
                    "pattern changed from {} to {} (patterns are compared by equality)",
                    short(a),
                    short(b)
                ),
            ),
            _ => {}
        }
        let fmt = |s: &Map<String, Value>| {
            s.get("format")
                .and_then(Value::as_str)
                .filter(|f| STANDARD_FORMATS.contains(f))
                .map(str::to_owned)
        };
        let (of, nf) = (fmt(o), fmt(n));
        if of != nf {
            let show = |f: &Option<String>| f.clone().unwrap_or_else(|| "none".to_owned());
            self.push(
                out,
                here,
                Some("format"),
                (o.contains_key("format"), n.contains_key("format")),
                tri(nf.is_some()),
                tri(of.is_some()),
                format!("format changed from {} to {}", show(&of), show(&nf)),
            );
        }
    }

    fn arrays(
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
                    self.push(
                        out,
                        here,
                        Some("uniqueItems"),
                        (a.is_some(), b.is_some()),
                        tri(nu),
                        tri(ou),
                        format!("uniqueItems changed from {ou} to {nu}"),
                    );
                }
            }
        }
        match (o.get("contains"), n.get("contains")) {
            (a, b) if a == b => {}
            (a, b) => {
                let (narrow, wide) = match (a, b) {
                    (None, Some(_)) => (Tri::Yes, Tri::No),
                    (Some(_), None) => (Tri::No, Tri::Yes),
                    _ => (Tri::Maybe, Tri::Maybe),
                };
                self.push(
                    out,
                    here,
                    Some("contains"),
                    (a.is_some(), b.is_some()),
                    narrow,
                    wide,
                    "'contains' changed".to_owned(),
                );
            }
        }
    }

    fn objects(
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
            self.push(
                out,
                here,
                Some("required"),
                (o.contains_key("required"), true),
                Tri::Yes,
                Tri::No,
                format!("now requires {}", quote(&added)),
            );
        }
        if !removed.is_empty() {
            self.push(
                out,
                here,
                Some("required"),
                (true, n.contains_key("required")),
                Tri::No,
                Tri::Yes,
                format!("no longer requires {}", quote(&removed)),
            );
        }
        let empty = Map::new();
        let props = |s: &Map<String, Value>| -> Map<String, Value> {
            s.get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_else(|| empty.clone())
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
            self.push(
                out,
                here,
                Some("patternProperties"),
                (opp.is_some(), npp.is_some()),
                Tri::Maybe,
                Tri::Maybe,
                "patternProperties changed".to_owned(),
            );
        }
        let (oadd, nadd) = (
            o.get("additionalProperties").unwrap_or(&TRUE),
            n.get("additionalProperties").unwrap_or(&TRUE),
        );
        let all: indexmap::IndexSet<&String> = opr.keys().chain(npr.keys()).collect();
        for name in all {
            let path = format!("{}.{name}", here.path);
            match (opr.get(name), npr.get(name)) {
                (Some(a), Some(b)) => {
                    let child = here.child(&["properties", name], path);
                    self.compare(a, b, &child, out);
                }
                (Some(a), None) => {
                    let child = here.split(&["properties", name], &["additionalProperties"], path);
                    if has_pp {
                        self.push(
                            out,
                            &child,
                            None,
                            (false, false),
                            Tri::Maybe,
                            Tri::Maybe,
                            "property no longer declared (and patternProperties apply)".to_owned(),
                        );
                    } else {
                        let start = out.len();
                        self.compare(a, nadd, &child, out);
                        for f in &mut out[start..] {
                            f.message = format!(
                                "{} (property no longer declared; additionalProperties applies)",
                                f.message
                            );
                        }
                    }
                }
                (None, Some(b)) => {
                    let child = here.split(&["additionalProperties"], &["properties", name], path);
                    if has_pp {
                        self.push(
                            out,
                            &child,
                            None,
                            (false, false),
                            Tri::Maybe,
                            Tri::Maybe,
                            "property newly declared (and patternProperties apply)".to_owned(),
                        );
                    } else {
                        let start = out.len();
                        self.compare(oadd, b, &child, out);
                        for f in &mut out[start..] {
                            f.message = format!(
                                "{} (property newly declared; additionalProperties applied before)",
                                f.message
                            );
                        }
                    }
                }
                (None, None) => {}
            }
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
            let start = out.len();
            self.compare(oadd, nadd, &child, out);
            for f in &mut out[start..] {
                f.message = format!("{} (additionalProperties)", f.message);
            }
        }
    }

    /// `anyOf`/`oneOf`: every old branch must be accepted by some new branch (no narrowing);
    /// every new branch must be accepted by some old branch (no widening).
    fn branches(
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
                self.push(
                    out,
                    &child,
                    None,
                    (false, false),
                    best,
                    Tri::No,
                    if best == Tri::Yes {
                        format!("{what} no longer accepted by any {k} branch")
                    } else {
                        format!("could not prove {what} still accepted by a {k} branch")
                    },
                );
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
                self.push(
                    out,
                    &child,
                    None,
                    (false, false),
                    Tri::No,
                    best,
                    if best == Tri::Yes {
                        format!("{what} accepts values no old branch accepted")
                    } else {
                        format!("could not prove {what} accepts only values an old branch accepted")
                    },
                );
            }
        }
        // oneOf rejects a value matching two branches: overlapping branches can narrow (new)
        // or widen (old) beyond what the branch-by-branch check sees.
        if k == "oneOf" {
            if nhas && !pairwise_disjoint(&nv) {
                self.push(
                    out,
                    here,
                    Some(k),
                    (ohas, nhas),
                    Tri::Maybe,
                    Tri::No,
                    "could not prove the new oneOf branches disjoint (a value matching two is rejected)"
                        .to_owned(),
                );
            }
            if ohas && !pairwise_disjoint(&ov) {
                self.push(
                    out,
                    here,
                    Some(k),
                    (ohas, nhas),
                    Tri::No,
                    Tri::Maybe,
                    "could not prove the old oneOf branches disjoint (a value matching two was rejected)"
                        .to_owned(),
                );
            }
        }
    }

    fn all_of(
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

fn tri(b: bool) -> Tri {
    if b { Tri::Yes } else { Tri::No }
}

fn has_ref(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.contains_key("$ref") || m.values().any(has_ref),
        Value::Array(a) => a.iter().any(has_ref),
        _ => false,
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

fn prefix_key(s: &Map<String, Value>) -> &'static str {
    if s.contains_key("prefixItems") {
        "prefixItems"
    } else {
        "items"
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
