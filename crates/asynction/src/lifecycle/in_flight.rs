//! Counts running event handlers for the drain, through the observer seam: `handler_started`
//! and `handled` of every event of every namespace.

use std::sync::Arc;
use std::time::Instant;

use super::Lifecycle;
use crate::model::Namespace;
use crate::observe::{EventObserver, HandlerOutcome, NamespaceObserver, Observer};

/// The observer the lifecycle plug-in hands the server: one per server, shared by every
/// namespace and event.
pub(super) struct InFlight(pub(super) Lifecycle);

impl Observer for InFlight {
    fn namespace(&self, _ns: &Namespace) -> Arc<dyn NamespaceObserver> {
        Arc::new(InFlight(self.0.clone()))
    }
}

impl NamespaceObserver for InFlight {
    fn event(&self, _name: &str) -> Arc<dyn EventObserver> {
        Arc::new(InFlight(self.0.clone()))
    }

    fn unlisted_event(&self) -> Arc<dyn EventObserver> {
        Arc::new(InFlight(self.0.clone()))
    }
}

impl EventObserver for InFlight {
    fn handler_started(&self) -> Option<Instant> {
        self.0.handler_started();
        None
    }

    fn handled(&self, _started: Option<Instant>, _outcome: HandlerOutcome) {
        self.0.handler_ended();
    }
}
