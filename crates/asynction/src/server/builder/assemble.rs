//! `build()` in named steps: compile the validators, check the handlers against the document,
//! select the server and its security, configure socketioxide, attach the plug-ins, then turn
//! every document namespace into a registered socketioxide namespace whose connect middleware
//! and dispatcher serve from one [`NamespaceHandlers`].

use std::any::Any;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde_json::Value;
use socketioxide::adapter::{Adapter, Emitter, LocalAdapter};
use socketioxide::extract::{SocketRef, TryData};
use socketioxide::handler::ConnectHandler;
use socketioxide::{ParserConfig, SocketIo, SocketIoBuilder};
use socketioxide_core::adapter::{CoreAdapter, DefinedAdapter};

use super::super::connect::{accept, after_connect};
use super::super::dispatch::serve;
use super::super::emit::ValidatedIo;
use super::super::handler::{BoxedHandler, EventRoute, NamespaceHandlers};
use super::super::runtime::{NamespaceRuntime, SpecRuntime};
use super::{
    Asynction, AsynctionSocketIo, BuildError, CodeRoute, Configure, GeneratedHandlers, RouteError,
    SecurityMode,
};
use crate::model::{Api, Event, Namespace, Server};
use crate::observe::{Observer, Observers, SocketInfo};
use crate::plugin::Site;
use crate::recovery::{RecoveryEngine, RecoveryOptions};
use crate::security::Authenticator;
use crate::validate::{NamespaceIndex, Validators};

/// Each static namespace's path and its adapter initialisation, not yet started.
pub(crate) type PendingInits<A> = Vec<(String, <A as CoreAdapter<Emitter>>::InitRes)>;

/// The handlers of [`AsynctionSocketIo::on`] routes by `(namespace, event)`, once checked.
type RoutedHandlers<'a, S, A> = HashMap<(&'a str, &'a str), BoxedHandler<S, A>>;

impl<S: Clone + Send + Sync + 'static, A: Adapter + DefinedAdapter> AsynctionSocketIo<S, A> {
    /// Builds the service with `state` on `adapter_state` without starting the adapters:
    /// returns each static namespace's adapter initialisation (for remote adapters, the future
    /// that subscribes its channels) so the caller can await readiness.
    pub(crate) fn build_pending(
        self,
        state: S,
        adapter_state: A::State,
    ) -> Result<(Asynction<A>, PendingInits<A>), BuildError> {
        let validators = self.compile_validators()?;
        let api = self.doc.api.clone();
        let routes = match &self.generated {
            Some(_) => HashMap::new(),
            None => {
                let routes = check_routes(&api, &self.routes)?;
                self.check_handlers(&routes)?;
                self.run_route_check()?;
                routes
            }
        };
        let server = select_server(&api, self.server.as_deref())?;
        let authenticator = match &self.security {
            SecurityMode::Handlers(handlers) => Authenticator::new(&api, server, handlers.clone())?,
            SecurityMode::Policy(policy) => {
                Authenticator::with_policy(&api, server, policy.clone())?
            }
        };
        let socketio_path = self
            .path
            .clone()
            .or_else(|| server.map(|s| s.socketio_path.clone()))
            .unwrap_or_else(|| "/socket.io".to_owned());

        let recovery = self
            .recovery
            .unwrap_or_else(|| {
                api.recovery_for(server)
                    .map(|r| RecoveryOptions::new(r.max_disconnection_duration()))
            })
            .map(|options| Arc::new(RecoveryEngine::new(&options)));
        let mut plugins = self.plugins;
        let site = Site {
            api: &api,
            socketio_path: &socketio_path,
            recovery: recovery.as_ref(),
        };
        for plugin in &mut plugins {
            plugin.attach(&site);
        }
        let observer = Observers::combine(plugins.iter().filter_map(|p| p.observer()).collect());

        let socketio = SocketIoSettings {
            path: &socketio_path,
            ack_timeout: self.ack_timeout,
            limits: &self.limits,
            parser: self.parser,
            configure: self.configure,
        };
        let (layer, io) = socketio
            .builder()
            .with_adapter::<A>(adapter_state)
            .build_layer();
        let rt = Arc::new(SpecRuntime {
            namespaces: NamespaceIndex::new(&api, validators)?,
            validation: self.validation,
            ack_timeout: self.ack_timeout,
            authenticator,
            observer: observer.clone(),
            recovery,
        });
        let assembly = Assembly {
            table: HandlerTable {
                by_id: &self.handlers,
                routes,
                generated: self.generated.as_ref(),
            },
            rt: &rt,
            observer: &*observer,
            state: &state,
            io: &io,
        };
        let mut pending = Vec::new();
        for ns in &api.namespaces {
            if let Some(init) = register(&io, assembly.namespace(ns))? {
                pending.push((ns.path.clone(), init));
            }
        }
        // After the document's namespaces, which socketioxide tries first.
        if let Some(local) = (&io as &dyn Any).downcast_ref::<SocketIo<LocalAdapter>>() {
            for plugin in &plugins {
                plugin.register_namespaces(local)?;
            }
        }
        let app = Asynction {
            layer,
            io: ValidatedIo { io, rt },
            document: self.doc,
            socketio_path,
            server: server.map(|s| s.name.clone()),
            docs: self.docs,
            docs_console: self.docs_console,
            max_header_bytes: self.limits.max_header_bytes,
            plugins,
            drain: crate::lifecycle::DrainOptions::default(),
        };
        Ok((app, pending))
    }

    /// Every schema of the document, compiled with the nesting limit; warnings logged.
    fn compile_validators(&self) -> Result<Validators, BuildError> {
        let mut validators = Validators::compile(&self.doc)?;
        // E.g. AsyncAPI 3.x examples that do not match their schemas: logged, not fatal.
        for warning in validators.warnings() {
            tracing::warn!("{warning}");
        }
        validators.set_max_depth(self.limits.max_nesting_depth);
        Ok(validators)
    }

    /// Every handler id the document names has a function, every registered id is named, and
    /// every ingress event without an `x-handler` is routed in code.
    fn check_handlers(&self, routes: &RoutedHandlers<'_, S, A>) -> Result<(), BuildError> {
        let named = self.doc.api.handler_ids();
        let mut missing: Vec<(String, String)> = named
            .iter()
            .filter(|(id, _)| !self.handlers.contains_key(id))
            .cloned()
            .collect();
        for ns in &self.doc.api.namespaces {
            let unrouted = |e: &&Event| {
                e.handler.is_none() && !routes.contains_key(&(ns.path.as_str(), e.name.as_str()))
            };
            for ev in ns.ingress.iter().filter(unrouted) {
                missing.push((
                    "<none>".into(),
                    format!(
                        "namespace {} event '{}' has no x-handler; route it with .on({:?}, {:?}, handler)",
                        ns.path, ev.name, ns.path, ev.name
                    ),
                ));
            }
        }
        let named_ids: BTreeSet<&str> = named.iter().map(|(id, _)| id.as_str()).collect();
        let mut unknown: Vec<String> = self
            .handlers
            .keys()
            .filter(|id| !named_ids.contains(id.as_str()))
            .cloned()
            .collect();
        unknown.sort();
        if missing.is_empty() && unknown.is_empty() {
            Ok(())
        } else {
            Err(BuildError::Handlers { missing, unknown })
        }
    }
}

/// The server the builder runs as: the one named, else the document's only one; `None` when
/// the document has several and none of them is secured.
fn select_server<'a>(api: &'a Api, name: Option<&str>) -> Result<Option<&'a Server>, BuildError> {
    match name {
        Some(name) => Ok(Some(api.server_named(name)?)),
        None if api.servers.len() == 1 => Ok(api.servers.first()),
        None => {
            let secured: Vec<&str> = api
                .servers
                .iter()
                .filter(|s| !s.security.is_empty())
                .map(|s| s.name.as_str())
                .collect();
            if secured.is_empty() {
                Ok(None)
            } else {
                Err(BuildError::AmbiguousServer(secured.join(", ")))
            }
        }
    }
}

/// Checks the [`AsynctionSocketIo::on`] routes against the document; returns their
/// handlers by `(namespace, event)`.
fn check_routes<'a, S, A: Adapter>(
    api: &'a Api,
    code_routes: &[CodeRoute<S, A>],
) -> Result<RoutedHandlers<'a, S, A>, BuildError> {
    let mut routes = HashMap::new();
    let mut errors = Vec::new();
    for r in code_routes {
        let (namespace, event) = (r.namespace.clone(), r.event.clone());
        let Some(ns) = api.namespaces.iter().find(|ns| ns.path == r.namespace) else {
            let available = api.namespaces.iter().map(|ns| ns.path.as_str());
            errors.push(RouteError::UnknownNamespace {
                namespace,
                event,
                available: available.collect::<Vec<_>>().join(", "),
            });
            continue;
        };
        let Some(ev) = ns.ingress.iter().find(|e| e.name == r.event) else {
            let receives = ns.ingress.iter().map(|e| format!("'{}'", e.name));
            let receives = receives.collect::<Vec<_>>().join(", ");
            errors.push(RouteError::UnknownEvent {
                namespace,
                event,
                receives: if receives.is_empty() {
                    "no events".into()
                } else {
                    receives
                },
            });
            continue;
        };
        if let Some(id) = &ev.handler {
            errors.push(RouteError::AlsoXHandler {
                namespace,
                event,
                handler_id: id.clone(),
            });
            continue;
        }
        let key = (ns.path.as_str(), ev.name.as_str());
        if routes.insert(key, r.handler.clone()).is_some() {
            errors.push(RouteError::Duplicate { namespace, event });
        }
    }
    if errors.is_empty() {
        Ok(routes)
    } else {
        Err(BuildError::Routes(errors))
    }
}

/// What socketioxide is configured with.
struct SocketIoSettings<'a> {
    path: &'a str,
    ack_timeout: std::time::Duration,
    limits: &'a super::Limits,
    /// Replaces the JSON parser (and its attachment limits).
    parser: Option<Configure>,
    /// The user's own settings, applied last.
    configure: Vec<Configure>,
}

impl SocketIoSettings<'_> {
    /// socketioxide's builder: asynction's limits, the parser, then the user's settings.
    fn builder(self) -> SocketIoBuilder<LocalAdapter> {
        let limits = self.limits;
        let frame = usize::try_from(limits.max_payload).unwrap_or(usize::MAX);
        let mut builder = SocketIo::builder()
            .req_path(self.path.to_owned())
            .ack_timeout(self.ack_timeout)
            .max_payload(limits.max_payload)
            .ws_max_message_size(frame)
            .ws_max_frame_size(frame)
            .with_parser(
                ParserConfig::common()
                    .max_incoming_binaries(limits.max_binary_attachments)
                    .max_incoming_binary_buf_size(frame),
            );
        if let Some(parser) = self.parser {
            builder = parser(builder);
        }
        for f in self.configure {
            builder = f(builder);
        }
        builder
    }
}

/// Where each ingress event's handler comes from: the registered functions (by `x-handler`
/// id, else by code route), or a generator that supplies every one.
struct HandlerTable<'a, S, A: Adapter> {
    by_id: &'a HashMap<String, BoxedHandler<S, A>>,
    routes: RoutedHandlers<'a, S, A>,
    generated: Option<&'a GeneratedHandlers<S, A>>,
}

impl<S, A: Adapter> HandlerTable<'_, S, A> {
    /// The handler of ingress event `e` of `ns`, if it has one.
    fn event(&self, ns: &Namespace, e: &Event) -> Option<BoxedHandler<S, A>> {
        if let Some(make) = self.generated {
            return Some(make(ns, e));
        }
        match &e.handler {
            Some(id) => self.by_id.get(id).cloned(),
            None => self
                .routes
                .get(&(ns.path.as_str(), e.name.as_str()))
                .cloned(),
        }
    }

    /// A `connect`, `disconnect` or `error` handler named by `id` (none with generated
    /// handlers).
    fn lifecycle(&self, id: &Option<String>) -> Option<BoxedHandler<S, A>> {
        if self.generated.is_some() {
            return None;
        }
        id.as_ref().and_then(|id| self.by_id.get(id).cloned())
    }
}

/// What every namespace of one server is assembled from.
struct Assembly<'a, S, A: Adapter> {
    table: HandlerTable<'a, S, A>,
    rt: &'a Arc<SpecRuntime>,
    observer: &'a dyn Observer,
    state: &'a S,
    io: &'a SocketIo<A>,
}

impl<S: Clone, A: Adapter> Assembly<'_, S, A> {
    /// Document namespace `ns`: its runtime, its events' routes (handler, compiled schemas,
    /// observer) and its lifecycle handlers.
    fn namespace(&self, ns: &Namespace) -> Arc<NamespaceHandlers<S, A>> {
        let validators = self
            .rt
            .namespaces
            .validators()
            .namespace(&ns.path)
            .cloned()
            .unwrap_or_default();
        let observer = self.observer.namespace(ns);
        let events = ns
            .ingress
            .iter()
            .filter_map(|e| {
                let route = EventRoute {
                    handler: self.table.event(ns, e)?,
                    validators: validators.ingress.get(&e.name).cloned().unwrap_or_default(),
                    observer: observer.event(&e.name),
                };
                Some((e.name.clone(), route))
            })
            .collect();
        Arc::new(NamespaceHandlers {
            unknown_event: observer.unlisted_event(),
            runtime: Arc::new(NamespaceRuntime {
                doc_path: ns.path.clone(),
                validators,
                state: self.state.clone(),
                rt: self.rt.clone(),
                io: self.io.clone(),
                observer,
            }),
            events,
            connect: self.table.lifecycle(&ns.handlers.connect),
            disconnect: self.table.lifecycle(&ns.handlers.disconnect),
            error: self.table.lifecycle(&ns.handlers.error),
        })
    }
}

/// Registers one namespace; a static namespace returns its adapter initialisation, not yet
/// started.
fn register<S: Clone + Send + Sync + 'static, A: Adapter + DefinedAdapter>(
    io: &SocketIo<A>,
    nsh: Arc<NamespaceHandlers<S, A>>,
) -> Result<Option<A::InitRes>, BuildError> {
    let on_connect = {
        let nsh = nsh.clone();
        move |s: SocketRef<A>| {
            let nsh = nsh.clone();
            async move {
                nsh.runtime.observer.connected(&SocketInfo::of(&s));
                after_connect(&nsh.runtime, &s).await;
            }
        }
    };
    let middleware = {
        let nsh = nsh.clone();
        move |s: SocketRef<A>, TryData(auth): TryData<Value>| {
            let nsh = nsh.clone();
            let auth = auth.ok().filter(|v| !v.is_null());
            async move {
                let accepted = accept(nsh.clone(), s.clone(), auth).await;
                // The dispatcher is installed here, before CONNECT is sent: socketioxide spawns
                // the connect handler only after sending CONNECT, so an event the client sends
                // as soon as it is connected could be handled first (on a multi-thread
                // runtime), find no handler, and be dropped.
                if accepted.is_ok() {
                    serve(nsh, s);
                }
                accepted
            }
        }
    };
    let path = nsh.runtime.doc_path.clone();
    if path.contains('{') {
        io.dyn_ns(path.clone(), on_connect.with(middleware))
            .map_err(|e| BuildError::Namespace {
                path,
                reason: e.to_string(),
            })?;
        Ok(None)
    } else {
        Ok(Some(io.ns(path, on_connect.with(middleware))))
    }
}
