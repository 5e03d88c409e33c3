//! Servers that run as their own OS process — the workspace's examples, the `asynction` binary,
//! peer servers written in Node or Python — started on a free loopback port and killed on drop.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::{free_port, root, until};

/// How long a server process may take to listen, unless the caller says otherwise.
const START_LIMIT: Duration = Duration::from_secs(20);

/// A server process listening on a loopback port; killed (and reaped) on drop.
pub struct ServerProcess {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its stdout lines so far, when started with [`ServerProcess::start_logged`].
    log: Option<Arc<Mutex<Vec<String>>>>,
}

impl ServerProcess {
    /// Spawns `command` and waits until it listens on 127.0.0.1:`port` (at most 20 s). The
    /// caller sets everything else (arguments, environment, working directory, stdio).
    /// Panics, naming `what`, if it cannot start, exits, or does not listen in time.
    pub fn start(command: &mut Command, port: u16, what: &str) -> Self {
        Self::launch(command, port, what, false, START_LIMIT)
    }

    /// [`ServerProcess::start`] for a server that may take up to `limit` to listen (a peer
    /// that sets itself up first).
    pub fn start_within(command: &mut Command, port: u16, what: &str, limit: Duration) -> Self {
        Self::launch(command, port, what, false, limit)
    }

    /// [`ServerProcess::start`], keeping the process's stdout (its log) for
    /// [`ServerProcess::wait_log`].
    pub fn start_logged(command: &mut Command, port: u16, what: &str) -> Self {
        Self::launch(
            command.stdout(Stdio::piped()),
            port,
            what,
            true,
            START_LIMIT,
        )
    }

    fn launch(command: &mut Command, port: u16, what: &str, logged: bool, limit: Duration) -> Self {
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        let mut server = ServerProcess {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            log: None,
        };
        if logged && let Some(stdout) = server.child.stdout.take() {
            let log = Arc::new(Mutex::new(Vec::new()));
            let lines = log.clone();
            std::thread::spawn(move || {
                for line in std::io::BufReader::new(stdout).lines() {
                    let Ok(line) = line else { return };
                    lines.lock().expect("the log lock").push(line);
                }
            });
            server.log = Some(log);
        }
        let deadline = Instant::now() + limit;
        while std::net::TcpStream::connect(server.addr).is_err() {
            if let Some(status) = server.child.try_wait().expect("the process's status") {
                panic!("{what} exited: {status}");
            }
            assert!(Instant::now() < deadline, "{what} did not start listening");
            std::thread::sleep(Duration::from_millis(25));
        }
        server
    }

    /// Waits until the process has logged a line containing `needle` (at most 20 s): for
    /// states only the process itself can tell, like a lost or restored Redis connection.
    pub async fn wait_log(&self, needle: &str) {
        let log = self
            .log
            .as_ref()
            .expect("started with ServerProcess::start_logged");
        let what = format!("the process logs {needle:?}");
        until(&what, || {
            log.lock()
                .expect("the log lock")
                .iter()
                .any(|l| l.contains(needle))
        })
        .await;
    }

    /// The process, e.g. to signal it.
    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `target/<profile>/<relative>` of the running test binary (`target/<profile>/deps/<test>`):
/// an example (`examples/chat`) or a binary (`asynction`) cargo built next to it. Panics with
/// what to build when it is missing.
pub fn built(relative: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let path = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>")
        .join(relative);
    assert!(
        path.exists(),
        "{} is not built (plain `cargo test --workspace --all-features` builds it; with `--test X` \
         or a bench, run `cargo build --all-features --examples -p asynction -p asynction-cli` in \
         the same profile first)",
        path.display()
    );
    path
}

/// An example of the workspace (`examples/NAME`, built by cargo next to the test binary) to
/// start as its own process, with `PORT` set to a free port and the workspace root as working
/// directory (the examples read their documents relative to it, as `cargo run` does).
pub struct Example {
    name: String,
    envs: Vec<(String, String)>,
    logged: bool,
    quiet: bool,
}

impl Example {
    /// Example `name` (`user_accounts`, `chat`, `chat_bench`, `conformance`, `recovery_ticker`).
    pub fn new(name: &str) -> Self {
        Example {
            name: name.to_owned(),
            envs: Vec::new(),
            logged: false,
            quiet: false,
        }
    }

    /// Sets an environment variable of the process.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Keeps the example's stdout (its log) for [`ServerProcess::wait_log`].
    pub fn logged(mut self) -> Self {
        self.logged = true;
        self
    }

    /// Discards the example's stdout and stderr (by default stderr reaches the test's).
    pub fn quiet(mut self) -> Self {
        self.quiet = true;
        self
    }

    /// Starts the example and waits until it listens; panics if the binary is missing, the
    /// process exits, or it does not listen within 20 s.
    pub fn start(self) -> ServerProcess {
        let port = free_port();
        let mut command = Command::new(built(&format!("examples/{}", self.name)));
        command
            .current_dir(root())
            .env("PORT", port.to_string())
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .env("NO_COLOR", "1")
            .stdout(Stdio::null());
        if self.quiet {
            command.stderr(Stdio::null());
        }
        let what = format!("the {} example ({:?})", self.name, self.envs);
        if self.logged {
            ServerProcess::start_logged(&mut command, port, &what)
        } else {
            ServerProcess::start(&mut command, port, &what)
        }
    }
}
