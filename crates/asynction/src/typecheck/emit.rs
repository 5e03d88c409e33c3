//! Typed emits: a Rust type tied to one server event of the document ([`ServerEvent`]), sent
//! with `send` on the validated emit handles, and — with the `schemars` feature — declared on
//! the builder (`.emits::<T>()`) so the check compares its schema with the event's payload
//! schema. The trait and `send` need no feature (a typed emit is useful on its own, and a type
//! need not implement `JsonSchema` to be sent), so enabling `schemars` breaks no emit.

use serde::Serialize;
use socketioxide::adapter::Adapter;

#[cfg(feature = "schemars")]
use super::describe::TypeSchema;
use crate::{EmitError, ValidatedBroadcast, ValidatedIo, ValidatedSocket};

/// A Rust type that is the payload of one server-sent event of the document: its namespace (as
/// the document writes it) and its name. Implement it by hand or with
/// [`server_event!`](crate::server_event).
///
/// ```
/// use asynction::typecheck::ServerEvent;
///
/// #[derive(serde::Serialize)]
/// struct UserJoined { username: String }
///
/// impl ServerEvent for UserJoined {
///     const NAMESPACE: &'static str = "/";
///     const EVENT: &'static str = "user joined";
/// }
/// ```
pub trait ServerEvent: Serialize {
    /// The document namespace that sends it (`/chat`, or a pattern such as `/tenant/{id}`).
    const NAMESPACE: &'static str;
    /// The event name.
    const EVENT: &'static str;
}

/// Implements [`ServerEvent`](crate::typecheck::ServerEvent) for a type:
/// `server_event!(Type, "/namespace", "event name")`.
///
/// ```
/// #[derive(serde::Serialize)]
/// #[serde(rename_all = "lowercase")]
/// enum Metrics { Signup, Login }
///
/// asynction::server_event!(Metrics, "/admin", "metrics");
/// ```
#[macro_export]
macro_rules! server_event {
    ($ty:ty, $namespace:expr, $event:expr $(,)?) => {
        impl $crate::typecheck::ServerEvent for $ty {
            const NAMESPACE: &'static str = $namespace;
            const EVENT: &'static str = $event;
        }
    };
}

/// A typed emit declared on the builder: what the check compares.
#[cfg(feature = "schemars")]
#[derive(Debug, Clone)]
pub(crate) struct EmitType {
    pub namespace: &'static str,
    pub event: &'static str,
    pub schema: TypeSchema,
}

#[cfg(feature = "schemars")]
impl EmitType {
    pub(crate) fn of<E: ServerEvent + schemars::JsonSchema>() -> Self {
        EmitType {
            namespace: E::NAMESPACE,
            event: E::EVENT,
            schema: TypeSchema::serialized::<E>(),
        }
    }
}

impl<A: Adapter> ValidatedSocket<A> {
    /// Emits the server event `E` to this client ([`ValidatedSocket::emit`] of
    /// `E::EVENT`, validated the same way), or [`EmitError::OtherNamespace`] when the socket
    /// is not in `E::NAMESPACE`. With the `schemars` feature, declare `E` on the builder with
    /// `.emits::<E>()` so the check compares it with the document.
    pub fn send<E: ServerEvent>(&self, event: &E) -> Result<(), EmitError> {
        same_namespace::<E>(self.rt.namespaces.document_path(self.ns()), self.ns())?;
        self.emit(E::EVENT, event)
    }
}

impl<A: Adapter> ValidatedBroadcast<A> {
    /// Emits the server event `E` to every selected client ([`ValidatedBroadcast::emit`] of
    /// `E::EVENT`), or [`EmitError::OtherNamespace`] when they are not in `E::NAMESPACE`.
    pub async fn send<E: ServerEvent>(self, event: &E) -> Result<(), EmitError> {
        same_namespace::<E>(
            self.rt.namespaces.document_path(&self.ns_path),
            &self.ns_path,
        )?;
        self.emit(E::EVENT, event).await
    }
}

/// The document namespace of a target (`document`, else its concrete path) is `E`'s.
fn same_namespace<E: ServerEvent>(document: Option<&str>, concrete: &str) -> Result<(), EmitError> {
    let target = document.unwrap_or(concrete);
    if target == E::NAMESPACE {
        Ok(())
    } else {
        Err(EmitError::OtherNamespace {
            event: E::EVENT.to_owned(),
            declared: E::NAMESPACE.to_owned(),
            target: target.to_owned(),
        })
    }
}

impl<A: Adapter> ValidatedIo<A> {
    /// Emits the server event `E` to every client of its namespace `E::NAMESPACE` (a static
    /// one; for a concrete path of a dynamic namespace use [`ValidatedIo::of`] and
    /// [`ValidatedBroadcast::send`]).
    pub async fn send<E: ServerEvent>(&self, event: &E) -> Result<(), EmitError> {
        self.of(E::NAMESPACE)?.emit(E::EVENT, event).await
    }
}
