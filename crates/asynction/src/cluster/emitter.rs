//! [`Emitter`]: validated emits to a cluster's clients from a process that is not a Socket.IO
//! server (a worker, a scheduled job, `asynction emit`).

use std::sync::Arc;
use std::time::Duration;

use redis::AsyncCommands;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use serde::Serialize;
use socketioxide_emitter::IoEmitter;

use super::ClusterError;
use super::recovery_log::DEFAULT_PREFIX;
use super::redis::{redact_url, redis_client};
use crate::observe::{EmitKind, EmitTarget, Observer, Unobserved};
use crate::recovery::{DEFAULT_MAX_LOG_LENGTH, Entry, OPTED_IN, Target};
use crate::server::emit::{checked_event, checked_event_args};
use crate::server::{EmitError, SendFailure};
use crate::spec::Document;
use crate::validate::{CheckedEvent, NamespaceIndex, NamespaceValidators, Validators};
use crate::wire::Args;

/// How long connecting or one `PUBLISH` may take.
const TIMEOUT: Duration = Duration::from_secs(2);

/// Publishes events to every node of a cluster (see [`crate::cluster`]) after validating them
/// against the document's egress schemas, exactly as a server's own emits are: an invalid
/// emit returns [`EmitError::Invalid`] and publishes nothing. Cheap to clone. Acks are not
/// available (nobody would receive them). When the document declares connection state
/// recovery (`x-socketio-recovery`), each event is also appended to the cluster's recovery log,
/// so opted-in clients get it with its offset and again after a lost connection, as the nodes'
/// own emits (see [`crate::recovery`]).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let doc = asynction::Document::from_path("asyncapi.yaml")?;
/// let emitter = asynction::cluster::Emitter::connect(&doc, "redis://127.0.0.1:6379").await?;
/// emitter.of("/admin")?.to("ops").emit("metrics", "signup").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Emitter {
    namespaces: Arc<NamespaceIndex>,
    publisher: Publisher,
    validation: bool,
    /// Who observes its emits (the metrics, see `Emitter::metrics`); nobody by default.
    observer: Arc<dyn Observer>,
    /// The document declares connection state recovery: events also go to the recovery log,
    /// which every node reads to reach its opted-in clients (see `recovery_log.rs`).
    recovery: bool,
}

/// The PUBLISH side of socketioxide-emitter, over a reconnecting connection made at the first
/// publish (or by [`Emitter::connect`]).
#[derive(Clone)]
struct Publisher {
    client: redis::Client,
    conn: Arc<tokio::sync::OnceCell<ConnectionManager>>,
    url: String,
}

impl Publisher {
    /// The connection, made now if it is not yet.
    async fn connection(&self) -> Result<ConnectionManager, redis::RedisError> {
        let conn = self
            .conn
            .get_or_try_init(|| {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(TIMEOUT))
                    .set_response_timeout(Some(TIMEOUT))
                    .set_number_of_retries(2);
                self.client.get_connection_manager_with_config(config)
            })
            .await?;
        Ok(conn.clone())
    }
}

impl socketioxide_emitter::Driver for Publisher {
    type Error = redis::RedisError;

    async fn emit(&self, channel: String, data: Vec<u8>) -> Result<(), Self::Error> {
        self.connection()
            .await?
            .publish::<_, _, redis::Value>(channel, data)
            .await?;
        Ok(())
    }
}

impl Emitter {
    /// Compiles `doc`'s schemas and connects to Redis at `url` (see
    /// [`redis_adapter`](super::redis_adapter) for the URL forms). Fails when a schema is invalid or Redis is
    /// unreachable.
    pub async fn connect(doc: &Document, url: &str) -> Result<Self, ClusterError> {
        let emitter = Self::new(doc, url)?;
        let publisher = &emitter.publisher;
        publisher
            .connection()
            .await
            .map_err(|e| ClusterError::Redis {
                url: publisher.url.clone(),
                reason: e.to_string(),
            })?;
        Ok(emitter)
    }

    /// Compiles `doc`'s schemas and reads the Redis `url`, without connecting: the first emit
    /// that passes validation connects, so an invalid emit is reported as such whether Redis
    /// is reachable or not (what `asynction emit` does). Fails when a schema is invalid or the
    /// URL is malformed.
    pub fn new(doc: &Document, url: &str) -> Result<Self, ClusterError> {
        let namespaces = NamespaceIndex::new(&doc.api, Validators::compile(doc)?)
            .map_err(crate::server::BuildError::from)?;
        Ok(Self {
            namespaces: Arc::new(namespaces),
            publisher: Publisher {
                client: redis_client(url)?,
                conn: Arc::new(tokio::sync::OnceCell::new()),
                url: redact_url(url),
            },
            validation: true,
            observer: Arc::new(Unobserved),
            recovery: doc.api.recovery.is_some()
                || doc.api.servers.iter().any(|s| s.recovery.is_some()),
        })
    }

    /// Turns egress validation off or on (default: on), like the server's `validation(false)`.
    pub fn validation(mut self, on: bool) -> Self {
        self.validation = on;
        self
    }

    /// Reports this emitter's emits to `observer` (see `observe/`): the metrics feature's
    /// `Emitter::metrics` plugs in here.
    #[allow(dead_code)]
    pub(crate) fn observed_by(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = observer;
        self
    }

    /// Every client of namespace `path` on every node (a document namespace, or a concrete
    /// path of a dynamic one such as `/tenant/acme` for `/tenant/{id}`).
    pub fn of(&self, path: &str) -> Result<ClusterBroadcast, EmitError> {
        let ns = self
            .namespaces
            .lookup(path)
            .cloned()
            .ok_or_else(|| EmitError::UnknownNamespace(path.to_owned()))?;
        Ok(ClusterBroadcast {
            emitter: self.clone(),
            ns,
            path: path.to_owned(),
            rooms: Vec::new(),
            except: Vec::new(),
        })
    }
}

/// The clients of one namespace across the cluster, narrowed by rooms; emits are validated.
pub struct ClusterBroadcast {
    emitter: Emitter,
    ns: Arc<NamespaceValidators>,
    path: String,
    rooms: Vec<String>,
    except: Vec<String>,
}

impl ClusterBroadcast {
    /// Appends the event to the cluster's recovery log (`XADD`, bounded like the nodes').
    async fn append_to_recovery_log(&self, checked: &CheckedEvent<'_>) -> Result<(), EmitError> {
        let entry = Entry {
            event: checked.event().to_owned(),
            args: checked.args().clone(),
            target: Target {
                rooms: self.rooms.clone(),
                except: self.except.clone(),
                ..Target::default()
            },
        };
        let publisher = &self.emitter.publisher;
        let failed = |e: String| {
            EmitError::Send(SendFailure::Publish(format!(
                "appending to the recovery log in Redis at {}: {e}",
                publisher.url
            )))
        };
        let mut conn = publisher
            .connection()
            .await
            .map_err(|e| failed(e.to_string()))?;
        redis::cmd("XADD")
            .arg(format!("{DEFAULT_PREFIX}:log"))
            .arg("MAXLEN")
            .arg("~")
            .arg(DEFAULT_MAX_LOG_LENGTH)
            .arg("*")
            .arg("e")
            .arg(entry.encode(&self.path))
            .query_async::<redis::Value>(&mut conn)
            .await
            .map_err(|e| failed(e.to_string()))?;
        Ok(())
    }

    /// Restricts to clients in `room` (call again for several rooms: clients in any of them).
    pub fn to(mut self, room: impl Into<String>) -> Self {
        self.rooms.push(room.into());
        self
    }

    /// Excludes clients in `room`.
    pub fn except(mut self, room: impl Into<String>) -> Self {
        self.except.push(room.into());
        self
    }

    /// Validates `data` against `event`'s egress schema (one argument; with an
    /// `x-socketio-args: spread` schema, an array is sent as several arguments), then publishes.
    pub async fn emit<T: Serialize + ?Sized>(self, event: &str, data: &T) -> Result<(), EmitError> {
        let validate = self.emitter.validation;
        let checked = checked_event(&self.ns, &self.path, event, data, validate);
        self.publish(self.counted(event, checked)?).await
    }

    /// Validates and publishes several arguments, binary attachments included.
    pub async fn emit_args(self, event: &str, args: &Args) -> Result<(), EmitError> {
        let validate = self.emitter.validation;
        let checked = checked_event_args(&self.ns, &self.path, event, args, validate);
        self.publish(self.counted(event, checked)?).await
    }

    /// Reports one checked emit (kind `cluster`, or refused) to the emitter's observer.
    fn counted<'e>(
        &self,
        event: &str,
        checked: Result<CheckedEvent<'e>, EmitError>,
    ) -> Result<CheckedEvent<'e>, EmitError> {
        let target = EmitTarget {
            path: &self.path,
            namespaces: &self.emitter.namespaces,
        };
        self.emitter.observer.emit_checked(
            &target,
            event,
            EmitKind::Cluster,
            checked.as_ref().ok().map(CheckedEvent::args),
        );
        checked
    }

    async fn publish(&self, checked: CheckedEvent<'_>) -> Result<(), EmitError> {
        let mut io = IoEmitter::new().of(self.path.clone());
        if !self.rooms.is_empty() {
            io = io.to(self.rooms.clone());
        }
        let mut except = self.except.clone();
        if self.emitter.recovery {
            // Opted-in clients get it from the recovery log, with its offset (see
            // `crate::recovery`); they are in no application room, so only a namespace-wide
            // broadcast must leave them out.
            self.append_to_recovery_log(&checked).await?;
            if self.rooms.is_empty() {
                except.push(OPTED_IN.to_owned());
            }
        }
        if !except.is_empty() {
            io = io.except(except);
        }
        let publisher = &self.emitter.publisher;
        tokio::time::timeout(
            TIMEOUT * 2,
            io.emit(checked.event(), &checked.wire(), publisher),
        )
        .await
        .map_err(|_| {
            EmitError::Send(SendFailure::Publish(format!(
                "publishing to Redis at {} timed out",
                publisher.url
            )))
        })?
        .map_err(|e| {
            EmitError::Send(SendFailure::Publish(format!(
                "publishing to Redis at {}: {e}",
                publisher.url
            )))
        })
    }
}
