//! Connection state recovery (`asynction::recovery`) over real sockets with asynction-client:
//! a client that loses its transport gets back its rooms, its session data and every event it
//! missed, in order, once, with offsets; clients that did not opt in see nothing of it; every
//! unusable `pid` or `offset` gets a new session and the server keeps serving.

use std::net::SocketAddr;
use std::time::Duration;

use asynction::recovery::{Miss, RecoveryOptions, SESSION_EVENT};
use asynction::{
    Ack, Adapter, AsynctionSocketIo, Payload, Recovered, ValidatedIo, ValidatedSocket,
};
use asynction_client::{Args, Client, ClientBuilder, Incoming, Transport};
use serde_json::{Value, json};
use socketioxide::adapter::LocalAdapter;

const FIXTURE: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/tests/fixtures/server/recovery.yaml"
);

const WAIT: Duration = Duration::from_secs(5);

#[derive(serde::Deserialize)]
struct Say {
    to: String,
    text: String,
}

async fn join<A: Adapter>(socket: ValidatedSocket<A>, Payload(room): Payload<String>) -> Ack<bool> {
    socket.join(room);
    Ack(true)
}

async fn say<A: Adapter>(
    socket: ValidatedSocket<A>,
    io: ValidatedIo<A>,
    Payload(say): Payload<Say>,
) -> Ack<bool> {
    let message = json!({ "text": say.text });
    let sent = match say.to.as_str() {
        "all" => io.of("/chat").unwrap().emit("message", &message).await,
        "me" => socket.emit("message", &message),
        "others" => socket.broadcast().emit("message", &message).await,
        room => {
            socket
                .within(room.to_owned())
                .emit("message", &message)
                .await
        }
    };
    Ack(sent.is_ok())
}

async fn remember<A: Adapter>(
    socket: ValidatedSocket<A>,
    Payload(data): Payload<Value>,
) -> Ack<bool> {
    socket.set_data(data);
    Ack(true)
}

async fn whoami<A: Adapter>(
    socket: ValidatedSocket<A>,
    Recovered(recovered): Recovered,
) -> Ack<Value> {
    let mut rooms = socket.rooms();
    rooms.sort();
    Ack(json!({ "data": socket.data(), "rooms": rooms, "recovered": recovered }))
}

/// The fixture's server with its handlers (also served to real peers by `recovery_peers`).
pub(crate) fn app() -> AsynctionSocketIo {
    AsynctionSocketIo::from_spec(FIXTURE)
        .unwrap()
        .handler("join", join::<LocalAdapter>)
        .handler("say", say::<LocalAdapter>)
        .handler("remember", remember::<LocalAdapter>)
        .handler("whoami", whoami::<LocalAdapter>)
}

/// Serves `builder` on a free port.
pub(crate) async fn serve(builder: AsynctionSocketIo) -> (SocketAddr, ValidatedIo) {
    let app = builder.build().unwrap();
    let io = app.io.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, app.into_router()).into_future());
    (addr, io)
}

/// A client of `/chat` (websocket) with `auth`.
async fn connect(addr: SocketAddr, ns: &str, auth: Value) -> Client {
    ClientBuilder::new(format!("http://{addr}"))
        .transport(Transport::Websocket)
        .auth(auth)
        .connect(ns)
        .await
        .unwrap()
}

/// The session event, the first thing an opted-in client receives: `(pid, recovered)`.
async fn session(client: &mut Client) -> (String, bool) {
    match client.next(WAIT).await.unwrap() {
        Incoming::Event(e) if e.name == SESSION_EVENT => {
            assert_eq!(e.args.values.len(), 1, "{e:?}");
            let s = &e.args.values[0];
            (
                s["pid"].as_str().unwrap().to_owned(),
                s["recovered"].as_bool().unwrap(),
            )
        }
        other => panic!("expected the session event first, got {other:?}"),
    }
}

async fn call(client: &mut Client, ns: &str, event: &str, arg: Option<Value>) -> Value {
    let args = match arg {
        Some(a) => Args::new().arg(a),
        None => Args::new(),
    };
    let ack = client.emit_with_ack(ns, event, args, WAIT).await.unwrap();
    ack.values.into_iter().next().unwrap_or(Value::Null)
}

async fn say_to(client: &mut Client, to: &str, text: &str) {
    let ok = call(
        client,
        "/chat",
        "say",
        Some(json!({"to": to, "text": text})),
    )
    .await;
    assert_eq!(ok, json!(true));
}

/// The next `message` event: its text and its offset (the last argument), if any.
async fn message(client: &mut Client) -> (String, Option<String>) {
    let e = client.next_event("message", WAIT).await.unwrap();
    let text = e.args.values[0]["text"].as_str().unwrap().to_owned();
    let offset = match e.args.values.len() {
        1 => None,
        2 => Some(
            e.args.values[1]
                .as_str()
                .expect("the offset is a string")
                .to_owned(),
        ),
        n => panic!("message with {n} arguments: {e:?}"),
    };
    (text, offset)
}

/// Nothing more arrives for a moment.
async fn quiet(client: &mut Client) {
    match client.next(Duration::from_millis(300)).await {
        Err(_) => {}
        Ok(m) => panic!("expected nothing more, got {m:?}"),
    }
}

/// Drops the connection without a goodbye, as a network failure does, and waits until the
/// server noticed.
async fn lose(client: Client, io: &ValidatedIo, sessions_before: usize) {
    drop(client);
    for _ in 0..100 {
        if io.recovery_stats().unwrap().sessions > sessions_before {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the server did not keep the session of the lost client");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_client_gets_back_its_rooms_its_data_and_what_it_missed_in_order_once() {
    let (addr, io) = serve(app()).await;
    let mut ada = connect(addr, "/chat", json!({"pid": null})).await;
    let (pid, recovered) = session(&mut ada).await;
    assert!(!recovered);
    assert_eq!(
        call(&mut ada, "/chat", "join", Some(json!("lobby"))).await,
        json!(true)
    );
    assert_eq!(
        call(&mut ada, "/chat", "remember", Some(json!({"name": "ada"}))).await,
        json!(true)
    );

    // Bob did not opt in: no session event, no offsets, the same events.
    let mut bob = connect(addr, "/chat", json!({})).await;
    assert_eq!(
        call(&mut bob, "/chat", "join", Some(json!("lobby"))).await,
        json!(true)
    );
    say_to(&mut bob, "lobby", "m1").await;
    let (text, offset) = message(&mut ada).await;
    assert_eq!(text, "m1");
    let m1 = offset.expect("an opted-in client gets the offset as the last argument");
    assert_eq!(message(&mut bob).await, ("m1".to_owned(), None));

    lose(ada, &io, 0).await;
    say_to(&mut bob, "lobby", "m2").await;
    say_to(&mut bob, "kitchen", "not for ada").await;
    say_to(&mut bob, "all", "m3").await;
    say_to(&mut bob, "others", "m4").await;
    for expected in ["m2", "m3"] {
        assert_eq!(message(&mut bob).await.0, expected);
    }

    let mut ada = connect(addr, "/chat", json!({"pid": pid, "offset": m1})).await;
    assert_eq!(session(&mut ada).await, (pid.clone(), true));
    let mut replayed = Vec::new();
    for _ in 0..3 {
        replayed.push(message(&mut ada).await);
    }
    let texts: Vec<&str> = replayed.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(texts, ["m2", "m3", "m4"]);
    let offsets: Vec<&String> = replayed.iter().map(|(_, o)| o.as_ref().unwrap()).collect();
    assert!(offsets.windows(2).all(|w| w[0] != w[1]), "{offsets:?}");
    assert_eq!(
        call(&mut ada, "/chat", "whoami", None).await,
        json!({"data": {"name": "ada"}, "rooms": ["lobby"], "recovered": true})
    );

    // Live again: once, with an offset.
    say_to(&mut bob, "lobby", "m5").await;
    let (text, offset) = message(&mut ada).await;
    assert_eq!(text, "m5");
    assert!(offset.is_some());
    quiet(&mut ada).await;
    let stats = io.recovery_stats().unwrap();
    assert_eq!((stats.recoveries, stats.replayed), (1, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emits_to_the_lost_socket_itself_are_replayed_too() {
    let (addr, io) = serve(app()).await;
    let mut ada = connect(addr, "/chat", json!({"pid": null})).await;
    let (pid, _) = session(&mut ada).await;
    say_to(&mut ada, "me", "first").await;
    let (_, first) = message(&mut ada).await;
    lose(ada, &io, 0).await;
    // A server push to everyone while ada is away, then ada comes back.
    io.of("/chat")
        .unwrap()
        .emit("message", &json!({"text": "while away"}))
        .await
        .unwrap();
    let mut ada = connect(addr, "/chat", json!({"pid": pid, "offset": first.unwrap()})).await;
    assert!(session(&mut ada).await.1);
    assert_eq!(message(&mut ada).await.0, "while away");
    quiet(&mut ada).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_that_do_not_opt_in_and_servers_without_recovery_add_nothing() {
    // Recovery off by the builder, although the document turns it on.
    let (addr, io) = serve(app().recovery_options(None)).await;
    assert!(io.recovery_stats().is_none());
    let mut ada = connect(addr, "/chat", json!({"pid": null})).await;
    say_to(&mut ada, "me", "plain").await;
    // The first thing ada receives is the message, without offset: no session event.
    match ada.next(WAIT).await.unwrap() {
        Incoming::Event(e) => {
            assert_eq!(e.name, "message");
            assert_eq!(e.args.values, vec![json!({"text": "plain"})]);
        }
        other => panic!("{other:?}"),
    }
}

/// Connects with `auth` and checks it got a new session: not recovered, a new pid, no rooms,
/// no data, nothing replayed.
async fn expect_fresh(addr: SocketAddr, ns: &str, auth: Value, old_pid: Option<&str>) {
    let mut c = connect(addr, ns, auth.clone()).await;
    let (pid, recovered) = session(&mut c).await;
    assert!(!recovered, "{auth}");
    assert_ne!(Some(pid.as_str()), old_pid, "{auth}");
    assert_eq!(pid.len(), 22);
    let me = call(&mut c, ns, "whoami", None).await;
    if ns == "/chat" {
        assert_eq!(
            me,
            json!({"data": null, "rooms": [], "recovered": false}),
            "{auth}"
        );
    }
    quiet(&mut c).await;
}

/// A session of `/chat` in room `secret` with data, lost; then a message it missed.
async fn lost_session(addr: SocketAddr, io: &ValidatedIo, bob: &mut Client) -> (String, String) {
    let before = io.recovery_stats().unwrap().sessions;
    let mut ada = connect(addr, "/chat", json!({"pid": null})).await;
    let (pid, _) = session(&mut ada).await;
    call(&mut ada, "/chat", "join", Some(json!("secret"))).await;
    call(&mut ada, "/chat", "remember", Some(json!("ada's secret"))).await;
    say_to(bob, "secret", "hello").await;
    let (_, offset) = message(&mut ada).await;
    lose(ada, io, before).await;
    say_to(bob, "secret", "missed").await;
    (pid, offset.unwrap())
}

/// The jitter test's loss (`recovery_jitter.rs`, clients reset 20–300 ms apart): a connection
/// lost right after it recovered, before its replay reached the client. The client comes back
/// with the same pid and its older offset, and must be replayed the same events again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_lost_with_its_connection_is_sent_again() {
    let (addr, io) = serve(app()).await;
    let mut bob = connect(addr, "/chat", json!({})).await;
    let (pid, offset) = lost_session(addr, &io, &mut bob).await;

    let recoveries = io.recovery_stats().unwrap().recoveries;
    let ada = connect(addr, "/chat", json!({"pid": pid, "offset": offset})).await;
    for _ in 0..100 {
        if io.recovery_stats().unwrap().recoveries > recoveries {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let stats = io.recovery_stats().unwrap();
    assert_eq!(
        (stats.recoveries, stats.replayed),
        (recoveries + 1, 1),
        "the server replays `missed` to the recovered connection"
    );
    // Lost before ada read anything of it: her session event and `missed` with it.
    lose(ada, &io, stats.sessions).await;

    let mut ada = connect(addr, "/chat", json!({"pid": pid, "offset": offset})).await;
    assert_eq!(session(&mut ada).await, (pid.clone(), true));
    assert_eq!(message(&mut ada).await.0, "missed");
    quiet(&mut ada).await;
    // Still in her room, live.
    say_to(&mut bob, "secret", "live").await;
    assert_eq!(message(&mut ada).await.0, "live");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_foreign_and_malformed_sessions_get_a_new_session_and_nothing_else() {
    let (addr, io) = serve(app()).await;
    let mut bob = connect(addr, "/chat", json!({})).await;
    let (pid, offset) = lost_session(addr, &io, &mut bob).await;

    // Forged: a pid nobody was given.
    expect_fresh(
        addr,
        "/chat",
        json!({"pid": "AAAAAAAAAAAAAAAAAAAAAA", "offset": offset}),
        None,
    )
    .await;
    // Another namespace's: the session stays for its own.
    expect_fresh(
        addr,
        "/news",
        json!({"pid": pid, "offset": offset}),
        Some(&pid),
    )
    .await;
    // Malformed: pid of the wrong type, offsets that are not offsets.
    expect_fresh(addr, "/chat", json!({"pid": 42}), None).await;
    for bad in [json!("1-x"), json!(12), json!(""), json!("-1-0")] {
        // Each malformed attempt consumes nothing: the session is kept for its owner.
        expect_fresh(addr, "/chat", json!({"pid": pid, "offset": bad}), None).await;
    }
    let stats = io.recovery_stats().unwrap();
    assert_eq!(stats.misses(Miss::Unknown), 1);
    assert_eq!(stats.misses(Miss::OtherNamespace), 1);
    assert_eq!(stats.misses(Miss::Malformed), 5);

    // The owner still recovers, and gets only its own missed event.
    let mut ada = connect(addr, "/chat", json!({"pid": pid, "offset": offset})).await;
    assert_eq!(session(&mut ada).await, (pid.clone(), true));
    assert_eq!(message(&mut ada).await.0, "missed");
    quiet(&mut ada).await;
    // Used once: the same pid again (while connected) is a new session.
    expect_fresh(
        addr,
        "/chat",
        json!({"pid": pid, "offset": offset}),
        Some(&pid),
    )
    .await;
    // Still serving everyone.
    say_to(&mut bob, "all", "still here").await;
    assert_eq!(message(&mut ada).await.0, "still here");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_future_offset_or_a_replay_larger_than_the_log_is_a_new_session() {
    let options = RecoveryOptions::new(Duration::from_secs(60)).max_log_length(2);
    let (addr, io) = serve(app().recovery_options(Some(options))).await;
    let mut bob = connect(addr, "/chat", json!({})).await;

    let (pid, offset) = lost_session(addr, &io, &mut bob).await;
    let (ms, _) = offset.split_once('-').unwrap();
    let future = format!("{}-0", ms.parse::<u64>().unwrap() + 3_600_000);
    expect_fresh(addr, "/chat", json!({"pid": pid, "offset": future}), None).await;

    let (pid, offset) = lost_session(addr, &io, &mut bob).await;
    for n in 0..3 {
        say_to(&mut bob, "all", &format!("flood {n}")).await;
    }
    expect_fresh(addr, "/chat", json!({"pid": pid, "offset": offset}), None).await;

    let stats = io.recovery_stats().unwrap();
    assert_eq!(stats.misses(Miss::FutureOffset), 1);
    assert_eq!(stats.misses(Miss::LogTrimmed), 1);
    assert!(stats.log_entries <= 2 * 2, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_is_a_new_session() {
    let (addr, io) = serve(app().recovery(Duration::from_millis(300))).await;
    let mut bob = connect(addr, "/chat", json!({})).await;
    let (pid, offset) = lost_session(addr, &io, &mut bob).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    expect_fresh(addr, "/chat", json!({"pid": pid, "offset": offset}), None).await;
    assert_eq!(io.recovery_stats().unwrap().misses(Miss::Expired), 1);
}

/// Two nodes of one cluster through a private Redis: sessions and the log are in Redis, so a
/// client lost on one node recovers on the other.
#[cfg(feature = "redis")]
mod across_nodes {
    use asynction::cluster::RedisAdapter;
    use asynction_testkit::redis::Redis;

    use super::*;

    fn cluster_app() -> AsynctionSocketIo<(), RedisAdapter> {
        AsynctionSocketIo::<(), RedisAdapter>::from_spec(FIXTURE)
            .unwrap()
            .handler("join", join::<RedisAdapter>)
            .handler("say", say::<RedisAdapter>)
            .handler("remember", remember::<RedisAdapter>)
            .handler("whoami", whoami::<RedisAdapter>)
    }

    /// Waits until the session of `pid` is a key in Redis (its node noticed the lost client).
    async fn kept_in_redis(redis: &Redis, pid: &str) {
        let key = format!("asynction:recovery:session:{pid}");
        for _ in 0..100 {
            if redis.cli(&["EXISTS", &key]).trim() == "1" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the session of the lost client is not kept in Redis");
    }

    async fn node(redis: &Redis) -> (SocketAddr, ValidatedIo<RedisAdapter>) {
        let app = cluster_app().build_redis(&redis.url()).await.unwrap();
        let io = app.io.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(axum::serve(listener, app.into_router()).into_future());
        (addr, io)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_client_lost_on_one_node_recovers_on_the_other_with_what_it_missed() {
        let redis = Redis::start();
        let (a, io_a) = node(&redis).await;
        let (b, _io_b) = node(&redis).await;
        redis.wait_nodes("/chat", 2);

        let mut ada = connect(a, "/chat", json!({"pid": null})).await;
        let (pid, _) = session(&mut ada).await;
        call(&mut ada, "/chat", "join", Some(json!("lobby"))).await;
        call(&mut ada, "/chat", "remember", Some(json!("ada"))).await;
        // Bob, opted in too, on the other node: a live event crosses nodes through the log.
        let mut bob = connect(b, "/chat", json!({"pid": null})).await;
        session(&mut bob).await;
        call(&mut bob, "/chat", "join", Some(json!("lobby"))).await;
        // Carol did not opt in (on node b): she is reached through socketioxide-redis.
        let mut carol = connect(b, "/chat", json!({})).await;
        call(&mut carol, "/chat", "join", Some(json!("lobby"))).await;

        say_to(&mut bob, "lobby", "m1").await;
        let (text, offset) = message(&mut ada).await;
        assert_eq!(text, "m1");
        let m1 = offset.unwrap();
        assert_eq!(message(&mut bob).await.0, "m1");
        assert_eq!(message(&mut carol).await, ("m1".to_owned(), None));

        // Ada's node a loses her; the session is in Redis.
        drop(ada);
        kept_in_redis(&redis, &pid).await;

        say_to(&mut bob, "lobby", "m2").await;
        io_a.of("/chat")
            .unwrap()
            .emit("message", &json!({"text": "m3"}))
            .await
            .unwrap();
        say_to(&mut carol, "kitchen", "not for ada").await;
        assert_eq!(message(&mut bob).await.0, "m2");
        assert_eq!(message(&mut bob).await.0, "m3");

        // She comes back on node b.
        let mut ada = connect(b, "/chat", json!({"pid": pid, "offset": m1})).await;
        assert_eq!(session(&mut ada).await, (pid.clone(), true));
        assert_eq!(message(&mut ada).await.0, "m2");
        assert_eq!(message(&mut ada).await.0, "m3");
        assert_eq!(
            call(&mut ada, "/chat", "whoami", None).await,
            json!({"data": "ada", "rooms": ["lobby"], "recovered": true})
        );
        // Live again, through the log, once.
        say_to(&mut carol, "lobby", "m4").await;
        assert_eq!(message(&mut ada).await.0, "m4");
        quiet(&mut ada).await;
        // A forged pid on either node: a new session.
        expect_fresh(
            a,
            "/chat",
            json!({"pid": "AAAAAAAAAAAAAAAAAAAAAA", "offset": m1}),
            None,
        )
        .await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_drained_node_keeps_its_clients_sessions_for_the_other_node() {
        let redis = Redis::start();
        let app = cluster_app().build_redis(&redis.url()).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let a = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let served = tokio::spawn(app.serve(listener, async {
            let _ = stopped.await;
        }));
        let (b, io_b) = node(&redis).await;
        redis.wait_nodes("/chat", 2);

        let mut ada = connect(a, "/chat", json!({"pid": null})).await;
        let (pid, _) = session(&mut ada).await;
        call(&mut ada, "/chat", "join", Some(json!("lobby"))).await;
        let mut bob = connect(b, "/chat", json!({})).await;
        say_to(&mut bob, "lobby", "before").await;
        let (_, offset) = message(&mut ada).await;

        // Node a drains: ada is disconnected, her session kept in Redis before `serve` returns.
        stop.send(()).unwrap();
        served.await.unwrap().unwrap();
        let key = format!("asynction:recovery:session:{pid}");
        assert_eq!(
            redis.cli(&["EXISTS", &key]).trim(),
            "1",
            "kept before the drain ended"
        );
        drop(ada);
        io_b.of("/chat")
            .unwrap()
            .to("lobby")
            .emit("message", &json!({"text": "during"}))
            .await
            .unwrap();

        let mut ada = connect(b, "/chat", json!({"pid": pid, "offset": offset.unwrap()})).await;
        assert_eq!(session(&mut ada).await, (pid, true));
        assert_eq!(message(&mut ada).await.0, "during");
        quiet(&mut ada).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_external_emitter_reaches_opted_in_clients_through_the_log() {
        let redis = Redis::start();
        let (a, _io_a) = node(&redis).await;
        let (b, _io_b) = node(&redis).await;
        redis.wait_nodes("/chat", 2);
        let doc = asynction::Document::from_path(FIXTURE).unwrap();
        let emitter = asynction::cluster::Emitter::connect(&doc, &redis.url())
            .await
            .unwrap();

        let mut ada = connect(a, "/chat", json!({"pid": null})).await;
        let (pid, _) = session(&mut ada).await;
        call(&mut ada, "/chat", "join", Some(json!("lobby"))).await;
        let mut bob = connect(b, "/chat", json!({})).await;
        call(&mut bob, "/chat", "join", Some(json!("lobby"))).await;

        emitter
            .of("/chat")
            .unwrap()
            .to("lobby")
            .emit("message", &json!({"text": "room"}))
            .await
            .unwrap();
        emitter
            .of("/chat")
            .unwrap()
            .emit("message", &json!({"text": "all"}))
            .await
            .unwrap();
        let (text, first) = message(&mut ada).await;
        assert_eq!(text, "room");
        let (text, second) = message(&mut ada).await;
        assert_eq!(text, "all");
        assert!(first.is_some() && second.is_some(), "with offsets");
        quiet(&mut ada).await;
        assert_eq!(message(&mut bob).await, ("room".to_owned(), None));
        assert_eq!(message(&mut bob).await, ("all".to_owned(), None));

        drop(ada);
        kept_in_redis(&redis, &pid).await;
        emitter
            .of("/chat")
            .unwrap()
            .to("lobby")
            .emit("message", &json!({"text": "while away"}))
            .await
            .unwrap();
        let mut ada = connect(b, "/chat", json!({"pid": pid, "offset": second.unwrap()})).await;
        assert!(session(&mut ada).await.1);
        assert_eq!(message(&mut ada).await.0, "while away");
        quiet(&mut ada).await;
    }
}
