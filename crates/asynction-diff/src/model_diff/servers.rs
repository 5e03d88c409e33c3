//! Servers: removed, added, a changed Socket.IO path (clients are refused) or url.

use asynction_spec::model::Server;

use super::{Differ, Draft, Subject};
use crate::schema;
use crate::{ChangeKind, Severity};

impl Differ<'_> {
    pub(super) fn servers(&mut self, olds: &[Server], news: &[Server]) {
        let at = Subject::DOCUMENT;
        let ptr = |s: &Server| format!("/servers/{}", schema::escape(&s.name));
        for o in olds {
            let Some(n) = news.iter().find(|n| n.name == o.name) else {
                self.push(
                    at,
                    Draft {
                        kind: ChangeKind::ServerRemoved,
                        severity: Severity::Breaking,
                        message: format!("server {} removed ({})", o.name, o.url),
                        affected: format!(
                            "Clients configured for server {} ({}) can no longer find it in the document.",
                            o.name, o.url
                        ),
                        old: &ptr(o),
                        new: "/servers",
                    },
                );
                continue;
            };
            if o.socketio_path != n.socketio_path {
                self.push(
                    at,
                    Draft {
                        kind: ChangeKind::ServerPathChanged,
                        severity: Severity::Breaking,
                        message: format!(
                            "server {} Socket.IO path changed from {} to {}",
                            o.name, o.socketio_path, n.socketio_path
                        ),
                        affected: format!(
                            "Clients connecting with path {} are refused.",
                            o.socketio_path
                        ),
                        old: &ptr(o),
                        new: &ptr(n),
                    },
                );
            } else if o.url != n.url || o.protocol != n.protocol {
                self.push(
                    at,
                    Draft {
                        kind: ChangeKind::ServerUrlChanged,
                        severity: Severity::Warning,
                        message: format!(
                            "server {} changed from {}://{} to {}://{}",
                            o.name, o.protocol, o.url, n.protocol, n.url
                        ),
                        affected: format!(
                            "Clients configured with {}://{} must follow the move.",
                            o.protocol, o.url
                        ),
                        old: &ptr(o),
                        new: &ptr(n),
                    },
                );
            }
        }
        for n in news {
            if !olds.iter().any(|o| o.name == n.name) {
                self.push(
                    at,
                    Draft {
                        kind: ChangeKind::ServerAdded,
                        severity: Severity::Info,
                        message: format!("server {} added ({})", n.name, n.url),
                        affected: "No existing client is affected.".to_owned(),
                        old: "/servers",
                        new: &ptr(n),
                    },
                );
            }
        }
    }
}
