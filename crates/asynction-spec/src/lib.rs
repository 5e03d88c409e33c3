//! Read AsyncAPI documents in Rust: 2.0–2.6, 3.0 and 3.1, YAML 1.2 or JSON, with `$ref`s across
//! files, into one version-free [`model::Api`], and diagnostics a user can act on
//! (`file:line:col`, a JSON pointer, one sentence).
//!
//! ```
//! use asynction_spec::Document;
//!
//! let doc = Document::from_text(r#"
//! asyncapi: 2.6.0
//! info: { title: Chat, version: 1.0.0 }
//! channels:
//!   /chat:
//!     publish:
//!       message:
//!         name: message
//!         payload: { type: string }
//! "#)?;
//! let chat = doc.api.namespace("/chat").expect("the channel is a namespace");
//! assert_eq!(chat.ingress[0].name, "message");
//! # Ok::<(), asynction_spec::SpecError>(())
//! ```
//!
//! The crate knows nothing of Socket.IO servers (no socketioxide, axum or tokio in its
//! dependency tree): the `asynction` framework, its command-line tool and its code generators
//! all read documents through it, and so can any other tool.
//!
//! The flow is one way: `source` parses text and knows positions, `refs` inlines `$ref`s
//! (`files` reads each file a `$ref` reaches once), `v2` and `v3` build the version-free model
//! (`common` and `fields` hold what both read), `load` ties them together. The stages are
//! private; the public API is the list below, each item at one path:
//!
//! - loading: [`Document`] (and [`Document::inspect_path`]: every problem at once, with the
//!   document as far as it could be read, an [`Inspection`]), [`LoadOptions`],
//!   [`SUPPORTED_VERSIONS`];
//! - the recommended ruleset and rule configuration: the [`lint`] module;
//! - rules: the [`rules`] module (every diagnostic's rule id, what it means, how to fix it);
//! - the model: the [`model`] module ([`Api`], the entry point, is also at the root);
//! - errors: [`Diagnostic`], [`Location`], [`Severity`], [`SpecError`], [`UnknownServer`];
//! - JSON Schema's standard formats: [`STANDARD_FORMATS`];
//! - document-to-document tools: [`bundle()`], [`convert()`] ([`TargetVersion`],
//!   [`Conversion`]), [`to_yaml`], [`to_json`].
//!
//! Two document-to-document tools sit beside the loader: [`bundle()`] writes one
//! self-contained document from one that `$ref`s other files, and [`convert()`] writes an
//! AsyncAPI 2.x document as 3.0 or 3.1 with the same API ([`to_yaml`], [`to_json`] print
//! either).

mod bundle;
mod common;
mod convert;
mod error;
mod fields;
mod files;
mod formats;
pub mod lint;
mod load;
pub mod model;
mod refs;
pub mod rules;
mod source;
mod v2;
mod v3;

pub use bundle::{bundle, to_json, to_yaml};
pub use convert::{Conversion, TargetVersion, convert};
pub use error::{Diagnostic, Location, Severity, SpecError, UnknownServer};
pub use files::referenced_files;
pub use formats::STANDARD_FORMATS;
pub use load::{Document, Inspection, LoadOptions, SUPPORTED_VERSIONS};
// The one type at two paths: `asynction` re-exports the root one (its `Api`).
pub use model::Api;
