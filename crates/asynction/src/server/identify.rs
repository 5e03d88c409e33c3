//! How an asynction server names itself: `Server: asynction/VERSION`, the standard header for
//! the software that handled a request (RFC 9110 §10.2.4), on every HTTP response of its router
//! (the Engine.IO handshake, the websocket upgrade, polling requests, the docs).
//!
//! Contract tests read it from the Engine.IO handshake to know which refusal rules apply: an
//! asynction server answers every invalid event that asks for an ack (with an error ack), a
//! convention that other servers, which only owe what their document declares, do not follow
//! (`asynction test --refusals`). The header is set only when the response has none, so a layer
//! of the application's own that sets `Server` wins; to send none, remove it in an outer layer
//! (or at a reverse proxy, which nginx does by default).

use axum::http::HeaderValue;
use axum::http::header::SERVER;
use tower_http::set_header::SetResponseHeaderLayer;

/// The product name in the `Server` header (`Server: asynction/0.1.0`).
pub const SERVER_PRODUCT: &str = "asynction";

/// `asynction/VERSION`, this crate's version.
pub fn server_header() -> HeaderValue {
    HeaderValue::from_static(concat!("asynction/", env!("CARGO_PKG_VERSION")))
}

/// The layer that sets [`server_header`] on every response that has no `Server` header:
/// [`Asynction::into_router`](crate::Asynction::into_router) and the mock's router include it;
/// add it yourself when you mount [`Asynction::layer`](crate::Asynction::layer) in a router of
/// your own and want `asynction test` to recognise the server.
///
/// ```
/// let router = axum::Router::<()>::new().layer(asynction::identify_layer());
/// # let _ = router;
/// ```
pub fn identify_layer() -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(SERVER, server_header())
}
