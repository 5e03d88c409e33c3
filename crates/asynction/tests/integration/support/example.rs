//! Runs a compiled example (`examples/NAME`) as its own OS process on a free loopback port.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running example process, killed on drop.
pub struct Example {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
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
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut example = Example {
        child,
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
    };
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
