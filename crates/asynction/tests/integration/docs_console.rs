//! The live console of the docs page, driven in real headless Chromium by roles and labels
//! (`tests/peers/chromium-console.mjs`): against the mock and a real server of one document
//! with a public and a secured namespace, with the console on and off, and with a hostile
//! document.

use std::net::SocketAddr;
use std::path::PathBuf;

use asynction::Document;
use asynction::docs::{CONSOLE_CONTENT_SECURITY_POLICY, DocsOptions};
use asynction::security::{BearerCredentials, Refusal, SecurityHandlers, SecurityInfo};
use asynction::{Ack, AsynctionSocketIo, Payload};
use serde_json::{Value, json};

use asynction_testkit::browser::{ensure_chromium, run_script};

fn fixture(name: &str) -> PathBuf {
    asynction_testkit::fixtures("docs").join(name)
}

/// Runs the console script against `url` in `mode`; returns its report.
async fn drive(url: &str, mode: &str) -> Value {
    let report = run_script("chromium-console.mjs", &[url.as_ref(), mode.as_ref()]).await;
    assert!(report.get("error").is_none(), "{mode}: {report:#}");
    assert_eq!(
        report["consoleErrors"],
        json!([]),
        "{mode}: CSP violations show up here"
    );
    assert_eq!(report["pageErrors"], json!([]), "{mode}");
    assert_eq!(
        report["dialogs"],
        json!([]),
        "{mode}: no document text may run"
    );
    let origin = url.split("/docs").next().unwrap_or(url);
    let ws_origin = origin.replacen("http://", "ws://", 1);
    for request in report["requests"].as_array().expect("requests") {
        let request = request.as_str().unwrap_or("");
        assert!(
            request.starts_with(origin) || request.starts_with(&ws_origin),
            "{mode}: a request left the server: {request}"
        );
    }
    report
}

/// What both the mock and the real server must show.
fn assert_console_works(steps: &Value) {
    assert_eq!(steps["regions"], 2);
    assert_eq!(
        steps["visibleRegions"], 2,
        "the script reveals both regions"
    );
    assert!(
        steps["publicConnected"]
            .as_str()
            .unwrap()
            .starts_with("Connected")
    );
    assert_eq!(
        steps["prefilled"], "{\n  \"text\": \"hello\"\n}",
        "the example"
    );
    assert_eq!(steps["validAckMark"], "valid");
    assert_eq!(
        steps["inPageViolations"],
        json!(["/text: \"\" is shorter than 1 character"])
    );
    assert_eq!(steps["anywayAckMark"], "invalid", "the server's error ack");
    let refusal: Value = serde_json::from_str(steps["anywayAck"].as_str().unwrap()).unwrap();
    assert_eq!(refusal[0]["error"]["code"], "invalid_payload");
    assert_eq!(
        refusal[0]["error"]["violations"][0]["instancePath"],
        "/text"
    );
    assert!(
        steps["badJson"]
            .as_str()
            .unwrap()
            .starts_with("the payload is not valid JSON")
    );
    assert_eq!(steps["refusedWithoutToken"], "Refused: unauthorized");
    assert!(
        steps["supportConnected"]
            .as_str()
            .unwrap()
            .starts_with("Connected")
    );
    assert_eq!(steps["ticketAckMark"], "valid");
    assert_eq!(
        steps["tabbedTo"], "Connect",
        "keyboard reaches the Connect button"
    );
    assert_ne!(steps["focusOutline"], "none", "focus is visible");
}

#[cfg(feature = "mock")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_on_the_mock_connects_sends_checks_and_logs() {
    use asynction::mock::{MockOptions, MockServer};
    ensure_chromium();
    let doc = Document::from_path(fixture("console.yaml")).expect("loads");
    let mock = MockServer::new(
        doc,
        MockOptions {
            interval: std::time::Duration::from_millis(200),
            seed: Some(5),
            ..MockOptions::default()
        },
    )
    .expect("mock");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(mock.serve(listener, std::future::pending()));
    let report = drive(&format!("http://{addr}/docs"), "full").await;
    let steps = &report["steps"];
    assert_console_works(steps);
    assert_eq!(steps["serverEventMark"], "valid", "periodic `tick` events");
}

async fn say(Payload(_): Payload<Value>) -> Ack<Value> {
    Ack(json!({"accepted": true}))
}

async fn open_ticket(Payload(_): Payload<Value>) -> Ack<Value> {
    Ack(json!({"id": 7}))
}

/// A real server of console.yaml; `console` turns the docs console on.
async fn real_server(console: bool) -> SocketAddr {
    let app = AsynctionSocketIo::from_spec(fixture("console.yaml"))
        .unwrap()
        .handler("console.say", say)
        .handler("console.open_ticket", open_ticket)
        .security_handlers(SecurityHandlers::new().bearer(
            "console.check_token",
            |c: BearerCredentials| async move {
                match c.token.as_str() {
                    "t0ken" => Ok(SecurityInfo::for_user("tester")),
                    _ => Err(Refusal::Unauthorized),
                }
            },
        ))
        .docs_console(console)
        .build()
        .expect("builds");
    asynction_testkit::serve(app.into_router()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_on_a_real_server_is_opt_in_and_works_when_on() {
    ensure_chromium();
    let on = real_server(true).await;
    let report = drive(&format!("http://{on}/docs"), "server").await;
    assert_console_works(&report["steps"]);

    let off = real_server(false).await;
    let report = drive(&format!("http://{off}/docs"), "absent").await;
    assert_eq!(
        report["steps"]["regions"], 0,
        "off by default on a real server"
    );
    assert_eq!(
        report["requests"].as_array().unwrap().len(),
        1,
        "no script is loaded without the console: {report}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_document_text_does_not_run_in_the_console() {
    ensure_chromium();
    let doc = Document::from_path(fixture("hostile.yaml")).expect("loads");
    let router = asynction::docs::router(&doc, DocsOptions::default().console(true));
    let addr = asynction_testkit::serve(router).await;
    let report = drive(&format!("http://{addr}/docs"), "hostile").await;
    // `drive` checked: no dialog, no page error, no CSP violation, nothing fetched elsewhere.
    assert!(report["steps"]["regions"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn the_console_page_keeps_a_strict_csp_and_a_no_script_baseline() {
    let doc = Document::from_path(fixture("console.yaml")).expect("loads");
    let html = asynction::docs::render_html(&doc, &DocsOptions::default().console(true))
        .expect("renders")
        .replace("&#x2f;", "/");
    let lower = html.to_ascii_lowercase();
    // Every script is a file of the docs path; none inline.
    for script in lower.split("<script").skip(1) {
        let tag = script.split('>').next().unwrap();
        assert!(
            tag.contains("src=\"/docs/console/"),
            "inline or foreign script: {tag}"
        );
    }
    // Without JavaScript the console stays hidden: the page is the baseline.
    for region in html.split("<section class=\"console\"").skip(1) {
        let tag = region.split('>').next().unwrap();
        assert!(tag.contains("hidden"), "console region not hidden: {tag}");
    }
    assert!(CONSOLE_CONTENT_SECURITY_POLICY.contains("script-src 'self'"));
    assert!(!CONSOLE_CONTENT_SECURITY_POLICY.contains("unsafe-eval"));
    assert!(!CONSOLE_CONTENT_SECURITY_POLICY.contains("unsafe-inline'; script"));
    let router = asynction::docs::router(&doc, DocsOptions::default().console(true));
    let addr = asynction_testkit::serve(router).await;
    for path in ["/docs", "/docs/console.json", "/docs/console/sio.js"] {
        let response = super::docs::get(addr, path).await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(
            response.header("content-security-policy"),
            Some(CONSOLE_CONTENT_SECURITY_POLICY),
            "{path} carries the console CSP"
        );
    }
}

#[test]
fn a_static_site_with_a_console_url_writes_the_scripts_and_data() {
    let doc = Document::from_path(fixture("console.yaml")).expect("loads");
    let dir = tempfile::tempdir().unwrap();
    asynction::docs::write_static_site(
        &doc,
        &DocsOptions::default().console_url("http://127.0.0.1:5000"),
        dir.path(),
    )
    .unwrap();
    let html = std::fs::read_to_string(dir.path().join("index.html"))
        .unwrap()
        .replace("&#x2f;", "/");
    assert!(html.contains("src=\"console/sio.js\""));
    let data: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("console.json")).unwrap())
            .unwrap();
    assert_eq!(data["endpoint"]["url"], "http://127.0.0.1:5000");
    assert_eq!(data["namespaces"][1]["path"], "/support");
    for name in ["sio.js", "check.js", "console.js"] {
        assert!(dir.path().join("console").join(name).is_file(), "{name}");
    }
}
