//! What `src/index.ts` holds, before rendering: the namespaces with their events and
//! generated type names. Built by [`super::client`], read by it and by [`super::runtime`]
//! (so neither imports the other).

use crate::types::{Def, Warning};

/// How an event's arguments are typed.
#[derive(Debug, Clone)]
pub(crate) struct Arguments {
    /// The named type of the schema.
    pub(crate) type_name: String,
    /// `x-socketio-args: spread`.
    pub(crate) spread: bool,
}

/// One event of a namespace.
#[derive(Debug, Clone)]
pub(crate) struct EventInfo {
    /// The Socket.IO event name.
    pub(crate) name: String,
    /// The payload's type; `None` when the document accepts any arguments.
    pub(crate) payload: Option<Arguments>,
    /// The ack's type; `None` when the event is not acknowledged with data.
    pub(crate) ack: Option<Arguments>,
    /// TSDoc lines.
    pub(crate) doc: Vec<String>,
    /// The listener / emit signature: `(payload: X, ack: (response: Y) => void) => void`.
    pub(crate) signature: String,
}

/// One namespace's generated names and events.
#[derive(Debug, Clone)]
pub(crate) struct NamespaceInfo {
    /// The path as in the document (`/tenant/{id}`).
    pub(crate) path: String,
    /// The TypeScript type of the `namespace` argument (`"/chat"`, `` `/tenant/${string}` ``).
    pub(crate) literal: String,
    /// Whether the path has `{param}` segments.
    pub(crate) dynamic: bool,
    /// `…ClientToServerEvents`.
    pub(crate) client_to_server: String,
    /// `…ServerToClientEvents`.
    pub(crate) server_to_client: String,
    /// `…Socket`.
    pub(crate) socket: String,
    /// `…ConnectOptions`.
    pub(crate) options: String,
    /// The `auth` type's TypeScript expression and whether it is required.
    pub(crate) auth: Option<(String, bool)>,
    /// The `query` type's name and whether it is required.
    pub(crate) query: Option<(String, bool)>,
    /// The `extraHeaders` type's name and whether it is required.
    pub(crate) headers: Option<(String, bool)>,
    /// Events the client sends.
    pub(crate) ingress: Vec<EventInfo>,
    /// Events the server sends.
    pub(crate) egress: Vec<EventInfo>,
    /// The channel's description.
    pub(crate) description: Option<String>,
}

impl NamespaceInfo {
    /// Whether `connect` needs options for this namespace.
    pub(crate) fn options_required(&self) -> bool {
        [&self.auth, &self.query, &self.headers]
            .iter()
            .any(|o| o.as_ref().is_some_and(|(_, r)| *r))
    }
}

/// Everything `src/index.ts` holds, before rendering.
pub(crate) struct Client {
    /// Namespaces in document order.
    pub(crate) namespaces: Vec<NamespaceInfo>,
    /// Named types.
    pub(crate) defs: Vec<Def>,
    /// Approximations made.
    pub(crate) warnings: Vec<Warning>,
    /// The default Socket.IO path.
    pub(crate) socketio_path: String,
    /// Whether zod checks are generated.
    pub(crate) runtime_checks: bool,
    /// Whether the client opts in to connection state recovery (the document declares it).
    pub(crate) recovery: bool,
    /// The pseudo-event name invalid messages are reported under.
    pub(crate) invalid_event: String,
    pub(super) title: String,
    pub(super) version: String,
    pub(super) uses_binary: bool,
}
