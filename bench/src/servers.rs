//! Starting, probing and stopping the servers under test, each as a child process on 127.0.0.1.

use std::fmt;
use std::fs::{self, File};
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Where the benchmark crate lives (for `node/` and the workspace's `target/`).
pub(crate) const BENCH_DIR: &str = env!("CARGO_MANIFEST_DIR");

/// A server implementation the harness can start.
#[derive(Debug, Clone)]
pub(crate) enum ServerSpec {
    /// asynction's `chat_bench` example binary (reads `PORT`).
    Asynction {
        /// Path of the built example.
        binary: PathBuf,
        /// Run it on a multi-thread tokio runtime (`ASYNCTION_RUNTIME=multi_thread`) instead
        /// of its default current-thread runtime.
        multi_thread: bool,
        /// Which observability switch is on (current-thread runtime only).
        observe: Observe,
    },
    /// `asynction-bench raw-server` on a multi-thread tokio runtime.
    RawMultiThread,
    /// `asynction-bench raw-server --current-thread`.
    RawCurrentThread,
    /// `node server.js PORT` in the given directory (bare socket.io 4.8).
    Node {
        /// Directory holding `server.js` and `package.json`.
        dir: PathBuf,
    },
    /// The original Python asynction 0.8.3 peer: `VENV/bin/python PEER/server.py --port PORT`.
    Python {
        /// The virtualenv with asynction 0.8.3 and its pins installed.
        venv: PathBuf,
        /// Directory holding the peer's `server.py`.
        peer_dir: PathBuf,
    },
}

/// The observability switch of the `chat_bench` server, to measure its cost side by side
/// (`compare --servers asynction,asynction-metrics`): CPU per event on vs off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Observe {
    /// Neither metrics nor spans.
    Off,
    /// `ASYNCTION_METRICS=1`: Prometheus metrics kept and served (a build with
    /// `--features metrics`; the server refuses to start otherwise).
    Metrics,
    /// `ASYNCTION_TRACES=1`: the connection and event spans enabled under the log subscriber
    /// (a build with `--features traces`); nothing exported.
    Traces,
    /// `ASYNCTION_RECOVERY=1`: connection state recovery on, and the bench's clients opt in
    /// (`auth` `{"pid": null}`): every broadcast logged and sent with its offset.
    Recovery,
}

/// The key that names the raw multi-thread server in tables and `--server` options.
pub(crate) const RAW_MULTI_THREAD: &str = "raw-mt";

impl ServerSpec {
    /// The CONNECT `auth` the bench's clients send to this server: opting in to recovery for
    /// `asynction-recovery`, none otherwise.
    pub(crate) fn client_auth(&self) -> Option<serde_json::Value> {
        matches!(
            self,
            Self::Asynction {
                observe: Observe::Recovery,
                ..
            }
        )
        .then(|| serde_json::json!({ "pid": null }))
    }

    /// Short name used in tables and on the command line.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::Asynction {
                observe: Observe::Metrics,
                ..
            } => "asynction-metrics",
            Self::Asynction {
                observe: Observe::Traces,
                ..
            } => "asynction-traces",
            Self::Asynction {
                observe: Observe::Recovery,
                ..
            } => "asynction-recovery",
            Self::Asynction {
                multi_thread: false,
                ..
            } => "asynction-ct",
            Self::Asynction {
                multi_thread: true, ..
            } => "asynction-mt",
            Self::RawMultiThread => RAW_MULTI_THREAD,
            Self::RawCurrentThread => "raw-ct",
            Self::Node { .. } => "node",
            Self::Python { .. } => "python",
        }
    }

    /// A longer description for tables.
    pub(crate) fn description(&self) -> &'static str {
        match self {
            Self::Asynction {
                observe: Observe::Metrics,
                ..
            } => "asynction chat_bench, current-thread, Prometheus metrics on",
            Self::Asynction {
                observe: Observe::Traces,
                ..
            } => "asynction chat_bench, current-thread, tracing spans on",
            Self::Asynction {
                observe: Observe::Recovery,
                ..
            } => {
                "asynction chat_bench, current-thread, connection state recovery on (clients opted in)"
            }
            Self::Asynction {
                multi_thread: false,
                ..
            } => "asynction chat_bench, current-thread (validation on)",
            Self::Asynction {
                multi_thread: true, ..
            } => "asynction chat_bench, multi-thread (validation on)",
            Self::RawMultiThread => "raw socketioxide 0.18.9, multi-thread",
            Self::RawCurrentThread => "raw socketioxide 0.18.9, current-thread",
            Self::Node { .. } => "node socket.io 4.8",
            Self::Python { .. } => "python asynction 0.8.3 (gevent, validation on)",
        }
    }

    /// Checks that the server can be started here; `Err` says why not and how to fix it.
    pub(crate) fn check_available(&self) -> Result<(), Unavailable> {
        match self {
            Self::Asynction {
                binary, observe, ..
            } if !binary.is_file() => Err(Unavailable(format!(
                "{} not found; build it with cargo build --release{} --example chat_bench",
                binary.display(),
                match observe {
                    Observe::Off | Observe::Recovery => "",
                    Observe::Metrics | Observe::Traces => " -p asynction --features metrics,traces",
                }
            ))),
            Self::Node { dir } if !dir.join("server.js").is_file() => Err(Unavailable(format!(
                "{} not found",
                dir.join("server.js").display()
            ))),
            Self::Python { venv, .. } if !venv.join("bin/python").exists() => {
                Err(Unavailable(format!(
                    "{} not found; set up the venv as in the peer README",
                    venv.join("bin/python").display()
                )))
            }
            Self::Python { peer_dir, .. } if !peer_dir.join("server.py").is_file() => {
                Err(Unavailable(format!(
                    "{} not found (see --peer-dir)",
                    peer_dir.join("server.py").display()
                )))
            }
            _ => Ok(()),
        }
    }

    /// Prepares what the server needs before its first start (`npm install` for Node).
    pub(crate) fn prepare(&self) -> Result<(), Unavailable> {
        self.check_available()?;
        if let Self::Node { dir } = self
            && (!dir.join("node_modules/socket.io").is_dir()
                || !dir.join("node_modules/@socket.io/redis-adapter").is_dir())
        {
            eprintln!("running npm install in {}", dir.display());
            let status = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund"])
                .current_dir(dir)
                .status()
                .map_err(|e| Unavailable(format!("npm install in {}: {e}", dir.display())))?;
            if !status.success() {
                return Err(Unavailable(format!(
                    "npm install in {} failed: {status}",
                    dir.display()
                )));
            }
        }
        Ok(())
    }

    fn command(&self, port: u16) -> io::Result<Command> {
        let command = match self {
            Self::Asynction {
                binary,
                multi_thread,
                observe,
            } => {
                let mut c = Command::new(binary);
                c.env("PORT", port.to_string());
                if *multi_thread {
                    c.env("ASYNCTION_RUNTIME", "multi_thread");
                }
                match observe {
                    Observe::Off => {}
                    Observe::Metrics => {
                        c.env("ASYNCTION_METRICS", "1");
                    }
                    Observe::Traces => {
                        c.env("ASYNCTION_TRACES", "1");
                    }
                    Observe::Recovery => {
                        c.env("ASYNCTION_RECOVERY", "1");
                    }
                }
                c
            }
            Self::RawMultiThread | Self::RawCurrentThread => {
                let mut c = Command::new(std::env::current_exe()?);
                c.args(["raw-server", "--port", &port.to_string()]);
                if matches!(self, Self::RawCurrentThread) {
                    c.arg("--current-thread");
                }
                c
            }
            Self::Node { dir } => {
                let mut c = Command::new("node");
                c.arg("server.js").arg(port.to_string()).current_dir(dir);
                c
            }
            Self::Python { venv, peer_dir } => {
                let mut c = Command::new(std::path::absolute(venv.join("bin/python"))?);
                c.arg(std::path::absolute(peer_dir.join("server.py"))?)
                    .args(["--port", &port.to_string()])
                    // hypothesis (pulled in by asynction's mock extra) writes `.hypothesis/`
                    // into the working directory; keep it out of the repository.
                    .current_dir(std::env::temp_dir());
                c
            }
        };
        Ok(command)
    }

    /// Starts the server on `port` (output goes to a log file) and waits until it accepts TCP.
    pub(crate) async fn start(
        &self,
        port: u16,
        ready_timeout: Duration,
    ) -> Result<RunningServer, StartError> {
        self.start_with_env(port, ready_timeout, &[]).await
    }

    /// [`ServerSpec::start`] with extra environment variables (e.g. `REDIS_URL`).
    pub(crate) async fn start_with_env(
        &self,
        port: u16,
        ready_timeout: Duration,
        env: &[(&str, &str)],
    ) -> Result<RunningServer, StartError> {
        let log_dir = std::env::temp_dir().join("asynction-bench-logs");
        fs::create_dir_all(&log_dir).map_err(StartError::Io)?;
        let log_path = log_dir.join(format!("{}-{port}.log", self.name()));
        let log = File::create(&log_path).map_err(StartError::Io)?;
        let child = self
            .command(port)
            .map_err(StartError::Io)?
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(StartError::Io)?)
            .stderr(log)
            .spawn()
            .map_err(StartError::Io)?;
        let mut server = RunningServer {
            child,
            port,
            log_path,
        };
        server.wait_until_accepting(ready_timeout).await?;
        Ok(server)
    }
}

/// Why a server cannot be run on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unavailable(pub String);

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why starting a server failed.
#[derive(Debug)]
pub(crate) enum StartError {
    /// Spawning the process or writing its log failed.
    Io(io::Error),
    /// The process exited before it accepted connections.
    Exited {
        /// Its exit status.
        status: String,
        /// Where its output went.
        log: PathBuf,
    },
    /// It did not accept TCP connections in time.
    NotReady {
        /// Where its output went.
        log: PathBuf,
    },
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "could not start: {e}"),
            Self::Exited { status, log } => {
                write!(f, "exited early ({status}); see {}", log.display())
            }
            Self::NotReady { log } => write!(
                f,
                "did not accept connections in time; see {}",
                log.display()
            ),
        }
    }
}

impl std::error::Error for StartError {}

/// A started server; stopped (SIGTERM, then SIGKILL) by [`RunningServer::stop`] or on drop.
#[derive(Debug)]
pub(crate) struct RunningServer {
    child: Child,
    port: u16,
    log_path: PathBuf,
}

impl RunningServer {
    /// The server's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Where its stdout and stderr go.
    pub(crate) fn log_path(&self) -> &Path {
        &self.log_path
    }

    async fn wait_until_accepting(&mut self, timeout: Duration) -> Result<(), StartError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(StartError::Exited {
                    status: status.to_string(),
                    log: self.log_path.clone(),
                });
            }
            if tokio::net::TcpStream::connect(addr).await.is_ok() {
                return Ok(());
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(StartError::NotReady {
                    log: self.log_path.clone(),
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops the process: SIGTERM, up to 3 s to exit, then SIGKILL.
    pub(crate) fn stop(mut self) {
        self.terminate();
    }

    fn terminate(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let Ok(pid) = libc::pid_t::try_from(self.child.id()) else {
            return;
        };
        // SAFETY: kill(2) on our own child's pid; errors (already gone) are harmless.
        unsafe { libc::kill(pid, libc::SIGTERM) };
        let deadline = std::time::Instant::now() + Duration::from_secs(3);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub(crate) fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// The workspace's target directory: `$CARGO_TARGET_DIR`, else `target/` in the workspace.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_dir().join("target"))
}

fn workspace_dir() -> &'static Path {
    Path::new(BENCH_DIR)
        .parent()
        .unwrap_or(Path::new(BENCH_DIR))
}

/// The default location of the `chat_bench` example: `$CARGO_TARGET_DIR` or the workspace's
/// `target/`, then `release/examples/chat_bench`.
pub(crate) fn default_chat_bench_binary() -> PathBuf {
    target_dir().join("release/examples/chat_bench")
}

/// The default location of the `asynction` command (`cargo build --release -p asynction-cli`).
pub(crate) fn default_cli_binary() -> PathBuf {
    target_dir().join("release/asynction")
}

/// `chat_bench`'s AsyncAPI document (what the external emitters validate against).
pub(crate) fn default_chat_bench_spec() -> PathBuf {
    workspace_dir().join("examples/chat_bench/asyncapi.yaml")
}

/// The default directory of the Node server (`bench/node`).
pub(crate) fn default_node_dir() -> PathBuf {
    Path::new(BENCH_DIR).join("node")
}

/// Where the external servers are found; the defaults suit a checkout of this repository.
#[derive(Debug, Clone)]
pub(crate) struct ServerPaths {
    /// The `chat_bench` example binary.
    pub chat_bench: PathBuf,
    /// The Node server's directory.
    pub node_dir: PathBuf,
    /// The Python peer's virtualenv, when one was given.
    pub python_venv: Option<PathBuf>,
    /// The Python peer's directory (holding `server.py`).
    pub peer_dir: PathBuf,
}

impl ServerPaths {
    /// The server called `name` (`asynction`, `asynction-mt`, `asynction-metrics`,
    /// `asynction-traces`, `asynction-recovery`, `raw-mt`, `raw-ct`, `node`, `python`).
    pub(crate) fn spec(&self, name: &str) -> Result<ServerSpec, String> {
        Ok(match name {
            "asynction" | "asynction-ct" => ServerSpec::Asynction {
                binary: self.chat_bench.clone(),
                multi_thread: false,
                observe: Observe::Off,
            },
            "asynction-mt" => ServerSpec::Asynction {
                binary: self.chat_bench.clone(),
                multi_thread: true,
                observe: Observe::Off,
            },
            "asynction-metrics" => ServerSpec::Asynction {
                binary: self.chat_bench.clone(),
                multi_thread: false,
                observe: Observe::Metrics,
            },
            "asynction-traces" => ServerSpec::Asynction {
                binary: self.chat_bench.clone(),
                multi_thread: false,
                observe: Observe::Traces,
            },
            "asynction-recovery" => ServerSpec::Asynction {
                binary: self.chat_bench.clone(),
                multi_thread: false,
                observe: Observe::Recovery,
            },
            RAW_MULTI_THREAD => ServerSpec::RawMultiThread,
            "raw-ct" => ServerSpec::RawCurrentThread,
            "node" => ServerSpec::Node {
                dir: self.node_dir.clone(),
            },
            "python" => ServerSpec::Python {
                venv: self
                    .python_venv
                    .clone()
                    .ok_or("the python server needs --python-venv DIR")?,
                peer_dir: self.peer_dir.clone(),
            },
            other => {
                return Err(format!(
                    "unknown server {other:?} (asynction-ct, asynction-mt, asynction-metrics, asynction-traces, asynction-recovery, raw-mt, raw-ct, node, python)"
                ));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_chat_bench_binary_is_reported_with_build_hint() {
        let spec = ServerSpec::Asynction {
            binary: PathBuf::from("/nonexistent/chat_bench"),
            multi_thread: false,
            observe: Observe::Off,
        };
        let err = spec.check_available().unwrap_err();
        assert!(
            err.0.contains("cargo build --release --example chat_bench"),
            "{err}"
        );
    }

    #[test]
    fn servers_are_looked_up_by_name() {
        let paths = ServerPaths {
            chat_bench: PathBuf::from("cb"),
            node_dir: PathBuf::from("n"),
            python_venv: None,
            peer_dir: PathBuf::from("p"),
        };
        for name in [
            "asynction-ct",
            "asynction-mt",
            "asynction-metrics",
            "asynction-traces",
            "raw-mt",
            "raw-ct",
            "node",
        ] {
            assert_eq!(paths.spec(name).unwrap().name(), name);
        }
        assert_eq!(paths.spec("asynction").unwrap().name(), "asynction-ct");
        assert!(paths.spec("python").unwrap_err().contains("--python-venv"));
        assert!(paths.spec("go").is_err());
    }

    #[test]
    fn observability_servers_set_their_switch_and_name_the_features_to_build() {
        let paths = ServerPaths {
            chat_bench: PathBuf::from("/nonexistent/chat_bench"),
            node_dir: PathBuf::from("n"),
            python_venv: None,
            peer_dir: PathBuf::from("p"),
        };
        for (name, switch) in [
            ("asynction-metrics", "ASYNCTION_METRICS"),
            ("asynction-traces", "ASYNCTION_TRACES"),
        ] {
            let spec = paths.spec(name).unwrap();
            let err = spec.check_available().unwrap_err();
            assert!(err.0.contains("--features metrics,traces"), "{err}");
            let command = spec.command(1).unwrap();
            let envs: Vec<_> = command.get_envs().collect();
            assert!(
                envs.contains(&(switch.as_ref(), Some("1".as_ref()))),
                "{name}: {envs:?}"
            );
        }
        let plain = paths.spec("asynction").unwrap().command(1).unwrap();
        assert!(
            plain
                .get_envs()
                .all(|(k, _)| k != "ASYNCTION_METRICS" && k != "ASYNCTION_TRACES")
        );
    }

    #[test]
    fn free_port_is_nonzero() {
        assert_ne!(free_port().unwrap(), 0);
    }

    #[tokio::test]
    async fn server_that_exits_early_is_reported() {
        let spec = ServerSpec::Node {
            dir: PathBuf::from("/nonexistent"),
        };
        assert!(spec.check_available().is_err());
        let err = ServerSpec::Asynction {
            binary: PathBuf::from("/bin/false"),
            multi_thread: false,
            observe: Observe::Off,
        }
        .start(free_port().unwrap(), Duration::from_secs(5))
        .await
        .unwrap_err();
        assert!(matches!(err, StartError::Exited { .. }), "{err}");
    }
}
