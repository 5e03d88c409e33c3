//! What was registered on a builder, as the document's events see it: the crate-internal seam a
//! check of the registered handlers plugs into (the `schemars` feature's type check, in
//! `typecheck/`), without the builder knowing what the check reads.
//!
//! A registration may carry a [`Description`] beside its function (`handler_described`,
//! `on_described`), and the builder may carry declarations of its own (`declare`); both are
//! opaque here (`dyn Any`): the check that put them there reads them back. A build without
//! such a check reads none of it: hence `allow(dead_code)`, as on the builder's other
//! extension points.

use std::any::Any;
use std::sync::Arc;

use socketioxide::adapter::Adapter;

use super::{AsynctionSocketIo, BuildError};
use crate::model::{Event, Namespace};
use crate::spec::Document;

/// What a registration says about its handler beyond the function itself.
pub(crate) type Description = Arc<dyn Any + Send + Sync>;

/// A check of the registrations that `build()` runs once the handlers are known to match the
/// document's ids and routes (not for generated handlers); an error stops the build.
pub(crate) type RouteCheck = fn(&Document, &Registrations<'_>) -> Result<(), BuildError>;

/// Every ingress event of the document with its registration, and the builder's declarations.
#[allow(dead_code)]
pub(crate) struct Registrations<'a> {
    /// One per ingress event of every namespace, in document order.
    pub routes: Vec<RegisteredRoute<'a>>,
    /// What was declared on the builder itself, in order.
    pub declared: &'a [Description],
}

/// One ingress event and how it is handled.
#[allow(dead_code)]
pub(crate) struct RegisteredRoute<'a> {
    /// The document namespace.
    pub namespace: &'a Namespace,
    /// The event.
    pub event: &'a Event,
    /// Whether a function handles it (by `x-handler` id or by an `.on` route).
    pub registered: bool,
    /// The description registered with that function, if any.
    pub description: Option<&'a Description>,
}

impl<S, A: Adapter> AsynctionSocketIo<S, A> {
    /// Every ingress event with its registration: by `x-handler` id, else by the last `.on`
    /// route for it (the one `build()` would refuse as a duplicate is still listed once).
    pub(crate) fn registrations(&self) -> Registrations<'_> {
        let mut routes = Vec::new();
        for ns in &self.doc.api.namespaces {
            for event in &ns.ingress {
                let (registered, description) = match &event.handler {
                    Some(id) => (self.handlers.contains_key(id), self.descriptions.get(id)),
                    None => match self
                        .routes
                        .iter()
                        .rev()
                        .find(|r| r.namespace == ns.path && r.event == event.name)
                    {
                        Some(route) => (true, route.description.as_ref()),
                        None => (false, None),
                    },
                };
                routes.push(RegisteredRoute {
                    namespace: ns,
                    event,
                    registered,
                    description,
                });
            }
        }
        Registrations {
            routes,
            declared: &self.declared,
        }
    }

    /// The loaded document (what a check of the registrations compares them with).
    #[allow(dead_code)]
    pub(crate) fn document(&self) -> &Document {
        &self.doc
    }

    /// Runs the builder's route check, if it has one and its handlers are registered (not
    /// generated).
    pub(super) fn run_route_check(&self) -> Result<(), BuildError> {
        match (self.route_check, &self.generated) {
            (Some(check), None) => check(&self.doc, &self.registrations()),
            _ => Ok(()),
        }
    }
}
