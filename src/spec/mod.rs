//! Reading AsyncAPI documents: text → resolved JSON → [`crate::model::Api`].
//!
//! The flow is one way: [`source`] parses text and knows positions, [`refs`] inlines `$ref`s,
//! `v2` and `v3` build the version-free model, [`load`] ties them together.

mod common;
pub mod error;
mod fields;
pub mod load;
pub mod refs;
pub mod source;
mod v2;
mod v3;

pub use error::{Diagnostic, Location, SpecError};
pub use load::{Document, LoadOptions, SUPPORTED_VERSIONS};
