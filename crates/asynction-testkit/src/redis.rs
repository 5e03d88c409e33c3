//! A private `redis-server` for the cluster tests: on a free loopback port (never 6379 or a
//! server already running), without persistence, killed on drop.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;

/// A private `redis-server`; killed on drop.
pub struct Redis {
    port: u16,
    child: Option<Child>,
}

impl Redis {
    /// Starts `redis-server` on a free port and waits until it answers `PING`.
    pub fn start() -> Self {
        let mut redis = Self {
            port: free_port(),
            child: None,
        };
        redis.launch();
        redis
    }

    /// Starts the server (again, after [`Redis::kill`]) on the same port.
    pub fn launch(&mut self) {
        let port = self.port.to_string();
        let child = Command::new("redis-server")
            .args(["--port", &port, "--save", "", "--appendonly", "no"])
            .args(["--bind", "127.0.0.1"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "redis-server (Redis 7 or later) is needed by the cluster tests but could not be started: {e}; scripts/install-peers.sh installs it"
                )
            });
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.cli(&["PING"]).trim() != "PONG" {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Stops the server (clients see the connection close).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Its port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its URL, `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// `redis-cli -p PORT args…`: its stdout (empty when it cannot run).
    pub fn cli(&self, args: &[&str]) -> String {
        let out = Command::new("redis-cli")
            .args(["-p", &self.port.to_string()])
            .args(args)
            .stderr(Stdio::null())
            .output();
        out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    }

    /// Waits (at most 20 s) until `n` Socket.IO nodes subscribe to `namespace`'s request
    /// channel (`socket.io-request#NS#`, the Redis adapter's).
    pub fn wait_nodes(&self, namespace: &str, n: usize) {
        let channel = format!("socket.io-request#{namespace}#");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let out = self.cli(&["PUBSUB", "NUMSUB", &channel]);
            let count = out
                .lines()
                .nth(1)
                .and_then(|l| l.trim().parse::<usize>().ok());
            if count == Some(n) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{n} nodes did not subscribe to {channel}: {out}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.kill();
    }
}
