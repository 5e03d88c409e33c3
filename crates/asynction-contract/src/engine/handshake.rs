//! The handshake phase: a client that meets the bindings and security is accepted on every
//! transport; one that breaks a binding, or brings no or malformed credentials, is refused.
//!
//! Steps: [`valid_handshakes_accepted`]; the refusal cases, [`binding_cases`] (kept only when
//! the framework's own check says they break the bindings) and [`security_cases`]; then
//! [`invalid_handshakes_refused`].

use std::time::Instant;

use asynction::model::{ApiKeyLocation, SchemeKind, SecurityRequirement};
use asynction_client::{Error as ClientError, Transport};
use serde_json::{Map, Value, json};

use super::session::{Session, connect_failure, transport_name};
use super::target::{HandshakeData, Ns, Scope};
use crate::report::{Failure, Phase, ViolationKind};

/// A handshake that must be refused.
struct RefusalCase {
    /// What is wrong with it (`required query 'room' missing`).
    label: String,
    /// The violation if it is accepted.
    kind: ViolationKind,
    handshake: HandshakeData,
}

/// The part of the handshake a binding describes.
#[derive(Clone, Copy)]
enum Part {
    Query,
    Headers,
}

impl Part {
    fn word(self) -> &'static str {
        match self {
            Part::Query => "query",
            Part::Headers => "header",
        }
    }

    fn remove(self, hs: &mut HandshakeData, k: &str) {
        match self {
            Part::Query => hs.query.retain(|(n, _)| n != k),
            Part::Headers => {
                let k = k.to_ascii_lowercase();
                hs.headers.retain(|(n, _)| *n != k);
            }
        }
    }

    fn set(self, hs: &mut HandshakeData, k: &str, v: String) {
        match self {
            Part::Query => hs.set_query(k, v),
            Part::Headers => hs.set_header(k, v),
        }
    }
}

/// Runs the handshake phase on one namespace.
pub(super) async fn run(s: &mut Session<'_>, ns: &Ns<'_>) {
    valid_handshakes_accepted(s, ns).await;
    let mut cases = binding_cases(ns);
    cases.retain(|c| breaks_bindings(ns, &c.handshake));
    cases.extend(security_cases(s, ns));
    invalid_handshakes_refused(s, ns, cases).await;
}

fn scope<'n>(ns: &'n Ns<'_>) -> Scope<'n> {
    Scope {
        phase: Phase::Handshake,
        namespace: &ns.path,
        event: "-",
    }
}

/// Connects, takes what the server sent meanwhile, and leaves.
async fn connect_and_leave(
    s: &mut Session<'_>,
    ns: &Ns<'_>,
    hs: &HandshakeData,
    t: Transport,
) -> Result<(), ClientError> {
    let mut client = s.connect(ns, hs, t).await?;
    s.drain(ns, &mut client).await;
    let _ = client.close().await;
    Ok(())
}

/// The valid handshake, on every transport.
async fn valid_handshakes_accepted(s: &mut Session<'_>, ns: &Ns<'_>) {
    for t in s.opts.transports.clone() {
        let started = Instant::now();
        let failure = connect_and_leave(s, ns, &ns.good, t).await.err().map(|e| {
            let kind = if e.is_timeout() {
                ViolationKind::HandshakeTimeout
            } else {
                ViolationKind::ValidHandshakeRefused
            };
            Failure::new(
                kind,
                format!(
                    "a client meeting the bindings and security was not accepted: {}",
                    connect_failure(&e)
                ),
            )
        });
        let name = format!("valid handshake accepted ({})", transport_name(t));
        s.record(scope(ns).check(name, started.elapsed(), failure));
    }
}

/// Handshakes that break the query and headers bindings: a required parameter missing, and
/// each declared parameter given a value its schema rejects.
fn binding_cases(ns: &Ns<'_>) -> Vec<RefusalCase> {
    let mut cases = Vec::new();
    for (schema, part) in [
        (&ns.doc.bindings.query, Part::Query),
        (&ns.doc.bindings.headers, Part::Headers),
    ] {
        let Some(schema) = schema else { continue };
        let what = part.word();
        let required: Vec<&str> = schema
            .value
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for r in &required {
            let mut hs = ns.good.clone();
            part.remove(&mut hs, r);
            cases.push(RefusalCase {
                label: format!("required {what} '{r}' missing"),
                kind: ViolationKind::BindingNotEnforced,
                handshake: hs,
            });
        }
        let props = schema.value.get("properties").and_then(Value::as_object);
        for (k, sub) in props.into_iter().flatten() {
            for (label, v) in bad_values(sub) {
                let mut hs = ns.good.clone();
                part.set(&mut hs, k, v.clone());
                cases.push(RefusalCase {
                    label: format!("{what} '{k}' {label} ({v:?})"),
                    kind: ViolationKind::BindingNotEnforced,
                    handshake: hs,
                });
            }
        }
    }
    cases
}

/// Handshake strings a parameter's schema rejects, each with what is wrong with it.
fn bad_values(sub: &Value) -> Vec<(&'static str, String)> {
    let mut bad: Vec<(&'static str, String)> = Vec::new();
    let ty = sub.get("type").and_then(Value::as_str).unwrap_or("");
    if matches!(ty, "integer" | "number" | "boolean") {
        bad.push(("wrong type", "not-a-value".into()));
    }
    if let Some(m) = sub.get("minimum").and_then(Value::as_f64) {
        bad.push(("below minimum", (m - 1.0).to_string()));
    }
    if let Some(m) = sub.get("maximum").and_then(Value::as_f64) {
        bad.push(("above maximum", (m + 1.0).to_string()));
    }
    if sub
        .get("minLength")
        .and_then(Value::as_u64)
        .is_some_and(|m| m > 0)
    {
        bad.push(("empty", String::new()));
    }
    if let Some(m) = sub
        .get("maxLength")
        .and_then(Value::as_u64)
        .filter(|m| *m < 8000)
    {
        bad.push(("longer than maxLength", "x".repeat(m as usize + 1)));
    }
    if sub.get("enum").is_some() {
        bad.push(("not in enum", "asynction-not-in-enum".into()));
    }
    if sub.get("pattern").is_some() {
        bad.push(("pattern broken", " !#%&".into()));
    }
    bad
}

/// Whether a handshake breaks the bindings (as the framework's own check sees it).
fn breaks_bindings(ns: &Ns<'_>, hs: &HandshakeData) -> bool {
    let mut query = String::from("EIO=4&transport=websocket");
    for (k, v) in &hs.query {
        query.push('&');
        query.push_str(&enc(k));
        query.push('=');
        query.push_str(&enc(v));
    }
    let mut req = http::Request::get(format!("/socket.io/?{query}"));
    for (k, v) in &hs.headers {
        req = req.header(k.as_str(), v.as_str());
    }
    match req.body(()) {
        Ok(r) => ns
            .validators
            .check_handshake(&ns.path, &r.into_parts().0)
            .is_err(),
        Err(_) => false,
    }
}

/// For a secured namespace: the valid handshake without any credentials, and (when there is
/// one alternative) with malformed ones.
fn security_cases(s: &Session<'_>, ns: &Ns<'_>) -> Vec<RefusalCase> {
    let Some(alts) = s.security(ns.doc) else {
        return Vec::new();
    };
    let bare = without_credentials(s, ns, &alts);
    let mut cases = vec![RefusalCase {
        label: "no credentials".into(),
        kind: ViolationKind::SecurityNotEnforced,
        handshake: bare.clone(),
    }];
    if alts.len() == 1
        && let Some(malformed) = with_malformed_credentials(s, &alts[0], bare)
    {
        cases.push(RefusalCase {
            label: "malformed credentials".into(),
            kind: ViolationKind::SecurityNotEnforced,
            handshake: malformed,
        });
    }
    cases
}

/// The valid handshake less everything any alternative's credentials would place.
fn without_credentials(
    s: &Session<'_>,
    ns: &Ns<'_>,
    alts: &[SecurityRequirement],
) -> HandshakeData {
    let mut bare = ns.good.clone();
    let mut placed = HandshakeData::default();
    for alt in alts {
        s.place_credentials(alt, s.credentials_for(&ns.doc.path), &mut placed);
    }
    bare.query
        .retain(|(k, _)| !placed.query.iter().any(|(p, _)| p == k));
    bare.headers.retain(|(k, _)| {
        k != "authorization" && k != "cookie" && !placed.headers.iter().any(|(p, _)| p == k)
    });
    bare.auth = None;
    bare
}

/// `bare` with credentials of the wrong shape for the schemes of `req`; `None` when no scheme
/// has a malformed form (cookies, CONNECT `auth`).
fn with_malformed_credentials(
    s: &Session<'_>,
    req: &SecurityRequirement,
    mut bare: HandshakeData,
) -> Option<HandshakeData> {
    let mut any = false;
    for name in req.schemes.keys() {
        match s.doc.api.security_schemes.get(name).map(|s| &s.kind) {
            Some(SchemeKind::HttpBasic) => {
                bare.set_header("authorization", "Basic !!!not-base64!!!".into());
                any = true;
            }
            Some(
                SchemeKind::HttpBearer { .. }
                | SchemeKind::OAuth2 { .. }
                | SchemeKind::OpenIdConnect { .. },
            ) => {
                bare.set_header("authorization", "Bearer".into());
                any = true;
            }
            Some(SchemeKind::HttpApiKey {
                location: ApiKeyLocation::Query,
                name,
            }) => {
                bare.set_query(name, String::new());
                any = true;
            }
            Some(SchemeKind::HttpApiKey {
                location: ApiKeyLocation::Header,
                name,
            }) => {
                bare.set_header(name, String::new());
                any = true;
            }
            _ => {}
        }
    }
    any.then_some(bare)
}

/// Each refusal case on the first transport: a refusal (`connect_error`, an HTTP status, a
/// closed connection) passes; acceptance or no answer fails, with a reproduction.
async fn invalid_handshakes_refused(s: &mut Session<'_>, ns: &Ns<'_>, cases: Vec<RefusalCase>) {
    let t = s.first_transport();
    for case in cases {
        let started = Instant::now();
        let RefusalCase {
            label,
            kind,
            handshake: hs,
        } = case;
        let failure = match connect_and_leave(s, ns, &hs, t).await {
            Ok(()) => Some(Failure::new(
                kind,
                format!("accepted a handshake that should be refused: {label}"),
            )),
            Err(
                ClientError::ConnectError { .. }
                | ClientError::HttpStatus { .. }
                | ClientError::Closed,
            ) => None,
            Err(e) if e.is_timeout() => Some(Failure::new(
                ViolationKind::HandshakeTimeout,
                format!("no answer to a handshake that should be refused ({label}): {e}"),
            )),
            Err(_) => None,
        }
        .map(|f| f.with_reproduction(js_connect(s, ns, &hs)));
        s.record(scope(ns).check(format!("refused: {label}"), started.elapsed(), failure));
    }
}

/// A one-line JavaScript reproduction of a handshake.
fn js_connect(s: &Session<'_>, ns: &Ns<'_>, hs: &HandshakeData) -> String {
    let pairs = |list: &[(String, String)]| -> Map<String, Value> {
        list.iter().map(|(k, v)| (k.clone(), json!(v))).collect()
    };
    format!(
        "io({:?}, {{path: {:?}, query: {}, extraHeaders: {}, auth: {}}}).on(\"connect\", () => console.log(\"accepted\"))",
        format!("{}{}", s.opts.url.trim_end_matches('/'), ns.path),
        s.sio_path,
        Value::Object(pairs(&hs.query)),
        Value::Object(pairs(&hs.headers)),
        hs.auth.clone().unwrap_or(json!({}))
    )
}

/// Percent-encoding of a query component.
fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
