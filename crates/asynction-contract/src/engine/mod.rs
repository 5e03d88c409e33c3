//! The run: per namespace, handshake checks, valid events, negative cases, listening; then every
//! server-sent event validated.
//!
//! This file holds the order of the phases only, and the first contact: whether the server is
//! reachable, and which refusal rules apply ([`crate::refusals`]: the `Server` header of the
//! Engine.IO handshake). What the phases share (options, the client factory, seeded
//! generators, the checks and server-sent events found so far) is the [`session::Session`];
//! each phase is a module with a `run` function: `handshake`, `events`, `negative`, `listen`
//! (which also keeps and judges server-sent events), `recovery` (only when the document
//! declares connection state recovery). `cases` is one case of an event (sent,
//! answered, judged, recorded), `consequences` ties server events to the negative case just
//! before them, `shrink` reduces a failing input, `args` puts schema instances on the wire,
//! `namespace` makes a namespace ready (concrete path, the valid handshake with credentials).
//! The values they pass each other sit below them all, so no two files import each other:
//! `target` (where a check happens: `Ns`, `HandshakeData`, `Target`, `Scope`) and `records`
//! (what is sent and seen: cases, answers, causes, received events, shrinking symptoms).

mod args;
mod cases;
mod consequences;
mod events;
mod handshake;
mod listen;
mod namespace;
mod negative;
mod records;
mod recovery;
mod session;
mod shrink;
mod target;

use std::time::Instant;

use asynction::Document;
use asynction_client::Error as ClientError;

use crate::refusals::RefusalRules;
use crate::report::{Check, Phase, Report};
use crate::{ContractError, Options};
use session::Session;
use target::HandshakeData;

/// Runs every selected phase against the server at `opts.url` and returns what they found.
pub(crate) async fn run(
    doc: &Document,
    opts: &Options,
    progress: &mut dyn FnMut(&Check),
) -> Result<Report, ContractError> {
    let mut s = Session::new(doc, opts, progress)?;
    let started = Instant::now();
    let server = match s
        .builder(&HandshakeData::default(), s.first_transport())
        .engine()
        .await
    {
        Ok(engine) => {
            let server = engine
                .response_headers()
                .get(http::header::SERVER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let _ = engine.close().await;
            server
        }
        Err(e @ (ClientError::Io(_) | ClientError::InvalidUrl { .. })) => {
            return Err(ContractError::Unreachable(format!("{}: {e}", opts.url)));
        }
        // Refused at the Engine.IO level (a proxy asking for credentials, polling turned
        // off): the phases report what matters; the server stays unidentified.
        Err(_) => None,
    };
    s.rules = RefusalRules::choose(opts.refusals, server.as_deref());
    for (index, ns_doc) in doc.api.namespaces.iter().enumerate() {
        if !opts.namespaces.is_empty() && !opts.namespaces.contains(&ns_doc.path) {
            continue;
        }
        let ns = s.prepare(index, ns_doc)?;
        if s.phase_on(Phase::Handshake) {
            handshake::run(&mut s, &ns).await;
        }
        if s.phase_on(Phase::Events) {
            for t in opts.transports.clone() {
                events::run(&mut s, &ns, t).await;
            }
        }
        if s.phase_on(Phase::Negative) {
            negative::run(&mut s, &ns).await;
        }
        if s.phase_on(Phase::Listen) {
            listen::run(&mut s, &ns).await;
        }
        if s.phase_on(Phase::Recovery) {
            recovery::run(&mut s, &ns).await;
        }
    }
    listen::judge_received(&mut s);
    let refusals = s.rules.clone();
    Ok(Report {
        seed: opts.seed,
        title: doc.api.info.title.clone(),
        checks: s.into_checks(),
        refusals,
        duration: started.elapsed(),
    })
}
