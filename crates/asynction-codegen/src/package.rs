//! What the client generators (`typescript`, `python`) return: a [`Package`] of files in
//! memory, written on demand, and [`GenerateError`], why one could not be made.

use std::path::{Path, PathBuf};

use asynction_spec::{Diagnostic, SpecError, UnknownServer};

use crate::scaffold::GeneratedFile;

/// Whose package naming rules a name broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ecosystem {
    /// npm (`generate typescript`).
    Npm,
    /// Python packaging: an import name (`generate python`).
    Python,
}

impl std::fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Ecosystem::Npm => "an npm",
            Ecosystem::Python => "a Python",
        })
    }
}

/// Why a package could not be generated.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// The document does not load.
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// The options name no server of the document (`--server`).
    #[error(transparent)]
    UnknownServer(#[from] UnknownServer),
    /// The package name breaks its ecosystem's rules.
    #[error("'{name}' cannot be {ecosystem} package name: {reason} (choose one with --name)")]
    InvalidPackageName {
        /// Whose rules.
        ecosystem: Ecosystem,
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
    /// The package name (npm: the package; Python: the import name under `src/`, the
    /// distribution name being the same with `-`).
    pub name: String,
    /// Every file, relative to the package directory.
    pub files: Vec<GeneratedFile>,
    /// Schema constructs the types only approximate, as warnings with file:line:col (they
    /// print as `file:line:col: warning: TypeScript: …` / `… Python: …`).
    pub warnings: Vec<Diagnostic>,
}

impl Package {
    /// Writes every file under `dir` (created when missing), overwriting the generated files.
    pub fn write(&self, dir: &Path) -> Result<(), GenerateError> {
        for f in &self.files {
            let path = dir.join(&f.path);
            let io = |source| GenerateError::Io {
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

    /// The contents of the file at `path` (relative to the package directory).
    pub fn file(&self, path: &str) -> Option<&str> {
        self.files
            .iter()
            .find(|f| f.path == Path::new(path))
            .map(|f| f.contents.as_str())
    }
}

/// A generated file at `path` (relative to the package directory).
pub(crate) fn file(path: &str, contents: String) -> GeneratedFile {
    GeneratedFile {
        path: PathBuf::from(path),
        contents,
    }
}
