//! Bundling: one self-contained document from a main file whose `$ref`s point into other
//! files.
//!
//! Every definition reached through a file `$ref` is copied once under the `components` section
//! that fits the place it is used from (a message → `components/messages`, a schema →
//! `components/schemas`, a server → `components/servers`, …) and every use becomes a local
//! `$ref` to it, so the bundle reads like a hand-written document instead of repeating each
//! definition wherever it is used. Names come from the referenced node (the last segment of the
//! fragment, or the file's stem for a whole-file `$ref`); a name already taken by a different
//! definition gets the first free suffix `_2`, `_3`, … in document order, so a bundle is the same
//! on every run. A `$ref` used where no `components` section fits (a binding, an operation of a
//! 2.x channel) is inlined. Local `$ref`s of the main file are kept as written.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::error::{Diagnostic, Location, SpecError};
use super::files::Files;
use super::refs::lookup;
use super::source::{SourceFile, escape_pointer, unescape_pointer};

/// Keys under which a JSON Schema starts; inside a schema, everything is schema.
const SCHEMA_KEYS: &[&str] = &["payload", "args", "query", "headers", "schema", "x-ack"];

/// Bundles the document at `path`: reads it and every file its `$ref`s reach, and returns one
/// document (as a JSON value) whose `$ref`s are all local.
///
/// ```no_run
/// let bundled = asynction_spec::bundle("social-media/backend/asyncapi.yaml")?;
/// let text = asynction_spec::to_yaml(&bundled);
/// # Ok::<(), asynction_spec::SpecError>(())
/// ```
///
/// A `$ref` to a missing file or node, a remote `$ref` (`https://…`) and a file that does not
/// parse are errors, each with the file, line and column of the `$ref`.
pub fn bundle(path: impl AsRef<Path>) -> Result<Value, SpecError> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| {
        SpecError::new(vec![Diagnostic {
            severity: crate::Severity::Error,
            rule: crate::rules::READ,
            location: Location {
                file: path.to_path_buf(),
                line: None,
                column: None,
            },
            pointer: String::new(),
            message: format!("cannot read the document: {e}"),
        }])
    })?;
    let source = Arc::new(SourceFile::new(path.to_path_buf(), text));
    let root = source.parse().map_err(|d| SpecError::new(vec![d]))?;
    bundle_value(source, root)
}

/// Bundles a parsed main file (see [`bundle`]).
pub(crate) fn bundle_value(source: Arc<SourceFile>, root: Value) -> Result<Value, SpecError> {
    let root = Arc::new(root);
    let mut b = Bundler {
        files: Files::new(source, root.clone()),
        lifted: HashMap::new(),
        taken: HashMap::new(),
        added: Vec::new(),
        diagnostics: Vec::new(),
        version: Version::of(&root),
    };
    // Names the main file already uses in each components section.
    if let Some(Value::Object(components)) = root.get("components") {
        for (section, entries) in components {
            if let Value::Object(entries) = entries {
                for name in entries.keys() {
                    b.taken
                        .entry(section.clone())
                        .or_default()
                        .insert(name.clone(), None);
                }
            }
        }
    }
    let mut out = b.walk(&root, 0, &mut String::new(), &mut Vec::new(), false);
    if !b.diagnostics.is_empty() {
        return Err(SpecError::new(b.diagnostics));
    }
    if !b.added.is_empty() {
        let Value::Object(doc) = &mut out else {
            return Ok(out);
        };
        let components = doc
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        if !components.is_object() {
            *components = Value::Object(Map::new());
        }
        let components = components.as_object_mut().expect("an object");
        for (section, name, value) in b.added {
            let entries = components
                .entry(section)
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(entries) = entries {
                entries.insert(name, value);
            }
        }
    }
    Ok(out)
}

/// A target already copied into the bundle: its `$ref` in the bundle.
type Lifted = HashMap<(usize, String), String>;

struct Bundler {
    files: Files,
    lifted: Lifted,
    /// Section → name → the (file, fragment) it holds (`None`: the main file's own).
    taken: HashMap<String, HashMap<String, Option<(usize, String)>>>,
    /// (section, name, value) in the order they were met.
    added: Vec<(String, String, Value)>,
    diagnostics: Vec<Diagnostic>,
    version: Version,
}

/// What the document's AsyncAPI version allows under `components`.
#[derive(Clone, Copy)]
struct Version {
    /// 3.x: `operations`, `replies`, security lists of scheme `$ref`s.
    v3: bool,
    /// 2.3 and later: `components/servers` and `components/channels`.
    servers_and_channels: bool,
}

impl Version {
    fn of(root: &Value) -> Self {
        let v = root.get("asyncapi").and_then(Value::as_str).unwrap_or("");
        let v3 = v.starts_with("3.");
        let minor: u32 = v
            .strip_prefix("2.")
            .and_then(|r| r.split('.').next())
            .and_then(|m| m.parse().ok())
            .unwrap_or(0);
        Self {
            v3,
            servers_and_channels: v3 || minor >= 3,
        }
    }
}

impl Bundler {
    /// Walks `node` of file `file`; `at` is its pointer in that file, `context` its path in the
    /// bundle (which decides the components section of a lifted `$ref`).
    fn walk(
        &mut self,
        node: &Value,
        file: usize,
        at: &mut String,
        context: &mut Vec<String>,
        in_schema: bool,
    ) -> Value {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    let mut out = self.reference(reference, file, at, context, in_schema);
                    if map.len() > 1
                        && let Value::Object(obj) = &mut out
                    {
                        for (k, v) in map {
                            if k != "$ref" {
                                let walked = self.child(v, file, at, context, in_schema, k);
                                obj.insert(k.clone(), walked);
                            }
                        }
                    }
                    return out;
                }
                let mut out = Map::with_capacity(map.len());
                for (k, v) in map {
                    let schema = in_schema
                        || SCHEMA_KEYS.contains(&k.as_str())
                        || (context.len() == 1 && context[0] == "components" && k == "schemas");
                    let walked = self.child(v, file, at, context, schema, k);
                    out.insert(k.clone(), walked);
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| self.child(v, file, at, context, in_schema, &i.to_string()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn child(
        &mut self,
        v: &Value,
        file: usize,
        at: &mut String,
        context: &mut Vec<String>,
        in_schema: bool,
        key: &str,
    ) -> Value {
        let len = at.len();
        at.push('/');
        at.push_str(&escape_pointer(key));
        context.push(key.to_owned());
        let out = self.walk(v, file, at, context, in_schema);
        context.pop();
        at.truncate(len);
        out
    }

    fn report(&mut self, file: usize, at: &str, message: String) -> Value {
        let d = self.files[file]
            .source
            .diagnostic(&format!("{at}/$ref"), message);
        self.diagnostics.push(d);
        Value::Null
    }

    fn reference(
        &mut self,
        reference: &str,
        file: usize,
        at: &str,
        context: &mut Vec<String>,
        in_schema: bool,
    ) -> Value {
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if file_part.is_empty() && file == 0 {
            return ref_value(reference.to_owned());
        }
        let target_file = if file_part.is_empty() {
            file
        } else if file_part.contains("://") && !file_part.starts_with("file://") {
            return self.report(
                file,
                at,
                format!(
                    "remote $ref '{reference}' is not fetched: put the referenced content in a local file"
                ),
            );
        } else {
            match self.files.load(file, file_part, &mut self.diagnostics) {
                Ok(id) => id,
                Err(msg) => return self.report(file, at, format!("$ref '{reference}': {msg}")),
            }
        };
        if target_file == 0 {
            // Back into the main file: a local reference.
            return ref_value(format!("#{fragment}"));
        }
        let key = (target_file, fragment.to_owned());
        if let Some(local) = self.lifted.get(&key) {
            return ref_value(local.clone());
        }
        let Some(target) = self.files[target_file]
            .value
            .clone()
            .and_then(|root| lookup(&root, fragment).cloned())
        else {
            return self.report(
                file,
                at,
                format!("dangling $ref '{reference}': no such node"),
            );
        };
        let target_schema = in_schema || fragment.contains("/schemas/");
        match section(context, target_schema, self.version) {
            Section::InPlace => {
                // The target becomes this component: later uses of it refer here.
                let local = format!(
                    "#/components/{}/{}",
                    context[1],
                    escape_pointer(&context[2]).replace('%', "%25")
                );
                self.lifted.insert(key, local);
                self.walk(
                    &target,
                    target_file,
                    &mut fragment.to_owned(),
                    context,
                    target_schema,
                )
            }
            Section::Inline => {
                // Guard against a reference loop through inlined nodes.
                if context.len() > 256 {
                    return self.report(file, at, format!("$ref '{reference}' loops"));
                }
                self.walk(
                    &target,
                    target_file,
                    &mut fragment.to_owned(),
                    context,
                    target_schema,
                )
            }
            Section::Lift(section) => {
                let name = self.name_for(section, &key, fragment, target_file);
                let local = format!(
                    "#/components/{section}/{}",
                    escape_pointer(&name).replace('%', "%25")
                );
                self.lifted.insert(key, local.clone());
                let slot = self.added.len();
                self.added
                    .push((section.to_owned(), name.clone(), Value::Null));
                let mut ctx = vec!["components".to_owned(), section.to_owned(), name];
                let walked = self.walk(
                    &target,
                    target_file,
                    &mut fragment.to_owned(),
                    &mut ctx,
                    target_schema || section == "schemas",
                );
                self.added[slot].2 = walked;
                ref_value(local)
            }
        }
    }

    /// A free name in `section` for the target `key`.
    fn name_for(
        &mut self,
        section: &str,
        key: &(usize, String),
        fragment: &str,
        file: usize,
    ) -> String {
        let base = match fragment.rsplit('/').next().filter(|s| !s.is_empty()) {
            Some(last) => unescape_pointer(last),
            None => self.files[file]
                .source
                .path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "definition".to_owned()),
        };
        let base: String = base
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let names = self.taken.entry(section.to_owned()).or_default();
        let mut name = base.clone();
        let mut n = 1;
        while names.contains_key(&name) {
            n += 1;
            name = format!("{base}_{n}");
        }
        names.insert(name.clone(), Some(key.clone()));
        name
    }
}

fn ref_value(reference: String) -> Value {
    let mut m = Map::new();
    m.insert("$ref".to_owned(), Value::String(reference));
    Value::Object(m)
}

enum Section {
    /// The `$ref` already fills a components slot: its target goes there.
    InPlace,
    /// No components section fits: the target is inlined.
    Inline,
    /// The target is copied into this components section.
    Lift(&'static str),
}

/// Which components section a `$ref` at `context` (its path in the bundle) belongs in.
fn section(context: &[String], in_schema: bool, version: Version) -> Section {
    let c: Vec<&str> = context.iter().map(String::as_str).collect();
    if c.len() == 3 && c[0] == "components" {
        return Section::InPlace;
    }
    if in_schema {
        return Section::Lift("schemas");
    }
    let last = c.last().copied().unwrap_or_default();
    let parent = if c.len() >= 2 { c[c.len() - 2] } else { "" };
    let grand = if c.len() >= 3 { c[c.len() - 3] } else { "" };
    match (grand, parent, last) {
        ("", "servers", _) if version.servers_and_channels => Section::Lift("servers"),
        ("", "channels", _) if version.servers_and_channels => Section::Lift("channels"),
        ("", "operations", _) if version.v3 => Section::Lift("operations"),
        (_, _, "message") => Section::Lift("messages"),
        (_, "oneOf", _) if grand == "message" => Section::Lift("messages"),
        // 3.x channel messages (a map) and operation/reply message lists.
        (_, "messages", _) => Section::Lift("messages"),
        (_, "parameters", _) => Section::Lift("parameters"),
        (_, "variables", _) => Section::Lift("serverVariables"),
        (_, _, "correlationId") => Section::Lift("correlationIds"),
        (_, "security", _) if version.v3 => Section::Lift("securitySchemes"),
        (_, _, "reply") if version.v3 => Section::Lift("replies"),
        (_, "traits", _) => {
            if c.iter().any(|s| *s == "message" || *s == "messages") {
                Section::Lift("messageTraits")
            } else {
                Section::Lift("operationTraits")
            }
        }
        _ => Section::Inline,
    }
}

/// A document as YAML text (block style, keys in document order), as `bundle` and `convert`
/// write it.
pub fn to_yaml(value: &Value) -> String {
    serde_saphyr::to_string(value).unwrap_or_else(|_| to_json(value))
}

/// A document as pretty-printed JSON text with a final newline.
pub fn to_json(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
