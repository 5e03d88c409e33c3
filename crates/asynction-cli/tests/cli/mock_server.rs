//! The mock server, driven by the real Node `socket.io-client`: through the `asynction mock run`
//! CLI (2.6 and 3.0 documents) and as a library ([`MockServer`]). Every ack and every emitted
//! event is checked with an independent validator (Ajv 2020-12, `tests/peers/ajv-check.mjs`);
//! refusals (invalid events, unknown namespaces, bindings, the mock security policy), `--seed`
//! reproducibility, the idle CPU of a document without egress events and `asynction docs`.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use asynction::Document;
use asynction::mock::{MockOptions, MockServer};
use serde_json::{Value, json};

fn fixture(name: &str) -> PathBuf {
    asynction_testkit::fixtures("mockserver").join(name)
}

/// Checks values with Ajv: `cases` is `[(name, schema, values)]`; every case must have values
/// and none may be invalid.
fn ajv_all_valid(cases: Vec<(String, Value, Vec<Value>)>) {
    let input: Vec<Value> = cases
        .iter()
        .map(|(name, schema, values)| json!({"name": name, "schema": schema, "values": values}))
        .collect();
    for v in asynction_testkit::ajv::verdicts(&input) {
        assert!(v["checked"].as_u64().unwrap() > 0, "nothing checked: {v}");
        assert_eq!(v["invalid"], 0, "Ajv rejects a mock value: {v}");
    }
}

/// What one document says about one event: `(payload or ack schema for Ajv, spread?)`.
fn schema_of(doc: &Document, ns: &str, event: &str, ack: bool) -> Value {
    let namespace = doc.api.namespace(ns).expect("namespace");
    let ev = if ack {
        namespace.ingress_event(event)
    } else {
        namespace.egress_event(event)
    }
    .unwrap_or_else(|| panic!("{ns} has no event {event}"));
    let schema = if ack { &ev.ack } else { &ev.payload };
    // Exactly what asynction compiles for the schema.
    asynction::validate::self_contained(schema.as_ref().expect("schema"), &doc.resolved).0
}

/// Groups received events (`[{event, args}]`) by name into Ajv cases against the document's
/// egress payload schemas (every event carries exactly one argument here).
fn event_cases(doc: &Document, ns: &str, events: &[Value]) -> Vec<(String, Value, Vec<Value>)> {
    let mut cases: Vec<(String, Value, Vec<Value>)> = Vec::new();
    for e in events {
        let name = e["event"].as_str().unwrap();
        let args = e["args"].as_array().unwrap();
        assert_eq!(args.len(), 1, "one argument per event: {e}");
        match cases
            .iter_mut()
            .find(|(n, _, _)| n == &format!("{ns} {name}"))
        {
            Some((_, _, values)) => values.push(args[0].clone()),
            None => cases.push((
                format!("{ns} {name}"),
                schema_of(doc, ns, name, false),
                vec![args[0].clone()],
            )),
        }
    }
    cases
}

/// The names of received events (`[{event, args}]`), in order.
fn event_names(events: &Value) -> Vec<String> {
    events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect()
}

mod cli {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};

    use super::*;
    use crate::mock_process::MockProcess;
    use crate::{at, in_process};

    #[cfg(feature = "otel")]
    #[tokio::test(flavor = "multi_thread")]
    async fn mock_exports_its_spans_over_otlp_when_the_endpoint_is_set() {
        use asynction_testkit::otlp::{collect, start_receiver, string_attribute};

        let (url, mut received) = start_receiver();
        let spec = asynction_testkit::root().join("examples/chat/asyncapi.yaml");
        let title = Document::from_path(&spec).unwrap().api.info.title.clone();
        let mock = MockProcess::start_with_env(
            &spec,
            &["--interval", "60"],
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", url.as_str()),
                // Export every 100 ms instead of every 5 s.
                ("OTEL_BSP_SCHEDULE_DELAY", "100"),
            ],
        );
        let r = asynction_testkit::node(
            mock.addr,
            "/socket.io",
            json!([
                {"op": "connect", "id": "c", "ns": "/"},
                {"op": "emit", "id": "c", "event": "add user", "args": ["ada"], "ack": true},
            ]),
        )
        .await;
        assert!(r[1].get("ack").is_some(), "{r:?}");

        let wanted = ["asynction.connection", "asynction.event"];
        let (spans, all) = collect(&mut received, &wanted, Duration::from_secs(30)).await;
        assert!(all, "spans received: {:?}", spans.keys());
        let (connection, event) = (&spans[wanted[0]], &spans[wanted[1]]);
        assert_eq!(connection.service.as_deref(), Some(title.as_str()));
        assert_eq!(event.span.parent_span_id, connection.span.span_id);
        assert_eq!(event.span.trace_id, connection.span.trace_id);
        let attrs = &event.span.attributes;
        assert_eq!(
            string_attribute(attrs, "event").as_deref(),
            Some("add user")
        );
        assert_eq!(string_attribute(attrs, "outcome").as_deref(), Some("ok"));
        drop(mock);

        // OTEL_SERVICE_NAME wins over the document's title.
        let mock = MockProcess::start_with_env(
            &spec,
            &["--interval", "60"],
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", url.as_str()),
                ("OTEL_BSP_SCHEDULE_DELAY", "100"),
                ("OTEL_SERVICE_NAME", "chat-staging"),
            ],
        );
        asynction_testkit::node(
            mock.addr,
            "/socket.io",
            json!([{"op": "connect", "id": "c", "ns": "/"}]),
        )
        .await;
        let (spans, all) = collect(&mut received, &wanted[..1], Duration::from_secs(30)).await;
        assert!(all, "spans received: {:?}", spans.keys());
        assert_eq!(spans[wanted[0]].service.as_deref(), Some("chat-staging"));
    }

    #[cfg(feature = "otel")]
    /// A receiver that is down (nothing listens at the endpoint) costs the server nothing:
    /// exports fail on the SDK's thread while clients are served as usual.
    #[tokio::test(flavor = "multi_thread")]
    async fn mock_keeps_serving_when_the_otlp_receiver_is_down() {
        let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", dead.local_addr().unwrap());
        drop(dead);
        let spec = asynction_testkit::root().join("examples/chat/asyncapi.yaml");
        let mock = MockProcess::start_with_env(
            &spec,
            &["--interval", "60"],
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", url.as_str()),
                ("OTEL_BSP_SCHEDULE_DELAY", "50"),
            ],
        );
        for round in 0..3 {
            let r = asynction_testkit::node(
                mock.addr,
                "/socket.io",
                json!([
                    {"op": "connect", "id": "c", "ns": "/"},
                    {"op": "emit", "id": "c", "event": "add user", "args": [format!("ada{round}")], "ack": true},
                ]),
            )
            .await;
            assert!(r[1].get("ack").is_some(), "round {round}: {r:?}");
            // Let a failed export happen between two rounds.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    #[cfg(feature = "otel")]
    #[test]
    fn mock_refuses_an_otlp_protocol_it_cannot_export_and_says_what_to_set() {
        let spec = asynction_testkit::root().join("examples/chat/asyncapi.yaml");
        let out = Command::new(env!("CARGO_BIN_EXE_asynction"))
            .arg("--spec")
            .arg(&spec)
            .args(["mock", "run", "--port", "0"])
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")
            .env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported")
                && stderr.contains("http/protobuf"),
            "{stderr}"
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn mock_metrics_count_the_chat_examples_traffic_and_unknown_namespaces() {
        use asynction_testkit::prometheus::{scrape, value};

        let spec = asynction_testkit::root().join("examples/chat/asyncapi.yaml");
        let mock = MockProcess::start(&spec, &["--metrics", "--interval", "60"]);
        let banner = mock.banner.join("\n");
        let path = mock
            .banner
            .iter()
            .find_map(|l| l.trim().strip_prefix("metrics at "))
            .and_then(|url| url.strip_prefix(&format!("http://{}", mock.addr)))
            .unwrap_or_else(|| panic!("the banner names the metrics route: {banner}"))
            .to_owned();
        let r = asynction_testkit::node(
            mock.addr,
            "/socket.io",
            json!([
                {"op": "connect", "id": "c", "ns": "/"},
                {"op": "emit", "id": "c", "event": "add user", "args": ["ada"], "ack": true},
                {"op": "emit", "id": "c", "event": "add user", "args": [""], "ack": true},
                {"op": "emit", "id": "c", "event": "no such event", "args": [], "ack": true},
                {"op": "connect", "id": "x", "ns": "/nope"},
            ]),
        )
        .await;
        assert_eq!(r[0], json!({"connected": true}));
        assert_eq!(
            asynction_testkit::error_ack(&r[2])["code"],
            "invalid_payload"
        );
        assert_eq!(asynction_testkit::error_ack(&r[3])["code"], "unknown_event");
        assert_eq!(r[4]["connect_error"], "Invalid namespace", "{r:?}");

        let m = scrape(mock.addr, &path).await;
        let root = |event| [("namespace", "/"), ("event", event)];
        assert_eq!(
            value(&m, "asynction_connects_total", &[("namespace", "/")]),
            1.0
        );
        assert_eq!(
            value(&m, "asynction_events_received_total", &root("add user")),
            2.0
        );
        assert_eq!(
            value(&m, "asynction_events_received_total", &root("_unknown")),
            1.0
        );
        let refused = [
            ("namespace", "/"),
            ("event", "add user"),
            ("code", "invalid_payload"),
        ];
        assert_eq!(value(&m, "asynction_events_refused_total", &refused), 1.0);
        assert_eq!(
            value(
                &m,
                "asynction_connect_refusals_total",
                &[("namespace", "_unknown"), ("reason", "unknown_namespace")]
            ),
            1.0
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn chat_2_6_acks_emits_and_refusals() {
        let spec = fixture("chat-2.6.yaml");
        let doc = Document::from_path(&spec).unwrap();
        let mock = MockProcess::start(&spec, &["--interval", "0.2", "--seed", "7"]);
        let banner = mock.banner.join("\n");
        for needle in [
            "Socket.IO path /socket.io",
            "/docs",
            "/chat",
            "receives: new message (ack), typing",
            "sends:    new message, user joined",
            "seed 7",
        ] {
            assert!(banner.contains(needle), "banner lacks {needle}: {banner}");
        }
        let r = asynction_testkit::node(
            mock.addr,
            "/socket.io",
            json!([
                {"op": "connect", "id": "c", "ns": "/chat"},
                {"op": "emit", "id": "c", "event": "new message", "args": ["Hello there."], "ack": true},
                {"op": "emit", "id": "c", "event": "new message", "args": ["Again."], "ack": true},
                {"op": "emit", "id": "c", "event": "typing", "args": [null], "ack": true},
                {"op": "emit", "id": "c", "event": "new message", "args": [42], "ack": true},
                {"op": "emit", "id": "c", "event": "no such event", "args": [], "ack": true},
                {"op": "sleep", "ms": 1500},
                {"op": "events", "id": "c"},
                {"op": "connect", "id": "x", "ns": "/nope"},
            ]),
        )
        .await;
        assert_eq!(r[0], json!({"connected": true}));
        // Fake acks valid against x-ack; no ack schema → an empty ack.
        let acks: Vec<Value> = [&r[1], &r[2]]
            .iter()
            .map(|a| {
                let args = a["ack"].as_array().unwrap_or_else(|| panic!("ack: {a}"));
                assert_eq!(args.len(), 1, "{a}");
                args[0].clone()
            })
            .collect();
        assert_eq!(r[3], json!({"ack": []}));
        assert_eq!(
            asynction_testkit::error_ack(&r[4])["code"],
            "invalid_payload"
        );
        assert_eq!(asynction_testkit::error_ack(&r[5])["code"], "unknown_event");
        // Both egress events appear within a few intervals, alternating.
        let names = event_names(&r[7]);
        assert!(names.len() >= 4, "{names:?}");
        assert!(names.iter().any(|n| n == "new message"), "{names:?}");
        assert!(names.iter().any(|n| n == "user joined"), "{names:?}");
        assert!(
            names.windows(2).all(|w| w[0] != w[1]),
            "round-robin: {names:?}"
        );
        for e in r[7].as_array().unwrap() {
            let username = e["args"][0]["username"].as_str().unwrap();
            assert!(username.starts_with(char::is_uppercase), "first_name: {e}");
            if let Some(message) = e["args"][0]["message"].as_str() {
                assert!(
                    message.ends_with('.') && message.contains(' '),
                    "sentence: {e}"
                );
            }
        }
        assert_eq!(r[8]["connect_error"], "Invalid namespace");
        let mut cases = event_cases(&doc, "/chat", r[7].as_array().unwrap());
        cases.push((
            "/chat new message ack".into(),
            schema_of(&doc, "/chat", "new message", true),
            acks,
        ));

        // Bindings and the mock security policy.
        let r = asynction_testkit::node(
            mock.addr,
            "/socket.io",
            json!([
                {"op": "connect", "id": "a", "ns": "/search"},
                {"op": "connect", "id": "b", "ns": "/search", "query": {"limit": 50}},
                {"op": "connect", "id": "s", "ns": "/search", "query": {"limit": 3}},
                {"op": "emit", "id": "s", "event": "search", "args": ["rust"], "ack": true},
                {"op": "emit", "id": "s", "event": "search", "args": [""], "ack": true},
                {"op": "expect", "id": "s", "event": "suggestion"},
                {"op": "connect", "id": "u", "ns": "/secure"},
                {"op": "connect", "id": "e", "ns": "/secure", "headers": {"Authorization": "Bearer "}},
                {"op": "connect", "id": "t", "ns": "/secure", "headers": {"Authorization": "Bearer anything"}},
                {"op": "connect", "id": "p", "ns": "/secure", "auth": {"token": "x"}},
                {"op": "expect", "id": "t", "event": "notice"},
            ]),
        )
        .await;
        assert!(
            r[0]["connect_error"]
                .as_str()
                .unwrap()
                .starts_with("invalid_handshake:"),
            "{}",
            r[0]
        );
        assert!(
            r[1]["connect_error"]
                .as_str()
                .unwrap()
                .contains("/query/limit"),
            "{}",
            r[1]
        );
        assert_eq!(r[2], json!({"connected": true}));
        let search_ack = r[3]["ack"][0].clone();
        assert!(search_ack.is_array(), "{}", r[3]);
        assert_eq!(
            asynction_testkit::error_ack(&r[4])["code"],
            "invalid_payload"
        );
        let suggestion = r[5]["args"][0].clone();
        assert!(
            r[6]["connect_error"]
                .as_str()
                .unwrap()
                .starts_with("unauthorized"),
            "{}",
            r[6]
        );
        assert!(
            r[7]["connect_error"]
                .as_str()
                .unwrap()
                .starts_with("unauthorized"),
            "{}",
            r[7]
        );
        assert_eq!(r[8], json!({"connected": true}));
        assert_eq!(r[9], json!({"connected": true}));
        let notice = r[10]["args"][0].clone();
        cases.push((
            "/search search ack".into(),
            schema_of(&doc, "/search", "search", true),
            vec![search_ack],
        ));
        cases.push((
            "/search suggestion".into(),
            schema_of(&doc, "/search", "suggestion", false),
            vec![suggestion],
        ));
        cases.push((
            "/secure notice".into(),
            schema_of(&doc, "/secure", "notice", false),
            vec![notice],
        ));
        ajv_all_valid(cases);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn trivia_3_0_replies_sends_dynamic_namespaces_and_security() {
        let spec = fixture("trivia-3.0.yaml");
        let doc = Document::from_path(&spec).unwrap();
        let mock = MockProcess::start(&spec, &["--interval", "0.2", "--seed", "7"]);
        let r = asynction_testkit::node(
            mock.addr,
            "/socket.io",
            json!([
                {"op": "connect", "id": "c", "ns": "/trivia"},
                {"op": "emit", "id": "c", "event": "answer", "args": [{"question": 1, "choice": "a"}], "ack": true},
                {"op": "emit", "id": "c", "event": "answer", "args": [{"question": 2, "choice": "d"}], "ack": true},
                {"op": "emit", "id": "c", "event": "answer", "args": [{"question": 0, "choice": "e"}], "ack": true},
                {"op": "emit", "id": "c", "event": "ping", "args": [], "ack": true},
                {"op": "connect", "id": "t", "ns": "/tenant/acme"},
                {"op": "connect", "id": "z", "ns": "/tenant/zeta"},
                {"op": "connect", "id": "n", "ns": "/admin"},
                {"op": "connect", "id": "a", "ns": "/admin", "headers": {"Authorization": "Bearer t0k3n"}},
                {"op": "emit", "id": "a", "event": "command", "args": [""], "ack": true},
                {"op": "sleep", "ms": 1500},
                {"op": "events", "id": "c"},
                {"op": "events", "id": "t"},
                {"op": "events", "id": "z"},
                {"op": "events", "id": "a"},
            ]),
        )
        .await;
        assert_eq!(r[0], json!({"connected": true}));
        let verdicts: Vec<Value> = [&r[1], &r[2]].iter().map(|a| a["ack"][0].clone()).collect();
        assert!(verdicts.iter().all(Value::is_object), "{verdicts:?}");
        let invalid = asynction_testkit::error_ack(&r[3]);
        assert_eq!(invalid["code"], "invalid_payload");
        assert!(
            invalid["violations"].as_array().unwrap().len() >= 2,
            "{invalid}"
        );
        assert_eq!(r[4], json!({"ack": []}));
        assert_eq!(r[5], json!({"connected": true}));
        assert_eq!(r[6], json!({"connected": true}));
        assert!(
            r[7]["connect_error"]
                .as_str()
                .unwrap()
                .starts_with("unauthorized"),
            "{}",
            r[7]
        );
        assert_eq!(r[8], json!({"connected": true}));
        assert_eq!(
            asynction_testkit::error_ack(&r[9])["code"],
            "invalid_payload"
        );
        let trivia = event_names(&r[11]);
        assert!(trivia.iter().any(|n| n == "question"), "{trivia:?}");
        assert!(trivia.iter().any(|n| n == "leaderboard"), "{trivia:?}");
        // Each concrete tenant namespace gets the tenant stream.
        assert!(event_names(&r[12]).iter().any(|n| n == "tick"), "{}", r[12]);
        assert!(event_names(&r[13]).iter().any(|n| n == "tick"), "{}", r[13]);
        assert!(
            event_names(&r[14]).iter().any(|n| n == "alert"),
            "{}",
            r[14]
        );
        let mut cases = event_cases(&doc, "/trivia", r[11].as_array().unwrap());
        cases.extend(event_cases(&doc, "/tenant/{id}", r[12].as_array().unwrap()));
        cases.extend(event_cases(&doc, "/admin", r[14].as_array().unwrap()));
        cases.push((
            "/trivia answer reply".into(),
            schema_of(&doc, "/trivia", "answer", true),
            verdicts,
        ));
        ajv_all_valid(cases);
    }

    /// The first `n` events a fresh client of /chat receives.
    async fn first_events(seed: &str, n: usize) -> Vec<Value> {
        let mock = MockProcess::start(
            &fixture("chat-2.6.yaml"),
            &["--interval", "0.1", "--seed", seed],
        );
        let r = asynction_testkit::node(
            mock.addr,
            "/socket.io",
            json!([
                {"op": "connect", "id": "c", "ns": "/chat"},
                {"op": "sleep", "ms": 100 * n as u64 + 600},
                {"op": "events", "id": "c"},
            ]),
        )
        .await;
        let events = r[2].as_array().unwrap().clone();
        assert!(events.len() >= n, "{events:?}");
        events[..n].to_vec()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_same_seed_replays_the_same_events() {
        let first = first_events("7", 6).await;
        let second = first_events("7", 6).await;
        assert_eq!(first, second);
        let other = first_events("8", 6).await;
        assert_ne!(first, other);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_document_without_egress_events_keeps_the_process_idle() {
        let mock = MockProcess::start(&fixture("idle-2.6.yaml"), &["--interval", "0.01"]);
        let r = asynction_testkit::node(
            mock.addr,
            "/socket.io",
            json!([
                {"op": "connect", "id": "c", "ns": "/"},
                {"op": "emit", "id": "c", "event": "ping", "args": [1], "ack": true},
            ]),
        )
        .await;
        assert!(r[1]["ack"][0].is_string(), "{}", r[1]);
        let before = mock.cpu_ticks();
        tokio::time::sleep(Duration::from_secs(10)).await;
        let ticks = mock.cpu_ticks() - before;
        eprintln!("idle mock: {ticks} clock ticks of CPU in 10 s");
        // A busy loop would burn ~1000 ticks (100 Hz); allow scheduler noise only.
        assert!(
            ticks <= 5,
            "the idle mock used {ticks} ticks of CPU in 10 s"
        );
    }

    #[test]
    fn unsatisfiable_schemas_are_all_listed_at_startup() {
        let spec = fixture("unsatisfiable-2.6.yaml");
        let out = Command::new(env!("CARGO_BIN_EXE_asynction"))
            .arg("--spec")
            .arg(&spec)
            .args(["mock", "run", "--port", "0"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        let file = spec.display().to_string();
        assert!(
            stderr.contains(&format!(
                "{file}:13:47: namespace / event 'ask' ack: cannot generate"
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains("(at /channels/~1/publish/message/x-ack/args/maxLength)"),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "{file}:17:48: namespace / event 'news' payload: cannot generate"
            )),
            "{stderr}"
        );
        assert!(out.stdout.is_empty(), "no banner on failure");
    }

    #[test]
    fn mismatching_3_x_examples_are_logged_at_startup_and_the_mock_serves() {
        let spec = asynction_testkit::fixtures("spec").join("valid/bad-examples-3.1.0.yaml");
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("stderr.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_asynction"))
            .arg("--spec")
            .arg(&spec)
            .args(["mock", "run", "--port", "0"])
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the asynction binary runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let listening = lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.contains("listening on http://"));
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            listening,
            "a 3.x document with mismatching examples still serves"
        );
        let mut stderr = String::new();
        std::fs::File::open(&log)
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        let file = spec.display().to_string();
        assert!(
            stderr.contains(&format!(
                "{file}:26:13: warning: example 'too long' of event 'say' does not match"
            )),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("{file}:45:"))
                && stderr.contains("example #2 of event 'count'"),
            "{stderr}"
        );
    }

    /// The mock's log (standard error, a file) until its banner, with `env`.
    fn mock_log(env: &[(&str, &str)]) -> String {
        let spec = asynction_testkit::fixtures("spec").join("valid/bad-examples-3.1.0.yaml");
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("stderr.log");
        let mut child = Command::new(env!("CARGO_BIN_EXE_asynction"))
            .arg("--spec")
            .arg(&spec)
            .args(["mock", "run", "--port", "0"])
            .env("RUST_LOG", "info")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("the asynction binary runs");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let _ = lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.contains("listening on http://"));
        let _ = child.kill();
        let _ = child.wait();
        std::fs::read_to_string(&log).unwrap()
    }

    #[test]
    fn logs_are_coloured_only_on_a_terminal_or_when_forced_and_never_with_no_color() {
        let plain = mock_log(&[]);
        assert!(plain.contains("warning: example"), "{plain}");
        assert!(!plain.contains('\u{1b}'), "no colours in a file: {plain}");
        let forced = mock_log(&[("CLICOLOR_FORCE", "1")]);
        assert!(
            forced.contains("\u{1b}["),
            "CLICOLOR_FORCE colours: {forced}"
        );
        let refused = mock_log(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
        assert!(!refused.contains('\u{1b}'), "NO_COLOR wins: {refused}");
    }

    #[test]
    fn an_invalid_document_is_reported_as_file_line_col() {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("broken.yaml");
        std::fs::write(
            &spec,
            "asyncapi: 2.6.0\ninfo: { title: T, version: '1' }\nchannels:\n  /:\n    publish:\n      message:\n        $ref: '#/nope'\n",
        )
        .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_asynction"))
            .arg("--spec")
            .arg(&spec)
            .args(["mock", "run", "--port", "0"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with(&format!("{}:7:", spec.display())),
            "{stderr}"
        );
    }

    /// SIGTERM drains (`asynction::lifecycle`): the probes answer before, the connected client
    /// is disconnected (so it reconnects elsewhere), the process exits 0.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sigterm_drains_and_shuts_down_cleanly() {
        let mut mock = MockProcess::start(&fixture("chat-2.6.yaml"), &[]);
        let (status, body) = asynction_testkit::http_get(mock.addr, "/healthz").await;
        assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
        let (status, body) = asynction_testkit::http_get(mock.addr, "/readyz").await;
        assert_eq!((status, body.as_str()), (200, r#"{"status":"ready"}"#));
        let mut client = asynction_client::ClientBuilder::new(format!("http://{}", mock.addr))
            .connect("/chat")
            .await
            .unwrap();
        let status = Command::new("kill")
            .args(["-TERM", &mock.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        // Fake events may come first; then the disconnect (or the closed connection).
        loop {
            match client.next(std::time::Duration::from_secs(10)).await {
                Ok(asynction_client::Incoming::Event(_)) => continue,
                Ok(asynction_client::Incoming::Disconnect { namespace }) => {
                    assert_eq!(namespace, "/chat");
                    break;
                }
                Err(e) => {
                    assert!(
                        !matches!(e, asynction_client::Error::Timeout { .. }),
                        "the client stayed connected after SIGTERM: {e}"
                    );
                    break;
                }
            }
        }
        let code = mock.child.wait().unwrap();
        assert_eq!(code.code(), Some(0));
    }

    #[test]
    fn help_is_available_on_every_command() {
        let root = asynction_testkit::root();
        for args in [
            &["--help"][..],
            &["mock", "--help"],
            &["mock", "run", "--help"],
            &["docs", "--help"],
        ] {
            let out = in_process(&root, args);
            assert_eq!(out.code, Some(0), "{args:?}");
            assert!(out.stdout.contains("Usage:"), "{args:?}");
        }
        let help = in_process(&root, &["mock", "run", "--help"]).stdout;
        for flag in [
            "--interval",
            "subscription-task-interval",
            "--seed",
            "--port",
        ] {
            assert!(help.contains(flag), "{flag}: {help}");
        }
    }

    /// The banner's lines under namespace `ns` (up to the next namespace).
    fn banner_of<'a>(banner: &'a [String], ns: &str) -> Vec<&'a str> {
        let start = banner
            .iter()
            .position(|l| l == &format!("    {ns}"))
            .unwrap_or_else(|| panic!("no namespace {ns} in the banner: {banner:#?}"));
        banner[start + 1..]
            .iter()
            .take_while(|l| l.starts_with("      "))
            .map(|l| l.trim())
            .collect()
    }

    #[test]
    fn the_banner_says_what_each_namespace_needs_to_connect() {
        let example = asynction_testkit::root().join("examples/user_accounts/asyncapi.yaml");
        let mock = MockProcess::start(&example, &["--interval", "60"]);
        let admin = banner_of(&mock.banner, "/admin");
        assert!(
            admin.contains(&"handshake: query token (required, string)"),
            "{admin:#?}"
        );
        assert!(admin.contains(&"credentials: none"), "{admin:#?}");
        let user = banner_of(&mock.banner, "/user");
        assert!(user.contains(&"handshake: nothing required"), "{user:#?}");

        let mock = MockProcess::start(&fixture("chat-2.6.yaml"), &["--interval", "60"]);
        let search = banner_of(&mock.banner, "/search");
        assert!(
            search.contains(&"handshake: query limit (required, integer)"),
            "{search:#?}"
        );
        let secure = banner_of(&mock.banner, "/secure");
        assert!(
            secure.contains(
                &r#"credentials: bearer (HTTP Bearer token: an "Authorization: Bearer …" header on the handshake request)"#
            ),
            "{secure:#?}"
        );
        let banner = mock.banner.join("\n");
        assert!(
            banner.contains("the mock accepts any well-formed credential"),
            "{banner}"
        );

        // The server's security applies where a namespace sets none.
        let secured = asynction_testkit::fixtures("security").join("namespace_security.yaml");
        let mock = MockProcess::start(&secured, &["--interval", "60"]);
        let root = banner_of(&mock.banner, "/");
        assert!(
            root.contains(
                &r#"credentials: basic (HTTP Basic: an "Authorization: Basic …" header on the handshake request)"#
            ),
            "{root:#?}"
        );
        let bearer = banner_of(&mock.banner, "/bearer_secured");
        assert!(
            bearer.contains(
                &r#"credentials: bearer (HTTP Bearer token (test): an "Authorization: Bearer …" header on the handshake request)"#
            ),
            "{bearer:#?}"
        );
    }

    #[test]
    fn server_is_accepted_before_the_command_as_after_it() {
        let spec = fixture("two-servers-2.6.yaml");
        let path = |mock: &MockProcess| {
            mock.banner
                .iter()
                .find_map(|l| l.trim().strip_prefix("Socket.IO path ").map(str::to_owned))
                .expect("the banner names the path")
        };
        let after = MockProcess::start(&spec, &["--server", "edge"]);
        assert_eq!(path(&after), "/edge/socket.io", "{:?}", after.banner);
        let before = MockProcess::start_after(&spec, &["--server", "edge"], &[]);
        assert_eq!(path(&before), "/edge/socket.io", "{:?}", before.banner);
        let neither = MockProcess::start(&spec, &[]);
        assert_eq!(path(&neither), "/socket.io", "{:?}", neither.banner);

        let root = asynction_testkit::root();
        let spec = spec.display().to_string();
        // Before the command, an unknown server is reported as after it.
        for args in [
            &[
                "--spec",
                &spec,
                "--server",
                "nope",
                "docs",
                "--out",
                "/nonexistent/x",
            ][..],
            &[
                "--spec",
                &spec,
                "docs",
                "--server",
                "nope",
                "--out",
                "/nonexistent/x",
            ],
        ] {
            let out = in_process(&root, args);
            assert_eq!(out.code, Some(1), "{args:?} {out:?}");
            assert!(out.stderr.contains("nope"), "{args:?} {out:?}");
        }
        // Both, naming different servers: a usage error.
        let out = in_process(
            &root,
            &[
                "--spec", &spec, "--server", "edge", "mock", "run", "--server", "public",
            ],
        );
        assert_eq!(out.code, Some(2), "{out:?}");
        assert!(out.stderr.contains("--server"), "{out:?}");
        // `test --path` says where Socket.IO is, as `--server` does, before the command or not.
        let out = in_process(
            &root,
            &[
                "--spec",
                &spec,
                "--server",
                "edge",
                "test",
                "--url",
                "http://127.0.0.1:1",
                "--path",
                "/x",
            ],
        );
        assert_eq!(out.code, Some(2), "{out:?}");
        assert!(out.stderr.contains("--path"), "{out:?}");
        // A command that uses no server: a usage error naming those that do.
        let out = in_process(&root, &["--spec", &spec, "--server", "edge", "bundle"]);
        assert_eq!(out.code, Some(2), "{out:?}");
        assert!(out.stderr.contains("mock run --server"), "{out:?}");
    }

    #[test]
    fn options_are_listed_only_on_the_commands_they_affect() {
        let help = |args: &[&str]| in_process(&asynction_testkit::root(), args).stdout;
        for args in [&["scaffold", "--help"][..], &["docs", "--help"]] {
            assert!(!help(args).contains("--without-validation"), "{args:?}");
        }
        assert!(!help(&["scaffold", "--help"]).contains("--server"));
        let run = help(&["mock", "run", "--help"]);
        assert!(
            run.contains("--without-validation") && run.contains("--server"),
            "{run}"
        );
        assert!(help(&["emit", "--help"]).contains("--without-validation"));
        // Every command reads a document.
        assert!(help(&["scaffold", "--help"]).contains("--spec"));
    }

    #[test]
    fn docs_with_a_console_url_write_the_console_and_a_bad_url_is_a_usage_error() {
        let fixtures = asynction_testkit::fixtures("docs");
        let spec = at(&fixtures, "console.yaml");
        let dir = tempfile::tempdir().unwrap();
        let out_dir = at(dir.path(), "");
        let out = in_process(
            &fixtures,
            &[
                "docs",
                &spec,
                "--out",
                &out_dir,
                "--console-url",
                "http://127.0.0.1:5000/",
            ],
        );
        assert_eq!(out.code, Some(0), "{}", out.stderr);
        let data = std::fs::read_to_string(dir.path().join("console.json")).unwrap();
        assert!(data.contains(r#""url":"http://127.0.0.1:5000""#), "{data}");
        assert!(dir.path().join("console/console.js").is_file());
        // Every file written is named, and only those.
        let listed = |stdout: &str, dir: &std::path::Path| {
            let mut written = Vec::new();
            let mut todo = vec![dir.to_path_buf()];
            while let Some(d) = todo.pop() {
                for entry in std::fs::read_dir(d).unwrap() {
                    let path = entry.unwrap().path();
                    if path.is_dir() {
                        todo.push(path);
                    } else {
                        let name = path.strip_prefix(dir).unwrap().display().to_string();
                        written.push(name);
                    }
                }
            }
            for name in &written {
                assert!(
                    stdout.contains(name.as_str()),
                    "{name} not listed: {stdout}"
                );
            }
            let named = stdout.split(": ").last().unwrap_or("").split(", ").count();
            assert_eq!(named, written.len(), "{stdout} vs {written:?}");
        };
        listed(&out.stdout, dir.path());
        assert!(out.stdout.contains("console.json"), "{}", out.stdout);
        // Without the option, no console.
        let plain = tempfile::tempdir().unwrap();
        let plain_dir = at(plain.path(), "");
        let out = in_process(&fixtures, &["docs", &spec, "--out", &plain_dir]);
        assert_eq!(out.code, Some(0));
        assert!(!plain.path().join("console.json").exists());
        listed(&out.stdout, plain.path());
        let bad = in_process(
            &fixtures,
            &[
                "docs",
                &spec,
                "--out",
                &plain_dir,
                "--console-url",
                "ftp://x",
            ],
        );
        assert_eq!(bad.code, Some(2));
        assert!(bad.stderr.contains("http:// or https://"));
    }

    /// The zod-sockets example of the shared corpus (a document written by another
    /// Socket.IO tool; not copied into this repository).
    fn zod_sockets_document() -> PathBuf {
        let doc =
            asynction_testkit::asyncapi_corpus().join("socketio/zod-sockets-example-3.0.yaml");
        assert!(
            doc.is_file(),
            "{} is missing: set ASYNCAPI_CORPUS to the shared AsyncAPI corpus",
            doc.display()
        );
        doc
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_zod_sockets_example_works_end_to_end_with_socketio_args_spread() {
        let spec = zod_sockets_document();
        let mock = MockProcess::start(
            &spec,
            &[
                "--socketio-args",
                "spread",
                "--interval",
                "0.1",
                "--seed",
                "3",
            ],
        );
        let r = asynction_testkit::node(
            mock.addr,
            "/socket.io",
            json!([
                {"op": "connect", "id": "c", "ns": "/"},
                {"op": "emit", "id": "c", "event": "ping", "args": [], "ack": true},
                // chat takes exactly one string argument (`items: not: {}` forbids more).
                {"op": "emit", "id": "c", "event": "chat", "args": ["hi", "extra"], "ack": true},
                {"op": "sleep", "ms": 800},
                {"op": "events", "id": "c"},
                // Long-polling carries no `connection: Upgrade` header: the ws binding's
                // upgrade headers are not asked of it.
                {"op": "connect", "id": "p", "ns": "/", "transports": ["polling"]},
            ]),
        )
        .await;
        assert_eq!(
            r[0],
            json!({"connected": true}),
            "the Engine.IO query is validated as sent"
        );
        // The reply message is the whole argument list: "pong", then any echoed arguments.
        let ack = r[1]["ack"]
            .as_array()
            .unwrap_or_else(|| panic!("an ack: {}", r[1]));
        assert_eq!(
            ack.first(),
            Some(&json!("pong")),
            "the reply's first argument: {}",
            r[1]
        );
        assert_eq!(
            asynction_testkit::error_ack(&r[2])["code"],
            "invalid_payload"
        );
        let times: Vec<&Value> = r[4]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["event"] == "time")
            .collect();
        assert!(!times.is_empty(), "time is emitted: {}", r[4]);
        for e in times {
            let args = e["args"].as_array().unwrap();
            assert_eq!(args.len(), 1, "time carries one argument: {e}");
            assert!(args[0].is_string(), "a string: {e}");
        }
        assert_eq!(
            r[5],
            json!({"connected": true}),
            "polling clients connect too"
        );
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn the_zod_sockets_example_connects_without_the_option_and_its_query_is_validated() {
        let spec = zod_sockets_document();
        let mock = MockProcess::start(&spec, &[]);
        let r = asynction_testkit::node(
            mock.addr,
            "/socket.io",
            json!([
                {"op": "connect", "id": "c", "ns": "/"},
                {"op": "connect", "id": "p", "ns": "/", "transports": ["polling"]},
            ]),
        )
        .await;
        // The binding requires EIO and transport: they are validated as sent, not removed
        // (before, every client was refused: `"EIO" is a required property`).
        assert_eq!(r[0], json!({"connected": true}));
        assert_eq!(r[1], json!({"connected": true}));
    }

    #[test]
    fn scaffold_refuses_socketio_args_and_says_where_the_convention_goes() {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_asynction"))
            .args(["--socketio-args", "spread", "scaffold"])
            .arg(fixture("idle-2.6.yaml"))
            .arg("--out")
            .arg(dir.path().join("p"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("x-socketio-args: spread"));
    }

    #[test]
    fn a_port_in_use_is_reported_with_the_way_out() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port().to_string();
        let out = Command::new(env!("CARGO_BIN_EXE_asynction"))
            .arg("--spec")
            .arg(fixture("idle-2.6.yaml"))
            .args(["mock", "run", "--port", &port])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("cannot listen on 127.0.0.1:{port}"))
                && stderr.contains("--port"),
            "{stderr}"
        );
    }

    #[test]
    fn the_original_interval_flag_is_accepted() {
        let mut mock = MockProcess::start(
            &fixture("idle-2.6.yaml"),
            &["--subscription-task-interval", "0.5"],
        );
        assert!(
            mock.banner.iter().any(|l| l.contains("every 0.5 s")),
            "{:?}",
            mock.banner
        );
        let _ = mock.child.kill();
        let mut rest = String::new();
        let _ = mock
            .child
            .stdout
            .take()
            .map(|mut s| s.read_to_string(&mut rest));
    }

    #[test]
    fn docs_command_writes_the_static_site() {
        let dir = tempfile::tempdir().unwrap();
        let out_dir = dir.path().join("site");
        let out = Command::new(env!("CARGO_BIN_EXE_asynction"))
            .arg("docs")
            .arg(fixture("chat-2.6.yaml"))
            .arg("--out")
            .arg(&out_dir)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let html = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
        assert!(html.contains("Mock chat"));
        assert!(html.contains("user joined"));
        let json: Value =
            serde_json::from_str(&std::fs::read_to_string(out_dir.join("asyncapi.json")).unwrap())
                .unwrap();
        assert_eq!(json["asyncapi"], "2.6.0");
        let yaml = std::fs::read_to_string(out_dir.join("asyncapi.yaml")).unwrap();
        assert_eq!(
            yaml,
            std::fs::read_to_string(fixture("chat-2.6.yaml")).unwrap()
        );
        let out = Command::new(env!("CARGO_BIN_EXE_asynction"))
            .args(["docs", "/no/such/file.yaml", "--out"])
            .arg(&out_dir)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file.yaml"));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn library_mock_server_acks_emits_and_serves_docs() {
    let doc = Document::from_path(fixture("chat-2.6.yaml")).unwrap();
    let mock = MockServer::new(
        doc.clone(),
        MockOptions {
            interval: Duration::from_millis(100),
            seed: Some(3),
            ..MockOptions::default()
        },
    )
    .unwrap();
    assert_eq!(mock.seed(), 3);
    assert_eq!(mock.socketio_path(), "/socket.io");
    assert_eq!(mock.docs_path(), Some("/docs"));
    assert_eq!(
        mock.streamed_namespaces(),
        vec!["/chat", "/search", "/secure"]
    );
    let emitters = mock.start_emitters();
    assert_eq!(emitters.len(), 3);
    let addr: SocketAddr = asynction_testkit::serve(mock.into_router()).await;
    let (status, html) = asynction_testkit::http_get(addr, "/docs").await;
    assert_eq!(status, 200);
    assert!(html.contains("Mock chat"));
    let r = asynction_testkit::node(
        addr,
        "/socket.io",
        json!([
            {"op": "connect", "id": "c", "ns": "/chat"},
            {"op": "emit", "id": "c", "event": "new message", "args": ["Hi."], "ack": true},
            {"op": "expect", "id": "c", "event": "user joined"},
            {"op": "expect", "id": "c", "event": "new message"},
        ]),
    )
    .await;
    assert_eq!(r[0], json!({"connected": true}));
    ajv_all_valid(vec![
        (
            "ack".into(),
            schema_of(&doc, "/chat", "new message", true),
            vec![r[1]["ack"][0].clone()],
        ),
        (
            "user joined".into(),
            schema_of(&doc, "/chat", "user joined", false),
            vec![r[2]["args"][0].clone()],
        ),
        (
            "new message".into(),
            schema_of(&doc, "/chat", "new message", false),
            vec![r[3]["args"][0].clone()],
        ),
    ]);
    drop(emitters);

    let idle = MockServer::new(
        Document::from_path(fixture("idle-2.6.yaml")).unwrap(),
        MockOptions::default(),
    )
    .unwrap();
    assert!(idle.start_emitters().is_empty());
    let err = MockServer::new(
        Document::from_path(fixture("unsatisfiable-2.6.yaml")).unwrap(),
        MockOptions::default(),
    )
    .unwrap_err();
    let pointers: Vec<&str> = err
        .diagnostics()
        .iter()
        .map(|d| d.pointer.as_str())
        .collect();
    assert_eq!(
        pointers,
        vec![
            "/channels/~1/publish/message/x-ack/args/maxLength",
            "/channels/~1/subscribe/message/payload/maximum",
        ]
    );
}
