//! What `src/index.ts` holds, before rendering: the namespaces with their events and
//! generated type names. Built by [`super::client`], read by it and by [`super::runtime`]
//! (so neither imports the other).

use super::schema::{Def, Warning};

/// How an event's arguments are typed.
#[derive(Debug, Clone)]
pub struct Arguments {
    /// The named type of the schema.
    pub type_name: String,
    /// `x-socketio-args: spread`.
    pub spread: bool,
}

/// One event of a namespace.
#[derive(Debug, Clone)]
pub struct EventInfo {
    /// The Socket.IO event name.
    pub name: String,
    /// The payload's type; `None` when the document accepts any arguments.
    pub payload: Option<Arguments>,
    /// The ack's type; `None` when the event is not acknowledged with data.
    pub ack: Option<Arguments>,
    /// TSDoc lines.
    pub doc: Vec<String>,
    /// The listener / emit signature: `(payload: X, ack: (response: Y) => void) => void`.
    pub signature: String,
}

/// One namespace's generated names and events.
#[derive(Debug, Clone)]
pub struct NamespaceInfo {
    /// The path as in the document (`/tenant/{id}`).
    pub path: String,
    /// The TypeScript type of the `namespace` argument (`"/chat"`, `` `/tenant/${string}` ``).
    pub literal: String,
    /// Whether the path has `{param}` segments.
    pub dynamic: bool,
    /// `…ClientToServerEvents`.
    pub client_to_server: String,
    /// `…ServerToClientEvents`.
    pub server_to_client: String,
    /// `…Socket`.
    pub socket: String,
    /// `…ConnectOptions`.
    pub options: String,
    /// The `auth` type's TypeScript expression and whether it is required.
    pub auth: Option<(String, bool)>,
    /// The `query` type's name and whether it is required.
    pub query: Option<(String, bool)>,
    /// The `extraHeaders` type's name and whether it is required.
    pub headers: Option<(String, bool)>,
    /// Events the client sends.
    pub ingress: Vec<EventInfo>,
    /// Events the server sends.
    pub egress: Vec<EventInfo>,
    /// The channel's description.
    pub description: Option<String>,
}

impl NamespaceInfo {
    /// Whether `connect` needs options for this namespace.
    pub fn options_required(&self) -> bool {
        [&self.auth, &self.query, &self.headers]
            .iter()
            .any(|o| o.as_ref().is_some_and(|(_, r)| *r))
    }
}

/// Everything `src/index.ts` holds, before rendering.
pub struct Client {
    /// Namespaces in document order.
    pub namespaces: Vec<NamespaceInfo>,
    /// Named types.
    pub defs: Vec<Def>,
    /// Approximations made.
    pub warnings: Vec<Warning>,
    /// The default Socket.IO path.
    pub socketio_path: String,
    /// Whether zod checks are generated.
    pub runtime_checks: bool,
    /// The pseudo-event name invalid messages are reported under.
    pub invalid_event: String,
    pub(super) title: String,
    pub(super) version: String,
    pub(super) uses_binary: bool,
}
