//! The string family: lengths, `pattern` (compared by equality: a changed pattern is
//! undecided), and the standard `format`s (asserted; other formats constrain nothing).

use serde_json::{Map, Value};

use asynction_spec::STANDARD_FORMATS;

use super::place::{Ctx, Here, Key, short};
use super::{Effect, Finding};

impl Ctx<'_> {
    pub(super) fn strings(
        &self,
        o: &Map<String, Value>,
        n: &Map<String, Value>,
        here: &Here,
        out: &mut Vec<Finding>,
    ) {
        self.counts(o, n, ("minLength", "maxLength"), "length", here, out);
        let pattern = Key::of("pattern", o, n);
        match (o.get("pattern"), n.get("pattern")) {
            (a, b) if a == b => {}
            (None, Some(p)) => out.push(here.finding(
                pattern,
                Effect::NARROWS,
                format!("new pattern {}", short(p)),
            )),
            (Some(p), None) => out.push(here.finding(
                pattern,
                Effect::WIDENS,
                format!("pattern {} removed", short(p)),
            )),
            (Some(a), Some(b)) => out.push(here.finding(
                pattern,
                Effect::UNKNOWN,
                format!(
                    "pattern changed from {} to {} (patterns are compared by equality)",
                    short(a),
                    short(b)
                ),
            )),
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
            out.push(here.finding(
                Key::of("format", o, n),
                Effect::of(nf.is_some(), of.is_some()),
                format!("format changed from {} to {}", show(&of), show(&nf)),
            ));
        }
    }
}
