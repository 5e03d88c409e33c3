//! Scale-out through Redis: two server nodes (OS processes of the `user_accounts` example, or
//! in-process servers) share one private `redis-server`; real socket.io-clients on each node;
//! `asynction emit` publishes validated events; Redis is killed and restarted mid-test.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use asynction::cluster::RedisAdapter;
use asynction::{Ack, AsynctionSocketIo, Payload, ValidatedSocket};
use asynction_testkit::cli::Run;
use asynction_testkit::peers::Scenario;
use asynction_testkit::process::{Example, ServerProcess};
use asynction_testkit::redis::Redis;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

/// An OS process of the `user_accounts` example in the cluster; killed on drop.
fn user_accounts(redis: &Redis) -> (ServerProcess, SocketAddr) {
    let node = Example::new("user_accounts")
        .env("REDIS_URL", &redis.url())
        .logged()
        .start();
    let addr = node.addr;
    (node, addr)
}

#[derive(Deserialize)]
struct Say {
    room: String,
    text: String,
}

async fn join(socket: ValidatedSocket<RedisAdapter>, Payload(room): Payload<String>) -> Ack<bool> {
    socket.join(room);
    Ack(true)
}

async fn say(socket: ValidatedSocket<RedisAdapter>, Payload(m): Payload<Say>) -> Ack<bool> {
    let sent = socket
        .to(m.room)
        .emit("said", &json!({"text": m.text}))
        .await;
    Ack(sent.is_ok())
}

#[derive(Deserialize)]
struct Poll {
    room: String,
    question: String,
}

/// Asks every client in the room, on every node, and acks what they answered: the answers
/// (sorted) and how many acks were refused (broke the ack schema or never came).
async fn poll(socket: ValidatedSocket<RedisAdapter>, Payload(p): Payload<Poll>) -> Ack<Value> {
    let acks = socket
        .to(p.room)
        .emit_with_ack::<_, String>("question", &p.question)
        .await
        .expect("the question is valid");
    let mut answers: Vec<String> = acks
        .iter()
        .filter_map(|(_, a)| a.as_ref().ok().cloned())
        .collect();
    answers.sort();
    let refused = acks.iter().filter(|(_, a)| a.is_err()).count();
    Ack(json!({ "answers": answers, "refused": refused }))
}

fn rooms_spec() -> PathBuf {
    asynction_testkit::fixtures("cluster").join("rooms.yaml")
}

/// An in-process node serving `tests/fixtures/cluster/rooms.yaml`.
async fn rooms_node(redis: &Redis) -> SocketAddr {
    let app = AsynctionSocketIo::from_spec(rooms_spec())
        .unwrap()
        .handler("rooms.join", join)
        .handler("rooms.say", say)
        .handler("rooms.poll", poll)
        .build_redis(&redis.url())
        .await
        .unwrap();
    asynction_testkit::serve(app.into_router()).await
}

/// `asynction emit --spec rooms.yaml --redis URL --namespace /chat …`.
async fn cli_emit(redis: &Redis, args: &[&str]) -> Run {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_asynction"))
        .arg("emit")
        .arg("--spec")
        .arg(rooms_spec())
        .args(["--redis", &redis.url(), "--namespace", "/chat"])
        .args(args)
        .output()
        .await
        .unwrap();
    Run::from_output(&output)
}

fn credentials() -> Value {
    json!({"username": "ada", "password": "lovelace1815"})
}

/// The cross-node round of the `user_accounts` cluster scenarios: `user_a` (on node A) signs
/// up, then `user_b` (on node B) logs in with an ack; after each, both admins (`admin_a`,
/// `admin_b`) expect the `metrics` event, the remote one first.
fn sign_up_and_log_in_across_nodes() -> [Value; 6] {
    [
        json!({"op": "emit", "id": "user_a", "event": "sign up", "args": [credentials()]}),
        json!({"op": "expect", "id": "admin_b", "event": "metrics"}),
        json!({"op": "expect", "id": "admin_a", "event": "metrics"}),
        json!({"op": "emit", "id": "user_b", "event": "log in", "args": [credentials()], "ack": true}),
        json!({"op": "expect", "id": "admin_a", "event": "metrics"}),
        json!({"op": "expect", "id": "admin_b", "event": "metrics"}),
    ]
}

fn metrics(events: &Value) -> Vec<&str> {
    events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "metrics")
        .map(|e| e["args"][0].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_sign_up_on_one_process_reaches_admins_on_the_other() {
    let redis = Redis::start();
    let (_a, a) = user_accounts(&redis);
    let (_b, b) = user_accounts(&redis);
    let b_url = format!("http://{b}");
    let mut steps = json!([
        {"op": "connect", "id": "admin_b", "url": b_url, "ns": "/admin", "query": {"token": "t"}},
        {"op": "connect", "id": "admin_a", "ns": "/admin", "query": {"token": "t"}},
        {"op": "connect", "id": "user_a", "ns": "/user"},
        {"op": "connect", "id": "user_b", "url": b_url, "ns": "/user"},
    ]);
    let list = steps.as_array_mut().expect("a list of steps");
    list.extend(sign_up_and_log_in_across_nodes());
    let r = asynction_testkit::node(a, "/socket.io", steps).await;
    for (i, step) in r[..4].iter().enumerate() {
        assert_eq!(step, &json!({"connected": true}), "step {i}");
    }
    assert_eq!(r[5], json!({"args": ["signup"]}), "A → B");
    assert_eq!(r[6], json!({"args": ["signup"]}), "A → A");
    assert_eq!(r[7], json!({"ack": [true]}));
    assert_eq!(r[8], json!({"args": ["login"]}), "B → A");
    assert_eq!(r[9], json!({"args": ["login"]}), "B → B");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rooms_span_the_nodes() {
    let redis = Redis::start();
    let one = rooms_node(&redis).await;
    let two = rooms_node(&redis).await;
    let two_url = format!("http://{two}");
    let r = asynction_testkit::node(one, "/socket.io", json!([
        {"op": "connect", "id": "blue_1", "ns": "/chat"},
        {"op": "connect", "id": "blue_2", "url": two_url, "ns": "/chat"},
        {"op": "connect", "id": "red_2", "url": two_url, "ns": "/chat"},
        {"op": "emit", "id": "blue_1", "event": "join", "args": ["blue"], "ack": true},
        {"op": "emit", "id": "blue_2", "event": "join", "args": ["blue"], "ack": true},
        {"op": "emit", "id": "red_2", "event": "join", "args": ["red"], "ack": true},
        {"op": "emit", "id": "blue_1", "event": "say", "args": [{"room": "blue", "text": "hi"}], "ack": true},
        {"op": "expect", "id": "blue_2", "event": "said"},
        {"op": "emit", "id": "red_2", "event": "say", "args": [{"room": "blue", "text": "from red"}], "ack": true},
        {"op": "expect", "id": "blue_1", "event": "said"},
        {"op": "expect", "id": "blue_2", "event": "said"},
        {"op": "expect", "id": "red_2", "event": "said", "timeout": 1000},
        {"op": "expect", "id": "blue_1", "event": "said", "timeout": 500},
    ]))
    .await;
    assert_eq!(r[5], json!({"ack": [true]}));
    assert_eq!(r[6], json!({"ack": [true]}));
    assert_eq!(
        r[7],
        json!({"args": [{"text": "hi"}]}),
        "node 1 → node 2 room"
    );
    assert_eq!(
        r[9],
        json!({"args": [{"text": "from red"}]}),
        "node 2 → node 1"
    );
    assert_eq!(
        r[10],
        json!({"args": [{"text": "from red"}]}),
        "node 2 → node 2"
    );
    assert_eq!(r[11], json!({"timeout": true}), "red is not in blue");
    assert_eq!(r[12], json!({"timeout": true}), "a sender misses its own");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_emit_with_ack_collects_acks_from_both_nodes() {
    let redis = Redis::start();
    let one = rooms_node(&redis).await;
    let two = rooms_node(&redis).await;
    let two_url = format!("http://{two}");
    let r = asynction_testkit::node(
        one,
        "/socket.io",
        json!([
            {"op": "connect", "id": "asker", "ns": "/chat"},
            {"op": "connect", "id": "near", "ns": "/chat"},
            {"op": "connect", "id": "far", "url": two_url, "ns": "/chat"},
            {"op": "connect", "id": "rude", "url": two_url, "ns": "/chat"},
            {"op": "connect", "id": "outsider", "url": two_url, "ns": "/chat"},
            {"op": "answer", "id": "near", "event": "question", "reply": ["no"]},
            {"op": "answer", "id": "far", "event": "question", "reply": ["yes"]},
            {"op": "answer", "id": "rude", "event": "question", "reply": [42]},
            {"op": "answer", "id": "outsider", "event": "question", "reply": ["not asked"]},
            {"op": "emit", "id": "asker", "event": "join", "args": ["blue"], "ack": true},
            {"op": "emit", "id": "near", "event": "join", "args": ["blue"], "ack": true},
            {"op": "emit", "id": "far", "event": "join", "args": ["blue"], "ack": true},
            {"op": "emit", "id": "rude", "event": "join", "args": ["blue"], "ack": true},
            {"op": "emit", "id": "asker", "event": "poll",
             "args": [{"room": "blue", "question": "tea?"}], "ack": true},
            {"op": "expect", "id": "far", "event": "question"},
            {"op": "expect", "id": "outsider", "event": "question", "timeout": 500},
        ]),
    )
    .await;
    for (i, step) in r[9..13].iter().enumerate() {
        assert_eq!(step, &json!({"ack": [true]}), "join {i}");
    }
    assert_eq!(
        r[13],
        json!({"ack": [{"answers": ["no", "yes"], "refused": 1}]}),
        "node 1's ack from node 1 and node 2; the rude client's 42 breaks the ack schema"
    );
    assert_eq!(
        r[14],
        json!({"args": ["tea?"]}),
        "node 2's client was asked"
    );
    assert_eq!(r[15], json!({"timeout": true}), "not in the room");
}

/// Clients on the far node of the large emit-with-ack test: more acks than socketioxide-redis's
/// default queues hold (255 per request, 1,024 per channel). In one process the burst is paced
/// by the shared runtime and did not overflow them; the fan-out benchmark's separate
/// processes did (BENCHMARKS.md), which `asynction::cluster::REMOTE_QUEUE` fixes.
const FAR_CROWD: usize = 2_000;

#[tokio::test]
async fn an_emit_with_ack_to_2000_clients_on_the_other_node_gets_every_ack_before_the_timeout() {
    // Both ends of every connection are in this process.
    let limit = rlimit::increase_nofile_limit(4 * FAR_CROWD as u64).expect("RLIMIT_NOFILE");
    assert!(
        limit >= 2 * FAR_CROWD as u64 + 256,
        "RLIMIT_NOFILE is {limit}: raise the hard limit to run this test"
    );
    let redis = Redis::start();
    let one = rooms_node(&redis).await;
    let two = rooms_node(&redis).await;
    redis.wait_nodes("/chat", 2);
    // Joined 64 at a time, then each answers its question from its own task.
    let crowd: Vec<asynction_client::Client> = futures_util::stream::iter(0..FAR_CROWD)
        .map(|i| async move {
            let mut c = asynction_client::ClientBuilder::new(format!("http://{two}"))
                .connect("/chat")
                .await
                .expect("CONNECT to node two");
            let joined = c
                .emit_with_ack(
                    "/chat",
                    "join",
                    asynction_client::Args::new().arg(json!("crowd")),
                    Duration::from_secs(5),
                )
                .await
                .unwrap_or_else(|e| panic!("client {i} joined: {e}"));
            assert_eq!(joined.to_value(), json!([true]));
            c
        })
        .buffer_unordered(64)
        .collect()
        .await;
    let answering: Vec<tokio::task::JoinHandle<()>> = crowd
        .into_iter()
        .map(|mut c| {
            tokio::spawn(async move {
                let question = c
                    .next_event("question", Duration::from_secs(60))
                    .await
                    .expect("asked");
                c.ack(&question, asynction_client::Args::new().arg(json!("yes")))
                    .await
                    .expect("answered");
                // Stay connected until the asker has every answer.
                let _ = c.next(Duration::from_secs(60)).await;
            })
        })
        .collect();
    let mut asker = asynction_client::ClientBuilder::new(format!("http://{one}"))
        .connect("/chat")
        .await
        .expect("CONNECT to node one");
    // The acks' timeout is 5 s, and a stream missing a remote ack ends only after it plus the
    // adapter's 5 s request timeout: 8 s tells a complete collection from a lossy one.
    let started = Instant::now();
    let ack = asker
        .emit_with_ack(
            "/chat",
            "poll",
            asynction_client::Args::new().arg(json!({"room": "crowd", "question": "tea?"})),
            Duration::from_secs(8),
        )
        .await
        .expect("the poll's ack within 8 s");
    let ack = ack.to_value();
    let answers = ack[0]["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), FAR_CROWD, "every remote ack arrived");
    assert_eq!(ack[0]["refused"], json!(0));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "collected only after {:?}: the ack stream waited for its timeout",
        started.elapsed()
    );
    for task in answering {
        task.abort();
    }
}

/// `asynction emit` against a Redis URL nobody listens on.
async fn cli_emit_nowhere(args: &[&str]) -> Run {
    let nowhere = format!("redis://127.0.0.1:{}", asynction_testkit::free_port());
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_asynction"))
        .arg("emit")
        .arg("--spec")
        .arg(rooms_spec())
        .args(["--redis", &nowhere, "--namespace", "/chat"])
        .args(args)
        .output()
        .await
        .unwrap();
    Run::from_output(&output)
}

#[tokio::test]
async fn asynction_emit_reports_an_invalid_payload_before_connecting_to_redis() {
    let bad = cli_emit_nowhere(&["--event", "said", r#"{"text": 5}"#]).await;
    assert_eq!(bad.code, Some(1), "{bad:?}");
    assert!(
        bad.stderr
            .contains("invalid emit in namespace /chat, event 'said'")
            && bad.stderr.contains("/text"),
        "{bad:?}"
    );
    assert!(!bad.stderr.contains("Redis"), "{bad:?}");
    let unknown = cli_emit_nowhere(&["--event", "nope", "1"]).await;
    assert_eq!(unknown.code, Some(1), "{unknown:?}");
    assert!(
        unknown.stderr.contains("nope") && !unknown.stderr.contains("Redis"),
        "{unknown:?}"
    );
    // A valid payload gets as far as Redis, which is not there.
    let valid = cli_emit_nowhere(&["--event", "said", r#"{"text": "hi"}"#]).await;
    assert_eq!(valid.code, Some(1), "{valid:?}");
    assert!(
        valid.stderr.contains("Redis at redis://127.0.0.1:"),
        "{valid:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asynction_emit_reaches_both_nodes_and_an_invalid_emit_publishes_nothing() {
    let redis = Redis::start();
    let one = rooms_node(&redis).await;
    let two = rooms_node(&redis).await;
    let mut scenario = Scenario::start(
        one,
        json!([
            {"op": "connect", "id": "c1", "ns": "/chat"},
            {"op": "connect", "id": "c2", "url": format!("http://{two}"), "ns": "/chat"},
            {"op": "emit", "id": "c1", "event": "join", "args": ["blue"], "ack": true},
            {"op": "pause", "label": "connected"},
            {"op": "expect", "id": "c1", "event": "alert"},
            {"op": "expect", "id": "c2", "event": "alert"},
            {"op": "expect", "id": "c1", "event": "said"},
            {"op": "expect", "id": "c2", "event": "said", "timeout": 500},
            {"op": "expect", "id": "c1", "event": "pair"},
            {"op": "expect", "id": "c2", "event": "pair"},
            {"op": "events", "id": "c1"},
            {"op": "events", "id": "c2"},
        ]),
    );
    scenario.paused("connected").await;

    let ok = cli_emit(&redis, &["--event", "alert", "\"hello\""]).await;
    assert!(ok.code == Some(0), "{ok:?}");
    assert!(ok.stdout.contains("published 'alert'"));
    let ok = cli_emit(
        &redis,
        &[
            "--event",
            "said",
            "--room",
            "blue",
            r#"{"text":"blue only"}"#,
        ],
    )
    .await;
    assert!(ok.code == Some(0), "{ok:?}");
    let ok = cli_emit(&redis, &["--event", "pair", r#"["a", 2]"#]).await;
    assert!(ok.code == Some(0), "{ok:?}");

    // Everything Redis receives from now on.
    let mut monitor = tokio::process::Command::new("redis-cli")
        .args(["-p", &redis.port().to_string(), "monitor"])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut seen = BufReader::new(monitor.stdout.take().unwrap()).lines();
    assert_eq!(seen.next_line().await.unwrap().as_deref(), Some("OK"));

    let bad = cli_emit(&redis, &["--event", "said", r#"{"text": 5}"#]).await;
    assert_eq!(bad.code, Some(1), "{bad:?}");
    let stderr = &bad.stderr;
    assert!(
        stderr.contains("invalid emit in namespace /chat, event 'said'")
            && stderr.contains("/text"),
        "{stderr}"
    );
    // An array is one argument unless the schema spreads: not a string.
    let bad = cli_emit(&redis, &["--event", "alert", r#"["x", "y"]"#]).await;
    assert_eq!(bad.code, Some(1), "{bad:?}");
    assert!(bad.stderr.contains("event 'alert'"));
    let bad = cli_emit(&redis, &["--event", "pair", r#"["a"]"#]).await;
    assert_eq!(bad.code, Some(1), "{bad:?}");
    let bad = cli_emit(&redis, &["--event", "nope", "1"]).await;
    assert_eq!(bad.code, Some(1), "{bad:?}");

    redis.cli(&["ECHO", "end-of-invalid-emits"]);
    let mut commands = Vec::new();
    loop {
        let line = tokio::time::timeout(Duration::from_secs(10), seen.next_line())
            .await
            .expect("MONITOR saw no marker")
            .unwrap()
            .unwrap();
        if line.contains("end-of-invalid-emits") {
            break;
        }
        commands.push(line);
    }
    assert!(
        !commands
            .iter()
            .any(|c| c.to_ascii_lowercase().contains("\"publish\"")),
        "invalid emits published: {commands:#?}"
    );
    drop(monitor);

    scenario.resume().await;
    let r = scenario.finish().await;
    assert_eq!(r[4], json!({"args": ["hello"]}), "node 1");
    assert_eq!(r[5], json!({"args": ["hello"]}), "node 2");
    assert_eq!(r[6], json!({"args": [{"text": "blue only"}]}));
    assert_eq!(r[7], json!({"timeout": true}), "c2 is not in blue");
    assert_eq!(r[8], json!({"args": ["a", 2]}), "spread: two arguments");
    assert_eq!(r[9], json!({"args": ["a", 2]}));
    assert_eq!(r[10].as_array().unwrap().len(), 3, "{}", r[10]);
    assert_eq!(r[11].as_array().unwrap().len(), 2, "{}", r[11]);
}

#[tokio::test]
async fn nodes_serve_locally_while_redis_is_down_and_reconnect_after_it_restarts() {
    let mut redis = Redis::start();
    let (node_a, a) = user_accounts(&redis);
    let (node_b, b) = user_accounts(&redis);
    let b_url = format!("http://{b}");
    let mut steps = json!([
            {"op": "connect", "id": "admin_a", "ns": "/admin", "query": {"token": "t"}},
            {"op": "connect", "id": "admin_b", "url": b_url, "ns": "/admin", "query": {"token": "t"}},
            {"op": "connect", "id": "user_a", "ns": "/user"},
            {"op": "connect", "id": "user_b", "url": b_url, "ns": "/user"},
            {"op": "emit", "id": "user_a", "event": "sign up", "args": [credentials()]},
            {"op": "expect", "id": "admin_a", "event": "metrics"},
            {"op": "expect", "id": "admin_b", "event": "metrics"},
            {"op": "pause", "label": "kill"},
            // Redis is down: each node still serves its own clients.
            {"op": "emit", "id": "user_a", "event": "sign up", "args": [credentials()]},
            {"op": "expect", "id": "admin_a", "event": "metrics"},
            {"op": "emit", "id": "user_b", "event": "log in", "args": [credentials()], "ack": true},
            {"op": "expect", "id": "admin_b", "event": "metrics"},
            {"op": "expect", "id": "admin_b", "event": "metrics", "timeout": 1500},
            {"op": "expect", "id": "admin_a", "event": "metrics", "timeout": 500},
            {"op": "pause", "label": "restart"},
    ]);
    let list = steps.as_array_mut().expect("a list of steps");
    // Redis is back: cross-node delivery resumes.
    list.extend(sign_up_and_log_in_across_nodes());
    list.extend([
        json!({"op": "events", "id": "admin_a"}),
        json!({"op": "events", "id": "admin_b"}),
    ]);
    let mut scenario = Scenario::start(a, steps);
    scenario.paused("kill").await;
    redis.kill();
    // Both nodes notice at once (the connection closes), and say so.
    node_a.wait_log("lost the connection to Redis").await;
    node_b.wait_log("lost the connection to Redis").await;
    scenario.resume().await;
    scenario.paused("restart").await;
    redis.launch();
    redis.wait_nodes("/admin", 2);
    redis.wait_nodes("/user", 2);
    node_a.wait_log("reconnected to Redis").await;
    node_b.wait_log("reconnected to Redis").await;
    scenario.resume().await;
    let r = scenario.finish().await;

    assert_eq!(r[5], json!({"args": ["signup"]}));
    assert_eq!(r[6], json!({"args": ["signup"]}));
    assert_eq!(
        r[9],
        json!({"args": ["signup"]}),
        "local delivery on A during the outage"
    );
    assert_eq!(r[10], json!({"ack": [true]}), "B answers during the outage");
    assert_eq!(
        r[11],
        json!({"args": ["login"]}),
        "local delivery on B during the outage"
    );
    assert_eq!(
        r[12],
        json!({"timeout": true}),
        "A's sign up does not reach B"
    );
    assert_eq!(
        r[13],
        json!({"timeout": true}),
        "B's log in does not reach A"
    );
    assert_eq!(
        r[16],
        json!({"args": ["signup"]}),
        "A → B after the restart"
    );
    assert_eq!(r[17], json!({"args": ["signup"]}));
    assert_eq!(r[18], json!({"ack": [true]}));
    assert_eq!(r[19], json!({"args": ["login"]}), "B → A after the restart");
    assert_eq!(r[20], json!({"args": ["login"]}));
    assert_eq!(metrics(&r[21]), ["signup", "signup", "signup", "login"]);
    assert_eq!(metrics(&r[22]), ["signup", "login", "signup", "login"]);
}

#[tokio::test]
async fn emitter_emits_are_counted_with_kind_cluster_and_refused_ones_as_refused() {
    use asynction::cluster::Emitter;
    use asynction::metrics::ServerMetrics;
    use asynction_testkit::prometheus::{parse, value};

    let redis = Redis::start();
    let doc = asynction::Document::from_path(rooms_spec()).unwrap();
    let metrics = ServerMetrics::new(&doc.api);
    let emitter = Emitter::connect(&doc, &redis.url())
        .await
        .unwrap()
        .metrics(metrics.clone());
    let chat = || emitter.of("/chat").unwrap();
    chat().emit("alert", "hello").await.unwrap();
    chat().to("blue").emit("alert", "blue only").await.unwrap();
    let refused = chat().emit("said", &json!({"text": 5})).await;
    assert!(refused.is_err(), "{refused:?}");

    let m = parse(&metrics.encode()).await;
    let chat_event = |event, kind| {
        let labels = [("namespace", "/chat"), ("event", event), ("kind", kind)];
        value(&m, "asynction_emits_total", &labels)
    };
    assert_eq!(chat_event("alert", "cluster"), 2.0);
    assert_eq!(
        chat_event("alert", "broadcast"),
        0.0,
        "not a server broadcast"
    );
    assert_eq!(chat_event("said", "cluster"), 0.0);
    assert_eq!(
        value(
            &m,
            "asynction_emits_refused_total",
            &[("namespace", "/chat"), ("event", "said")]
        ),
        1.0
    );
}

#[tokio::test]
async fn an_emitter_made_with_new_validates_without_redis_and_connects_at_its_first_valid_emit() {
    use asynction::EmitError;
    use asynction::cluster::{ClusterError, Emitter};

    let doc = asynction::Document::from_path(rooms_spec()).unwrap();
    let nowhere = format!("redis://127.0.0.1:{}", asynction_testkit::free_port());
    let refused = Emitter::connect(&doc, &nowhere).await;
    assert!(
        matches!(refused, Err(ClusterError::Redis { .. })),
        "{:?}",
        refused.err()
    );
    let emitter = Emitter::new(&doc, &nowhere).unwrap();
    let invalid = emitter
        .of("/chat")
        .unwrap()
        .emit("said", &json!({"text": 5}))
        .await;
    assert!(matches!(invalid, Err(EmitError::Invalid(_))), "{invalid:?}");
    let unreachable = emitter.of("/chat").unwrap().emit("alert", "hello").await;
    assert!(
        matches!(unreachable, Err(EmitError::Send(_))),
        "{unreachable:?}"
    );

    let redis = Redis::start();
    let emitter = Emitter::new(&doc, &redis.url()).unwrap();
    emitter
        .of("/chat")
        .unwrap()
        .emit("alert", "hello")
        .await
        .unwrap();
    emitter
        .of("/chat")
        .unwrap()
        .emit("alert", "again")
        .await
        .unwrap();
}
