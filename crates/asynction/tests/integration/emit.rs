//! Validated emits: what reaches the wire, what never does, and how often a payload is
//! validated (one `CheckedEvent` per emit, whatever the number of receivers).

use asynction_client::{Client, Frame};

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asynction::Document;
use asynction::{Ack, AsynctionSocketIo, EmitError, Payload, ValidatedSocket};
use futures_util::StreamExt;
use serde::Serialize;
use serde_json::{Value, json};
use tracing_subscriber::layer::SubscriberExt;

const DOC: &str = r#"
asyncapi: 2.6.0
info: {title: emits, version: 1.0.0}
channels:
  /emits:
    publish:
      message:
        oneOf:
          - name: join
            x-handler: join
            payload: {type: string}
            x-ack: {args: {type: boolean}}
          - name: same wire
            x-handler: same_wire
            x-ack: {args: {type: integer}}
          - name: shout
            x-handler: shout
            payload: {type: object}
            x-ack: {args: {type: string}}
          - name: poll
            x-handler: poll
            x-ack: {args: {type: object}}
    subscribe:
      message:
        oneOf:
          - name: any
          - name: pair
            payload:
              type: array
              x-socketio-args: spread
              prefixItems: [{type: integer}, {type: string}]
          - name: news
            payload:
              type: object
              properties:
                text: {type: string, maxLength: 20}
              required: [text]
          - name: question
            payload: {type: string}
            x-ack: {args: {type: integer}}
"#;

const NS: &str = "/emits";

/// Bytes the way `serde_bytes` or `bytes::Bytes` serialize them.
struct Bin(&'static [u8]);

impl Serialize for Bin {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

#[derive(Serialize)]
enum Kind {
    Unit,
    Newtype(u8),
    Tuple(i8, bool),
    Struct { x: f32 },
}

#[derive(Serialize)]
struct Upload {
    name: &'static str,
    file: Bin,
    parts: Vec<Bin>,
}

#[derive(Serialize)]
struct Everything {
    text: &'static str,
    small: f32,
    big: f64,
    neg: i64,
    max: u64,
    none: Option<u8>,
    unit: (),
    kinds: Vec<Kind>,
    by_number: BTreeMap<i32, &'static str>,
    nested: Vec<Vec<Value>>,
}

fn everything() -> Everything {
    Everything {
        text: "é \"quoted\"\n\u{1F600} </script>",
        small: 1.1,
        big: 0.1 + 0.2,
        neg: -42,
        max: u64::MAX,
        none: None,
        unit: (),
        kinds: vec![
            Kind::Unit,
            Kind::Newtype(7),
            Kind::Tuple(-1, true),
            Kind::Struct { x: 2.5e-3 },
        ],
        by_number: BTreeMap::from([(-1, "minus one"), (10, "ten")]),
        nested: vec![vec![json!({"z": 1, "a": [null, false]})], vec![]],
    }
}

/// Emits each payload twice, validated then raw (same socket, then same room), so the client
/// can compare the frames; acks how many emits were made.
async fn same_wire(socket: ValidatedSocket) -> Ack<i64> {
    let mut n = 0;
    macro_rules! both {
        ($event:expr, $data:expr) => {{
            let data = $data;
            socket.emit($event, &data).expect("valid emit");
            socket.unvalidated().emit($event, &data).expect("raw emit");
            socket
                .within("r")
                .emit($event, &data)
                .await
                .expect("valid room emit");
            socket
                .unvalidated()
                .within("r")
                .emit($event, &data)
                .await
                .expect("raw room emit");
            n += 1;
        }};
    }
    both!("any", everything());
    both!("any", "just a string");
    both!("any", 3.25_f32);
    both!("any", Value::Null);
    both!("any", vec![1, 2, 3]);
    both!(
        "any",
        Upload {
            name: "a.bin",
            file: Bin(&[0, 1, 2, 255]),
            parts: vec![Bin(b"x"), Bin(b"")],
        }
    );
    both!("pair", (7, "up"));
    both!("pair", [json!(1), json!("down")]);
    Ack(n)
}

async fn join(socket: ValidatedSocket, Payload(room): Payload<String>) -> Ack<bool> {
    socket.join(room);
    Ack(true)
}

/// Emits the payload to room `r` (the sender included) and acks the outcome.
async fn shout(socket: ValidatedSocket, Payload(body): Payload<Value>) -> Ack<String> {
    match socket.within("r").emit("news", &body).await {
        Ok(()) => Ack("sent".into()),
        Err(EmitError::Invalid(e)) => Ack(format!("refused: {}", e.violations[0].message)),
        Err(e) => Ack(format!("unexpected: {e}")),
    }
}

/// Asks every client of room `r` and acks their (validated) answers.
async fn poll(socket: ValidatedSocket) -> Ack<Value> {
    match socket
        .within("r")
        .emit_with_ack::<_, i64>("question", "how many?")
        .await
    {
        Ok(answers) => {
            let mut ok: Vec<i64> = answers.into_iter().filter_map(|(_, a)| a.ok()).collect();
            ok.sort();
            Ack(json!({ "ok": ok }))
        }
        Err(e) => Ack(json!({ "error": e.to_string() })),
    }
}

/// The server's router, reached in process (no listener).
fn start() -> axum::Router {
    let doc = Document::from_text(DOC).expect("the test document loads");
    let built = AsynctionSocketIo::from_document(doc)
        .handler("join", join)
        .handler("same_wire", same_wire)
        .handler("shout", shout)
        .handler("poll", poll)
        .docs(false)
        .build()
        .expect("the test document builds");
    built.into_router()
}

/// An asynction-client joined to `/emits`, read frame by frame (its raw-frames API).
struct RawClient(Client);

impl RawClient {
    async fn send_text(&mut self, text: &str) -> bool {
        self.0.raw().send_text(text.to_owned()).await.is_ok()
    }

    async fn next(&mut self, wait: Duration) -> Frame {
        self.0
            .raw()
            .recv_timeout(wait)
            .await
            .unwrap_or_else(|e| panic!("no frame within {wait:?}: {e}"))
    }

    async fn wait_ack(&mut self, ns: &str, id: u64) -> Value {
        asynction_testkit::ack_json(&mut self.0, ns, id)
            .await
            .unwrap_or_else(|e| panic!("no ack {id}: {e}"))
    }
}

/// A client of `/emits` in room `r`.
async fn member(app: &axum::Router) -> RawClient {
    let mut c = asynction_testkit::sio_in_process(app, NS).await;
    assert_eq!(
        asynction_testkit::ack_of(&mut c, NS, "join", &[json!("r")])
            .await
            .expect("joined"),
        json!([true])
    );
    RawClient(c)
}

/// Sends `event` (ack id `id`) and returns every frame that arrived before its ack, and the ack.
async fn request(c: &mut RawClient, id: u64, event: &str, args: &[Value]) -> (Vec<Frame>, Value) {
    let mut list = vec![json!(event)];
    list.extend_from_slice(args);
    assert!(
        c.send_text(&format!("42{NS},{id}{}", Value::Array(list)))
            .await
    );
    let head = format!("43{NS},{id}[");
    let mut frames = Vec::new();
    loop {
        match c.next(Duration::from_secs(3)).await {
            Frame::Text(t) if t.starts_with(&head) => {
                return (frames, serde_json::from_str(&t[head.len() - 1..]).unwrap());
            }
            f => frames.push(f),
        }
    }
}

/// Counts the validations of outgoing payloads (asynction's trace event) on this thread.
#[derive(Clone, Default)]
struct Validations(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Validations {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "asynction::emit::validated" {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Validations {
    fn get(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }

    /// Counts on this thread until the guard drops. tracing caches whether a call site is
    /// wanted; with a single dispatcher it asks only the registering thread's, so a call site
    /// first hit by a parallel test (no subscriber) would stay off. A second live dispatcher
    /// makes tracing ask every dispatcher, and the rebuild clears what was cached before.
    fn install(&self) -> (tracing::dispatcher::DefaultGuard, tracing::Dispatch) {
        let counting = tracing::Dispatch::new(tracing_subscriber::registry().with(self.clone()));
        let second = tracing::Dispatch::new(tracing_subscriber::registry());
        let guard = tracing::dispatcher::set_default(&counting);
        tracing::callsite::rebuild_interest_cache();
        (guard, second)
    }
}

#[tokio::test]
async fn validated_emits_put_the_same_frames_on_the_wire_as_raw_socketioxide() {
    let app = start();
    let mut c = member(&app).await;
    let (frames, ack) = request(&mut c, 1, "same wire", &[]).await;
    let emits = ack[0].as_u64().unwrap() as usize;
    // Per payload: validated, raw, validated room, raw room; a packet with attachments is
    // followed by its binary frames.
    let mut packets: Vec<Vec<Frame>> = Vec::new();
    for f in frames {
        match f {
            Frame::Binary(_) => packets.last_mut().unwrap().push(f),
            _ => packets.push(vec![f]),
        }
    }
    assert_eq!(packets.len(), emits * 4, "{packets:?}");
    for four in packets.chunks(4) {
        assert_eq!(four[0], four[1], "socket emit differs from socketioxide's");
        assert_eq!(four[2], four[3], "room emit differs from socketioxide's");
        assert_eq!(four[0], four[2]);
    }
    // Spot checks of what the shared frames are.
    let text = |p: &Vec<Frame>| match &p[0] {
        Frame::Text(t) => t.clone(),
        other => panic!("{other:?}"),
    };
    assert!(
        text(&packets[0]).contains(r#""small":1.1,"#),
        "{:?}",
        packets[0]
    );
    let upload = &packets[5 * 4];
    assert!(
        text(upload).starts_with(&format!("453-{NS},")),
        "{upload:?}"
    );
    assert_eq!(upload[1], Frame::Binary(vec![0, 1, 2, 255].into()));
    assert_eq!(text(&packets[6 * 4]), format!(r#"42{NS},["pair",7,"up"]"#));
}

#[tokio::test]
async fn invalid_room_emit_reaches_no_one_and_a_room_emit_validates_once() {
    let validations = Validations::default();
    let _counting = validations.install();
    let app = start();
    let mut a = member(&app).await;
    let mut b = member(&app).await;
    let mut c = member(&app).await;

    let before = validations.get();
    let (_, ack) = request(&mut a, 1, "shout", &[json!({"text": "x".repeat(21)})]).await;
    assert!(ack[0].as_str().unwrap().starts_with("refused: "), "{ack}");
    assert_eq!(
        validations.get() - before,
        1,
        "one validation for the refused emit"
    );

    let before = validations.get();
    let (frames, ack) = request(&mut a, 2, "shout", &[json!({"text": "hello"})]).await;
    assert_eq!(ack, json!(["sent"]));
    assert_eq!(
        validations.get() - before,
        1,
        "three receivers, one validation"
    );
    // The refused emit reached no one: each client's next event is the valid one.
    let news = Frame::Text(format!(r#"42{NS},["news",{{"text":"hello"}}]"#));
    assert_eq!(frames, vec![news.clone()]);
    for other in [&mut b, &mut c] {
        assert_eq!(other.next(Duration::from_secs(3)).await, news);
    }

    // Emit-with-ack to the room: validated once, each client's answer on its own.
    let before = validations.get();
    assert!(a.send_text(&format!(r#"42{NS},3["poll"]"#)).await);
    for (client, answer) in [(&mut a, 1), (&mut b, 2), (&mut c, 3)] {
        let Frame::Text(q) = client.next(Duration::from_secs(3)).await else {
            panic!("no question");
        };
        let head = format!("42{NS},");
        let id: String = q[head.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        assert!(q.ends_with(r#"["question","how many?"]"#), "{q}");
        assert!(client.send_text(&format!("43{NS},{id}[{answer}]")).await);
    }
    assert_eq!(a.wait_ack(NS, 3).await, json!([{"ok": [1, 2, 3]}]));
    assert_eq!(
        validations.get() - before,
        1,
        "one validation of the question"
    );
}

/// Clients in the room of the 1,000-receiver test.
const CROWD: usize = 1_000;

#[tokio::test]
async fn a_room_broadcast_to_1000_clients_validates_once_and_an_invalid_one_reaches_none() {
    let validations = Validations::default();
    let _counting = validations.install();
    let app = start();
    // Joined 64 at a time, in process: one handshake round trip after another would take
    // 1,000 of them on a debug build.
    let mut crowd: Vec<RawClient> = futures_util::stream::iter(0..CROWD)
        .map(|_| member(&app))
        .buffer_unordered(64)
        .collect()
        .await;
    let mut sender = crowd.pop().expect("a sender");

    let before = validations.get();
    let (frames, ack) = request(&mut sender, 1, "shout", &[json!({"text": "x".repeat(21)})]).await;
    assert!(ack[0].as_str().unwrap().starts_with("refused: "), "{ack}");
    assert!(frames.is_empty(), "{frames:?}");
    assert_eq!(
        validations.get() - before,
        1,
        "one validation for the refused emit"
    );

    let before = validations.get();
    let (frames, ack) = request(&mut sender, 2, "shout", &[json!({"text": "marker"})]).await;
    assert_eq!(ack, json!(["sent"]));
    assert_eq!(
        validations.get() - before,
        1,
        "{CROWD} receivers, one validation"
    );
    // The refused emit reached no one: every client's first frame is the valid marker, sent
    // after it on the same connection.
    let marker = Frame::Text(format!(r#"42{NS},["news",{{"text":"marker"}}]"#));
    assert_eq!(frames, vec![marker.clone()]);
    let firsts: Vec<Frame> = futures_util::stream::iter(crowd.iter_mut())
        .map(|c| c.next(Duration::from_secs(5)))
        .buffer_unordered(CROWD)
        .collect()
        .await;
    assert_eq!(firsts.len(), CROWD - 1);
    assert!(
        firsts.iter().all(|f| *f == marker),
        "{:?}",
        firsts.iter().find(|f| **f != marker)
    );
}
