//! Connection state recovery across a cluster: the recovery log as one Redis Stream and the
//! sessions as Redis keys, shared by every node (as `@socket.io/redis-streams-adapter` does for
//! Node; offsets are stream entry ids).
//!
//! - `{prefix}:log`: one stream for every namespace. A node appends the events for opted-in
//!   clients (`XADD … MAXLEN ~ max_log_length`, in order, from one writer task), trims what is
//!   older than the recovery window every second (`XTRIM MINID ~`), and reads it from one
//!   consumer task (`XREAD BLOCK`) that delivers each entry to its own opted-in clients
//!   (`recovery::deliver_logged`). Plain clients are still reached through socketioxide-redis's
//!   pub/sub, as before.
//! - `{prefix}:session:{pid}`: a disconnected client's session (JSON), kept for two windows so
//!   "expired" can be told from "unknown"; taken with `GETDEL` (once).
//!
//! The writer keeps its queue while Redis is away and retries; the consumer resumes from the
//! last entry it delivered, so a Redis restart loses nothing that Redis itself kept.

use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use redis::aio::ConnectionManager;
use redis::streams::{StreamRangeReply, StreamReadReply};
use redis::{AsyncCommands, Value};
use socketioxide::SocketIo;
use socketioxide::adapter::Adapter;
use tokio::sync::mpsc;

use super::ClusterError;
use crate::recovery::{
    Entry, LogError, LogExtent, LoggedEntry, Miss, Offset, RecoveryEngine, SavedSession, SharedLog,
    deliver_logged,
};

/// The default key prefix (`asynction:recovery:log`, `asynction:recovery:session:{pid}`).
pub(crate) const DEFAULT_PREFIX: &str = "asynction:recovery";

/// What the writer task is asked to do, in order.
#[derive(Debug)]
enum Write {
    /// Append one encoded entry.
    Entry(String),
    /// Answer once everything before is written.
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// Entries a writer sends to Redis in one round trip, and a consumer reads in one.
const BATCH: usize = 512;

/// The recovery log and sessions in Redis (see the module docs).
#[derive(Debug)]
pub(crate) struct RedisRecoveryLog {
    conn: ConnectionManager,
    writes: mpsc::UnboundedSender<Write>,
    log_key: String,
    session_prefix: String,
    window_ms: u64,
}

impl RedisRecoveryLog {
    fn session_key(&self, pid: &str) -> String {
        format!("{}{pid}", self.session_prefix)
    }
}

/// Connects `engine` to Redis at `client`: sessions and events are kept there from now on, and
/// this node delivers what every node appends. Call once, before serving.
pub(crate) async fn share_through_redis<A: Adapter>(
    engine: Arc<RecoveryEngine>,
    io: SocketIo<A>,
    client: redis::Client,
    prefix: &str,
    url: &str,
) -> Result<(), ClusterError> {
    let config = redis::aio::ConnectionManagerConfig::new().set_response_timeout(None);
    let connect = |client: redis::Client, config: redis::aio::ConnectionManagerConfig| async move {
        ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| ClusterError::Redis {
                url: url.to_owned(),
                reason: format!("the recovery log: {e}"),
            })
    };
    let mut conn = connect(client.clone(), config.clone()).await?;
    let reader = connect(client, config).await?;
    let log_key = format!("{prefix}:log");
    let extent = extent(&mut conn, &log_key).await.unwrap_or_default();
    let (writes, queue) = mpsc::unbounded_channel();
    let window_ms = engine.window.as_millis() as u64;
    tokio::spawn(write(
        conn.clone(),
        queue,
        log_key.clone(),
        engine.bounds.max_len,
        window_ms,
    ));
    let log = RedisRecoveryLog {
        conn,
        writes,
        log_key: log_key.clone(),
        session_prefix: format!("{prefix}:session:"),
        window_ms,
    };
    engine.share(Arc::new(log), extent.last);
    tokio::spawn(consume(reader, engine, io, log_key, extent.last));
    Ok(())
}

/// The writer: appends in the order the node queued, retrying while Redis is away; trims by
/// age every second.
async fn write(
    mut conn: ConnectionManager,
    mut queue: mpsc::UnboundedReceiver<Write>,
    key: String,
    max_len: usize,
    window_ms: u64,
) {
    let mut batch = Vec::with_capacity(BATCH);
    let mut trim = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            n = queue.recv_many(&mut batch, BATCH) => {
                if n == 0 {
                    return;
                }
                let mut pipe = redis::pipe();
                let mut flushes = Vec::new();
                for write in batch.drain(..) {
                    match write {
                        Write::Entry(entry) => {
                            pipe.cmd("XADD").arg(&key).arg("MAXLEN").arg("~").arg(max_len)
                                .arg("*").arg("e").arg(entry).ignore();
                        }
                        Write::Flush(done) => flushes.push(done),
                    }
                }
                let mut delay = Duration::from_millis(50);
                while let Err(e) = pipe.query_async::<()>(&mut conn).await {
                    tracing::warn!(error = %e, "the recovery log could not be written; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(2));
                }
                for done in flushes {
                    let _ = done.send(());
                }
            }
            _ = trim.tick() => {
                let oldest = crate::recovery::now_ms().saturating_sub(window_ms);
                let trimmed: Result<Value, _> = redis::cmd("XTRIM").arg(&key).arg("MINID").arg("~")
                    .arg(format!("{oldest}-0")).query_async(&mut conn).await;
                if let Err(e) = trimmed {
                    tracing::debug!(error = %e, "the recovery log could not be trimmed");
                }
            }
        }
    }
}

/// The consumer: every entry after `last`, in order, delivered to this node's opted-in clients.
async fn consume<A: Adapter>(
    mut conn: ConnectionManager,
    engine: Arc<RecoveryEngine>,
    io: SocketIo<A>,
    key: String,
    mut last: Offset,
) {
    let mut delay = Duration::from_millis(50);
    loop {
        let read: Result<Option<StreamReadReply>, _> = redis::cmd("XREAD")
            .arg("COUNT")
            .arg(BATCH)
            .arg("BLOCK")
            .arg(1000)
            .arg("STREAMS")
            .arg(&key)
            .arg(last.to_string())
            .query_async(&mut conn)
            .await;
        let reply = match read {
            Ok(reply) => reply,
            Err(e) => {
                tracing::warn!(error = %e, "the recovery log could not be read; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
                continue;
            }
        };
        delay = Duration::from_millis(50);
        let streams = reply.map(|r| r.keys).unwrap_or_default();
        if streams.is_empty() {
            continue;
        }
        // One batch under the delivery lock.
        let mut delivered = engine.delivery().await;
        for stream in streams {
            for id in stream.ids {
                let Some(offset) = Offset::parse(&id.id) else {
                    continue;
                };
                last = last.max(offset);
                match id.get::<String>("e").as_deref().and_then(Entry::decode) {
                    Some((ns, entry)) => deliver_logged(&mut delivered, &io, offset, &ns, &entry),
                    None => {
                        tracing::warn!(id = %id.id, "a recovery log entry this version cannot read was skipped");
                        *delivered = (*delivered).max(offset);
                    }
                }
            }
        }
    }
}

/// The stream's last appended and newest trimmed ids (`XINFO STREAM`; none yet: zero).
async fn extent(conn: &mut ConnectionManager, key: &str) -> Result<LogExtent, redis::RedisError> {
    let info: Value = match redis::cmd("XINFO")
        .arg("STREAM")
        .arg(key)
        .query_async(conn)
        .await
    {
        Ok(info) => info,
        // No stream yet: nothing appended, nothing trimmed.
        Err(e) if e.to_string().contains("no such key") => return Ok(LogExtent::default()),
        Err(e) => return Err(e),
    };
    let field = |name: &str| -> Offset {
        let pairs: Vec<(Value, Value)> = match &info {
            Value::Map(pairs) => pairs.clone(),
            Value::Array(items) => items
                .chunks(2)
                .filter_map(|c| Some((c.first()?.clone(), c.get(1)?.clone())))
                .collect(),
            _ => Vec::new(),
        };
        pairs
            .into_iter()
            .find(|(k, _)| redis::from_redis_value_ref::<String>(k).ok().as_deref() == Some(name))
            .and_then(|(_, v)| redis::from_redis_value_ref::<String>(&v).ok())
            .and_then(|s| Offset::parse(&s))
            .unwrap_or_default()
    };
    Ok(LogExtent {
        last: field("last-generated-id"),
        trimmed: field("max-deleted-entry-id"),
    })
}

impl SharedLog for RedisRecoveryLog {
    fn append(&self, ns: &str, entry: &Entry) {
        // The writer lives as long as the server's runtime.
        let _ = self.writes.send(Write::Entry(entry.encode(ns)));
    }

    fn flush(&self) -> BoxFuture<'_, ()> {
        let (done, written) = tokio::sync::oneshot::channel();
        let queued = self.writes.send(Write::Flush(done)).is_ok();
        async move {
            if queued {
                let _ = written.await;
            }
        }
        .boxed()
    }

    fn read_after(
        &self,
        from: Offset,
    ) -> BoxFuture<'_, Result<(Vec<LoggedEntry>, LogExtent), LogError>> {
        let mut conn = self.conn.clone();
        async move {
            let range: StreamRangeReply = conn
                .xrange(&self.log_key, format!("({from}"), "+")
                .await
                .map_err(|e| LogError(e.to_string()))?;
            // Read after the range: trimming meanwhile is seen (and makes this a miss).
            let extent = extent(&mut conn, &self.log_key)
                .await
                .map_err(|e| LogError(e.to_string()))?;
            let entries = range
                .ids
                .iter()
                .filter_map(|id| {
                    let offset = Offset::parse(&id.id)?;
                    let (ns, entry) = Entry::decode(&id.get::<String>("e")?)?;
                    Some((offset, ns, entry))
                })
                .collect();
            Ok((entries, extent))
        }
        .boxed()
    }

    fn save_session(
        &self,
        pid: String,
        session: SavedSession,
        expires_at_ms: u64,
    ) -> BoxFuture<'_, ()> {
        let mut conn = self.conn.clone();
        async move {
            let key = self.session_key(&pid);
            let saved: Result<(), _> = conn
                .pset_ex(
                    &key,
                    session.encode(expires_at_ms),
                    2 * self.window_ms.max(1),
                )
                .await;
            if let Err(e) = saved {
                tracing::warn!(error = %e, "a recovery session could not be kept in Redis");
            }
        }
        .boxed()
    }

    fn take_session(&self, pid: String, ns: String) -> BoxFuture<'_, Result<SavedSession, Miss>> {
        let mut conn = self.conn.clone();
        async move {
            let key = self.session_key(&pid);
            let taken: Option<String> = redis::cmd("GETDEL")
                .arg(&key)
                .query_async(&mut conn)
                .await
                .map_err(|e| {
                    tracing::warn!(error = %e, "a recovery session could not be read from Redis");
                    Miss::Unknown
                })?;
            let (session, expires) = taken
                .as_deref()
                .and_then(SavedSession::decode)
                .ok_or(Miss::Unknown)?;
            let now = crate::recovery::now_ms();
            if now >= expires {
                return Err(Miss::Expired);
            }
            if session.ns != ns {
                // Not this namespace's: it stays for its own.
                let _: Result<(), _> = conn
                    .pset_ex(&key, session.encode(expires), 2 * self.window_ms.max(1))
                    .await;
                return Err(Miss::OtherNamespace);
            }
            Ok(session)
        }
        .boxed()
    }
}
