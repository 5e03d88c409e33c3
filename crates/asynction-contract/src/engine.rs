//! The run: per namespace, handshake checks, valid events, negative cases, listening; then every
//! server-sent event validated.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use asynction::Document;
use asynction::mock::FakeGenerator;
use asynction::model::{
    ApiKeyLocation, ArgumentList, Event, Namespace, SchemeKind, SecurityRequirement,
};
use asynction::validate::{CompiledSchema, NamespaceValidators, Validators, Violation};
use asynction_client::{Args, Client, ClientBuilder, Error as ClientError, Incoming, Transport};
use base64::Engine as _;
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use crate::mutate::{mutations, shrink_candidates, size};
use crate::report::{Check, Failure, Phase, Report, ViolationKind, compact};
use crate::{ContractError, Credentials, Options};

/// Values in flight at once on one connection (acks awaited together).
const WINDOW: usize = 64;

/// The handshake one client makes.
#[derive(Debug, Clone, Default)]
struct Hs {
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    auth: Option<Value>,
}

impl Hs {
    fn set_query(&mut self, k: &str, v: String) {
        self.query.retain(|(n, _)| n != k);
        self.query.push((k.to_owned(), v));
    }
    fn set_header(&mut self, k: &str, v: String) {
        let k = k.to_ascii_lowercase();
        self.headers.retain(|(n, _)| *n != k);
        self.headers.push((k, v));
    }
    fn set_auth(&mut self, k: &str, v: Value) {
        let mut obj = match self.auth.take() {
            Some(Value::Object(o)) => o,
            _ => serde_json::Map::new(),
        };
        obj.insert(k.to_owned(), v);
        self.auth = Some(Value::Object(obj));
    }
}

/// What the server did with one event.
enum Answer {
    Ack(Args),
    /// Sent without an ack request; the connection stayed up.
    Sent,
    Timeout,
    Disconnected(String),
}

/// One value to send.
struct Case {
    name: String,
    /// The schema instance (argument for `Single`, argument array for `Spread`); `None` when
    /// the event has no payload schema.
    instance: Option<Value>,
    args: Args,
    generated: bool,
}

/// A namespace being tested.
struct Ns<'a> {
    index: usize,
    doc: &'a Namespace,
    path: String,
    validators: std::sync::Arc<NamespaceValidators>,
    good: Hs,
}

struct Received {
    ns: usize,
    path: String,
    name: String,
    values: Vec<Value>,
}

pub(crate) struct Runner<'a> {
    doc: &'a Document,
    opts: &'a Options,
    validators: Validators,
    sio_path: String,
    checks: Vec<Check>,
    progress: &'a mut dyn FnMut(&Check),
    received: Vec<Received>,
    ack_generators: HashMap<(usize, String), Option<FakeGenerator>>,
    /// The first shrunk value per (namespace, event, violation, negative label): later
    /// failures of the same kind reuse it instead of shrinking again.
    shrunk: HashMap<(usize, String, ViolationKind, String), Vec<Value>>,
}

fn label_seed(seed: u64, label: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in label.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn transport_name(t: Transport) -> &'static str {
    match t {
        Transport::Polling => "polling",
        _ => "websocket",
    }
}

/// A value as a handshake string.
fn stringify(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The instance a schema sees for received arguments: binary placeholders become strings.
fn validation_view(args: &Args) -> Vec<Value> {
    fn strip(v: &Value) -> Value {
        match v {
            Value::Object(o)
                if o.len() == 2 && o.get("_placeholder") == Some(&Value::Bool(true)) =>
            {
                json!("")
            }
            Value::Object(o) => {
                Value::Object(o.iter().map(|(k, v)| (k.clone(), strip(v))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(strip).collect()),
            other => other.clone(),
        }
    }
    if args.binaries.is_empty() {
        args.values.clone()
    } else {
        args.values.iter().map(strip).collect()
    }
}

/// Turns strings where the schema says `format: binary` into binary attachments.
fn binarize(schema: &Value, v: Value, args: &mut Args) -> Value {
    if schema.get("format").and_then(Value::as_str) == Some("binary")
        && let Value::String(s) = &v
    {
        return args.attach(s.clone().into_bytes());
    }
    match v {
        Value::Object(o) => {
            let props = schema.get("properties");
            Value::Object(
                o.into_iter()
                    .map(|(k, v)| {
                        let v = match props.and_then(|p| p.get(&k)) {
                            Some(sub) => binarize(sub, v, args),
                            None => v,
                        };
                        (k, v)
                    })
                    .collect(),
            )
        }
        Value::Array(a) => {
            let prefix = schema.get("prefixItems").and_then(Value::as_array);
            let items = schema.get("items").filter(|s| s.is_object());
            Value::Array(
                a.into_iter()
                    .enumerate()
                    .map(|(i, v)| match prefix.and_then(|p| p.get(i)).or(items) {
                        Some(sub) => binarize(sub, v, args),
                        None => v,
                    })
                    .collect(),
            )
        }
        other => other,
    }
}

/// The Socket.IO arguments for a schema instance.
fn to_args(event: &Event, instance: &Value) -> Args {
    let Some(schema) = &event.payload else {
        return Args::new();
    };
    let mut args = Args::new();
    let values = match (schema.arguments, instance) {
        (ArgumentList::Spread, Value::Array(items)) => {
            let prefix = schema.value.get("prefixItems").and_then(Value::as_array);
            let items_schema = schema.value.get("items").filter(|s| s.is_object());
            items
                .iter()
                .enumerate()
                .map(
                    |(i, v)| match prefix.and_then(|p| p.get(i)).or(items_schema) {
                        Some(sub) => binarize(sub, v.clone(), &mut args),
                        None => v.clone(),
                    },
                )
                .collect()
        }
        _ => vec![binarize(&schema.value, instance.clone(), &mut args)],
    };
    args.values = values;
    args
}

fn violations_text(v: &[Violation]) -> String {
    v.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl<'a> Runner<'a> {
    pub(crate) fn new(
        doc: &'a Document,
        opts: &'a Options,
        progress: &'a mut dyn FnMut(&Check),
    ) -> Result<Runner<'a>, ContractError> {
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
        Ok(Runner {
            doc,
            opts,
            validators,
            sio_path,
            checks: Vec::new(),
            progress,
            received: Vec::new(),
            ack_generators: HashMap::new(),
            shrunk: HashMap::new(),
        })
    }

    fn phase_on(&self, p: Phase) -> bool {
        (self.opts.only.is_empty() || self.opts.only.contains(&p))
            && (p != Phase::Negative || self.opts.negative)
    }

    fn record(&mut self, check: Check) {
        (self.progress)(&check);
        self.checks.push(check);
    }

    #[allow(clippy::too_many_arguments)]
    fn check(
        &mut self,
        phase: Phase,
        ns: &str,
        event: &str,
        name: String,
        started: Instant,
        failure: Option<Failure>,
    ) {
        self.record(Check {
            phase,
            namespace: ns.to_owned(),
            event: event.to_owned(),
            name,
            duration: started.elapsed(),
            failure,
        });
    }

    pub(crate) async fn run(mut self) -> Result<Report, ContractError> {
        let started = Instant::now();
        if let Err(e) = self
            .builder(&Hs::default(), Transport::Polling)
            .engine()
            .await
            && matches!(e, ClientError::Io(_) | ClientError::InvalidUrl { .. })
        {
            return Err(ContractError::Unreachable(format!(
                "{}: {e}",
                self.opts.url
            )));
        }
        let doc: &'a Document = self.doc;
        for (index, ns_doc) in doc.api.namespaces.iter().enumerate() {
            if !self.opts.namespaces.is_empty() && !self.opts.namespaces.contains(&ns_doc.path) {
                continue;
            }
            let ns = self.prepare(index, ns_doc)?;
            if self.phase_on(Phase::Handshake) {
                self.handshake(&ns).await;
            }
            if self.phase_on(Phase::Events) {
                for t in self.opts.transports.clone() {
                    self.events(&ns, t).await;
                }
            }
            if self.phase_on(Phase::Negative) {
                self.negative(&ns).await;
            }
            if self.phase_on(Phase::Listen) {
                self.listen(&ns).await;
            }
        }
        self.judge_received();
        Ok(Report {
            seed: self.opts.seed,
            title: self.doc.api.info.title.clone(),
            checks: self.checks,
            duration: started.elapsed(),
        })
    }

    fn rng(&self, label: &str) -> StdRng {
        StdRng::seed_from_u64(label_seed(self.opts.seed, label))
    }

    /// Concrete path, validators and the valid handshake of a namespace.
    fn prepare(&self, index: usize, ns: &'a Namespace) -> Result<Ns<'a>, ContractError> {
        let mut rng = self.rng(&format!("path {}", ns.path));
        let mut path = ns.path.clone();
        for (name, schema) in &ns.parameters {
            let examples: Vec<Value> = schema
                .value
                .get("examples")
                .and_then(Value::as_array)
                .cloned()
                .or_else(|| schema.value.get("example").map(|e| vec![e.clone()]))
                .unwrap_or_default();
            let value = match examples.first() {
                Some(e) => e.clone(),
                None => FakeGenerator::new(schema, &self.doc.resolved, &examples)
                    .map_err(|e| {
                        ContractError::Document(format!("parameter {name} of {}: {e}", ns.path))
                    })?
                    .generate(&mut rng),
            };
            let text: String = stringify(&value).chars().filter(|c| *c != '/').collect();
            path = path.replace(&format!("{{{name}}}"), &text);
        }
        let validators = self
            .validators
            .namespace(&ns.path)
            .cloned()
            .ok_or_else(|| ContractError::Document(format!("no validators for {}", ns.path)))?;
        let mut good = Hs::default();
        for (schema, is_query) in [(&ns.bindings.query, true), (&ns.bindings.headers, false)] {
            let Some(schema) = schema else { continue };
            let generator = FakeGenerator::new(schema, &self.doc.resolved, &[])
                .map_err(|e| ContractError::Document(format!("bindings of {}: {e}", ns.path)))?;
            let value = generator.generate(&mut rng);
            if let Some(obj) = value.as_object() {
                for (k, v) in obj {
                    if is_query {
                        good.set_query(k, stringify(v));
                    } else {
                        good.set_header(k, stringify(v));
                    }
                }
            }
        }
        let creds = self.credentials_for(&ns.path);
        if let Some(req) = self.security(ns).and_then(|alts| alts.first().cloned()) {
            self.place_credentials(&req, creds, &mut good);
        }
        for (k, v) in &creds.query {
            good.set_query(k, v.clone());
        }
        for (k, v) in &creds.headers {
            good.set_header(k, v.clone());
        }
        if let Some(Value::Object(auth)) = &creds.auth {
            for (k, v) in auth {
                good.set_auth(k, v.clone());
            }
        } else if let Some(auth) = &creds.auth {
            good.auth = Some(auth.clone());
        }
        Ok(Ns {
            index,
            doc: ns,
            path,
            validators,
            good,
        })
    }

    fn credentials_for(&self, path: &str) -> &'a Credentials {
        self.opts
            .namespace_credentials
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, c)| c)
            .unwrap_or(&self.opts.credentials)
    }

    /// The security alternatives in force, `None` when the namespace is public.
    fn security(&self, ns: &Namespace) -> Option<Vec<SecurityRequirement>> {
        let list = match &ns.security {
            Some(list) => list.clone(),
            None => self
                .opts
                .server
                .as_ref()
                .and_then(|s| self.doc.api.server(s))
                .map(|s| s.security.clone())
                .unwrap_or_default(),
        };
        if list.is_empty() || list.iter().any(|r| r.schemes.is_empty()) {
            None
        } else {
            Some(list)
        }
    }

    fn place_credentials(&self, req: &SecurityRequirement, creds: &Credentials, hs: &mut Hs) {
        let b64 = base64::engine::general_purpose::STANDARD;
        for name in req.schemes.keys() {
            let Some(scheme) = self.doc.api.security_schemes.get(name) else {
                continue;
            };
            let key_for = |key: &str| {
                creds
                    .api_keys
                    .iter()
                    .find(|(n, _)| n == name || n == key)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| "asynction-test-key".to_owned())
            };
            match &scheme.kind {
                SchemeKind::HttpBasic => {
                    let (u, p) = creds
                        .basic
                        .clone()
                        .unwrap_or_else(|| ("asynction".into(), "test-password".into()));
                    hs.set_header(
                        "authorization",
                        format!("Basic {}", b64.encode(format!("{u}:{p}"))),
                    );
                }
                SchemeKind::HttpBearer { .. }
                | SchemeKind::OAuth2 { .. }
                | SchemeKind::OpenIdConnect { .. } => {
                    let token = creds
                        .bearer
                        .clone()
                        .unwrap_or_else(|| "asynction-test-token".into());
                    hs.set_header("authorization", format!("Bearer {token}"));
                }
                SchemeKind::HttpApiKey {
                    location,
                    name: key,
                } => {
                    let v = key_for(key);
                    match location {
                        ApiKeyLocation::Query => hs.set_query(key, v),
                        ApiKeyLocation::Header => hs.set_header(key, v),
                        ApiKeyLocation::Cookie => hs.set_header("cookie", format!("{key}={v}")),
                    }
                }
                SchemeKind::ApiKey { location } => {
                    let v = key_for(location);
                    hs.set_auth(location, json!(v));
                }
                _ => {}
            }
        }
    }

    fn builder(&self, hs: &Hs, transport: Transport) -> ClientBuilder {
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

    async fn connect(
        &self,
        ns: &Ns<'a>,
        hs: &Hs,
        transport: Transport,
    ) -> Result<Client, ClientError> {
        self.builder(hs, transport).connect(&ns.path).await
    }

    /// Whether a handshake breaks the bindings (as the framework's own check sees it).
    fn breaks_bindings(&self, ns: &Ns<'a>, hs: &Hs) -> bool {
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

    async fn handshake(&mut self, ns: &Ns<'a>) {
        for t in self.opts.transports.clone() {
            let started = Instant::now();
            let failure = match self.connect(ns, &ns.good, t).await {
                Ok(mut client) => {
                    self.drain(ns, &mut client).await;
                    let _ = client.close().await;
                    None
                }
                Err(e) => Some(Failure {
                    kind: if e.is_timeout() {
                        ViolationKind::HandshakeTimeout
                    } else {
                        ViolationKind::ValidHandshakeRefused
                    },
                    message: format!(
                        "a client meeting the bindings and security was not accepted: {e}"
                    ),
                    args: None,
                    shrunk: None,
                    reproduction: None,
                }),
            };
            self.check(
                Phase::Handshake,
                &ns.path,
                "-",
                format!("valid handshake accepted ({})", transport_name(t)),
                started,
                failure,
            );
        }
        // Broken bindings.
        let mut cases: Vec<(String, ViolationKind, Hs)> = Vec::new();
        for (schema, is_query) in [
            (&ns.doc.bindings.query, true),
            (&ns.doc.bindings.headers, false),
        ] {
            let Some(schema) = schema else { continue };
            let what = if is_query { "query" } else { "header" };
            let props = schema.value.get("properties").and_then(Value::as_object);
            let required: Vec<&str> = schema
                .value
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let remove = |hs: &mut Hs, k: &str| {
                if is_query {
                    hs.query.retain(|(n, _)| n != k);
                } else {
                    let k = k.to_ascii_lowercase();
                    hs.headers.retain(|(n, _)| *n != k);
                }
            };
            let set = |hs: &mut Hs, k: &str, v: String| {
                if is_query {
                    hs.set_query(k, v);
                } else {
                    hs.set_header(k, v);
                }
            };
            for r in &required {
                let mut hs = ns.good.clone();
                remove(&mut hs, r);
                cases.push((
                    format!("required {what} '{r}' missing"),
                    ViolationKind::BindingNotEnforced,
                    hs,
                ));
            }
            for (k, sub) in props.into_iter().flatten() {
                let mut bad: Vec<(String, String)> = Vec::new();
                let ty = sub.get("type").and_then(Value::as_str).unwrap_or("");
                if matches!(ty, "integer" | "number" | "boolean") {
                    bad.push(("wrong type".into(), "not-a-value".into()));
                }
                if let Some(m) = sub.get("minimum").and_then(Value::as_f64) {
                    bad.push(("below minimum".into(), (m - 1.0).to_string()));
                }
                if let Some(m) = sub.get("maximum").and_then(Value::as_f64) {
                    bad.push(("above maximum".into(), (m + 1.0).to_string()));
                }
                if sub
                    .get("minLength")
                    .and_then(Value::as_u64)
                    .is_some_and(|m| m > 0)
                {
                    bad.push(("empty".into(), String::new()));
                }
                if let Some(m) = sub
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .filter(|m| *m < 8000)
                {
                    bad.push(("longer than maxLength".into(), "x".repeat(m as usize + 1)));
                }
                if sub.get("enum").is_some() {
                    bad.push(("not in enum".into(), "asynction-not-in-enum".into()));
                }
                if sub.get("pattern").is_some() {
                    bad.push(("pattern broken".into(), " !#%&".into()));
                }
                for (label, v) in bad {
                    let mut hs = ns.good.clone();
                    set(&mut hs, k, v.clone());
                    cases.push((
                        format!("{what} '{k}' {label} ({v:?})"),
                        ViolationKind::BindingNotEnforced,
                        hs,
                    ));
                }
            }
        }
        cases.retain(|(_, _, hs)| self.breaks_bindings(ns, hs));
        // Security.
        if let Some(alts) = self.security(ns.doc) {
            let mut bare = ns.good.clone();
            let mut placed = Hs::default();
            self.place_credentials(&alts[0], self.credentials_for(&ns.doc.path), &mut placed);
            for alt in &alts[1..] {
                self.place_credentials(alt, self.credentials_for(&ns.doc.path), &mut placed);
            }
            bare.query
                .retain(|(k, _)| !placed.query.iter().any(|(p, _)| p == k));
            bare.headers.retain(|(k, _)| {
                k != "authorization" && k != "cookie" && !placed.headers.iter().any(|(p, _)| p == k)
            });
            bare.auth = None;
            cases.push((
                "no credentials".into(),
                ViolationKind::SecurityNotEnforced,
                bare.clone(),
            ));
            let mut malformed = bare.clone();
            let mut any = false;
            for name in alts[0].schemes.keys() {
                match self.doc.api.security_schemes.get(name).map(|s| &s.kind) {
                    Some(SchemeKind::HttpBasic) => {
                        malformed.set_header("authorization", "Basic !!!not-base64!!!".into());
                        any = true;
                    }
                    Some(
                        SchemeKind::HttpBearer { .. }
                        | SchemeKind::OAuth2 { .. }
                        | SchemeKind::OpenIdConnect { .. },
                    ) => {
                        malformed.set_header("authorization", "Bearer".into());
                        any = true;
                    }
                    Some(SchemeKind::HttpApiKey {
                        location: ApiKeyLocation::Query,
                        name,
                    }) => {
                        malformed.set_query(name, String::new());
                        any = true;
                    }
                    Some(SchemeKind::HttpApiKey {
                        location: ApiKeyLocation::Header,
                        name,
                    }) => {
                        malformed.set_header(name, String::new());
                        any = true;
                    }
                    _ => {}
                }
            }
            if any && alts.len() == 1 {
                cases.push((
                    "malformed credentials".into(),
                    ViolationKind::SecurityNotEnforced,
                    malformed,
                ));
            }
        }
        let t = self
            .opts
            .transports
            .first()
            .copied()
            .unwrap_or(Transport::Websocket);
        for (label, kind, hs) in cases {
            let started = Instant::now();
            let failure = match self.connect(ns, &hs, t).await {
                Ok(mut client) => {
                    self.drain(ns, &mut client).await;
                    let _ = client.close().await;
                    Some(Failure {
                        kind,
                        message: format!("accepted a handshake that should be refused: {label}"),
                        args: None,
                        shrunk: None,
                        reproduction: Some(self.js_connect(ns, &hs)),
                    })
                }
                Err(
                    ClientError::ConnectError { .. }
                    | ClientError::HttpStatus { .. }
                    | ClientError::Closed,
                ) => None,
                Err(e) if e.is_timeout() => Some(Failure {
                    kind: ViolationKind::HandshakeTimeout,
                    message: format!(
                        "no answer to a handshake that should be refused ({label}): {e}"
                    ),
                    args: None,
                    shrunk: None,
                    reproduction: Some(self.js_connect(ns, &hs)),
                }),
                Err(_) => None,
            };
            self.check(
                Phase::Handshake,
                &ns.path,
                "-",
                format!("refused: {label}"),
                started,
                failure,
            );
        }
    }

    fn js_connect(&self, ns: &Ns<'a>, hs: &Hs) -> String {
        let query: serde_json::Map<String, Value> = hs
            .query
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let headers: serde_json::Map<String, Value> = hs
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        format!(
            "io({:?}, {{path: {:?}, query: {}, extraHeaders: {}, auth: {}}}).on(\"connect\", () => console.log(\"accepted\"))",
            format!("{}{}", self.opts.url.trim_end_matches('/'), ns.path),
            self.sio_path,
            Value::Object(query),
            Value::Object(headers),
            hs.auth.clone().unwrap_or(json!({}))
        )
    }

    fn js_emit(&self, ns: &Ns<'a>, event: &str, args: &[Value]) -> String {
        let mut parts = vec![serde_json::to_string(event).unwrap_or_default()];
        parts.extend(args.iter().map(|a| a.to_string()));
        format!(
            "io({:?}, {{path: {:?}}}).emit({}, (ack) => console.log(ack))",
            format!("{}{}", self.opts.url.trim_end_matches('/'), ns.path),
            self.sio_path,
            parts.join(", ")
        )
    }

    fn events_of(&self, ns: &'a Namespace) -> Vec<&'a Event> {
        ns.ingress
            .iter()
            .filter(|e| self.opts.events.is_empty() || self.opts.events.contains(&e.name))
            .collect()
    }

    fn generator(&self, _ns: &Ns<'a>, event: &Event) -> Option<FakeGenerator> {
        let schema = event.payload.as_ref()?;
        let examples: Vec<Value> = event.example_payloads().cloned().collect();
        FakeGenerator::new(schema, &self.doc.resolved, &examples).ok()
    }

    fn payload_validator<'v>(&self, ns: &'v Ns<'a>, event: &Event) -> Option<&'v CompiledSchema> {
        ns.validators
            .ingress
            .get(&event.name)
            .and_then(|v| v.payload.as_ref())
    }

    fn ack_validator<'v>(&self, ns: &'v Ns<'_>, event: &Event) -> Option<&'v CompiledSchema> {
        ns.validators
            .ingress
            .get(&event.name)
            .and_then(|v| v.ack.as_ref())
    }

    /// Examples and generated values of an event.
    fn cases(&self, ns: &Ns<'a>, event: &Event, generated: usize, label: &str) -> Vec<Case> {
        let mut out = Vec::new();
        let Some(schema) = &event.payload else {
            // No payload schema: any arguments; send none.
            out.push(Case {
                name: format!("no arguments ({label})"),
                instance: None,
                args: Args::new(),
                generated: false,
            });
            return out;
        };
        let validator = self.payload_validator(ns, event);
        for (i, ex) in event.example_payloads().enumerate() {
            if validator.is_some_and(|v| !v.is_valid(ex)) {
                continue;
            }
            out.push(Case {
                name: format!("example #{} ({label})", i + 1),
                instance: Some(ex.clone()),
                args: to_args(event, ex),
                generated: false,
            });
        }
        let Ok(generator) = FakeGenerator::new(schema, &self.doc.resolved, &[]) else {
            return out;
        };
        let mut rng = self.rng(&format!("events {} {} {label}", ns.doc.path, event.name));
        for i in 0..generated {
            let v = generator.generate(&mut rng);
            out.push(Case {
                name: format!("generated #{} ({label})", i + 1),
                args: to_args(event, &v),
                instance: Some(v),
                generated: true,
            });
        }
        out
    }

    /// A positive answer's verdict.
    fn judge_valid(
        &self,
        ns: &Ns<'a>,
        event: &Event,
        answer: &Answer,
    ) -> Option<(ViolationKind, String)> {
        match answer {
            Answer::Sent => None,
            Answer::Ack(args) => match self.ack_validator(ns, event) {
                Some(v) => v.validate_args(&validation_view(args)).err().map(|vs| {
                    (
                        ViolationKind::InvalidAck,
                        format!(
                            "the ack [{}] does not validate: {}",
                            compact(&args.values),
                            violations_text(&vs)
                        ),
                    )
                }),
                None => None,
            },
            Answer::Timeout => Some((
                ViolationKind::AckTimeout,
                format!("no ack within {:?}", self.opts.timeout),
            )),
            Answer::Disconnected(why) => Some((
                ViolationKind::Disconnected,
                format!("the server dropped the client after a valid event: {why}"),
            )),
        }
    }

    /// A negative answer's verdict.
    fn judge_invalid(
        &self,
        ns: &Ns<'a>,
        event: &Event,
        answer: &Answer,
    ) -> Option<(ViolationKind, String)> {
        match answer {
            Answer::Sent | Answer::Disconnected(_) => None,
            Answer::Ack(args) => match self.ack_validator(ns, event) {
                Some(v) if v.validate_args(&validation_view(args)).is_ok() => Some((
                    ViolationKind::InvalidEventAccepted,
                    format!(
                        "an invalid event was acked as a success: [{}] validates against the ack schema",
                        compact(&args.values)
                    ),
                )),
                _ => None,
            },
            Answer::Timeout => Some((
                ViolationKind::InvalidEventUnanswered,
                format!(
                    "an invalid event with an ack requested was not answered within {:?} (no ack, no disconnect)",
                    self.opts.timeout
                ),
            )),
        }
    }

    /// Sends one case on `conn` (reconnecting when it is gone) and classifies the answer.
    async fn try_one(
        &mut self,
        ns: &Ns<'a>,
        conn: &mut Option<Client>,
        t: Transport,
        event: &Event,
        args: &Args,
        want_ack: bool,
    ) -> Answer {
        if conn.is_none() {
            match self.connect(ns, &ns.good, t).await {
                Ok(c) => *conn = Some(c),
                Err(e) => return Answer::Disconnected(format!("cannot reconnect: {e}")),
            }
        }
        let Some(client) = conn.as_mut() else {
            unreachable!("connected above")
        };
        let answer = if want_ack {
            match client
                .emit_with_ack(&ns.path, &event.name, args.clone(), self.opts.timeout)
                .await
            {
                Ok(a) => Answer::Ack(a),
                Err(e) if e.is_timeout() => Answer::Timeout,
                Err(e) => Answer::Disconnected(e.to_string()),
            }
        } else {
            match client.emit(&ns.path, &event.name, args.clone()).await {
                Ok(()) => match self.grace(ns, client).await {
                    None => Answer::Sent,
                    Some(why) => Answer::Disconnected(why),
                },
                Err(e) => Answer::Disconnected(e.to_string()),
            }
        };
        if let Answer::Disconnected(_) = answer {
            if let Some(c) = conn.take() {
                let _ = c.close().await;
            }
        } else if let Some(c) = conn.as_mut() {
            self.drain(ns, c).await;
        }
        answer
    }

    /// Waits a short while for a disconnect; `Some(reason)` when the client was dropped.
    async fn grace(&mut self, ns: &Ns<'a>, client: &mut Client) -> Option<String> {
        let deadline = Instant::now() + self.opts.timeout.min(Duration::from_millis(100));
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match client.next(left).await {
                Ok(Incoming::Event(e)) => self.keep(ns, client, e).await,
                Ok(Incoming::Disconnect { .. }) => {
                    return Some("namespace disconnected by the server".into());
                }
                Err(e) if e.is_timeout() => return None,
                Err(e) => return Some(e.to_string()),
            }
        }
    }

    /// Keeps a server-sent event for judging, answering its ack request.
    async fn keep(&mut self, ns: &Ns<'a>, client: &mut Client, e: asynction_client::Event) {
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
        self.received.push(Received {
            ns: ns.index,
            path: e.namespace.clone(),
            name: e.name.clone(),
            values: validation_view(&e.args),
        });
    }

    /// Takes what already arrived on `client` without waiting.
    async fn drain(&mut self, ns: &Ns<'a>, client: &mut Client) -> bool {
        loop {
            match client.next(Duration::ZERO).await {
                Ok(Incoming::Event(e)) => self.keep(ns, client, e).await,
                Ok(Incoming::Disconnect { .. }) => return false,
                Err(e) => return e.is_timeout(),
            }
        }
    }

    async fn events(&mut self, ns: &Ns<'a>, t: Transport) {
        let tname = transport_name(t);
        let n = if t == Transport::Polling && self.opts.transports.len() > 1 {
            self.opts.examples.min(3)
        } else {
            self.opts.examples
        };
        let mut conn: Option<Client> = None;
        for event in self.events_of(ns.doc) {
            let mut cases = self.cases(ns, event, n, tname);
            let want_ack = event.ack.is_some();
            if conn.is_none() {
                match self.connect(ns, &ns.good, t).await {
                    Ok(c) => conn = Some(c),
                    Err(e) => {
                        let started = Instant::now();
                        self.check(
                            Phase::Events,
                            &ns.path,
                            &event.name,
                            format!("connect ({tname})"),
                            started,
                            Some(Failure {
                                kind: ViolationKind::ValidHandshakeRefused,
                                message: format!("cannot connect to send events: {e}"),
                                args: None,
                                shrunk: None,
                                reproduction: None,
                            }),
                        );
                        continue;
                    }
                }
            }
            let mut rest: Vec<Case> = Vec::new();
            if !want_ack {
                // No ack to wait for: send everything, then one short wait for a disconnect.
                // After a loss, every case is retried alone to find the one to blame.
                let started = Instant::now();
                let batch = std::mem::take(&mut cases);
                let client = conn.as_mut().expect("connected");
                let mut lost = false;
                for (i, case) in batch.iter().enumerate() {
                    if client
                        .emit(&ns.path, &event.name, case.args.clone())
                        .await
                        .is_err()
                    {
                        lost = true;
                        break;
                    }
                    if i % WINDOW == WINDOW - 1 && !self.drain(ns, client).await {
                        lost = true;
                        break;
                    }
                }
                if !lost {
                    lost = self.grace(ns, client).await.is_some();
                }
                if lost {
                    if let Some(c) = conn.take() {
                        let _ = c.close().await;
                    }
                    rest = batch;
                } else {
                    let per = started.elapsed() / batch.len().max(1) as u32;
                    for case in batch {
                        self.record(Check {
                            phase: Phase::Events,
                            namespace: ns.path.clone(),
                            event: event.name.clone(),
                            name: case.name,
                            duration: per,
                            failure: None,
                        });
                    }
                }
            }
            let mut queue = cases.into_iter().peekable();
            // Pipelined windows while the connection holds; what is left after a loss goes one
            // by one.
            while queue.peek().is_some() {
                let window: Vec<Case> = queue.by_ref().take(WINDOW).collect();
                if !rest.is_empty() || conn.is_none() {
                    rest.extend(window);
                    continue;
                }
                let lost = self
                    .window(
                        ns,
                        conn.as_mut().expect("connected"),
                        t,
                        event,
                        window,
                        &mut rest,
                    )
                    .await;
                if lost && let Some(c) = conn.take() {
                    let _ = c.close().await;
                }
            }
            for case in rest {
                let started = Instant::now();
                let answer = self
                    .try_one(ns, &mut conn, t, event, &case.args, want_ack)
                    .await;
                let verdict = self.judge_valid(ns, event, &answer);
                self.finish_case(ns, event, t, case, started, verdict, false)
                    .await;
            }
        }
        if let Some(mut c) = conn.take() {
            self.drain(ns, &mut c).await;
            let _ = c.close().await;
        }
    }

    /// Sends a window of cases that ask for acks at once and waits for the acks; records their
    /// checks; cases whose fate is unknown after a lost connection go to `rest`. Returns whether
    /// the connection was lost. (Cases without acks are sent in one batch by the caller.)
    #[allow(clippy::too_many_arguments)]
    async fn window(
        &mut self,
        ns: &Ns<'a>,
        client: &mut Client,
        t: Transport,
        event: &Event,
        window: Vec<Case>,
        rest: &mut Vec<Case>,
    ) -> bool {
        let started = Instant::now();
        let mut ids = Vec::with_capacity(window.len());
        for (i, case) in window.iter().enumerate() {
            match client
                .emit_ack_id(&ns.path, &event.name, case.args.clone())
                .await
            {
                Ok(id) => ids.push(id),
                Err(_) => {
                    rest.extend(window.into_iter().skip(i));
                    // The ones already sent are retried too: their fate is unknown.
                    return true;
                }
            }
        }
        let deadline = tokio::time::Instant::now() + self.opts.timeout;
        let mut lost = false;
        let mut results = Vec::with_capacity(window.len());
        for id in ids {
            if lost {
                results.push(None);
                continue;
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match client.wait_ack(&ns.path, id, left).await {
                Ok(a) => results.push(Some(Answer::Ack(a))),
                Err(e) if e.is_timeout() => results.push(Some(Answer::Timeout)),
                Err(_) => {
                    lost = true;
                    results.push(None);
                }
            }
        }
        let per = started.elapsed() / window.len().max(1) as u32;
        let mut to_finish = Vec::new();
        for (case, answer) in window.into_iter().zip(results) {
            match answer {
                None => rest.push(case),
                Some(answer) => {
                    let verdict = self.judge_valid(ns, event, &answer);
                    to_finish.push((case, verdict));
                }
            }
        }
        self.drain(ns, client).await;
        for (case, verdict) in to_finish {
            let s = Instant::now() - per;
            self.finish_case(ns, event, t, case, s, verdict, false)
                .await;
        }
        lost
    }

    /// Records a case's check; a failing generated case is shrunk first.
    #[allow(clippy::too_many_arguments)]
    async fn finish_case(
        &mut self,
        ns: &Ns<'a>,
        event: &Event,
        t: Transport,
        case: Case,
        started: Instant,
        verdict: Option<(ViolationKind, String)>,
        negative: bool,
    ) {
        let phase = if negative {
            Phase::Negative
        } else {
            Phase::Events
        };
        let Some((kind, message)) = verdict else {
            self.check(phase, &ns.path, &event.name, case.name, started, None);
            return;
        };
        let label = if negative {
            case.name.clone()
        } else {
            String::new()
        };
        let key = (ns.index, event.name.clone(), kind, label);
        let shrunk = match (&case.instance, case.generated, self.shrunk.get(&key)) {
            (Some(_), true, Some(known)) => Some(known.clone()),
            (Some(instance), true, None) => {
                let s = self.shrink(ns, event, t, instance, kind, negative).await;
                if let Some(s) = &s {
                    self.shrunk.insert(key, s.clone());
                }
                s
            }
            _ => None,
        };
        let repro_args = shrunk.clone().unwrap_or_else(|| case.args.values.clone());
        let failure = Failure {
            kind,
            message,
            args: Some(case.args.values.clone()),
            reproduction: Some(self.js_emit(ns, &event.name, &repro_args)),
            shrunk,
        };
        self.check(
            phase,
            &ns.path,
            &event.name,
            case.name,
            started,
            Some(failure),
        );
    }

    /// Greedy shrinking: the smallest instance (by [`size`]) found that the schema still judges
    /// the same way (valid, or invalid for negative cases) and that still fails with `kind`.
    async fn shrink(
        &mut self,
        ns: &Ns<'a>,
        event: &Event,
        t: Transport,
        instance: &Value,
        kind: ViolationKind,
        negative: bool,
    ) -> Option<Vec<Value>> {
        let validator = self.payload_validator(ns, event)?.clone();
        let slow = matches!(
            kind,
            ViolationKind::AckTimeout | ViolationKind::InvalidEventUnanswered
        );
        let mut budget = if slow {
            self.opts.shrink_budget.min(6)
        } else {
            self.opts.shrink_budget
        };
        let want_ack = negative || event.ack.is_some();
        let mut current = instance.clone();
        let mut conn: Option<Client> = None;
        'outer: while budget > 0 {
            let candidates = shrink_candidates(&current);
            for cand in candidates {
                if size(&cand) >= size(&current) {
                    continue;
                }
                let args = to_args(event, &cand);
                if validator.validate_args(&validation_view(&args)).is_ok() == negative {
                    continue;
                }
                if budget == 0 {
                    break 'outer;
                }
                budget -= 1;
                let answer = self.try_one(ns, &mut conn, t, event, &args, want_ack).await;
                let verdict = if negative {
                    self.judge_invalid(ns, event, &answer)
                } else {
                    self.judge_valid(ns, event, &answer)
                };
                if verdict.is_some_and(|(k, _)| k == kind) {
                    current = cand;
                    continue 'outer;
                }
            }
            break;
        }
        if let Some(c) = conn {
            let _ = c.close().await;
        }
        Some(to_args(event, &current).values)
    }

    async fn negative(&mut self, ns: &Ns<'a>) {
        let t = self
            .opts
            .transports
            .first()
            .copied()
            .unwrap_or(Transport::Websocket);
        let mut conn: Option<Client> = None;
        let mut tested: Vec<&Event> = Vec::new();
        for event in self.events_of(ns.doc) {
            let Some(validator) = self.payload_validator(ns, event).cloned() else {
                continue;
            };
            let Some(schema) = &event.payload else {
                continue;
            };
            let Some(generator) = self.generator(ns, event) else {
                continue;
            };
            tested.push(event);
            let mut rng = self.rng(&format!("negative {} {}", ns.doc.path, event.name));
            let base = generator.generate(&mut rng);
            let mut cases: Vec<Case> = Vec::new();
            let mut seen = std::collections::HashSet::new();
            for m in mutations(&schema.value, &base) {
                let args = to_args(event, &m.instance);
                if validator.validate_args(&validation_view(&args)).is_ok()
                    || !seen.insert(m.label.clone())
                {
                    continue;
                }
                cases.push(Case {
                    name: m.label,
                    instance: Some(m.instance),
                    args,
                    generated: true,
                });
            }
            // Wrong argument counts.
            let good = to_args(event, &base);
            let mut none = Args::new();
            none.values.clear();
            let mut more = good.clone();
            more.values.push(json!("asynction-extra-argument"));
            for (label, args) in [("no arguments", none), ("one argument too many", more)] {
                if validator.validate_args(&validation_view(&args)).is_err() {
                    cases.push(Case {
                        name: label.into(),
                        instance: None,
                        args,
                        generated: false,
                    });
                }
            }
            for case in cases {
                let started = Instant::now();
                let answer = self
                    .try_one(ns, &mut conn, t, event, &case.args, true)
                    .await;
                let verdict = self.judge_invalid(ns, event, &answer);
                self.finish_case(ns, event, t, case, started, verdict, true)
                    .await;
            }
        }
        if let Some(c) = conn.take() {
            let _ = c.close().await;
        }
        // Still serving: one valid event per tested event on a fresh connection.
        for event in tested {
            let started = Instant::now();
            let Some(case) = self
                .cases(ns, event, 1, "after negative cases")
                .into_iter()
                .last()
            else {
                continue;
            };
            let mut fresh: Option<Client> = None;
            let answer = self
                .try_one(ns, &mut fresh, t, event, &case.args, event.ack.is_some())
                .await;
            let failure = self.judge_valid(ns, event, &answer).map(|(_, m)| Failure {
                kind: ViolationKind::NotServingAfterNegative,
                message: format!(
                    "after the negative cases, a valid event on a fresh connection failed: {m}"
                ),
                args: Some(case.args.values.clone()),
                shrunk: None,
                reproduction: Some(self.js_emit(ns, &event.name, &case.args.values)),
            });
            if let Some(c) = fresh {
                let _ = c.close().await;
            }
            self.check(
                Phase::Negative,
                &ns.path,
                &event.name,
                "still serving after negative cases".into(),
                started,
                failure,
            );
        }
    }

    async fn listen(&mut self, ns: &Ns<'a>) {
        if self.opts.listen.is_zero() {
            return;
        }
        let t = self
            .opts
            .transports
            .first()
            .copied()
            .unwrap_or(Transport::Websocket);
        let Ok(mut client) = self.connect(ns, &ns.good, t).await else {
            return;
        };
        let deadline = Instant::now() + self.opts.listen;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            match client.next(left).await {
                Ok(Incoming::Event(e)) => self.keep(ns, &mut client, e).await,
                _ => break,
            }
        }
        let _ = client.close().await;
    }

    fn judge_received(&mut self) {
        let api = self.doc.api.clone();
        let received = std::mem::take(&mut self.received);
        let mut counts: HashMap<(String, String), usize> = HashMap::new();
        let mut compiled: HashMap<(usize, usize), Option<CompiledSchema>> = HashMap::new();
        for r in received {
            let ns = &api.namespaces[r.ns];
            let n = counts.entry((r.path.clone(), r.name.clone())).or_default();
            *n += 1;
            let started = Instant::now();
            let candidates: Vec<&Event> = ns.egress.iter().filter(|e| e.name == r.name).collect();
            let failure = if candidates.is_empty() {
                Some(Failure {
                    kind: ViolationKind::UndeclaredEvent,
                    message: format!(
                        "the server emitted '{}' on {}, which the document does not list (it lists: {})",
                        r.name,
                        r.path,
                        if ns.egress.is_empty() {
                            "nothing".to_owned()
                        } else {
                            ns.egress
                                .iter()
                                .map(|e| e.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        }
                    ),
                    args: Some(r.values.clone()),
                    shrunk: None,
                    reproduction: None,
                })
            } else if candidates.iter().any(|c| c.payload.is_none()) {
                None
            } else {
                // Several messages may share a name: one schema that validates is enough.
                let mut errors = Vec::new();
                let mut valid = false;
                for (i, c) in ns
                    .egress
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| e.name == r.name)
                {
                    let key = (r.ns, i);
                    let resolved = &self.doc.resolved;
                    let schema = compiled.entry(key).or_insert_with(|| {
                        c.payload
                            .as_ref()
                            .and_then(|p| CompiledSchema::compile(p, resolved).ok())
                    });
                    match schema.as_ref().map(|v| v.validate_args(&r.values)) {
                        Some(Ok(())) | None => valid = true,
                        Some(Err(vs)) => errors.push(violations_text(&vs)),
                    }
                }
                (!valid).then(|| Failure {
                    kind: ViolationKind::InvalidServerEvent,
                    message: format!(
                        "the server emitted '{}' with arguments that do not validate: {}",
                        r.name,
                        errors.join(" | ")
                    ),
                    args: Some(r.values.clone()),
                    shrunk: None,
                    reproduction: None,
                })
            };
            self.check(
                Phase::Listen,
                &r.path,
                &r.name,
                format!("server event #{n}"),
                started,
                failure,
            );
        }
    }
}

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
