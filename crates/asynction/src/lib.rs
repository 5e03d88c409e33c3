#![doc = include_str!("../../../README.md")]
#![warn(missing_docs)]

// Test code shared with the integration tests names the crate `asynction`.
#[cfg(test)]
extern crate self as asynction;

pub mod docs;
#[cfg(feature = "msgpack")]
mod msgpack;
pub mod observe;
mod plugin;
pub mod refusal;
pub mod security;
pub mod server;
pub mod validate;
mod wire;

#[cfg(feature = "mock")]
pub mod mock;

#[cfg(feature = "redis")]
pub mod cluster;

/// OpenTelemetry export of the connection and event spans over OTLP (feature `otel`).
#[cfg(feature = "otel")]
pub mod otel {
    pub use crate::observe::otel::*;
}

/// The AsyncAPI document model, from [`asynction_spec`]: what a loaded document says, version-free.
pub use asynction_spec::model;

// What a server needs, in one list: `use asynction::{AsynctionSocketIo, Payload, Ack};`. The
// modules hold the rest (limits, replies, the security credential types, docs options…).
pub use asynction_spec::{Api, Diagnostic, Document, LoadOptions, Location, Severity, SpecError};
#[cfg(feature = "mock")]
pub use mock::{MockOptions, MockServer};
pub use security::{Refusal, SecurityHandlers, SecurityInfo};
pub use server::{
    Ack, Adapter, Args, Asynction, AsynctionSocketIo, AsynctionWithState, AuthPayload, BuildError,
    DisconnectReason, EmitError, EventError, EventName, Payload, RefusalCode, Reply, RouteError,
    State, ValidatedBroadcast, ValidatedIo, ValidatedSocket,
};
pub use validate::ValidationError;

/// Crate-internal name for the document crate, so that `crate::spec::…` reads as one layer.
use asynction_spec as spec;
