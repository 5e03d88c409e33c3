//! What every phase shares: the document and options, the client factory, the seeded random
//! generators, and what the run has found so far (checks, server-sent events, shrunk values).

use std::collections::HashMap;

use asynction::Document;
use asynction::mock::FakeGenerator;
use asynction::model::{Event, Namespace};
use asynction::validate::{CompiledSchema, Validators};
use asynction_client::{Client, ClientBuilder, Error as ClientError, Transport};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::Value;

use super::records::{Cause, Found, Received};
use super::target::{HandshakeData, Ns};
use crate::refusals::RefusalRules;
use crate::report::{Check, Phase, ViolationKind};
use crate::{ContractError, Options};

/// Which failing value a shrunk value stands for: namespace index, event, violation, and the
/// negative case's label (empty for valid cases; with the server event's name for a
/// consequence).
pub(super) type ShrinkKey = (usize, String, ViolationKind, String);

/// One run's shared state: what every phase reads (document, options, validators, the
/// Socket.IO path, the refusal rules) and what they add to (checks, server-sent events, ack
/// generators, shrunk values, consequences of negative cases).
pub(super) struct Session<'a> {
    pub(super) doc: &'a Document,
    pub(super) opts: &'a Options,
    pub(super) validators: Validators,
    /// The Socket.IO path every client uses.
    pub(super) sio_path: String,
    /// The rules invalid events are judged by (chosen once the server answered).
    pub(super) rules: RefusalRules,
    /// Another client of the namespace under test, connected during the negative phase:
    /// what the server relays or broadcasts to others arrives there.
    pub(super) bystander: Option<Client>,
    /// The negative case sent last, while one is: server events that arrive before the next
    /// input and break the document are its consequences.
    pub(super) cause: Option<Cause>,
    /// Inputs of the negative phase so far (numbers each [`Cause`]).
    pub(super) causes: u64,
    /// The number of the latest negative case sent (not a shrinking attempt).
    pub(super) last_case: Option<u64>,
    /// Consequences found and not yet recorded.
    pub(super) found: Vec<Found>,
    /// The check of the latest input when it passed with a warning that a late consequence
    /// would take back (see `Session::settle`), with its cause's number.
    pub(super) pending: Option<(u64, Check)>,
    /// Compiled payload schemas of server-sent events, per (namespace index, index among the
    /// namespace's server-sent events).
    pub(super) egress_schemas: HashMap<(usize, usize), Option<CompiledSchema>>,
    checks: Vec<Check>,
    progress: &'a mut dyn FnMut(&Check),
    /// Server-sent events kept for judging at the end.
    pub(super) received: Vec<Received>,
    /// Generators of the acks clients answer server-sent events with, per (namespace, event).
    pub(super) ack_generators: HashMap<(usize, String), Option<FakeGenerator>>,
    /// The first shrunk value per [`ShrinkKey`]: later failures of the same kind reuse it
    /// instead of shrinking again.
    pub(super) shrunk: HashMap<ShrinkKey, Vec<Value>>,
}

impl<'a> Session<'a> {
    /// Compiles the document's validators and checks the options against the document.
    pub(super) fn new(
        doc: &'a Document,
        opts: &'a Options,
        progress: &'a mut dyn FnMut(&Check),
    ) -> Result<Session<'a>, ContractError> {
        let validators =
            Validators::compile(doc).map_err(|e| ContractError::Document(e.to_string()))?;
        let sio_path = match (&opts.path, &opts.server) {
            (Some(p), _) => p.clone(),
            (None, Some(name)) => doc
                .api
                .server(name)
                .ok_or_else(|| {
                    ContractError::Usage(format!("the document has no server '{name}'"))
                })?
                .socketio_path
                .clone(),
            (None, None) => "/socket.io".to_owned(),
        };
        for ns in &opts.namespaces {
            if doc.api.namespace(ns).is_none() {
                return Err(ContractError::Usage(format!(
                    "the document has no namespace '{ns}' (it has: {})",
                    doc.api
                        .namespaces
                        .iter()
                        .map(|n| n.path.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        Ok(Session {
            doc,
            opts,
            validators,
            sio_path,
            rules: RefusalRules::choose(opts.refusals, None),
            bystander: None,
            cause: None,
            causes: 0,
            last_case: None,
            found: Vec::new(),
            pending: None,
            egress_schemas: HashMap::new(),
            checks: Vec::new(),
            progress,
            received: Vec::new(),
            ack_generators: HashMap::new(),
            shrunk: HashMap::new(),
        })
    }

    /// Every check recorded, in run order.
    pub(super) fn into_checks(self) -> Vec<Check> {
        self.checks
    }

    pub(super) fn phase_on(&self, p: Phase) -> bool {
        (self.opts.only.is_empty() || self.opts.only.contains(&p))
            && (p != Phase::Negative || self.opts.negative)
    }

    /// Records a check and reports it to the progress callback.
    pub(super) fn record(&mut self, check: Check) {
        (self.progress)(&check);
        self.checks.push(check);
    }

    /// A generator seeded by the run's seed and `label`: the same label replays the same values.
    pub(super) fn rng(&self, label: &str) -> StdRng {
        StdRng::seed_from_u64(label_seed(self.opts.seed, label))
    }

    /// The transport the phases that run once use: the first one asked for.
    pub(super) fn first_transport(&self) -> Transport {
        self.opts
            .transports
            .first()
            .copied()
            .unwrap_or(Transport::Websocket)
    }

    /// The client-sent events of a namespace the options select.
    pub(super) fn events_of<'n>(&self, ns: &'n Namespace) -> Vec<&'n Event> {
        ns.ingress
            .iter()
            .filter(|e| self.opts.events.is_empty() || self.opts.events.contains(&e.name))
            .collect()
    }

    pub(super) fn builder(&self, hs: &HandshakeData, transport: Transport) -> ClientBuilder {
        let mut b = ClientBuilder::new(self.opts.url.clone())
            .path(self.sio_path.clone())
            .transport(transport)
            .timeout(self.opts.timeout);
        for (k, v) in &hs.query {
            b = b.query(k, v);
        }
        for (k, v) in &hs.headers {
            b = b.header(k, v);
        }
        if let Some(auth) = &hs.auth {
            b = b.auth(auth.clone());
        }
        b
    }

    pub(super) async fn connect(
        &self,
        ns: &Ns<'_>,
        hs: &HandshakeData,
        transport: Transport,
    ) -> Result<Client, ClientError> {
        self.builder(hs, transport).connect(&ns.path).await
    }
}

/// Why a client could not connect to a namespace, in words: a namespace the server does not
/// have (socket.io and socketioxide answer `Invalid namespace`), a refusal with the server's
/// message (and its `data`), or the client's own error.
pub(super) fn connect_failure(e: &ClientError) -> String {
    match e {
        ClientError::ConnectError {
            namespace, message, ..
        } if message == "Invalid namespace" => format!(
            "the namespace {namespace} does not exist on this server (it answered \"Invalid namespace\")"
        ),
        ClientError::ConnectError {
            namespace,
            message,
            data,
        } => {
            let details = data
                .get("data")
                .filter(|d| !d.is_null())
                .map(|d| format!(" (data: {d})"))
                .unwrap_or_default();
            format!(
                "the server refused the connection to namespace {namespace}: \"{message}\"{details}"
            )
        }
        other => other.to_string(),
    }
}

fn label_seed(seed: u64, label: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

pub(super) fn transport_name(t: Transport) -> &'static str {
    match t {
        Transport::Polling => "polling",
        _ => "websocket",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{ClientError, connect_failure};

    #[test]
    fn connect_failures_say_what_happened() {
        let refused = |message: &str, data| ClientError::ConnectError {
            namespace: "/admin".to_owned(),
            message: message.to_owned(),
            data,
        };
        assert_eq!(
            connect_failure(&refused(
                "Invalid namespace",
                json!({"message": "Invalid namespace"})
            )),
            "the namespace /admin does not exist on this server (it answered \"Invalid namespace\")"
        );
        assert_eq!(
            connect_failure(&refused(
                "unauthorized",
                json!({"message": "unauthorized", "data": {"code": "unauthorized"}})
            )),
            "the server refused the connection to namespace /admin: \"unauthorized\" (data: {\"code\":\"unauthorized\"})"
        );
        assert_eq!(connect_failure(&ClientError::Closed), "connection closed");
    }
}
