//! Where a check happens: the namespace being tested ([`Ns`]: concrete path, validators, the
//! valid handshake), the handshake one client makes ([`HandshakeData`]), the event under test
//! ([`Target`]) and what a check is about ([`Scope`]). Plain values every phase passes around;
//! this file depends on no other file of the engine.

use std::sync::Arc;
use std::time::Duration;

use asynction::model::{Event, Namespace};
use asynction::validate::{CompiledSchema, EventValidators, NamespaceValidators};
use asynction_client::Transport;
use serde_json::Value;

use crate::report::{Check, Failure, Phase};

/// The handshake one client makes: query parameters, headers (lower case) and the CONNECT
/// `auth` payload.
#[derive(Debug, Clone, Default)]
pub(super) struct HandshakeData {
    pub(super) query: Vec<(String, String)>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) auth: Option<Value>,
}

impl HandshakeData {
    pub(super) fn set_query(&mut self, k: &str, v: String) {
        self.query.retain(|(n, _)| n != k);
        self.query.push((k.to_owned(), v));
    }

    pub(super) fn set_header(&mut self, k: &str, v: String) {
        let k = k.to_ascii_lowercase();
        self.headers.retain(|(n, _)| *n != k);
        self.headers.push((k, v));
    }

    pub(super) fn set_auth(&mut self, k: &str, v: Value) {
        let mut obj = match self.auth.take() {
            Some(Value::Object(o)) => o,
            _ => serde_json::Map::new(),
        };
        obj.insert(k.to_owned(), v);
        self.auth = Some(Value::Object(obj));
    }
}

/// What a check is about: its phase, concrete namespace and event (`-` for handshakes).
#[derive(Clone, Copy)]
pub(super) struct Scope<'s> {
    pub(super) phase: Phase,
    pub(super) namespace: &'s str,
    pub(super) event: &'s str,
}

impl Scope<'_> {
    /// The check `name` of this scope, which took `duration`; `failure` is `None` when it passed.
    pub(super) fn check(self, name: String, duration: Duration, failure: Option<Failure>) -> Check {
        Check {
            phase: self.phase,
            namespace: self.namespace.to_owned(),
            event: self.event.to_owned(),
            name,
            duration,
            failure,
            warning: None,
        }
    }
}

/// A namespace being tested.
pub(super) struct Ns<'a> {
    /// Its index in the document's namespaces.
    pub(super) index: usize,
    pub(super) doc: &'a Namespace,
    /// The concrete path (`/tenant/7` for `/tenant/{id}`).
    pub(super) path: String,
    pub(super) validators: Arc<NamespaceValidators>,
    /// The handshake of a client that meets the bindings and security.
    pub(super) good: HandshakeData,
}

impl Ns<'_> {
    fn ingress(&self, event: &Event) -> Option<&EventValidators> {
        self.validators.ingress.get(&event.name)
    }

    /// The compiled payload schema of a client-sent event.
    pub(super) fn payload_schema(&self, event: &Event) -> Option<&CompiledSchema> {
        self.ingress(event).and_then(|v| v.payload.as_ref())
    }

    /// The compiled schema of the ack the server answers a client-sent event with.
    pub(super) fn ack_schema(&self, event: &Event) -> Option<&CompiledSchema> {
        self.ingress(event).and_then(|v| v.ack.as_ref())
    }
}

/// The event under test: where it is sent, and over which transport.
#[derive(Clone, Copy)]
pub(super) struct Target<'t> {
    pub(super) ns: &'t Ns<'t>,
    pub(super) event: &'t Event,
    pub(super) transport: Transport,
}

impl Target<'_> {
    pub(super) fn scope(&self, phase: Phase) -> Scope<'_> {
        Scope {
            phase,
            namespace: &self.ns.path,
            event: &self.event.name,
        }
    }
}
