//! `idle-rss`: how much resident memory a server spends per idle, namespace-connected client.
//!
//! For each N a fresh server is started; its `VmRSS` is read once it is idle, N clients join the
//! namespace (at most `parallel_connects` handshakes at a time) and stay connected, answering
//! pings, and `VmRSS` is read again after a settle period. All clients then close and the server
//! stops.

use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;
use tokio::sync::watch;

use crate::client::{EngineIo, Target};
use crate::cpu::{raise_open_file_limit, resident_set_kib};
use crate::servers::{ServerSpec, free_port};

/// What to measure.
#[derive(Debug, Clone)]
pub(crate) struct IdleRssConfig {
    /// The server to start for each count.
    pub server: ServerSpec,
    /// Connection counts, one fresh server each.
    pub counts: Vec<usize>,
    /// Path and namespace (the URL is filled in per server).
    pub target: Target,
    /// Handshakes in progress at once.
    pub parallel_connects: usize,
    /// Bound on each client's handshake.
    pub connect_timeout: Duration,
    /// Wait before each RSS reading.
    pub settle: Duration,
    /// How long a server may take to accept TCP connections.
    pub ready_timeout: Duration,
}

/// The result for one connection count.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct IdleRssRow {
    /// Short server name.
    pub server: String,
    /// Connections asked for.
    pub requested: usize,
    /// Connections that joined the namespace.
    pub connected: usize,
    /// Connections that failed.
    pub connect_errors: usize,
    /// Server RSS before connecting, KiB.
    pub rss_before_kib: u64,
    /// Server RSS with all clients connected, KiB.
    pub rss_after_kib: u64,
    /// `(after - before) / connected`, in KiB.
    pub kib_per_connection: f64,
}

impl IdleRssRow {
    /// One human-readable line.
    pub(crate) fn human_line(&self) -> String {
        format!(
            "[{}] {} of {} connected ({} errors): RSS {} KiB -> {} KiB, {:.1} KiB per connection",
            self.server,
            self.connected,
            self.requested,
            self.connect_errors,
            self.rss_before_kib,
            self.rss_after_kib,
            self.kib_per_connection
        )
    }
}

/// Why a measurement could not be made.
pub(crate) type IdleRssError = String;

/// Runs the measurement for every count in the config.
pub(crate) async fn run_idle_rss(config: &IdleRssConfig) -> Result<Vec<IdleRssRow>, IdleRssError> {
    config.server.prepare().map_err(|e| e.to_string())?;
    let max = config.counts.iter().copied().max().unwrap_or(0) as u64;
    // The client holds N sockets and the server (which inherits the limit) N more.
    let limit =
        raise_open_file_limit(max + 1024).map_err(|e| format!("raising RLIMIT_NOFILE: {e}"))?;
    if limit < max + 64 {
        return Err(format!(
            "RLIMIT_NOFILE is {limit}, too low for {max} connections"
        ));
    }
    let mut rows = Vec::new();
    for &count in &config.counts {
        rows.push(measure_one(config, count).await?);
    }
    Ok(rows)
}

async fn measure_one(config: &IdleRssConfig, count: usize) -> Result<IdleRssRow, IdleRssError> {
    let port = free_port().map_err(|e| e.to_string())?;
    let server = config
        .server
        .start(port, config.ready_timeout)
        .await
        .map_err(|e| e.to_string())?;
    let pid = server.pid();
    tokio::time::sleep(config.settle).await;
    let rss_before_kib = resident_set_kib(pid).map_err(|e| e.to_string())?;

    let target = Target {
        url: server.url(),
        ..config.target.clone()
    };
    let connect_timeout = config.connect_timeout;
    let results: Vec<_> = futures_util::stream::iter(0..count)
        .map(|_| {
            let target = target.clone();
            let auth = config.server.client_auth();
            async move { target.connect_with(connect_timeout, auth.as_ref()).await }
        })
        .buffer_unordered(config.parallel_connects.max(1))
        .collect()
        .await;

    let (shutdown, stop_rx) = watch::channel(false);
    let mut holders = Vec::with_capacity(count);
    let mut connect_errors = 0;
    let mut first_error = None;
    for result in results {
        match result {
            Ok(client) => holders.push(tokio::spawn(hold_idle(client, stop_rx.clone()))),
            Err(e) => {
                connect_errors += 1;
                first_error.get_or_insert(e.to_string());
            }
        }
    }
    if let Some(e) = first_error {
        eprintln!("{connect_errors} connect errors (first: {e})");
    }
    tokio::time::sleep(config.settle).await;
    let rss_after_kib = resident_set_kib(pid).map_err(|e| e.to_string())?;

    let _ = shutdown.send(true);
    for holder in holders {
        let _ = holder.await;
    }
    server.stop();

    let connected = count - connect_errors;
    let kib_per_connection = if connected == 0 {
        0.0
    } else {
        rss_after_kib.saturating_sub(rss_before_kib) as f64 / connected as f64
    };
    Ok(IdleRssRow {
        server: config.server.name().to_owned(),
        requested: count,
        connected,
        connect_errors,
        rss_before_kib,
        rss_after_kib,
        kib_per_connection,
    })
}

/// Keeps a client connected, answering pings, until told to stop; then closes it (bounded).
async fn hold_idle(mut ws: EngineIo, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stop.changed() => break,
            // Pings are answered inside `recv`; anything else is ignored.
            frame = ws.recv() => if frame.is_err() {
                return;
            },
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), ws.close()).await;
}
