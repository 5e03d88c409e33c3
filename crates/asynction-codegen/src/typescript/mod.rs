//! `asynction generate typescript`: a typed Socket.IO client package from an AsyncAPI document.
//!
//! | file | what |
//! |---|---|
//! | `package.json` | name, version (`info.version`), `socket.io-client ^4` as a peer dependency, `zod ^4` with runtime checks |
//! | `tsconfig.json` | strict, ES2022 modules |
//! | `src/index.ts` | the types (the crate's type model, rendered by `render.rs`), per-namespace event interfaces and `connect` (`client.rs`), zod checks (`zod.rs`, `runtime.rs`) |
//! | `README.md` | namespaces, events and how to connect, from the document (`package.rs`) |
//!
//! The stages are private: [`generate`] (or [`generate_typescript`], which also loads and
//! writes) builds the client's shape (`shape.rs`, from `client.rs`) with the crate's type model,
//! renders each file from it and reports the model's approximations as warnings prefixed
//! `TypeScript:`.
//!
//! ```no_run
//! use asynction_codegen::typescript::{TypeScriptOptions, generate_typescript};
//!
//! let package = generate_typescript("asyncapi.yaml".as_ref(), "client".as_ref(), &TypeScriptOptions::default())?;
//! for w in &package.warnings {
//!     eprintln!("warning: {w}");
//! }
//! # Ok::<(), asynction_codegen::typescript::TypeScriptError>(())
//! ```

mod client;
mod package;
mod render;
mod runtime;
mod shape;
mod zod;

use std::path::{Path, PathBuf};

use asynction_spec::{Diagnostic, Document, SpecError, UnknownServer};

use crate::scaffold::GeneratedFile;

/// Options of [`generate_typescript`].
#[derive(Debug, Clone, Default)]
pub struct TypeScriptOptions {
    /// The npm package name; default: from the document's title (`<title>-client`).
    pub package_name: Option<String>,
    /// The document's server whose Socket.IO path `connect` uses by default; default: the first.
    pub server: Option<String>,
    /// Generate zod schemas and check every payload and ack at run time.
    pub runtime_checks: bool,
}

/// Why a package could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TypeScriptError {
    /// The document does not load.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// [`TypeScriptOptions::server`] names no server of the document.
    #[error(transparent)]
    UnknownServer(#[from] UnknownServer),
    /// The package name is not a valid npm package name.
    #[error("'{name}' cannot be an npm package name: {reason} (choose one with --name)")]
    InvalidPackageName {
        /// The name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// A generated package.
#[derive(Debug, Clone)]
pub struct Package {
    /// The npm package name.
    pub name: String,
    /// Every file, relative to the package directory.
    pub files: Vec<GeneratedFile>,
    /// Schema constructs the types only approximate, with file:line:col.
    pub warnings: Vec<Diagnostic>,
}

/// Loads `spec`, generates the package and writes it under `out_dir` (created when missing;
/// generated files are overwritten, others left alone).
pub fn generate_typescript(
    spec: &Path,
    out_dir: &Path,
    options: &TypeScriptOptions,
) -> Result<Package, TypeScriptError> {
    let doc = Document::from_path(spec)?;
    let package = generate(&doc, options)?;
    package.write(out_dir)?;
    Ok(package)
}

/// The package for `doc`, in memory.
pub fn generate(doc: &Document, options: &TypeScriptOptions) -> Result<Package, TypeScriptError> {
    let api = &doc.api;
    let server = match &options.server {
        Some(name) => Some(api.server_named(name)?),
        None => api.servers.first(),
    };
    let name = match &options.package_name {
        Some(n) => n.clone(),
        None => package::default_name(&api.info.title),
    };
    package::check_name(&name)?;
    let written = doc.as_written();
    let client = client::Client::build(doc, written.as_ref(), server, options.runtime_checks);
    let warnings = client
        .warnings
        .iter()
        .map(|w| doc.diagnostic(&w.pointer, format!("TypeScript: {}", w.message)))
        .collect();
    let (version, version_note) = package::version(&api.info.version);
    let files = vec![
        file(
            "package.json",
            package::package_json(&name, &version, api, options.runtime_checks),
        ),
        file("tsconfig.json", package::tsconfig_json()),
        file("src/index.ts", client.index_ts()),
        file(
            "README.md",
            package::readme(&name, api, &client, version_note.as_deref()),
        ),
    ];
    Ok(Package {
        name,
        files,
        warnings,
    })
}

fn file(path: &str, contents: String) -> GeneratedFile {
    GeneratedFile {
        path: PathBuf::from(path),
        contents,
    }
}

impl Package {
    /// Writes every file under `dir` (created when missing), overwriting the generated files.
    pub fn write(&self, dir: &Path) -> Result<(), TypeScriptError> {
        for f in &self.files {
            let path = dir.join(&f.path);
            let io = |source| TypeScriptError::Io {
                path: path.clone(),
                source,
            };
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            std::fs::write(&path, &f.contents).map_err(io)?;
        }
        Ok(())
    }
}
