//! Health probes and the graceful drain (`asynction::lifecycle`): `{base}/healthz` and
//! `{base}/readyz` over real HTTP, a drain that lets a running handler answer before every
//! client is disconnected, the handler timeout that bounds it, and a cluster node's readiness
//! following its Redis connection.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use asynction::lifecycle::DrainOptions;
use asynction::{Ack, Asynction, AsynctionSocketIo, Payload};
use asynction_client::{Args, ClientBuilder, Incoming};
use asynction_testkit::http_get;
use serde_json::json;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const FIXTURE: &str = concat!(
    concat!(env!("CARGO_MANIFEST_DIR"), "/../.."),
    "/tests/fixtures/server/metrics.yaml"
);

/// `echo` answers after `delay`: a handler still running when the drain begins.
fn app<A: asynction::Adapter>(delay: Duration) -> AsynctionSocketIo<(), A> {
    let echo = move |Payload(text): Payload<String>| async move {
        tokio::time::sleep(delay).await;
        Ack(text)
    };
    AsynctionSocketIo::from_spec(FIXTURE)
        .unwrap()
        .handler("echo", echo)
        .handler("fail", || async { Err::<Ack<String>, _>("no".to_owned()) })
        .handler("boom", || async {})
        .handler("ask", || async { Ack("ok".to_owned()) })
        .handler("shout", || async { Ack(true) })
        .handler("hello", || async {})
        .handler("guard", || async { Ok::<(), String>(()) })
}

/// Serves `app` until the returned sender fires; the server task returns when the drain ends.
async fn serve<A: asynction::Adapter>(
    app: Asynction<A>,
) -> (
    SocketAddr,
    oneshot::Sender<()>,
    JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(app.serve(listener, async {
        let _ = stopped.await;
    }));
    (addr, stop, task)
}

async fn readyz(addr: SocketAddr) -> (u16, serde_json::Value) {
    let (status, body) = http_get(addr, "/readyz").await;
    (status, serde_json::from_str(&body).unwrap_or_default())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drain_lets_the_running_handler_answer_then_disconnects_every_client() {
    let (addr, stop, task) = serve(
        app::<socketioxide::adapter::LocalAdapter>(Duration::from_millis(600))
            .build()
            .unwrap(),
    )
    .await;
    let (status, body) = http_get(addr, "/healthz").await;
    assert_eq!((status, body.as_str()), (200, r#"{"status":"ok"}"#));
    assert_eq!(readyz(addr).await, (200, json!({"status": "ready"})));

    let mut client = ClientBuilder::new(format!("http://{addr}"))
        .connect("/")
        .await
        .unwrap();
    let id = client
        .emit_ack_id("/", "echo", Args::new().arg("hi"))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();

    // Draining while the handler runs: readiness is off, the listener still answers.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let (status, body) = readyz(addr).await;
        if status == 503 {
            assert_eq!(body, json!({"status": "draining"}));
            break;
        }
        assert!(Instant::now() < deadline, "readyz never said draining");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Nothing lost: the handler's ack arrives before the disconnect.
    let ack = client
        .wait_ack("/", id, Duration::from_secs(5))
        .await
        .expect("the running handler answers during the drain");
    assert_eq!(ack.to_value(), json!(["hi"]));
    // Then every client is disconnected, so it reconnects elsewhere.
    match client.next(Duration::from_secs(5)).await {
        Ok(Incoming::Disconnect { namespace }) => assert_eq!(namespace, "/"),
        Ok(other) => panic!("expected a disconnect, got {other:?}"),
        Err(e) => assert!(
            !matches!(e, asynction_client::Error::Timeout { .. }),
            "expected the connection to close, it stayed open: {e}"
        ),
    }
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("serve returns after the drain")
        .unwrap()
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_handler_timeout_bounds_the_drain() {
    let built = app::<socketioxide::adapter::LocalAdapter>(Duration::from_secs(60))
        .build()
        .unwrap()
        .with_drain(DrainOptions::default().handler_timeout(Duration::from_millis(300)));
    assert_eq!(
        built.drain_options().handler_timeout,
        Duration::from_millis(300)
    );
    let lifecycle = built.lifecycle();
    let (addr, stop, task) = serve(built).await;
    let mut client = ClientBuilder::new(format!("http://{addr}"))
        .connect("/")
        .await
        .unwrap();
    client
        .emit_ack_id("/", "echo", Args::new().arg("hi"))
        .await
        .unwrap();
    asynction_testkit::until("the handler runs", || lifecycle.handlers_running() == 1).await;
    let started = Instant::now();
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("a handler that never ends does not hold the drain")
        .unwrap()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "drained in {:?}",
        started.elapsed()
    );
    assert!(lifecycle.is_draining());
}

#[cfg(feature = "redis")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_node_is_not_ready_while_redis_is_offline() {
    let mut redis = asynction_testkit::redis::Redis::start();
    let built = app::<asynction::cluster::RedisAdapter>(Duration::ZERO)
        .build_redis(&redis.url())
        .await
        .unwrap();
    let (addr, _stop, _task) = serve(built).await;
    assert_eq!(readyz(addr).await, (200, json!({"status": "ready"})));
    redis.kill();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (status, body) = readyz(addr).await;
        if status == 503 {
            assert_eq!(
                body,
                json!({"status": "not_ready", "reason": "redis: offline"})
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "readyz never said redis: offline"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Liveness is unaffected: the process serves.
    assert_eq!(http_get(addr, "/healthz").await.0, 200);
    redis.launch();
    let deadline = Instant::now() + Duration::from_secs(15);
    while readyz(addr).await.0 != 200 {
        assert!(
            Instant::now() < deadline,
            "readyz never recovered with Redis back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
