//! `asynction generate typescript`: a typed Socket.IO client package from an AsyncAPI document.
//!
//! | file | what |
//! |---|---|
//! | `package.json` | name, version (`info.version`), `socket.io-client ^4` as a peer dependency, `zod ^4` with runtime checks |
//! | `tsconfig.json` | strict, ES2022 modules |
//! | `src/index.ts` | the types (the crate's type model, rendered by `render.rs`), per-namespace event interfaces and `connect` (`client.rs`), zod checks (`zod.rs`, `runtime.rs`), connection state recovery when the document declares it (`recovery.rs`) |
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
//! # Ok::<(), asynction_codegen::GenerateError>(())
//! ```

mod client;
mod package;
mod recovery;
mod render;
mod runtime;
mod shape;
mod zod;

use std::path::Path;

use asynction_spec::{Document, Severity};

use crate::package::{GenerateError, Package, file};

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

/// Loads `spec`, generates the package and writes it under `out_dir` (created when missing;
/// generated files are overwritten, others left alone).
pub fn generate_typescript(
    spec: &Path,
    out_dir: &Path,
    options: &TypeScriptOptions,
) -> Result<Package, GenerateError> {
    let doc = Document::from_path(spec)?;
    let package = generate(&doc, options)?;
    package.write(out_dir)?;
    Ok(package)
}

/// The package for `doc`, in memory.
pub fn generate(doc: &Document, options: &TypeScriptOptions) -> Result<Package, GenerateError> {
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
        .map(|w| {
            doc.diagnostic(&w.pointer, format!("TypeScript: {}", w.message))
                .with_severity(Severity::Warning)
        })
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
