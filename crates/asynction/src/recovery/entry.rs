//! One logged event: what was sent and to whom, so a recovering client gets exactly the events
//! that were meant for it.

use std::collections::HashSet;

use socketioxide::socket::Sid;

use crate::wire::Args;

/// Who an event was sent to, in the application's terms (rooms, not shadows), as Node's
/// adapter records a broadcast's options.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Target {
    /// The rooms it went to; empty means the whole namespace (unless `socket` is set).
    pub rooms: Vec<String>,
    /// Rooms it skipped.
    pub except: Vec<String>,
    /// The socket it skipped (a socket's own `broadcast()` / `to()`).
    pub except_socket: Option<Sid>,
    /// The one socket it went to (a socket's own `emit`).
    pub socket: Option<Sid>,
}

impl Target {
    /// One socket.
    pub(crate) fn socket(sid: Sid) -> Self {
        Self {
            socket: Some(sid),
            ..Self::default()
        }
    }

    /// Whether a client that was in `rooms` under the socket ids `sids` (one per connection
    /// of its session) was meant to receive it.
    pub(crate) fn reaches(&self, rooms: &HashSet<String>, sids: &[Sid]) -> bool {
        if let Some(sid) = self.socket {
            return sids.contains(&sid);
        }
        if self.except_socket.is_some_and(|s| sids.contains(&s)) {
            return false;
        }
        if self.except.iter().any(|r| rooms.contains(r)) {
            return false;
        }
        self.rooms.is_empty() || self.rooms.iter().any(|r| rooms.contains(r))
    }
}

/// An event as the log keeps it: validated when it was sent, validated again when replayed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub event: String,
    pub args: Args,
    pub target: Target,
}

/// `args` with `offset` as one more, last argument: what an opted-in client receives.
pub(crate) fn with_offset(args: &Args, offset: &str) -> Args {
    let mut values = Vec::with_capacity(args.values.len() + 1);
    values.extend(args.values.iter().cloned());
    values.push(serde_json::Value::String(offset.to_owned()));
    Args {
        values,
        binaries: args.binaries.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rooms(names: &[&str]) -> HashSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_entry_reaches_the_clients_its_rooms_and_exceptions_select() {
        let me = Sid::new();
        let other = Sid::new();
        let everyone = Target::default();
        assert!(everyone.reaches(&rooms(&[]), &[me]));
        let lobby = Target {
            rooms: vec!["lobby".into()],
            ..Target::default()
        };
        assert!(lobby.reaches(&rooms(&["lobby"]), &[me]));
        assert!(!lobby.reaches(&rooms(&["kitchen"]), &[me]));
        let not_vip = Target {
            except: vec!["vip".into()],
            ..Target::default()
        };
        assert!(!not_vip.reaches(&rooms(&["vip"]), &[me]));
        let others = Target {
            except_socket: Some(me),
            ..Target::default()
        };
        assert!(!others.reaches(&rooms(&[]), &[other, me]));
        assert!(others.reaches(&rooms(&[]), &[other]));
        assert!(Target::socket(me).reaches(&rooms(&[]), &[other, me]));
        assert!(!Target::socket(me).reaches(&rooms(&["lobby"]), &[other]));
    }
}

/// An entry as a shared log stores it (JSON; binary attachments base64).
#[cfg(feature = "redis")]
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredEntry {
    ns: String,
    event: String,
    args: Vec<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    bin: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rooms: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    except: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    except_socket: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    socket: Option<String>,
}

#[cfg(feature = "redis")]
impl Entry {
    /// The entry of namespace `ns` as a shared log stores it.
    pub(crate) fn encode(&self, ns: &str) -> String {
        use base64::Engine as _;
        let stored = StoredEntry {
            ns: ns.to_owned(),
            event: self.event.clone(),
            args: self.args.values.clone(),
            bin: self
                .args
                .binaries
                .iter()
                .map(|b| base64::engine::general_purpose::STANDARD.encode(b))
                .collect(),
            rooms: self.target.rooms.clone(),
            except: self.target.except.clone(),
            except_socket: self.target.except_socket.map(|s| s.to_string()),
            socket: self.target.socket.map(|s| s.to_string()),
        };
        serde_json::to_string(&stored).expect("an entry is JSON")
    }

    /// An entry read back from a shared log, with its namespace; `None` when it is not one
    /// this version wrote (it is then skipped, and said so).
    pub(crate) fn decode(text: &str) -> Option<(String, Entry)> {
        use base64::Engine as _;
        let stored: StoredEntry = serde_json::from_str(text).ok()?;
        let sid = |s: Option<String>| -> Option<Option<Sid>> {
            match s {
                None => Some(None),
                Some(s) => s.parse().ok().map(Some),
            }
        };
        let binaries = stored
            .bin
            .iter()
            .map(|b| {
                base64::engine::general_purpose::STANDARD
                    .decode(b)
                    .ok()
                    .map(bytes::Bytes::from)
            })
            .collect::<Option<Vec<_>>>()?;
        let entry = Entry {
            event: stored.event,
            args: Args {
                values: stored.args,
                binaries,
            },
            target: Target {
                rooms: stored.rooms,
                except: stored.except,
                except_socket: sid(stored.except_socket)?,
                socket: sid(stored.socket)?,
            },
        };
        Some((stored.ns, entry))
    }
}

#[cfg(all(test, feature = "redis"))]
mod stored_tests {
    use super::*;

    #[test]
    fn an_entry_reads_back_what_it_wrote_binaries_and_socket_ids_included() {
        let entry = Entry {
            event: "photo".into(),
            args: Args {
                values: vec![
                    serde_json::json!({"_placeholder": true, "num": 0}),
                    "x".into(),
                ],
                binaries: vec![bytes::Bytes::from_static(&[0, 1, 255])],
            },
            target: Target {
                rooms: vec!["a".into()],
                except: vec!["b".into()],
                except_socket: Some(Sid::new()),
                socket: None,
            },
        };
        let text = entry.encode("/chat");
        assert_eq!(Entry::decode(&text), Some(("/chat".to_owned(), entry)));
        assert_eq!(Entry::decode("{\"ns\": 1}"), None);
        assert_eq!(Entry::decode("not json"), None);
    }
}
