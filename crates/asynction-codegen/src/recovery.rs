//! Whether a document turns connection state recovery on: the generated clients then opt in by
//! themselves (a server that runs without it ignores the opt-in).

use asynction_spec::Api;

/// `x-socketio-recovery` at the root or on any server of the document.
pub(crate) fn declared(api: &Api) -> bool {
    api.recovery.is_some() || api.servers.iter().any(|s| s.recovery.is_some())
}
