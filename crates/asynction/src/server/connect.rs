//! Accepting a connection: security, handshake bindings
//! ([`NamespaceValidators::check_handshake`](crate::validate::NamespaceValidators::check_handshake)),
//! then the namespace's `connect` handler — in that order (an unauthenticated client learns
//! nothing about the handshake schema), all before socketioxide sends CONNECT, so any of them
//! can still refuse with a `connect_error`. Bindings are always checked when validation is on
//! (the original skipped them unless a connect handler existed).

use std::sync::Arc;

use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::SocketRef;

use super::context::{ConnectAuth, HandlerContext};
use super::emit::Deferred;
use super::handler::{NamespaceHandlers, Reply, run_handler};
use super::reply::ConnectRefusal;
use crate::observe::{ConnectFrame, ConnectStage};
use crate::security::HandshakeRequest;
use crate::wire::Args;

/// Emits made by the connect handler, delivered once the client is connected.
#[derive(Clone)]
pub(crate) struct PendingEmits(pub Deferred);

/// The connect middleware: every check that may refuse the connection.
pub(crate) async fn accept<S: Clone + Send + Sync + 'static, A: Adapter>(
    nsh: Arc<NamespaceHandlers<S, A>>,
    s: SocketRef<A>,
    auth: Option<Value>,
) -> Result<(), ConnectRefusal> {
    let ns_path = s.ns().to_owned();
    // Security first: an unauthenticated client learns nothing about the handshake schema.
    let request = HandshakeRequest {
        headers: &s.req_parts().headers,
        uri: &s.req_parts().uri,
        auth: auth.as_ref(),
    };
    let nsr = &nsh.runtime;
    nsr.observer.connecting(&ConnectFrame {
        id: s.id,
        path: &ns_path,
        headers: request.headers,
        uri: request.uri,
        auth: request.auth,
    });
    match nsr
        .rt
        .authenticator
        .authenticate(&nsr.doc_path, &request)
        .await
    {
        Ok(Some(info)) => {
            s.extensions.insert(info);
        }
        Ok(None) => {}
        Err(refusal) => {
            nsr.observer.refused(ConnectStage::Security, refusal.code());
            tracing::debug!(namespace = %ns_path, code = refusal.code().as_str(), "connection refused by security");
            return Err(refusal.into());
        }
    }
    if nsr.rt.validation
        && let Err(e) = nsr.validators.check_handshake(&ns_path, s.req_parts())
    {
        let refusal = ConnectRefusal::handshake(&e);
        nsr.observer.refused(ConnectStage::Bindings, refusal.code());
        tracing::debug!(namespace = %ns_path, code = refusal.code().as_str(), reason = refusal.details().unwrap_or_default(), "handshake refused");
        return Err(refusal);
    }
    if let Some(auth) = &auth {
        s.extensions.insert(ConnectAuth(auth.clone()));
    }
    if let Some(handler) = &nsh.connect {
        let deferred: Deferred = Default::default();
        let mut ctx = HandlerContext::new(nsr.clone(), s.clone(), None, Args::default());
        ctx.deferred = Some(deferred.clone());
        ctx.auth = auth;
        let refused = |refusal: ConnectRefusal| {
            nsr.observer
                .refused(ConnectStage::ConnectHandler, refusal.code());
            Err(refusal)
        };
        match run_handler(handler, ctx, &ns_path, "connect").await {
            Ok(Reply::Refuse(message)) => return refused(ConnectRefusal::handler(message)),
            Ok(_) => {}
            Err(e) => return refused(ConnectRefusal::code_only(e.code)),
        }
        s.extensions.insert(PendingEmits(deferred));
    }
    Ok(())
}

/// After CONNECT: delivers the emits the connect handler made (validated when it made them).
pub(crate) fn deliver_pending_emits<A: Adapter>(s: &SocketRef<A>) {
    if let Some(PendingEmits(queue)) = s.extensions.get::<PendingEmits>() {
        let emits = std::mem::take(&mut *queue.lock().unwrap_or_else(|e| e.into_inner()));
        for (event, args) in emits {
            if let Err(e) = s.emit(event.as_str(), &args.as_wire()) {
                tracing::debug!(error = %e, "emit from the connect handler could not be delivered");
            }
        }
        s.extensions.remove::<PendingEmits>();
    }
}
