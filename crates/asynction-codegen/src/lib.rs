//! Code generators driven by an AsyncAPI document, read through [`asynction_spec`].
//!
//! Generators read the version-free model only (no server stack in this crate's dependency
//! tree); what they write targets the `asynction` framework or a client library.
//!
//! | module | writes |
//! |---|---|
//! | [`scaffold`] | a Cargo project of an asynction server: handler stubs, payload types, tests |
//! | [`typescript`] | an npm package: a typed Socket.IO client (types, `connect`, optional zod checks) |
//! | [`python`] | a pip package: pydantic models and a typed python-socketio client (asyncio and sync) |

mod naming;
mod package;
pub mod python;
mod recovery;
pub mod scaffold;
mod types;
pub mod typescript;

pub use package::{Ecosystem, GenerateError, Package};
