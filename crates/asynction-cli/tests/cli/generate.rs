//! `asynction generate typescript`: `--help`, the files written, warnings with file:line:col,
//! and refused options. (The generated code itself is tested by asynction-codegen's tests.)
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("tests/fixtures/typescript")
}

/// Runs the binary in the TypeScript fixtures folder, so that warnings name files as given.
fn asynction(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_asynction"))
        .args(args)
        .current_dir(fixtures())
        .env_remove("ASYNCTION_SPEC")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the asynction binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn help_lists_the_target_and_its_options() {
    let out = asynction(&["generate", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).contains("typescript"),
        "{}",
        text(&out.stdout)
    );
    let out = asynction(&["generate", "typescript", "--help"]);
    let help = text(&out.stdout);
    for option in [
        "--out <DIR>",
        "--name <PACKAGE>",
        "--server <NAME>",
        "--runtime-checks",
        "[FILE]",
    ] {
        assert!(help.contains(option), "{option} in {help}");
    }
}

#[test]
fn writes_the_package_and_warns_with_positions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("client");
    let out = asynction(&[
        "generate",
        "typescript",
        "approximations-2.6.yaml",
        "--out",
        out_dir.to_str().expect("utf-8"),
        "--name",
        "approx",
        "--runtime-checks",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("created approx (4 files) in "),
        "{}",
        text(&out.stdout)
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr
            .contains("warning: approximations-2.6.yaml:11:13: TypeScript: `not` is not expressed"),
        "{stderr}"
    );
    for file in ["package.json", "tsconfig.json", "src/index.ts", "README.md"] {
        assert!(out_dir.join(file).is_file(), "{file}");
    }
    let manifest = std::fs::read_to_string(out_dir.join("package.json")).expect("package.json");
    assert!(
        manifest.contains("\"name\": \"approx\"") && manifest.contains("\"zod\": \"^4\""),
        "{manifest}"
    );
}

#[test]
fn unknown_servers_and_bad_names_exit_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().to_str().expect("utf-8").to_owned();
    let out = asynction(&[
        "generate",
        "typescript",
        "shapes-2.6.yaml",
        "--out",
        &out_dir,
        "--server",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("the document has no server 'nope' (servers: main)"),
        "{}",
        text(&out.stderr)
    );
    let out = asynction(&[
        "generate",
        "typescript",
        "shapes-2.6.yaml",
        "--out",
        &out_dir,
        "--name",
        "Bad Name",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot be an npm package name"),
        "{}",
        text(&out.stderr)
    );
    let out = asynction(&["generate", "typescript", "missing.yaml", "--out", &out_dir]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn python_help_lists_its_options() {
    let out = asynction(&["generate", "--help"]);
    assert!(
        text(&out.stdout).contains("python"),
        "{}",
        text(&out.stdout)
    );
    let out = asynction(&["generate", "python", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out.stdout);
    for option in [
        "--out <DIR>",
        "--name <PACKAGE>",
        "--server <NAME>",
        "[FILE]",
        "--socketio-args",
    ] {
        assert!(help.contains(option), "{option} in {help}");
    }
}

#[test]
fn python_writes_the_package_and_warns_with_positions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("client");
    let out = asynction(&[
        "generate",
        "python",
        "approximations-2.6.yaml",
        "--out",
        out_dir.to_str().expect("utf-8"),
        "--name",
        "approx",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("created approx (7 files) in "),
        "{}",
        text(&out.stdout)
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("approximations-2.6.yaml:11:13: warning: Python: `not` is not expressed"),
        "{stderr}"
    );
    for file in [
        "pyproject.toml",
        "README.md",
        "src/approx/__init__.py",
        "src/approx/models.py",
        "src/approx/client.py",
        "src/approx/_runtime.py",
        "src/approx/py.typed",
    ] {
        assert!(out_dir.join(file).is_file(), "{file}");
    }
    let refused = asynction(&[
        "generate",
        "python",
        "shapes-2.6.yaml",
        "--out",
        out_dir.to_str().expect("utf-8"),
        "--name",
        "Not-A-Module",
    ]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("cannot be a Python package name"),
        "{}",
        text(&refused.stderr)
    );
}
