//! `asynction-bench`: a raw Engine.IO v4 / Socket.IO v5 load generator and a harness that runs
//! the same load against asynction, bare socketioxide, Node socket.io and the Python original.
//!
//! See `BENCHMARKS.md` at the repository root for how to run it and the figures measured.

mod client;
mod compare;
mod cpu;
mod emitter;
mod fanout;
mod idle_rss;
mod load;
mod raw_server;
mod redis_server;
mod servers;
mod soak;
mod stats;
mod tick;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::client::Target;
use crate::compare::{CompareConfig, render_table, run_compare};
use crate::fanout::{ClusterOptions, FanoutConfig, Phase, Source, run_fanout};
use crate::idle_rss::{IdleRssConfig, run_idle_rss};
use crate::load::{LoadConfig, run_load};
use crate::raw_server::RuntimeFlavor;
use crate::servers::{ServerPaths, default_chat_bench_binary, default_node_dir};
use crate::soak::{SoakConfig, header_line, row_line, run_soak};

#[derive(Debug, Parser)]
#[command(name = "asynction-bench", version, about)]
struct Cli {
    /// Worker threads of the load generator's tokio runtime (1 = current-thread runtime, which
    /// leaves the other core to the server on a 2-core machine).
    #[arg(long, global = true, default_value_t = 1)]
    client_threads: usize,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a closed-loop load against a running server and report acks/s, latency, errors, CPU.
    Load {
        /// Server base URL (http:// or ws://; 127.0.0.1 only).
        #[arg(long, default_value = "http://127.0.0.1:5000")]
        url: String,
        /// Server process whose CPU time per acked event is reported.
        #[arg(long)]
        server_pid: Option<u32>,
        /// Label for the report.
        #[arg(long)]
        label: Option<String>,
        #[command(flatten)]
        load: LoadArgs,
        /// Print the report as one JSON object instead of a human line.
        #[arg(long)]
        json: bool,
    },
    /// Serve the benchmark handlers on bare socketioxide + axum (no validation), on 127.0.0.1.
    RawServer {
        /// Port to listen on.
        #[arg(long, env = "PORT", default_value_t = 5000)]
        port: u16,
        /// Use a current_thread tokio runtime instead of the multi-thread one.
        #[arg(long)]
        current_thread: bool,
    },
    /// Start each server in turn on a free port, run the same load, print one table.
    Compare {
        /// Servers to run, in order: asynction, raw-mt, raw-ct, node, python
        /// [default: asynction,raw-mt,raw-ct,node, plus python with --python-venv].
        #[arg(long, value_delimiter = ',')]
        servers: Vec<String>,
        #[command(flatten)]
        load: LoadArgs,
        #[command(flatten)]
        paths: PathArgs,
        /// Print the rows as JSON lines after the table.
        #[arg(long)]
        json: bool,
    },
    /// Soak a running server: N connections, mixed valid/invalid traffic and reconnecting
    /// abusers for a bounded time; prints RSS, live tasks and ack latency per interval.
    Soak {
        /// Server base URL (http:// or ws://; 127.0.0.1 only).
        #[arg(long, default_value = "http://127.0.0.1:5000")]
        url: String,
        /// Socket.IO request path.
        #[arg(long, default_value = "/socket.io")]
        path: String,
        /// Namespace to join.
        #[arg(long, default_value = "/chat")]
        namespace: String,
        /// Long-lived connections.
        #[arg(long, default_value_t = 10_000)]
        connections: usize,
        /// Connections that send malformed packets and reconnect, all along.
        #[arg(long, default_value_t = 10)]
        abusers: usize,
        /// Seconds of traffic.
        #[arg(long, default_value_t = 600)]
        duration: u64,
        /// Seconds per sample row.
        #[arg(long, default_value_t = 60)]
        sample: u64,
        /// Milliseconds between two emits of one connection.
        #[arg(long, default_value_t = 5_000)]
        emit_interval_ms: u64,
        /// Share of invalid emits (0..=1).
        #[arg(long, default_value_t = 0.2)]
        invalid_ratio: f64,
        /// Seconds before an unanswered emit counts as a timeout.
        #[arg(long, default_value_t = 10)]
        ack_timeout: u64,
        /// Handshakes in progress at once.
        #[arg(long, default_value_t = 200)]
        parallel_connects: usize,
        /// Server process whose RSS is sampled.
        #[arg(long)]
        server_pid: Option<u32>,
        /// URL answering `{"alive_tasks": N}` (chat_bench with CHAT_BENCH_DEBUG_ENDPOINT=1).
        #[arg(long)]
        metrics_url: Option<String>,
        /// Print the rows as JSON lines after the table.
        #[arg(long)]
        json: bool,
    },
    /// Room fan-out: N idle clients in one room, the server broadcasting `tick` at a fixed
    /// rate, as fast as it can and with acks; servers side by side, one table.
    Fanout {
        /// Servers, in the order they run within a round: asynction-ct, asynction-mt, raw-ct,
        /// raw-mt, node.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "asynction-ct,raw-ct,node"
        )]
        servers: Vec<String>,
        /// Client counts (a fresh server for each).
        #[arg(long, value_delimiter = ',', default_value = "1000,10000")]
        counts: Vec<usize>,
        /// Broadcasts per second of the fixed-rate phase (0 = no fixed-rate phase).
        #[arg(long, default_value_t = 10.0)]
        rate: f64,
        /// Seconds of the fixed-rate phase.
        #[arg(long, default_value_t = 5.0)]
        duration: f64,
        /// Broadcasts of the as-fast-as-possible phase (0 = none).
        #[arg(long, default_value_t = 100)]
        max_count: u64,
        /// Broadcasts of the emit-with-ack phase (0 = none).
        #[arg(long, default_value_t = 0)]
        ack_count: u64,
        /// Rounds: every count against every server, repeated.
        #[arg(long, default_value_t = 1)]
        rounds: usize,
        /// Ratios are relative to this server.
        #[arg(long, default_value = "raw-ct")]
        baseline: String,
        /// Two nodes per server joined through a redis-server started on a free port.
        #[arg(long)]
        cluster: bool,
        /// In cluster mode, alternate the broadcasting node phase by phase.
        #[arg(long)]
        from_both: bool,
        /// In cluster mode, add phases whose broadcasts come from outside both nodes: an
        /// `emit-ticks` process (asynction's `Emitter`; bare socketioxide-emitter for raw
        /// socketioxide) at --rate for --duration and --max-count as fast as it can, and
        /// --cli-count runs of `asynction emit` (asynction servers only).
        #[arg(long)]
        from_emitter: bool,
        /// `asynction emit` runs of the --from-emitter CLI phase (0 = none).
        #[arg(long, default_value_t = 20)]
        cli_count: u64,
        /// The `asynction` command for the CLI phase [default: $CARGO_TARGET_DIR or ./target,
        /// then release/asynction].
        #[arg(long)]
        asynction_cli: Option<PathBuf>,
        /// The document the external emitters validate against [default:
        /// examples/chat_bench/asyncapi.yaml].
        #[arg(long)]
        emitter_spec: Option<PathBuf>,
        /// The redis-server binary for --cluster.
        #[arg(long, default_value = "redis-server")]
        redis_server: PathBuf,
        /// Socket.IO request path.
        #[arg(long, default_value = "/socket.io")]
        path: String,
        /// Handshakes in progress at once.
        #[arg(long, default_value_t = 200)]
        parallel_connects: usize,
        /// Seconds to wait before each RSS reading.
        #[arg(long, default_value_t = 2.0)]
        settle: f64,
        #[command(flatten)]
        paths: PathArgs,
        /// Print the rows as JSON lines after the table.
        #[arg(long)]
        json: bool,
    },
    /// Publish `tick`s to room `all` of `/fanout` on every node of a Redis cluster, from this
    /// process (what `fanout --from-emitter` runs); prints `{sent, failed, elapsed_us}`.
    EmitTicks {
        /// The publisher: asynction (validating `Emitter`) or socketioxide (bare emitter).
        #[arg(long, value_enum)]
        via: emitter::Via,
        /// The cluster's Redis URL.
        #[arg(long)]
        redis: String,
        /// The document asynction's `Emitter` validates against.
        #[arg(long)]
        spec: Option<PathBuf>,
        /// Ticks per second (0 = each as soon as the previous publish returned).
        #[arg(long, default_value_t = 0.0)]
        rate: f64,
        /// Ticks to publish.
        #[arg(long)]
        count: u64,
    },
    /// Measure a server's resident memory per idle, namespace-connected client.
    IdleRss {
        /// Server to start: asynction, raw-mt, raw-ct, node, python.
        #[arg(long, default_value = "raw-mt")]
        server: String,
        /// Connection counts (a fresh server for each).
        #[arg(long, value_delimiter = ',', default_value = "1000,10000")]
        counts: Vec<usize>,
        /// Socket.IO request path.
        #[arg(long, default_value = "/socket.io")]
        path: String,
        /// Namespace to join.
        #[arg(long, default_value = "/chat")]
        namespace: String,
        /// Handshakes in progress at once.
        #[arg(long, default_value_t = 200)]
        parallel_connects: usize,
        /// Seconds to wait before each RSS reading.
        #[arg(long, default_value_t = 2.0)]
        settle: f64,
        #[command(flatten)]
        paths: PathArgs,
        /// Print the rows as JSON lines.
        #[arg(long)]
        json: bool,
    },
}

/// The load shape shared by `load` and `compare`.
#[derive(Debug, Args)]
struct LoadArgs {
    /// Socket.IO request path.
    #[arg(long, default_value = "/socket.io")]
    path: String,
    /// Namespace to join.
    #[arg(long, default_value = "/chat")]
    namespace: String,
    /// Event to emit.
    #[arg(long, default_value = "message")]
    event: String,
    /// Event payload (JSON), sent as the single argument.
    #[arg(long, default_value = r#"{"text":"hi","ts":0}"#)]
    payload: String,
    /// Clients (one websocket each).
    #[arg(long, short = 'c', default_value_t = 10)]
    concurrency: usize,
    /// Emits in flight per client.
    #[arg(long, short = 'k', default_value_t = 1)]
    in_flight: usize,
    /// Measured seconds.
    #[arg(long, short = 'd', default_value_t = 10.0)]
    duration: f64,
    /// Warmup seconds (not measured).
    #[arg(long, default_value_t = 2.0)]
    warmup: f64,
    /// Milliseconds after which an unacked emit counts as a timeout.
    #[arg(long, default_value_t = 5000)]
    ack_timeout_ms: u64,
}

/// Where `compare` and `idle-rss` find the servers that are not part of this crate.
#[derive(Debug, Args)]
struct PathArgs {
    /// The asynction `chat_bench` example binary
    /// [default: $CARGO_TARGET_DIR or ./target, then release/examples/chat_bench].
    #[arg(long)]
    chat_bench: Option<PathBuf>,
    /// Directory of the Node server [default: bench/node].
    #[arg(long)]
    node_dir: Option<PathBuf>,
    /// Virtualenv with the Python asynction 0.8.3 peer installed; adds the `python` server.
    #[arg(long)]
    python_venv: Option<PathBuf>,
    /// Directory holding the Python peer's server.py.
    #[arg(long, default_value = "../shared/tools/peer")]
    peer_dir: PathBuf,
}

impl PathArgs {
    fn resolve(self) -> ServerPaths {
        ServerPaths {
            chat_bench: self.chat_bench.unwrap_or_else(default_chat_bench_binary),
            node_dir: self.node_dir.unwrap_or_else(default_node_dir),
            python_venv: self.python_venv,
            peer_dir: self.peer_dir,
        }
    }
}

impl LoadArgs {
    fn into_config(
        self,
        url: String,
        server_pid: Option<u32>,
        label: Option<String>,
    ) -> Result<LoadConfig, String> {
        serde_json::from_str::<serde_json::Value>(&self.payload)
            .map_err(|e| format!("--payload is not JSON: {e}"))?;
        let seconds = |name: &str, s: f64| {
            Duration::try_from_secs_f64(s)
                .map_err(|_| format!("--{name} must be a non-negative number of seconds"))
        };
        Ok(LoadConfig {
            target: Target {
                url,
                path: self.path,
                namespace: self.namespace,
            },
            event: self.event,
            payload: self.payload.trim().to_owned(),
            concurrency: self.concurrency,
            in_flight: self.in_flight,
            warmup: seconds("warmup", self.warmup)?,
            duration: seconds("duration", self.duration)?,
            ack_timeout: Duration::from_millis(self.ack_timeout_ms),
            connect_timeout: Duration::from_secs(10),
            server_pid,
            label,
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::RawServer {
        port,
        current_thread,
    } = cli.command
    {
        let flavor = if current_thread {
            RuntimeFlavor::CurrentThread
        } else {
            RuntimeFlavor::MultiThread
        };
        return match raw_server::run(port, flavor) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("raw-server on 127.0.0.1:{port}: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let runtime = if cli.client_threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(cli.client_threads)
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Load {
            url,
            server_pid,
            label,
            load,
            json,
        } => {
            let report = run_load(&load.into_config(url, server_pid, label)?).await;
            print_result(json, &report, || report.human_line())?;
        }
        Command::Soak {
            url,
            path,
            namespace,
            connections,
            abusers,
            duration,
            sample,
            emit_interval_ms,
            invalid_ratio,
            ack_timeout,
            parallel_connects,
            server_pid,
            metrics_url,
            json,
        } => {
            if !url.contains("127.0.0.1") && !url.contains("localhost") {
                return Err(format!("--url must be a loopback address, got {url}"));
            }
            if !(0.0..=1.0).contains(&invalid_ratio) {
                return Err("--invalid-ratio must be within 0..=1".into());
            }
            let config = SoakConfig {
                target: Target {
                    url,
                    path,
                    namespace,
                },
                connections,
                abusers,
                duration: Duration::from_secs(duration),
                sample: Duration::from_secs(sample.max(1)),
                emit_interval: Duration::from_millis(emit_interval_ms.max(1)),
                invalid_ratio,
                ack_timeout: Duration::from_secs(ack_timeout),
                parallel_connects,
                server_pid,
                metrics_url,
            };
            println!("{}", header_line());
            let (rows, failures) = run_soak(&config).await;
            println!("\nsummary ({connections} connections, {failures} failed to connect):");
            println!("{}", header_line());
            for row in &rows {
                println!("{}", row_line(row));
            }
            if json {
                rows.iter().try_for_each(print_json)?;
            }
        }
        Command::Compare {
            servers,
            load,
            paths,
            json,
        } => {
            let paths = paths.resolve();
            let names = if servers.is_empty() {
                let mut names: Vec<String> =
                    ["asynction-ct", "asynction-mt", "raw-mt", "raw-ct", "node"]
                        .map(String::from)
                        .into();
                if paths.python_venv.is_some() {
                    names.push("python".into());
                }
                names
            } else {
                servers
            };
            let servers = names
                .iter()
                .map(|n| paths.spec(n))
                .collect::<Result<Vec<_>, _>>()?;
            let config = CompareConfig {
                servers,
                load: load.into_config(String::new(), None, None)?,
                ready_timeout: Duration::from_secs(30),
            };
            let rows = run_compare(&config).await;
            println!("{}", render_table(&rows));
            if json {
                rows.iter().try_for_each(print_json)?;
            }
        }
        Command::IdleRss {
            server,
            counts,
            path,
            namespace,
            parallel_connects,
            settle,
            paths,
            json,
        } => {
            let settle =
                Duration::try_from_secs_f64(settle).map_err(|_| "--settle must be non-negative")?;
            let config = IdleRssConfig {
                server: paths.resolve().spec(&server)?,
                counts,
                target: Target {
                    url: String::new(),
                    path,
                    namespace,
                },
                parallel_connects,
                connect_timeout: Duration::from_secs(20),
                settle,
                ready_timeout: Duration::from_secs(30),
            };
            for row in run_idle_rss(&config).await? {
                print_result(json, &row, || row.human_line())?;
            }
        }
        Command::Fanout {
            servers,
            counts,
            rate,
            duration,
            max_count,
            ack_count,
            rounds,
            baseline,
            cluster,
            from_both,
            from_emitter,
            cli_count,
            asynction_cli,
            emitter_spec,
            redis_server,
            path,
            parallel_connects,
            settle,
            paths,
            json,
        } => {
            let paths = paths.resolve();
            let servers = servers
                .iter()
                .map(|n| paths.spec(n))
                .collect::<Result<Vec<_>, _>>()?;
            let mut phases = Vec::new();
            if rate > 0.0 && duration > 0.0 {
                phases.push(Phase {
                    rate,
                    count: (rate * duration).ceil() as u64,
                    ack: false,
                    source: Source::Node,
                });
            }
            if max_count > 0 {
                phases.push(Phase {
                    rate: 0.0,
                    count: max_count,
                    ack: false,
                    source: Source::Node,
                });
            }
            if ack_count > 0 {
                phases.push(Phase {
                    rate: 0.0,
                    count: ack_count,
                    ack: true,
                    source: Source::Node,
                });
            }
            if from_emitter {
                if !cluster {
                    return Err("--from-emitter needs --cluster".into());
                }
                let node_phases: Vec<Phase> = phases.iter().filter(|p| !p.ack).copied().collect();
                for phase in node_phases {
                    phases.push(Phase {
                        source: Source::Emitter,
                        ..phase
                    });
                }
                if cli_count > 0 {
                    phases.push(Phase {
                        rate: 0.0,
                        count: cli_count,
                        ack: false,
                        source: Source::Cli,
                    });
                }
            }
            let settle =
                Duration::try_from_secs_f64(settle).map_err(|_| "--settle must be non-negative")?;
            let config = FanoutConfig {
                servers,
                counts,
                phases,
                rounds,
                path,
                parallel_connects,
                connect_timeout: Duration::from_secs(20),
                settle,
                ready_timeout: Duration::from_secs(30),
                cluster: cluster.then(|| ClusterOptions {
                    redis_server,
                    from_both,
                    spec: emitter_spec.unwrap_or_else(servers::default_chat_bench_spec),
                    cli: asynction_cli.unwrap_or_else(servers::default_cli_binary),
                }),
            };
            let rows = run_fanout(&config).await?;
            println!("{}", fanout::render_table(&rows, &baseline));
            if json {
                rows.iter().try_for_each(print_json)?;
            }
        }
        Command::EmitTicks {
            via,
            redis,
            spec,
            rate,
            count,
        } => {
            let spec = spec.unwrap_or_else(servers::default_chat_bench_spec);
            let report = emitter::run_emit_ticks(via, &redis, &spec, rate, count).await?;
            print_json(&report)?;
        }
        Command::RawServer { .. } => unreachable!("handled before the client runtime starts"),
    }
    Ok(())
}

/// One result: a line of JSON with `--json`, else the `human` line.
fn print_result(
    json: bool,
    value: &impl serde::Serialize,
    human: impl FnOnce() -> String,
) -> Result<(), String> {
    if json {
        print_json(value)
    } else {
        println!("{}", human());
        Ok(())
    }
}

/// `value` as one line of JSON on standard output (what every `--json` output is made of).
fn print_json(value: &impl serde::Serialize) -> Result<(), String> {
    let line = serde_json::to_string(value).map_err(|e| e.to_string())?;
    println!("{line}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn load_defaults_match_the_brief() {
        let cli = Cli::parse_from(["asynction-bench", "compare"]);
        let Command::Compare { load, .. } = cli.command else {
            panic!("expected compare")
        };
        let config = load
            .into_config("http://127.0.0.1:1".into(), None, None)
            .unwrap();
        assert_eq!((config.concurrency, config.in_flight), (10, 1));
        assert_eq!(
            (config.duration, config.warmup),
            (Duration::from_secs(10), Duration::from_secs(2))
        );
        assert_eq!(config.target.path, "/socket.io");
        assert_eq!(config.payload, r#"{"text":"hi","ts":0}"#);
    }

    #[test]
    fn invalid_payload_is_rejected_with_the_option_name() {
        let cli = Cli::parse_from(["asynction-bench", "load", "--payload", "{nope"]);
        let Command::Load { load, .. } = cli.command else {
            panic!("expected load")
        };
        assert!(
            load.into_config(String::new(), None, None)
                .unwrap_err()
                .contains("--payload")
        );
    }
}
