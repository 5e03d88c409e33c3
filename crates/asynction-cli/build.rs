//! Records what `asynction --version` prints besides the package version: the git commit the
//! binary was built from, the optional features compiled in, and the target.
//!
//! The commit is `ASYNCTION_GIT_COMMIT` when set — a `docker build` context has no `.git`, so
//! the Dockerfile passes its `GIT_COMMIT` build argument through it — else `git rev-parse HEAD`
//! of this checkout, else `unknown` (a source tarball, no git installed): the build never fails
//! for want of a commit. Only the commit is recorded, not whether the work tree had changes:
//! finding out would rerun this script, and relink the binary, on every build.
//!
//! A hand-written script rather than a crate such as vergen: it runs one git command, and
//! every build-time dependency lengthens the first build that this crate keeps short.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-env-changed=ASYNCTION_GIT_COMMIT");
    let commit = match std::env::var("ASYNCTION_GIT_COMMIT") {
        Ok(commit) if !commit.trim().is_empty() => short(commit.trim()),
        _ => git_commit().map_or_else(|| "unknown".to_owned(), |c| short(&c)),
    };
    let features = enabled_features();
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    // One variable each: a value cannot hold a newline; `src/build_info.rs` assembles them.
    println!("cargo::rustc-env=ASYNCTION_BUILD_COMMIT={commit}");
    println!("cargo::rustc-env=ASYNCTION_BUILD_FEATURES={features}");
    println!("cargo::rustc-env=ASYNCTION_BUILD_TARGET={target}");
}

/// The first 12 hex digits of a commit id, as `git log --abbrev=12` shows it.
fn short(commit: &str) -> String {
    commit.chars().take(12).collect()
}

/// `HEAD`'s commit, and tells cargo to rerun this script when `HEAD` moves; `None` outside a
/// git checkout or without git.
fn git_commit() -> Option<String> {
    let commit = git(&["rev-parse", "HEAD"])?;
    // HEAD names a branch whose ref is a loose file or a line of packed-refs; a commit changes
    // one of them, and a new loose ref changes its folder.
    let mut watched: Vec<PathBuf> = vec![git_path("HEAD")?, git_path("packed-refs")?];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        let loose = git_path(&branch)?;
        watched.push(loose.parent().map(Path::to_path_buf).unwrap_or_default());
        watched.push(loose);
    }
    for path in watched.iter().filter(|p| p.exists()) {
        println!("cargo::rerun-if-changed={}", path.display());
    }
    Some(commit)
}

/// Where git keeps `name` (`HEAD`, a ref, `packed-refs`), absolute; worktrees included.
fn git_path(name: &str) -> Option<PathBuf> {
    let path = PathBuf::from(git(&["rev-parse", "--git-path", name])?);
    if path.is_absolute() {
        return Some(path);
    }
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")?;
    Some(Path::new(&dir).join(path))
}

/// Runs git in this crate's folder; its trimmed output, or `None` when it fails.
fn git(args: &[&str]) -> Option<String> {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")?;
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

/// This crate's enabled features (`CARGO_FEATURE_*`), lower-case and comma-separated, or `none`.
fn enabled_features() -> String {
    let mut features: Vec<String> = std::env::vars()
        .filter_map(|(key, _)| {
            let name = key.strip_prefix("CARGO_FEATURE_")?;
            (name != "DEFAULT").then(|| name.to_lowercase().replace('_', "-"))
        })
        .collect();
    features.sort();
    if features.is_empty() {
        "none".to_owned()
    } else {
        features.join(", ")
    }
}
