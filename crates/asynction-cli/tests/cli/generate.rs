//! `asynction generate typescript` and `generate python`: `--help`, the files written, warnings with file:line:col,
//! and refused options. (The generated code itself is tested by asynction-codegen's tests.)
//! Writing a package runs the binary; the other checks run the command in process.
use std::path::PathBuf;

use asynction_testkit::cli::Run;

fn fixtures() -> PathBuf {
    asynction_testkit::fixtures("typescript")
}

/// Runs the binary in the TypeScript fixtures folder, so that warnings name files as given.
fn asynction(args: &[&str]) -> Run {
    crate::asynction(&fixtures(), args)
}

/// The command in process; documents are named relative to the fixtures folder.
fn in_process(args: &[&str]) -> Run {
    crate::in_process(&fixtures(), args)
}

/// A document of the fixtures folder, as an argument of [`in_process`].
fn fixture(name: &str) -> String {
    crate::at(&fixtures(), name)
}

#[test]
fn help_lists_the_target_and_its_options() {
    let out = in_process(&["generate", "--help"]);
    assert_eq!(out.code, Some(0));
    assert!(out.stdout.contains("typescript"), "{}", out.stdout);
    let out = in_process(&["generate", "typescript", "--help"]);
    let help = out.stdout;
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
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout.starts_with("created approx (4 files) in "),
        "{}",
        out.stdout
    );
    let stderr = out.stderr;
    assert!(
        stderr
            .contains("approximations-2.6.yaml:11:13: warning: TypeScript: `not` is not expressed"),
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
    let shapes = fixture("shapes-2.6.yaml");
    let out = in_process(&[
        "generate",
        "typescript",
        &shapes,
        "--out",
        &out_dir,
        "--server",
        "nope",
    ]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr
            .contains("the document has no server 'nope' (servers: main)"),
        "{}",
        out.stderr
    );
    let out = in_process(&[
        "generate",
        "typescript",
        &shapes,
        "--out",
        &out_dir,
        "--name",
        "Bad Name",
    ]);
    assert_eq!(out.code, Some(1));
    assert!(
        out.stderr.contains("cannot be an npm package name"),
        "{}",
        out.stderr
    );
    let missing = fixture("missing.yaml");
    let out = in_process(&["generate", "typescript", &missing, "--out", &out_dir]);
    assert_eq!(out.code, Some(1));
}

#[test]
fn python_help_lists_its_options() {
    let out = in_process(&["generate", "--help"]);
    assert!(out.stdout.contains("python"), "{}", out.stdout);
    let out = in_process(&["generate", "python", "--help"]);
    assert_eq!(out.code, Some(0));
    let help = out.stdout;
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
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stdout.starts_with("created approx (7 files) in "),
        "{}",
        out.stdout
    );
    let stderr = &out.stderr;
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
    assert_eq!(refused.code, Some(1));
    assert!(
        refused.stderr.contains("cannot be a Python package name"),
        "{}",
        refused.stderr
    );
}
