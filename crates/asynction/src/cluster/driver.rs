//! A socketioxide-redis [`Driver`] that survives Redis outages.
//!
//! socketioxide-redis 0.4.4's own `RedisDriver` holds one `MultiplexedConnection`: once Redis
//! restarts, every publish fails for good and the subscriptions are gone, and since the
//! adapter publishes *before* it delivers locally, a failed publish also loses the local
//! delivery. This driver instead:
//!
//! - uses redis-rs's `ConnectionManager`, which reconnects and re-subscribes every channel
//!   (automatic resubscription, RESP3 push messages);
//! - never fails a publish: during an outage messages for other nodes are dropped (counted,
//!   logged once) so local delivery goes on, and the node counts as alone (`num_serv` = 1) so
//!   acks and socket queries answer with local clients instead of waiting for silent nodes;
//! - runs a heartbeat (`PING` every second) that notices outages even on an idle node and keeps
//!   reconnecting until Redis is back.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, PushInfo, PushKind};
use socketioxide_redis::drivers::{ChanItem, Driver, MessageStream};
use tokio::sync::mpsc;

use super::ClusterError;

/// How often the heartbeat checks the connection.
const HEARTBEAT: Duration = Duration::from_secs(1);
/// How long one command may take before Redis counts as unreachable.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(2);

type Handlers = Arc<RwLock<HashMap<String, mpsc::Sender<ChanItem>>>>;

/// The pub/sub driver of [`super::RedisAdapter`]: reconnects, re-subscribes, and keeps local
/// delivery going while Redis is away (see the [module docs](crate::cluster)).
#[derive(Clone)]
pub struct ResilientDriver {
    inner: Arc<Inner>,
}

struct Inner {
    conn: ConnectionManager,
    handlers: Handlers,
    health: Arc<Health>,
}

/// Whether Redis is reachable, and what was dropped while it was not.
struct Health {
    url: String,
    online: AtomicBool,
    dropped: AtomicU64,
}

impl Health {
    fn lost(&self, reason: &dyn std::fmt::Display) {
        if self.online.swap(false, Ordering::SeqCst) {
            tracing::warn!(
                url = %self.url,
                %reason,
                "lost the connection to Redis: serving local clients only until it is back"
            );
        }
    }

    fn restored(&self) {
        if !self.online.swap(true, Ordering::SeqCst) {
            let dropped = self.dropped.swap(0, Ordering::SeqCst);
            tracing::info!(
                url = %self.url,
                missed_by_other_nodes = dropped,
                "reconnected to Redis: cross-node delivery resumed"
            );
        }
    }

    fn is_online(&self) -> bool {
        self.online.load(Ordering::SeqCst)
    }
}

impl ResilientDriver {
    /// Whether Redis is reachable now (what `{base}/readyz` reports for a cluster node).
    pub fn is_online(&self) -> bool {
        self.inner.health.is_online()
    }

    /// Connects with `client` (RESP3) and starts the heartbeat. `url` (redacted) is for logs.
    pub(crate) async fn connect(client: redis::Client, url: String) -> Result<Self, ClusterError> {
        let handlers: Handlers = Arc::default();
        let health = Arc::new(Health {
            url: url.clone(),
            online: AtomicBool::new(true),
            dropped: AtomicU64::new(0),
        });
        let push = {
            let handlers = handlers.clone();
            let health = health.clone();
            move |msg: PushInfo| {
                route(msg, &handlers, &health);
                Ok::<(), std::convert::Infallible>(())
            }
        };
        let config = ConnectionManagerConfig::new()
            .set_push_sender(push)
            .set_automatic_resubscription()
            .set_connection_timeout(Some(COMMAND_TIMEOUT))
            .set_response_timeout(Some(COMMAND_TIMEOUT))
            .set_max_delay(HEARTBEAT)
            .set_number_of_retries(3);
        let conn = client
            .get_connection_manager_with_config(config)
            .await
            .map_err(|e| ClusterError::Redis {
                url,
                reason: e.to_string(),
            })?;
        let inner = Arc::new(Inner {
            conn,
            handlers,
            health,
        });
        tokio::spawn(heartbeat(Arc::downgrade(&inner)));
        Ok(Self { inner })
    }
}

/// Routes a pub/sub message to its channel's stream; notes disconnections.
fn route(msg: PushInfo, handlers: &Handlers, health: &Health) {
    match msg.kind {
        PushKind::Disconnection => health.lost(&"the connection was closed"),
        // A reconnection re-subscribes before anything else: the node is back.
        PushKind::Subscribe => health.restored(),
        PushKind::Message | PushKind::SMessage => {
            let mut data = msg.data.into_iter();
            let (Some(chan), Some(payload)) = (data.next(), data.next()) else {
                return;
            };
            let (Ok(chan), Ok(payload)) = (
                redis::from_redis_value::<String>(chan),
                redis::from_redis_value::<Vec<u8>>(payload),
            ) else {
                tracing::warn!("undecodable Redis pub/sub message");
                return;
            };
            let handlers = handlers.read().unwrap_or_else(|e| e.into_inner());
            if let Some(tx) = handlers.get(&chan)
                && let Err(e) = tx.try_send((chan, payload))
            {
                tracing::warn!(error = %e, "Redis pub/sub message dropped: the adapter is behind");
            }
        }
        _ => {}
    }
}

/// Pings Redis every [`HEARTBEAT`] while the driver lives: notices outages on idle nodes, and
/// drives the reconnection (a command on a dead connection makes the manager reconnect).
async fn heartbeat(inner: Weak<Inner>) {
    let mut tick = tokio::time::interval(HEARTBEAT);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(inner) = inner.upgrade() else {
            return;
        };
        let mut conn = inner.conn.clone();
        let health = inner.health.clone();
        drop(inner);
        let cmd = redis::cmd("PING");
        let ping = cmd.query_async::<String>(&mut conn);
        match tokio::time::timeout(COMMAND_TIMEOUT * 2, ping).await {
            Ok(Ok(_)) => health.restored(),
            Ok(Err(e)) => health.lost(&e),
            Err(_) => health.lost(&"PING timed out"),
        }
    }
}

impl Driver for ResilientDriver {
    type Error = redis::RedisError;

    /// Publishes; while Redis is unreachable the message is dropped (other nodes miss it) and
    /// `Ok` is returned so the adapter still delivers to local clients.
    async fn publish(&self, chan: String, val: Vec<u8>) -> Result<(), Self::Error> {
        let health = &self.inner.health;
        if !health.is_online() {
            health.dropped.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        let mut conn = self.inner.conn.clone();
        let sent = tokio::time::timeout(
            COMMAND_TIMEOUT,
            conn.publish::<_, _, redis::Value>(&chan, val),
        )
        .await;
        match sent {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => {
                health.dropped.fetch_add(1, Ordering::Relaxed);
                health.lost(&e);
            }
            Err(_) => {
                health.dropped.fetch_add(1, Ordering::Relaxed);
                health.lost(&"PUBLISH timed out");
            }
        }
        Ok(())
    }

    async fn subscribe(
        &self,
        chan: String,
        size: usize,
    ) -> Result<MessageStream<ChanItem>, Self::Error> {
        let (tx, rx) = mpsc::channel(size);
        self.inner
            .handlers
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(chan.clone(), tx);
        let mut conn = self.inner.conn.clone();
        if let Err(e) = conn.subscribe(&chan).await {
            self.inner
                .handlers
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&chan);
            return Err(e);
        }
        Ok(MessageStream::new(rx))
    }

    async fn unsubscribe(&self, chan: String) -> Result<(), Self::Error> {
        self.inner
            .handlers
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&chan);
        self.inner.conn.clone().unsubscribe(&chan).await
    }

    /// Subscribers of `chan` (one per node); 1 (this node alone) while Redis is unreachable.
    async fn num_serv(&self, chan: &str) -> Result<u16, Self::Error> {
        let health = &self.inner.health;
        if !health.is_online() {
            return Ok(1);
        }
        let mut conn = self.inner.conn.clone();
        let mut cmd = redis::cmd("PUBSUB");
        cmd.arg("NUMSUB").arg(chan);
        let query = cmd.query_async::<(String, u16)>(&mut conn);
        match tokio::time::timeout(COMMAND_TIMEOUT, query).await {
            Ok(Ok((_, count))) => Ok(count.max(1)),
            Ok(Err(e)) => {
                health.lost(&e);
                Ok(1)
            }
            Err(_) => {
                health.lost(&"PUBSUB NUMSUB timed out");
                Ok(1)
            }
        }
    }
}
