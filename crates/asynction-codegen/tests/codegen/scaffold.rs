//! `asynction scaffold`: generated projects compile without warnings and their own tests pass.
//!
//! Each document is scaffolded into a temporary directory, then `cargo test` runs inside the
//! generated project (offline first: every dependency is one this repository already uses). The
//! projects share one target directory under this build's target dir
//! (`<target>/tmp/scaffold-check`), so asynction and its dependencies compile once for all of
//! them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use asynction_codegen::scaffold::{
    AsynctionDependency, ScaffoldError, ScaffoldOptions, generate, scaffold,
};
use asynction_spec::Document;

use crate::repo;

fn shared_target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("scaffold-check")
}

fn cargo(project: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    Command::new(cargo)
        .args(args)
        .current_dir(project)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        // Warnings in the generated code fail the build.
        .env("RUSTFLAGS", "-D warnings")
        // Compile-and-test only: no debug info or incremental caches (they cost GBs of disk).
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("cargo runs")
}

/// Scaffolds `spec` and runs `cargo test` in the project; panics with cargo's output on failure.
fn scaffold_and_test(spec: &str, name: &str) -> PathBuf {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("temp dir").keep().join(name);
    let project = scaffold(
        &repo(spec),
        &dir,
        &ScaffoldOptions {
            crate_name: Some(name.to_owned()),
            ..ScaffoldOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{spec}: {e}"));
    assert_eq!(project.crate_name, name);
    let mut output = cargo(&dir, &["test", "--offline"]);
    if !output.status.success() && String::from_utf8_lossy(&output.stderr).contains("offline") {
        // A dependency version not in the local registry cache: let cargo fetch it.
        output = cargo(&dir, &["test"]);
    }
    assert!(
        output.status.success(),
        "cargo test failed in the project scaffolded from {spec} ({}):\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for test in [
        "app_builds_with_every_handler_registered ... ok",
        "the_handlers_types_agree_with_the_document ... ok",
    ] {
        assert!(stdout.contains(test), "{stdout}");
    }
    eprintln!(
        "{spec}: scaffolded and tested in {:.1}s",
        started.elapsed().as_secs_f64()
    );
    dir
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn user_accounts_project_builds_and_its_tests_pass() {
    let dir = scaffold_and_test("examples/user_accounts/asyncapi.yaml", "user-accounts");
    let handlers = read(&dir, "src/handlers.rs");
    assert!(handlers.contains("pub async fn sign_up("), "{handlers}");
    assert!(
        handlers.contains("Payload(payload): Payload<types::Credentials>"),
        "{handlers}"
    );
    assert!(
        handlers.contains("-> Result<Ack<types::LogInAck>, String>"),
        "{handlers}"
    );
    assert!(handlers.contains("error: EventError"), "{handlers}");
    let types = read(&dir, "src/types.rs");
    assert!(types.contains("pub struct Credentials {"), "{types}");
    assert!(types.contains("pub enum Metrics {"), "{types}");
    let tests = read(&dir, "tests/handlers.rs");
    // Both event handlers are checked: `log in`'s ack (a boolean) is reproduced exactly.
    assert!(
        tests.contains("(report.checked, report.unchecked), (2, 0)"),
        "{tests}"
    );
    let lib = read(&dir, "src/lib.rs");
    assert!(
        lib.contains(".handler_checked(\"user_accounts.log_in\", handlers::log_in)"),
        "{lib}"
    );
    assert!(
        types.contains("schemars::JsonSchema)]\npub struct Credentials {"),
        "{types}"
    );
    assert!(tests.contains("fn payload_of_sign_up()"), "{tests}");
    assert!(tests.contains("fn payload_of_emitted_metrics()"), "{tests}");
    assert_eq!(
        read(&dir, "asyncapi.yaml"),
        read(&repo("examples/user_accounts"), "asyncapi.yaml")
    );
    // The server's log, redirected, has no colour codes (and none with NO_COLOR).
    let binary = shared_target_dir().join("debug/user-accounts");
    for no_color in [None, Some("1")] {
        let log = log_until_listening(&binary, no_color);
        assert!(log.contains("listening on http://"), "{log}");
        assert!(
            !log.contains('\u{1b}'),
            "colour codes in a redirected log: {log:?}"
        );
    }
}

/// The scaffolded server's log (standard output, a pipe) up to and including its
/// `listening on` line (at most 20 lines: the type check's report comes first), then it is
/// killed.
fn log_until_listening(binary: &Path, no_color: Option<&str>) -> String {
    use std::io::{BufRead, BufReader};
    let mut command = Command::new(binary);
    command
        .env("PORT", "0")
        .env("RUST_LOG", "info")
        .env_remove("NO_COLOR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    if let Some(value) = no_color {
        command.env("NO_COLOR", value);
    }
    let mut child = command.spawn().expect("the scaffolded server runs");
    let mut log = String::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    for _ in 0..20 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        log.push_str(&line);
        if line.contains("listening on") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    log
}

#[test]
fn chat_project_builds_and_its_tests_pass() {
    let dir = scaffold_and_test("examples/chat/asyncapi.yaml", "chat-server");
    let handlers = read(&dir, "src/handlers.rs");
    assert!(handlers.contains("reason: DisconnectReason"), "{handlers}");
    assert!(
        handlers.contains("pub async fn typing(socket: ValidatedSocket)"),
        "{handlers}"
    );
    let types = read(&dir, "src/types.rs");
    assert!(types.contains("pub struct NewMessage {"), "{types}");
    assert!(types.contains("pub struct NewMessageReceived {"), "{types}");
    assert!(types.contains("pub error: Option<String>,"), "{types}");
    // An optional field is skipped when `None`, so its schema is the value's.
    assert!(
        types.contains("    #[schemars(with = \"String\")]\n    pub room: Option<String>,"),
        "{types}"
    );
    let tests = read(&dir, "tests/handlers.rs");
    assert!(
        tests.contains("(report.checked, report.unchecked), (5, 0)"),
        "{tests}"
    );
}

#[test]
fn asyncapi_3_project_builds_and_its_tests_pass() {
    let dir = scaffold_and_test("examples/conformance/asyncapi-3.0.yaml", "conformance-v3");
    let lib = read(&dir, "src/lib.rs");
    // One function for the connect hook both namespaces name.
    assert_eq!(
        lib.matches(".handler(\"conformance.emit_auth\"").count(),
        1,
        "{lib}"
    );
    let handlers = read(&dir, "src/handlers.rs");
    assert!(
        handlers.contains("security: Option<SecurityInfo>"),
        "{handlers}"
    );
}

#[test]
fn asyncapi_3_1_project_uses_only_matching_examples() {
    // Plain-value example payloads; `count`'s second example ("three") does not match its
    // integer schema: the generated tests must skip it (asynction only warns about it).
    let dir = scaffold_and_test(
        "tests/fixtures/spec/valid/bad-examples-3.1.0.yaml",
        "examples-v31",
    );
    let tests = read(&dir, "tests/handlers.rs");
    assert!(tests.contains("fn payload_of_count()"), "{tests}");
    assert!(
        tests.contains("ExampleCheck::run(doc).valid_payloads(event)"),
        "{tests}"
    );
}

#[test]
fn secured_project_builds_and_its_tests_pass() {
    let dir = scaffold_and_test("tests/fixtures/security/security.yaml", "secured");
    let lib = read(&dir, "src/lib.rs");
    for registration in [
        ".basic(\"basic_info\", handlers::basic_info)",
        ".bearer(\"bearer_info\", handlers::bearer_info)",
        ".api_key(\"api_key_info\", handlers::api_key_info)",
    ] {
        assert!(lib.contains(registration), "{lib}");
    }
    let handlers = read(&dir, "src/handlers.rs");
    assert_eq!(
        handlers.matches("Err(Refusal::Unauthorized)").count(),
        6,
        "{handlers}"
    );
}

#[test]
fn a_non_empty_directory_is_refused_without_force() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "mine").expect("write");
    let options = ScaffoldOptions {
        crate_name: Some("chat".to_owned()),
        skip_rustfmt: true,
        ..ScaffoldOptions::default()
    };
    let spec = repo("examples/chat/asyncapi.yaml");
    let err = scaffold(&spec, dir.path(), &options).expect_err("non-empty directory");
    assert!(matches!(err, ScaffoldError::NotEmpty { .. }), "{err}");
    assert!(err.to_string().contains("--force"), "{err}");
    assert!(!dir.path().join("Cargo.toml").exists());

    let forced = ScaffoldOptions {
        force: true,
        ..options
    };
    scaffold(&spec, dir.path(), &forced).expect("forced");
    assert!(dir.path().join("Cargo.toml").exists());
    assert_eq!(read(dir.path(), "notes.txt"), "mine");
}

#[test]
fn dependency_and_crate_name_options() {
    let doc = Document::from_path(repo("examples/chat/asyncapi.yaml")).expect("loads");
    let project =
        generate(&doc, "chat", &AsynctionDependency::Version("0.1".into())).expect("generates");
    let manifest = &project
        .files
        .iter()
        .find(|f| f.path == Path::new("Cargo.toml"))
        .expect("Cargo.toml")
        .contents;
    assert!(
        manifest.contains("asynction = { version = \"0.1\", features = [\"schemars\"] }"),
        "{manifest}"
    );
    assert!(manifest.contains("\n[workspace]\n"), "{manifest}");
    let err = generate(&doc, "9 lives", &AsynctionDependency::default()).expect_err("bad name");
    assert!(
        matches!(err, ScaffoldError::InvalidCrateName { .. }),
        "{err}"
    );
}
