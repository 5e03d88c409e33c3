//! What the packages rely on: `--version` names the commit, the features and the target; the
//! container image's environment (`ASYNCTION_HOST`, `ASYNCTION_SPEC_MOUNT`) changes the mock's
//! address and adds the mount hint, and nothing changes without it. (The packages themselves
//! are tested end to end by `scripts/test-packages.sh`.)
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn asynction(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asynction"))
        .args(args)
        .current_dir(dir)
        .env_remove("ASYNCTION_SPEC")
        .env_remove("ASYNCTION_SPEC_MOUNT")
        .env_remove("ASYNCTION_HOST")
        .envs(env.iter().copied())
        .output()
        .expect("the asynction binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The commit `build.rs` recorded: this checkout's HEAD, or `unknown` without git.
fn expected_commit() -> String {
    Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim()[..12].to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

#[test]
fn version_names_the_commit_the_features_and_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let commit = expected_commit();
    let short = asynction(dir.path(), &["-V"], &[]);
    assert_eq!(
        String::from_utf8_lossy(&short.stdout),
        format!("asynction {} ({commit})\n", env!("CARGO_PKG_VERSION"))
    );
    let long = asynction(dir.path(), &["--version"], &[]);
    let features = if cfg!(feature = "otel") {
        "otel"
    } else {
        "none"
    };
    let text = String::from_utf8_lossy(&long.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..2],
        [
            format!("asynction {} (commit {commit})", env!("CARGO_PKG_VERSION")).as_str(),
            format!("features: {features}").as_str(),
        ],
        "{text}"
    );
    assert!(
        lines[2].starts_with("target: ") && lines[2].contains("linux"),
        "{text}"
    );
}

#[test]
fn a_failure_with_nothing_mounted_says_how_to_mount_the_documents() {
    let mount = tempfile::tempdir().unwrap();
    let spec = mount.path().join("asyncapi.yaml");
    let env = [
        ("ASYNCTION_SPEC_MOUNT", mount.path().to_str().unwrap()),
        ("ASYNCTION_SPEC", spec.to_str().unwrap()),
    ];
    let out = asynction(mount.path(), &["mock", "run", "--port", "0"], &env);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}: cannot read the document", spec.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "hint: nothing is mounted at {}",
            mount.path().display()
        )) && err.contains(&format!("-v \"$PWD:{}\"", mount.path().display())),
        "{err}"
    );
}

#[test]
fn no_mount_hint_outside_the_image_or_when_documents_are_mounted() {
    let dir = tempfile::tempdir().unwrap();
    // Outside the image (no ASYNCTION_SPEC_MOUNT): the error alone (validate reports on stdout).
    let out = asynction(dir.path(), &["validate"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("asyncapi.yaml: cannot read the document"),
        "{out:?}"
    );
    assert!(!stderr(&out).contains("hint:"), "{}", stderr(&out));
    // In the image, with a folder mounted: a wrong name is the user's to fix, not the mount.
    std::fs::write(dir.path().join("api.yaml"), "asyncapi: 2.6.0\n").unwrap();
    let env = [("ASYNCTION_SPEC_MOUNT", dir.path().to_str().unwrap())];
    let out = asynction(dir.path(), &["validate"], &env);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains("hint:"), "{}", stderr(&out));
}

#[test]
fn mock_listens_on_asynction_host() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/chat/asyncapi.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_asynction"))
        .arg("--spec")
        .arg(&spec)
        .args(["mock", "run", "--port", "0"])
        .env("ASYNCTION_HOST", "0.0.0.0")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the asynction binary runs");
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let started = Instant::now();
    let mut listening = None;
    for line in lines.map_while(Result::ok) {
        if let Some(addr) = line.trim().strip_prefix("listening on http://") {
            listening = Some(addr.to_owned());
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no banner");
    }
    let _ = child.kill();
    let _ = child.wait();
    let addr = listening.expect("the mock prints where it listens");
    assert!(addr.starts_with("0.0.0.0:"), "{addr}");
}
