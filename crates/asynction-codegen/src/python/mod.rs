//! `asynction generate python`: a pip-installable package of pydantic v2 models and a typed
//! python-socketio client, from an AsyncAPI document.
//!
//! | file | what |
//! |---|---|
//! | `pyproject.toml` | PEP 621: name, version (`info.version`), `python-socketio[client,asyncio-client]>=5`, `pydantic>=2.7`, Python ≥ 3.9, built with flit_core (`package.rs`) |
//! | `src/PACKAGE/models.py` | a pydantic model or type alias per payload, ack and handshake schema (`models.rs`) |
//! | `src/PACKAGE/client.py` | per namespace an asyncio and a synchronous class, `connect` / `connect_sync` (`client.rs`) |
//! | `src/PACKAGE/_runtime.py` | what does not depend on the document: checks, acks, refusals (`runtime.py`) |
//! | `src/PACKAGE/_recovery.py` | with `x-socketio-recovery` in the document: the namespace classes that recover their session (`recovery.py`) |
//! | `src/PACKAGE/__init__.py`, `py.typed` | re-exports; the PEP 561 marker |
//! | `README.md` | namespaces, events and how to connect, from the document |
//!
//! The schemas are read through the crate's language-neutral type model (`types/`: names,
//! unions, literals, tuples, recursion, approximation notes), as the TypeScript generator reads
//! them; what pydantic can check beyond it (`pattern`, `format: date-time`) is read from the
//! schema here.
//!
//! ```no_run
//! use asynction_codegen::python::{PythonOptions, generate_python};
//!
//! let package = generate_python("asyncapi.yaml".as_ref(), "client".as_ref(), &PythonOptions::default())?;
//! for w in &package.warnings {
//!     eprintln!("{w}");
//! }
//! # Ok::<(), asynction_codegen::GenerateError>(())
//! ```

mod client;
mod models;
mod naming;
mod package;
mod source;

use std::path::Path;

use asynction_spec::{Document, Severity};

use crate::package::{GenerateError, Package, file};

/// The runtime module every package ships as `_runtime.py`.
const RUNTIME_PY: &str = include_str!("runtime.py");

/// The namespace classes of connection state recovery, shipped as `_recovery.py` when the
/// document declares it.
const RECOVERY_PY: &str = include_str!("recovery.py");

/// Options of [`generate_python`].
#[derive(Debug, Clone, Default)]
pub struct PythonOptions {
    /// The import name of the package; default: from the document's title (`<title>_client`).
    pub package_name: Option<String>,
    /// The document's server whose Socket.IO path `connect` uses by default; default: the first.
    pub server: Option<String>,
}

/// Loads `spec`, generates the package and writes it under `out_dir` (created when missing;
/// generated files are overwritten, others left alone).
pub fn generate_python(
    spec: &Path,
    out_dir: &Path,
    options: &PythonOptions,
) -> Result<Package, GenerateError> {
    let doc = Document::from_path(spec)?;
    let package = generate(&doc, options)?;
    package.write(out_dir)?;
    Ok(package)
}

/// The package for `doc`, in memory.
pub fn generate(doc: &Document, options: &PythonOptions) -> Result<Package, GenerateError> {
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
    let client = client::Client::build(doc, written.as_ref(), server);
    let warnings = client
        .warnings
        .iter()
        .map(|w| {
            doc.diagnostic(&w.pointer, w.message.clone())
                .with_severity(Severity::Warning)
        })
        .collect();
    let (version, version_note) = package::version(&api.info.version);
    let src = format!("src/{name}");
    let mut files = vec![
        file("pyproject.toml", package::pyproject(&name, &version, api)),
        file(&format!("{src}/__init__.py"), client.init_py()),
        file(&format!("{src}/models.py"), client.models.source()),
        file(&format!("{src}/client.py"), client.client_py()),
        file(&format!("{src}/_runtime.py"), RUNTIME_PY.to_owned()),
        file(&format!("{src}/py.typed"), String::new()),
        file(
            "README.md",
            package::readme(&name, api, &client, version_note.as_deref()),
        ),
    ];
    if client.recovery {
        files.push(file(&format!("{src}/_recovery.py"), RECOVERY_PY.to_owned()));
    }
    Ok(Package {
        name,
        files,
        warnings,
    })
}
