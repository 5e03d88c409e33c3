//! The model → the page: a view of everything shown, rendered by the embedded minijinja
//! templates (`templates/page.html`, autoescaped).
//!
//! All decisions (what security applies, which example to show, how a schema reads) are made
//! here in Rust and handed to the template as plain data; the template only lays it out. Text
//! from the document reaches the page either autoescaped or, for `*_html` fields, as the output
//! of [`markdown::to_safe_html`].

use std::collections::HashSet;

use minijinja::value::Serde;
use minijinja::{Environment, context};
use serde::Serialize;
use serde_json::Value;

use super::console::{self, ConsoleLinks, EventConsole, NamespaceConsole};
use super::live::LiveLinks;
use super::schema_tree::{self, SchemaNode};
use super::{DocsError, DocsOptions, markdown, requirements};
use crate::model::{ArgumentList, Event, Namespace, SecurityRequirement, SecurityScheme, Server};
use crate::spec::Document;
use crate::validate::ExampleCheck;

/// Longest example payload shown, in characters of pretty JSON.
const MAX_EXAMPLE_CHARS: usize = 20_000;
/// Longest example put into a code snippet before it is replaced by a placeholder.
const MAX_SNIPPET_VALUE_CHARS: usize = 160;

/// Where the page links to the two machine-readable forms of the document.
#[derive(Debug, Clone, Serialize)]
pub(super) struct DocumentLinks {
    /// The resolved document (`asyncapi.json`).
    pub json: String,
    /// The document as written (`asyncapi.yaml`).
    pub yaml: String,
}

impl DocumentLinks {
    /// Absolute links under the docs path of `options`.
    pub(super) fn served(options: &DocsOptions) -> Self {
        let docs = options.docs_path();
        Self {
            json: format!("{docs}/asyncapi.json"),
            yaml: format!("{docs}/asyncapi.yaml"),
        }
    }
}

/// Renders the docs page for a loaded document.
///
/// Fails only when [`DocsOptions::server`] names a server the document lacks (or, as a bug,
/// when the embedded template fails).
pub fn render_html(doc: &Document, options: &DocsOptions) -> Result<String, DocsError> {
    let console = options.console.then(|| ConsoleLinks::served(options));
    let live = options.live_reload.then(|| LiveLinks::served(doc, options));
    render_with_links(
        doc,
        options,
        &DocumentLinks::served(options),
        console.as_ref(),
        live.as_ref(),
    )
}

/// [`render_html`] with explicit links to `asyncapi.json` and `asyncapi.yaml`, and to the
/// console's scripts and data when the console is on, and to the live-reload script and stream
/// when the page reloads itself.
pub(crate) fn render_with_links(
    doc: &Document,
    options: &DocsOptions,
    links: &DocumentLinks,
    console: Option<&ConsoleLinks>,
    live: Option<&LiveLinks>,
) -> Result<String, DocsError> {
    let mut page = PageBuilder::new(doc, options)?.page(links, console);
    page.live = live.cloned();
    let mut env = Environment::new();
    env.add_template("page.html", include_str!("templates/page.html"))?;
    env.add_template("styles.html", include_str!("templates/styles.html"))?;
    env.add_template("schema.html", include_str!("templates/schema.html"))?;
    env.add_template("security.html", include_str!("templates/security.html"))?;
    env.add_template("event.html", include_str!("templates/event.html"))?;
    env.add_template("console.html", include_str!("templates/console.html"))?;
    let html = env
        .get_template("page.html")?
        .render(context! { page => Serde(&page) })?;
    Ok(html)
}

#[derive(Serialize)]
struct Page {
    title: String,
    version: String,
    asyncapi: String,
    description_html: Option<String>,
    socketio_path: String,
    /// The metrics route, when the server serves one.
    metrics_path: Option<String>,
    links: DocumentLinks,
    servers: Vec<ServerView>,
    schemes: Vec<SchemeView>,
    namespaces: Vec<NamespaceView>,
    generator: String,
    /// The console's scripts and data, when it is on.
    console: Option<ConsoleLinks>,
    /// The live-reload script, stream and version, when the page reloads itself.
    live: Option<LiveLinks>,
}

#[derive(Serialize)]
struct ServerView {
    name: String,
    url: String,
    protocol: String,
    socketio_path: String,
    description_html: Option<String>,
    security: SecurityView,
    /// Its connection state recovery (`sessions kept 120 s after a disconnect`), when on.
    recovery: Option<String>,
}

#[derive(Serialize)]
struct SchemeView {
    anchor: String,
    name: String,
    kind_text: String,
    description_html: Option<String>,
}

/// One set of security requirements and where it comes from.
#[derive(Serialize)]
struct SecurityView {
    /// `public`, `none`, `required`.
    state: &'static str,
    note: String,
    /// Alternatives (any one suffices); each lists schemes that must all pass.
    alternatives: Vec<Vec<SchemeUse>>,
}

#[derive(Serialize)]
struct SchemeUse {
    name: String,
    href: String,
    kind_text: String,
    scopes: Vec<String>,
}

#[derive(Serialize)]
struct NamespaceView {
    anchor: String,
    path: String,
    dynamic: bool,
    connect_snippet: String,
    /// The same with the client `asynction generate python` writes.
    connect_snippet_py: String,
    description_html: Option<String>,
    parameters: Vec<NamedTree>,
    handshake: Option<HandshakeView>,
    security: Vec<SecurityView>,
    ingress: Vec<EventView>,
    egress: Vec<EventView>,
    /// The console region (index into `console.json`'s namespaces = this view's position).
    console: Option<NamespaceConsole>,
    /// The connection state recovery of the page's server, when on (see
    /// `PageBuilder::recovery`).
    recovery: Option<String>,
}

#[derive(Serialize)]
struct NamedTree {
    name: String,
    tree: SchemaNode,
}

#[derive(Serialize)]
struct HandshakeView {
    method: Option<String>,
    query: Option<SchemaNode>,
    headers: Option<SchemaNode>,
}

#[derive(Serialize)]
struct EventView {
    anchor: String,
    name: String,
    /// `send` (client → server) or `receive` (server → client), from the client's side.
    direction: &'static str,
    /// `summary` rendered as safe CommonMark, like `description`.
    summary_html: Option<String>,
    description_html: Option<String>,
    payload: Option<SchemaNode>,
    arguments: String,
    ack: Option<SchemaNode>,
    ack_arguments: Option<String>,
    examples: Vec<ExampleView>,
    ack_example: Option<ExampleView>,
    snippet: String,
    /// The same with the client `asynction generate python` writes.
    snippet_py: String,
    /// The console's form, for client-sent events when the console is on.
    console: Option<EventConsole>,
}

#[derive(Serialize)]
struct ExampleView {
    json: String,
    /// `document` or `generated`.
    source: &'static str,
}

struct PageBuilder<'a> {
    doc: &'a Document,
    options: &'a DocsOptions,
    servers: Vec<&'a Server>,
    anchors: HashSet<String>,
    /// Which message examples match their schemas (only those are shown).
    examples: ExampleCheck,
}

impl<'a> PageBuilder<'a> {
    fn new(doc: &'a Document, options: &'a DocsOptions) -> Result<Self, DocsError> {
        let api = &doc.api;
        let servers: Vec<&Server> = match &options.server {
            Some(name) => vec![api.server_named(name)?],
            None => api.servers.iter().collect(),
        };
        Ok(Self {
            doc,
            options,
            servers,
            anchors: HashSet::new(),
            examples: ExampleCheck::run(doc),
        })
    }

    fn page(mut self, links: &DocumentLinks, console: Option<&ConsoleLinks>) -> Page {
        let api = self.doc.api.clone();
        let schemes = api
            .security_schemes
            .values()
            .map(|s| SchemeView {
                anchor: scheme_anchor(&s.name),
                name: s.name.clone(),
                kind_text: requirements::how(&s.kind),
                description_html: s.description.as_deref().map(markdown::to_safe_html),
            })
            .collect();
        let servers = self
            .servers
            .iter()
            .map(|s| ServerView {
                name: s.name.clone(),
                url: s.url.clone(),
                protocol: s.protocol.clone(),
                socketio_path: s.socketio_path.clone(),
                description_html: s.description.as_deref().map(markdown::to_safe_html),
                security: self.requirements_view(&s.security, "Set on this server.".to_owned()),
                recovery: api.recovery_for(Some(s)).map(|r| r.to_string()),
            })
            .collect();
        let namespaces = api.namespaces.iter().map(|ns| self.namespace(ns)).collect();
        Page {
            title: api.info.title.clone(),
            version: api.info.version.clone(),
            asyncapi: api.asyncapi.clone(),
            description_html: api.info.description.as_deref().map(markdown::to_safe_html),
            socketio_path: self.options.socketio_path.clone(),
            metrics_path: self.options.metrics_path.clone(),
            links: links.clone(),
            servers,
            schemes,
            namespaces,
            generator: format!("asynction {}", env!("CARGO_PKG_VERSION")),
            console: console.cloned(),
            live: None,
        }
    }

    /// The connection state recovery every namespace of the page has: the one server's shown
    /// (named by the options, or the document's only one), else the document's root one (which
    /// every server without its own has; each server's card says its own).
    fn recovery(&self) -> Option<crate::model::Recovery> {
        match self.servers.as_slice() {
            [server] => self.doc.api.recovery_for(Some(server)),
            _ => self.doc.api.recovery,
        }
    }

    /// A unique `id` built from `base`.
    fn anchor(&mut self, base: String) -> String {
        let mut candidate = base.clone();
        let mut n = 1;
        while !self.anchors.insert(candidate.clone()) {
            n += 1;
            candidate = format!("{base}-{n}");
        }
        candidate
    }

    fn namespace(&mut self, ns: &Namespace) -> NamespaceView {
        let slug = slug(&ns.path, "root");
        let anchor = self.anchor(format!("ns-{slug}"));
        let resolved = &*self.doc.resolved;
        let parameters = ns
            .parameters
            .iter()
            .map(|(name, schema)| NamedTree {
                name: name.clone(),
                tree: schema_tree::build(
                    schema,
                    &format!("{anchor}-param-{}", slug_of(name)),
                    resolved,
                ),
            })
            .collect();
        let b = &ns.bindings;
        let handshake = (!b.is_empty()).then(|| HandshakeView {
            method: b.method.clone(),
            query: b
                .query
                .as_ref()
                .map(|s| schema_tree::build(s, &format!("{anchor}-query"), resolved)),
            headers: b
                .headers
                .as_ref()
                .map(|s| schema_tree::build(s, &format!("{anchor}-headers"), resolved)),
        });
        let security = self.namespace_security(ns);
        let console = self.options.console.then(|| {
            let requirements: Vec<&SecurityRequirement> = match &ns.security {
                Some(reqs) => reqs.iter().collect(),
                None => self
                    .servers
                    .iter()
                    .flat_map(|s| s.security.iter())
                    .collect(),
            };
            console::namespace_console(self.doc, ns, &requirements)
        });
        let ingress = ns
            .ingress
            .iter()
            .map(|ev| self.event(ev, &slug, true))
            .collect();
        let egress = ns
            .egress
            .iter()
            .map(|ev| self.event(ev, &slug, false))
            .collect();
        NamespaceView {
            anchor,
            path: ns.path.clone(),
            dynamic: ns.is_dynamic(),
            connect_snippet: format!(
                "const socket = io({}, {{ path: {} }});",
                js_string(&ns.path),
                js_string(&self.options.socketio_path)
            ),
            connect_snippet_py: python_connect_snippet(&ns.path, &self.options.socketio_path),
            description_html: ns.description.as_deref().map(markdown::to_safe_html),
            parameters,
            handshake,
            security,
            ingress,
            egress,
            console,
            recovery: self.recovery().map(|r| r.to_string()),
        }
    }

    /// `Some(vec![])` makes a namespace public; `None` inherits each shown server's rules.
    fn namespace_security(&self, ns: &Namespace) -> Vec<SecurityView> {
        if let Some(reqs) = &ns.security {
            if reqs.is_empty() {
                return vec![SecurityView {
                    state: "public",
                    note: "Public: this namespace requires no credentials, whatever the server requires.".to_owned(),
                    alternatives: Vec::new(),
                }];
            }
            return vec![self.requirements_view(reqs, "Set on this namespace.".to_owned())];
        }
        let mut views: Vec<(Vec<String>, &Vec<SecurityRequirement>)> = Vec::new();
        for server in &self.servers {
            match views.iter_mut().find(|(_, reqs)| **reqs == server.security) {
                Some((names, _)) => names.push(server.name.clone()),
                None => views.push((vec![server.name.clone()], &server.security)),
            }
        }
        if views.is_empty() {
            return vec![SecurityView {
                state: "none",
                note: "No credentials required.".to_owned(),
                alternatives: Vec::new(),
            }];
        }
        views
            .into_iter()
            .map(|(names, reqs)| {
                let plural = if names.len() == 1 {
                    "server"
                } else {
                    "servers"
                };
                let source = format!("{plural} {}", names.join(", "));
                match reqs.is_empty() {
                    true => SecurityView {
                        state: "none",
                        note: format!("No credentials required (as on {source})."),
                        alternatives: Vec::new(),
                    },
                    false => self.requirements_view(reqs, format!("Inherited from {source}.")),
                }
            })
            .collect()
    }

    fn requirements_view(&self, reqs: &[SecurityRequirement], note: String) -> SecurityView {
        if reqs.is_empty() {
            return SecurityView {
                state: "none",
                note: "No credentials required.".to_owned(),
                alternatives: Vec::new(),
            };
        }
        let schemes = &self.doc.api.security_schemes;
        let alternatives = reqs
            .iter()
            .map(|req| {
                req.schemes
                    .iter()
                    .map(|(name, scopes)| SchemeUse {
                        name: display_scheme_name(name, schemes.get(name)),
                        href: format!("#{}", scheme_anchor(name)),
                        kind_text: schemes
                            .get(name)
                            .map(|s| requirements::how(&s.kind))
                            .unwrap_or_default(),
                        scopes: scopes.clone(),
                    })
                    .collect()
            })
            .collect();
        SecurityView {
            state: "required",
            note,
            alternatives,
        }
    }

    fn event(&mut self, ev: &Event, ns_slug: &str, ingress: bool) -> EventView {
        let direction = if ingress { "send" } else { "receive" };
        let anchor = self.anchor(format!(
            "ev-{ns_slug}-{direction}-{}",
            slug(&ev.name, "event")
        ));
        let resolved = &*self.doc.resolved;
        let generate = |schema: &crate::model::Schema| {
            self.options
                .example_generator
                .as_ref()
                .and_then(|g| g(schema))
        };
        // Only examples that match their schemas are shown (the others are reported when the
        // document is compiled).
        let valid = self.examples.valid_payloads(ev);
        let mut examples: Vec<ExampleView> = valid
            .iter()
            .map(|v| ExampleView {
                json: pretty(v),
                source: "document",
            })
            .collect();
        let mut snippet_value = valid.first().cloned();
        if examples.is_empty()
            && let Some(value) = ev.payload.as_ref().and_then(generate)
        {
            examples.push(ExampleView {
                json: pretty(&value),
                source: "generated",
            });
            snippet_value = Some(value);
        }
        let ack_example = ev.ack.as_ref().and_then(generate).map(|v| ExampleView {
            json: pretty(&v),
            source: "generated",
        });
        let spread = ev
            .payload
            .as_ref()
            .is_some_and(|p| p.arguments == ArgumentList::Spread);
        EventView {
            name: ev.name.clone(),
            direction,
            summary_html: ev.summary.as_deref().map(markdown::to_safe_html),
            description_html: ev.description.as_deref().map(markdown::to_safe_html),
            payload: ev
                .payload
                .as_ref()
                .map(|s| schema_tree::build(s, &format!("{anchor}-payload"), resolved)),
            arguments: match &ev.payload {
                Some(schema) => schema_tree::argument_rule(schema),
                None => "any arguments (the document gives no payload schema)".to_owned(),
            },
            ack: ev
                .ack
                .as_ref()
                .map(|s| schema_tree::build(s, &format!("{anchor}-ack"), resolved)),
            ack_arguments: ev.ack.as_ref().map(schema_tree::argument_rule),
            examples,
            ack_example,
            snippet: snippet(
                &ev.name,
                ingress,
                spread,
                ev.ack.is_some(),
                snippet_value.as_ref(),
            ),
            snippet_py: python_snippet(&ev.name, ingress, spread, ev.ack.is_some()),
            console: (ingress && self.options.console)
                .then(|| console::event_console(ev, snippet_value.as_ref())),
            anchor,
        }
    }
}

/// A line of Socket.IO client code that sends or handles the event.
fn snippet(
    name: &str,
    ingress: bool,
    spread: bool,
    acked: bool,
    example: Option<&Value>,
) -> String {
    let name = js_string(name);
    if ingress {
        let args = match example {
            Some(Value::Array(items)) if spread => items
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            Some(value) => value.to_string(),
            None if spread => "...args".to_owned(),
            None => "payload".to_owned(),
        };
        let args = if args.chars().count() > MAX_SNIPPET_VALUE_CHARS {
            if spread {
                "...args".to_owned()
            } else {
                "payload".to_owned()
            }
        } else {
            args
        };
        let args = if args.is_empty() {
            String::new()
        } else {
            format!(", {args}")
        };
        if acked {
            format!("const ack = await socket.emitWithAck({name}{args});")
        } else {
            format!("socket.emit({name}{args});")
        }
    } else {
        let params = match (spread, acked) {
            (true, true) => "(...args) => { /* the last argument is the ack callback */ }",
            (true, false) => "(...args) => { … }",
            (false, true) => "(payload, ack) => { ack(reply); }",
            (false, false) => "(payload) => { … }",
        };
        format!("socket.on({name}, {params});")
    }
}

/// `connect` of the package `asynction generate python` writes (an async context manager).
fn python_connect_snippet(path: &str, socketio_path: &str) -> String {
    let mut args = js_string(path);
    if socketio_path != "/socket.io" {
        args.push_str(&format!(", socketio_path={}", js_string(socketio_path)));
    }
    format!(
        "async with connect(\"http://localhost:5000\", {args}) as ns:  # asynction generate python"
    )
}

/// The same as [`snippet`] with the Python client: methods are named as the generator names
/// them (`add user` acked → `add_user`, else `emit_add_user`; server events `on_…`).
fn python_snippet(name: &str, ingress: bool, spread: bool, acked: bool) -> String {
    let method = python_identifier(name);
    let args = if spread { "args" } else { "payload" };
    match (ingress, acked) {
        (true, true) => format!("ack = await ns.{method}({args})"),
        (true, false) => format!("await ns.emit_{method}({args})"),
        (false, true) => format!(
            "@ns.on_{method}\ndef handle({args}):\n    return reply  # the ack, checked against the document"
        ),
        (false, false) => format!("@ns.on_{method}\ndef handle({args}):\n    ..."),
    }
}

/// A snake_case Python identifier: words are ASCII letter/digit runs split at camelCase
/// boundaries (the rule of `asynction_codegen`'s naming, which this crate does not depend on).
fn python_identifier(name: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    for run in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let chars: Vec<char> = run.chars().collect();
        let mut current = String::new();
        for (i, &c) in chars.iter().enumerate() {
            let boundary = i > 0 && c.is_ascii_uppercase() && {
                let prev = chars[i - 1];
                let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
                prev.is_ascii_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_ascii_uppercase() && next_lower)
            };
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        }
        if !current.is_empty() {
            words.push(current);
        }
    }
    let ident = words.join("_");
    if ident.is_empty() {
        "event".to_owned()
    } else if ident.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n_{ident}")
    } else {
        ident
    }
}

/// A JavaScript string literal (JSON strings are valid JavaScript).
fn js_string(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}

fn pretty(value: &Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    if text.chars().count() <= MAX_EXAMPLE_CHARS {
        return text;
    }
    let cut: String = text.chars().take(MAX_EXAMPLE_CHARS).collect();
    format!("{cut}\n… (cut; see asyncapi.json)")
}

fn scheme_anchor(name: &str) -> String {
    format!("scheme-{}", slug(name, "scheme"))
}

/// 3.0 inline schemes are named after where they are written; show them by type instead.
fn display_scheme_name(name: &str, scheme: Option<&SecurityScheme>) -> String {
    match (name.strip_prefix("inline:"), scheme) {
        (Some(_), Some(s)) => format!("inline {}", requirements::how(&s.kind)),
        _ => name.to_owned(),
    }
}

/// Lowercase ASCII letters and digits joined by `-`; `fallback` when nothing is left.
fn slug(text: &str, fallback: &str) -> String {
    let s = slug_of(text);
    if s.is_empty() { fallback.to_owned() } else { s }
}

fn slug_of(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("/", "root"), "root");
        assert_eq!(slug("/chat", "root"), "chat");
        assert_eq!(slug("/rooms/{roomId}/Live", "root"), "rooms-roomid-live");
        assert_eq!(slug("chat message", "event"), "chat-message");
    }

    #[test]
    fn snippets_read_like_client_code() {
        let ex = serde_json::json!([1, "up"]);
        assert_eq!(
            snippet("move", true, true, false, Some(&ex)),
            r#"socket.emit("move", 1, "up");"#
        );
        let ex = serde_json::json!({"text": "hi"});
        assert_eq!(
            snippet("say", true, false, true, Some(&ex)),
            r#"const ack = await socket.emitWithAck("say", {"text":"hi"});"#
        );
        assert_eq!(
            snippet("news", false, false, false, None),
            r#"socket.on("news", (payload) => { … });"#
        );
        assert_eq!(
            python_snippet("add user", true, false, true),
            "ack = await ns.add_user(payload)"
        );
        assert_eq!(
            python_snippet("newMessage", true, true, false),
            "await ns.emit_new_message(args)"
        );
        assert_eq!(
            python_snippet("user joined", false, false, false),
            "@ns.on_user_joined\ndef handle(payload):\n    ..."
        );
        assert_eq!(
            python_connect_snippet("/chat", "/api/socket.io"),
            "async with connect(\"http://localhost:5000\", \"/chat\", socketio_path=\"/api/socket.io\") as ns:  # asynction generate python"
        );
    }
}
