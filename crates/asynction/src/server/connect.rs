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
use super::runtime::NamespaceRuntime;
use crate::observe::{ConnectFrame, ConnectStage, RecoveryOutcome, SocketInfo};
use crate::recovery::{self, Membership, OPTED_IN};
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
    // Recovery's keys are read here and removed from what everything else sees.
    let engine = nsh.runtime.rt.recovery.clone();
    let recovery_auth = match &engine {
        Some(_) if auth.as_ref().is_some_and(|a| a.get("pid").is_some()) => auth.clone(),
        _ => None,
    };
    let auth = recovery::without_recovery_keys(auth);
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
    // Opted in: the session to resume (or a new one) before the connect handler runs, so it
    // sees `Recovered` and the restored rooms.
    let member = match &engine {
        Some(e) => e.opt_in(&ns_path, recovery_auth.as_ref()).await,
        None => None,
    };
    if let (Some(member), Some(engine)) = (&member, &engine) {
        s.extensions.insert(Membership(member.clone()));
        s.join(OPTED_IN);
        engine.joined();
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
        let verdict = match run_handler(handler, ctx, &ns_path, "connect").await {
            Ok(Reply::Refuse(message)) => refused(ConnectRefusal::handler(message)),
            Ok(_) => Ok(()),
            Err(e) => refused(ConnectRefusal::code_only(e.code)),
        };
        if verdict.is_err() {
            // A refused client keeps its session for its next attempt.
            if let (Some(engine), Some(member)) = (&engine, &member) {
                recovery::refused(engine, member).await;
            }
            return verdict;
        }
        s.extensions.insert(PendingEmits(deferred));
    }
    Ok(())
}

/// After CONNECT: an opted-in client gets its session and what it missed (see
/// [`crate::recovery`]), and the observer learns how it went live; then the emits the connect
/// handler made (validated when it made them) are delivered.
pub(crate) async fn after_connect<S, A: Adapter>(nsr: &NamespaceRuntime<S, A>, s: &SocketRef<A>) {
    let membership = nsr
        .rt
        .recovery
        .as_ref()
        .zip(s.extensions.get::<Membership>());
    if let Some((engine, Membership(member))) = &membership {
        let went = match engine.shared() {
            Some(shared) => {
                recovery::go_live_shared(
                    engine,
                    shared.as_ref(),
                    &nsr.validators,
                    nsr.rt.validation,
                    s,
                    member,
                )
                .await
            }
            None => recovery::go_live(engine, &nsr.validators, nsr.rt.validation, s, member),
        };
        let outcome = match member.state().miss {
            Some(miss) => {
                tracing::debug!(
                    namespace = s.ns(),
                    reason = miss.as_str(),
                    "recovery missed: a new session"
                );
                RecoveryOutcome::Missed(miss)
            }
            None if went.recovered => {
                tracing::debug!(
                    namespace = s.ns(),
                    replayed = went.replayed,
                    "connection recovered"
                );
                RecoveryOutcome::Recovered {
                    replayed: went.replayed,
                }
            }
            None => RecoveryOutcome::New,
        };
        nsr.observer.went_live(&SocketInfo::of(s), outcome);
    }
    if let Some(PendingEmits(queue)) = s.extensions.get::<PendingEmits>() {
        let emits = std::mem::take(&mut *queue.lock().unwrap_or_else(|e| e.into_inner()));
        for (event, args) in emits {
            let sent = match &membership {
                Some((engine, Membership(member))) => {
                    recovery::send_to_member(engine, s, member, &event, &args)
                }
                None => s.emit(event.as_str(), &args.as_wire()),
            };
            if let Err(e) = sent {
                tracing::debug!(error = %e, "emit from the connect handler could not be delivered");
            }
        }
        s.extensions.remove::<PendingEmits>();
    }
}
