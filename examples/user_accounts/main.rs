//! The User Account Service: `/user` receives `sign up` and `log in`, each reported to `/admin`
//! clients as `metrics`. `/admin` requires a `token` query parameter (`bindings.ws`).
//!
//! ```sh
//! PORT=5000 cargo run --release --example user_accounts
//! ```

use asynction::server::{Ack, AsynctionSocketIo, EventError, Payload, ValidatedIo};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Credentials {
    username: String,
    #[allow(dead_code)]
    password: String,
}

async fn sign_up(io: ValidatedIo, Payload(user): Payload<Credentials>) {
    tracing::info!(user = %user.username, "sign up");
    report(&io, "signup").await;
}

async fn log_in(io: ValidatedIo, Payload(user): Payload<Credentials>) -> Ack<bool> {
    tracing::info!(user = %user.username, "log in");
    report(&io, "login").await;
    Ack(true)
}

async fn report(io: &ValidatedIo, what: &str) {
    match io.of("/admin") {
        Ok(admins) => {
            if let Err(e) = admins.emit("metrics", what).await {
                tracing::error!(error = %e, "metrics not sent");
            }
        }
        Err(e) => tracing::error!(error = %e, "no /admin namespace"),
    }
}

async fn user_error(error: EventError) {
    tracing::warn!(%error, "refused /user event");
}

async fn admin_error(error: EventError) {
    tracing::warn!(%error, "refused /admin event");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let spec = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/user_accounts/asyncapi.yaml"
    );
    let app = AsynctionSocketIo::from_spec(spec)?
        .handler("user_accounts.sign_up", sign_up)
        .handler("user_accounts.log_in", log_in)
        .handler("user_accounts.user_error", user_error)
        .handler("user_accounts.admin_error", admin_error)
        .build()?;
    let port = std::env::var("PORT").unwrap_or_else(|_| "5000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    tracing::info!(
        "listening on http://{}{}",
        listener.local_addr()?,
        app.socketio_path()
    );
    axum::serve(listener, app.into_router()).await?;
    Ok(())
}
