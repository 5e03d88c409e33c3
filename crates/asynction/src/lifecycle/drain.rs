//! The drain itself: readiness off, grace, running handlers awaited, every client disconnected.

use socketioxide::adapter::Adapter;

use super::{DrainOptions, Lifecycle};
use crate::ValidatedIo;

/// How long a drain waits, after disconnecting every client, for recovery to keep their
/// sessions and write the events they may miss.
const SETTLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// Runs the drain steps of the [module docs](super) once `serve`'s shutdown future resolved;
/// when this returns, the listener stops accepting.
pub(crate) async fn drain<A: Adapter>(
    lifecycle: &Lifecycle,
    io: &ValidatedIo<A>,
    options: DrainOptions,
) {
    lifecycle.start_draining();
    if !options.readiness_grace.is_zero() {
        tokio::time::sleep(options.readiness_grace).await;
    }
    if !lifecycle.handlers_idle(options.handler_timeout).await {
        tracing::warn!(
            handlers_running = lifecycle.handlers_running(),
            timeout_ms = options.handler_timeout.as_millis() as u64,
            "draining: handlers still running after the timeout; disconnecting their clients"
        );
    }
    // socketioxide's `close` runs no disconnect handler (it takes the namespaces away before
    // closing the transports), so recovery keeps every opted-in client's session first.
    if let Some(engine) = &io.rt.recovery {
        crate::recovery::keep_all(engine, io.unvalidated()).await;
    }
    io.unvalidated().close().await;
    if let Some(engine) = &io.rt.recovery {
        // The events they may miss written, for another node.
        engine.settle(SETTLE_TIMEOUT).await;
    }
    tracing::info!("drained: every client disconnected");
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM — what container runtimes and Kubernetes send
/// before they stop a process: the `shutdown` future to give [`Asynction::serve`](crate::Asynction::serve).
///
/// ```no_run
/// # async fn run(app: asynction::Asynction) -> std::io::Result<()> {
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:5000").await?;
/// app.serve(listener, asynction::lifecycle::shutdown_signal()).await
/// # }
/// ```
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: draining");
}
