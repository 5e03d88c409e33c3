//! `asynction generate typescript`: generated packages compile under `tsc --strict` for every
//! document of the project and of the shared corpus, type errors stay errors, and
//! approximations are reported.
//!
//! The TypeScript compiler and zod come from `tests/peers` (`npm ci --prefix tests/peers`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use asynction_codegen::Package;
use asynction_codegen::typescript::{TypeScriptOptions, generate};
use asynction_spec::Document;

use crate::repo;

fn node_modules() -> PathBuf {
    asynction_testkit::peers::ensure_node_peers();
    let dir = repo("tests/peers/node_modules");
    assert!(
        dir.join("typescript/bin/tsc").exists() && dir.join("zod").exists(),
        "typescript and zod are missing from tests/peers: run `npm ci --prefix tests/peers`"
    );
    std::fs::canonicalize(&dir).unwrap_or(dir)
}

/// Runs `tsc` with `args` in `dir`.
fn tsc(dir: &Path, args: &[&str]) -> Output {
    Command::new("node")
        .arg(node_modules().join("typescript/bin/tsc"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("node runs")
}

pub(crate) fn assert_tsc_ok(dir: &Path, args: &[&str], what: &str) {
    let out = tsc(dir, args);
    assert!(
        out.status.success(),
        "tsc failed for {what} ({}):\n{}\n{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A temporary directory (removed on drop) whose `node_modules` is the peers' (so
/// `socket.io-client` and `zod` resolve).
pub(crate) fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    link_node_modules(dir.path());
    dir
}

fn link_node_modules(dir: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink(node_modules(), dir.join("node_modules")).expect("symlink");
}

fn options(runtime_checks: bool) -> TypeScriptOptions {
    TypeScriptOptions {
        runtime_checks,
        ..TypeScriptOptions::default()
    }
}

fn generate_file(spec: &str, runtime_checks: bool) -> Package {
    let doc = Document::from_path(repo(spec)).unwrap_or_else(|e| panic!("{spec}: {e}"));
    generate(&doc, &options(runtime_checks)).unwrap_or_else(|e| panic!("{spec}: {e}"))
}

fn index_ts(package: &Package) -> &str {
    &package
        .files
        .iter()
        .find(|f| f.path == Path::new("src/index.ts"))
        .expect("src/index.ts")
        .contents
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

/// Every document of `tests/fixtures/**`, `examples/*/asyncapi*.yaml` and the shared corpus's
/// Socket.IO documents (`socketio/` of [`asynction_testkit::asyncapi_corpus`], when present).
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
    collect(
        &asynction_testkit::asyncapi_corpus().join("socketio"),
        &mut docs,
    );
    docs
}

/// Lines of generated code that use `any` outside comments and string literals.
fn any_uses(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("//") || t.starts_with("/*") || t.starts_with('*'))
        })
        .filter(|l| {
            let mut code = String::new();
            let mut in_string: Option<char> = None;
            let mut escaped = false;
            for c in l.chars() {
                match in_string {
                    Some(q) => {
                        if escaped {
                            escaped = false;
                        } else if c == '\\' {
                            escaped = true;
                        } else if c == q {
                            in_string = None;
                        }
                    }
                    None if c == '"' || c == '`' => in_string = Some(c),
                    None => code.push(c),
                }
            }
            let code = code.split("/**").next().unwrap_or_default();
            // `any` as a type, not as a property name (`any: number`, `any?: string`).
            code.match_indices("any").any(|(i, _)| {
                let before = code[..i].chars().next_back();
                let after = code[i + 3..].trim_start().chars().next();
                let word = |c: Option<char>| {
                    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
                };
                !word(before)
                    && !word(code[i + 3..].chars().next())
                    && !matches!(after, Some(':') | Some('?'))
            })
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_loadable_document_compiles_under_tsc_strict() {
    let workspace = workspace();
    let root = workspace.path();
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
        for (variant, runtime_checks) in [("plain", false), ("checked", true)] {
            let package = generate(&doc, &options(runtime_checks))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let uses = any_uses(index_ts(&package));
            assert!(uses.is_empty(), "{}: `any` in {uses:?}", path.display());
            let dir = root.join("packages").join(format!("{i:03}-{variant}"));
            package.write(&dir).expect("written");
        }
        generated.push(path.clone());
    }
    std::fs::write(
        root.join("tsconfig.json"),
        r#"{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ESNext",
    "moduleResolution": "bundler",
    "lib": ["ES2022", "DOM"],
    "strict": true,
    "noEmit": true,
    "skipLibCheck": true,
    "noUnusedLocals": true,
    "noUnusedParameters": true,
    "exactOptionalPropertyTypes": true,
    "noUncheckedIndexedAccess": true,
    "noImplicitReturns": true,
    "noPropertyAccessFromIndexSignature": true,
    "noImplicitOverride": true
  },
  "include": ["packages/*/src/*.ts"]
}
"#,
    )
    .expect("tsconfig");
    assert_tsc_ok(
        root,
        &["-p", ".", "--strict", "--noEmit"],
        "the generated packages",
    );
    eprintln!(
        "{} documents generated (with and without --runtime-checks) and compiled under tsc --strict (plus noUnusedLocals, exactOptionalPropertyTypes, noUncheckedIndexedAccess, …); {} did not load:\n  {}",
        generated.len(),
        skipped.len(),
        skipped.join("\n  ")
    );
    // Fixtures, four examples, the corpus (when present).
    assert!(generated.len() >= 30, "{generated:?}");
    for example in [
        "examples/user_accounts/asyncapi.yaml",
        "examples/chat/asyncapi.yaml",
        "examples/conformance/asyncapi-3.0.yaml",
    ] {
        assert!(generated.contains(&repo(example)), "{example} compiled");
    }
}

#[test]
fn the_package_compiles_with_its_own_tsconfig() {
    let workspace = workspace();
    let dir = workspace.path();
    let package = generate_file("tests/fixtures/typescript/shapes-2.6.yaml", true);
    package.write(dir).expect("written");
    assert_tsc_ok(dir, &["-p", ".", "--noEmit"], "the shapes package");
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("package.json")).expect("package.json"),
    )
    .expect("json");
    assert_eq!(manifest["name"], "shapes-client");
    assert_eq!(manifest["version"], "1.2.3");
    assert_eq!(manifest["types"], "src/index.ts");
    assert_eq!(manifest["peerDependencies"]["socket.io-client"], "^4");
    assert_eq!(manifest["dependencies"]["zod"], "^4");
    let plain = generate_file("tests/fixtures/typescript/shapes-2.6.yaml", false);
    let manifest = &plain.files[0].contents;
    assert!(!manifest.contains("zod"), "{manifest}");
    assert!(!index_ts(&plain).contains("zod"));
}

#[test]
fn schemas_become_the_expected_types() {
    let package = generate_file("tests/fixtures/typescript/shapes-2.6.yaml", false);
    let ts = index_ts(&package);
    for expected in [
        // component names, descriptions as TSDoc, additionalProperties, const, enum, tuple, oneOf
        "/**\n * Payload of `ticket` (client → server, `/support`).\n *\n * A support ticket.\n */\nexport type Ticket = {",
        "  priority: \"low\" | \"high\";\n  kind?: \"bug\" | undefined;\n  tags?: string[] | undefined;\n  labels?: {\n    [key: string]: string;\n  } | undefined;\n  pair?: [number, number] | undefined;\n  choice?: string | {\n    code: number;\n  } | undefined;",
        // recursive schema
        "export type Node = {\n  value: number;\n  children?: Node[] | undefined;\n};",
        // nullable (both spellings), date-time documented
        "   * Format: `date-time` (a string; the format is not checked by the type).\n   */\n  at: string;\n  note?: string | null | undefined;\n  legacy?: string | null | undefined;",
        // allOf, anyOf
        "export type HelloPayload = Named & {\n  extra?: boolean | undefined;\n};",
        "export type HelloAck = string | number;",
        // binary
        "export type Binary = ArrayBuffer | Blob | Uint8Array;",
        "export type UploadPayload = Binary;",
        // spread → several emit arguments; acks as the callback's argument
        "  move: (arg0: number, arg1: \"up\" | \"down\", ack: (response: MoveAck) => void) => void;",
        "  ticket: (payload: Ticket, ack: (response: TicketAck) => void) => void;",
        "  ask: (payload: AskPayload, ack: (response: AskAck) => void) => void;",
        "  anything: (...args: unknown[]) => void;",
        // connect: overloads on the path literal, dynamic as a template literal, required options
        "export function connect(baseUrl: string, namespace: \"/support\", options: SupportConnectOptions): SupportSocket;",
        "export function connect(baseUrl: string, namespace: \"/public\", options?: PublicConnectOptions): PublicSocket;",
        "export function connect(baseUrl: string, namespace: `/tenant/${string}`, options?: TenantIdConnectOptions): TenantIdSocket;",
        "  auth: { /** bearer token */ token: string };\n  /** Query parameters of the handshake (`bindings.ws.query`). */\n  query: SupportQuery;",
        "export const SOCKET_IO_PATH = \"/api/socket.io\";",
    ] {
        assert!(
            ts.contains(expected),
            "missing:\n{expected}\n---- in:\n{ts}"
        );
    }
    assert!(package.warnings.is_empty(), "{:?}", package.warnings);
}

#[test]
fn generation_is_deterministic() {
    let a = generate_file("tests/fixtures/typescript/shapes-2.6.yaml", true);
    let b = generate_file("tests/fixtures/typescript/shapes-2.6.yaml", true);
    assert_eq!(a.files, b.files);
    let a = generate_file("examples/conformance/asyncapi-3.0.yaml", true);
    let b = generate_file("examples/conformance/asyncapi-3.0.yaml", true);
    assert_eq!(a.files, b.files);
}

const USAGE: &str = r#"import { connect } from "./index";
import type { Node, State } from "./index";

const support = connect("http://localhost:5000", "/support", { auth: { token: "t" }, query: { lang: "en" } });
support.emit("ticket", { title: "a", priority: "low", kind: "bug", pair: [1, 2] }, (ack) => {
  const id: number = ack.id;
  void id;
});
support.emit("move", 1, "up", (ack) => {
  const s: string = ack;
  void s;
});
support.emit("upload", new Uint8Array([1]), (ack) => void ack.size);
support.emit("anything", 1, "two", { three: 3 });
support.on("status", (s) => {
  const state: State = s.state;
  const at: string = s.at;
  void state;
  void at;
});
support.on("tree", (n: Node) => void n.children?.[0]?.value);
support.on("ask", (question, ack) => {
  void question;
  ack(true);
});
const tenant = connect("http://localhost:5000", "/tenant/42");
tenant.emit("hello", { name: "n", extra: true }, (a) => {
  const v: string | number = a;
  void v;
});
connect("http://localhost:5000", "/public").on("tick", (n) => {
  const v: number = n;
  void v;
});

// An enum value outside the enum.
// @ts-expect-error
support.emit("ticket", { title: "a", priority: "urgent" }, () => {});
// A missing required property.
// @ts-expect-error
support.emit("ticket", { priority: "low" }, () => {});
// additionalProperties: false.
// @ts-expect-error
support.emit("ticket", { title: "a", priority: "low", extra: 1 }, () => {});
// An unknown event.
// @ts-expect-error
support.emit("no such event", 1);
// @ts-expect-error
support.on("no such event", () => {});
// A wrong ack type: the ack of `ticket` is an object.
// @ts-expect-error
support.emit("ticket", { title: "a", priority: "low" }, (ack: string) => void ack);
// A wrong ack from the client: `ask` is acked with a boolean.
support.on("ask", (_question, ack) => {
  // @ts-expect-error
  ack("yes");
});
// Spread arguments: an integer and a direction.
// @ts-expect-error
support.emit("move", 1, "left", () => {});
// Binary payload.
// @ts-expect-error
support.emit("upload", "text", () => {});
// A missing required auth field.
// @ts-expect-error
connect("http://localhost:5000", "/support", { auth: {}, query: { lang: "en" } });
// A missing required query field.
// @ts-expect-error
connect("http://localhost:5000", "/support", { auth: { token: "t" }, query: {} });
// Options are required where auth is.
// @ts-expect-error
connect("http://localhost:5000", "/support");
// A query value outside its enum.
// @ts-expect-error
connect("http://localhost:5000", "/support", { auth: { token: "t" }, query: { lang: "de" } });
// An unknown namespace.
// @ts-expect-error
connect("http://localhost:5000", "/nope");
"#;

#[test]
fn type_errors_stay_errors() {
    for runtime_checks in [false, true] {
        let workspace = workspace();
        let dir = workspace.path();
        let package = generate_file("tests/fixtures/typescript/shapes-2.6.yaml", runtime_checks);
        package.write(dir).expect("written");
        let mut usage = USAGE.to_owned();
        if runtime_checks {
            usage.push_str(
                "support.on(\"invalid\", (m) => {\n  const kind: \"event\" | \"ack\" = m.kind;\n  const where: string = m.violations[0]?.path ?? \"\";\n  void kind;\n  void where;\n});\n",
            );
        }
        std::fs::write(dir.join("src/usage.ts"), &usage).expect("usage.ts");
        // Every `@ts-expect-error` line must be an error: an unused directive fails tsc.
        assert_tsc_ok(dir, &["-p", ".", "--strict", "--noEmit"], "usage.ts");
        // And the directives are what keeps tsc quiet.
        std::fs::write(
            dir.join("src/usage.ts"),
            usage.replace("// @ts-expect-error\n", ""),
        )
        .expect("usage.ts");
        let out = tsc(dir, &["-p", ".", "--strict", "--noEmit"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let errors = stdout.matches("error TS").count();
        assert_eq!(
            errors,
            USAGE.matches("@ts-expect-error").count(),
            "{stdout}"
        );
    }
}

#[test]
fn approximations_are_commented_and_warned_with_positions() {
    let spec = "tests/fixtures/typescript/approximations-2.6.yaml";
    let package = generate_file(spec, true);
    let ts = index_ts(&package);
    let warnings: Vec<String> = package.warnings.iter().map(ToString::to_string).collect();
    for (position, what) in [
        (":11:13:", "`not` is not expressed"),
        (":15:13:", "`patternProperties` is not expressed"),
        (":20:13:", "`if`/`then`/`else` is not expressed"),
        (":25:13:", "an `enum` with object or array values"),
        (
            ":28:13:",
            "a spread payload (`x-socketio-args: spread`) whose schema is not an array",
        ),
        (":31:13:", "'connect' is reserved by socket.io-client"),
    ] {
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("approximations-2.6.yaml")
                    && w.contains(position)
                    && w.contains(what)),
            "{position} {what} in {warnings:#?}"
        );
    }
    assert!(ts.contains(" * Approximation: `not` is not expressed; the type is wider than the schema.\n */\nexport type NotPayload = string;"), "{ts}");
    assert!(
        ts.contains("export type PatternPropsPayload = { [key: string]: unknown };"),
        "{ts}"
    );
    assert!(
        ts.contains("export type ObjectEnumPayload = unknown;"),
        "{ts}"
    );
    assert!(
        ts.contains("\"quote\\\"and`back${tick}\": (payload: QuoteAndBackTickPayload) => void;"),
        "{ts}"
    );
    assert!(
        ts.contains("export type QuoteAndBackTickPayload = \"*/\" | \"`${x}`\" | \"it's\";"),
        "{ts}"
    );
    assert!(!ts.contains("  connect: "), "{ts}");
    // The version is not semver: 0.0.0, said in the README.
    assert!(package.files[0].contents.contains("\"version\": \"0.0.0\""));
    assert!(package.files[3].contents.contains("is not semver"));
    let workspace = workspace();
    let dir = workspace.path();
    package.write(dir).expect("written");
    assert_tsc_ok(dir, &["-p", ".", "--strict", "--noEmit"], spec);
}

#[test]
fn options_are_checked() {
    let doc =
        Document::from_path(repo("tests/fixtures/typescript/shapes-2.6.yaml")).expect("loads");
    let unknown = generate(
        &doc,
        &TypeScriptOptions {
            server: Some("nope".into()),
            ..TypeScriptOptions::default()
        },
    )
    .expect_err("unknown server");
    assert!(
        unknown
            .to_string()
            .contains("no server 'nope' (servers: main)"),
        "{unknown}"
    );
    let bad = generate(
        &doc,
        &TypeScriptOptions {
            package_name: Some("Bad Name".into()),
            ..TypeScriptOptions::default()
        },
    )
    .expect_err("bad name");
    assert!(
        bad.to_string().contains("cannot be an npm package name"),
        "{bad}"
    );
    let named = generate(
        &doc,
        &TypeScriptOptions {
            package_name: Some("@acme/shapes".into()),
            server: Some("main".into()),
            ..TypeScriptOptions::default()
        },
    )
    .expect("generated");
    assert!(
        named.files[0]
            .contents
            .contains("\"name\": \"@acme/shapes\"")
    );
}

#[test]
fn reference_loops_that_never_nest_become_unknown() {
    let package = generate_file("tests/fixtures/validators/ref-loop.yaml", true);
    let warnings: Vec<String> = package.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("ref-loop.yaml:") && w.contains("without nesting (a `$ref` loop)")),
        "{warnings:#?}"
    );
    let ts = index_ts(&package);
    assert!(
        ts.contains("Approximation: the schema refers to itself through"),
        "{ts}"
    );
    let workspace = workspace();
    let dir = workspace.path();
    package.write(dir).expect("written");
    assert_tsc_ok(dir, &["-p", ".", "--strict", "--noEmit"], "ref-loop.yaml");
}

#[test]
fn types_and_zod_schemas_are_checked_both_ways() {
    let package = generate_file("tests/fixtures/typescript/shapes-2.6.yaml", true);
    let ts = index_ts(&package);
    assert!(
        ts.contains(
            "export const TicketSchema: z.ZodType<Ticket> = z.lazy(() => shapeOfTicket());"
        ),
        "{ts}"
    );
    assert!(ts.contains("const acceptsTicket: (value: Ticket) => z.input<ReturnType<typeof shapeOfTicket>> = (value) => value;"), "{ts}");
    // A type wider than its schema, or a schema wider than its type, fails tsc.
    for (from, to) in [
        ("  priority: \"low\" | \"high\";", "  priority: string;"),
        ("z.literal([\"low\", \"high\"])", "z.string()"),
    ] {
        assert!(ts.contains(from), "{from}");
        let workspace = workspace();
        let dir = workspace.path();
        package.write(dir).expect("written");
        std::fs::write(dir.join("src/index.ts"), ts.replacen(from, to, 1)).expect("edited");
        let out = tsc(dir, &["-p", ".", "--strict", "--noEmit"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !out.status.success() && stdout.contains("error TS2322"),
            "{to}: {stdout}"
        );
    }
}
