//! The normalized, version-free model of an AsyncAPI document for Socket.IO.
//!
//! [`Api`] is built once from a resolved document by [`crate::Document`]; AsyncAPI 2.x and 3.0 map to
//! the same model, so every later stage (validators, server, security, docs, mock) is written
//! once. The model never sees YAML and never holds an unresolved non-schema `$ref`.
//!
//! Vocabulary follows socketioxide: a *namespace* is an AsyncAPI channel, an *event* is a
//! message, an *ack* is the Socket.IO acknowledgement. *Ingress* events travel client → server
//! (2.x `publish`, 3.x `receive`), *egress* events server → client (2.x `subscribe`, 3.x `send`).

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use crate::error::UnknownServer;

/// A whole API: what one AsyncAPI document describes.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    /// The `asyncapi` version field, e.g. `"2.6.0"` or `"3.0.0"`.
    pub asyncapi: String,
    /// Title, version and description of the API.
    pub info: Info,
    /// Servers, in document order.
    pub servers: Vec<Server>,
    /// Namespaces (channels), in document order. Several 3.0 channels that share one address
    /// are merged into one namespace.
    pub namespaces: Vec<Namespace>,
    /// `components.securitySchemes`, by name.
    pub security_schemes: IndexMap<String, SecurityScheme>,
    /// The root `x-socketio-recovery`: connection state recovery for every server that does
    /// not declare its own (see [`Api::recovery_for`]).
    pub recovery: Option<Recovery>,
}

/// `x-socketio-recovery` (at the root or on a server): the server keeps what a disconnected
/// client missed, and gives it back when the client reconnects within
/// `maxDisconnectionDuration` (Socket.IO's "connection state recovery").
///
/// ```yaml
/// x-socketio-recovery:
///   maxDisconnectionDuration: 120000   # milliseconds, as Node's socket.io option
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Recovery {
    /// How long a disconnected client's session (rooms, data, missed events) is kept:
    /// `maxDisconnectionDuration`, in milliseconds, greater than 0.
    pub max_disconnection_duration_ms: u64,
}

impl Recovery {
    /// [`Recovery::max_disconnection_duration_ms`] as a duration.
    pub fn max_disconnection_duration(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.max_disconnection_duration_ms)
    }
}

/// How the docs page and the mock's banner say it: `sessions kept 120 s after a disconnect`
/// (milliseconds under a second).
///
/// ```
/// let r = asynction_spec::model::Recovery { max_disconnection_duration_ms: 120_000 };
/// assert_eq!(r.to_string(), "sessions kept 120 s after a disconnect");
/// let r = asynction_spec::model::Recovery { max_disconnection_duration_ms: 1_500 };
/// assert_eq!(r.to_string(), "sessions kept 1.5 s after a disconnect");
/// let r = asynction_spec::model::Recovery { max_disconnection_duration_ms: 250 };
/// assert_eq!(r.to_string(), "sessions kept 250 ms after a disconnect");
/// ```
impl std::fmt::Display for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = self.max_disconnection_duration_ms;
        if ms < 1000 {
            write!(f, "sessions kept {ms} ms after a disconnect")
        } else {
            let seconds = ms as f64 / 1000.0;
            write!(f, "sessions kept {seconds} s after a disconnect")
        }
    }
}

/// `info` of the document.
#[derive(Debug, Clone, Serialize)]
pub struct Info {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description` (CommonMark).
    pub description: Option<String>,
}

/// One entry of `servers`.
#[derive(Debug, Clone, Serialize)]
pub struct Server {
    /// The key of the server in `servers`.
    pub name: String,
    /// The url as written (2.x `url`; 3.0 `host` + `pathname`), variables substituted with their
    /// defaults.
    pub url: String,
    /// `protocol` (e.g. `ws`, `wss`).
    pub protocol: String,
    /// The Socket.IO (engine.io) request path derived from the url, without a trailing slash:
    /// `/socket.io` when the url has no path.
    pub socketio_path: String,
    /// Server-level security requirements (alternatives); empty means none.
    pub security: Vec<SecurityRequirement>,
    /// `description` (CommonMark).
    pub description: Option<String>,
    /// The server's own `x-socketio-recovery`; it wins over the root's.
    pub recovery: Option<Recovery>,
}

impl Server {
    /// The base under which docs are served: the parent of [`Server::socketio_path`]
    /// (`/socket.io` → ``, `/events/socket.io` → `/events`).
    pub fn docs_base(&self) -> String {
        docs_base(&self.socketio_path)
    }
}

/// The parent of a Socket.IO path, without trailing slash (`/a/socket.io` → `/a`, `/socket.io` → ``).
pub fn docs_base(socketio_path: &str) -> String {
    let trimmed = socketio_path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) => trimmed[..i].to_owned(),
        None => String::new(),
    }
}

/// A Socket.IO namespace: one AsyncAPI channel.
#[derive(Debug, Clone, Serialize)]
pub struct Namespace {
    /// The namespace path as clients connect to it, always starting with `/`. May contain
    /// `{param}` segments (see [`Namespace::is_dynamic`]).
    pub path: String,
    /// JSON pointer of the channel in the resolved document.
    pub pointer: String,
    /// `description` of the channel (CommonMark).
    pub description: Option<String>,
    /// Events clients send (2.x `publish`, 3.0 `receive`).
    pub ingress: Vec<Event>,
    /// Events the server sends (2.x `subscribe`, 3.0 `send`).
    pub egress: Vec<Event>,
    /// `x-handlers`: connect, disconnect, error.
    pub handlers: NamespaceHandlers,
    /// `bindings.ws`: what the handshake request must carry.
    pub bindings: HandshakeBindings,
    /// `x-security` (2.x) or the union of the namespace's operation security (3.0). `None`
    /// inherits the server's requirements; `Some(vec![])` makes the namespace public.
    pub security: Option<Vec<SecurityRequirement>>,
    /// Channel `parameters`, by name (schemas of the `{param}` segments).
    pub parameters: IndexMap<String, Schema>,
}

impl Namespace {
    /// Whether the path has `{param}` segments (a socketioxide dynamic namespace).
    pub fn is_dynamic(&self) -> bool {
        self.path.contains('{')
    }

    /// The ingress event called `name`.
    pub fn ingress_event(&self, name: &str) -> Option<&Event> {
        self.ingress.iter().find(|e| e.name == name)
    }

    /// The egress event called `name` (the first, when several messages share a name).
    pub fn egress_event(&self, name: &str) -> Option<&Event> {
        self.egress.iter().find(|e| e.name == name)
    }
}

/// Handler ids of a namespace's lifecycle hooks (`x-handlers`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct NamespaceHandlers {
    /// Runs when a client connects, after bindings and security checks; may refuse.
    pub connect: Option<String>,
    /// Runs when a client disconnects.
    pub disconnect: Option<String>,
    /// Receives every refused event of the namespace.
    pub error: Option<String>,
}

/// One Socket.IO event: an AsyncAPI message.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// The Socket.IO event name (message `name`; `message` when the message has none).
    pub name: String,
    /// JSON pointer of the message in the resolved document.
    pub pointer: String,
    /// `summary` of the message.
    pub summary: Option<String>,
    /// `description` of the message (CommonMark).
    pub description: Option<String>,
    /// Schema of the event's arguments; `None` accepts any arguments.
    pub payload: Option<Schema>,
    /// Schema of the acknowledgement (2.x `x-ack.args`, 3.0 operation `reply`); `None` means
    /// the event is not acknowledged with data.
    pub ack: Option<Schema>,
    /// `x-handler` of the message (3.0: of the operation, else of the message).
    pub handler: Option<String>,
    /// Schema of the message `headers`. Socket.IO events carry no headers: it is kept so that
    /// examples' `headers` can be checked against it.
    pub headers: Option<Schema>,
    /// The message `examples`, in document order. Whether each matches the schemas is checked
    /// by the framework (`asynction::validate::examples`), not here.
    pub examples: Vec<Example>,
}

impl Event {
    /// The `payload` of every example that has one, in document order (valid or not).
    pub fn example_payloads(&self) -> impl Iterator<Item = &Value> {
        self.examples.iter().filter_map(|e| e.payload.as_ref())
    }
}

/// One message example (`examples[i]`; AsyncAPI 2.0's bare example values are read as payloads).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Example {
    /// JSON pointer of the example where it is written in the main file (local `$ref`s
    /// followed, so an example of a message in `components` is known by one pointer however
    /// often the message is used); diagnostics about it point here.
    pub pointer: String,
    /// `name` of the example.
    pub name: Option<String>,
    /// `summary` of the example.
    pub summary: Option<String>,
    /// The example payload: any JSON value (AsyncAPI 3.1 says so explicitly; Socket.IO payloads
    /// are often strings, numbers or argument lists).
    pub payload: Option<Value>,
    /// The example headers.
    pub headers: Option<Value>,
    /// Where [`Example::payload`] sits below [`Example::pointer`]: `/payload`, or empty for a
    /// bare 2.0 example value.
    pub payload_pointer: String,
}

impl Example {
    /// The `examples` of a message object written at `at`: Example Objects with a `payload`
    /// or `headers` (others are skipped), and AsyncAPI 2.0's bare values as payloads. Each
    /// example's pointer is `{at}/examples/{i}`.
    pub fn read_all(message: &serde_json::Map<String, Value>, at: &str) -> Vec<Example> {
        let Some(Value::Array(list)) = message.get("examples") else {
            return Vec::new();
        };
        list.iter()
            .enumerate()
            .filter_map(|(i, ex)| {
                let pointer = format!("{at}/examples/{i}");
                match ex {
                    Value::Object(o) if o.contains_key("payload") || o.contains_key("headers") => {
                        Some(Example {
                            pointer,
                            name: o.get("name").and_then(Value::as_str).map(str::to_owned),
                            summary: o.get("summary").and_then(Value::as_str).map(str::to_owned),
                            payload: o.get("payload").cloned(),
                            headers: o.get("headers").cloned(),
                            payload_pointer: "/payload".to_owned(),
                        })
                    }
                    Value::Object(_) => None,
                    // 2.0 allowed bare example values.
                    other => Some(Example {
                        pointer,
                        name: None,
                        summary: None,
                        payload: Some(other.clone()),
                        headers: None,
                        payload_pointer: String::new(),
                    }),
                }
            })
            .collect()
    }
}

/// A JSON Schema somewhere in the document, with the rule that maps Socket.IO arguments onto it.
#[derive(Debug, Clone, Serialize)]
pub struct Schema {
    /// JSON pointer of the schema in the resolved document.
    pub pointer: String,
    /// The schema, `$ref`s inlined (recursive ones left as local `$ref`s).
    pub value: Value,
    /// How Socket.IO arguments map onto the schema (see [`ArgumentList`]).
    pub arguments: ArgumentList,
}

/// How a Socket.IO argument list maps onto a payload or ack schema — asynction's answer to the
/// original's open issue #205.
///
/// Socket.IO events carry a *list* of arguments; JSON Schema describes one value. The original
/// guessed (one argument → that argument, several → an array), so "one array argument" and
/// "several arguments" were indistinguishable. asynction makes it explicit, per schema:
/// - [`ArgumentList::Single`] (the default): the event carries exactly one argument, validated
///   against the schema. An array schema describes one array argument.
/// - [`ArgumentList::Spread`]: the schema carries `x-socketio-args: spread` and must describe an
///   array (e.g. with `prefixItems`); the *list of arguments* is validated as that array, so
///   `emit("move", 1, "up")` is `[1, "up"]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArgumentList {
    /// Exactly one argument, validated as-is.
    Single,
    /// All arguments, validated as one array.
    Spread,
}

/// `bindings.ws` of a channel: what the engine.io handshake request must satisfy.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HandshakeBindings {
    /// Schema of the query parameters (an object schema; values are coerced from strings).
    pub query: Option<Schema>,
    /// Schema of the headers (an object schema; names compared case-insensitively).
    pub headers: Option<Schema>,
    /// Required HTTP method (`GET`, `POST`).
    pub method: Option<String>,
}

impl HandshakeBindings {
    /// Whether the bindings require anything at all.
    pub fn is_empty(&self) -> bool {
        self.query.is_none() && self.headers.is_none() && self.method.is_none()
    }
}

/// One security requirement object: every scheme listed must pass (AND). A list of them is a
/// list of alternatives (OR).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SecurityRequirement {
    /// Scheme name → required scopes.
    pub schemes: IndexMap<String, Vec<String>>,
}

/// A security scheme of `components.securitySchemes`.
#[derive(Debug, Clone, Serialize)]
pub struct SecurityScheme {
    /// The scheme's name in `components.securitySchemes`.
    pub name: String,
    /// What kind of credential it is and where it is read.
    pub kind: SchemeKind,
    /// `description` (CommonMark).
    pub description: Option<String>,
    /// Ids of the functions that check credentials, by extension name without the `x-`
    /// (`basicInfoFunc`, `bearerInfoFunc`, `apiKeyInfoFunc`, `tokenInfoFunc`,
    /// `scopeValidateFunc`).
    pub handlers: IndexMap<String, String>,
}

/// Kinds of security scheme asynction understands.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
#[non_exhaustive]
pub enum SchemeKind {
    /// `http` with `scheme: basic`.
    HttpBasic,
    /// `http` with `scheme: bearer`.
    HttpBearer {
        /// `bearerFormat`, a hint such as `JWT`.
        bearer_format: Option<String>,
    },
    /// `httpApiKey`: a key in the query, a header or a cookie.
    HttpApiKey {
        /// Where the key is read.
        location: ApiKeyLocation,
        /// Query parameter, header or cookie name.
        name: String,
    },
    /// `apiKey` (AsyncAPI's user/password form): read from the CONNECT `auth` payload.
    ApiKey {
        /// `in`: `user` or `password`.
        location: String,
    },
    /// `oauth2`: a bearer token, introspected by a handler; scopes checked.
    OAuth2 {
        /// Every scope declared by any flow.
        scopes: Vec<String>,
    },
    /// `openIdConnect`: a bearer token checked by a handler.
    OpenIdConnect {
        /// `openIdConnectUrl`.
        url: String,
    },
    /// Any other type (`X509`, `plain`, `http` digest, …): asynction cannot check it and refuses
    /// to start when a requirement uses it.
    Unsupported {
        /// The `type` (and `scheme`) as written.
        description: String,
    },
}

/// Where an `httpApiKey` is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiKeyLocation {
    /// A query parameter of the handshake request.
    Query,
    /// A header of the handshake request.
    Header,
    /// A cookie of the handshake request.
    Cookie,
}

impl Api {
    /// The namespace at `path` (exact match of the document's path).
    pub fn namespace(&self, path: &str) -> Option<&Namespace> {
        self.namespaces.iter().find(|n| n.path == path)
    }

    /// The server called `name`.
    pub fn server(&self, name: &str) -> Option<&Server> {
        self.servers.iter().find(|s| s.name == name)
    }

    /// The server called `name`, or an error that names it and lists the servers the document
    /// declares: what a tool taking `--server NAME` reports.
    ///
    /// ```
    /// let doc = asynction_spec::Document::from_text(
    ///     "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nservers:\n  production: {url: 'ws://example.com', protocol: ws}\nchannels: {}\n",
    /// )?;
    /// assert_eq!(doc.api.server_named("production").unwrap().protocol, "ws");
    /// assert_eq!(
    ///     doc.api.server_named("staging").unwrap_err().to_string(),
    ///     "the document has no server 'staging' (servers: production)"
    /// );
    /// # Ok::<(), asynction_spec::SpecError>(())
    /// ```
    pub fn server_named(&self, name: &str) -> Result<&Server, UnknownServer> {
        self.server(name).ok_or_else(|| UnknownServer {
            name: name.to_owned(),
            known: self.servers.iter().map(|s| s.name.clone()).collect(),
        })
    }

    /// The connection state recovery that applies on `server` (the one a server or mock was
    /// started for; `None` when none was chosen): the server's own `x-socketio-recovery`, else
    /// the root's.
    ///
    /// ```
    /// let doc = asynction_spec::Document::from_text(
    ///     "asyncapi: 2.6.0\ninfo: {title: T, version: '1'}\nx-socketio-recovery: {maxDisconnectionDuration: 120000}\nservers:\n  edge: {url: 'ws://example.com', protocol: ws, x-socketio-recovery: {maxDisconnectionDuration: 5000}}\n  core: {url: 'ws://example.org', protocol: ws}\nchannels: {}\n",
    /// )?;
    /// let api = &doc.api;
    /// assert_eq!(api.recovery_for(api.server("edge")).unwrap().max_disconnection_duration_ms, 5000);
    /// assert_eq!(api.recovery_for(api.server("core")).unwrap().max_disconnection_duration_ms, 120000);
    /// assert_eq!(api.recovery_for(None), api.recovery);
    /// # Ok::<(), asynction_spec::SpecError>(())
    /// ```
    pub fn recovery_for(&self, server: Option<&Server>) -> Option<Recovery> {
        server.and_then(|s| s.recovery).or(self.recovery)
    }

    /// Every handler id the document names, with where it is named (for error messages).
    pub fn handler_ids(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for ns in &self.namespaces {
            let h = &ns.handlers;
            for (what, id) in [
                ("connect", &h.connect),
                ("disconnect", &h.disconnect),
                ("error", &h.error),
            ] {
                if let Some(id) = id {
                    out.push((
                        id.clone(),
                        format!("namespace {} x-handlers.{what}", ns.path),
                    ));
                }
            }
            for ev in &ns.ingress {
                if let Some(id) = &ev.handler {
                    out.push((
                        id.clone(),
                        format!("namespace {} event '{}'", ns.path, ev.name),
                    ));
                }
            }
        }
        out
    }
}

/// Which kind of credential-checking function a security scheme's `x-…Func` extension names
/// (the original Asynction's extensions; `asynction::security::SecurityHandlers` registers one
/// function per kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecurityFunctionKind {
    /// Checks a user name and password (`x-basicInfoFunc`).
    Basic,
    /// Checks a bearer token (`x-bearerInfoFunc`).
    Bearer,
    /// Checks an API key (`x-apiKeyInfoFunc`).
    ApiKey,
    /// Turns an OAuth2 / OpenID Connect token into scopes (`x-tokenInfoFunc`).
    TokenInfo,
    /// Decides whether granted scopes satisfy required ones (`x-scopeValidateFunc`).
    ScopeValidator,
}

impl SecurityFunctionKind {
    /// The scheme extensions (without `x-`) that name checking functions, and the kind of
    /// function each names. `basicBearerInfoFunc` is the original README's spelling of
    /// `bearerInfoFunc`.
    pub const EXTENSIONS: [(&'static str, SecurityFunctionKind); 6] = [
        ("basicInfoFunc", SecurityFunctionKind::Basic),
        ("bearerInfoFunc", SecurityFunctionKind::Bearer),
        ("basicBearerInfoFunc", SecurityFunctionKind::Bearer),
        ("apiKeyInfoFunc", SecurityFunctionKind::ApiKey),
        ("tokenInfoFunc", SecurityFunctionKind::TokenInfo),
        ("scopeValidateFunc", SecurityFunctionKind::ScopeValidator),
    ];

    /// The kind named by `extension` (without `x-`), if it is one of [`Self::EXTENSIONS`].
    pub fn from_extension(extension: &str) -> Option<Self> {
        Self::EXTENSIONS
            .iter()
            .find(|(e, _)| *e == extension)
            .map(|(_, kind)| *kind)
    }

    /// The extension (without `x-`) that names a function of this kind, as asynction spells it.
    pub fn extension(self) -> &'static str {
        match self {
            SecurityFunctionKind::Basic => "basicInfoFunc",
            SecurityFunctionKind::Bearer => "bearerInfoFunc",
            SecurityFunctionKind::ApiKey => "apiKeyInfoFunc",
            SecurityFunctionKind::TokenInfo => "tokenInfoFunc",
            SecurityFunctionKind::ScopeValidator => "scopeValidateFunc",
        }
    }
}

impl std::fmt::Display for SecurityFunctionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SecurityFunctionKind::Basic => "basic",
            SecurityFunctionKind::Bearer => "bearer",
            SecurityFunctionKind::ApiKey => "api_key",
            SecurityFunctionKind::TokenInfo => "token_info",
            SecurityFunctionKind::ScopeValidator => "scope_validator",
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::Document;

    fn api(servers: &str) -> std::sync::Arc<super::Api> {
        let text =
            format!("asyncapi: 2.6.0\ninfo: {{title: T, version: '1'}}\n{servers}channels: {{}}\n");
        Document::from_text(&text).expect("the document loads").api
    }

    #[test]
    fn an_unknown_server_is_named_with_the_servers_the_document_declares() {
        let api = api(
            "servers:\n  production: {url: 'wss://example.com/api', protocol: wss}\n  local: {url: 'ws://localhost:8080', protocol: ws}\n",
        );
        assert_eq!(
            api.server_named("local").map(|s| s.url.as_str()),
            Ok("ws://localhost:8080")
        );
        let unknown = api.server_named("staging").unwrap_err();
        assert_eq!(unknown.name, "staging");
        assert_eq!(unknown.known, ["production", "local"]);
        assert_eq!(
            unknown.to_string(),
            "the document has no server 'staging' (servers: production, local)"
        );
    }

    #[test]
    fn an_unknown_server_of_a_document_without_servers_says_it_declares_none() {
        let unknown = api("").server_named("production").unwrap_err();
        assert!(unknown.known.is_empty());
        assert_eq!(
            unknown.to_string(),
            "the document has no server 'production' (it declares no servers)"
        );
    }
}
