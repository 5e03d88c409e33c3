//! Runs a compiled example (`examples/NAME`) as its own OS process on a free loopback port.

use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running example process, killed on drop.
pub struct Example {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its stdout lines so far (the examples log there), when started with [`start_logged`].
    log: Option<Arc<Mutex<Vec<String>>>>,
}

impl Example {
    /// Waits until the example has logged a line containing `needle` (at most 20 s): for
    /// states only the process itself can tell, like a lost or restored Redis connection.
    pub async fn wait_log(&self, needle: &str) {
        let log = self.log.as_ref().expect("started with start_logged");
        let what = format!("the example logs {needle:?}");
        super::until(&what, || {
            log.lock().unwrap().iter().any(|l| l.contains(needle))
        })
        .await;
    }
}

impl Drop for Example {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The example binary next to this test binary: `target/<profile>/deps/<test>-<hash>` →
/// `target/<profile>/examples/<name>`.
fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples")
        .join(name)
}

/// Starts example `name` with `PORT` set to a free port plus `envs`, and waits until it listens.
/// Panics if the binary is missing, the process exits, or it does not listen within 20 s.
pub fn start(name: &str, envs: &[(&str, &str)]) -> Example {
    launch(name, envs, false)
}

/// [`start`], keeping the example's stdout (its log) for [`Example::wait_log`].
pub fn start_logged(name: &str, envs: &[(&str, &str)]) -> Example {
    launch(name, envs, true)
}

fn launch(name: &str, envs: &[(&str, &str)], logged: bool) -> Example {
    let bin = binary(name);
    assert!(
        bin.exists(),
        "{} is not built (plain `cargo test --all-features` builds examples; with `--test X` run \
         `cargo build --all-features --examples` first)",
        bin.display()
    );
    let port = super::free_port();
    let child = Command::new(bin)
        // The examples read their documents relative to the workspace root, as `cargo run` does.
        .current_dir(super::root())
        .env("PORT", port.to_string())
        .envs(envs.iter().copied())
        .env("NO_COLOR", "1")
        .stdout(if logged {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .spawn()
        .unwrap();
    let mut example = Example {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        log: None,
    };
    if let Some(stdout) = example.child.stdout.take() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                lines.lock().unwrap().push(line);
            }
        });
        example.log = Some(log);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(example.addr).is_err() {
        if let Some(status) = example.child.try_wait().unwrap() {
            panic!("the {name} example ({envs:?}) exited: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "the {name} example did not start listening"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
    example
}
