//! Property-based contract tests of any running Socket.IO server against its AsyncAPI document:
//! the engine behind `asynction test`, usable from a `#[tokio::test]`.
//!
//! For every namespace of the document (dynamic ones made concrete from parameter examples or
//! generated values) a run checks, with [`asynction_client`] over websocket and polling:
//!
//! 1. **Handshake** ([`Phase::Handshake`]): a client that meets the `bindings.ws` query and
//!    headers and the security requirements is accepted; one that breaks a binding (required
//!    parameter missing, wrong type, out of range, …) or brings no or malformed credentials to a
//!    secured namespace is refused (a `connect_error`, or an HTTP refusal). An answer that never
//!    comes is a violation too.
//! 2. **Events** ([`Phase::Events`]): each client-sent event's examples, then
//!    [`Options::examples`] values from the mock's seeded generator
//!    ([`asynction::mock::FakeGenerator`], every value schema-valid), sent with an ack requested
//!    when the document describes one: the ack must come within [`Options::timeout`] and
//!    validate; the connection must stay up. Spread argument lists and `format: binary`
//!    attachments included.
//! 3. **Negative cases** ([`Phase::Negative`]): schema mutations (wrong type, missing required
//!    property, out of range, broken pattern, extra property, wrong argument count), while
//!    another client stays connected to the namespace. What they must get depends on the
//!    [`Refusals`] rules (see [`mod@refusals`]): under the documented ones (the default), an
//!    event whose document declares an ack is sent with an ack request, which must be answered
//!    and never with an ack that validates as a success (or the server may drop the client); an
//!    event without one is sent without, and the server must keep the other client and break
//!    nothing — silence is a [`Warning`]. Under the strict ones (asynction's convention, the
//!    default against a server that identifies itself as asynction) every invalid event is sent
//!    with an ack request and must be answered. Either way a valid event on a fresh connection
//!    must still work afterwards, and a server event that breaks the document right after a
//!    case, on either client, fails as that case's consequence ([`Consequence`]: both frames, a
//!    two-step reproduction, the case's input shrunk).
//! 4. **Server-sent events** ([`Phase::Listen`]): everything the server emits during the run, and
//!    during [`Options::listen`] per namespace, must be a listed event of that namespace with
//!    valid arguments.
//! 5. **Recovery** ([`Phase::Recovery`]), only when the document declares connection state
//!    recovery (`x-socketio-recovery`, asynction's wire convention): opted-in clients get the
//!    `asynction:recovery` session and offsets on the server's own events; a client whose
//!    transport is dropped mid-run recovers its session and gets the events another client
//!    received meanwhile, once, in order, valid; a forged `pid` gets a new session. A server
//!    that sends nothing on its own leaves it unexercised: a [`Warning`].
//! 6. **Shrinking**: a failing generated value is shrunk to a smaller value that fails the same
//!    way, reported with a JavaScript reproduction; [`Report::seed`] replays the run.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use asynction_contract::{Options, Phase, run};
//!
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! let doc = asynction::Document::from_path("asyncapi.yaml")?;
//! let mut options = Options::new("http://127.0.0.1:5000");
//! options.seed = 7;
//! options.examples = 20;
//! options.timeout = Duration::from_secs(2);
//! options.only = vec![Phase::Events, Phase::Negative];
//! let report = run(&doc, &options).await?;
//! assert!(report.is_success(), "{}", report.render_text());
//! std::fs::write("contract.xml", report.to_junit())?;
//! # Ok(()) }
//! ```

mod engine;
mod mutate;
pub mod refusals;
mod report;

use std::time::Duration;

use asynction::Document;
pub use asynction_client::Transport;
use serde_json::Value;

pub use refusals::{RefusalRules, Refusals, RulesReason};
pub use report::{
    Check, Consequence, Failure, Phase, Report, SeenBy, SummaryRow, ViolationKind, Warning,
    WarningKind,
};

/// Credentials and extra handshake data a client brings. Credentials a secured namespace needs
/// but the options do not give are made up (`asynction-test-token`, …): enough for a mock, which
/// checks only their shape.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// `Authorization: Bearer TOKEN` (http bearer, oauth2, openIdConnect schemes).
    pub bearer: Option<String>,
    /// `Authorization: Basic` user and password.
    pub basic: Option<(String, String)>,
    /// API keys by scheme name or key name: placed where the scheme says (query, header,
    /// cookie, or the CONNECT `auth` payload for `apiKey` user/password).
    pub api_keys: Vec<(String, String)>,
    /// Extra query parameters (win over generated binding values).
    pub query: Vec<(String, String)>,
    /// Extra headers (win over generated binding values).
    pub headers: Vec<(String, String)>,
    /// The CONNECT `auth` payload (an object's fields are merged into what the security
    /// schemes need).
    pub auth: Option<Value>,
}

/// What to run, and how.
#[derive(Debug, Clone)]
pub struct Options {
    /// The server: `http://host:port`.
    pub url: String,
    /// The Socket.IO path; `None` takes it from [`Options::server`], else `/socket.io`.
    pub path: Option<String>,
    /// The document's server whose path and security apply.
    pub server: Option<String>,
    /// Seed of every generated value: the same seed replays the same run.
    pub seed: u64,
    /// Generated values per client-sent event (after its examples).
    pub examples: usize,
    /// Whether negative cases run.
    pub negative: bool,
    /// How long an answer (CONNECT, ack) may take.
    pub timeout: Duration,
    /// Pure listening per namespace at the end (zero skips it).
    pub listen: Duration,
    /// Transports: the first one runs everything; others repeat the handshake and a few
    /// events.
    pub transports: Vec<Transport>,
    /// Credentials of every namespace ...
    pub credentials: Credentials,
    /// ... unless a namespace (as written in the document) has its own.
    pub namespace_credentials: Vec<(String, Credentials)>,
    /// Only these namespaces (as written in the document); empty means all.
    pub namespaces: Vec<String>,
    /// Only these client-sent events; empty means all.
    pub events: Vec<String>,
    /// Only these phases; empty means all.
    pub only: Vec<Phase>,
    /// Server round trips the shrinker may spend per failure.
    pub shrink_budget: usize,
    /// The rules invalid events are judged by; `None` picks strict for a server that
    /// identifies itself as asynction, documented otherwise ([`RefusalRules::choose`]).
    pub refusals: Option<Refusals>,
}

impl Options {
    /// Defaults for a server at `url`: seed 0, 50 generated values per event, negative cases,
    /// 2 s timeout, 1 s of listening, websocket then polling, no credentials, refusal rules
    /// chosen by the server's identification.
    pub fn new(url: impl Into<String>) -> Options {
        Options {
            url: url.into(),
            path: None,
            server: None,
            seed: 0,
            examples: 50,
            negative: true,
            timeout: Duration::from_secs(2),
            listen: Duration::from_secs(1),
            transports: vec![Transport::Websocket, Transport::Polling],
            credentials: Credentials::default(),
            namespace_credentials: Vec::new(),
            namespaces: Vec::new(),
            events: Vec::new(),
            only: Vec::new(),
            shrink_budget: 200,
            refusals: None,
        }
    }
}

/// Why a run could not start (not a contract violation: those are in the [`Report`]).
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// The options do not fit the document (unknown server or namespace).
    #[error("{0}")]
    Usage(String),
    /// The document cannot be tested (a schema that does not compile or cannot be generated).
    #[error("the document cannot be tested: {0}")]
    Document(String),
    /// The server cannot be reached at all (connection refused, bad URL).
    #[error("cannot reach the server at {0}")]
    Unreachable(String),
}

/// Runs every check against the server and returns what they found.
pub async fn run(doc: &Document, options: &Options) -> Result<Report, ContractError> {
    run_with_progress(doc, options, &mut |_| {}).await
}

/// [`run`], calling `progress` after each check.
pub async fn run_with_progress(
    doc: &Document,
    options: &Options,
    progress: &mut dyn FnMut(&Check),
) -> Result<Report, ContractError> {
    engine::run(doc, options, progress).await
}
