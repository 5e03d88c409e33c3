//! The drain itself: readiness off, grace, running handlers awaited, every client disconnected.

use socketioxide::adapter::Adapter;

use super::{DrainOptions, Lifecycle};
use crate::ValidatedIo;

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
    io.unvalidated().close().await;
    tracing::info!("drained: every client disconnected");
}
