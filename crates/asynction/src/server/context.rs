//! What a handler call can see: the socket, the state, the arguments, the error being handled.
//!
//! The context holds the namespace's shared runtime and the raw socket; extractors build what
//! they are asked for (a [`ValidatedSocket`], the state, the io handle) only when a handler takes
//! it, so a handler that takes nothing costs no clones on the event path.

use std::sync::Arc;

use serde_json::Value;
use socketioxide::adapter::{Adapter, LocalAdapter};
use socketioxide::extract::SocketRef;
use socketioxide::socket::DisconnectReason;

use super::emit::{Deferred, ValidatedIo, ValidatedSocket};
use super::reply::EventError;
use super::runtime::NamespaceRuntime;
use crate::wire::Args;

/// The CONNECT `auth` payload, kept in the socket's extensions for the handlers that run after
/// the connection was accepted.
#[derive(Debug, Clone)]
pub(crate) struct ConnectAuth(pub Value);

/// Everything one handler call may extract from. Built by the dispatcher; extractors take
/// what they need from it.
pub struct HandlerContext<S, A: Adapter = LocalAdapter> {
    pub(crate) runtime: Arc<NamespaceRuntime<S, A>>,
    pub(crate) socket: SocketRef<A>,
    pub(crate) deferred: Option<Deferred>,
    pub(crate) event: Option<String>,
    pub(crate) args: Args,
    pub(crate) auth: Option<Value>,
    pub(crate) error: Option<EventError>,
    pub(crate) disconnect_reason: Option<DisconnectReason>,
}

impl<S, A: Adapter> HandlerContext<S, A> {
    /// A context for `socket` in the namespace `runtime` serves.
    pub(crate) fn new(
        runtime: Arc<NamespaceRuntime<S, A>>,
        socket: SocketRef<A>,
        event: Option<String>,
        args: Args,
    ) -> Self {
        Self {
            runtime,
            socket,
            deferred: None,
            event,
            args,
            auth: None,
            error: None,
            disconnect_reason: None,
        }
    }

    /// The client's socket with validated emits.
    pub(crate) fn validated_socket(&self) -> ValidatedSocket<A> {
        ValidatedSocket {
            inner: self.socket.clone(),
            ns: self.runtime.validators.clone(),
            rt: self.runtime.rt.clone(),
            deferred: self.deferred.clone(),
        }
    }

    /// The server handle with validated emits.
    pub(crate) fn validated_io(&self) -> ValidatedIo<A> {
        ValidatedIo {
            io: self.runtime.io.clone(),
            rt: self.runtime.rt.clone(),
        }
    }

    /// The CONNECT `auth` payload: given directly to a connect handler, read back from the
    /// socket's extensions by the handlers that run later.
    pub(crate) fn connect_auth(&self) -> Option<Value> {
        self.auth
            .clone()
            .or_else(|| self.socket.extensions.get::<ConnectAuth>().map(|a| a.0))
    }
}
