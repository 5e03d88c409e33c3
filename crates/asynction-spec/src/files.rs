//! The files a document's `$ref`s reach, each read and parsed once and known by its index (0 is
//! the main file). Resolution ([`crate::refs`]) and bundling ([`crate::bundle()`]) both read
//! files through it, so a relative file `$ref` means the same file to both.
//!
//! A `$ref`'s file part is a URI reference: `file://` is dropped and percent-escapes are
//! decoded (`my%20messages.yaml` is `my messages.yaml`) before it is joined to the directory of
//! the file that holds the `$ref`. Files are known by their canonical path, so `./a.yaml` and
//! `sub/../a.yaml` are read once.

use std::collections::HashMap;
use std::ops::Index;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::error::Diagnostic;
use super::source::SourceFile;

/// One file of a document.
pub(crate) struct LoadedFile {
    /// Its path, text and positions.
    pub(crate) source: Arc<SourceFile>,
    /// Its parsed value; `None` when it does not parse (the diagnostic was recorded when it
    /// was read). Shared so that a `$ref` target is walked in place, never copied first.
    pub(crate) value: Option<Arc<Value>>,
}

/// The files read so far.
pub(crate) struct Files {
    files: Vec<LoadedFile>,
    by_path: HashMap<PathBuf, usize>,
}

impl Files {
    /// The main file (index 0), already parsed.
    pub(crate) fn new(main: Arc<SourceFile>, value: Arc<Value>) -> Self {
        let mut by_path = HashMap::new();
        by_path.insert(canonical(&main.path), 0);
        Files {
            files: vec![LoadedFile {
                source: main,
                value: Some(value),
            }],
            by_path,
        }
    }

    /// The index of the file `relative` names from the file `from`, read and parsed on first
    /// use. A file that cannot be read, or does not parse, is an `Err` saying so each time it
    /// is asked for; its parse error is pushed to `diagnostics` once, with its own position.
    pub(crate) fn load(
        &mut self,
        from: usize,
        relative: &str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Result<usize, String> {
        let relative = relative.strip_prefix("file://").unwrap_or(relative);
        let relative = percent_encoding::percent_decode_str(relative).decode_utf8_lossy();
        let base = self.files[from]
            .source
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let path = base.join(relative.as_ref());
        let key = canonical(&path);
        let id = match self.by_path.get(&key) {
            Some(id) => *id,
            None => {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let source = Arc::new(SourceFile::new(path, text));
                let value = match source.parse() {
                    Ok(v) => Some(Arc::new(v)),
                    Err(d) => {
                        diagnostics.push(d);
                        None
                    }
                };
                let id = self.files.len();
                self.files.push(LoadedFile { source, value });
                self.by_path.insert(key, id);
                id
            }
        };
        match self.files[id].value {
            Some(_) => Ok(id),
            None => Err("the file could not be parsed".to_owned()),
        }
    }
}

impl Index<usize> for Files {
    type Output = LoadedFile;

    fn index(&self, id: usize) -> &LoadedFile {
        &self.files[id]
    }
}

/// Every file the document at `main` is made of: `main` and each file its file `$ref`s reach,
/// transitively, by canonical path, in the order they are first met. Best effort, for watching
/// a document's files: a file that cannot be read or parsed is listed (a watcher then sees it
/// appear or get fixed) and its own `$ref`s are not followed; remote `$ref`s are not files.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("main.yaml"), "a: { $ref: 'parts/b.yaml#/b' }\n")?;
/// std::fs::create_dir(dir.path().join("parts"))?;
/// std::fs::write(dir.path().join("parts/b.yaml"), "b: { $ref: '../missing.yaml' }\n")?;
/// let files = asynction_spec::referenced_files(&dir.path().join("main.yaml"));
/// let names: Vec<_> = files.iter().map(|f| f.file_name().unwrap().to_owned()).collect();
/// assert_eq!(names, ["main.yaml", "b.yaml", "missing.yaml"]);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn referenced_files(main: &Path) -> Vec<PathBuf> {
    let mut listed = vec![canonical(main)];
    let Ok(text) = std::fs::read_to_string(main) else {
        return listed;
    };
    let source = Arc::new(SourceFile::new(main.to_path_buf(), text));
    let Ok(value) = source.parse() else {
        return listed;
    };
    let mut files = Files::new(source, Arc::new(value));
    let mut diagnostics = Vec::new();
    let mut next = 0;
    // `files` grows as `$ref`s are followed; each file is walked once.
    while next < files.files.len() {
        let mut refs = Vec::new();
        if let Some(value) = files.files[next].value.clone() {
            file_refs(&value, &mut refs);
        }
        for reference in refs {
            let base = files.files[next]
                .source
                .path
                .parent()
                .map(Path::to_path_buf);
            let path = match files.load(next, &reference, &mut diagnostics) {
                Ok(id) => canonical(&files.files[id].source.path),
                Err(_unreadable) => {
                    let decoded = percent_encoding::percent_decode_str(
                        reference.strip_prefix("file://").unwrap_or(&reference),
                    )
                    .decode_utf8_lossy()
                    .into_owned();
                    let joined = base.unwrap_or_default().join(decoded);
                    // A missing file has no canonical path; its directory may.
                    match (joined.parent(), joined.file_name()) {
                        (Some(dir), Some(name)) => canonical(dir).join(name),
                        _ => joined,
                    }
                }
            };
            if !listed.contains(&path) {
                listed.push(path);
            }
        }
        next += 1;
    }
    listed
}

/// The file parts of the `$ref`s in `value` (local and remote ones left out).
fn file_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let file = reference
                    .split_once('#')
                    .map_or(reference.as_str(), |(f, _)| f);
                let remote = file.contains("://") && !file.starts_with("file://");
                if !file.is_empty() && !remote && !out.iter().any(|f| f == file) {
                    out.push(file.to_owned());
                }
            }
            map.values().for_each(|v| file_refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| file_refs(v, out)),
        _ => {}
    }
}

fn canonical(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn main_file(dir: &Path) -> Files {
        let path = dir.join("main.yaml");
        std::fs::write(&path, "a: 1\n").unwrap();
        Files::new(
            Arc::new(SourceFile::new(path, "a: 1\n".to_owned())),
            Arc::new(serde_json::json!({"a": 1})),
        )
    }

    #[test]
    fn each_file_is_read_once_whatever_the_spelling_of_its_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("my messages.yaml"), "b: 2\n").unwrap();
        let mut files = main_file(dir.path());
        let mut diagnostics = Vec::new();
        let a = files.load(0, "my%20messages.yaml", &mut diagnostics);
        let b = files.load(0, "file://sub/../my messages.yaml", &mut diagnostics);
        assert_eq!((a, b), (Ok(1), Ok(1)));
        assert_eq!(files.load(0, "main.yaml", &mut diagnostics), Ok(0));
        assert_eq!(
            files[1].value.as_deref(),
            Some(&serde_json::json!({"b": 2}))
        );
        assert!(diagnostics.is_empty());
    }

    #[test]
    fn a_file_that_does_not_parse_is_reported_once_and_refused_every_time() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.yaml"), "a: [\n").unwrap();
        let mut files = main_file(dir.path());
        let mut diagnostics = Vec::new();
        for _ in 0..2 {
            assert_eq!(
                files.load(0, "bad.yaml", &mut diagnostics),
                Err("the file could not be parsed".to_owned())
            );
        }
        assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
        let missing = files.load(0, "missing.yaml", &mut diagnostics).unwrap_err();
        assert!(missing.starts_with("cannot read "), "{missing}");
    }

    #[test]
    fn referenced_files_lists_every_reached_file_once_and_follows_no_broken_or_remote_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(
            p.join("main.yaml"),
            "a: { $ref: 'my%20parts.yaml#/a' }\nb: { $ref: './my parts.yaml#/b' }\nc: { $ref: 'https://example.com/x.yaml' }\nd: { $ref: 'bad.yaml' }\ne: { $ref: '#/a' }\n",
        )
        .unwrap();
        std::fs::write(
            p.join("my parts.yaml"),
            "a: 1\nb: { $ref: 'main.yaml#/e' }\n",
        )
        .unwrap();
        // Does not parse: listed (a fix is a change to watch), its `$ref`s unknown.
        std::fs::write(p.join("bad.yaml"), "x: [\n  $ref: never.yaml\n").unwrap();
        let names: Vec<String> = referenced_files(&p.join("main.yaml"))
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["main.yaml", "my parts.yaml", "bad.yaml"]);
        // A main file that cannot be read or parsed is still its own set.
        assert_eq!(referenced_files(&p.join("gone.yaml")).len(), 1);
        std::fs::write(p.join("broken.yaml"), "a: [\n").unwrap();
        assert_eq!(referenced_files(&p.join("broken.yaml")).len(), 1);
    }
}
