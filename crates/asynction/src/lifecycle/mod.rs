//! Health probes and a graceful drain: what an orchestrator (Kubernetes, Nomad, a load balancer)
//! needs to restart or scale asynction servers without dropping work.
//!
//! Every built server serves, beside the docs (`{base}` is the Socket.IO path's parent):
//!
//! - `GET {base}/healthz` — liveness: `200 {"status":"ok"}` while the process serves HTTP.
//! - `GET {base}/readyz` — readiness: `200 {"status":"ready"}` when the server takes new
//!   clients; `503 {"status":"draining"}` once a drain has begun, and
//!   `503 {"status":"not_ready","reason":"…"}` while a readiness check fails (a cluster node
//!   whose Redis connection is down: `redis: offline`).
//!
//! ```yaml
//! # Kubernetes: a pod leaves the Service's endpoints as soon as it drains, and its clients
//! # reconnect to the other pods.
//! livenessProbe:  { httpGet: { path: /healthz, port: 5000 } }
//! readinessProbe: { httpGet: { path: /readyz, port: 5000 }, periodSeconds: 2 }
//! terminationGracePeriodSeconds: 30
//! ```
//!
//! # Drain
//!
//! [`Asynction::serve`](crate::Asynction::serve) (and the mock's `serve`) drain when their
//! `shutdown` future resolves (wire it to SIGTERM):
//!
//! 1. readiness turns `draining` at once, while the server still accepts connections, for
//!    [`DrainOptions::readiness_grace`] (default 0; set it to about twice the readiness probe's
//!    period, so load balancers stop sending new clients first);
//! 2. event handlers already running finish, for at most [`DrainOptions::handler_timeout`]
//!    (default 10 s; their acks are sent) — events that arrive meanwhile are still handled;
//! 3. every client is disconnected (socketioxide's close: each gets a `disconnect` and its
//!    socket.io-client reconnects, through the load balancer, to another node), the listener
//!    stops accepting and `serve` returns once the last HTTP request has finished.
//!
//! An application that mounts [`Asynction::into_router`](crate::Asynction::into_router) in
//! its own server drives the same steps with [`Asynction::lifecycle`](crate::Asynction::lifecycle)
//! ([`Lifecycle::start_draining`], [`Lifecycle::handlers_idle`]), then
//! `io.unvalidated().close().await` ([`ValidatedIo::unvalidated`](crate::ValidatedIo::unvalidated)).

mod drain;
mod in_flight;
mod probes;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

pub(crate) use drain::drain;
pub use drain::shutdown_signal;
pub(crate) use probes::LifecyclePlugin;

/// How a server drains on shutdown (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct DrainOptions {
    /// How long readiness says `draining` before clients are disconnected, while new
    /// connections are still accepted (default 0).
    pub readiness_grace: Duration,
    /// The longest running handlers are waited for before clients are disconnected
    /// (default 10 s).
    pub handler_timeout: Duration,
}

impl Default for DrainOptions {
    fn default() -> Self {
        DrainOptions {
            readiness_grace: Duration::ZERO,
            handler_timeout: Duration::from_secs(10),
        }
    }
}

impl DrainOptions {
    /// [`DrainOptions::readiness_grace`].
    pub fn readiness_grace(mut self, grace: Duration) -> Self {
        self.readiness_grace = grace;
        self
    }

    /// [`DrainOptions::handler_timeout`].
    pub fn handler_timeout(mut self, timeout: Duration) -> Self {
        self.handler_timeout = timeout;
        self
    }
}

/// A named readiness condition (e.g. `redis`): `Err(reason)` while it does not hold.
type ReadinessCheck = Box<dyn Fn() -> Result<(), String> + Send + Sync>;

/// One server's health: whether it drains, its readiness conditions and its running event
/// handlers. Cheap to clone (one shared state).
#[derive(Clone, Default)]
pub struct Lifecycle {
    inner: Arc<State>,
}

#[derive(Default)]
struct State {
    draining: AtomicBool,
    in_flight: AtomicUsize,
    idle: Notify,
    checks: std::sync::RwLock<Vec<(String, ReadinessCheck)>>,
}

impl std::fmt::Debug for Lifecycle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lifecycle")
            .field("draining", &self.is_draining())
            .field("handlers_running", &self.handlers_running())
            .finish()
    }
}

/// Why a server is not ready (the `readyz` answer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// A drain has begun.
    Draining,
    /// A readiness check fails: `name: reason` (e.g. `redis: offline`).
    Check(String),
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReady::Draining => f.write_str("draining"),
            NotReady::Check(reason) => f.write_str(reason),
        }
    }
}

impl Lifecycle {
    /// Begins a drain: readiness answers `draining` from now on. Idempotent.
    pub fn start_draining(&self) {
        if !self.inner.draining.swap(true, Ordering::SeqCst) {
            tracing::info!(
                handlers_running = self.handlers_running(),
                "draining: readiness is now 'draining'"
            );
        }
    }

    /// Whether a drain has begun.
    pub fn is_draining(&self) -> bool {
        self.inner.draining.load(Ordering::SeqCst)
    }

    /// Event handlers running now.
    pub fn handlers_running(&self) -> usize {
        self.inner.in_flight.load(Ordering::SeqCst)
    }

    /// Ready to take new clients: not draining and every readiness check holds.
    pub fn readiness(&self) -> Result<(), NotReady> {
        if self.is_draining() {
            return Err(NotReady::Draining);
        }
        let checks = self
            .inner
            .checks
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (name, check) in checks.iter() {
            check().map_err(|reason| NotReady::Check(format!("{name}: {reason}")))?;
        }
        Ok(())
    }

    /// Adds a readiness condition named `name` (the cluster adds `redis`).
    pub fn add_readiness_check(
        &self,
        name: impl Into<String>,
        check: impl Fn() -> Result<(), String> + Send + Sync + 'static,
    ) {
        self.inner
            .checks
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((name.into(), Box::new(check)));
    }

    /// Waits until no event handler runs, for at most `timeout`; `true` when none runs.
    pub async fn handlers_idle(&self, timeout: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.inner.idle.notified();
                if self.handlers_running() == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.is_ok()
    }

    pub(crate) fn handler_started(&self) {
        self.inner.in_flight.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn handler_ended(&self) {
        if self.inner.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.inner.idle.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn idle_waits_for_running_handlers_and_times_out() {
        let l = Lifecycle::default();
        assert!(l.handlers_idle(Duration::from_millis(10)).await);
        l.handler_started();
        assert!(!l.handlers_idle(Duration::from_millis(20)).await);
        let l2 = l.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            l2.handler_ended();
        });
        assert!(l.handlers_idle(Duration::from_secs(5)).await);
        assert_eq!(l.handlers_running(), 0);
    }

    #[test]
    fn readiness_names_the_failing_check_and_draining_wins() {
        let l = Lifecycle::default();
        assert_eq!(l.readiness(), Ok(()));
        l.add_readiness_check("redis", || Err("offline".to_owned()));
        assert_eq!(l.readiness(), Err(NotReady::Check("redis: offline".into())));
        l.start_draining();
        assert_eq!(l.readiness(), Err(NotReady::Draining));
    }
}
