//! `asynction scaffold`: a new Cargo project from an AsyncAPI document.
//!
//! The project is a working server that compiles and whose tests pass as generated:
//!
//! | file | what |
//! |---|---|
//! | `Cargo.toml` | depends on asynction (by path or version, feature `schemars`), schemars, tokio, serde, serde_json, tracing; an empty `[workspace]` so it builds anywhere |
//! | `asyncapi.yaml` | the document as written (the resolved JSON when it `$ref`s other files) |
//! | `src/lib.rs` | `pub fn builder()` (every handler id registered; event handlers with `handler_checked`, so `build()` checks their types against the document) and `pub fn app() -> Result<Asynction, BuildError>` |
//! | `src/handlers.rs` | one async stub per handler id; security functions that refuse until written |
//! | `src/types.rs` | payload and ack types generated from the schemas, deriving `schemars::JsonSchema` (`scaffold/types.rs`) |
//! | `src/main.rs` | logging, `PORT` on 127.0.0.1, graceful Ctrl-C |
//! | `tests/handlers.rs` | the app builds; the type check agrees (planned routes checked and unchecked); every type accepts the document's examples |
//!
//! ```no_run
//! use asynction_codegen::scaffold::{ScaffoldOptions, scaffold};
//!
//! let project = scaffold("asyncapi.yaml".as_ref(), "my-server".as_ref(), &ScaffoldOptions::default())?;
//! println!("wrote {} files for crate {}", project.files.len(), project.crate_name);
//! # Ok::<(), asynction_codegen::scaffold::ScaffoldError>(())
//! ```

mod manifest;
mod plan;
mod samples;
mod smoke_test;
mod sources;
mod types;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use asynction_spec::{Document, SpecError};
use plan::Plan;

/// How the generated project depends on asynction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AsynctionDependency {
    /// `asynction = { path = "…" }`.
    Path(PathBuf),
    /// `asynction = "<version requirement>"` from crates.io.
    Version(String),
}

impl Default for AsynctionDependency {
    /// The asynction sources this library was built from.
    fn default() -> Self {
        let framework = Path::new(env!("CARGO_MANIFEST_DIR")).join("../asynction");
        AsynctionDependency::Path(std::fs::canonicalize(&framework).unwrap_or(framework))
    }
}

/// Options of [`scaffold`].
#[derive(Debug, Clone, Default)]
pub struct ScaffoldOptions {
    /// The package name; default: derived from the output directory's name.
    pub crate_name: Option<String>,
    /// How to depend on asynction.
    pub dependency: AsynctionDependency,
    /// Overwrite the generated files in a non-empty directory (other files are left alone).
    pub force: bool,
    /// Skip running `rustfmt` on the generated sources.
    pub skip_rustfmt: bool,
}

/// Why a project could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScaffoldError {
    /// The document does not load.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The package name is not a valid Cargo package name.
    #[error("'{name}' cannot be a package name: {reason} (choose one with --name)")]
    InvalidCrateName {
        /// The name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The output directory has files and `force` is off.
    #[error("{} is not empty; choose another directory or pass --force to overwrite the generated files", .dir.display())]
    NotEmpty {
        /// The directory.
        dir: PathBuf,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// One security handler id names functions of two kinds.
    #[error(
        "security handler id '{id}' names a {first} function and a {second} function; give them different ids"
    )]
    ConflictingSecurityHandler {
        /// The id.
        id: String,
        /// The first use.
        first: String,
        /// The conflicting use.
        second: String,
    },
}

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the project directory.
    pub path: PathBuf,
    /// The contents.
    pub contents: String,
}

/// A generated project, before or after it is written.
#[derive(Debug, Clone)]
pub struct Project {
    /// The package name.
    pub crate_name: String,
    /// Every file, in the order they are written.
    pub files: Vec<GeneratedFile>,
}

/// Loads `spec`, generates the project and writes it to `out_dir`, then runs `rustfmt` on its
/// sources (unless [`ScaffoldOptions::skip_rustfmt`]; a missing or failing `rustfmt` is
/// ignored).
pub fn scaffold(
    spec: &Path,
    out_dir: &Path,
    options: &ScaffoldOptions,
) -> Result<Project, ScaffoldError> {
    let doc = Document::from_path(spec)?;
    let crate_name = match &options.crate_name {
        Some(name) => name.clone(),
        None => default_crate_name(out_dir),
    };
    let project = generate(&doc, &crate_name, &options.dependency)?;
    project.write(out_dir, options.force)?;
    if !options.skip_rustfmt {
        project.rustfmt(out_dir);
    }
    Ok(project)
}

/// The project for `doc`, in memory.
pub fn generate(
    doc: &Document,
    crate_name: &str,
    dependency: &AsynctionDependency,
) -> Result<Project, ScaffoldError> {
    check_crate_name(crate_name)?;
    let lib = crate_name.replace('-', "_");
    let plan = Plan::new(doc)?;
    let (spec_file, spec_text) = spec_copy(doc);
    let description = format!(
        "Socket.IO server for {} {}, generated by asynction scaffold",
        doc.api
            .info
            .title
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        doc.api.info.version
    );
    let mut types_rs = String::from(
        "//! Payload and ack types generated from the document's JSON Schemas by `asynction scaffold`.\n\
         //! The document still validates every payload; these types only have to accept it.\n",
    );
    if !plan.types.is_empty() {
        types_rs.push('\n');
        types_rs.push_str(&plan.types.render());
    }
    let files = vec![
        file(
            "Cargo.toml",
            manifest::cargo_toml(crate_name, &description, dependency),
        ),
        file(&spec_file, spec_text),
        file("src/lib.rs", sources::lib_rs(&doc.api, &plan, &spec_file)),
        file("src/main.rs", sources::main_rs(&doc.api, &lib)),
        file("src/handlers.rs", sources::handlers_rs(&plan)),
        file("src/types.rs", types_rs),
        file(
            "tests/handlers.rs",
            smoke_test::handlers_test(&plan, &lib, &spec_file),
        ),
        file(".gitignore", "/target\n".to_owned()),
    ];
    Ok(Project {
        crate_name: crate_name.to_owned(),
        files,
    })
}

fn file(path: &str, contents: String) -> GeneratedFile {
    GeneratedFile {
        path: PathBuf::from(path),
        contents,
    }
}

impl Project {
    /// Writes every file under `dir` (created when missing). Refuses a non-empty `dir` unless
    /// `force`, in which case only the generated files are overwritten.
    pub fn write(&self, dir: &Path, force: bool) -> Result<(), ScaffoldError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| ScaffoldError::Io { path, source }
        };
        if !force
            && let Ok(mut entries) = std::fs::read_dir(dir)
            && entries.next().is_some()
        {
            return Err(ScaffoldError::NotEmpty {
                dir: dir.to_path_buf(),
            });
        }
        for f in &self.files {
            let path = dir.join(&f.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            std::fs::write(&path, &f.contents).map_err(io(&path))?;
        }
        Ok(())
    }

    /// Runs `rustfmt --edition 2024` on the project's `.rs` files under `dir`; returns whether
    /// it ran and succeeded (the sources are already close to rustfmt's style without it).
    pub fn rustfmt(&self, dir: &Path) -> bool {
        let sources: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "rs"))
            .map(|f| dir.join(&f.path))
            .collect();
        Command::new("rustfmt")
            .args(["--edition", "2024"])
            .args(&sources)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

/// The package name derived from a directory name (`My Server` → `my-server`).
pub(crate) fn default_crate_name(dir: &Path) -> String {
    let base = std::path::absolute(dir)
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let words = crate::naming::words(&base);
    let name = words
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("-");
    match name.chars().next() {
        None => "asyncapi-server".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("server-{name}"),
        Some(_) => name,
    }
}

/// Checks `name` as a Cargo package name that is also usable as a library name.
pub(crate) fn check_crate_name(name: &str) -> Result<(), ScaffoldError> {
    let invalid = |reason| ScaffoldError::InvalidCrateName {
        name: name.to_owned(),
        reason,
    };
    if name.is_empty() {
        return Err(invalid("it is empty"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(invalid(
            "only ASCII letters, digits, '-' and '_' are allowed",
        ));
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(invalid("it starts with a digit"));
    }
    if name.starts_with(['-', '_']) {
        return Err(invalid("it starts with '-' or '_'"));
    }
    let lib = name.replace('-', "_");
    if [
        "asynction",
        "test",
        "core",
        "std",
        "alloc",
        "proc_macro",
        "self",
        "crate",
        "super",
    ]
    .contains(&lib.as_str())
    {
        return Err(invalid("it is reserved or would shadow a dependency"));
    }
    Ok(())
}

/// The copy of the document the project embeds: the text as written, or the resolved JSON
/// when the text `$ref`s other files (which the project would not have).
fn spec_copy(doc: &Document) -> (String, String) {
    let json = doc
        .path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let raw = doc.as_written();
    let external = raw.as_ref().is_none_or(has_external_ref);
    if external {
        let text = serde_json::to_string_pretty(&*doc.resolved).unwrap_or_default() + "\n";
        ("asyncapi.json".to_owned(), text)
    } else if json {
        ("asyncapi.json".to_owned(), doc.text.to_string())
    } else {
        ("asyncapi.yaml".to_owned(), doc.text.to_string())
    }
}

fn has_external_ref(value: &Value) -> bool {
    match value {
        Value::Object(m) => m.iter().any(|(k, v)| {
            (k == "$ref" && v.as_str().is_some_and(|r| !r.starts_with('#'))) || has_external_ref(v)
        }),
        Value::Array(a) => a.iter().any(has_external_ref),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_directories_and_checks() {
        assert_eq!(default_crate_name(Path::new("/tmp/My Server")), "my-server");
        assert_eq!(
            default_crate_name(Path::new("/tmp/user_accounts")),
            "user-accounts"
        );
        assert_eq!(default_crate_name(Path::new("/tmp/2024")), "server-2024");
        assert!(check_crate_name("my-server").is_ok());
        assert!(check_crate_name("my_server2").is_ok());
        for bad in ["", "9lives", "a b", "asynction", "é", "test", "-x"] {
            assert!(check_crate_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn external_refs_are_detected() {
        let inline = serde_json::json!({"a": {"$ref": "#/components/schemas/X"}});
        let external = serde_json::json!({"a": [{"$ref": "common.yaml#/X"}]});
        assert!(!has_external_ref(&inline));
        assert!(has_external_ref(&external));
    }
}
