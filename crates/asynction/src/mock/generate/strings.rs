//! Strings: `pattern` (sampled with `rand_regex`), `format` (standard and Faker formats, see
//! `formats.rs`), `minLength`/`maxLength`, lorem text otherwise.

use rand::{Rng, RngExt};
use serde_json::{Map, Value};

use super::super::formats;
use super::{Blocked, FakeGenerator, LOCAL_RETRIES, uint};

impl FakeGenerator {
    pub(super) fn string<R: Rng + ?Sized>(
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
