//! Cost of one server emit: raw socketioxide vs asynction's validated emit, same socket, same
//! payload. Run: `cargo bench --bench emit` (optionally `-- N ROUNDS`, default 100000 5).
//!
//! One client (a raw websocket on 127.0.0.1) joins `/bench` and room `r`, then sends `go` per
//! round and kind; the server's `go` handler times N emits of a chat-like struct in a tight
//! loop (the send buffer is raised so nothing is refused) and acks the elapsed nanoseconds and
//! the allocations made, counted by a wrapping global allocator. The client reads and drops
//! the N events before the next round. Kinds:
//! - `raw-socket` / `raw-room`: `socket.unvalidated().emit(..)` / `.within("r").emit(..)`;
//! - `socket` / `room`: `socket.emit(..)` / `socket.within("r").emit(..)` (validated).
//!
//! Reported: the median over rounds of ns/emit, and allocations/emit. For instruction counts
//! (stable on a busy machine) run the binary under
//! `valgrind --tool=callgrind --toggle-collect='*emit_loop*'` with a smaller N.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use asynction::Document;
use asynction::{Ack, AsynctionSocketIo, Payload, ValidatedSocket};
use futures_util::{FutureExt, SinkExt, StreamExt};
use serde::Serialize;
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Message;

struct Counting;
static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const DOC: &str = r#"
asyncapi: 2.6.0
info: {title: emit bench, version: 1.0.0}
channels:
  /bench:
    publish:
      message:
        name: go
        x-handler: go
        payload:
          type: object
          properties:
            kind: {type: string}
            n: {type: integer}
          required: [kind, n]
        x-ack:
          args: {type: object}
    subscribe:
      message:
        name: chat message
        payload:
          type: object
          properties:
            id: {type: integer, minimum: 0}
            room: {type: string, maxLength: 64}
            author:
              type: object
              properties:
                name: {type: string, minLength: 1, maxLength: 32}
                admin: {type: boolean}
              required: [name]
            text: {type: string, maxLength: 500}
            ts: {type: integer}
            tags: {type: array, items: {type: string}, maxItems: 8}
          required: [id, room, author, text, ts]
"#;

#[derive(Serialize)]
struct Author {
    name: &'static str,
    admin: bool,
}

#[derive(Serialize)]
struct ChatMessage {
    id: u64,
    room: &'static str,
    author: Author,
    text: &'static str,
    ts: i64,
    tags: [&'static str; 2],
}

fn payload(id: u64) -> ChatMessage {
    ChatMessage {
        id,
        room: "general",
        author: Author {
            name: "alice",
            admin: false,
        },
        text: "Hello everyone, the build is green again; see you at the stand-up.",
        ts: 1_764_672_000_000,
        tags: ["news", "ci"],
    }
}

#[derive(serde::Deserialize)]
struct Go {
    kind: String,
    n: u64,
}

#[inline(never)]
fn emit_loop_raw_socket(socket: &ValidatedSocket, n: u64) {
    for i in 0..n {
        socket
            .unvalidated()
            .emit("chat message", black_box(&payload(i)))
            .expect("raw emit");
    }
}

#[inline(never)]
fn emit_loop_socket(socket: &ValidatedSocket, n: u64) {
    for i in 0..n {
        socket
            .emit("chat message", black_box(&payload(i)))
            .expect("validated emit");
    }
}

// A room emit on the local adapter completes at once: polled once, in a plain function that
// callgrind's --toggle-collect can name (an async fn's body would be inlined into its caller).
#[inline(never)]
fn emit_loop_raw_room(socket: &ValidatedSocket, n: u64) {
    for i in 0..n {
        socket
            .unvalidated()
            .within("r")
            .emit("chat message", black_box(&payload(i)))
            .now_or_never()
            .expect("a local room emit completes at once")
            .expect("raw room emit");
    }
}

#[inline(never)]
fn emit_loop_room(socket: &ValidatedSocket, n: u64) {
    for i in 0..n {
        socket
            .within("r")
            .emit("chat message", black_box(&payload(i)))
            .now_or_never()
            .expect("a local room emit completes at once")
            .expect("validated room emit");
    }
}

async fn go(socket: ValidatedSocket, Payload(go): Payload<Go>) -> Ack<serde_json::Value> {
    socket.join("r");
    let allocs = ALLOCS.load(Ordering::Relaxed);
    let start = Instant::now();
    match go.kind.as_str() {
        "raw-socket" => emit_loop_raw_socket(&socket, go.n),
        "socket" => emit_loop_socket(&socket, go.n),
        "raw-room" => emit_loop_raw_room(&socket, go.n),
        "room" => emit_loop_room(&socket, go.n),
        other => panic!("unknown kind {other}"),
    }
    let ns = start.elapsed().as_nanos() as u64;
    let allocs = ALLOCS.load(Ordering::Relaxed) - allocs;
    Ack(serde_json::json!({"ns": ns, "allocs": allocs}))
}

/// Sends `go` and reads frames until its ack; returns the ack and how many events arrived.
async fn round<S>(ws: &mut S, id: u64, kind: &str, n: u64) -> (serde_json::Value, u64)
where
    S: StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
        + SinkExt<Message>
        + Unpin,
    <S as futures_util::Sink<Message>>::Error: std::fmt::Debug,
{
    let text = format!(r#"42/bench,{id}["go",{{"kind":"{kind}","n":{n}}}]"#);
    ws.send(Message::text(text)).await.expect("send go");
    let ack_prefix = format!("43/bench,{id}");
    let mut events = 0;
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(600), ws.next())
            .await
            .expect("server answers")
            .expect("open")
            .expect("frame");
        let Message::Text(t) = msg else {
            panic!("{kind}: unexpected {msg:?}");
        };
        if t.as_str() == "2" {
            ws.send(Message::text("3")).await.expect("pong");
        } else if let Some(rest) = t.as_str().strip_prefix(&ack_prefix) {
            let ack: Vec<serde_json::Value> = serde_json::from_str(rest).expect("ack json");
            return (ack[0].clone(), events);
        } else if t.as_str().starts_with("42/bench,") {
            events += 1;
        }
    }
}

fn main() {
    let mut argv = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .map(|a| a.parse::<u64>().expect("N ROUNDS"));
    let n = argv.next().unwrap_or(100_000);
    let rounds = argv.next().unwrap_or(5);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let doc = Document::from_text(DOC).expect("bench document");
        let buffer = n.max(1_000) as usize + 16;
        let app = AsynctionSocketIo::from_document(doc)
            .handler("go", go)
            .docs(false)
            // No heartbeat in the way: a ping that finds the send buffer full closes the
            // connection, and under valgrind a pong could come later than the timeout.
            .configure_socketio(move |b| {
                b.max_buffer_size(buffer)
                    .ping_interval(Duration::from_secs(3600))
                    .ping_timeout(Duration::from_secs(3600))
            })
            .build()
            .expect("bench server");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, app.into_router()).await });

        let url = format!("ws://{addr}/socket.io/?EIO=4&transport=websocket");
        let (mut ws, _) = connect_async(url).await.expect("websocket");
        let _open = ws.next().await;
        ws.send(Message::text("40/bench,")).await.expect("connect");
        loop {
            match ws.next().await.expect("open").expect("frame") {
                Message::Text(t) if t.as_str() == "2" => {
                    ws.send(Message::text("3")).await.expect("pong");
                }
                Message::Text(t) if t.as_str().starts_with("40/bench,") => break,
                other => panic!("CONNECT refused: {other:?}"),
            }
        }

        let kinds = ["raw-socket", "socket", "raw-room", "room"];
        let mut id = 0;
        // Warm-up: one small round per kind.
        for kind in kinds {
            round(&mut ws, id, kind, 1_000).await;
            id += 1;
        }
        let mut results: Vec<(&str, Vec<f64>, Vec<f64>)> =
            kinds.iter().map(|k| (*k, Vec::new(), Vec::new())).collect();
        for _ in 0..rounds {
            for (kind, ns, allocs) in &mut results {
                let (ack, events) = round(&mut ws, id, kind, n).await;
                id += 1;
                assert_eq!(events, n, "{kind}: every emit arrives");
                ns.push(ack["ns"].as_u64().expect("ns") as f64 / n as f64);
                allocs.push(ack["allocs"].as_u64().expect("allocs") as f64 / n as f64);
            }
        }
        println!("N = {n} emits per round, {rounds} rounds (median)");
        println!("{:<12} {:>10} {:>14}", "kind", "ns/emit", "allocs/emit");
        for (kind, mut ns, mut allocs) in results {
            ns.sort_by(f64::total_cmp);
            allocs.sort_by(f64::total_cmp);
            println!(
                "{kind:<12} {:>10.0} {:>14.2}",
                ns[ns.len() / 2],
                allocs[allocs.len() / 2]
            );
        }
    });
}
