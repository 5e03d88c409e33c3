//! Helpers for writing Python source: imports of exactly the names a module uses (pyright's
//! strict mode reports unused imports), and the code of a module without its strings.

/// The import lines for the names `body` uses (outside strings and comments).
pub(super) fn imports(body: &str, table: &[(&str, &[&str])]) -> String {
    let code = code_only(body);
    let used = |name: &str| {
        code.match_indices(name).any(|(i, _)| {
            let before = code[..i].chars().next_back();
            let after = code[i + name.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            !word(before) && !word(after) && before != Some('.')
        })
    };
    let mut out = String::from("from __future__ import annotations\n\n");
    for (module, names) in table {
        if names.is_empty() {
            if code.contains(&format!("{module}.")) {
                out.push_str(&format!("import {module}\n"));
            }
            continue;
        }
        let names: Vec<&str> = names.iter().copied().filter(|n| used(n)).collect();
        if names.is_empty() {
            continue;
        }
        if *module == "typing" {
            out.push('\n');
        }
        out.push_str(&format!("from {module} import (\n"));
        for n in names {
            out.push_str(&format!("    {n},\n"));
        }
        out.push_str(")\n");
    }
    out
}

/// Python source without its string literals and comments (the generated code writes strings
/// with double quotes only).
pub(super) fn code_only(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("\"\"\"") {
            let body = &rest[3..];
            let end = find_unescaped(body, "\"\"\"").map_or(body.len(), |i| i + 3);
            rest = &body[end..];
            out.push_str("\"\"");
        } else if c == '"' {
            let body = &rest[1..];
            let end = find_unescaped(body, "\"").map_or(body.len(), |i| i + 1);
            rest = &body[end..];
            out.push_str("\"\"");
        } else if c == '#' {
            let end = rest.find('\n').unwrap_or(rest.len());
            rest = &rest[end..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn find_unescaped(s: &str, needle: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        if c == '\\' {
            escaped = true;
            continue;
        }
        if s[i..].starts_with(needle) {
            return Some(i);
        }
    }
    None
}
