//! Prometheus metrics (feature `metrics`): real socket.io-client traffic, then `/metrics`
//! scraped and parsed with Python prometheus-client's text-format parser.

use std::time::Duration;

use asynction::metrics::Metrics;
use asynction::{Ack, AsynctionSocketIo, AuthPayload, EmitError, ValidatedSocket};
use asynction_testkit::peers::Scenario;
use asynction_testkit::prometheus::{Sample, scrape, value};
use asynction_testkit::{http_get, serve};
use serde_json::{Value, json};

const FIXTURE: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/tests/fixtures/server/metrics.yaml"
);

async fn echo(
    socket: ValidatedSocket,
    asynction::Payload(text): asynction::Payload<String>,
) -> Ack<String> {
    let _ = socket.emit("echoed", &text);
    // Too long for `echoed` (maxLength 5): refused by egress validation.
    let _ = socket.emit("echoed", &"far too long");
    Ack(text)
}

async fn fail() -> Result<Ack<String>, String> {
    Err("no".into())
}

async fn boom() {
    panic!("metrics fixture panics on purpose");
}

async fn ask(socket: ValidatedSocket) -> Ack<String> {
    match socket
        .emit_with_ack::<_, Value>("question", "how many?")
        .await
    {
        Ok(v) => Ack(format!("ok:{v}")),
        Err(EmitError::Invalid(_)) => Ack("invalid".into()),
        Err(e) => Ack(format!("err:{e}")),
    }
}

async fn shout(socket: ValidatedSocket) -> Ack<bool> {
    Ack(socket.broadcast().emit("news", "hi").await.is_ok())
}

async fn hello() {}

async fn guard(AuthPayload(auth): AuthPayload) -> Result<(), String> {
    if auth.get("token") == Some(&json!("ok")) {
        Ok(())
    } else {
        Err("bad token".into())
    }
}

fn app() -> AsynctionSocketIo {
    AsynctionSocketIo::from_spec(FIXTURE)
        .unwrap()
        .ack_timeout(Duration::from_millis(300))
        .handler("echo", echo)
        .handler("fail", fail)
        .handler("boom", boom)
        .handler("ask", ask)
        .handler("shout", shout)
        .handler("hello", hello)
        .handler("guard", guard)
}

/// Runs the Node socket.io-client scenario up to its `pause` step, scrapes `/metrics`, then
/// lets the scenario finish.
async fn node_then_scrape(addr: std::net::SocketAddr, steps: Value) -> (Vec<Value>, Vec<Sample>) {
    let mut scenario = Scenario::start(addr, steps);
    scenario.paused("scrape").await;
    let samples = scrape(addr, "/metrics").await;
    scenario.resume().await;
    (scenario.finish().await, samples)
}

fn connect(id: &str, ns: &str) -> Value {
    json!({"op": "connect", "id": id, "ns": ns})
}

fn emit(id: &str, event: &str, args: Value) -> Value {
    json!({"op": "emit", "id": id, "event": event, "args": args, "ack": true, "timeout": 3000})
}

#[tokio::test]
async fn socketio_traffic_is_counted_per_namespace_and_event() {
    let built = app().metrics(Metrics::new()).build().unwrap();
    assert_eq!(built.metrics_path(), Some("/metrics"));
    let addr = serve(built.into_router()).await;
    // asynction-client does not answer the server's `question`: the ack times out.
    let mut silent = asynction_testkit::sio(addr, "/").await;
    let asked = asynction_testkit::ack_of(&mut silent, "/", "ask", &[])
        .await
        .unwrap();
    assert!(asked[0].as_str().unwrap().starts_with("err:"), "{asked}");
    let steps = json!([
        connect("a", "/"),
        connect("b", "/"),
        emit("a", "echo", json!(["hey"])),
        emit("a", "echo", json!(["hey"])),
        emit("a", "echo", json!(["much too long"])),
        emit("a", "not in the document", json!([1])),
        emit("a", "fail", json!([])),
        emit("a", "boom", json!([])),
        {"op": "answer", "id": "a", "event": "question", "reply": [3]},
        emit("a", "ask", json!([])),
        {"op": "answer", "id": "a", "event": "question", "reply": [-1]},
        emit("a", "ask", json!([])),
        emit("a", "shout", json!([])),
        {"op": "connect", "id": "g1", "ns": "/guarded", "auth": {"token": "no"}},
        {"op": "connect", "id": "g2", "ns": "/guarded", "auth": {"token": "ok"}},
        {"op": "connect", "id": "t1", "ns": "/tenant/acme"},
        {"op": "connect", "id": "t2", "ns": "/tenant/acme", "query": {"key": "k"}},
        {"op": "connect", "id": "t3", "ns": "/tenant/globex", "query": {"key": "k"}},
        emit("t2", "hello", json!([])),
        emit("t3", "hello", json!([])),
        // Namespaces the document lacks: refused by socketioxide's message, counted; the
        // same unknown path twice (nothing of the first attempt is left registered).
        {"op": "connect", "id": "u1", "ns": "/nowhere"},
        {"op": "connect", "id": "u2", "ns": "/nowhere"},
        {"op": "connect", "id": "u3", "ns": "/deeply/unknown/path"},
        {"op": "disconnect", "id": "b"},
        {"op": "sleep", "ms": 200},
        {"op": "pause", "label": "scrape"},
    ]);
    // Scraped while the clients are still connected (the pause step).
    let (out, m) = node_then_scrape(addr, steps).await;
    assert_eq!(out[9]["ack"], json!(["ok:3"]), "{out:?}");
    assert_eq!(out[11]["ack"], json!(["invalid"]), "{out:?}");
    assert!(out[13].get("connect_error").is_some(), "{out:?}");
    assert!(out[15].get("connect_error").is_some(), "{out:?}");
    for unknown in &out[20..23] {
        assert_eq!(unknown["connect_error"], "Invalid namespace", "{out:?}");
    }
    let root = |event: &'static str| [("namespace", "/"), ("event", event)];
    let v = |name: &str, labels: &[(&str, &str)]| value(&m, name, labels);

    // Connections: current, accepted, refused by reason.
    // a and the silent client (b disconnected).
    assert_eq!(v("asynction_connections", &[("namespace", "/")]), 2.0);
    assert_eq!(v("asynction_connects_total", &[("namespace", "/")]), 3.0);
    assert_eq!(
        v("asynction_connects_total", &[("namespace", "/guarded")]),
        1.0
    );
    assert_eq!(
        v(
            "asynction_connect_refusals_total",
            &[("namespace", "/guarded"), ("reason", "connect_handler")]
        ),
        1.0
    );
    // Every unknown namespace under one label, whatever its path.
    assert_eq!(
        v(
            "asynction_connect_refusals_total",
            &[("namespace", "_unknown"), ("reason", "unknown_namespace")]
        ),
        3.0
    );
    assert!(
        m.iter()
            .all(|s| s.labels.get("namespace") != Some(&json!("/nowhere")))
    );
    // A dynamic namespace is labelled by its pattern, not the concrete path.
    let tenant = "/tenant/{id}";
    assert_eq!(v("asynction_connects_total", &[("namespace", tenant)]), 2.0);
    assert_eq!(
        v(
            "asynction_connect_refusals_total",
            &[("namespace", tenant), ("reason", "bindings")]
        ),
        1.0
    );
    assert_eq!(v("asynction_connections", &[("namespace", tenant)]), 2.0);
    assert_eq!(
        v(
            "asynction_events_received_total",
            &[("namespace", tenant), ("event", "hello")]
        ),
        2.0
    );
    assert!(
        m.iter()
            .all(|s| s.labels.get("namespace") != Some(&json!("/tenant/acme")))
    );

    // Events received, refused by code, handler errors and panics, handler time.
    assert_eq!(v("asynction_events_received_total", &root("echo")), 3.0);
    assert_eq!(
        v(
            "asynction_events_refused_total",
            &[
                ("namespace", "/"),
                ("event", "echo"),
                ("code", "invalid_payload")
            ]
        ),
        1.0
    );
    assert_eq!(v("asynction_events_received_total", &root("_unknown")), 1.0);
    assert_eq!(
        v(
            "asynction_events_refused_total",
            &[
                ("namespace", "/"),
                ("event", "_unknown"),
                ("code", "unknown_event")
            ]
        ),
        1.0
    );
    assert!(
        m.iter()
            .all(|s| s.labels.get("event") != Some(&json!("not in the document")))
    );
    assert_eq!(v("asynction_handler_errors_total", &root("fail")), 1.0);
    assert_eq!(v("asynction_handler_panics_total", &root("boom")), 1.0);
    assert_eq!(
        v("asynction_handler_duration_seconds_count", &root("echo")),
        2.0
    );
    assert_eq!(
        v("asynction_handler_duration_seconds_count", &root("ask")),
        3.0
    );
    assert_eq!(
        v(
            "asynction_handler_duration_seconds_bucket",
            &[("namespace", "/"), ("event", "echo"), ("le", "+Inf")]
        ),
        2.0
    );

    // Emits by kind, refused emits.
    assert_eq!(
        v(
            "asynction_emits_total",
            &[("namespace", "/"), ("event", "echoed"), ("kind", "socket")]
        ),
        2.0
    );
    assert_eq!(v("asynction_emits_refused_total", &root("echoed")), 2.0);
    assert_eq!(
        v(
            "asynction_emits_total",
            &[("namespace", "/"), ("event", "news"), ("kind", "broadcast")]
        ),
        1.0
    );
    assert_eq!(
        v(
            "asynction_emits_total",
            &[
                ("namespace", "/"),
                ("event", "question"),
                ("kind", "socket")
            ]
        ),
        3.0
    );

    // Client acks: round trip, timeouts, invalid acks.
    assert_eq!(
        v(
            "asynction_client_ack_duration_seconds_count",
            &root("question")
        ),
        2.0
    );
    assert_eq!(
        v("asynction_client_ack_timeouts_total", &root("question")),
        1.0
    );
    assert_eq!(
        v("asynction_client_ack_invalid_total", &root("question")),
        1.0
    );

    // Validation time, sampled: a histogram per direction.
    for direction in ["ingress", "egress"] {
        assert!(
            m.iter()
                .any(|s| s.name == "asynction_validation_duration_seconds_count"
                    && s.labels.get("direction") == Some(&json!(direction))),
            "no validation histogram for {direction}"
        );
    }
}

#[tokio::test]
async fn the_route_is_configurable_linked_from_the_docs_or_not_served() {
    let built = app()
        .metrics(Metrics::new().route("/ops/prom"))
        .build()
        .unwrap();
    let addr = serve(built.into_router()).await;
    assert_eq!(http_get(addr, "/metrics").await.0, 404);
    let m = scrape(addr, "/ops/prom").await;
    assert_eq!(v0(&m, "asynction_connections", "/"), 0.0);
    let (status, page) = http_get(addr, "/docs").await;
    assert_eq!(status, 200);
    // minijinja escapes `/` in attributes as `&#x2f;`.
    assert!(
        page.contains(r#"<a href="&#x2f;ops&#x2f;prom">metrics</a> (Prometheus)"#),
        "the docs page links the metrics route"
    );

    // Exported through the user's own exporter: kept, not served.
    let built = app().metrics(Metrics::new().serve(false)).build().unwrap();
    let metrics = built.metrics().unwrap().clone();
    assert!(built.metrics_path().is_none());
    let addr = serve(built.into_router()).await;
    assert_eq!(http_get(addr, "/metrics").await.0, 404);
    let (_, page) = http_get(addr, "/docs").await;
    assert!(!page.contains("Prometheus"));
    assert!(metrics.encode().contains("asynction_events_received_total"));

    // Off by default.
    let built = app().build().unwrap();
    assert!(built.metrics().is_none());
    let addr = serve(built.into_router()).await;
    assert_eq!(http_get(addr, "/metrics").await.0, 404);
}

fn v0(m: &[Sample], name: &str, ns: &str) -> f64 {
    value(m, name, &[("namespace", ns)])
}

#[cfg(feature = "mock")]
#[tokio::test]
async fn the_mock_serves_metrics_when_asked() {
    use asynction::mock::{MockOptions, MockServer};
    let doc = asynction::Document::from_path(FIXTURE).unwrap();
    let mock = MockServer::new(
        doc,
        MockOptions {
            metrics: true,
            ..MockOptions::default()
        },
    )
    .unwrap();
    assert_eq!(mock.metrics_path(), Some("/metrics"));
    let addr = serve(mock.into_router()).await;
    let mut client = asynction_testkit::sio(addr, "/").await;
    let _ = asynction_testkit::ack_of(&mut client, "/", "echo", &[json!("hi")]).await;
    let m = scrape(addr, "/metrics").await;
    assert_eq!(
        value(
            &m,
            "asynction_events_received_total",
            &[("namespace", "/"), ("event", "echo")]
        ),
        1.0
    );
    let (_, page) = http_get(addr, "/docs").await;
    assert!(page.contains("metrics</a> (Prometheus)"));
}

#[tokio::test]
async fn a_document_without_the_main_namespace_counts_connections_to_it_as_unknown() {
    let doc = asynction::Document::from_text(
        "asyncapi: 2.6.0\ninfo: {title: Admin only, version: '1'}\nchannels:\n  /admin:\n    subscribe:\n      message: {name: notice, payload: {type: string}}\n",
    )
    .unwrap();
    let built = AsynctionSocketIo::from_document(doc)
        .metrics(Metrics::new())
        .build()
        .unwrap();
    let addr = serve(built.into_router()).await;
    let out = asynction_testkit::node(
        addr,
        "/socket.io",
        json!([
            {"op": "connect", "id": "root", "ns": "/"},
            {"op": "connect", "id": "admin", "ns": "/admin"},
        ]),
    )
    .await;
    assert_eq!(out[0]["connect_error"], "Invalid namespace", "{out:?}");
    assert_eq!(out[1], json!({"connected": true}), "{out:?}");
    let m = scrape(addr, "/metrics").await;
    let refusals = [("namespace", "_unknown"), ("reason", "unknown_namespace")];
    assert_eq!(
        value(&m, "asynction_connect_refusals_total", &refusals),
        1.0
    );
    assert_eq!(
        value(&m, "asynction_connects_total", &[("namespace", "/admin")]),
        1.0
    );
}

/// The header Prometheus itself sends (OpenMetrics preferred over the classic text).
const PROMETHEUS_ACCEPT: &str = "application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

#[tokio::test]
async fn classic_prometheus_text_unless_the_scraper_accepts_openmetrics() {
    use asynction_testkit::prometheus::{parse_openmetrics, scrape_accepting};
    let built = app().metrics(Metrics::new()).build().unwrap();
    let addr = serve(built.into_router()).await;
    let mut client = asynction_testkit::sio(addr, "/").await;
    let _ = asynction_testkit::ack_of(&mut client, "/", "echo", &[json!("hi")]).await;
    let echo = [("namespace", "/"), ("event", "echo")];

    // No `Accept`, or a plain-text one: the classic text format, read by the classic parser
    // with the counters as counters (family without `_total`, samples with it).
    for accept in [None, Some("text/plain"), Some("*/*")] {
        let scrape = scrape_accepting(addr, "/metrics", accept).await;
        assert_eq!(
            scrape.content_type, "text/plain; version=0.0.4; charset=utf-8",
            "{accept:?}"
        );
        assert!(!scrape.body.contains("# EOF"), "{}", scrape.body);
        assert!(!scrape.body.contains("# UNIT"), "{}", scrape.body);
        assert!(!scrape.body.contains("_created"), "{}", scrape.body);
        assert!(
            scrape
                .body
                .contains("# TYPE asynction_events_received_total counter\n"),
            "{}",
            scrape.body
        );
        let received: Vec<_> = scrape
            .samples
            .iter()
            .filter(|s| s.name == "asynction_events_received_total")
            .collect();
        assert!(!received.is_empty());
        for s in &received {
            assert_eq!(s.kind, "counter", "{s:?}");
            assert_eq!(s.family, "asynction_events_received", "{s:?}");
        }
        assert_eq!(
            value(&scrape.samples, "asynction_events_received_total", &echo),
            1.0
        );
        let handled = scrape
            .samples
            .iter()
            .find(|s| s.name == "asynction_handler_duration_seconds_count")
            .expect("the handler histogram");
        assert_eq!(handled.kind, "histogram", "{handled:?}");
    }

    // Asked for OpenMetrics (as Prometheus asks): OpenMetrics, which its strict parser reads.
    for accept in [PROMETHEUS_ACCEPT, "application/openmetrics-text"] {
        let scrape = scrape_accepting(addr, "/metrics", Some(accept)).await;
        assert_eq!(
            scrape.content_type,
            "application/openmetrics-text; version=1.0.0; charset=utf-8"
        );
        assert!(scrape.body.ends_with("# EOF\n"), "{}", scrape.body);
        let samples = parse_openmetrics(&scrape.body).await;
        let s = samples
            .iter()
            .find(|s| {
                s.name == "asynction_events_received_total"
                    && s.labels.get("event") == Some(&json!("echo"))
            })
            .expect("the echo counter");
        assert_eq!((s.kind.as_str(), s.value), ("counter", 1.0), "{s:?}");
    }

    // OpenMetrics refused with `q=0`: the classic text.
    let scrape = scrape_accepting(
        addr,
        "/metrics",
        Some("application/openmetrics-text;q=0, text/plain"),
    )
    .await;
    assert!(scrape.content_type.starts_with("text/plain"));
}

const RECOVERY_DOC: &str = "asyncapi: 2.6.0
info: {title: Recovery metrics, version: '1'}
x-socketio-recovery: {maxDisconnectionDuration: 60000}
channels:
  /chat:
    subscribe:
      message: {name: message, payload: {type: string}}
";

/// A websocket client of `/chat` opted in to recovery with `auth`: the client and the
/// `asynction:recovery` session it was told.
async fn opted_in(addr: std::net::SocketAddr, auth: Value) -> (asynction_client::Client, Value) {
    let mut client = asynction_client::ClientBuilder::new(format!("http://{addr}"))
        .transport(asynction_client::Transport::Websocket)
        .auth(auth)
        .connect("/chat")
        .await
        .unwrap();
    let session = client
        .next_event("asynction:recovery", Duration::from_secs(5))
        .await
        .unwrap();
    (client, session.args.values[0].clone())
}

/// The offset of the next `message` (its last argument).
async fn next_offset(client: &mut asynction_client::Client) -> Value {
    let e = client
        .next_event("message", Duration::from_secs(5))
        .await
        .unwrap();
    e.args.values.last().unwrap().clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recoveries_misses_replays_and_what_recovery_keeps_are_measured() {
    let doc = asynction::Document::from_text(RECOVERY_DOC).unwrap();
    let built = AsynctionSocketIo::from_document(doc)
        .metrics(Metrics::new())
        .build()
        .unwrap();
    let io = built.io.clone();
    let addr = serve(built.into_router()).await;
    let chat = || io.of("/chat").unwrap();

    // Before anything: every label set is there, at zero.
    let m = scrape(addr, "/metrics").await;
    let zeros = |name: &str| {
        let found: Vec<f64> = m
            .iter()
            .filter(|s| s.name == name)
            .map(|s| s.value)
            .collect();
        assert!(
            !found.is_empty() && found.iter().all(|v| *v == 0.0),
            "{name}: {found:?}"
        );
        found.len()
    };
    assert_eq!(zeros("asynction_recoveries_total"), 1);
    assert_eq!(zeros("asynction_recovery_replayed_total"), 1);
    assert_eq!(
        zeros("asynction_recovery_misses_total"),
        6,
        "one per reason"
    );
    assert_eq!(zeros("asynction_recovery_sessions"), 1);
    assert_eq!(zeros("asynction_recovery_log_entries"), 1);
    let unknown = [("namespace", "/chat"), ("reason", "unknown_session")];

    let (mut ada, session) = opted_in(addr, json!({"pid": null})).await;
    chat().emit("message", "m1").await.unwrap();
    let offset = next_offset(&mut ada).await;
    drop(ada);
    for _ in 0..100 {
        if io.recovery_stats().unwrap().sessions == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        io.recovery_stats().unwrap().sessions,
        1,
        "the server kept the lost client's session"
    );
    chat().emit("message", "m2").await.unwrap();
    chat().emit("message", "m3").await.unwrap();

    // Read at scrape time: the lost client's session and the three events logged.
    let m = scrape(addr, "/metrics").await;
    assert_eq!(value(&m, "asynction_recovery_sessions", &[]), 1.0);
    assert_eq!(value(&m, "asynction_recovery_log_entries", &[]), 3.0);

    let (mut ada, back) = opted_in(addr, json!({"pid": session["pid"], "offset": offset})).await;
    assert_eq!(back["recovered"], json!(true), "{back}");
    next_offset(&mut ada).await;
    next_offset(&mut ada).await;
    let (_forger, forged) = opted_in(
        addr,
        json!({"pid": "AAAAAAAAAAAAAAAAAAAAAA", "offset": offset}),
    )
    .await;
    assert_eq!(forged["recovered"], json!(false), "{forged}");

    let m = scrape(addr, "/metrics").await;
    assert_eq!(v0(&m, "asynction_recoveries_total", "/chat"), 1.0);
    assert_eq!(v0(&m, "asynction_recovery_replayed_total", "/chat"), 2.0);
    assert_eq!(value(&m, "asynction_recovery_misses_total", &unknown), 1.0);
    let expired = [("namespace", "/chat"), ("reason", "expired")];
    assert_eq!(value(&m, "asynction_recovery_misses_total", &expired), 0.0);
    assert_eq!(value(&m, "asynction_recovery_sessions", &[]), 0.0);
}

#[tokio::test]
async fn a_server_without_recovery_has_no_recovery_metrics() {
    let doc = asynction::Document::from_text(RECOVERY_DOC).unwrap();
    let built = AsynctionSocketIo::from_document(doc)
        .recovery_options(None)
        .metrics(Metrics::new())
        .build()
        .unwrap();
    let addr = serve(built.into_router()).await;
    let m = scrape(addr, "/metrics").await;
    let recovery: Vec<&str> = m
        .iter()
        .map(|s| s.name.as_str())
        .filter(|n| n.contains("recover"))
        .collect();
    assert!(recovery.is_empty(), "{recovery:?}");
    assert!(!m.is_empty(), "the other metrics are served");
}
