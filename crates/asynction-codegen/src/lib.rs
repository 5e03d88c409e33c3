//! Code generators driven by an AsyncAPI document, read through [`asynction_spec`].
//!
//! Generators read the version-free model only (no server stack in this crate's dependency
//! tree); what they write targets the `asynction` framework or a client library.
//!
//! | module | writes |
//! |---|---|
//! | [`scaffold`] | a Cargo project of an asynction server: handler stubs, payload types, tests |
#![warn(missing_docs)]

pub mod scaffold;
