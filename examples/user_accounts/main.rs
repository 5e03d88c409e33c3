//! The User Account Service: `/user` receives `sign up` and `log in`, each reported to `/admin`
//! clients as `metrics`. `/admin` requires a `token` query parameter (`bindings.ws`).
//!
//! ```sh
//! PORT=5000 cargo run --release --example user_accounts
//! ```
//!
//! With `REDIS_URL` set (and feature `redis`), the process joins a cluster: a sign-up on any
//! process reaches the `/admin` clients of every process.
//!
//! ```sh
//! REDIS_URL=redis://127.0.0.1:6379 PORT=5001 cargo run --features redis --example user_accounts
//! ```
//!
//! With feature `schemars`, the handlers' payload and ack types and the `metrics` emit are
//! checked against the document when the server is built (`type check: 2 routes checked, 0
//! unchecked, 1 emits checked` in the log; see `asynction::typecheck`).

use asynction::{Ack, Adapter, AsynctionSocketIo, EventError, Payload, ValidatedIo};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
struct Credentials {
    username: String,
    #[allow(dead_code)]
    password: String,
}

/// The `metrics` event of `/admin`: which operation happened.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
enum Metrics {
    Signup,
    Login,
}

asynction::server_event!(Metrics, "/admin", "metrics");

async fn sign_up<A: Adapter>(io: ValidatedIo<A>, Payload(user): Payload<Credentials>) {
    tracing::info!(user = %user.username, "sign up");
    report(&io, Metrics::Signup).await;
}

async fn log_in<A: Adapter>(io: ValidatedIo<A>, Payload(user): Payload<Credentials>) -> Ack<bool> {
    tracing::info!(user = %user.username, "log in");
    report(&io, Metrics::Login).await;
    Ack(true)
}

async fn report<A: Adapter>(io: &ValidatedIo<A>, what: Metrics) {
    if let Err(e) = io.send(&what).await {
        tracing::error!(error = %e, "metrics not sent");
    }
}

async fn user_error(error: EventError) {
    tracing::warn!(%error, "refused /user event");
}

async fn admin_error(error: EventError) {
    tracing::warn!(%error, "refused /admin event");
}

// Current-thread runtime: cheaper per event on small machines (BENCHMARKS.md).
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/user_accounts/asyncapi.yaml"
    );
    match std::env::var("REDIS_URL") {
        Ok(url) if !url.is_empty() => serve_cluster(handlers(spec)?, &url).await,
        // `build()` runs the generic handlers on socketioxide's local adapter.
        _ => serve(handlers(spec)?.build()?).await,
    }
}

/// The same handlers for one process and for a cluster: the build method picks the adapter.
fn handlers<A: Adapter>(spec: &str) -> Result<AsynctionSocketIo<(), A>, asynction::SpecError> {
    Ok(events(AsynctionSocketIo::from_spec(spec)?)
        .handler("user_accounts.user_error", user_error)
        .handler("user_accounts.admin_error", admin_error))
}

/// The event handlers and emits, their types checked against the document at build.
#[cfg(feature = "schemars")]
fn events<A: Adapter>(builder: AsynctionSocketIo<(), A>) -> AsynctionSocketIo<(), A> {
    builder
        .handler_checked("user_accounts.sign_up", sign_up::<A>)
        .handler_checked("user_accounts.log_in", log_in::<A>)
        .emits::<Metrics>()
}

/// The event handlers (unchecked: build with `--features schemars` to check their types).
#[cfg(not(feature = "schemars"))]
fn events<A: Adapter>(builder: AsynctionSocketIo<(), A>) -> AsynctionSocketIo<(), A> {
    builder
        .handler("user_accounts.sign_up", sign_up::<A>)
        .handler("user_accounts.log_in", log_in::<A>)
}

#[cfg(feature = "redis")]
async fn serve_cluster(
    builder: AsynctionSocketIo<(), asynction::cluster::RedisAdapter>,
    url: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    use asynction::cluster::redact_url;
    let app = builder.build_redis(url).await?;
    tracing::info!(redis = %redact_url(url), "joined the cluster");
    serve(app).await
}

#[cfg(not(feature = "redis"))]
async fn serve_cluster(_: AsynctionSocketIo, _: &str) -> Result<(), Box<dyn std::error::Error>> {
    Err("REDIS_URL is set but this build has no `redis` feature".into())
}

/// Listens on `PORT` (default 5000) once the app is ready (in a cluster: subscribed).
async fn serve<A: Adapter>(app: asynction::Asynction<A>) -> Result<(), Box<dyn std::error::Error>> {
    let port = std::env::var("PORT").unwrap_or_else(|_| "5000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    tracing::info!(
        "listening on http://{}{}",
        listener.local_addr()?,
        app.socketio_path()
    );
    // Drains on Ctrl-C or SIGTERM: readiness off, running handlers finish, clients reconnect.
    app.serve(listener, asynction::lifecycle::shutdown_signal())
        .await?;
    Ok(())
}
