//! `asynction mock run --watch`: edits of the document (and of a file its `$ref`s reach) are
//! served without a restart, broken saves keep the last valid document serving, a burst of
//! saves reloads once, the docs page reloads itself. The built binary, asynction-client as the
//! peer, Chromium for the docs page; documents in temporary directories.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use asynction_client::{Client, ClientBuilder};
use serde_json::{Value, json};

/// The document: `/chat` receives `hello` (payload from `schemas.yaml`, acked), `/lobby`
/// receives `ping`. `extra` is added to `/chat`'s messages.
fn main_doc(extra: &str) -> String {
    format!(
        "asyncapi: 2.6.0
info: {{ title: Watched, version: 1.0.0 }}
channels:
  /chat:
    publish:
      message:
        oneOf:
          - name: hello
            payload: {{ $ref: 'schemas.yaml#/Greeting' }}
            x-ack: {{ args: {{ type: string }} }}
{extra}
  /lobby:
    publish:
      message: {{ name: ping, payload: {{ type: string }}, x-ack: {{ args: {{ type: string }} }} }}
"
    )
}

const WAVE: &str = "          - name: wave\n            payload: { type: integer }";
const SCHEMAS: &str = "Greeting: { type: string, maxLength: 5 }\n";

/// A `mock run --watch` process whose stdout and stderr lines are read as they come.
struct Watched {
    child: Child,
    addr: SocketAddr,
    lines: mpsc::Receiver<String>,
    dir: tempfile::TempDir,
}

impl Watched {
    /// `mock run --watch` of a copy of [`main_doc`] and its `schemas.yaml`.
    fn start(extra_args: &[&str]) -> Self {
        Self::start_with("--watch", extra_args)
    }

    /// [`Watched::start`] with `watch` (`--watch` or `--watch-poll`).
    fn start_with(watch: &str, extra_args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("asyncapi.yaml"), main_doc("")).unwrap();
        std::fs::write(dir.path().join("schemas.yaml"), SCHEMAS).unwrap();
        let spec = dir.path().join("asyncapi.yaml");
        let mut args = vec!["mock", "run", "--port", "0", watch];
        args.extend_from_slice(extra_args);
        let mut watched = Self::spawn(dir, &spec, &args, Some("warn"));
        watched.listening();
        watched.wait_for("reloads on save");
        watched
    }

    /// `asynction --spec SPEC ARGS`, with `RUST_LOG` set to `log` (or unset).
    fn spawn(
        dir: tempfile::TempDir,
        spec: &std::path::Path,
        args: &[&str],
        log: Option<&str>,
    ) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_asynction"));
        match log {
            Some(filter) => command.env("RUST_LOG", filter),
            None => command.env_remove("RUST_LOG"),
        };
        let mut child = command
            .arg("--spec")
            .arg(spec)
            .args(args)
            .env_remove("CLICOLOR_FORCE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the asynction binary runs");
        let (tx, lines) = mpsc::channel();
        let pipes: [Box<dyn Read + Send>; 2] = [
            Box::new(child.stdout.take().unwrap()),
            Box::new(child.stderr.take().unwrap()),
        ];
        for pipe in pipes {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if tx.send(line).is_err() {
                        break;
                    }
                }
            });
        }
        Watched {
            child,
            addr: "127.0.0.1:0".parse().unwrap(),
            lines,
            dir,
        }
    }

    /// Waits for the mock's banner line with its address.
    fn listening(&mut self) {
        let listening = self.wait_for("listening on http://");
        self.addr = listening
            .trim()
            .trim_start_matches("listening on http://")
            .parse()
            .unwrap();
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Saves `text` as `name` the way editors do: a new file renamed over the old one.
    fn save(&self, name: &str, text: &str) {
        let tmp = self.path(&format!(".{name}.tmp"));
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, self.path(name)).unwrap();
    }

    /// The lines printed until one contains `needle` (that one last), within 20 s.
    fn lines_until(&self, needle: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(needle);
                    seen.push(line);
                    if found {
                        return seen;
                    }
                }
                Err(_) => panic!("no line with {needle:?} within 20 s; printed: {seen:#?}"),
            }
        }
    }

    fn wait_for(&self, needle: &str) -> String {
        self.lines_until(needle).pop().unwrap()
    }

    /// Every line printed within `window`.
    fn lines_within(&self, window: Duration) -> Vec<String> {
        let deadline = Instant::now() + window;
        let mut seen = Vec::new();
        while let Ok(line) = self
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            seen.push(line);
        }
        seen
    }

    async fn client(&self, namespace: &str) -> Client {
        ClientBuilder::new(format!("http://{}", self.addr))
            .connect(namespace)
            .await
            .expect("the client connects")
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const ACK: Duration = Duration::from_secs(5);

/// The ack of `event` with `arg` on `namespace`: `Ok(value)` or `Err(refusal code)`.
async fn send(
    client: &mut Client,
    namespace: &str,
    event: &str,
    arg: Value,
) -> Result<Value, String> {
    let ack = client
        .emit_with_ack(namespace, event, vec![arg], ACK)
        .await
        .expect("an ack");
    let first = ack.values.first().cloned().unwrap_or(Value::Null);
    match first.get("error") {
        Some(error) => Err(error["code"].as_str().unwrap_or_default().to_owned()),
        None => Ok(first),
    }
}

#[tokio::test]
async fn an_added_event_is_accepted_without_a_restart_and_other_clients_stay_connected() {
    let mock = Watched::start(&[]);
    let mut lobby = mock.client("/lobby").await;
    let mut before = mock.client("/chat").await;
    assert_eq!(
        send(&mut before, "/chat", "wave", json!(3)).await,
        Err("unknown_event".to_owned())
    );
    mock.save("asyncapi.yaml", &main_doc(WAVE));
    let reloaded = mock.wait_for("reloaded");
    assert!(
        reloaded.contains("+ event 'wave' (receives) in /chat"),
        "{reloaded}"
    );
    // Same port, new client: the new document.
    let mut after = mock.client("/chat").await;
    assert!(send(&mut after, "/chat", "wave", json!(3)).await.is_ok());
    assert_eq!(
        send(&mut after, "/chat", "wave", json!("three")).await,
        Err("invalid_payload".to_owned())
    );
    // The client connected before the reload is still connected and served.
    assert!(
        send(&mut lobby, "/lobby", "ping", json!("still here"))
            .await
            .is_ok()
    );
    assert!(
        send(&mut before, "/chat", "hello", json!("hi"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn watch_poll_sees_saves_without_file_events() {
    // Where no file event arrives (Docker Desktop on macOS or Windows): modification times.
    let mock = Watched::start_with("--watch-poll", &[]);
    mock.save("asyncapi.yaml", &main_doc(WAVE));
    let reloaded = mock.wait_for("reloaded");
    assert!(reloaded.contains("+ event 'wave'"), "{reloaded}");
    let mut client = mock.client("/chat").await;
    assert!(send(&mut client, "/chat", "wave", json!(3)).await.is_ok());
    mock.save(
        "schemas.yaml",
        "Greeting: { type: string, maxLength: 50 }\n",
    );
    mock.wait_for("reloaded");
}

#[tokio::test]
async fn a_broken_save_keeps_the_last_valid_document_and_prints_every_error_until_fixed() {
    let mock = Watched::start(&[]);
    let broken = main_doc(WAVE).replace("type: integer", "type: integr");
    mock.save("asyncapi.yaml", &broken);
    let printed = mock.lines_until("the last valid version keeps serving");
    let located = printed
        .iter()
        .find(|l| l.contains("asyncapi.yaml:") && l.contains("integr"))
        .unwrap_or_else(|| panic!("a located diagnostic: {printed:#?}"));
    assert!(
        located.contains("asyncapi.yaml:12:"),
        "the diagnostic names file:line:col: {located}"
    );
    // Still served: the old document (no `wave`, `hello` accepted).
    let mut client = mock.client("/chat").await;
    assert!(
        send(&mut client, "/chat", "hello", json!("hi"))
            .await
            .is_ok()
    );
    assert_eq!(
        send(&mut client, "/chat", "wave", json!(3)).await,
        Err("unknown_event".to_owned())
    );
    // A second failing save prints its errors again.
    mock.save("asyncapi.yaml", &format!("{broken}\n"));
    mock.wait_for("the last valid version keeps serving");
    // The fix is served.
    mock.save("asyncapi.yaml", &main_doc(WAVE));
    mock.wait_for("reloaded");
    let mut fixed = mock.client("/chat").await;
    assert!(send(&mut fixed, "/chat", "wave", json!(3)).await.is_ok());
}

#[tokio::test]
async fn a_change_of_a_referenced_file_is_seen() {
    let mock = Watched::start(&[]);
    let mut client = mock.client("/chat").await;
    assert_eq!(
        send(&mut client, "/chat", "hello", json!("good morning")).await,
        Err("invalid_payload".to_owned())
    );
    mock.save(
        "schemas.yaml",
        "Greeting: { type: string, maxLength: 50 }\n",
    );
    let reloaded = mock.wait_for("reloaded");
    assert!(
        reloaded.contains("no namespace or event added or removed"),
        "{reloaded}"
    );
    let mut after = mock.client("/chat").await;
    assert!(
        send(&mut after, "/chat", "hello", json!("good morning"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_file_the_document_starts_to_reference_is_watched_from_then_on() {
    let mock = Watched::start(&[]);
    // A `$ref` to a file that does not exist yet: an error, and the file is watched.
    let wave = "          - name: wave\n            payload: { $ref: 'wave.yaml#/Wave' }";
    mock.save("asyncapi.yaml", &main_doc(wave));
    let printed = mock.lines_until("the last valid version keeps serving");
    assert!(
        printed.iter().any(|l| l.contains("wave.yaml")),
        "the missing file is named: {printed:#?}"
    );
    // Creating it is a change of the document.
    mock.save("wave.yaml", "Wave: { type: integer }\n");
    let reloaded = mock.wait_for("reloaded");
    assert!(reloaded.contains("+ event 'wave'"), "{reloaded}");
    // And so is every later edit of it.
    mock.save("wave.yaml", "Wave: { type: string }\n");
    mock.wait_for("reloaded");
    let mut client = mock.client("/chat").await;
    assert!(
        send(&mut client, "/chat", "wave", json!("now a string"))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_burst_of_saves_reloads_once() {
    let mock = Watched::start(&[]);
    for n in 0..6 {
        let doc = format!("{}# save {n}\n", main_doc(WAVE));
        mock.save("asyncapi.yaml", &doc);
        std::thread::sleep(Duration::from_millis(30));
    }
    mock.wait_for("reloaded");
    let later = mock.lines_within(Duration::from_millis(1000));
    assert!(
        !later.iter().any(|l| l.contains("reloaded")),
        "one reload only: {later:#?}"
    );
}

#[tokio::test]
async fn the_docs_page_shows_an_added_event_after_a_save_without_a_manual_reload() {
    let mock = Watched::start(&[]);
    let (status, page) = asynction_testkit::http_get(mock.addr, "/docs").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("live.js"),
        "the page loads its live-reload script"
    );
    assert!(!page.contains("wave"));
    let next = mock.path("next.yaml");
    std::fs::write(&next, main_doc(WAVE)).unwrap();
    let url = format!("http://{}/docs", mock.addr);
    let target = mock.path("asyncapi.yaml");
    let report = asynction_testkit::browser::run_script(
        "chromium-live-reload.mjs",
        &[
            url.as_ref(),
            next.as_os_str(),
            target.as_os_str(),
            "wave".as_ref(),
        ],
    )
    .await;
    assert_eq!(report["streamOpened"], true, "{report}");
    assert_eq!(report["shows"], true, "{report}");
    assert_eq!(
        report["navigation"], "reload",
        "reloaded by its own script: {report}"
    );
    assert_eq!(
        report["consoleErrors"],
        json!([]),
        "no CSP violation: {report}"
    );
    assert_eq!(report["pageErrors"], json!([]), "{report}");
}

#[tokio::test]
async fn debug_logs_every_frame_with_its_verdict_and_no_credential() {
    asynction_testkit::peers::ensure_node_peers();
    let spec = asynction_testkit::fixtures("mockserver").join("chat-2.6.yaml");
    let dir = tempfile::tempdir().unwrap();
    // RUST_LOG unset: --debugger (the original's name) alone turns the frame log on.
    let args = [
        "mock",
        "run",
        "--port",
        "0",
        "--debugger",
        "--interval",
        "0.2",
    ];
    let mut mock = Watched::spawn(dir, &spec, &args, None);
    mock.listening();
    let banner = mock.lines_until("debug log on");
    assert!(
        banner.last().unwrap().contains("credentials redacted"),
        "{banner:#?}"
    );
    let results = asynction_testkit::node(
        mock.addr,
        "/socket.io",
        json!([
            {"op": "connect", "id": "a", "ns": "/secure", "auth": {"token": "s3cret-token"},
             "headers": {"authorization": "Bearer s3cret-header"}},
            {"op": "emit", "id": "a", "event": "hello", "args": ["hi"], "ack": true},
            {"op": "emit", "id": "a", "event": "hello", "args": [5], "ack": true},
            {"op": "expect", "id": "a", "event": "notice", "timeout": 5000},
            {"op": "connect", "id": "b", "ns": "/search", "query": {"limit": "99"}},
        ]),
    )
    .await;
    assert_eq!(results[0], json!({"connected": true}), "{results:?}");
    assert!(results[4].get("connect_error").is_some(), "{results:?}");
    let log = mock.lines_until("connect_error →");
    let line = |needle: &[&str]| {
        log.iter()
            .find(|l| needle.iter().all(|n| l.contains(n)))
            .unwrap_or_else(|| panic!("a line with {needle:?} in {log:#?}"))
            .clone()
    };
    let connect = line(&["connect ←", "/secure"]);
    assert!(
        connect.contains(r#"auth={"token":"<redacted>"}"#),
        "{connect}"
    );
    assert!(connect.contains("authorization: <redacted>"), "{connect}");
    line(&["connect →", "/secure", "accepted"]);
    line(&["event ←", "hello", r#"args=["hi"]"#, "ack=true"]);
    line(&["event verdict", "hello", "accepted"]);
    line(&["event ←", "hello", "args=[5]"]);
    line(&["event verdict", "hello", "refused", "invalid_payload"]);
    line(&["ack →", "hello"]);
    line(&["emit →", "/secure", "notice", "args=["]);
    line(&[
        "connect_error →",
        "/search",
        "bindings",
        "invalid_handshake",
    ]);
    assert!(
        !log.iter().any(|l| l.contains("s3cret")),
        "no credential in the log: {log:#?}"
    );
}

#[tokio::test]
async fn docs_watch_rewrites_the_static_site_on_save_and_keeps_it_on_a_broken_save() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("asyncapi.yaml"), main_doc("")).unwrap();
    std::fs::write(dir.path().join("schemas.yaml"), SCHEMAS).unwrap();
    let spec = dir.path().join("asyncapi.yaml");
    let out = dir.path().join("site");
    let args = ["docs", "--out", out.to_str().unwrap(), "--watch"];
    let docs = Watched::spawn(dir, &spec, &args, Some("warn"));
    docs.wait_for("rewrites the site on save");
    let index = out.join("index.html");
    assert!(!std::fs::read_to_string(&index).unwrap().contains("wave"));
    docs.save("asyncapi.yaml", &main_doc(WAVE));
    docs.wait_for("docs written");
    assert!(std::fs::read_to_string(&index).unwrap().contains("wave"));
    // A broken save prints where, and leaves the last site.
    docs.save("asyncapi.yaml", "asyncapi: 2.6.0\ninfo: [\n");
    let printed = docs.lines_until("asyncapi.yaml:");
    assert!(
        printed.last().unwrap().contains("asyncapi.yaml:2:"),
        "{printed:#?}"
    );
    assert!(std::fs::read_to_string(&index).unwrap().contains("wave"));
}
