//! Loading: bytes or a path → parsed → `$ref`s inlined → version checked → [`Api`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::error::{Diagnostic, Location, Severity, SpecError};
use super::fields::Reader;
use super::refs;
use super::rules;
use super::source::SourceFile;
use super::{v2, v3};
use crate::model::{Api, ArgumentList};

/// The AsyncAPI versions asynction reads.
pub const SUPPORTED_VERSIONS: &[&str] = &[
    "2.0.0", "2.1.0", "2.2.0", "2.3.0", "2.4.0", "2.5.0", "2.6.0", "3.0.0", "3.1.0",
];

/// Limits applied while loading a document, so that a hostile document cannot exhaust the
/// process.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LoadOptions {
    /// Largest accepted document file, in bytes (default 16 MiB).
    pub max_document_bytes: usize,
    /// Most `$ref` expansions while inlining (default 100 000).
    pub max_ref_expansions: usize,
    /// The argument convention of the document's payload and ack schemas, overriding its
    /// root `x-socketio-args` (for documents one cannot edit); `None` (default) reads the
    /// document's. A schema's own `x-socketio-args` always wins.
    ///
    /// AsyncAPI says nothing of Socket.IO argument lists. asynction's default, `single`, reads
    /// a schema as the one argument of an event (an array schema is one array argument);
    /// `spread` reads it as the whole argument list (`prefixItems` per argument), which is how
    /// code-first tools such as zod-sockets describe every event.
    pub socketio_args: Option<ArgumentList>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        Self {
            max_document_bytes: 16 * 1024 * 1024,
            max_ref_expansions: 100_000,
            socketio_args: None,
        }
    }
}

impl LoadOptions {
    /// Sets [`LoadOptions::socketio_args`].
    pub fn socketio_args(mut self, arguments: ArgumentList) -> Self {
        self.socketio_args = Some(arguments);
        self
    }

    /// Sets [`LoadOptions::max_document_bytes`].
    pub fn max_document_bytes(mut self, bytes: usize) -> Self {
        self.max_document_bytes = bytes;
        self
    }

    /// Sets [`LoadOptions::max_ref_expansions`].
    pub fn max_ref_expansions(mut self, n: usize) -> Self {
        self.max_ref_expansions = n;
        self
    }
}

/// A loaded AsyncAPI document: the model and what the docs pages serve.
#[derive(Debug, Clone)]
pub struct Document {
    /// The normalized model.
    pub api: Arc<Api>,
    /// The document with every `$ref` inlined (served as `asyncapi.json`).
    pub resolved: Arc<Value>,
    /// The main file's text as written (served as `asyncapi.yaml`).
    pub text: Arc<str>,
    /// The main file's path (`<string>` when loaded from text, `<value>` from a JSON value).
    pub path: PathBuf,
    /// The main file's text with its lazily built position map, for [`Document::diagnostic`].
    source: Arc<SourceFile>,
    /// The main file as written (`$ref`s not inlined): where a resolved node is written.
    raw: Arc<Value>,
}

impl Document {
    /// A diagnostic about the node at `pointer` (a JSON pointer into the document as written
    /// or resolved: inlined `$ref` targets keep the pointer of their place of use), located at
    /// that node's `line:column` where it is written in the main file (a local `$ref` on the
    /// way is followed to its target), or its nearest written ancestor's.
    ///
    /// The position map is built on the first call and shared by clones of the document:
    /// loading a valid document never pays for it.
    ///
    /// ```
    /// let doc = asynction_spec::Document::from_text("asyncapi: 2.6.0\ninfo:\n  title: T\n  version: '1'\nchannels: {}\n")?;
    /// let d = doc.diagnostic("/info/title", "a better title, please");
    /// assert_eq!((d.location.line, d.location.column), (Some(3), Some(3))); // the `title` key
    /// # Ok::<(), asynction_spec::SpecError>(())
    /// ```
    pub fn diagnostic(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        let mut d = self.source.diagnostic(pointer, message);
        if let Some((line, column)) = self
            .source
            .position(&super::fields::written_pointer(&self.raw, pointer))
        {
            d.location.line = Some(line);
            d.location.column = Some(column);
        }
        d.location.file = self.path.clone();
        d
    }

    /// Where the node at `pointer` (a pointer into the resolved document) is used, when a local
    /// `$ref` leads to it: a diagnostic at the first `$ref` on the way from the document's root
    /// (a channel's `$ref: '#/components/messages/SignUp'` for a keyword of that message's
    /// payload), its pointer the place of that `$ref`. [`Document::diagnostic`] locates the node
    /// itself, where it is defined. `None` when no `$ref` leads to the node (it is written
    /// where the pointer says), or the first `$ref` is to another file.
    ///
    /// ```
    /// let doc = asynction_spec::Document::from_text(concat!(
    ///     "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nchannels:\n  /:\n    publish:\n",
    ///     "      message: {$ref: '#/components/messages/Say'}\n",
    ///     "components:\n  messages:\n    Say:\n      name: say\n      payload:\n",
    ///     "        type: string\n        minLength: 2\n",
    /// ))?;
    /// let pointer = "/channels/~1/publish/message/payload/minLength";
    /// assert_eq!(doc.diagnostic(pointer, "").location.line, Some(13));
    /// let used = doc.reference_site(pointer, "").unwrap();
    /// assert_eq!((used.location.line, used.pointer.as_str()), (Some(6), "/channels/~1/publish/message"));
    /// assert!(doc.reference_site("/channels/~1/publish", "").is_none());
    /// # Ok::<(), asynction_spec::SpecError>(())
    /// ```
    pub fn reference_site(&self, pointer: &str, message: impl Into<String>) -> Option<Diagnostic> {
        let site = super::fields::reference_site(&self.raw, pointer)?;
        let mut d = self.source.diagnostic(&site, message);
        d.location.file = self.path.clone();
        Some(d)
    }

    /// The main file as written (no `$ref` inlined).
    pub(crate) fn raw(&self) -> &Value {
        &self.raw
    }

    /// The main file as written, parsed to JSON (no `$ref` inlined), or `None` when it was
    /// loaded from a value that does not print back (it always does for loaded documents).
    pub fn as_written(&self) -> Option<Value> {
        self.source.parse().ok()
    }

    /// Loads a document from a file (YAML or JSON); relative `$ref`s are read next to it.
    /// Every error of the document is in the [`SpecError`] (see [`Document::inspect_path`]
    /// for warnings and for the partly read document).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, SpecError> {
        Self::from_path_with(path, &LoadOptions::default())
    }

    /// [`Document::from_path`] with explicit limits.
    pub fn from_path_with(
        path: impl AsRef<Path>,
        options: &LoadOptions,
    ) -> Result<Self, SpecError> {
        Self::inspect_path(path, options).into_result()
    }

    /// Reads a document from a file as far as its problems allow and reports every problem
    /// at once: each `$ref` that does not resolve, each structural error of the model (the
    /// rest of the document is still read), sorted by position. Checks that cannot run
    /// because of an earlier error say so once ([`crate::rules::SKIPPED`]).
    ///
    /// ```
    /// let path = std::env::temp_dir().join("asynction-inspect-doc.yaml");
    /// std::fs::write(&path, "asyncapi: 2.6.0\ninfo: { title: T }\nchannels:\n  /:\n    publish:\n      message: { $ref: '#/components/messages/Gone' }\n").unwrap();
    /// let inspection = asynction_spec::Document::inspect_path(&path, &Default::default());
    /// let rules: Vec<&str> = inspection.diagnostics.iter().map(|d| d.rule).collect();
    /// // The missing `info.version` (line 2) and the dangling `$ref` (line 6), in one run.
    /// assert_eq!(rules, ["asyncapi-document-resolved", "invalid-ref", "asynction-skipped"]);
    /// assert!(inspection.document.is_some(), "what could be read was read");
    /// ```
    pub fn inspect_path(path: impl AsRef<Path>, options: &LoadOptions) -> Inspection {
        let path = path.as_ref();
        let fail = |message: String| Inspection {
            document: None,
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                rule: rules::READ,
                location: Location {
                    file: path.to_path_buf(),
                    line: None,
                    column: None,
                },
                pointer: String::new(),
                message,
            }],
        };
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(e) => return fail(format!("cannot read the document: {e}")),
        };
        if let Some(too_big) = oversized(meta.len(), path, options) {
            return Inspection::failed(too_big);
        }
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => return fail(format!("cannot read the document: {e}")),
        };
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        load(
            SourceFile::new(abs, text),
            path.to_path_buf(),
            options,
            None,
        )
    }

    /// Loads a document from YAML or JSON text. Relative file `$ref`s are read from the current
    /// directory.
    pub fn from_text(text: &str) -> Result<Self, SpecError> {
        Self::from_text_with(text, &LoadOptions::default())
    }

    /// [`Document::from_text`] with explicit limits.
    pub fn from_text_with(text: &str, options: &LoadOptions) -> Result<Self, SpecError> {
        Self::inspect_text(text, options).into_result()
    }

    /// [`Document::inspect_path`] for YAML or JSON text (named `<string>`).
    pub fn inspect_text(text: &str, options: &LoadOptions) -> Inspection {
        let display = Path::new("<string>");
        let base = std::env::current_dir().unwrap_or_default().join(display);
        if let Some(too_big) = oversized(text.len() as u64, display, options) {
            return Inspection::failed(too_big);
        }
        let source = SourceFile::new(base, text.to_owned());
        load(source, display.to_path_buf(), options, None)
    }

    /// Loads a document that is already a JSON value. Relative file `$ref`s are read from the
    /// current directory.
    pub fn from_value(value: Value) -> Result<Self, SpecError> {
        Self::from_value_with(value, &LoadOptions::default())
    }

    /// [`Document::from_value`] with explicit limits. The value is used as it is (not printed
    /// and parsed again); its pretty-printed JSON is the document "as written" (served as
    /// `asyncapi.yaml`, and what diagnostics' line:col point into).
    pub fn from_value_with(value: Value, options: &LoadOptions) -> Result<Self, SpecError> {
        let display = Path::new("<value>");
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        let base = std::env::current_dir().unwrap_or_default().join(display);
        if let Some(too_big) = oversized(text.len() as u64, display, options) {
            return Err(too_big);
        }
        let source = SourceFile::new(base, text);
        load(source, display.to_path_buf(), options, Some(value)).into_result()
    }
}

/// What [`Document::inspect_path`] found: the document as far as it could be read, and every
/// problem.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Inspection {
    /// The document, read as far as its problems allow, or `None` when nothing could be
    /// (the text does not parse, the version is not supported). With errors among the
    /// diagnostics it is for further checks only (schemas, examples, lint rules): a `$ref`
    /// that did not resolve is `null` in it, and a part that could not be read is missing
    /// from its model.
    pub document: Option<Document>,
    /// Every problem found, sorted by position ([`Diagnostic::sort`]).
    pub diagnostics: Vec<Diagnostic>,
}

impl Inspection {
    fn failed(error: SpecError) -> Self {
        Inspection {
            document: None,
            diagnostics: error.diagnostics().to_vec(),
        }
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The document when there is no error, else every error.
    pub fn into_result(self) -> Result<Document, SpecError> {
        match self.document {
            Some(document) if !self.has_errors() => Ok(document),
            _ => Err(SpecError::new(
                self.diagnostics
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .collect(),
            )),
        }
    }
}

/// The error for a document of `len` bytes, if that is over `options.max_document_bytes`.
fn oversized(len: u64, display: &Path, options: &LoadOptions) -> Option<SpecError> {
    (len > options.max_document_bytes as u64).then(|| {
        SpecError::new(vec![Diagnostic {
            severity: Severity::Error,
            rule: rules::READ,
            location: Location {
                file: display.to_path_buf(),
                line: None,
                column: None,
            },
            pointer: String::new(),
            message: format!(
                "the document is {len} bytes, over the limit of {} (LoadOptions::max_document_bytes)",
                options.max_document_bytes
            ),
        }])
    })
}

/// A note that the checks after a failed stage did not run.
fn skipped(display: &Path, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Info,
        rule: rules::SKIPPED,
        location: Location {
            file: display.to_path_buf(),
            line: None,
            column: None,
        },
        pointer: String::new(),
        message,
    }
}

/// Loads `source` (parsed here unless `parsed` is its value already), resolving its `$ref`s
/// and reading the model; diagnostics name the file as `display`.
fn load(
    source: SourceFile,
    display: PathBuf,
    options: &LoadOptions,
    parsed: Option<Value>,
) -> Inspection {
    let value = match parsed {
        Some(value) => value,
        None => match source.parse() {
            Ok(value) => value,
            Err(d) => {
                return Inspection {
                    document: None,
                    diagnostics: vec![
                        relabel(d, &display),
                        skipped(
                            &display,
                            "the document does not parse: no other check ran".to_owned(),
                        ),
                    ],
                };
            }
        },
    };
    let text: Arc<str> = Arc::from(source.text());
    let source = Arc::new(source);
    // Shared with the resolver: the document as written is kept, not copied.
    let value = Arc::new(value);
    let resolved = refs::resolve(source.clone(), value.clone(), options.max_ref_expansions);
    let mut diagnostics: Vec<Diagnostic> = resolved
        .diagnostics
        .into_iter()
        .map(|d| relabel_main(d, &source.path, &display))
        .collect();
    let unresolved = diagnostics
        .iter()
        .filter(|d| d.rule != rules::PARSER)
        .count();
    let mut reader = Reader {
        source: &source,
        raw: &value,
        resolved: &resolved.value,
        unresolved_refs: !diagnostics.is_empty(),
        diagnostics: Vec::new(),
        arguments: ArgumentList::Single,
    };
    reader.arguments = match options.socketio_args {
        Some(arguments) => arguments,
        None => match resolved.value.as_object() {
            Some(root) => reader.argument_rule(root, ""),
            None => ArgumentList::Single,
        },
    };
    let api = build(&mut reader, &resolved.value);
    diagnostics.extend(reader.diagnostics.into_iter().map(|d| relabel(d, &display)));
    match &api {
        None => diagnostics.push(skipped(
            &display,
            "the document is not AsyncAPI of a supported version: no other check ran".to_owned(),
        )),
        Some(_) if unresolved > 0 => diagnostics.push(skipped(
            &display,
            format!(
                "{unresolved} $ref{s} could not be resolved: what {they} point{verb} to was not \
                 read or checked",
                s = if unresolved == 1 { "" } else { "s" },
                they = if unresolved == 1 { "it" } else { "they" },
                verb = if unresolved == 1 { "s" } else { "" },
            ),
        )),
        Some(_) => {}
    }
    Diagnostic::sort(&mut diagnostics);
    Inspection {
        document: api.map(|api| Document {
            api: Arc::new(api),
            resolved: Arc::new(resolved.value),
            text,
            path: display,
            source,
            raw: value,
        }),
        diagnostics,
    }
}

fn relabel(mut d: Diagnostic, display: &Path) -> Diagnostic {
    d.location.file = display.to_path_buf();
    d
}

/// The main file named as the caller named it; another file the `$ref`s reach named relative
/// to the working directory when it is under it (as the main file usually is).
fn relabel_main(mut d: Diagnostic, real: &Path, display: &Path) -> Diagnostic {
    if d.location.file == real {
        d.location.file = display.to_path_buf();
    } else if let Ok(cwd) = std::env::current_dir()
        && let Ok(relative) = d.location.file.strip_prefix(&cwd)
    {
        d.location.file = relative.to_path_buf();
    }
    d
}

fn build(r: &mut Reader<'_>, root: &Value) -> Option<Api> {
    let Some(obj) = root.as_object() else {
        r.error_rule(
            rules::IS_ASYNCAPI,
            "",
            format!(
                "an AsyncAPI document must be an object, found {}",
                super::fields::kind(root)
            ),
        );
        return None;
    };
    let version = match obj.get("asyncapi") {
        Some(Value::String(v)) => v.clone(),
        Some(other) => {
            r.error_rule(
                rules::IS_ASYNCAPI,
                "/asyncapi",
                format!("'asyncapi' must be a string such as \"2.6.0\", found {other}"),
            );
            return None;
        }
        None => {
            r.error_rule(
                rules::IS_ASYNCAPI,
                "",
                "the document must have required property 'asyncapi' (the AsyncAPI version)",
            );
            return None;
        }
    };
    if !SUPPORTED_VERSIONS.contains(&version.as_str()) {
        r.error_rule(
            rules::IS_ASYNCAPI,
            "/asyncapi",
            format!(
                "AsyncAPI version '{version}' is not supported; supported versions: {}",
                SUPPORTED_VERSIONS.join(", ")
            ),
        );
        return None;
    }
    let api = if version.starts_with("3.") {
        v3::build(r, obj, version)
    } else {
        v2::build(r, obj, version)
    };
    check_duplicates(r, &api);
    Some(api)
}

/// Two ingress events of one namespace with the same name would make dispatch ambiguous.
fn check_duplicates(r: &mut Reader<'_>, api: &Api) {
    for ns in &api.namespaces {
        for (i, ev) in ns.ingress.iter().enumerate() {
            if ns.ingress[..i]
                .iter()
                .any(|e| e.name == ev.name && e.pointer != ev.pointer)
            {
                r.error_rule(
                    rules::DUPLICATE_EVENT,
                    &ev.pointer,
                    format!(
                        "namespace {} receives two different messages named '{}'",
                        ns.path, ev.name
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "asyncapi: 2.6.0
info: {title: t, version: '1'}
x-socketio-args: spread
channels:
  /:
    publish:
      message:
        name: move
        payload: {type: array, prefixItems: [{type: integer}, {type: string}]}
        x-ack: {args: {type: array, prefixItems: [{type: boolean}]}}
    subscribe:
      message:
        name: echo
        payload: {type: string, x-socketio-args: single}
";

    fn rules(doc: &Document) -> Vec<ArgumentList> {
        let ns = &doc.api.namespaces[0];
        vec![
            ns.ingress[0].payload.as_ref().unwrap().arguments,
            ns.ingress[0].ack.as_ref().unwrap().arguments,
            ns.egress[0].payload.as_ref().unwrap().arguments,
        ]
    }

    #[test]
    fn the_root_convention_applies_to_payloads_and_acks_and_a_schema_overrides_it() {
        let doc = Document::from_text(DOC).unwrap();
        assert_eq!(
            rules(&doc),
            [
                ArgumentList::Spread,
                ArgumentList::Spread,
                ArgumentList::Single
            ]
        );
    }

    #[test]
    fn load_options_override_the_document_convention_but_not_a_schema() {
        let single = LoadOptions::default().socketio_args(ArgumentList::Single);
        let text = DOC.replace("x-socketio-args: spread\n", "");
        let doc = Document::from_text_with(DOC, &single).unwrap();
        assert_eq!(rules(&doc)[0], ArgumentList::Single);
        let spread = LoadOptions::default().socketio_args(ArgumentList::Spread);
        let doc = Document::from_text_with(&text, &spread).unwrap();
        assert_eq!(
            rules(&doc),
            [
                ArgumentList::Spread,
                ArgumentList::Spread,
                ArgumentList::Single
            ]
        );
        // Handshake schemas are not argument lists: the convention leaves them alone.
        let doc = Document::from_text(&text).unwrap();
        assert_eq!(
            rules(&doc)[0],
            ArgumentList::Single,
            "the default is single"
        );
    }

    #[test]
    fn a_bad_root_convention_is_reported_at_its_line() {
        let text = DOC.replace("x-socketio-args: spread", "x-socketio-args: both");
        let err = Document::from_text(&text).unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!(d.pointer, "/x-socketio-args");
        assert_eq!(d.location.line, Some(3));
        assert!(d.message.contains("'single' or 'spread'"), "{d}");
    }
}
