//! The run: per namespace, handshake checks, valid events, negative cases, listening; then every
//! server-sent event validated.
//!
//! This file holds the order of the phases only. What they share (options, the client
//! factory, seeded generators, the checks and server-sent events found so far) is the
//! [`session::Session`]; each phase is a module with a `run` function: `handshake`, `events`,
//! `negative`, `listen` (which also keeps and judges server-sent events). `cases` is one case
//! of an event (sent, answered, judged, recorded), `shrink` reduces a failing one, `args` puts
//! schema instances on the wire, `namespace` makes a namespace ready (concrete path, the valid
//! handshake with credentials).

mod args;
mod cases;
mod events;
mod handshake;
mod listen;
mod namespace;
mod negative;
mod session;
mod shrink;

use std::time::Instant;

use asynction::Document;
use asynction_client::{Error as ClientError, Transport};

use crate::report::{Check, Phase, Report};
use crate::{ContractError, Options};
use session::{HandshakeData, Session};

/// Runs every selected phase against the server at `opts.url` and returns what they found.
pub(crate) async fn run(
    doc: &Document,
    opts: &Options,
    progress: &mut dyn FnMut(&Check),
) -> Result<Report, ContractError> {
    let mut s = Session::new(doc, opts, progress)?;
    let started = Instant::now();
    if let Err(e) = s
        .builder(&HandshakeData::default(), Transport::Polling)
        .engine()
        .await
        && matches!(e, ClientError::Io(_) | ClientError::InvalidUrl { .. })
    {
        return Err(ContractError::Unreachable(format!("{}: {e}", opts.url)));
    }
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
    }
    listen::judge_received(&mut s);
    Ok(Report {
        seed: opts.seed,
        title: doc.api.info.title.clone(),
        checks: s.into_checks(),
        duration: started.elapsed(),
    })
}
