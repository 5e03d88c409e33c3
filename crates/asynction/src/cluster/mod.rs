//! Scale-out: several server processes share their clients through Redis, and processes that
//! are not Socket.IO servers emit validated events to them (feature `redis`).
//!
//! ```no_run
//! use asynction::{Adapter, AsynctionSocketIo, ValidatedIo};
//!
//! // Handlers generic over the adapter serve a single process and a cluster alike;
//! // `build_redis` runs them on `RedisAdapter`.
//! async fn sign_up<A: Adapter>(io: ValidatedIo<A>) {
//!     if let Ok(admins) = io.of("/admin") {
//!         let _ = admins.emit("metrics", "signup").await; // reaches /admin on every node
//!     }
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let app = AsynctionSocketIo::from_spec("asyncapi.yaml")?
//!     .handler("user_accounts.sign_up", sign_up)
//!     .build_redis("redis://127.0.0.1:6379")
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! - [`RedisAdapter`] is socketioxide-redis's adapter on [`ResilientDriver`]: broadcasts,
//!   rooms, `emit_with_ack` from many clients, `fetch_sockets` and room membership work across
//!   processes as in one. Egress validation runs once, in the process that emits. Up to
//!   [`REMOTE_QUEUE`] remote acks per broadcast (and messages per channel) are queued, not
//!   socketioxide-redis's 255 (1,024): a broadcast with acks to thousands of clients on
//!   other nodes gets all their answers.
//! - [`Emitter`] publishes validated events from any process (a worker, a cron job, the
//!   `asynction emit` command) to the clients of every node.
//!
//! Redis 7 or later is required (the adapter uses RESP3; [`redis_adapter`] adds
//! `protocol=resp3` to the URL when it is absent). The wire format is socketioxide's: not
//! compatible with Node's `@socket.io/redis-adapter` or python-socketio's managers.
//!
//! # When Redis is unreachable
//!
//! Every server keeps serving its own clients: events, acks, local broadcasts and rooms work as
//! in a single process. The outage is logged once (`warn`), the connection is re-established in
//! the background (a heartbeat retries every second) with the node's channel subscriptions,
//! and its return is logged (`info`) with how many messages other nodes missed. Lost during
//! the outage, and not replayed afterwards:
//!
//! - broadcasts, room joins/leaves and disconnects requested by this node for other nodes, and
//!   those other nodes (or an [`Emitter`]) publish for this one (Redis pub/sub keeps nothing);
//! - remote acks and remote sockets: `emit_with_ack`, `fetch_sockets` and `rooms` answer with
//!   this node's clients only;
//! - [`Emitter::connect`] and [`redis_adapter`] fail at startup when Redis is down
//!   ([`Emitter::new`] connects at its first valid emit, which fails then);
//!   [`Emitter`] emits made during an outage return [`EmitError::Send`](crate::EmitError::Send).

mod driver;
mod emitter;
mod error;
mod recovery_log;
mod redis;

pub use driver::ResilientDriver;
pub use emitter::{ClusterBroadcast, Emitter};
pub use error::ClusterError;
pub use redis::{REMOTE_QUEUE, RedisAdapter, redact_url, redis_adapter};
