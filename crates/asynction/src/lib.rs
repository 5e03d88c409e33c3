#![doc = include_str!("../../../README.md")]
#![warn(missing_docs)]

pub mod docs;
pub mod refusal;
pub mod security;
pub mod server;
pub mod validate;

#[cfg(feature = "mock")]
pub mod mock;

#[cfg(feature = "redis")]
pub mod cluster;

/// The AsyncAPI document model, from [`asynction_spec`]: what a loaded document says, version-free.
pub use asynction_spec::model;
pub use asynction_spec::{Api, Diagnostic, Document, LoadOptions, Location, Severity, SpecError};

/// Crate-internal name for the document crate, so that `crate::spec::…` reads as one layer.
use asynction_spec as spec;
