//! Python identifiers from the document's names.
//!
//! Words and case come from [`crate::naming`] (one splitting rule for every
//! generator); this module adds what is Python's own: its keywords, the names the generated
//! modules import or define, and the attributes pydantic's `BaseModel` already has.

use crate::naming::words;

/// Python keywords and soft keywords that cannot (or should not) be identifiers.
pub(super) const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield", "match", "case", "type", "_",
];

/// Top-level names of the generated modules that no schema type may take: Python builtins
/// used as types, what `models.py` and `client.py` import, and the runtime's public names.
pub(super) const RESERVED_TYPES: &[&str] = &[
    "Annotated",
    "AckTimeout",
    "AnyArguments",
    "AfterValidator",
    "Any",
    "AsyncNamespace",
    "Awaitable",
    "AwareDatetime",
    "BaseModel",
    "BeforeValidator",
    "Callable",
    "ClassVar",
    "ConfigDict",
    "ConnectFailed",
    "DEFAULT_TIMEOUT",
    "Dict",
    "Exception",
    "Field",
    "Handshake",
    "InvalidAck",
    "InvalidMessage",
    "InvalidPayload",
    "JsonValue",
    "List",
    "Literal",
    "Mapping",
    "NoValue",
    "Optional",
    "PlainSerializer",
    "Refused",
    "RootModel",
    "SOCKETIO_PATH",
    "Sequence",
    "SerializerFunctionWrapHandler",
    "StrictBool",
    "StrictBytes",
    "StrictFloat",
    "StrictInt",
    "StrictStr",
    "NoReturn",
    "Strict",
    "SyncNamespace",
    "Transport",
    "Tuple",
    "TypeAdapter",
    "TypeAlias",
    "TypedDict",
    "Union",
    "Violation",
    "DateTime",
    "Pattern",
    "Model",
    "TypeVar",
    "connect",
    "connect_sync",
    "datetime",
    "model_serializer",
    "overload",
    "re",
    "bool",
    "bytes",
    "dict",
    "float",
    "int",
    "list",
    "object",
    "str",
    "tuple",
];

/// Attributes of pydantic's `BaseModel` a field must not shadow.
const MODEL_ATTRIBUTES: &[&str] = &[
    "construct",
    "copy",
    "dict",
    "fields",
    "from_orm",
    "json",
    "parse_file",
    "parse_obj",
    "parse_raw",
    "schema",
    "schema_json",
    "update_forward_refs",
    "validate",
];

/// A class or type alias name (`open ticket` → `OpenTicket`).
pub(super) fn class_name(name: &str, fallback: &str) -> String {
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

/// A function, method, parameter or field name (`numUsers` → `num_users`, `class` → `class_`).
pub(super) fn function_name(name: &str, fallback: &str) -> String {
    let joined = words(name)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    finish(joined, fallback, "n_")
}

/// `fallback` for a name without ASCII letters or digits, a prefix before a leading digit, a
/// trailing `_` after a keyword (the scaffold's rules escape Rust's keywords, not Python's).
fn finish(ident: String, fallback: &str, digit_prefix: &str) -> String {
    let ident = if ident.is_empty() {
        fallback.to_owned()
    } else if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{ident}")
    } else {
        ident
    };
    escape(ident)
}

/// A pydantic field name for the JSON property `name`: snake_case, never a keyword, a
/// `BaseModel` attribute or a pydantic-protected `model_` name.
pub(super) fn field_name(name: &str) -> String {
    let mut ident = function_name(name, "field");
    if MODEL_ATTRIBUTES.contains(&ident.as_str()) || ident.starts_with("model_") {
        ident.push('_');
    }
    ident
}

fn escape(ident: String) -> String {
    // The scaffold's rules add `_` to Rust keywords; Python's are others.
    if KEYWORDS.contains(&ident.as_str()) {
        format!("{ident}_")
    } else {
        ident
    }
}

/// A Python string literal (double-quoted, escaped; non-ASCII kept, the files are UTF-8).
pub(super) fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A docstring of `lines` at `indent` (empty when there are none); `"""` and backslashes
/// escaped.
pub(super) fn docstring(lines: &[String], indent: &str) -> String {
    let text: Vec<String> = lines
        .iter()
        .flat_map(|l| {
            if l.is_empty() {
                vec![String::new()]
            } else {
                l.lines().map(str::to_owned).collect::<Vec<_>>()
            }
        })
        .collect();
    let text: Vec<&str> = {
        let mut t: Vec<&str> = text.iter().map(|l| l.trim_end()).collect();
        while t.last().is_some_and(|l| l.is_empty()) {
            t.pop();
        }
        while t.first().is_some_and(|l| l.is_empty()) {
            t.remove(0);
        }
        t
    };
    if text.is_empty() {
        return String::new();
    }
    let escape = |l: &str| {
        l.replace('\\', "\\\\")
            .replace("\"\"\"", "\\\"\\\"\\\"")
            .chars()
            .map(|c| {
                if (c as u32) < 0x20 && c != '\t' {
                    ' '
                } else {
                    c
                }
            })
            .collect::<String>()
    };
    let mut out = format!("{indent}\"\"\"");
    out.push_str(&escape(text[0]));
    if text.len() == 1 {
        if text[0].ends_with('"') {
            out.push(' ');
        }
        out.push_str("\"\"\"\n");
        return out;
    }
    out.push('\n');
    for l in &text[1..] {
        if l.is_empty() {
            out.push('\n');
        } else {
            out.push_str(indent);
            out.push_str(&escape(l));
            out.push('\n');
        }
    }
    out.push_str(indent);
    out.push_str("\"\"\"\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_avoid_keywords_and_model_attributes() {
        assert_eq!(function_name("class", "x"), "class_");
        assert_eq!(function_name("numUsers", "x"), "num_users");
        assert_eq!(class_name("none", "X"), "None_");
        assert_eq!(field_name("json"), "json_");
        assert_eq!(field_name("model_name"), "model_name_");
        assert_eq!(field_name("user-name"), "user_name");
        assert_eq!(field_name("2fa"), "n_2fa");
        assert_eq!(function_name("move", "x"), "move");
        assert_eq!(class_name("Self", "X"), "Self");
    }

    #[test]
    fn literals_and_docstrings_escape() {
        assert_eq!(string_literal("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(
            docstring(&["say \"\"\" \\d".to_owned()], ""),
            "\"\"\"say \\\"\\\"\\\" \\\\d\"\"\"\n"
        );
        assert_eq!(
            docstring(&["ends with \"".to_owned()], "  "),
            "  \"\"\"ends with \" \"\"\"\n"
        );
    }
}
