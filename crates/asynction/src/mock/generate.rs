//! JSON Schema → one random valid value.
//!
//! The generator walks the (normalized, 2020-12 spelled) schema: `$ref` and `allOf` are merged
//! into one flat schema, `oneOf`/`anyOf`/`if` become choices resolved by picking a branch that
//! does not contradict the rest, `not` is enforced by regenerating. Every value is then checked
//! with the same [`CompiledSchema`] the server validates with; the rare value that slips through
//! (e.g. a `oneOf` value matching two branches) is regenerated, so callers only ever see valid
//! values.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};
use serde_json::{Map, Number, Value, json};

use super::formats;
use crate::model::{ArgumentList, Schema};
use crate::validate::CompiledSchema;
use crate::validate::schema::normalize;

/// Values tried by [`FakeGenerator::new`] before a schema is declared unsatisfiable.
pub const STARTUP_ATTEMPTS: usize = 32;
/// Values tried by [`FakeGenerator::generate`] before it falls back to a known-good value.
pub const RUNTIME_ATTEMPTS: usize = 64;
/// Known-good values kept from the startup attempts as a fallback.
const FALLBACK_POOL: usize = 8;
/// Nesting depth after which optional properties are left out and arrays are kept minimal.
const SOFT_DEPTH: usize = 4;
/// Nesting depth at which a recursive schema is declared non-terminating.
const HARD_DEPTH: usize = 32;
/// Local retries for `not`, `uniqueItems`, string lengths and numbers.
const LOCAL_RETRIES: usize = 16;
/// Seed of the startup attempts (startup is reproducible too).
const STARTUP_SEED: u64 = 0x6173_796e_6374_696f;

/// Why no value could be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// The schema does not compile as JSON Schema.
    #[error("the schema at {pointer} is not a valid JSON Schema: {message}")]
    InvalidSchema {
        /// JSON pointer of the schema in the resolved document.
        pointer: String,
        /// The compiler's message.
        message: String,
    },
    /// No generated value satisfied the schema, and no example did either.
    #[error(
        "cannot generate a value for the schema at {schema} ({attempts} attempts): `{keyword}` at {pointer}: {reason}"
    )]
    Unsatisfiable {
        /// JSON pointer of the payload/ack schema in the resolved document.
        schema: String,
        /// JSON pointer of the keyword that blocked generation (schema pointer + path inside it).
        pointer: String,
        /// The blocking keyword (`maxLength`, `enum`, `not`, …).
        keyword: String,
        /// What is contradictory about it.
        reason: String,
        /// How many values were tried.
        attempts: usize,
    },
}

/// Produces random values valid against one payload or ack schema.
///
/// Build one per schema at startup with [`FakeGenerator::new`]; [`FakeGenerator::generate`] is
/// then cheap and infallible. Generation is deterministic for a given RNG state, so a seeded
/// [`rand::rngs::StdRng`] gives a reproducible sequence. `FakeGenerator` is `Send + Sync` and
/// can be shared behind an `Arc`.
pub struct FakeGenerator {
    validator: CompiledSchema,
    schema: Value,
    root: Value,
    pointer: String,
    examples: Vec<Value>,
    fallback: Vec<Value>,
    caches: Caches,
}

impl std::fmt::Debug for FakeGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeGenerator")
            .field("pointer", &self.pointer)
            .field("arguments", &self.validator.arguments())
            .field("examples", &self.examples.len())
            .finish()
    }
}

impl FakeGenerator {
    /// Prepares a generator for `schema` (a payload or ack schema of the model); `document` is
    /// the resolved document ([`crate::Document::resolved`]) that local `$ref`s point into, and
    /// `examples` are the message's example payloads (pass `&[]` for acks).
    ///
    /// Examples that validate are returned by [`FakeGenerator::generate`] in preference to
    /// generated values. Without a valid example, [`STARTUP_ATTEMPTS`] values are generated
    /// (with a fixed seed) and the schema is rejected as unsatisfiable when none validates; the
    /// error names the keyword and JSON pointer that blocked generation.
    pub fn new(
        schema: &Schema,
        document: &Value,
        examples: &[Value],
    ) -> Result<Self, GenerateError> {
        let validator = CompiledSchema::compile(schema, document).map_err(|message| {
            GenerateError::InvalidSchema {
                pointer: schema.pointer.clone(),
                message,
            }
        })?;
        let examples: Vec<Value> = examples
            .iter()
            .filter(|e| validator.is_valid(e))
            .cloned()
            .collect();
        let mut generator = Self {
            validator,
            schema: normalize(&schema.value),
            root: normalize(document),
            pointer: schema.pointer.clone(),
            examples,
            fallback: Vec::new(),
            caches: Caches::default(),
        };
        let mut rng = StdRng::seed_from_u64(STARTUP_SEED);
        let mut failures: Vec<Blocked> = Vec::new();
        for _ in 0..STARTUP_ATTEMPTS {
            match generator.attempt(&mut rng) {
                Ok(v) if generator.fallback.len() < FALLBACK_POOL => generator.fallback.push(v),
                Ok(_) => {}
                Err(b) => failures.push(b),
            }
        }
        if generator.fallback.is_empty() && generator.examples.is_empty() {
            let blocked = most_frequent(failures);
            return Err(GenerateError::Unsatisfiable {
                schema: generator.pointer.clone(),
                pointer: format!("{}{}", generator.pointer, blocked.path),
                keyword: blocked.keyword,
                reason: blocked.reason,
                attempts: STARTUP_ATTEMPTS,
            });
        }
        Ok(generator)
    }

    /// One value valid against the schema: a random valid example when the message has any,
    /// else a generated value (up to [`RUNTIME_ATTEMPTS`] tries, then a known-good value from
    /// startup). For an [`ArgumentList::Spread`] schema the value is the array of arguments
    /// (see [`fake_arguments`]).
    ///
    /// Takes any `rand::Rng` (rand 0.10, e.g. `StdRng::seed_from_u64(7)` or `rand::rng()`).
    pub fn generate<R: Rng + ?Sized>(&self, rng: &mut R) -> Value {
        if !self.examples.is_empty() {
            return self.examples[rng.random_range(0..self.examples.len())].clone();
        }
        for _ in 0..RUNTIME_ATTEMPTS {
            if let Ok(v) = self.attempt(rng) {
                return v;
            }
        }
        // `new` guarantees a non-empty pool when there are no examples.
        self.fallback[rng.random_range(0..self.fallback.len())].clone()
    }

    /// How the generated value maps onto Socket.IO arguments.
    pub fn arguments(&self) -> ArgumentList {
        self.validator.arguments()
    }

    /// JSON pointer of the schema in the resolved document.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The examples that validate against the schema (used in preference to generated values).
    pub fn examples(&self) -> &[Value] {
        &self.examples
    }

    fn attempt<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<Value, Blocked> {
        let value = self.value(&self.schema, "", 0, rng)?;
        match self.validator.validate_value(&value) {
            Ok(()) => Ok(value),
            Err(violations) => {
                let first = violations.into_iter().next();
                let (path, message) = first
                    .map(|v| (v.schema_path, v.message))
                    .unwrap_or_default();
                let keyword = path.rsplit('/').next().unwrap_or_default().to_owned();
                let path = path
                    .rsplit_once('/')
                    .map(|(p, _)| p.to_owned())
                    .unwrap_or_default();
                Err(Blocked {
                    path,
                    keyword,
                    reason: format!("generated values keep failing it, e.g. {message}"),
                })
            }
        }
    }

    /// A value for `schema` found at `path` (relative to the payload/ack schema).
    fn value<R: Rng + ?Sized>(
        &self,
        schema: &Value,
        path: &str,
        depth: usize,
        rng: &mut R,
    ) -> Result<Value, Blocked> {
        if depth > HARD_DEPTH {
            return Err(Blocked::new(
                path,
                "$ref",
                format!(
                    "values nest deeper than {HARD_DEPTH} levels (recursive schema without a way out)"
                ),
            ));
        }
        let mut flat = Flat::default();
        self.flatten(schema, path, 0, &mut flat)?;
        // A `not` may also arrive with a branch (`if`/`else`), so decide after choosing.
        let tries = if flat.nots.is_empty() && flat.choices.is_empty() {
            1
        } else {
            LOCAL_RETRIES
        };
        for _ in 0..tries {
            let chosen = self.choose(flat.clone(), rng)?;
            let value = self.instance(&chosen.map, path, depth, rng)?;
            if !chosen
                .nots
                .iter()
                .any(|n| self.caches.matches(n, &value, &self.root))
            {
                return Ok(value);
            }
        }
        Err(Blocked::new(
            path,
            "not",
            "every generated value matched the `not` schema",
        ))
    }

    /// Merges `$ref` targets and `allOf` branches of `schema` into `out`.
    fn flatten(
        &self,
        schema: &Value,
        path: &str,
        hops: usize,
        out: &mut Flat,
    ) -> Result<(), Blocked> {
        if hops > HARD_DEPTH {
            return Err(Blocked::new(path, "$ref", "`$ref`/`allOf` chains loop"));
        }
        let map = match schema {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => {
                return Err(Blocked::new(
                    path,
                    "false",
                    "the schema `false` accepts no value",
                ));
            }
            Value::Object(m) => m,
            _ => return Ok(()),
        };
        let mut own = Map::new();
        for (key, v) in map {
            match key.as_str() {
                "$ref" => {
                    let target = self
                        .resolve(v)
                        .ok_or_else(|| Blocked::new(path, "$ref", format!("cannot resolve {v}")))?;
                    self.flatten(target, path, hops + 1, out)?;
                }
                "allOf" => {
                    for (i, sub) in v.as_array().into_iter().flatten().enumerate() {
                        self.flatten(sub, &format!("{path}/allOf/{i}"), hops + 1, out)?;
                    }
                }
                "oneOf" | "anyOf" => out.choices.push((
                    format!("{path}/{key}"),
                    key.clone(),
                    v.as_array().cloned().unwrap_or_default(),
                )),
                "not" => out.nots.push(v.clone()),
                "if" => {
                    let then = map.get("then").cloned().unwrap_or(Value::Bool(true));
                    let other = map.get("else").cloned().unwrap_or(Value::Bool(true));
                    let branches = vec![
                        json!({ "allOf": [v, then] }),
                        json!({ "allOf": [other], "not": v }),
                    ];
                    out.choices
                        .push((format!("{path}/if"), "if".to_owned(), branches));
                }
                "then" | "else" => {}
                _ => {
                    own.insert(key.clone(), v.clone());
                }
            }
        }
        merge(&mut out.map, own);
        Ok(())
    }

    /// Resolves every pending `oneOf`/`anyOf`/`if` by picking a branch compatible with the rest.
    fn choose<R: Rng + ?Sized>(&self, mut flat: Flat, rng: &mut R) -> Result<Flat, Blocked> {
        let mut rounds = 0;
        while let Some((path, keyword, branches)) = flat.choices.pop() {
            rounds += 1;
            if rounds > HARD_DEPTH {
                return Err(Blocked::new(&path, &keyword, "branches nest too deeply"));
            }
            if branches.is_empty() {
                return Err(Blocked::new(
                    &path,
                    &keyword,
                    format!("`{keyword}` has no branch"),
                ));
            }
            let start = rng.random_range(0..branches.len());
            let mut picked = None;
            let mut last_err = None;
            for k in 0..branches.len() {
                let i = (start + k) % branches.len();
                let mut tentative = flat.clone();
                match self.flatten(&branches[i], &format!("{path}/{i}"), 0, &mut tentative) {
                    Ok(()) => match conflict(&tentative.map) {
                        None => {
                            picked = Some(tentative);
                            break;
                        }
                        Some((kw, reason)) => {
                            last_err = Some(Blocked::new(&format!("{path}/{i}"), &kw, reason))
                        }
                    },
                    Err(b) => last_err = Some(b),
                }
            }
            flat = match picked {
                Some(f) => f,
                None => {
                    let why = last_err
                        .map(|b| format!(" (last: `{}` at {}: {})", b.keyword, b.path, b.reason))
                        .unwrap_or_default();
                    return Err(Blocked::new(
                        &path,
                        &keyword,
                        format!("no branch is compatible with the rest of the schema{why}"),
                    ));
                }
            };
        }
        Ok(flat)
    }

    fn resolve(&self, reference: &Value) -> Option<&Value> {
        let fragment = reference.as_str()?.strip_prefix('#')?;
        if fragment.is_empty() {
            return Some(&self.root);
        }
        self.root.pointer(fragment)
    }

    /// A value for a flat schema (no `$ref`, `allOf`, `oneOf`, `anyOf`, `not` left).
    fn instance<R: Rng + ?Sized>(
        &self,
        map: &Map<String, Value>,
        path: &str,
        depth: usize,
        rng: &mut R,
    ) -> Result<Value, Blocked> {
        if let Some((keyword, reason)) = conflict(map) {
            return Err(Blocked::new(path, &keyword, reason));
        }
        let types = allowed_types(map);
        if let Some(c) = map.get("const") {
            return Ok(c.clone());
        }
        if let Some(Value::Array(values)) = map.get("enum") {
            let candidates: Vec<&Value> = values
                .iter()
                .filter(|v| types.iter().any(|t| has_type(v, t)))
                .collect();
            if candidates.is_empty() {
                return Err(Blocked::new(
                    path,
                    "enum",
                    "no value of `enum` has an allowed `type`",
                ));
            }
            return Ok(candidates[rng.random_range(0..candidates.len())].clone());
        }
        let start = rng.random_range(0..types.len());
        let mut last = None;
        for k in 0..types.len() {
            let result = match types[(start + k) % types.len()] {
                "null" => Ok(Value::Null),
                "boolean" => Ok(Value::Bool(rng.random())),
                "integer" => integer(map, path, rng),
                "number" => number(map, path, rng),
                "string" => self.string(map, path, rng),
                "array" => self.array(map, path, depth, rng),
                _ => self.object(map, path, depth, rng),
            };
            match result {
                Ok(v) => return Ok(v),
                Err(b) => last = Some(b),
            }
        }
        Err(last.unwrap_or_else(|| Blocked::new(path, "type", "no type allowed")))
    }

    fn string<R: Rng + ?Sized>(
        &self,
        map: &Map<String, Value>,
        path: &str,
        rng: &mut R,
    ) -> Result<Value, Blocked> {
        let min = uint(map, "minLength").unwrap_or(0);
        let max = uint(map, "maxLength");
        let fits = |s: &str| {
            let n = s.chars().count();
            n >= min && max.is_none_or(|m| n <= m)
        };
        let pattern = map.get("pattern").and_then(Value::as_str);
        let format = map
            .get("format")
            .and_then(Value::as_str)
            .filter(|f| formats::is_known(f));
        if pattern.is_some() || format.is_some() {
            let regex = match pattern {
                Some(p) => Some(
                    self.caches
                        .regex(p, (min + 8).clamp(8, 256) as u32)
                        .map_err(|e| Blocked::new(path, "pattern", e))?,
                ),
                None => None,
            };
            let mut last = String::new();
            for _ in 0..LOCAL_RETRIES {
                let sample = match (&regex, format) {
                    (Some(r), _) => rng.sample::<Result<String, _>, _>(&**r).ok(),
                    (None, Some(f)) => formats::fake_string(f, rng),
                    (None, None) => None,
                };
                if let Some(s) = sample {
                    if fits(&s) {
                        return Ok(Value::String(s));
                    }
                    last = s;
                }
            }
            // Hand the near-miss to the validator: it reports the exact keyword.
            return Ok(Value::String(last));
        }
        let hi = max.unwrap_or(min + 24).min(min + 24);
        let lo = min.max(hi.min(3));
        let len = rng.random_range(lo..=hi);
        Ok(Value::String(lorem(len, rng)))
    }

    fn array<R: Rng + ?Sized>(
        &self,
        map: &Map<String, Value>,
        path: &str,
        depth: usize,
        rng: &mut R,
    ) -> Result<Value, Blocked> {
        let prefix: &[Value] = map
            .get("prefixItems")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let items = map.get("items");
        let closed = matches!(items, Some(Value::Bool(false)));
        let min = uint(map, "minItems").unwrap_or(0);
        let mut max = uint(map, "maxItems");
        if closed {
            max = Some(max.map_or(prefix.len(), |m| m.min(prefix.len())));
            if min > prefix.len() {
                return Err(Blocked::new(
                    path,
                    "items",
                    format!("minItems {min} but only {} items are allowed", prefix.len()),
                ));
            }
        }
        let lo = if depth >= SOFT_DEPTH {
            min
        } else {
            min.max(prefix.len())
        };
        let lo = max.map_or(lo, |m| lo.min(m));
        let hi = if depth >= SOFT_DEPTH {
            lo
        } else {
            max.unwrap_or(lo + 3).min(lo + 3).max(lo)
        };
        let len = rng.random_range(lo..=hi);
        let unique = map.get("uniqueItems") == Some(&Value::Bool(true));
        let any = Value::Bool(true);
        let mut out: Vec<Value> = Vec::with_capacity(len);
        for i in 0..len {
            let (schema, at) = match prefix.get(i) {
                Some(s) => (s, format!("{path}/prefixItems/{i}")),
                None => (items.unwrap_or(&any), format!("{path}/items")),
            };
            let mut value = self.value(schema, &at, depth + 1, rng)?;
            if unique {
                let mut tries = 0;
                while out.contains(&value) && tries < 4 * LOCAL_RETRIES {
                    value = self.value(schema, &at, depth + 1, rng)?;
                    tries += 1;
                }
                if out.contains(&value) {
                    if out.len() >= min && i >= prefix.len() {
                        break;
                    }
                    return Err(Blocked::new(
                        path,
                        "uniqueItems",
                        format!("cannot find {min} distinct items"),
                    ));
                }
            }
            out.push(value);
        }
        if let Some(contains) = map.get("contains") {
            let wanted = uint(map, "minContains").unwrap_or(1);
            let mut have = out
                .iter()
                .filter(|v| self.caches.matches(contains, v, &self.root))
                .count();
            let both = json!({ "allOf": [items.unwrap_or(&any), contains] });
            while have < wanted {
                let v = self.value(&both, &format!("{path}/contains"), depth + 1, rng)?;
                match out
                    .iter()
                    .skip(prefix.len())
                    .position(|x| !self.caches.matches(contains, x, &self.root))
                {
                    Some(i) if max.is_some_and(|m| out.len() >= m) => out[prefix.len() + i] = v,
                    _ => out.push(v),
                }
                have += 1;
            }
        }
        Ok(Value::Array(out))
    }

    fn object<R: Rng + ?Sized>(
        &self,
        map: &Map<String, Value>,
        path: &str,
        depth: usize,
        rng: &mut R,
    ) -> Result<Value, Blocked> {
        let empty = Map::new();
        let props = map
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let patterns = map
            .get("patternProperties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let additional = map.get("additionalProperties");
        let min = uint(map, "minProperties").unwrap_or(0);
        let max = uint(map, "maxProperties");
        let mut keys: Vec<String> = Vec::new();
        for r in map
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !keys.iter().any(|k| k == r) {
                keys.push(r.to_owned());
            }
        }
        if max.is_some_and(|m| keys.len() > m) {
            return Err(Blocked::new(
                path,
                "maxProperties",
                format!(
                    "{} properties are required but maxProperties is {}",
                    keys.len(),
                    max.unwrap_or(0)
                ),
            ));
        }
        let room = |keys: &Vec<String>| max.is_none_or(|m| keys.len() < m);
        if depth < SOFT_DEPTH {
            for name in props.keys() {
                if !keys.contains(name)
                    && room(&keys)
                    && props[name] != Value::Bool(false)
                    && rng.random_bool(0.5)
                {
                    keys.push(name.clone());
                }
            }
        }
        for name in props.keys() {
            if keys.len() >= min || !room(&keys) {
                break;
            }
            if !keys.contains(name) && props[name] != Value::Bool(false) {
                keys.push(name.clone());
            }
        }
        // minProperties beyond `properties`: invent keys only as far as the schema demands.
        let mut counter = 0;
        while keys.len() < min {
            counter += 1;
            if counter > min + LOCAL_RETRIES {
                return Err(Blocked::new(
                    path,
                    "minProperties",
                    format!("cannot invent {min} distinct property names"),
                ));
            }
            let name = if let Some(pattern) = patterns.keys().next() {
                let regex = self
                    .caches
                    .regex(pattern, 8)
                    .map_err(|e| Blocked::new(path, "patternProperties", e))?;
                match rng.sample::<Result<String, _>, _>(&*regex) {
                    Ok(s) => s,
                    Err(_) => continue,
                }
            } else if additional == Some(&Value::Bool(false)) {
                return Err(Blocked::new(
                    path,
                    "minProperties",
                    format!(
                        "minProperties {min} but only {} properties are allowed",
                        keys.len()
                    ),
                ));
            } else {
                format!("property{counter}")
            };
            if !keys.contains(&name) {
                keys.push(name);
            }
        }
        // dependentRequired: pull in what present keys depend on.
        if let Some(Value::Object(deps)) = map.get("dependentRequired") {
            let mut i = 0;
            while i < keys.len() {
                if let Some(Value::Array(needed)) = deps.get(&keys[i]) {
                    for n in needed.iter().filter_map(Value::as_str) {
                        if !keys.iter().any(|k| k == n) {
                            keys.push(n.to_owned());
                        }
                    }
                }
                i += 1;
            }
        }
        // Emit in the order the schema lists properties, then the rest.
        keys.sort_by_key(|k| props.keys().position(|p| p == k).unwrap_or(usize::MAX));
        let any = Value::Bool(true);
        let mut out = Map::new();
        for key in keys {
            let mut parts: Vec<&Value> = Vec::new();
            if let Some(p) = props.get(&key) {
                parts.push(p);
            }
            for (pattern, schema) in patterns {
                if self.caches.matches(
                    &json!({ "type": "string", "pattern": pattern }),
                    &Value::String(key.clone()),
                    &self.root,
                ) {
                    parts.push(schema);
                }
            }
            if parts.is_empty() {
                parts.push(additional.unwrap_or(&any));
            }
            let at = format!(
                "{path}/properties/{}",
                key.replace('~', "~0").replace('/', "~1")
            );
            let value = match parts.as_slice() {
                [one] => self.value(one, &at, depth + 1, rng)?,
                many => self.value(&json!({ "allOf": many }), &at, depth + 1, rng)?,
            };
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// The Socket.IO arguments for one fake event or ack: `Single` → `[value]`, `Spread` → the
/// generated array's items, no schema (`None`) → no arguments.
pub fn fake_arguments<R: Rng + ?Sized>(
    generator: Option<&FakeGenerator>,
    rng: &mut R,
) -> Vec<Value> {
    let Some(generator) = generator else {
        return Vec::new();
    };
    match (generator.arguments(), generator.generate(rng)) {
        (ArgumentList::Spread, Value::Array(items)) => items,
        (_, value) => vec![value],
    }
}

/// What blocked one generation attempt.
#[derive(Debug, Clone)]
struct Blocked {
    /// Pointer of the subschema, relative to the payload/ack schema.
    path: String,
    keyword: String,
    reason: String,
}

impl Blocked {
    fn new(path: &str, keyword: &str, reason: impl Into<String>) -> Self {
        Self {
            path: format!("{path}/{keyword}"),
            keyword: keyword.to_owned(),
            reason: reason.into(),
        }
    }
}

fn most_frequent(failures: Vec<Blocked>) -> Blocked {
    let mut counts: Vec<(Blocked, usize)> = Vec::new();
    for f in failures {
        match counts
            .iter_mut()
            .find(|(b, _)| b.path == f.path && b.keyword == f.keyword)
        {
            Some((_, n)) => *n += 1,
            None => counts.push((f, 1)),
        }
    }
    // Ties go to the first failure seen.
    let best = counts
        .iter()
        .enumerate()
        .max_by_key(|(i, (_, n))| (*n, usize::MAX - i))
        .map(|(i, _)| i);
    match best {
        Some(i) => counts.swap_remove(i).0,
        None => Blocked::new("", "", "no value was generated"),
    }
}

/// A schema with `$ref`/`allOf` merged in and the pending choices and negations.
#[derive(Debug, Clone, Default)]
struct Flat {
    map: Map<String, Value>,
    /// (pointer, keyword, branches) of every `oneOf`/`anyOf`/`if` still to decide.
    choices: Vec<(String, String, Vec<Value>)>,
    nots: Vec<Value>,
}

/// Merges the keywords of `b` into `a` (the intersection of the two schemas, where it can be
/// expressed; otherwise `a`'s keyword wins and validation catches the rest).
fn merge(a: &mut Map<String, Value>, b: Map<String, Value>) {
    for (key, vb) in b {
        let Some(va) = a.get_mut(&key) else {
            a.insert(key, vb);
            continue;
        };
        match key.as_str() {
            "type" => {
                let left = type_list(va);
                let right = type_list(&vb);
                let mut both: Vec<Value> = Vec::new();
                for t in &left {
                    for u in &right {
                        let meet = match (t.as_str(), u.as_str()) {
                            (x, y) if x == y => Some(x),
                            ("number", "integer") | ("integer", "number") => Some("integer"),
                            _ => None,
                        };
                        if let Some(m) = meet
                            .map(|m| Value::String(m.to_owned()))
                            .filter(|m| !both.contains(m))
                        {
                            both.push(m);
                        }
                    }
                }
                *va = Value::Array(both);
            }
            "enum" => {
                let right = vb.as_array().cloned().unwrap_or_default();
                let kept: Vec<Value> = va
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|v| right.contains(v))
                    .cloned()
                    .collect();
                *va = Value::Array(kept);
            }
            "const" if *va != vb => {
                a.insert("enum".to_owned(), Value::Array(Vec::new()));
            }
            "minimum" | "exclusiveMinimum" | "minLength" | "minItems" | "minProperties"
            | "minContains" => {
                if let (Some(x), Some(y)) = (va.as_f64(), vb.as_f64())
                    && y > x
                {
                    *va = vb;
                }
            }
            "maximum" | "exclusiveMaximum" | "maxLength" | "maxItems" | "maxProperties"
            | "maxContains" => {
                if let (Some(x), Some(y)) = (va.as_f64(), vb.as_f64())
                    && y < x
                {
                    *va = vb;
                }
            }
            "multipleOf" => {
                if let (Some(x), Some(y)) = (va.as_u64(), vb.as_u64())
                    && x > 0
                    && y > 0
                {
                    *va = Value::from(x / gcd(x, y) * y);
                }
            }
            "uniqueItems" if vb == Value::Bool(true) => *va = vb,
            "required" => {
                if let (Value::Array(left), Value::Array(right)) = (va, vb) {
                    for r in right {
                        if !left.contains(&r) {
                            left.push(r);
                        }
                    }
                }
            }
            "properties" | "patternProperties" | "dependentSchemas" => {
                if let (Value::Object(left), Value::Object(right)) = (va, vb) {
                    for (name, schema) in right {
                        match left.get_mut(&name) {
                            Some(existing) => {
                                *existing = json!({ "allOf": [existing.clone(), schema] })
                            }
                            None => {
                                left.insert(name, schema);
                            }
                        }
                    }
                }
            }
            "dependentRequired" => {
                if let (Value::Object(left), Value::Object(right)) = (va, vb) {
                    for (name, list) in right {
                        let entry = left.entry(name).or_insert_with(|| Value::Array(Vec::new()));
                        if let (Value::Array(l), Value::Array(r)) = (entry, list) {
                            l.extend(r);
                        }
                    }
                }
            }
            "prefixItems" => {
                if let (Value::Array(left), Value::Array(right)) = (va, vb) {
                    for (i, schema) in right.into_iter().enumerate() {
                        match left.get_mut(i) {
                            Some(existing) => {
                                *existing = json!({ "allOf": [existing.clone(), schema] })
                            }
                            None => left.push(schema),
                        }
                    }
                }
            }
            "additionalProperties" | "items" | "contains" | "propertyNames" => {
                if *va == Value::Bool(false) || vb == Value::Bool(false) {
                    *va = Value::Bool(false);
                } else if *va != vb {
                    *va = json!({ "allOf": [va.clone(), vb] });
                }
            }
            _ => {}
        }
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

fn type_list(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// A contradiction visible in a flat schema without generating anything.
fn conflict(map: &Map<String, Value>) -> Option<(String, String)> {
    if let Some(Value::Array(types)) = map.get("type")
        && types.is_empty()
    {
        return Some((
            "type".into(),
            "the combined schemas allow no common type".into(),
        ));
    }
    if let Some(Value::Array(values)) = map.get("enum")
        && values.is_empty()
    {
        return Some((
            "enum".into(),
            "no value is allowed (empty `enum`, or `const`/`enum` that exclude each other)".into(),
        ));
    }
    for (lo, hi) in [
        ("minLength", "maxLength"),
        ("minItems", "maxItems"),
        ("minProperties", "maxProperties"),
        ("minimum", "maximum"),
    ] {
        if let (Some(a), Some(b)) = (
            map.get(lo).and_then(Value::as_f64),
            map.get(hi).and_then(Value::as_f64),
        ) && a > b
        {
            return Some((hi.into(), format!("{lo} {a} is greater than {hi} {b}")));
        }
    }
    None
}

/// The types a flat schema allows: `type` as written, else inferred from its keywords.
fn allowed_types(map: &Map<String, Value>) -> Vec<&'static str> {
    const ALL: [&str; 7] = [
        "null", "boolean", "integer", "number", "string", "array", "object",
    ];
    if let Some(t) = map.get("type") {
        let listed = type_list(t);
        return ALL
            .iter()
            .copied()
            .filter(|a| listed.iter().any(|l| l == a))
            .collect();
    }
    let has = |keys: &[&str]| keys.iter().any(|k| map.contains_key(*k));
    let mut inferred = Vec::new();
    if has(&[
        "properties",
        "required",
        "additionalProperties",
        "patternProperties",
        "minProperties",
        "maxProperties",
        "dependentRequired",
    ]) {
        inferred.push("object");
    }
    if has(&[
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "uniqueItems",
        "contains",
    ]) {
        inferred.push("array");
    }
    if has(&["minLength", "maxLength", "pattern", "format"]) {
        inferred.push("string");
    }
    if has(&[
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
    ]) {
        inferred.push("number");
    }
    if inferred.is_empty() {
        if map.contains_key("enum") || map.contains_key("const") {
            return ALL.to_vec();
        }
        inferred = vec!["string", "integer", "boolean"];
    }
    inferred
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    }
}

fn uint(map: &Map<String, Value>, key: &str) -> Option<usize> {
    map.get(key)
        .and_then(Value::as_f64)
        .filter(|f| *f >= 0.0)
        .map(|f| f.min(1e9) as usize)
}

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

fn integer<R: Rng + ?Sized>(
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

fn number<R: Rng + ?Sized>(
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

/// Lorem words cut to exactly `len` ASCII characters.
fn lorem<R: Rng + ?Sized>(len: usize, rng: &mut R) -> String {
    use fake::Fake;
    let mut s = String::with_capacity(len + 12);
    while s.len() < len {
        if !s.is_empty() {
            s.push(' ');
        }
        let word: String = fake::faker::lorem::en::Word().fake_with_rng(rng);
        s.extend(word.chars().filter(char::is_ascii_alphanumeric));
    }
    s.truncate(len);
    if s.ends_with(' ') {
        s.pop();
        s.push('a');
    }
    s
}

/// A pattern ready for sampling, or why it cannot be sampled.
type CompiledPattern = Result<Arc<rand_regex::Regex>, String>;

/// Compiled regexes and sub-validators, built on first use and shared across threads.
#[derive(Default)]
struct Caches {
    regexes: Mutex<HashMap<(String, u32), CompiledPattern>>,
    validators: Mutex<HashMap<String, Option<Arc<jsonschema::Validator>>>>,
}

impl Caches {
    /// A generator for `pattern`: anchors and word boundaries are dropped (a JSON Schema
    /// `pattern` is unanchored, so generating the bare language is valid), and `\d`/`\w` are
    /// ASCII so the strings also pass JavaScript validators.
    fn regex(&self, pattern: &str, max_repeat: u32) -> Result<Arc<rand_regex::Regex>, String> {
        let key = (pattern.to_owned(), max_repeat);
        let mut cache = self.regexes.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .entry(key)
            .or_insert_with(|| {
                // ASCII classes first; patterns that need Unicode (e.g. `.`) fall back to it.
                let ascii = regex_syntax::ParserBuilder::new()
                    .unicode(false)
                    .build()
                    .parse(pattern);
                let hir = match ascii {
                    Ok(hir) => hir,
                    Err(_) => regex_syntax::ParserBuilder::new()
                        .build()
                        .parse(pattern)
                        .map_err(|e| format!("cannot parse pattern {pattern:?}: {e}"))?,
                };
                rand_regex::Regex::with_hir(strip_assertions(hir), max_repeat)
                    .map(Arc::new)
                    .map_err(|e| format!("cannot generate strings for pattern {pattern:?}: {e}"))
            })
            .clone()
    }

    /// Whether `value` is valid against `schema` (a subschema; local `$ref`s resolve into
    /// `root`). A subschema that does not compile matches nothing.
    fn matches(&self, schema: &Value, value: &Value, root: &Value) -> bool {
        match schema {
            Value::Bool(b) => return *b,
            Value::Object(m) if m.is_empty() => return true,
            _ => {}
        }
        let key = schema.to_string();
        let validator = {
            let mut cache = self.validators.lock().unwrap_or_else(|p| p.into_inner());
            cache
                .entry(key)
                .or_insert_with(|| compile_subschema(schema, root))
                .clone()
        };
        validator.is_some_and(|v| v.is_valid(value))
    }
}

fn compile_subschema(schema: &Value, root: &Value) -> Option<Arc<jsonschema::Validator>> {
    let mut standalone = schema.clone();
    if let (Value::Object(s), Value::Object(r)) = (&mut standalone, root)
        && schema.to_string().contains("\"$ref\"")
    {
        // Local refs (`#/components/...`) resolve against the document's top level.
        for (k, v) in r {
            if !s.contains_key(k) && !matches!(k.as_str(), "$schema" | "$id" | "id") {
                s.insert(k.clone(), v.clone());
            }
        }
    }
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&standalone)
        .ok()
        .map(Arc::new)
}

fn strip_assertions(hir: regex_syntax::hir::Hir) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Capture, Hir, HirKind, Repetition};
    match hir.into_kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(strip_assertions(*c.sub)),
            ..c
        }),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(strip_assertions(*r.sub)),
            ..r
        }),
        HirKind::Concat(list) => Hir::concat(list.into_iter().map(strip_assertions).collect()),
        HirKind::Alternation(list) => {
            Hir::alternation(list.into_iter().map(strip_assertions).collect())
        }
        other => other_kind(other),
    }
}

/// Rebuilds a leaf (literal, class, empty) Hir from its kind.
fn other_kind(kind: regex_syntax::hir::HirKind) -> regex_syntax::hir::Hir {
    use regex_syntax::hir::{Hir, HirKind};
    match kind {
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Class(c) => Hir::class(c),
        _ => Hir::empty(),
    }
}
