//! Server-sent events: kept whenever a client reads during any phase (their ack requests
//! answered with generated acks), listened for at the end of each namespace, and judged after
//! the run: each must be a listed event of its namespace with arguments that validate. One
//! that arrives while a negative case is the latest input is judged at once, as that case's
//! possible consequence (`consequences`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use asynction::mock::FakeGenerator;
use asynction::validate::CompiledSchema;
use asynction_client::packet::{SocketPacketKind, encode_message};
use asynction_client::{Client, Incoming};

use super::args::validation_view;
use super::records::{Found, Received, violations_text};
use super::session::Session;
use super::target::{Ns, Scope};
use crate::report::{Failure, Phase, SeenBy, ViolationKind};

impl Session<'_> {
    /// Keeps a server-sent event for judging, answering its ack request. While a negative
    /// case is the latest input ([`Session::cause`]), an event that breaks the document is
    /// kept as its consequence instead.
    pub(super) async fn keep(
        &mut self,
        ns: &Ns<'_>,
        client: &mut Client,
        e: asynction_client::Event,
        seen_by: SeenBy,
    ) {
        if e.ack_id.is_some() {
            let key = (ns.index, e.name.clone());
            if !self.ack_generators.contains_key(&key) {
                let g = ns
                    .doc
                    .egress
                    .iter()
                    .find(|x| x.name == e.name)
                    .and_then(|x| x.ack.as_ref())
                    .and_then(|s| FakeGenerator::new(s, &self.doc.resolved, &[]).ok());
                self.ack_generators.insert(key.clone(), g);
            }
            let mut rng = self.rng(&format!("server ack {} {}", ns.path, e.name));
            let values =
                asynction::mock::fake_arguments(self.ack_generators[&key].as_ref(), &mut rng);
            let _ = client.ack(&e, values).await;
        }
        let received = Received {
            ns: ns.index,
            path: e.namespace.clone(),
            name: e.name.clone(),
            values: validation_view(&e.args),
            frame: encode_message(
                SocketPacketKind::Event,
                &e.namespace,
                e.ack_id,
                Some(&e.name),
                &e.args,
            ),
            seen_by,
        };
        if self.cause.is_some()
            && let Some((kind, message)) = self.judge_server_event(&received)
            && let Some(cause) = self.cause.clone()
        {
            self.found.push(Found {
                received,
                kind,
                message,
                after: cause.sent_at.elapsed(),
                cause,
            });
            return;
        }
        self.received.push(received);
    }

    /// Whether a server-sent event breaks the document: a kind and the message of the
    /// failure, `None` when it is a listed event of its namespace with valid arguments.
    pub(super) fn judge_server_event(&mut self, r: &Received) -> Option<(ViolationKind, String)> {
        let doc = self.doc;
        let ns = &doc.api.namespaces[r.ns];
        if !ns.egress.iter().any(|e| e.name == r.name) {
            let listed = if ns.egress.is_empty() {
                "nothing".to_owned()
            } else {
                ns.egress
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            return Some((
                ViolationKind::UndeclaredEvent,
                format!(
                    "the server emitted '{}' on {}, which the document does not list (it lists: {listed})",
                    r.name, r.path
                ),
            ));
        }
        // Several messages may share a name: one schema that validates is enough.
        let mut errors = Vec::new();
        for (i, c) in ns
            .egress
            .iter()
            .enumerate()
            .filter(|(_, e)| e.name == r.name)
        {
            let schema = self.egress_schemas.entry((r.ns, i)).or_insert_with(|| {
                c.payload
                    .as_ref()
                    .and_then(|p| CompiledSchema::compile(p, &doc.resolved).ok())
            });
            match schema.as_ref().map(|v| v.validate_args(&r.values)) {
                Some(Ok(())) | None => return None,
                Some(Err(vs)) => errors.push(violations_text(&vs)),
            }
        }
        Some((
            ViolationKind::InvalidServerEvent,
            format!(
                "the server emitted '{}' with arguments that do not validate: {}",
                r.name,
                errors.join(" | ")
            ),
        ))
    }

    /// Takes what already arrived on `client` without waiting; `false` when the client was
    /// dropped.
    pub(super) async fn drain(&mut self, ns: &Ns<'_>, client: &mut Client) -> bool {
        loop {
            match client.next(Duration::ZERO).await {
                Ok(Incoming::Event(e)) => self.keep(ns, client, e, SeenBy::Sender).await,
                Ok(Incoming::Disconnect { .. }) => return false,
                Err(e) => return e.is_timeout(),
            }
        }
    }

    /// Waits a short while for a disconnect; `Some(reason)` when the client was dropped.
    pub(super) async fn grace(&mut self, ns: &Ns<'_>, client: &mut Client) -> Option<String> {
        let deadline = Instant::now() + self.opts.timeout.min(Duration::from_millis(100));
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match client.next(left).await {
                Ok(Incoming::Event(e)) => self.keep(ns, client, e, SeenBy::Sender).await,
                Ok(Incoming::Disconnect { .. }) => {
                    return Some("namespace disconnected by the server".into());
                }
                Err(e) if e.is_timeout() => return None,
                Err(e) => return Some(e.to_string()),
            }
        }
    }
}

/// The listen phase: one client connected for [`crate::Options::listen`], keeping what comes.
pub(super) async fn run(s: &mut Session<'_>, ns: &Ns<'_>) {
    if s.opts.listen.is_zero() {
        return;
    }
    let t = s.first_transport();
    let Ok(mut client) = s.connect(ns, &ns.good, t).await else {
        return;
    };
    let deadline = Instant::now() + s.opts.listen;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match client.next(left).await {
            Ok(Incoming::Event(e)) => s.keep(ns, &mut client, e, SeenBy::Sender).await,
            _ => break,
        }
    }
    let _ = client.close().await;
}

/// Judges every server-sent event kept during the run, one check each.
pub(super) fn judge_received(s: &mut Session<'_>) {
    let received = std::mem::take(&mut s.received);
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    for r in received {
        let n = counts.entry((r.path.clone(), r.name.clone())).or_default();
        *n += 1;
        let started = Instant::now();
        let failure = s
            .judge_server_event(&r)
            .map(|(kind, message)| Failure::new(kind, message).with_args(r.values.clone()));
        let scope = Scope {
            phase: Phase::Listen,
            namespace: &r.path,
            event: &r.name,
        };
        let check = scope.check(format!("server event #{n}"), started.elapsed(), failure);
        s.record(check);
    }
}
