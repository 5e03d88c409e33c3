//! `{base}/healthz` and `{base}/readyz`, and the built-in plug-in that serves them and counts
//! running handlers.

use std::sync::Arc;

use axum::Json;
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::json;

use super::Lifecycle;
use super::in_flight::InFlight;
use crate::observe::Observer;
use crate::plugin::{Plugin, Site};

/// The lifecycle of one server, plugged into every builder (see `built_in.rs`).
#[derive(Default)]
pub(crate) struct LifecyclePlugin {
    pub(crate) lifecycle: Lifecycle,
    base: String,
}

impl Plugin for LifecyclePlugin {
    fn attach(&mut self, site: &Site<'_>) {
        self.base = crate::model::docs_base(site.socketio_path);
    }

    fn observer(&self) -> Option<Arc<dyn Observer>> {
        Some(Arc::new(InFlight(self.lifecycle.clone())))
    }

    fn routes(&self) -> Option<axum::Router> {
        let ready = self.lifecycle.clone();
        Some(
            axum::Router::new()
                .route(
                    &format!("{}/healthz", self.base),
                    get(|| async { Json(json!({"status": "ok"})) }),
                )
                .route(
                    &format!("{}/readyz", self.base),
                    get(move || {
                        let ready = ready.clone();
                        async move { readyz(&ready) }
                    }),
                ),
        )
    }
}

fn readyz(lifecycle: &Lifecycle) -> (StatusCode, Json<serde_json::Value>) {
    match lifecycle.readiness() {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ready"}))),
        Err(super::NotReady::Draining) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "draining"})),
        ),
        Err(super::NotReady::Check(reason)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "not_ready", "reason": reason})),
        ),
    }
}
