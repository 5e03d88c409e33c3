//! Where the walk is and what it carries, shared by the walk and every keyword family: the
//! pointers and human path ([`Here`]), the keyword a finding is about ([`Key`]), a finding's
//! construction ([`Here::finding`]) and the comparison's state ([`Ctx`]: both documents and the
//! recursion guards). The walk (`walk.rs`) and the families (`types.rs`, `numbers.rs`, …) each
//! add their comparisons to [`Ctx`] as methods; this file depends on none of them.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::{Effect, Finding, escape};

/// Where the comparison is: pointers in both documents and the human path.
#[derive(Clone)]
pub(super) struct Here {
    pub(super) op: String,
    pub(super) np: String,
    pub(super) path: String,
}

impl Here {
    /// A child through keyword(s) that exist on both sides, e.g. `properties/name`.
    pub(super) fn child(&self, tokens: &[&str], path: String) -> Here {
        self.split(tokens, tokens, path)
    }

    /// A child whose tokens differ on both sides (a removed property checked by
    /// `additionalProperties`, a tuple position checked by `items`).
    pub(super) fn split(&self, old: &[&str], new: &[&str], path: String) -> Here {
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

    /// What a keyword group found here: its pointers end at `key` on the sides that have it.
    pub(super) fn finding(&self, key: Key<'_>, effect: Effect, message: String) -> Finding {
        let at = |base: &str, has: bool| match (key.name, has) {
            (Some(k), true) => format!("{base}/{}", escape(k)),
            _ => base.to_owned(),
        };
        Finding {
            old_ptr: at(&self.op, key.old),
            new_ptr: at(&self.np, key.new),
            narrows: effect.narrows,
            widens: effect.widens,
            message: format!("{}: {message}", self.path),
        }
    }
}

/// The keyword a finding is about, and whether each side has it: a side's pointer ends at the
/// keyword where that side has it, at the schema where it does not.
#[derive(Clone, Copy)]
pub(super) struct Key<'k> {
    name: Option<&'k str>,
    old: bool,
    new: bool,
}

impl<'k> Key<'k> {
    /// About the schema as a whole.
    pub(super) const NONE: Key<'static> = Key {
        name: None,
        old: false,
        new: false,
    };

    /// `name`, where each schema has it.
    pub(super) fn of(name: &'k str, o: &Map<String, Value>, n: &Map<String, Value>) -> Key<'k> {
        Key::on(name, o.contains_key(name), n.contains_key(name))
    }

    /// `name`, on the sides given (when "has it" means more than the key being there).
    pub(super) fn on(name: &'k str, old: bool, new: bool) -> Key<'k> {
        Key {
            name: Some(name),
            old,
            new,
        }
    }
}

/// The comparison's state: both documents (for `$ref`s) and the recursion guards.
pub(super) struct Ctx<'a> {
    pub(super) old_root: &'a Value,
    pub(super) new_root: &'a Value,
    /// Pairs of schemas with `$ref`s being compared (as written): met again, they are assumed
    /// compatible (values are finite, so a recursive schema is compared by one unfolding).
    pub(super) seen: HashSet<(String, String)>,
    pub(super) depth: usize,
}

pub(super) const MAX_DEPTH: usize = 64;

pub(super) const TRUE: Value = Value::Bool(true);

/// A value in a message, cut to 60 characters.
pub(super) fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}
