//! # asynction
//!
//! Spec-first Socket.IO APIs on [socketioxide](https://docs.rs/socketioxide): an AsyncAPI
//! document (2.x or 3.0) drives handler registration, validation of every interaction,
//! authentication, HTML docs and a mock server.
#![warn(missing_docs)]

pub mod model;
pub mod spec;
pub mod validate;

#[cfg(feature = "mock")]
pub mod mock;

pub use model::Api;
pub use spec::{Document, LoadOptions, SpecError};
