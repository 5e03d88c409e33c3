//! Property test of the schema comparison, with a small seeded generator (reproducible: the
//! seed of a failing case is in the message).
//!
//! - Strict narrowing: NEW is OLD with one change that rejects some value OLD accepted; the
//!   comparison must say "narrows: yes, widens: no" (breaking client-sent, info server-sent).
//! - Strict widening: the mirror image.
//! - Soundness: NEW is OLD with up to three random changes of any kind; whenever the comparison
//!   claims "does not narrow", no generated value accepted by OLD may be rejected by NEW, checked
//!   with the `jsonschema` validator (and the same for "does not widen", with values of NEW).

use asynction_diff::schema::{Tri, compare_values};
use serde_json::{Map, Value, json};

/// xorshift64*: small, seeded, good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % ((hi - lo + 1) as u64)) as i64
    }
}

const NAMES: &[&str] = &["a", "b", "c", "d"];
const WORDS: &[&str] = &["red", "green", "blue", "cyan", "teal"];
const PATTERN: &str = "^[a-z]+$";

/// Leaf and compound schema kinds; `oneOf` branches use pairwise distinct ones.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Null,
    Enum,
    Object,
    Array,
    Tuple,
}

fn gen_kind(rng: &mut Rng, depth: u32) -> Kind {
    let leaves = [
        Kind::String,
        Kind::Integer,
        Kind::Number,
        Kind::Boolean,
        Kind::Null,
        Kind::Enum,
    ];
    if depth == 0 || rng.chance(45) {
        leaves[rng.below(leaves.len())]
    } else {
        [Kind::Object, Kind::Array, Kind::Tuple][rng.below(3)]
    }
}

/// A satisfiable schema whose every keyword is observable (ranges wide enough, arrays long
/// enough for their items to be checked).
fn gen_schema(rng: &mut Rng, depth: u32, in_one_of: bool) -> Value {
    let kind = gen_kind(rng, depth);
    gen_of_kind(rng, kind, depth, in_one_of)
}

fn gen_of_kind(rng: &mut Rng, kind: Kind, depth: u32, in_one_of: bool) -> Value {
    let mut s = Map::new();
    match kind {
        Kind::String => {
            if !in_one_of && rng.chance(25) {
                s.insert("type".into(), json!(["string", "null"]));
            } else {
                s.insert("type".into(), json!("string"));
            }
            let pattern = rng.chance(30);
            let min = if pattern {
                rng.int(1, 2)
            } else {
                rng.int(0, 2)
            };
            if min > 0 || rng.chance(30) {
                s.insert("minLength".into(), json!(min));
            }
            if rng.chance(50) {
                s.insert("maxLength".into(), json!(min + rng.int(1, 4)));
            }
            if pattern {
                s.insert("pattern".into(), json!(PATTERN));
            }
        }
        Kind::Integer | Kind::Number => {
            s.insert(
                "type".into(),
                json!(if kind == Kind::Integer {
                    "integer"
                } else {
                    "number"
                }),
            );
            let min = rng.int(-5, 5);
            if rng.chance(60) {
                s.insert("minimum".into(), json!(min));
            }
            if rng.chance(60) {
                s.insert("maximum".into(), json!(min + rng.int(2, 6)));
            }
        }
        Kind::Boolean => {
            s.insert("type".into(), json!("boolean"));
        }
        Kind::Null => {
            s.insert("type".into(), json!("null"));
        }
        Kind::Enum => {
            let n = rng.int(1, 3) as usize;
            let start = rng.below(WORDS.len() - n + 1);
            s.insert("type".into(), json!("string"));
            s.insert("enum".into(), json!(WORDS[start..start + n]));
        }
        Kind::Object => {
            s.insert("type".into(), json!("object"));
            let mut props = Map::new();
            for name in NAMES {
                if rng.chance(50) {
                    props.insert(
                        (*name).into(),
                        gen_schema(rng, depth.saturating_sub(1), false),
                    );
                }
            }
            let required: Vec<&String> = props.keys().filter(|_| rng.chance(40)).collect();
            if !required.is_empty() {
                s.insert("required".into(), json!(required));
            }
            s.insert("properties".into(), Value::Object(props));
            match rng.below(4) {
                0 => {
                    s.insert("additionalProperties".into(), json!(false));
                }
                1 => {
                    s.insert(
                        "additionalProperties".into(),
                        gen_schema(rng, depth.saturating_sub(1), false),
                    );
                }
                _ => {}
            }
        }
        Kind::Array => {
            s.insert("type".into(), json!("array"));
            s.insert(
                "items".into(),
                gen_schema(rng, depth.saturating_sub(1), false),
            );
            let min = rng.int(0, 1);
            if min > 0 || rng.chance(30) {
                s.insert("minItems".into(), json!(min));
            }
            if rng.chance(40) {
                s.insert("maxItems".into(), json!(min + rng.int(1, 3)));
            }
        }
        Kind::Tuple => {
            s.insert("type".into(), json!("array"));
            let n = rng.int(1, 3);
            let prefix: Vec<Value> = (0..n)
                .map(|_| gen_schema(rng, depth.saturating_sub(1), false))
                .collect();
            s.insert("prefixItems".into(), Value::Array(prefix));
            s.insert("items".into(), json!(false));
            s.insert("minItems".into(), json!(rng.int(0, n)));
        }
    }
    // Sometimes the node is a oneOf of disjoint kinds instead.
    if depth > 0 && !in_one_of && rng.chance(12) {
        let kinds = [
            Kind::String,
            Kind::Integer,
            Kind::Boolean,
            Kind::Null,
            Kind::Object,
            Kind::Array,
        ];
        let mut branches = Vec::new();
        for k in kinds {
            if rng.chance(45) {
                branches.push(gen_of_kind(rng, k, depth - 1, true));
            }
        }
        if branches.len() >= 2 {
            return json!({ "oneOf": branches });
        }
    }
    Value::Object(s)
}

/// Pointers of every schema node (root, properties, items, prefixItems, additionalProperties,
/// oneOf branches).
fn nodes(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    let Some(m) = v.as_object() else { return };
    if let Some(Value::Object(props)) = m.get("properties") {
        for (k, p) in props {
            nodes(p, format!("{at}/properties/{k}"), out);
        }
    }
    if let Some(items @ Value::Object(_)) = m.get("items") {
        nodes(items, format!("{at}/items"), out);
    }
    if let Some(add @ Value::Object(_)) = m.get("additionalProperties") {
        nodes(add, format!("{at}/additionalProperties"), out);
    }
    for k in ["prefixItems", "oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(a)) = m.get(k) {
            for (i, p) in a.iter().enumerate() {
                nodes(p, format!("{at}/{k}/{i}"), out);
            }
        }
    }
}

fn int(m: &Map<String, Value>, k: &str) -> Option<i64> {
    m.get(k).and_then(Value::as_i64)
}

fn types(m: &Map<String, Value>) -> Vec<String> {
    match m.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        _ => vec![],
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Direction {
    Narrow,
    Widen,
    /// Changes the comparison cannot decide (a changed pattern, a new `not`).
    Opaque,
}

/// Applies one change of `dir` to the node `m` (a oneOf parent is `m` itself); `None` when no
/// change of that direction applies to this node. Each change is strict: some value is accepted
/// by exactly one side.
fn mutate(
    rng: &mut Rng,
    m: &mut Map<String, Value>,
    dir: Direction,
    in_one_of: bool,
) -> Option<&'static str> {
    let ty = types(m);
    let is = |t: &str| ty.iter().any(|x| x == t);
    let has_enum = m.contains_key("enum");
    let mut options: Vec<&'static str> = Vec::new();
    match dir {
        Direction::Narrow => {
            if let Some(Value::Object(props)) = m.get("properties") {
                let req: Vec<String> = m
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                if props.keys().any(|k| !req.contains(k)) {
                    options.push("add required");
                }
                if m.get("additionalProperties") != Some(&json!(false)) {
                    options.push("close additionalProperties");
                }
            }
            if has_enum && m["enum"].as_array().unwrap().len() >= 2 {
                options.push("remove enum value");
            }
            if (is("integer") || is("number")) && !has_enum {
                let (lo, hi) = (int(m, "minimum"), int(m, "maximum"));
                if lo.is_none() || hi.is_none_or(|h| h - lo.unwrap() >= 2) {
                    options.push("raise minimum");
                }
                if hi.is_none() || lo.is_none_or(|l| hi.unwrap() - l >= 2) {
                    options.push("lower maximum");
                }
                if is("number") {
                    options.push("number to integer");
                }
            }
            if is("string") && !has_enum {
                let min = int(m, "minLength").unwrap_or(0);
                if int(m, "maxLength").is_none_or(|max| max > min) {
                    options.push("raise minLength");
                }
                let floor = if m.contains_key("pattern") {
                    min.max(1)
                } else {
                    min
                };
                if int(m, "maxLength").is_none_or(|max| max > floor) {
                    options.push("lower maxLength");
                }
                if !m.contains_key("pattern") {
                    options.push("add pattern");
                }
                if is("null") {
                    options.push("drop null");
                }
            }
            if is("array") && m.contains_key("items") && !m.contains_key("prefixItems") {
                let min = int(m, "minItems").unwrap_or(0);
                if int(m, "maxItems").is_none_or(|max| max > min) {
                    options.push("raise minItems");
                    options.push("lower maxItems");
                }
            }
            if m.contains_key("prefixItems") {
                let n = m["prefixItems"].as_array().unwrap().len() as i64;
                if int(m, "minItems").unwrap_or(0) < n {
                    options.push("raise minItems");
                }
            }
            if m.get("oneOf")
                .and_then(Value::as_array)
                .is_some_and(|a| a.len() >= 2)
            {
                options.push("remove branch");
            }
        }
        Direction::Widen => {
            if m.get("required")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
            {
                options.push("drop required");
            }
            if m.get("additionalProperties") == Some(&json!(false)) {
                options.push("open additionalProperties");
            }
            if has_enum {
                options.push("add enum value");
            }
            if (is("integer") || is("number")) && !has_enum {
                if m.contains_key("minimum") {
                    options.push("lower minimum");
                }
                if m.contains_key("maximum") {
                    options.push("raise maximum");
                }
                if is("integer") {
                    options.push("integer to number");
                }
            }
            if is("string") && !has_enum {
                let min = int(m, "minLength").unwrap_or(0);
                let floor = if m.contains_key("pattern") { 1 } else { 0 };
                if min > floor {
                    options.push("lower minLength");
                }
                if m.contains_key("maxLength") {
                    options.push("raise maxLength");
                }
                if m.contains_key("pattern") {
                    options.push("drop pattern");
                }
                // (A oneOf branch stays disjoint from its siblings: one may be `null`.)
                if !in_one_of && !is("null") && m.get("type") == Some(&json!("string")) {
                    options.push("add null");
                }
            }
            if is("array") {
                if int(m, "minItems").unwrap_or(0) > 0 {
                    options.push("lower minItems");
                }
                if m.contains_key("maxItems") {
                    options.push("raise maxItems");
                }
                if m.get("items") == Some(&json!(false)) {
                    options.push("open items");
                }
            }
            if let Some(Value::Array(b)) = m.get("oneOf")
                && b.iter().all(|x| x.get("type") != Some(&json!("boolean")))
            {
                options.push("add branch");
            }
        }
        Direction::Opaque => {
            if is("string") && !has_enum {
                options.push("change pattern");
            }
            options.push("add not");
            if m.get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| !p.is_empty())
            {
                options.push("drop property");
            }
            if is("object") {
                options.push("declare property");
                options.push("additionalProperties schema");
            }
            options.push("wrap in anyOf");
            options.push("wrap in allOf");
        }
    }
    if options.is_empty() {
        return None;
    }
    let choice = options[rng.below(options.len())];
    match choice {
        "add required" => {
            let req: Vec<Value> = m
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let free: Vec<String> = m["properties"]
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| !req.contains(&json!(k)))
                .cloned()
                .collect();
            let mut req = req;
            req.push(json!(free[rng.below(free.len())]));
            m.insert("required".into(), Value::Array(req));
        }
        "close additionalProperties" => {
            m.insert("additionalProperties".into(), json!(false));
        }
        "remove enum value" => {
            let e = m.get_mut("enum").unwrap().as_array_mut().unwrap();
            let i = rng.below(e.len());
            e.remove(i);
        }
        "raise minimum" => {
            let v = int(m, "minimum").map_or(rng.int(-5, 5), |v| v + 1);
            let v = int(m, "maximum").map_or(v, |hi| v.min(hi - 1));
            m.insert("minimum".into(), json!(v));
        }
        "lower maximum" => {
            let v = int(m, "maximum").map_or(rng.int(-5, 5), |v| v - 1);
            let v = int(m, "minimum").map_or(v, |lo| v.max(lo + 1));
            m.insert("maximum".into(), json!(v));
        }
        "number to integer" => {
            m.insert("type".into(), json!("integer"));
        }
        "raise minLength" => {
            let v = int(m, "minLength").unwrap_or(0) + 1;
            m.insert("minLength".into(), json!(v));
        }
        "lower maxLength" => {
            let floor = int(m, "minLength").unwrap_or(0);
            let floor = if m.contains_key("pattern") {
                floor.max(1)
            } else {
                floor
            };
            let v = int(m, "maxLength").map_or(floor + 2, |v| v - 1);
            m.insert("maxLength".into(), json!(v));
        }
        "add pattern" => {
            m.insert("pattern".into(), json!(PATTERN));
        }
        "drop null" => {
            m.insert("type".into(), json!("string"));
        }
        "raise minItems" => {
            let v = int(m, "minItems").unwrap_or(0) + 1;
            m.insert("minItems".into(), json!(v));
        }
        "lower maxItems" => {
            let min = int(m, "minItems").unwrap_or(0);
            let v = int(m, "maxItems").map_or(min + 2, |v| v - 1);
            m.insert("maxItems".into(), json!(v));
        }
        "remove branch" => {
            let b = m.get_mut("oneOf").unwrap().as_array_mut().unwrap();
            let i = rng.below(b.len());
            b.remove(i);
        }
        "drop required" => {
            let r = m.get_mut("required").unwrap().as_array_mut().unwrap();
            let i = rng.below(r.len());
            r.remove(i);
        }
        "open additionalProperties" => {
            m.remove("additionalProperties");
        }
        "add enum value" => {
            let e = m.get_mut("enum").unwrap().as_array_mut().unwrap();
            let new = WORDS
                .iter()
                .find(|w| !e.contains(&json!(w)))
                .map_or("zebra", |w| w);
            e.push(json!(new));
        }
        "lower minimum" => {
            if rng.chance(50) {
                m.remove("minimum");
            } else {
                let v = int(m, "minimum").unwrap() - 1;
                m.insert("minimum".into(), json!(v));
            }
        }
        "raise maximum" => {
            if rng.chance(50) {
                m.remove("maximum");
            } else {
                let v = int(m, "maximum").unwrap() + 1;
                m.insert("maximum".into(), json!(v));
            }
        }
        "integer to number" => {
            m.insert("type".into(), json!("number"));
        }
        "lower minLength" => {
            let v = int(m, "minLength").unwrap() - 1;
            m.insert("minLength".into(), json!(v));
        }
        "raise maxLength" => {
            if rng.chance(50) {
                m.remove("maxLength");
            } else {
                let v = int(m, "maxLength").unwrap() + 1;
                m.insert("maxLength".into(), json!(v));
            }
        }
        "drop pattern" => {
            m.remove("pattern");
        }
        "add null" => {
            m.insert("type".into(), json!(["string", "null"]));
        }
        "lower minItems" => {
            let v = int(m, "minItems").unwrap() - 1;
            m.insert("minItems".into(), json!(v));
        }
        "raise maxItems" => {
            if rng.chance(50) {
                m.remove("maxItems");
            } else {
                let v = int(m, "maxItems").unwrap() + 1;
                m.insert("maxItems".into(), json!(v));
            }
        }
        "open items" => {
            m.remove("items");
        }
        "add branch" => {
            m.get_mut("oneOf")
                .unwrap()
                .as_array_mut()
                .unwrap()
                .push(json!({"type": "boolean"}));
        }
        "change pattern" => {
            let p = if m.get("pattern") == Some(&json!(PATTERN)) {
                "^[a-c]+$"
            } else {
                "^[b-z]*$"
            };
            m.insert("pattern".into(), json!(p));
        }
        "add not" => {
            m.insert("not".into(), json!({"const": "red"}));
        }
        "drop property" => {
            let props = m.get_mut("properties").unwrap().as_object_mut().unwrap();
            let keys: Vec<String> = props.keys().cloned().collect();
            props.remove(&keys[rng.below(keys.len())]);
        }
        "declare property" => {
            let schema = [
                json!({"type": "string"}),
                json!({"type": "integer", "minimum": 0}),
                json!(false),
            ][rng.below(3)]
            .clone();
            let props = m.entry("properties").or_insert_with(|| json!({}));
            props
                .as_object_mut()
                .unwrap()
                .insert(NAMES[rng.below(NAMES.len())].into(), schema);
        }
        "additionalProperties schema" => {
            m.insert(
                "additionalProperties".into(),
                json!({"type": "string", "maxLength": 2}),
            );
        }
        "wrap in anyOf" => {
            let inner = Value::Object(std::mem::take(m));
            m.insert(
                "anyOf".into(),
                json!([inner, {"type": "string", "maxLength": 1}]),
            );
        }
        "wrap in allOf" => {
            let inner = Value::Object(std::mem::take(m));
            m.insert("allOf".into(), json!([inner]));
        }
        _ => unreachable!("{choice}"),
    }
    Some(choice)
}

/// `old` with one change of `dir` at a random node, and what the change was.
fn mutated(rng: &mut Rng, old: &Value, dir: Direction) -> Option<(Value, String)> {
    let mut all = Vec::new();
    nodes(old, String::new(), &mut all);
    for _ in 0..20 {
        let at = &all[rng.below(all.len())];
        let mut new = old.clone();
        let node = new.pointer_mut(at).and_then(Value::as_object_mut)?;
        let in_one_of = at.rsplit('/').nth(1) == Some("oneOf");
        if let Some(what) = mutate(rng, node, dir, in_one_of) {
            return Some((new, format!("{what} at '{at}'")));
        }
    }
    None
}

/// A value shaped by `schema` (often valid, sometimes not), or noise.
fn gen_value(rng: &mut Rng, schema: &Value, depth: u32) -> Value {
    if depth == 0 || rng.chance(8) {
        return noise(rng, depth.min(1));
    }
    let Some(m) = schema.as_object() else {
        return noise(rng, 1);
    };
    if let Some(Value::Array(b)) = m.get("allOf") {
        return gen_value(rng, &b[0], depth);
    }
    if let Some(Value::Array(b)) = m.get("oneOf").or_else(|| m.get("anyOf")) {
        let i = rng.below(b.len());
        return gen_value(rng, &b[i], depth);
    }
    if let Some(Value::Array(e)) = m.get("enum") {
        return if rng.chance(85) {
            e[rng.below(e.len())].clone()
        } else {
            json!(WORDS[rng.below(WORDS.len())])
        };
    }
    let ty = types(m);
    let t = if ty.is_empty() {
        "string".to_owned()
    } else {
        ty[rng.below(ty.len())].clone()
    };
    match t.as_str() {
        "string" => {
            let min = int(m, "minLength").unwrap_or(0);
            let max = int(m, "maxLength").unwrap_or(min + 4);
            let len = rng.int((min - 1).max(0), max + 1);
            let alphabet: &[u8] = if rng.chance(70) { b"abz" } else { b"ab1Z" };
            let s: String = (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())] as char)
                .collect();
            json!(s)
        }
        "integer" | "number" => {
            let lo = int(m, "minimum").unwrap_or(-8);
            let hi = int(m, "maximum").unwrap_or(lo + 10).max(lo);
            let i = rng.int(lo - 1, hi + 1);
            if t == "number" && rng.chance(40) {
                json!(i as f64 + 0.5)
            } else {
                json!(i)
            }
        }
        "boolean" => json!(rng.chance(50)),
        "null" => Value::Null,
        "object" => {
            let mut o = Map::new();
            let req: Vec<Value> = m
                .get("required")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if let Some(Value::Object(props)) = m.get("properties") {
                for (k, p) in props {
                    if req.contains(&json!(k)) && rng.chance(95) || rng.chance(60) {
                        o.insert(k.clone(), gen_value(rng, p, depth - 1));
                    }
                }
            }
            if rng.chance(25) {
                let extra = m.get("additionalProperties").cloned().unwrap_or(json!({}));
                o.insert("zz".into(), gen_value(rng, &extra, depth - 1));
            }
            Value::Object(o)
        }
        "array" => {
            let prefix: Vec<Value> = m
                .get("prefixItems")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            let items = m.get("items").cloned().unwrap_or(json!({}));
            let min = int(m, "minItems").unwrap_or(0);
            let max = int(m, "maxItems").unwrap_or(if prefix.is_empty() {
                min + 3
            } else {
                prefix.len() as i64
            });
            let len = rng.int((min - 1).max(0), max + 1);
            let a: Vec<Value> = (0..len as usize)
                .map(|i| {
                    let s = prefix.get(i).unwrap_or(&items);
                    let s = if s == &json!(false) {
                        json!({})
                    } else {
                        s.clone()
                    };
                    gen_value(rng, &s, depth - 1)
                })
                .collect();
            Value::Array(a)
        }
        _ => noise(rng, 1),
    }
}

fn noise(rng: &mut Rng, depth: u32) -> Value {
    match rng.below(if depth > 0 { 8 } else { 6 }) {
        0 => Value::Null,
        1 => json!(rng.chance(50)),
        2 => json!(rng.int(-10, 10)),
        3 => json!(rng.int(-10, 10) as f64 + 0.5),
        4 => json!(["", "a", "red", "Z1", "abcdefgh"][rng.below(5)]),
        5 => json!(WORDS[rng.below(WORDS.len())]),
        6 => json!([noise(rng, 0), noise(rng, 0)]),
        _ => json!({ "a": noise(rng, 0), "zz": noise(rng, 0) }),
    }
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(schema)
        .unwrap_or_else(|e| panic!("generated schema does not compile: {e}\n{schema}"))
}

/// A value accepted by `a` and rejected by `b`, among `tries` values generated from `a`.
fn witness(rng: &mut Rng, a: &Value, b: &Value, tries: usize) -> Option<Value> {
    let (va, vb) = (validator(a), validator(b));
    (0..tries)
        .map(|_| gen_value(rng, a, 6))
        .find(|v| va.is_valid(v) && !vb.is_valid(v))
}

/// Cases per property; `DIFF_PROPERTY_CASES=20000` runs a longer search.
fn cases() -> u64 {
    std::env::var("DIFF_PROPERTY_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500)
}
const VALUES_PER_CASE: usize = 150;

fn strict(dir: Direction) {
    let (mut checked, mut witnessed) = (0, 0);
    for seed in 0..cases() {
        let mut rng = Rng::new(seed + if dir == Direction::Narrow { 0 } else { 1 << 32 });
        let old = gen_schema(&mut rng, 3, false);
        let Some((new, what)) = mutated(&mut rng, &old, dir) else {
            continue;
        };
        checked += 1;
        let e = compare_values(&old, &new);
        let expected = match dir {
            Direction::Narrow => (Tri::Yes, Tri::No),
            _ => (Tri::No, Tri::Yes),
        };
        assert_eq!(
            (e.narrows, e.widens),
            expected,
            "seed {seed}: {what}\nold: {old}\nnew: {new}"
        );
        // The change is real: a value tells the two apart (searched, so not always found).
        let found = match dir {
            Direction::Narrow => witness(&mut rng, &old, &new, 300),
            _ => witness(&mut rng, &new, &old, 300),
        };
        witnessed += usize::from(found.is_some());
    }
    eprintln!("{dir:?}: {checked} changes checked, a witness value found for {witnessed}");
    // (A schema such as `{"type": "boolean"}` has no strict change.)
    assert!(checked >= cases() as usize * 3 / 4, "only {checked} cases");
    // The generator's claim that each change is strict, checked by a real validator.
    assert!(
        witnessed * 10 >= checked * 8,
        "{dir:?}: a witness value found for only {witnessed} of {checked} changes"
    );
}

#[test]
fn strict_narrowing_is_always_breaking_for_client_sent_and_compatible_for_server_sent() {
    strict(Direction::Narrow);
}

#[test]
fn strict_widening_is_always_compatible_for_client_sent_and_breaking_for_server_sent() {
    strict(Direction::Widen);
}

#[test]
fn compatible_is_never_claimed_when_a_value_tells_otherwise() {
    let (mut claims_narrow_free, mut claims_widen_free) = (0, 0);
    for seed in 0..cases() {
        let mut rng = Rng::new(seed + (2 << 32));
        let old = gen_schema(&mut rng, 3, false);
        let mut new = old.clone();
        let mut changes = Vec::new();
        for _ in 0..rng.int(1, 3) {
            let dir = [Direction::Narrow, Direction::Widen, Direction::Opaque][rng.below(3)];
            if let Some((next, what)) = mutated(&mut rng, &new, dir) {
                new = next;
                changes.push(what);
            }
        }
        let e = compare_values(&old, &new);
        let (vo, vn) = (validator(&old), validator(&new));
        let values: Vec<Value> = (0..VALUES_PER_CASE)
            .map(|i| gen_value(&mut rng, if i % 2 == 0 { &old } else { &new }, 6))
            .collect();
        if e.narrows == Tri::No {
            claims_narrow_free += 1;
            if let Some(v) = values.iter().find(|v| vo.is_valid(v) && !vn.is_valid(v)) {
                panic!(
                    "seed {seed}: claimed not narrowing, but {v} is accepted by old and rejected by new\n\
                     changes: {changes:?}\nold: {old}\nnew: {new}"
                );
            }
        }
        if e.widens == Tri::No {
            claims_widen_free += 1;
            if let Some(v) = values.iter().find(|v| vn.is_valid(v) && !vo.is_valid(v)) {
                panic!(
                    "seed {seed}: claimed not widening, but {v} is accepted by new and rejected by old\n\
                     changes: {changes:?}\nold: {old}\nnew: {new}"
                );
            }
        }
    }
    // Both claims are exercised often enough to mean something.
    assert!(claims_narrow_free > cases() / 5, "{claims_narrow_free}");
    assert!(claims_widen_free > cases() / 5, "{claims_widen_free}");
}
