//! `asynction generate python`: generated packages install into a venv, import, and type-check
//! under `mypy --strict` and pyright's strict mode for every document of the project (and of
//! the AsyncAPI corpus's Socket.IO documents; its spec examples too with `ASYNCTION_CORPUS_SWEEP=1`); type errors
//! stay errors, with the expected error codes; approximations are commented and warned with
//! positions; models validate and serialise as the document says.
//!
//! Python, pydantic, python-socketio and mypy come from `tests/peers/requirements.txt`, pyright
//! from `tests/peers` (`scripts/install-peers.sh` installs both). One venv (with the system's
//! site packages, where the peers are) holds every generated package, each installed with
//! `pip install --no-deps --no-build-isolation` (flit_core builds them in well under a second).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

use asynction_codegen::Package;
use asynction_codegen::python::{PythonOptions, generate};
use asynction_spec::Document;

pub(crate) fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// The Python the peers are installed for (`ASYNCTION_PYTHON`, else `python3`).
fn system_python() -> String {
    std::env::var("ASYNCTION_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

/// The shared venv's interpreter: created once (with the system's site packages, where
/// pydantic, python-socketio and mypy are), reused by every test of this binary.
pub(crate) fn venv_python() -> PathBuf {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let check = Command::new(system_python())
            .args(["-c", "import pydantic, socketio, aiohttp, mypy, flit_core"])
            .output()
            .expect("python3 runs");
        assert!(
            check.status.success(),
            "the Python peers are missing: run scripts/install-peers.sh ({})",
            String::from_utf8_lossy(&check.stderr)
        );
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-venv");
        let python = dir.join("bin/python");
        if !python.exists() {
            let out = Command::new(system_python())
                .args(["-m", "venv", "--system-site-packages"])
                .arg(&dir)
                .output()
                .expect("python3 -m venv runs");
            assert!(
                out.status.success(),
                "venv: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        python
    })
    .clone()
}

/// Installs the packages in `dirs` into the shared venv (one pip run; pip runs one at a time).
pub(crate) fn pip_install(dirs: &[PathBuf]) {
    static PIP: Mutex<()> = Mutex::new(());
    let _one_at_a_time = PIP.lock().unwrap_or_else(|e| e.into_inner());
    let out = Command::new(venv_python())
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--force-reinstall",
        ])
        .args(dirs)
        .output()
        .expect("pip runs");
    assert!(
        out.status.success(),
        "pip install: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn pyright_js() -> PathBuf {
    let js = repo("tests/peers/node_modules/pyright/index.js");
    assert!(
        js.exists(),
        "pyright is missing from tests/peers: run `npm ci --prefix tests/peers`"
    );
    js
}

/// `mypy --strict` on the packages `names` whose sources are under `src_dirs`.
fn mypy(dir: &Path, src_dirs: &[PathBuf], args: &[&str]) -> Output {
    let path = std::env::join_paths(src_dirs).expect("paths");
    Command::new(venv_python())
        .args([
            "-m",
            "mypy",
            "--strict",
            "--cache-dir=/dev/null",
            "--show-error-codes",
        ])
        .args(args)
        .env("MYPYPATH", path)
        .current_dir(dir)
        .output()
        .expect("mypy runs")
}

/// pyright in strict mode on `include` (relative to `dir`), with the venv's packages.
fn pyright(dir: &Path, include: &[String], extra: &str) -> Output {
    let venv = venv_python();
    let config = format!(
        "{{\"typeCheckingMode\": \"strict\", \"pythonVersion\": \"3.9\", \"include\": {}, \"enableTypeIgnoreComments\": false, \"reportUnnecessaryTypeIgnoreComment\": \"error\"{extra}}}",
        serde_json::to_string(include).expect("json")
    );
    std::fs::write(dir.join("pyrightconfig.json"), config).expect("pyrightconfig.json");
    Command::new("node")
        .arg(pyright_js())
        .arg("--pythonpath")
        .arg(&venv)
        .current_dir(dir)
        .output()
        .expect("node runs")
}

/// [`pyright`], its report as JSON.
fn pyright_json(dir: &Path, include: &[String], extra: &str) -> Output {
    pyright(dir, include, extra);
    Command::new("node")
        .arg(pyright_js())
        .arg("--outputjson")
        .arg("--pythonpath")
        .arg(venv_python())
        .current_dir(dir)
        .output()
        .expect("node runs")
}

fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn generate_file(spec: &str, name: &str) -> Package {
    let doc = Document::from_path(repo(spec)).unwrap_or_else(|e| panic!("{spec}: {e}"));
    generate(
        &doc,
        &PythonOptions {
            package_name: Some(name.to_owned()),
            ..PythonOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{spec}: {e}"))
}

fn module<'p>(package: &'p Package, file: &str) -> &'p str {
    package
        .file(&format!("src/{}/{file}", package.name))
        .unwrap_or_else(|| panic!("{file}"))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            out.push(path);
        }
    }
}

/// Every document of `tests/fixtures/**`, `examples/*/asyncapi*.yaml` and the AsyncAPI corpus's
/// `socketio/`; with `ASYNCTION_CORPUS_SWEEP=1` ([`asynction_testkit::corpus_sweep`]), also the
/// corpus's `spec-examples/` (minutes of type checking, for notes).
fn documents() -> Vec<PathBuf> {
    let mut docs = Vec::new();
    collect(&repo("tests/fixtures"), &mut docs);
    let mut examples = Vec::new();
    collect(&repo("examples"), &mut examples);
    docs.extend(examples.into_iter().filter(|p| {
        p.parent().and_then(Path::parent) == Some(repo("examples").as_path())
            && p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("asyncapi"))
    }));
    let corpus = asynction_testkit::asyncapi_corpus();
    collect(&corpus.join("socketio"), &mut docs);
    if asynction_testkit::corpus_sweep() {
        collect(&corpus.join("spec-examples"), &mut docs);
    }
    docs
}

/// Generated Python without its string literals and comments (it writes strings with double
/// quotes only).
fn code_only(source: &str) -> String {
    let mut out = String::new();
    let mut rest = source;
    while let Some(c) = rest.chars().next() {
        let quote = if rest.starts_with("\"\"\"") {
            Some("\"\"\"")
        } else if c == '"' {
            Some("\"")
        } else {
            None
        };
        if let Some(q) = quote {
            let body = &rest[q.len()..];
            let mut end = body.len();
            let mut escaped = false;
            for (i, ch) in body.char_indices() {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if body[i..].starts_with(q) {
                    end = i + q.len();
                    break;
                }
            }
            rest = &body[end..];
            out.push_str("\"\"");
        } else if c == '#' {
            rest = &rest[rest.find('\n').unwrap_or(rest.len())..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Lines of generated code that name `Any` (outside strings and comments).
fn any_uses(source: &str) -> Vec<String> {
    code_only(source)
        .lines()
        .filter(|l| {
            l.match_indices("Any").any(|(i, _)| {
                let word =
                    |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                !word(l[..i].chars().next_back()) && !word(l[i + 3..].chars().next())
            })
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_loadable_document_installs_imports_and_type_checks_strictly() {
    let workspace = tempfile::tempdir().expect("temp dir");
    let root = workspace.path();
    let mut dirs = Vec::new();
    let mut names = Vec::new();
    let mut generated = Vec::new();
    let mut skipped = Vec::new();
    for (i, path) in documents().iter().enumerate() {
        let doc = match Document::from_path(path) {
            Ok(doc) => doc,
            Err(e) => {
                skipped.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        let name = format!("doc_{i:03}");
        let package = generate(
            &doc,
            &PythonOptions {
                package_name: Some(name.clone()),
                ..PythonOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for file in ["models.py", "client.py", "__init__.py"] {
            let uses = any_uses(module(&package, file));
            assert!(
                uses.is_empty(),
                "{}: `Any` in {file}: {uses:?}",
                path.display()
            );
        }
        let dir = root.join(&name);
        package.write(&dir).expect("written");
        dirs.push(dir);
        names.push(name);
        generated.push(path.clone());
    }
    pip_install(&dirs);
    // Every package imports (warnings are errors: pydantic warns about shadowed fields).
    let out = Command::new(venv_python())
        .args(["-W", "error", "-c"])
        .arg(
            names
                .iter()
                .map(|n| format!("import {n}"))
                .collect::<Vec<_>>()
                .join("\n"),
        )
        .current_dir(root)
        .output()
        .expect("python runs");
    assert_ok(&out, "importing the generated packages");
    let src: Vec<PathBuf> = dirs.iter().map(|d| d.join("src")).collect();
    let packages: Vec<String> = names
        .iter()
        .flat_map(|n| ["-p".to_owned(), n.clone()])
        .collect();
    let packages: Vec<&str> = packages.iter().map(String::as_str).collect();
    assert_ok(&mypy(root, &src, &packages), "mypy --strict");
    let include: Vec<String> = names.iter().map(|n| format!("{n}/src")).collect();
    assert_ok(&pyright(root, &include, ""), "pyright (strict)");
    eprintln!(
        "{} documents generated, installed, imported and type-checked (mypy --strict, pyright strict); {} did not load:\n  {}",
        generated.len(),
        skipped.len(),
        skipped.join("\n  ")
    );
    assert!(generated.len() >= 30, "{generated:?}");
    for example in [
        "examples/user_accounts/asyncapi.yaml",
        "examples/chat/asyncapi.yaml",
        "examples/conformance/asyncapi-3.0.yaml",
    ] {
        assert!(generated.contains(&repo(example)), "{example} type-checked");
    }
}

#[test]
fn schemas_become_the_expected_models() {
    let package = generate_file("tests/fixtures/typescript/shapes-2.6.yaml", "shapes_client");
    let models = module(&package, "models.py");
    for expected in [
        // component names, descriptions as docstrings, required / optional, additionalProperties
        "class Ticket(_Model):\n    \"\"\"Payload of `ticket` (client → server, `/support`).\n\n    A support ticket.\n    \"\"\"\n    model_config = ConfigDict(extra=\"forbid\")\n",
        "    title: Annotated[StrictStr, Field(min_length=1)]\n    priority: Literal[\"low\", \"high\"]\n    kind: Optional[Literal[\"bug\"]] = None\n    tags: Optional[List[StrictStr]] = None\n    labels: Optional[Dict[str, StrictStr]] = None\n    pair: Optional[Tuple[StrictFloat, StrictFloat]] = None\n    choice: Optional[Union[StrictStr, TicketChoiceOption2]] = None\n",
        // an inline object of a union is a class of its own
        "class TicketChoiceOption2(_Model):\n    code: StrictInt\n",
        // recursive schema
        "class Node(_Model):\n    \"\"\"Payload of `tree` (server → client, `/support`).\"\"\"\n    _absent_when_none: ClassVar[Tuple[str, ...]] = (\"children\",)\n    value: StrictInt\n    children: Optional[List[Node]] = None\n",
        // date-time, nullable (both spellings): `None` is a value there, not absence
        "    state: State\n    at: DateTime\n    \"\"\"When it changed.\"\"\"\n    note: Optional[StrictStr] = None\n    legacy: Optional[StrictStr] = None\n",
        // allOf merged into one model
        "class HelloPayload(_Model):\n    \"\"\"Payload of `hello` (client → server, `/tenant/{id}`).\"\"\"\n    _absent_when_none: ClassVar[Tuple[str, ...]] = (\"extra\",)\n    name: StrictStr\n    extra: Optional[StrictBool] = None\n",
        // anyOf, enum, binary, tuple
        "HelloAck: TypeAlias = Union[StrictStr, StrictFloat]",
        "State: TypeAlias = Literal[\"open\", \"closed\"]",
        "UploadPayload: TypeAlias = StrictBytes",
        "MovePayload: TypeAlias = Tuple[StrictInt, Literal[\"up\", \"down\"]]",
        "UploadAck(_Model):\n    \"\"\"Acknowledgement of `upload` (client → server, `/support`).\"\"\"\n    size: Annotated[StrictInt, Field(ge=0)]\n",
    ] {
        assert!(
            models.contains(expected),
            "missing:\n{expected}\n---- in:\n{models}"
        );
    }
    let client = module(&package, "client.py");
    for expected in [
        "class SupportNamespace(AsyncNamespace):",
        "class SupportNamespaceSync(SyncNamespace):",
        "    async def ticket(self, payload: Ticket, *, timeout: float = DEFAULT_TIMEOUT) -> TicketAck:",
        "    def ticket(self, payload: Ticket, *, timeout: float = DEFAULT_TIMEOUT) -> TicketAck:",
        "    async def move(self, args: MovePayload, *, timeout: float = DEFAULT_TIMEOUT) -> MoveAck:",
        "    async def emit_anything(self, *args: JsonValue) -> None:",
        "    def on_status(self, handler: Callable[[StatusPayload], Union[Awaitable[None], None]]) -> Callable[[StatusPayload], Union[Awaitable[None], None]]:",
        "    def on_ask(self, handler: Callable[[AskPayload], Union[Awaitable[AskAck], AskAck]]) -> Callable[[AskPayload], Union[Awaitable[AskAck], AskAck]]:",
        "SupportAuth = TypedDict(\"SupportAuth\", {\"token\": str})",
        "    namespace: Literal[\"/support\"],\n    *,\n    auth: SupportAuth,\n    query: SupportQuery,\n    headers: Optional[Mapping[str, str]] = None,\n    socketio_path: str = SOCKETIO_PATH,",
        "    namespace: Literal[\"/tenant/{id}\"],\n    *,\n    id: str,\n    auth: Optional[Mapping[str, str]] = None,",
        "SOCKETIO_PATH = \"/api/socket.io\"",
    ] {
        assert!(
            client.contains(expected),
            "missing:\n{expected}\n---- in:\n{client}"
        );
    }
    assert!(package.warnings.is_empty(), "{:?}", package.warnings);
    let pyproject = package.file("pyproject.toml").expect("pyproject.toml");
    for expected in [
        "name = \"shapes-client\"",
        "version = \"1.2.3\"",
        "requires-python = \">=3.9\"",
        "\"python-socketio[client,asyncio-client]>=5\"",
        "\"pydantic>=2.7,<3\"",
    ] {
        assert!(pyproject.contains(expected), "{expected} in {pyproject}");
    }
    assert_eq!(package.file("src/shapes_client/py.typed"), Some(""));
}

#[test]
fn generation_is_deterministic() {
    for spec in [
        "tests/fixtures/typescript/shapes-2.6.yaml",
        "examples/conformance/asyncapi-3.0.yaml",
    ] {
        let a = generate_file(spec, "a");
        let b = generate_file(spec, "a");
        assert_eq!(a.files, b.files, "{spec}");
    }
}

/// Uses of the shapes package that must not type-check; each line's error code for mypy and
/// for pyright (`# type: ignore[…]` and `# pyright: ignore[…]` on the line: both tools report
/// an ignore that is not needed, so each must be an error of exactly that code).
const MUST_FAIL: &[(&str, &str, &str)] = &[
    // An enum value outside the enum.
    (
        "Ticket(title=\"a\", priority=\"urgent\")",
        "arg-type",
        "reportArgumentType",
    ),
    // A missing required field.
    ("Ticket(priority=\"low\")", "call-arg", "reportCallIssue"),
    // additionalProperties: false.
    (
        "Ticket(title=\"a\", priority=\"low\", extra=1)",
        "call-arg",
        "reportCallIssue",
    ),
    // An unknown event method.
    (
        "await support.open_a_ticket(Ticket(title=\"a\", priority=\"low\"))",
        "attr-defined",
        "reportAttributeAccessIssue, reportUnknownMemberType",
    ),
    // The ack of `ticket` is a TicketAck, not a string.
    (
        "_wrong_ack: str = await support.ticket(Ticket(title=\"a\", priority=\"low\"))",
        "assignment",
        "reportAssignmentType",
    ),
    // Its field is an int.
    (
        "_wrong_id: str = (await support.ticket(Ticket(title=\"a\", priority=\"low\"))).id",
        "assignment",
        "reportAssignmentType",
    ),
    // A handler of the wrong type.
    (
        "support.on_status(on_number)",
        "arg-type",
        "reportArgumentType",
    ),
    // A client ack of the wrong type: `ask` is acked with a boolean.
    (
        "support.on_ask(answer_text)",
        "arg-type",
        "reportArgumentType",
    ),
    // Spread arguments: an integer and a direction.
    (
        "await support.move((1, \"left\"))",
        "arg-type",
        "reportArgumentType",
    ),
    // Binary payload.
    (
        "await support.upload(\"text\")",
        "arg-type",
        "reportArgumentType",
    ),
    // A missing required `auth`.
    (
        "connect(URL, \"/support\", query=SupportQuery(lang=\"en\"))",
        "call-overload",
        "reportArgumentType",
    ),
    // A missing required auth field.
    (
        "connect(URL, \"/support\", auth={}, query=SupportQuery(lang=\"en\"))",
        "call-overload",
        "reportArgumentType, reportCallIssue",
    ),
    // A missing required `query`.
    (
        "connect(URL, \"/support\", auth={\"token\": \"t\"})",
        "call-overload",
        "reportArgumentType",
    ),
    // A query value outside its enum.
    (
        "SupportQuery(lang=\"de\")",
        "arg-type",
        "reportArgumentType",
    ),
    // A dynamic namespace without its parameter.
    (
        "connect(URL, \"/tenant/{id}\")",
        "call-overload",
        "reportArgumentType",
    ),
    // An unknown namespace.
    (
        "connect(URL, \"/nope\")",
        "call-overload",
        "reportArgumentType",
    ),
    // The synchronous client returns the ack itself.
    (
        "_wrong_sync: str = connect_sync(URL, \"/support\", auth={\"token\": \"t\"}, query=SupportQuery(lang=\"en\")).ticket(Ticket(title=\"a\", priority=\"low\"))",
        "assignment",
        "reportAssignmentType",
    ),
];

const USAGE_HEAD: &str = r#"from __future__ import annotations

import datetime

from shapes_fail import (
    AskAck,
    HelloPayload,
    InvalidMessage,
    Node,
    StatusPayload,
    SupportQuery,
    Ticket,
    TicketAck,
    connect,
    connect_sync,
)

URL = "http://localhost:5000"


def on_number(value: int) -> None:
    print(value)


def answer_text(question: str) -> str:
    return question


def print_tick(value: int) -> None:
    print(value)


async def main() -> None:
    support = connect(URL, "/support", auth={"token": "t"}, query=SupportQuery(lang="en"))

    @support.on_status
    def status(s: StatusPayload) -> None:
        state: str = s.state
        at: datetime.datetime = s.at
        print(state, at)

    @support.on_tree
    async def tree(n: Node) -> None:
        print(n.children[0].value if n.children else None)

    @support.on_ask
    def ask(question: str) -> AskAck:
        return question == "ok?"

    @support.on_invalid
    def invalid(m: InvalidMessage) -> None:
        print(m.event, m.kind, [v.path for v in m.violations])

    async with support:
        ack: TicketAck = await support.ticket(Ticket(title="a", priority="low", pair=(1, 2.5)))
        moved: str = await support.move((1, "up"))
        size: int = (await support.upload(b"\x00")).size
        await support.emit_anything(1, "two", {"three": [3]})
        print(ack.id, moved, size)
    tenant = connect(URL, "/tenant/{id}", id="42")
    async with tenant:
        hello: str | float = await tenant.hello(HelloPayload(name="n", extra=True))
        print(hello)
    with connect_sync(URL, "/public") as public:
        public.on_tick(print_tick)
"#;

#[test]
fn type_errors_stay_errors() {
    let workspace = tempfile::tempdir().expect("temp dir");
    let dir = workspace.path();
    let package = generate_file("tests/fixtures/typescript/shapes-2.6.yaml", "shapes_fail");
    package.write(&dir.join("pkg")).expect("written");
    let src = dir.join("pkg/src");
    std::fs::create_dir_all(dir.join("usage")).expect("usage dir");
    let mut usage = USAGE_HEAD.to_owned();
    usage.push_str("\n\nasync def must_fail() -> None:\n    support = connect(URL, \"/support\", auth={\"token\": \"t\"}, query=SupportQuery(lang=\"en\"))\n");
    for (line, mypy_code, pyright_rule) in MUST_FAIL {
        usage.push_str(&format!(
            "    {line}  # type: ignore[{mypy_code}]  # pyright: ignore[{pyright_rule}]\n"
        ));
    }
    std::fs::write(dir.join("usage/usage.py"), &usage).expect("usage.py");
    let paths = [src, dir.join("usage")];
    // Every ignore is needed (--strict warns about unused ones) and of the right code.
    assert_ok(&mypy(dir, &paths, &["-m", "usage"]), "mypy on usage.py");
    let include = ["usage".to_owned(), "pkg/src".to_owned()];
    let extra = ", \"extraPaths\": [\"pkg/src\"]";
    assert_ok(&pyright(dir, &include, extra), "pyright on usage.py");
    // And without them, each line is one error of that code.
    let bare: String = usage
        .lines()
        .map(|l| l.split("  # type: ignore[").next().unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("usage/usage.py"), &bare).expect("usage.py");
    let out = mypy(dir, &paths, &["-m", "usage"]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    for (line, mypy_code, _) in MUST_FAIL {
        let n = bare
            .lines()
            .position(|l| l.trim() == *line)
            .unwrap_or_else(|| panic!("{line}"))
            + 1;
        assert!(
            stdout.contains(&format!("usage.py:{n}: error:"))
                && stdout
                    .lines()
                    .any(|l| l.contains(&format!("usage.py:{n}: error:"))
                        && l.ends_with(&format!("[{mypy_code}]"))),
            "line {n} `{line}` is no [{mypy_code}] error:\n{stdout}"
        );
    }
    // pyright's diagnostics as (1-based line, rule).
    let out = pyright_json(dir, &include, extra);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("pyright JSON");
    let found: Vec<(u64, String)> = report["generalDiagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["file"].as_str().is_some_and(|f| f.ends_with("usage.py")))
        .map(|d| {
            (
                d["range"]["start"]["line"].as_u64().unwrap_or_default() + 1,
                d["rule"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    for (line, _, rule) in MUST_FAIL {
        let n = bare
            .lines()
            .position(|l| l.trim() == *line)
            .unwrap_or_else(|| panic!("{line}"))
            + 1;
        let rule = rule.split(", ").next().unwrap_or(rule);
        assert!(
            found.iter().any(|(l, r)| *l == n as u64 && r == rule),
            "line {n} `{line}` is no {rule} error: {found:?}"
        );
    }
}

#[test]
fn approximations_are_commented_and_warned_with_positions() {
    for (spec, notes, expected) in [
        (
            "tests/fixtures/typescript/approximations-2.6.yaml",
            // The schemas' four; the reserved event and the spread are the client's.
            4,
            &[
                (":11:13:", "`not` is not expressed"),
                (":15:13:", "`patternProperties` is not expressed"),
                (":20:13:", "`if`/`then`/`else` is not expressed"),
                (":25:13:", "an `enum` with object or array values"),
                (
                    ":28:13:",
                    "a spread payload (`x-socketio-args: spread`) whose schema is not an array",
                ),
                (":31:13:", "'connect' is reserved by python-socketio"),
            ][..],
        ),
        (
            "tests/fixtures/python/approximations-2.6.yaml",
            4,
            &[
                (
                    ":11:13:",
                    "a tuple that allows further elements is typed as a list",
                ),
                (
                    ":15:13:",
                    "a non-integer number in `enum`/`const` cannot be a `Literal`",
                ),
                (":18:13:", "`allOf` of schemas that are not all objects"),
                (
                    ":23:13:",
                    "by type aliases alone, which pydantic cannot build",
                ),
            ][..],
        ),
    ] {
        let name = if spec.contains("python") {
            "approx_py"
        } else {
            "approx_ts"
        };
        let package = generate_file(spec, name);
        let warnings: Vec<String> = package.warnings.iter().map(ToString::to_string).collect();
        for (position, what) in expected {
            assert!(
                warnings.iter().any(|w| w.contains(position)
                    && w.contains(": warning: Python: ")
                    && w.contains(what)),
                "{position} {what} in {warnings:#?}"
            );
        }
        // Each says so where the type is declared.
        let models = module(&package, "models.py");
        assert_eq!(models.matches("Approximation: ").count(), notes, "{models}");
        let workspace = tempfile::tempdir().expect("temp dir");
        let dir = workspace.path();
        package.write(&dir.join(name)).expect("written");
        pip_install(&[dir.join(name)]);
        let out = Command::new(venv_python())
            .args(["-W", "error", "-c", &format!("import {name}")])
            .current_dir(dir)
            .output()
            .expect("python runs");
        assert_ok(&out, "import");
        assert_ok(
            &mypy(dir, &[dir.join(name).join("src")], &["-p", name]),
            "mypy --strict",
        );
    }
    let package = generate_file("tests/fixtures/python/approximations-2.6.yaml", "approx_py");
    let models = module(&package, "models.py");
    for expected in [
        "    class_: StrictStr = Field(validation_alias=\"class\", serialization_alias=\"class\")\n",
        "    user_name: Annotated[StrictStr, _pattern(\"^[a-z]+$\")] = Field(validation_alias=\"user-name\", serialization_alias=\"user-name\")\n",
        "    json_: StrictInt = Field(validation_alias=\"json\", serialization_alias=\"json\")\n",
        "    from_: Optional[DateTime] = Field(default=None, validation_alias=\"from\", serialization_alias=\"from\")\n",
        "OpenTuplePayload: TypeAlias = List[JsonValue]",
        "Tree: TypeAlias = Union[StrictStr, List[JsonValue]]",
    ] {
        assert!(
            models.contains(expected),
            "missing:\n{expected}\n---- in:\n{models}"
        );
    }
    // The version is not PEP 440: 0.0.0, said in the README.
    assert!(
        package
            .file("pyproject.toml")
            .is_some_and(|p| p.contains("version = \"0.0.0\""))
    );
    assert!(
        package
            .file("README.md")
            .is_some_and(|r| r.contains("is not a PEP 440 version"))
    );
}

#[test]
fn options_are_checked() {
    let doc =
        Document::from_path(repo("tests/fixtures/typescript/shapes-2.6.yaml")).expect("loads");
    let unknown = generate(
        &doc,
        &PythonOptions {
            server: Some("nope".into()),
            ..PythonOptions::default()
        },
    )
    .expect_err("unknown server");
    assert!(
        unknown
            .to_string()
            .contains("no server 'nope' (servers: main)"),
        "{unknown}"
    );
    for bad in ["Bad", "shapes-client", "2fa", "class", "_private"] {
        let e = generate(
            &doc,
            &PythonOptions {
                package_name: Some(bad.into()),
                ..PythonOptions::default()
            },
        )
        .expect_err(bad);
        assert!(
            e.to_string().contains("cannot be a Python package name"),
            "{e}"
        );
    }
    let named = generate(&doc, &PythonOptions::default()).expect("generated");
    assert_eq!(named.name, "shapes_client");
}

/// Validates and dumps values of the `unions` fixture's models; prints what happened.
const PETS_CHECK: &str = r#"import datetime, json
from pydantic import ValidationError
from pets import AdoptPayload, Cat

p = AdoptPayload.model_validate({"pet": {"kind": "dog", "barks": True}, "at": "2026-01-02T03:04:05+01:00"})
out = {"pet": type(p.pet).__name__, "dumped": p.model_dump(by_alias=True, exclude_unset=True)}
utc = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
out["noneIsAbsent"] = AdoptPayload(pet=Cat(kind="cat", lives=3), at=utc, note=None).model_dump(by_alias=True, exclude_unset=True)
out["json"] = json.loads(AdoptPayload(pet=Cat(kind="cat", lives=3), at=utc).model_dump_json(by_alias=True, exclude_unset=True))
errors = []
for bad in [
    {"pet": {"kind": "fish"}, "at": "2026-01-01T00:00:00Z"},
    {"pet": {"kind": "cat", "lives": 10}, "at": "2026-01-01T00:00:00Z"},
    {"pet": {"kind": "cat", "lives": "3"}, "at": "2026-01-01T00:00:00Z"},
    {"pet": {"kind": "dog"}, "at": "2026-01-01T00:00:00"},
    {"pet": {"kind": "dog"}, "at": 5},
    {"pet": {"kind": "dog"}, "at": "2026-01-01T00:00:00Z", "extra": 1},
]:
    try:
        AdoptPayload.model_validate(bad)
        errors.append(None)
    except ValidationError as e:
        errors.append(["/".join(map(str, x["loc"])) for x in e.errors()])
out["errors"] = errors
print(json.dumps(out))
"#;

#[test]
fn models_validate_and_serialise_as_the_document_says() {
    let package = generate_file("tests/fixtures/python/unions-2.6.yaml", "pets_models");
    let models = module(&package, "models.py");
    assert!(
        models.contains(
            "    pet: Annotated[Union[Cat, Dog], Field(discriminator=\"kind\")]\n    at: DateTime\n"
        ),
        "{models}"
    );
    let workspace = tempfile::tempdir().expect("temp dir");
    let dir = workspace.path().join("pets_models");
    package.write(&dir).expect("written");
    pip_install(&[dir]);
    let out = Command::new(venv_python())
        .args([
            "-W",
            "error",
            "-c",
            &PETS_CHECK.replace("from pets import", "from pets_models import"),
        ])
        .current_dir(workspace.path())
        .output()
        .expect("python runs");
    assert_ok(&out, "the models' checks");
    let result: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        result,
        serde_json::json!({
            // The discriminated union picks the member by `kind`.
            "pet": "Dog",
            // date-time is sent back as an RFC 3339 string; unset optionals are absent.
            "dumped": {"pet": {"kind": "dog", "barks": true}, "at": "2026-01-02T03:04:05+01:00"},
            // `note=None` on a property that may not be null is absence, not null.
            "noneIsAbsent": {"pet": {"kind": "cat", "lives": 3}, "at": "2026-01-01T00:00:00+00:00"},
            "json": {"pet": {"kind": "cat", "lives": 3}, "at": "2026-01-01T00:00:00+00:00"},
            "errors": [
                ["pet"],           // no member has kind "fish"
                ["pet/cat/lives"], // maximum: 9
                ["pet/cat/lives"], // strict: "3" is no integer
                ["at"],            // a date-time needs its offset
                ["at"],            // a number is no date-time
                ["extra"]          // additionalProperties: false
            ]
        })
    );
}
