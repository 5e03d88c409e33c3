//! axum routes serving the docs page and the document, rendered once when the router is made.

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use http::{HeaderValue, StatusCode, header};

use super::{DocsError, DocsOptions, console, live, render, resolved_json};
use crate::spec::Document;

/// The Content-Security-Policy of every docs response: the page may load nothing, run no
/// script, submit no form and be framed by nobody; only its own inline `<style>` and `data:`
/// images apply.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The Content-Security-Policy of the docs with the console on ([`DocsOptions::console`]):
/// as [`CONTENT_SECURITY_POLICY`], plus the page's own scripts (`script-src 'self'`: files
/// served by asynction, never inline, no `eval`) and connections to its own origin
/// (`connect-src 'self'`: `console.json` and the Socket.IO WebSocket); also the CSP of a page
/// that reloads itself ([`DocsOptions::live_reload`]: `live.js`, `events`).
pub const CONSOLE_CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Routes serving the docs of `doc` under `{base}/docs`, where `{base}` is the parent of
/// [`DocsOptions::socketio_path`] ([`crate::model::docs_base`]):
///
/// - `GET {base}/docs`: the HTML page;
/// - `GET {base}/docs/asyncapi.json`: the resolved document (every `$ref` inlined);
/// - `GET {base}/docs/asyncapi.yaml`: the document as written;
/// - with [`DocsOptions::console`]: `GET {base}/docs/console.json` (what the console needs)
///   and `GET {base}/docs/console/*.js` (its scripts);
/// - with [`DocsOptions::live_reload`]: `GET {base}/docs/live.js` (the stream,
///   `{base}/docs/events`, is served by whoever replaces the document: [`crate::docs::live_reload_events`]).
///
/// The page is rendered here, once. If it cannot be rendered (an unknown
/// [`DocsOptions::server`]), the error is logged and the page answers
/// `500 Internal Server Error` with the message; use [`try_router`] to get the error instead.
///
/// ```
/// # use asynction::{Document, docs::{DocsOptions, router}};
/// let doc = Document::from_text(r#"
/// asyncapi: 2.6.0
/// info: { title: Echo, version: "1" }
/// channels:
///   /: { publish: { message: { name: echo, payload: { type: string } } } }
/// "#).unwrap();
/// let app: axum::Router = router(&doc, DocsOptions::default().socketio_path("/events/socket.io"));
/// // Serves /events/docs, /events/docs/asyncapi.json and /events/docs/asyncapi.yaml.
/// ```
pub fn router(doc: &Document, options: DocsOptions) -> Router {
    match try_router(doc, options.clone()) {
        Ok(router) => router,
        Err(error) => {
            tracing::error!(%error, "the docs page could not be rendered");
            let message = error.to_string();
            Router::new().route(
                &options.docs_path(),
                get(move || {
                    let message = message.clone();
                    async move { (StatusCode::INTERNAL_SERVER_ERROR, message) }
                }),
            )
        }
    }
}

/// [`router`], failing when the page cannot be rendered.
pub fn try_router(doc: &Document, options: DocsOptions) -> Result<Router, DocsError> {
    let docs_path = options.docs_path();
    let csp = if options.console || options.live_reload {
        CONSOLE_CONTENT_SECURITY_POLICY
    } else {
        CONTENT_SECURITY_POLICY
    };
    let html = Bytes::from(render::render_html(doc, &options)?);
    let json = Bytes::from(resolved_json(doc));
    let yaml = Bytes::from(doc.text.to_string());
    let mut router = Router::new()
        .route(
            &docs_path,
            get(move || respond(html.clone(), "text/html; charset=utf-8", csp)),
        )
        .route(
            &format!("{docs_path}/asyncapi.json"),
            get(move || respond(json.clone(), "application/json", csp)),
        )
        .route(
            &format!("{docs_path}/asyncapi.yaml"),
            get(move || respond(yaml.clone(), "application/yaml; charset=utf-8", csp)),
        );
    if options.console {
        let data = Bytes::from(console::console_data(doc, &options).to_string());
        router = router.route(
            &format!("{docs_path}/console.json"),
            get(move || respond(data.clone(), "application/json", csp)),
        );
        for (name, script) in console::SCRIPTS {
            router = router.route(
                &format!("{docs_path}/console/{name}"),
                get(move || {
                    respond(
                        Bytes::from_static(script.as_bytes()),
                        "text/javascript; charset=utf-8",
                        csp,
                    )
                }),
            );
        }
    }
    if options.live_reload {
        router = router.route(
            &format!("{docs_path}/live.js"),
            get(move || {
                respond(
                    Bytes::from_static(live::SCRIPT.as_bytes()),
                    "text/javascript; charset=utf-8",
                    csp,
                )
            }),
        );
    }
    Ok(router)
}

async fn respond(body: Bytes, content_type: &'static str, csp: &'static str) -> Response {
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ];
    (headers, body).into_response()
}
