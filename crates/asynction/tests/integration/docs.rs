//! The HTML docs: what the page shows, how it is served, that a hostile document cannot inject
//! markup, and that real Chromium renders it without any request beyond the page itself.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use asynction::Document;
use asynction::docs::{self, DocsError, DocsOptions};
use asynction_testkit::browser::{ensure_chromium, run_script};
use asynction_testkit::serve;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const STRICT_CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

fn fixture(name: &str) -> PathBuf {
    asynction_testkit::fixtures("docs").join(name)
}

fn load(name: &str) -> Document {
    Document::from_path(fixture(name)).unwrap_or_else(|e| panic!("fixture {name} must load: {e}"))
}

pub(crate) struct HttpResponse {
    pub(crate) status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl HttpResponse {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("utf-8 body")
    }
}

/// The page with the character references minijinja's escaping produces decoded (tags stay),
/// so that content checks read like the rendered text.
fn decoded(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A plain HTTP/1.1 GET over a TCP stream (`Connection: close`, so the body ends at EOF).
pub(crate) async fn get(addr: SocketAddr, path: &str) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: */*\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .await
        .expect("write request");
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut raw))
        .await
        .expect("response within 10 s")
        .expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8(raw[..split].to_vec()).expect("ascii headers");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().expect("status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    HttpResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = std::str::from_utf8(&data[..line_end]).expect("chunk size");
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .expect("hex chunk size");
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

async fn fetch_page(doc: &Document, options: DocsOptions) -> (SocketAddr, HttpResponse) {
    let docs_path = options.docs_path();
    let addr = serve(docs::router(doc, options)).await;
    let response = get(addr, &docs_path).await;
    (addr, response)
}

fn assert_strict_headers(response: &HttpResponse) {
    let csp = response
        .header("content-security-policy")
        .expect("a Content-Security-Policy header");
    assert!(csp.starts_with(STRICT_CSP), "CSP was {csp}");
    assert_eq!(response.header("x-content-type-options"), Some("nosniff"));
}

/// Every `id="…"` of the page, to check that internal links land somewhere.
fn ids(html: &str) -> Vec<&str> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

fn internal_links(html: &str) -> Vec<&str> {
    html.split("href=\"#")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[tokio::test]
async fn chat_26_page_shows_servers_namespaces_events_schemas_and_examples() {
    let doc = load("chat-2.6.yaml");
    let (_, response) = fetch_page(&doc, DocsOptions::default()).await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_strict_headers(&response);
    let raw = response.text();
    let html = decoded(&raw);

    for expected in [
        "<title>Chat Service 1.4.2 · Socket.IO API docs</title>",
        "<strong>chat</strong>", // markdown in info.description
        r#"<a href="https://example.com/guide">the guide</a>"#, // a safe link stays a link
        "wss://chat.example.com/socket.io",
        "production",
        "id=\"ns-root\"",
        "id=\"ns-chat\"",
        "id=\"ev-chat-send-send-message\"",
        "id=\"ev-chat-send-typing\"",
        "id=\"ev-chat-receive-new-message\"",
        "id=\"ev-chat-receive-user-joined\"",
        "id=\"ev-root-send-ping\"",
        "Room to join on connect.", // handshake query description
        "^[a-z0-9-]{1,32}$",        // pattern
        r#""en", "fr", "de""#,      // enum
        "1 … 2000",                 // length bounds
        "date-time",                // format
        r#""pong""#,                // const of the ping ack
        "Hello, room!",             // document example
        r#""author": "ada""#,       // pretty-printed example payload
        "Public: this namespace requires no credentials", // x-security: []
        "Inherited from server production.", // /chat inherits the server's bearer
        "HTTP Bearer token (JWT)",
        "one argument: the value described below",
        r#"socket.emitWithAck("send_message""#,
        r#"socket.on("new_message""#,
        "required",
    ] {
        assert!(
            html.contains(expected),
            "the page should contain {expected:?}"
        );
    }
    // Servers without security say so.
    assert!(html.contains("No credentials required."));
    // The recursive Thread schema is shown by name and linked to the node that is Thread.
    assert!(html.contains("(recursive)"), "a recursive $ref is marked");
    let ids = ids(&html);
    let links = internal_links(&html);
    assert!(
        links.iter().any(|l| l.contains("-payload-s")),
        "the recursive Thread reference links into the payload tree"
    );
    for link in links {
        assert!(ids.contains(&link), "internal link #{link} has no target");
    }
}

#[tokio::test]
async fn v30_page_shows_reply_acks_bindings_spread_arguments_and_operation_security() {
    let doc = load("ack-3.0.yaml");
    let options = DocsOptions::default().socketio_path("/events/socket.io");
    let (_, response) = fetch_page(&doc, options).await;
    assert_eq!(response.status, 200);
    assert_strict_headers(&response);
    let html = decoded(&response.text());
    for expected in [
        "Game Lobby",
        "3.0.0-beta.1",
        "AsyncAPI 3.0.0",
        "/events/socket.io",
        "id=\"ns-lobby\"",
        "id=\"ns-game-gameid\"",
        ">dynamic<",
        "{gameId}",
        // Handshake bindings.
        "HTTP method: <code>GET</code>",
        "x-client-version",
        "Headers",
        r#""eu", "us", "ap""#,
        // The reply of findMatch is the ack.
        "Acknowledgement",
        "ticket",
        "≥ 8",
        // Operation security.
        "apiKey",
        r#"API key in the handshake query parameter "api_key""#,
        "Set on this namespace.",
        // Spread arguments and their example.
        "arguments: x (integer), y (integer), piece (string)",
        r#"socket.emit("move", 3, 4, "queen");"#,
        "≥ 0 and ≤ 7",
        "exactly one of · option 1",
        "any of · option 2",
        // An unnamed 3.0 message is known by its id.
        "id=\"ev-lobby-receive-match-found\"",
        r#""mode": "ranked""#,
    ] {
        assert!(
            html.contains(expected),
            "the page should contain {expected:?}"
        );
    }
    assert!(
        html.contains("href=\"/events/docs/asyncapi.json\""),
        "links to the resolved document under the base"
    );
}

#[tokio::test]
async fn documents_are_served_as_resolved_json_and_as_written() {
    for name in ["chat-2.6.yaml", "ack-3.0.yaml", "hostile.yaml"] {
        let doc = load(name);
        let addr = serve(docs::router(&doc, DocsOptions::default())).await;

        let json = get(addr, "/docs/asyncapi.json").await;
        assert_eq!(json.status, 200, "{name}");
        assert_eq!(
            json.header("content-type"),
            Some("application/json"),
            "{name}"
        );
        assert_strict_headers(&json);
        let served: Value = serde_json::from_slice(&json.body).expect("valid JSON");
        assert_eq!(
            served, *doc.resolved,
            "{name}: asyncapi.json is Document::resolved"
        );

        let yaml = get(addr, "/docs/asyncapi.yaml").await;
        assert_eq!(yaml.status, 200, "{name}");
        assert!(
            yaml.header("content-type")
                .is_some_and(|t| t.starts_with("application/yaml")),
            "{name}"
        );
        assert_strict_headers(&yaml);
        assert_eq!(
            yaml.text(),
            *doc.text,
            "{name}: asyncapi.yaml is the text as written"
        );
    }
}

#[tokio::test]
async fn docs_are_served_under_the_parent_of_the_socketio_path() {
    let doc = load("chat-2.6.yaml");
    for (socketio_path, docs_path) in [
        ("/socket.io", "/docs"),
        ("/events/socket.io", "/events/docs"),
        ("/a/b/socket.io", "/a/b/docs"),
    ] {
        let options = DocsOptions::default().socketio_path(socketio_path);
        assert_eq!(options.docs_path(), docs_path);
        let addr = serve(docs::router(&doc, options)).await;
        assert_eq!(
            get(addr, docs_path).await.status,
            200,
            "{socketio_path} → {docs_path}"
        );
        assert_eq!(
            get(addr, &format!("{docs_path}/asyncapi.json"))
                .await
                .status,
            200
        );
        assert_eq!(
            get(addr, &format!("{docs_path}/asyncapi.yaml"))
                .await
                .status,
            200
        );
        if docs_path != "/docs" {
            assert_eq!(
                get(addr, "/docs").await.status,
                404,
                "{socketio_path}: nothing at /docs"
            );
        }
    }
}

/// Start tags of the page (`<a href=…>`, `<li class=…>`), lowercased.
fn start_tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        .map(str::to_ascii_lowercase)
        .collect()
}

#[tokio::test]
async fn hostile_descriptions_titles_and_names_are_escaped() {
    let doc = load("hostile.yaml");
    let (_, response) = fetch_page(&doc, DocsOptions::default()).await;
    assert_eq!(response.status, 200);
    let html = response.text();
    let lower = html.to_ascii_lowercase();
    for live in [
        "<script",
        "<img",
        "<iframe",
        "<svg",
        "<div onmouseover",
        "<style>body",
    ] {
        assert!(
            !lower.contains(live),
            "the page must not contain {live:?} live"
        );
    }
    assert_eq!(
        lower.matches("<style").count(),
        1,
        "only the page's own stylesheet"
    );
    for tag in start_tags(&html) {
        let name = tag.split_whitespace().next().unwrap_or("");
        if [
            "script",
            "img",
            "iframe",
            "svg",
            "object",
            "embed",
            "base",
            "form",
            "meta http-equiv",
        ]
        .contains(&name)
        {
            panic!("forbidden element <{tag}>");
        }
        for attribute in tag.split_whitespace().skip(1) {
            assert!(
                !(attribute.starts_with("on") && attribute.contains('=')),
                "event handler attribute in <{tag}>"
            );
        }
        assert!(!tag.contains("javascript:"), "a javascript: URL in <{tag}>");
    }
    // The hostile text is still visible to the reader, as text.
    for shown in [
        "Evil &lt;script&gt;alert(",
        "&lt;img src=x onerror=",
        "&lt;&#x2f;code&gt;&lt;script&gt;alert(",
        "&lt;&#x2f;pre&gt;&lt;script&gt;alert(",
        "Click here or javascript:alert", // the unsafe link and autolink became plain text
    ] {
        assert!(
            html.contains(shown),
            "the page should show {shown:?} as text"
        );
    }
}

#[tokio::test]
async fn the_example_generator_fills_in_when_the_document_has_no_examples() {
    let doc = load("chat-2.6.yaml");
    let options = DocsOptions::default().example_generator(|schema| {
        let ty = schema
            .value
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("any");
        Some(json!({ "generated_for": ty }))
    });
    let html = decoded(&docs::render_html(&doc, &options).expect("renders"));
    // user_joined has no examples: generated; new_message has one: the document's wins.
    let user_joined = section(&html, "ev-chat-receive-user-joined");
    assert!(
        user_joined.contains("generated from the schema"),
        "{user_joined}"
    );
    assert!(
        user_joined.contains(r#""generated_for": "object""#),
        "{user_joined}"
    );
    let new_message = section(&html, "ev-chat-receive-new-message");
    assert!(new_message.contains(r#""author": "ada""#));
    assert!(!new_message.contains("generated_for"));
    // Without a generator, events without examples show none.
    let plain = docs::render_html(&doc, &DocsOptions::default()).expect("renders");
    assert!(!section(&plain, "ev-chat-receive-user-joined").contains("Example payload"));
}

/// The `<article>` of one event.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no element #{id}"));
    let end = html[start..]
        .find("</article>")
        .map(|e| start + e)
        .unwrap_or(html.len());
    &html[start..end]
}

#[tokio::test]
async fn selecting_a_server_shows_only_it_and_an_unknown_one_is_an_error() {
    let doc = load("chat-2.6.yaml");
    let html = decoded(
        &docs::render_html(&doc, &DocsOptions::default().server("local")).expect("renders"),
    );
    assert!(html.contains("ws://localhost:5000/socket.io"));
    assert!(!html.contains("wss://chat.example.com"));
    // /chat inherits the local server's (empty) requirements.
    assert!(section(&html, "ns-chat").contains("No credentials required (as on server local)."));

    let error = docs::render_html(&doc, &DocsOptions::default().server("staging"))
        .expect_err("unknown server");
    assert!(matches!(&error, DocsError::UnknownServer(e) if e.name == "staging"));
    assert!(error.to_string().contains("production, local"), "{error}");
    assert!(docs::try_router(&doc, DocsOptions::default().server("staging")).is_err());
    let addr = serve(docs::router(&doc, DocsOptions::default().server("staging"))).await;
    let response = get(addr, "/docs").await;
    assert_eq!(response.status, 500);
    assert!(response.text().contains("no server 'staging'"));
}

#[test]
fn a_static_site_holds_the_page_and_both_documents() {
    let doc = load("ack-3.0.yaml");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("site");
    docs::write_static_site(&doc, &DocsOptions::default(), &out).expect("writes");
    let html = decoded(&std::fs::read_to_string(out.join("index.html")).expect("index.html"));
    assert!(html.contains("Game Lobby"));
    assert!(
        html.contains("href=\"asyncapi.json\""),
        "relative links work from disk"
    );
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("asyncapi.json")).expect("json"))
            .expect("JSON");
    assert_eq!(json, *doc.resolved);
    assert_eq!(
        std::fs::read_to_string(out.join("asyncapi.yaml")).expect("yaml"),
        *doc.text
    );
}

// ---------------------------------------------------------------------------------------------
// Real Chromium.

/// Loads `doc`'s page in headless Chromium, saving screenshots into `shots`; returns the
/// script's report and the server's origin.
async fn render_in_chromium(doc: &Document, shots: &Path) -> (Value, String) {
    std::fs::create_dir_all(shots).expect("screenshot dir");
    let addr = serve(docs::router(doc, DocsOptions::default())).await;
    let url = format!("http://{addr}/docs");
    let report = run_script("chromium-docs.mjs", &[url.as_ref(), shots.as_os_str()]).await;
    (report, format!("http://{addr}/"))
}

fn assert_clean_load(report: &Value, origin: &str) {
    assert_eq!(report["status"], 200);
    assert_eq!(
        report["consoleErrors"],
        json!([]),
        "console errors (CSP violations show up here)"
    );
    assert_eq!(report["pageErrors"], json!([]));
    assert_eq!(report["dialogs"], json!([]), "no script may run");
    assert_eq!(report["failedRequests"], json!([]));
    let requests = report["requests"].as_array().expect("requests");
    for request in requests {
        let url = request["url"].as_str().unwrap_or("");
        assert!(
            url.starts_with(origin) || url.starts_with("data:"),
            "request outside the server's origin: {url}"
        );
    }
    let network: Vec<&Value> = requests
        .iter()
        .filter(|r| !r["url"].as_str().unwrap_or("").starts_with("data:"))
        .collect();
    assert_eq!(
        network.len(),
        1,
        "only the page itself is requested: {network:?}"
    );
    assert_eq!(network[0]["type"], "document");
    assert_eq!(
        report["overflow"]["desktop"], 0,
        "no horizontal scrolling on a desktop"
    );
    assert_eq!(
        report["overflow"]["phone"], 0,
        "no horizontal scrolling on a 390 px phone"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_chromium_renders_the_page_without_errors_or_outside_requests() {
    ensure_chromium();
    let target = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")).join("target");

    let (report, origin) = render_in_chromium(&load("chat-2.6.yaml"), &target).await;
    assert_eq!(report["title"], "Chat Service 1.4.2 · Socket.IO API docs");
    assert_clean_load(&report, &origin);
    for shot in report["screenshots"].as_array().expect("screenshots") {
        let path = shot.as_str().unwrap_or("");
        assert!(
            std::fs::metadata(path).is_ok_and(|m| m.len() > 10_000),
            "screenshot {path} was written"
        );
        println!("docs screenshot: {path}");
    }

    // The hostile document loads just as quietly: no script runs, nothing is fetched.
    let (report, origin) =
        render_in_chromium(&load("hostile.yaml"), &target.join("docs-hostile")).await;
    assert!(
        report["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Evil <script>")),
        "title shown as text"
    );
    assert_clean_load(&report, &origin);
}

#[tokio::test]
async fn summaries_are_rendered_as_markdown_like_descriptions() {
    let doc = Document::from_text(
        r#"
asyncapi: 2.6.0
info: { title: T, version: "1" }
channels:
  /:
    publish:
      message:
        name: ping
        summary: "Sends `ping` with **care** <b>now</b>"
        payload: { type: string }
"#,
    )
    .expect("loads");
    let (_, response) = fetch_page(&doc, DocsOptions::default()).await;
    let html = response.text();
    assert!(html.contains("<code>ping</code>"), "backticks are code");
    assert!(html.contains("<strong>care</strong>"), "emphasis is kept");
    assert!(
        html.contains("&lt;b&gt;now&lt;&#x2f;b&gt;") || html.contains("&lt;b&gt;now&lt;/b&gt;"),
        "raw HTML stays text"
    );
    assert!(!html.contains("`ping`"), "no literal backticks");
}

#[tokio::test]
async fn plain_value_examples_are_shown_and_mismatching_ones_never() {
    let doc = load("examples-3.1.yaml");
    let options = DocsOptions::default().example_generator(|_| Some(json!(12345)));
    let html = decoded(&docs::render_html(&doc, &options).expect("renders"));
    let say = section(&html, "ev-chat-send-say");
    assert!(say.contains(r#""hello from the docs""#), "{say}");
    assert!(!say.contains("far too long"), "{say}");
    // The client snippet uses the matching example too.
    assert!(
        say.contains(r#"emit("say", "hello from the docs""#),
        "{say}"
    );
    // count's only example does not match: the generator fills in, as without examples.
    let count = section(&html, "ev-chat-send-count");
    assert!(!count.contains("three"), "{count}");
    assert!(count.contains("12345"), "{count}");
    assert!(count.contains("generated from the schema"), "{count}");
}

#[tokio::test]
async fn live_reload_adds_its_script_and_version_and_is_off_by_default() {
    let doc = load("chat-2.6.yaml");
    // Off: no script, the strict CSP, no `live.js` route.
    let (addr, plain) = fetch_page(&doc, DocsOptions::default()).await;
    assert_strict_headers(&plain);
    assert!(!plain.text().contains("asynction-live"));
    assert_eq!(get(addr, "/docs/live.js").await.status, 404);
    // On: the page names its document's version and loads its script, served under the
    // scripted CSP (no inline script).
    let (addr, live) = fetch_page(&doc, DocsOptions::default().live_reload(true)).await;
    assert_eq!(
        live.header("content-security-policy"),
        Some(docs::CONSOLE_CONTENT_SECURITY_POLICY)
    );
    let html = decoded(&live.text());
    let version = docs::document_version(&doc);
    assert!(
        html.contains(&format!(
            r#"<meta name="asynction-live" content="/docs/events" data-version="{version}">"#
        )),
        "{html}"
    );
    assert!(html.contains(r#"<script src="/docs/live.js" defer></script>"#));
    let script = get(addr, "/docs/live.js").await;
    assert_eq!(script.status, 200);
    assert!(script.text().contains("EventSource"));
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    // The version follows the document, `$ref`-ed content included (its resolved form).
    let edited = Document::from_text(&doc.text.replace("1.4.2", "1.4.3")).unwrap();
    assert_ne!(docs::document_version(&edited), version);
    assert_eq!(docs::document_version(&doc.clone()), version);
}

const RECOVERING: &str = "asyncapi: 2.6.0
info: {title: Recovering, version: '1'}
x-socketio-recovery: {maxDisconnectionDuration: 120000}
servers:
  edge: {url: 'ws://edge.example.com', protocol: ws, x-socketio-recovery: {maxDisconnectionDuration: 5000}}
  core: {url: 'ws://core.example.com', protocol: ws}
channels:
  /chat:
    subscribe:
      message: {name: message, payload: {type: string}}
";

#[test]
fn the_page_and_the_console_say_when_connections_are_recovered() {
    let doc = Document::from_text(RECOVERING).unwrap();
    // Every server shown: each card says its own; the namespaces the document's root one.
    let html = decoded(&docs::render_html(&doc, &DocsOptions::default().console(true)).unwrap());
    let servers =
        &html[html.find("id=\"servers\"").unwrap()..html.find("id=\"namespaces\"").unwrap()];
    assert!(
        servers.contains("<dt>Connection state recovery</dt><dd class=\"recovery\">sessions kept 5 s after a disconnect</dd>"),
        "{servers}"
    );
    assert!(
        servers.contains("sessions kept 120 s after a disconnect"),
        "{servers}"
    );
    let chat = &html[html.find("id=\"ns-chat\"").unwrap()..];
    assert!(
        chat.contains("Connection state recovery: sessions kept 120 s after a disconnect."),
        "{chat}"
    );
    assert!(chat.contains("asynction:recovery"), "{chat}");
    assert!(
        chat.contains("This namespace recovers connections (sessions kept 120 s after a disconnect); the console does not opt in"),
        "{chat}"
    );

    // One server selected: its own window everywhere.
    let edge = decoded(&docs::render_html(&doc, &DocsOptions::default().server("edge")).unwrap());
    assert!(edge.contains("Connection state recovery: sessions kept 5 s after a disconnect."));
    assert!(!edge.contains("120 s"), "only the edge server's recovery");
    assert!(
        !edge.contains("console-recovery"),
        "no console unless asked for"
    );

    // No recovery anywhere: not a word of it.
    let plain = Document::from_text(&RECOVERING.replace("x-socketio-recovery", "x-other")).unwrap();
    let html = docs::render_html(&plain, &DocsOptions::default().console(true)).unwrap();
    assert!(!html.contains("recover"), "{html}");
}
