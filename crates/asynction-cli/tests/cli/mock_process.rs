//! `asynction mock run` as a process on a free port, for the tests that talk to it (the mock's
//! own tests, `asynction test` against it).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running `asynction mock run` process; killed on drop.
pub(crate) struct MockProcess {
    /// The process.
    pub child: Child,
    /// Where it listens (from its banner).
    pub addr: SocketAddr,
    /// The banner's lines.
    pub banner: Vec<String>,
}

impl MockProcess {
    /// Starts the mock on a free port and waits for its banner.
    pub(crate) fn start(spec: &Path, args: &[&str]) -> Self {
        Self::start_with_env(spec, args, &[])
    }

    /// [`MockProcess::start`] with extra environment variables.
    pub(crate) fn start_with_env(spec: &Path, args: &[&str], env: &[(&str, &str)]) -> Self {
        Self::launch(spec, &[], args, env)
    }

    /// [`MockProcess::start`] with options given before the command (`asynction --spec F
    /// BEFORE… mock run …`).
    pub(crate) fn start_after(spec: &Path, before: &[&str], args: &[&str]) -> Self {
        Self::launch(spec, before, args, &[])
    }

    fn launch(spec: &Path, before: &[&str], args: &[&str], env: &[(&str, &str)]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_asynction"))
            .arg("--spec")
            .arg(spec)
            .args(before)
            .args(["mock", "run", "--port", "0"])
            .args(args)
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the asynction binary runs");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut banner = Vec::new();
        let addr = loop {
            let line = rx
                .recv_timeout(Duration::from_secs(60))
                .expect("the mock prints its banner");
            banner.push(line.clone());
            if let Some(url) = line.trim().strip_prefix("listening on http://") {
                break url.parse().expect("an address");
            }
        };
        // The rest of the banner follows at once.
        while let Ok(line) = rx.recv_timeout(Duration::from_millis(300)) {
            banner.push(line);
        }
        MockProcess {
            child,
            addr,
            banner,
        }
    }

    /// CPU time (user + system) of the process so far, in clock ticks (`/proc/PID/stat`).
    pub(crate) fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap();
        // Fields after the parenthesised command name; utime and stime are fields 14, 15.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        let fields: Vec<&str> = rest.split_whitespace().collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
