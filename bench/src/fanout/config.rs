//! What a fanout run is asked for: the source of the broadcasts, the phases, the run's and the
//! cluster's options.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::servers::ServerSpec;

/// Where a phase's broadcasts originate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) enum Source {
    /// A server node, asked by a control client's `start broadcast`.
    Node,
    /// A separate process publishing to the cluster's Redis (`emit-ticks`): asynction's
    /// validating `Emitter` for the asynction servers, bare `socketioxide-emitter` for raw
    /// socketioxide (cluster mode only; none for Node).
    Emitter,
    /// The `asynction emit` command, one process per broadcast (asynction servers only).
    Cli,
}

/// One broadcast phase: what the control client (or the emitter) is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct Phase {
    /// Broadcasts per second; 0 = as fast as the server (or the emitter) can.
    pub rate: f64,
    /// Broadcasts in the phase.
    pub count: u64,
    /// Broadcast with `emit_with_ack` and collect every client's ack.
    pub ack: bool,
    /// Where the broadcasts originate.
    pub source: Source,
}

impl Phase {
    /// `10/s`, `max` or `ack`, prefixed with `emitter ` or `cli ` for external sources.
    pub(crate) fn label(&self) -> String {
        let shape = if self.ack {
            "ack".to_owned()
        } else if self.rate > 0.0 {
            format!("{}/s", self.rate)
        } else {
            "max".to_owned()
        };
        match self.source {
            Source::Node => shape,
            Source::Emitter => format!("emitter {shape}"),
            Source::Cli => format!("cli {shape}"),
        }
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub(crate) struct FanoutConfig {
    /// Servers, in the order they run within a round.
    pub servers: Vec<ServerSpec>,
    /// Client counts.
    pub counts: Vec<usize>,
    /// Phases run against each server (in order, on the same connections).
    pub phases: Vec<Phase>,
    /// Rounds (each runs every count against every server).
    pub rounds: usize,
    /// Socket.IO request path.
    pub path: String,
    /// Handshakes in progress at once.
    pub parallel_connects: usize,
    /// Bound on each client's handshake.
    pub connect_timeout: Duration,
    /// Wait before each RSS reading.
    pub settle: Duration,
    /// How long a server may take to accept TCP connections.
    pub ready_timeout: Duration,
    /// Two nodes per server joined through a Redis this harness starts.
    pub cluster: Option<ClusterOptions>,
}

/// Cluster mode settings.
#[derive(Debug, Clone)]
pub(crate) struct ClusterOptions {
    /// The `redis-server` binary.
    pub redis_server: PathBuf,
    /// Alternate the control client between the two nodes, phase by phase.
    pub from_both: bool,
    /// The document `emit-ticks` and `asynction emit` validate against (chat_bench's).
    pub spec: PathBuf,
    /// The `asynction` command-line binary, for [`Source::Cli`] phases.
    pub cli: PathBuf,
}
