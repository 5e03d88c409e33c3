//! Compiled validators for every schema of a document: payloads, acks and handshake bindings
//! ([`NamespaceValidators::check_handshake`]).
//!
//! [`Validators::compile`] runs once at startup; each schema becomes a [`CompiledSchema`] and
//! an invalid schema is a startup error with its JSON pointer, never a runtime surprise.
//! Lookups on the event path are one hash probe per namespace and one per event.
//!
//! Compiling also checks every message example against its schemas ([`ExampleCheck`]): a
//! mismatch is an error in AsyncAPI 2.x documents and a warning ([`Validators::warnings`]) in
//! 3.x documents, as @asyncapi/parser judges them.

mod coerce;
mod cycles;
mod error;
mod examples;
mod handshake;
mod keywords;
mod namespaces;
mod outgoing;
pub(crate) mod schema;
mod validators;

pub use coerce::coerce_pairs;
pub use error::{Interaction, ValidationError, Violation};
pub use examples::ExampleCheck;
pub use handshake::ENGINE_IO_QUERY_PARAMS;
pub use schema::{CompiledSchema, InvalidSchema, self_contained};
pub use validators::{EventValidators, NamespaceValidators, Validators};

pub(crate) use namespaces::{NamespaceIndex, NamespacePatternError};
pub(crate) use outgoing::{CheckError, CheckedEvent};
