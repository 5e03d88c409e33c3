//! JSON Schema → one random valid value.
//!
//! The generator walks the (normalized, 2020-12 spelled) schema: `$ref` and `allOf` are merged
//! into one flat schema, `oneOf`/`anyOf`/`if` become choices resolved by picking a branch that
//! does not contradict the rest, `not` is enforced by regenerating. Every value is then checked
//! with the same [`CompiledSchema`] the server validates with; the rare value that slips through
//! (e.g. a `oneOf` value matching two branches) is regenerated, so callers only ever see valid
//! values.
//!
//! - `mod.rs` (here): [`FakeGenerator`] (startup attempts, fallback values, the recursion that
//!   picks a type per flat schema), [`fake_arguments`], what blocked an attempt.
//! - `combine.rs`: `$ref`/`allOf` merging, `oneOf`/`anyOf`/`if` choices, contradictions.
//! - `strings.rs`, `numbers.rs`, `containers.rs` (arrays and objects): one value per type.
//! - `caches.rs`: regexes and subschema validators compiled once.

mod caches;
mod combine;
mod containers;
mod numbers;
mod strings;

use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};
use serde_json::{Map, Value};

use crate::model::{ArgumentList, Schema};
use crate::validate::CompiledSchema;
use crate::validate::schema::normalize;
use caches::Caches;
use combine::{Flat, conflict, type_list};
use numbers::{integer, number};

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

pub(super) fn uint(map: &Map<String, Value>, key: &str) -> Option<usize> {
    map.get(key)
        .and_then(Value::as_f64)
        .filter(|f| *f >= 0.0)
        .map(|f| f.min(1e9) as usize)
}
