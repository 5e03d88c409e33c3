#![doc = include_str!("../../../README.md")]

// Test code shared with the integration tests names the crate `asynction`.
#[cfg(test)]
extern crate self as asynction;

// The framework's layers, private: what users need is re-exported below, each item under one
// path (see ARCHITECTURE.md, "One path per public item").
mod built_in;
mod observe;
mod plugin;
mod refusal;
mod server;
mod wire;

#[cfg(feature = "msgpack")]
mod msgpack;

// Groups with their own vocabulary: each module's body declares private stages and re-exports
// a curated list.
pub mod docs;
pub mod lifecycle;
pub mod lint;
pub mod recovery;
pub mod security;
pub mod typecheck;
pub mod validate;

#[cfg(feature = "redis")]
pub mod cluster;
#[cfg(feature = "metrics")]
pub mod metrics;
#[cfg(feature = "mock")]
pub mod mock;
#[cfg(feature = "otel")]
pub mod otel;

/// The AsyncAPI document model, from [`asynction_spec`]: what a loaded document says, version-free.
pub use asynction_spec::model;

// Loading a document.
pub use asynction_spec::{
    Diagnostic, Document, LoadOptions, Location, Severity, SpecError, UnknownServer,
};

// Building and serving a server.
pub use server::{
    Asynction, AsynctionSocketIo, AsynctionWithState, BuildError, NoState, RouteError,
};

// Handlers, their arguments and their replies.
pub use server::{
    Ack, AuthPayload, BoxFuture, EventName, ExtractError, FromContext, Handler, HandlerContext,
    IntoReply, Payload, Recovered, Reply, State,
};
pub use wire::Args;

// Validated emits.
pub use server::{
    AckFailure, EmitError, SendFailure, ValidatedBroadcast, ValidatedIo, ValidatedSocket,
};

// What clients are refused with.
pub use refusal::{RefusalCode, UnknownRefusalCode};
pub use server::{ConnectRefusal, EventError};

// What one client may send.
pub use server::{
    DEFAULT_MAX_BINARY_ATTACHMENTS, DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_PAYLOAD, HeaderLimit,
    HeaderLimitLayer, Limits,
};
pub use validate::schema::DEFAULT_MAX_DEPTH;

// How a server names itself (`Server: asynction/VERSION`).
pub use server::{SERVER_PRODUCT, identify_layer, server_header};

/// socketioxide's adapter trait: handlers generic over `A: Adapter` serve a single process and
/// a cluster alike.
pub use socketioxide::adapter::Adapter;
/// Why a client left (what a `disconnect` handler may take).
pub use socketioxide::socket::DisconnectReason;

/// Crate-internal name for the document crate, so that `crate::spec::…` reads as one layer.
use asynction_spec as spec;
