//! Parsing document text (YAML 1.2 or JSON) into JSON values, and mapping JSON pointers back
//! to `line:column` in that text.
//!
//! Values are parsed with `serde-saphyr` (pure Rust, duplicate keys rejected, merge keys applied,
//! YAML 1.2 booleans: only `true`/`false` are booleans, `yes`/`on` stay strings). Positions are
//! only needed when something is wrong, so the source map is built lazily from the same text
//! with `saphyr`'s marked tree: loading a valid document never pays for it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::Value;
use serde_saphyr::{MessageFormatter, UserMessageFormatter};

use super::error::{Diagnostic, Location, Severity};

/// One source file of a document: its path, text and lazily built position map.
#[derive(Debug)]
pub(crate) struct SourceFile {
    /// Path of the file (`<string>` for in-memory documents).
    pub(crate) path: PathBuf,
    text: String,
    positions: OnceLock<HashMap<String, (u32, u32)>>,
}

impl SourceFile {
    /// Wraps a document's text.
    pub(crate) fn new(path: PathBuf, text: String) -> Self {
        Self {
            path,
            text,
            positions: OnceLock::new(),
        }
    }

    /// The file's text.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// Parses the text into a JSON value (YAML 1.2; JSON is accepted as YAML).
    pub(crate) fn parse(&self) -> Result<Value, Diagnostic> {
        let trimmed = self.text.trim_start_matches('\u{feff}');
        if trimmed.trim_start().starts_with('{') {
            // JSON fast path; YAML is retried for JSON-ish YAML flow documents.
            if let Ok(v) = serde_json::from_str::<Value>(trimmed) {
                return Ok(v);
            }
        }
        let options = serde_saphyr::options! { strict_booleans: true };
        match serde_saphyr::from_str_with_options::<Value>(trimmed, options) {
            Ok(Value::Null) => Err(self
                .diagnostic("", "the document is empty")
                .with_rule(crate::rules::PARSER)),
            Ok(v) => Ok(v),
            Err(e) => {
                let (line, column) = e
                    .location()
                    .map(|l| (Some(l.line() as u32), Some(l.column() as u32)))
                    .unwrap_or((None, None));
                // The user-facing wording, without the location (we report it separately) or
                // the developer advice of the default formatter ("set DuplicateKeyPolicy…").
                let message = UserMessageFormatter
                    .format_message(&e)
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect::<String>()
                    .trim()
                    .to_owned();
                Err(Diagnostic {
                    severity: Severity::Error,
                    rule: crate::rules::PARSER,
                    location: Location {
                        file: self.path.clone(),
                        line,
                        column,
                    },
                    pointer: String::new(),
                    message: format!("YAML syntax: {message}"),
                })
            }
        }
    }

    /// A diagnostic at `pointer`, positioned at the nearest node present in the source.
    pub(crate) fn diagnostic(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self
            .position(pointer)
            .map(|(l, c)| (Some(l), Some(c)))
            .unwrap_or((None, None));
        Diagnostic {
            severity: Severity::Error,
            rule: crate::rules::DOCUMENT,
            location: Location {
                file: self.path.clone(),
                line,
                column,
            },
            pointer: pointer.to_owned(),
            message: message.into(),
        }
    }

    /// `(line, column)` of the node at `pointer`, or of its nearest ancestor in the source.
    pub(crate) fn position(&self, pointer: &str) -> Option<(u32, u32)> {
        let map = self.positions.get_or_init(|| build_positions(&self.text));
        let mut p = pointer;
        loop {
            if let Some(pos) = map.get(p) {
                return Some(*pos);
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return None,
            }
        }
    }
}

fn build_positions(text: &str) -> HashMap<String, (u32, u32)> {
    let mut map = HashMap::new();
    if let Ok(docs) = MarkedYaml::load_from_str(text)
        && let Some(root) = docs.first()
    {
        record(root, String::new(), &mut map);
    }
    map
}

fn record(node: &MarkedYaml<'_>, pointer: String, map: &mut HashMap<String, (u32, u32)>) {
    match &node.data {
        YamlData::Mapping(m) => {
            for (k, v) in m {
                let key = scalar_text(k);
                let child = format!("{pointer}/{}", escape_pointer(&key));
                // Point at the key: that is where a reader looks for "this property".
                map.insert(
                    child.clone(),
                    (k.span.start.line() as u32, k.span.start.col() as u32 + 1),
                );
                record(v, child, map);
            }
        }
        YamlData::Sequence(s) => {
            for (i, v) in s.iter().enumerate() {
                let child = format!("{pointer}/{i}");
                map.insert(
                    child.clone(),
                    (v.span.start.line() as u32, v.span.start.col() as u32 + 1),
                );
                record(v, child, map);
            }
        }
        _ => {}
    }
    map.entry(pointer).or_insert((
        node.span.start.line() as u32,
        node.span.start.col() as u32 + 1,
    ));
}

fn scalar_text(node: &MarkedYaml<'_>) -> String {
    match &node.data {
        YamlData::Value(Scalar::String(s)) => s.to_string(),
        YamlData::Value(Scalar::Integer(i)) => i.to_string(),
        YamlData::Value(Scalar::Boolean(b)) => b.to_string(),
        YamlData::Value(Scalar::FloatingPoint(f)) => f.to_string(),
        YamlData::Value(Scalar::Null) => "null".to_owned(),
        YamlData::Representation(s, _, _) => s.to_string(),
        _ => String::new(),
    }
}

/// Escapes one JSON-pointer reference token (RFC 6901: `~` → `~0`, `/` → `~1`).
pub(crate) fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer token as the key it names (`~1` → `/`, `~0` → `~`): the inverse of
/// [`escape_pointer`].
pub(crate) fn unescape_pointer(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
