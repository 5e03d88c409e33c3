//! The reference server: the benchmark's handlers on bare socketioxide + axum, with no validation.
//!
//! Namespace `/chat`: `message` is acked with `true`; `echo` emits `echo` back to the sender with
//! the same payload and is acked with `true`. It is the floor asynction's overhead is measured
//! against, so it does nothing else.
//!
//! Namespace `/fanout` (for `asynction-bench fanout`): clients join room `all` on connect;
//! `start broadcast {rate, count, ack}` makes the sender leave the room and broadcasts `count`
//! `tick`s to it and acks `{sent, failed, acks, elapsed_us}` once done, exactly like the asynction
//! `chat_bench` example and the Node server, minus validation.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use axum::serve::ListenerExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use socketioxide::adapter::Adapter;
use socketioxide::extract::{AckSender, Data, SocketRef};
use socketioxide::{BroadcastError, SocketIo};
use socketioxide_redis::{RedisAdapter, RedisAdapterConfig, RedisAdapterCtr};

use crate::tick::{FANOUT_NAMESPACE, FANOUT_ROOM, TICK_TEXT, now_us};

/// Which tokio runtime serves the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RuntimeFlavor {
    /// `tokio::runtime::Builder::new_multi_thread` with one worker per core.
    MultiThread,
    /// `tokio::runtime::Builder::new_current_thread`: everything on one OS thread.
    CurrentThread,
}

/// Builds the runtime and serves on `127.0.0.1:port` until the process is killed.
pub(crate) fn run(port: u16, flavor: RuntimeFlavor) -> io::Result<()> {
    // socketioxide(-redis) reports what it drops (e.g. remote acks) at `warn`, in the log file.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let runtime = match flavor {
        RuntimeFlavor::MultiThread => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?,
        RuntimeFlavor::CurrentThread => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
    };
    runtime.block_on(serve(port))
}

/// Serves the `/chat` and `/fanout` namespaces on `127.0.0.1:port`; with `REDIS_URL` set, as
/// a cluster node on socketioxide-redis's adapter.
pub(crate) async fn serve(port: u16) -> io::Result<()> {
    let app: axum::Router = match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            let url = if url.contains("protocol=") {
                url
            } else {
                format!("{url}?protocol=resp3")
            };
            let client = redis::Client::open(url).map_err(io::Error::other)?;
            // The queues asynction's cluster adapter uses (asynction::cluster::REMOTE_QUEUE):
            // with socketioxide-redis's defaults (255 and 1,024) a broadcast's remote acks
            // beyond them are dropped and the ack stream waits for its timeout.
            let config = RedisAdapterConfig::default()
                .with_ack_response_buffer(asynction::cluster::REMOTE_QUEUE)
                .with_stream_buffer(asynction::cluster::REMOTE_QUEUE);
            let adapter = RedisAdapterCtr::new_with_redis_config(&client, config)
                .await
                .map_err(io::Error::other)?;
            let (layer, io) = SocketIo::builder()
                .with_adapter::<RedisAdapter<_>>(adapter)
                .build_layer();
            io.ns("/chat", on_chat_connect)
                .await
                .map_err(|e| io::Error::other(e.to_string()))?;
            io.ns(FANOUT_NAMESPACE, on_fanout_connect)
                .await
                .map_err(|e| io::Error::other(e.to_string()))?;
            axum::Router::new().layer(layer)
        }
        _ => {
            let (layer, io) = SocketIo::new_layer();
            io.ns("/chat", on_chat_connect);
            io.ns(FANOUT_NAMESPACE, on_fanout_connect);
            axum::Router::new().layer(layer)
        }
    };
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    eprintln!(
        "raw socketioxide server on http://{} (pid {})",
        listener.local_addr()?,
        std::process::id()
    );
    // Nagle off, as Node does: `echo` writes twice per request and would otherwise wait for the
    // client's delayed ACK.
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app).await
}

async fn on_chat_connect<A: Adapter>(socket: SocketRef<A>) {
    socket.on("message", on_message::<A>);
    socket.on("echo", on_echo::<A>);
}

/// Takes its payload like every other implementation's handler does (Node's, Python's and
/// asynction's all receive the parsed argument), so the floor includes parsing it.
async fn on_message<A: Adapter>(Data(_payload): Data<Value>, ack: AckSender<A>) {
    let _ = ack.send(&true);
}

async fn on_echo<A: Adapter>(socket: SocketRef<A>, Data(payload): Data<Value>, ack: AckSender<A>) {
    let _ = socket.emit("echo", &payload);
    let _ = ack.send(&true);
}

/// `start broadcast`: how many ticks, at what rate (0 = as fast as possible), acked or not.
#[derive(Debug, Deserialize)]
struct StartBroadcast {
    rate: f64,
    count: u64,
    #[serde(default)]
    ack: bool,
}

/// One broadcast event; `ts` is the send time in µs since the Unix epoch.
#[derive(Debug, Serialize)]
struct Tick {
    seq: u64,
    ts: u64,
    text: &'static str,
}

/// The ack of `start broadcast`.
#[derive(Debug, Default, Serialize)]
struct BroadcastDone {
    sent: u64,
    failed: u64,
    acks: u64,
    elapsed_us: u64,
}

async fn on_fanout_connect<A: Adapter>(socket: SocketRef<A>) {
    socket.join(FANOUT_ROOM);
    socket.on("start broadcast", on_start_broadcast::<A>);
}

/// Broadcasts the ticks: paced at `rate`/s, or at rate 0 yielding between two broadcasts. The
/// control client leaves the room first (a control client is never a receiver, on any node).
async fn on_start_broadcast<A: Adapter>(
    socket: SocketRef<A>,
    Data(start): Data<StartBroadcast>,
    ack: AckSender<A>,
) {
    socket.leave(FANOUT_ROOM);
    let began = Instant::now();
    let mut done = BroadcastDone::default();
    let mut pace = (start.rate > 0.0).then(|| {
        let mut every = tokio::time::interval(Duration::from_secs_f64(1.0 / start.rate));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
        every
    });
    for seq in 0..start.count {
        match pace.as_mut() {
            Some(every) => {
                every.tick().await;
            }
            None => tokio::task::yield_now().await,
        }
        let tick = Tick {
            seq,
            ts: now_us(),
            text: TICK_TEXT,
        };
        let to = socket.to(FANOUT_ROOM);
        if start.ack {
            match to.emit_with_ack::<_, bool>("tick", &tick).await {
                Ok(stream) => {
                    use futures_util::StreamExt;
                    let acks: Vec<_> = stream.collect().await;
                    for (_, ack) in acks {
                        match ack {
                            Ok(true) => done.acks += 1,
                            _ => done.failed += 1,
                        }
                    }
                }
                Err(_) => done.failed += 1,
            }
        } else {
            match to.emit("tick", &tick).await {
                Ok(()) => {}
                Err(BroadcastError::Socket(sockets)) => done.failed += sockets.len() as u64,
                Err(_) => done.failed += 1,
            }
        }
        done.sent += 1;
    }
    done.elapsed_us = began.elapsed().as_micros() as u64;
    let _ = ack.send(&done);
}
