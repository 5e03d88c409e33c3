//! Arrays and objects: `prefixItems`/`items`, `minItems`/`maxItems`, `uniqueItems`,
//! `contains`; `properties`/`required`/`additionalProperties`/`patternProperties`,
//! `minProperties`/`maxProperties`, `dependentRequired`. Optional properties are included at
//! random; beyond `SOFT_DEPTH` values are kept minimal so recursive schemas end.

use rand::{Rng, RngExt};
use serde_json::{Map, Value, json};

use super::{Blocked, FakeGenerator, LOCAL_RETRIES, SOFT_DEPTH, uint};

impl FakeGenerator {
    pub(super) fn array<R: Rng + ?Sized>(
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

    pub(super) fn object<R: Rng + ?Sized>(
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
