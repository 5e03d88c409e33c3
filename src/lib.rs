#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod docs;
pub mod model;
pub mod security;
pub mod server;
pub mod spec;
pub mod validate;

pub use model::Api;
pub use spec::{Document, LoadOptions, SpecError};
