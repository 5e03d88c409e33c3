//! Real headless Chromium, driven by the Playwright scripts of `tests/peers`
//! (`chromium-docs.mjs`, `chromium-console.mjs`): each prints a JSON report as its last line.

use std::ffi::OsStr;
use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::peers::ensure_node_peers;
use crate::peers_dir;

/// Debian's Chromium, the browser the scripts launch.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// How long one browser script may run.
const SCRIPT_LIMIT: Duration = Duration::from_secs(180);

/// Makes sure [`CHROMIUM`] exists: installs it with apt-get in CI (as root), else panics with
/// the command that installs it.
pub fn ensure_chromium() {
    if Path::new(CHROMIUM).exists() {
        return;
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"));
    assert!(
        in_ci && root,
        "{CHROMIUM} is missing: install Debian's chromium (`apt-get install -y chromium`) to run the browser test"
    );
    let status = std::process::Command::new("sh")
        .args([
            "-c",
            "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium",
        ])
        .status()
        .expect("run apt-get");
    assert!(
        status.success() && Path::new(CHROMIUM).exists(),
        "installing chromium with apt-get failed"
    );
}

/// Runs `tests/peers/SCRIPT` (a Playwright script) with `args` in Node, at most 180 s; panics
/// unless it succeeds, and returns the JSON report it prints last.
pub async fn run_script(script: &str, args: &[&OsStr]) -> Value {
    ensure_chromium();
    ensure_node_peers();
    let run = tokio::process::Command::new("node")
        .arg(peers_dir().join(script))
        .args(args)
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(SCRIPT_LIMIT, run)
        .await
        .expect("chromium within 180 s")
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "the browser script {script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.lines().last().unwrap_or("")).expect("a JSON report")
}
