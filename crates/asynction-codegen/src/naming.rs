//! Identifiers from the names a document uses: handler ids (`my_api.handlers.user_sign_up`),
//! event names (`sign up`), property names (`numUsers`) and enum values (`in-progress`). Shared
//! by every generator: the scaffold's Rust items and the type model's names ([`crate::types`]),
//! which the TypeScript client uses as they are.
//!
//! Words are split on anything that is not an ASCII letter or digit and on camelCase
//! boundaries (`HTTPServer` → `HTTP`, `Server`), so every spelling of a name maps to the same
//! words. Rust keywords get a trailing `_` (in every generator: one rule, so a name is the same
//! in each); a leading digit gets a prefix. [`Names`] hands out each identifier once, so two ids
//! that sanitize alike still get distinct functions or types.

use std::collections::HashSet;

/// Rust keywords (strict and reserved, 2024 edition) that cannot be plain identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield", "Self",
];

/// The words of `name`: ASCII alphanumeric runs, further split at camelCase boundaries.
pub(crate) fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        let mut current = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0 && c.is_ascii_uppercase() && {
                let prev = chars[i - 1];
                let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
                prev.is_ascii_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_ascii_uppercase() && next_is_lower)
            };
            if boundary && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            current.push(c);
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

/// `snake_case` identifier for `name` (`numUsers` → `num_users`, `type` → `type_`); `fallback`
/// when `name` has no ASCII letter or digit.
pub(crate) fn snake_case(name: &str, fallback: &str) -> String {
    let joined = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    finish(joined, fallback, "n_")
}

/// `PascalCase` identifier for `name` (`sign up` → `SignUp`, `in-progress` → `InProgress`);
/// `fallback` when `name` has no ASCII letter or digit.
pub(crate) fn pascal_case(name: &str, fallback: &str) -> String {
    let joined: String = words(name)
        .iter()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect();
    finish(joined, fallback, "N")
}

fn finish(ident: String, fallback: &str, digit_prefix: &str) -> String {
    let ident = if ident.is_empty() {
        fallback.to_owned()
    } else if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{ident}")
    } else {
        ident
    };
    if KEYWORDS.contains(&ident.as_str()) {
        format!("{ident}_")
    } else {
        ident
    }
}

/// The function name for a handler id: its last segment (after `.`, `:` or `/`), in
/// snake_case (`my_api.handlers.user_sign_up` → `user_sign_up`).
pub(crate) fn handler_fn_name(id: &str) -> String {
    let last = id
        .rsplit(['.', ':', '/'])
        .find(|s| !s.is_empty())
        .unwrap_or(id);
    snake_case(last, "handler")
}

/// The longer name tried when [`handler_fn_name`] is taken: the last two segments
/// (`billing.errors.on_error` → `errors_on_error`).
pub(crate) fn qualified_handler_fn_name(id: &str) -> String {
    let segments: Vec<&str> = id
        .split(['.', ':', '/'])
        .filter(|s| !s.is_empty())
        .collect();
    let tail = segments[segments.len().saturating_sub(2)..].join("_");
    snake_case(&tail, "handler")
}

/// Identifiers handed out once each, within one scope (a Rust module, a TypeScript module).
#[derive(Debug, Default, Clone)]
pub(crate) struct Names {
    taken: HashSet<String>,
}

impl Names {
    /// A scope where `reserved` are already taken (imports, fixed item names).
    pub(crate) fn with_reserved(reserved: &[&str]) -> Self {
        Names {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Whether `name` is still free.
    pub(crate) fn is_free(&self, name: &str) -> bool {
        !self.taken.contains(name)
    }

    /// The first free candidate, else the first candidate with the smallest free numeric suffix
    /// (`_2`, `_3`, … for snake_case; `2`, `3`, … for PascalCase).
    pub(crate) fn claim(&mut self, candidates: &[String]) -> String {
        for c in candidates {
            if self.taken.insert(c.clone()) {
                return c.clone();
            }
        }
        let base = candidates.first().map(String::as_str).unwrap_or("item");
        let separator = if base.starts_with(|c: char| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        let base = base.trim_end_matches('_');
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|c| self.taken.insert(c.clone()))
            .unwrap_or_default()
    }

    /// The first of `base`, `base2`, `base3`, … whose every `base…{suffix}` is free, with those
    /// names claimed: the prefix of a family of generated names (a namespace's `…Namespace`,
    /// `…Auth`, …) that must stay together.
    pub(crate) fn claim_prefix(&mut self, base: String, suffixes: &[&str]) -> String {
        let prefix = (1..)
            .map(|n| {
                if n == 1 {
                    base.clone()
                } else {
                    format!("{base}{n}")
                }
            })
            .find(|p| suffixes.iter().all(|s| self.is_free(&format!("{p}{s}"))))
            .unwrap_or(base);
        for s in suffixes {
            self.claim(&[format!("{prefix}{s}")]);
        }
        prefix
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_ids_keep_their_last_segment_in_snake_case() {
        assert_eq!(
            handler_fn_name("my_api.handlers.user_sign_up"),
            "user_sign_up"
        );
        assert_eq!(handler_fn_name("chat.add_user"), "add_user");
        assert_eq!(handler_fn_name("conformance::emitAuth"), "emit_auth");
        assert_eq!(
            handler_fn_name("pkg/mod.HTTPServerError"),
            "http_server_error"
        );
        assert_eq!(handler_fn_name("basic_info"), "basic_info");
        assert_eq!(handler_fn_name("api.type"), "type_");
        assert_eq!(handler_fn_name("api.2fa"), "n_2fa");
        assert_eq!(handler_fn_name("..."), "handler");
        assert_eq!(qualified_handler_fn_name("a.users.error"), "users_error");
        assert_eq!(qualified_handler_fn_name("error"), "error");
    }

    #[test]
    fn names_split_on_separators_and_camel_case() {
        assert_eq!(pascal_case("sign up", "T"), "SignUp");
        assert_eq!(pascal_case("message-with-ack", "T"), "MessageWithAck");
        assert_eq!(pascal_case("numUsers", "T"), "NumUsers");
        assert_eq!(pascal_case("HTTPServer", "T"), "HttpServer");
        assert_eq!(pascal_case("in_progress", "T"), "InProgress");
        assert_eq!(pascal_case("2xx", "T"), "N2xx");
        assert_eq!(pascal_case("Self", "T"), "Self_");
        assert_eq!(pascal_case("€", "Value"), "Value");
        assert_eq!(snake_case("numUsers", "f"), "num_users");
        assert_eq!(snake_case("X-Request-ID", "f"), "x_request_id");
        assert_eq!(snake_case("type", "f"), "type_");
        assert_eq!(snake_case("user2Name", "f"), "user2_name");
    }

    #[test]
    fn colliding_names_get_the_next_candidate_then_a_number() {
        let mut names = Names::with_reserved(&["app"]);
        assert_eq!(names.claim(&["app".into()]), "app_2");
        assert_eq!(names.claim(&["error".into(), "user_error".into()]), "error");
        assert_eq!(
            names.claim(&["error".into(), "admin_error".into()]),
            "admin_error"
        );
        assert_eq!(
            names.claim(&["error".into(), "admin_error".into()]),
            "error_2"
        );
        let mut types = Names::default();
        assert_eq!(types.claim(&["Auth".into()]), "Auth");
        assert_eq!(types.claim(&["Auth".into()]), "Auth2");
        assert_eq!(types.claim(&["type_".into()]), "type_");
        assert_eq!(types.claim(&["type_".into()]), "type_2");
    }
}
