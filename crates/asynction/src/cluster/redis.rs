//! The Redis adapter: opening the client from a URL, the adapter constructor, and
//! [`AsynctionSocketIo::build_redis`].

use socketioxide::adapter::Emitter;
use socketioxide_redis::{CustomRedisAdapter, RedisAdapterConfig, RedisAdapterCtr};
use url::Url;

use super::ClusterError;
use super::driver::ResilientDriver;
use super::recovery_log::{DEFAULT_PREFIX, share_through_redis};
use crate::server::{Asynction, AsynctionSocketIo, AsynctionWithState, NoState};

/// The socketioxide adapter of a cluster node: socketioxide-redis on a [`ResilientDriver`]
/// (reconnects and resubscribes after a Redis outage). [`AsynctionSocketIo::build_redis`]
/// builds on it; name it in handlers that are not generic (`ValidatedSocket<RedisAdapter>`).
pub type RedisAdapter = CustomRedisAdapter<Emitter, ResilientDriver>;

/// `url` with its password (if any) replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(_) => url.to_owned(),
        Err(_) => "<unparseable URL>".to_owned(),
    }
}

/// Opens a Redis client for `url` (`redis://[user:password@]host[:port][/db]`, `rediss://…`,
/// `redis+unix:///path`), speaking RESP3: `protocol=resp3` is added when the URL names no
/// protocol. No connection is made yet. Errors show the URL without its password.
pub(super) fn redis_client(url: &str) -> Result<redis::Client, ClusterError> {
    let redacted = redact_url(url);
    let invalid = |reason: String| ClusterError::InvalidUrl {
        url: redacted.clone(),
        reason,
    };
    let mut parsed = Url::parse(url).map_err(|e| invalid(e.to_string()))?;
    let mut protocol = None;
    let others: Vec<(String, String)> = parsed
        .query_pairs()
        .filter_map(|(k, v)| {
            if k == "protocol" {
                protocol = Some(v.to_ascii_lowercase());
                None
            } else {
                Some((k.into_owned(), v.into_owned()))
            }
        })
        .collect();
    match protocol.as_deref() {
        None | Some("resp3") => {}
        Some(other) => {
            return Err(invalid(format!(
                "protocol={other}: the Redis adapter needs RESP3 (protocol=resp3, Redis 7 or later)"
            )));
        }
    }
    parsed
        .query_pairs_mut()
        .clear()
        .extend_pairs(others)
        .append_pair("protocol", "resp3");
    redis::Client::open(parsed.as_str()).map_err(|e| invalid(e.to_string()))
}

/// How many Redis messages a node queues per subscribed channel, and how many remote acks per
/// `emit_with_ack` broadcast, before socketioxide-redis drops the next ones (its defaults are
/// 1,024 and 255). A broadcast to a room with thousands of clients on other nodes gets
/// thousands of acks back at once: beyond the queue they were dropped, and the ack stream
/// then waited for its timeout with answers missing. Queued messages only take memory while
/// they wait.
pub const REMOTE_QUEUE: usize = 65_536;

/// Connects to Redis at `url` (`redis://[user:password@]host[:port][/db]`, `rediss://…`,
/// `redis+unix:///path`; `protocol=resp3` is added when the URL names no protocol) and
/// returns the adapter constructor for
/// [`AsynctionSocketIo::build_with_adapter`] (prefer [`AsynctionSocketIo::build_redis`],
/// which also waits until every namespace is subscribed). Fails when Redis is unreachable.
pub async fn redis_adapter(url: &str) -> Result<RedisAdapterCtr<ResilientDriver>, ClusterError> {
    let client = redis_client(url)?;
    let driver = ResilientDriver::connect(client, redact_url(url)).await?;
    Ok(adapter_of(driver))
}

/// The adapter constructor over a connected driver, with asynction's queue sizes.
fn adapter_of(driver: ResilientDriver) -> RedisAdapterCtr<ResilientDriver> {
    let config = RedisAdapterConfig::default()
        .with_ack_response_buffer(REMOTE_QUEUE)
        .with_stream_buffer(REMOTE_QUEUE);
    RedisAdapterCtr::new_with_driver(driver, config)
}

impl<S: Clone + Send + Sync + 'static> AsynctionSocketIo<S, RedisAdapter> {
    /// Connects to Redis at `url`, builds the server and waits until every namespace is
    /// subscribed to its Redis channels: once this returns, the node receives what other nodes
    /// broadcast. See [`crate::cluster`]. For handlers that take no state; otherwise
    /// [`AsynctionWithState::build_redis`].
    pub async fn build_redis(self, url: &str) -> Result<Asynction<RedisAdapter>, ClusterError>
    where
        (): NoState<S>,
    {
        self.with_state(().no_state()).build_redis(url).await
    }
}

impl<S: Clone + Send + Sync + 'static> AsynctionWithState<S, RedisAdapter> {
    /// [`AsynctionSocketIo::build_redis`] with the state.
    pub async fn build_redis(self, url: &str) -> Result<Asynction<RedisAdapter>, ClusterError> {
        let client = redis_client(url)?;
        let driver = ResilientDriver::connect(client, redact_url(url)).await?;
        let online = driver.clone();
        let adapter = adapter_of(driver);
        let (app, pending) = self.build_pending(adapter)?;
        // With recovery on, sessions and events live in Redis so any node recovers a client.
        if let Some(engine) = app.io.rt.recovery.clone() {
            share_through_redis(
                engine,
                app.io.io.clone(),
                redis_client(url)?,
                DEFAULT_PREFIX,
                &redact_url(url),
            )
            .await?;
        }
        // `{base}/readyz` says `redis: offline` while the node cannot reach Redis.
        app.lifecycle().add_readiness_check("redis", move || {
            if online.is_online() {
                Ok(())
            } else {
                Err("offline".to_owned())
            }
        });
        for (namespace, init) in pending {
            init.await.map_err(|e| ClusterError::Subscribe {
                namespace,
                url: redact_url(url),
                reason: e.to_string(),
            })?;
        }
        Ok(app)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("redis://user:s3cret@db.example:6380/2"),
            "redis://user:***@db.example:6380/2"
        );
        assert_eq!(redact_url("redis://127.0.0.1"), "redis://127.0.0.1");
        let err = redis_client("redis://:s3cret@host?protocol=resp2").unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("s3cret"), "{text}");
        assert!(text.contains("RESP3"), "{text}");
    }

    #[test]
    fn resp3_is_added_or_lowercased() {
        for url in [
            "redis://127.0.0.1:7000",
            "redis://127.0.0.1:7000/?protocol=RESP3",
            "redis://127.0.0.1:7000/1?protocol=resp3",
        ] {
            let client = redis_client(url).unwrap();
            assert!(
                client
                    .get_connection_info()
                    .redis_settings()
                    .protocol()
                    .supports_resp3(),
                "{url}"
            );
        }
    }
}
