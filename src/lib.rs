#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod docs;
pub mod model;
pub mod security;
pub mod server;
pub mod spec;
pub mod validate;

#[cfg(feature = "mock")]
pub mod mock;

#[cfg(feature = "scaffold")]
pub mod scaffold;

#[cfg(feature = "redis")]
pub mod cluster;

pub use model::Api;
pub use spec::{Document, LoadOptions, SpecError};
