//! Resource limits of a server: what one client may send before it is refused.
//!
//! The table is on [`Limits`], the type users see.

use std::convert::Infallible;
use std::task::{Context, Poll};

use axum::response::{IntoResponse, Response};
use futures_util::future::{Either, Ready, ready};
use http::{Request, StatusCode};

/// Default largest Socket.IO message, in bytes (socket.io's own `maxHttpBufferSize`).
pub const DEFAULT_MAX_PAYLOAD: u64 = 1_000_000;

/// Default most binary attachments in one event or ack.
pub const DEFAULT_MAX_BINARY_ATTACHMENTS: usize = 64;

/// Default largest handshake request head (request target plus every header name and value),
/// in bytes: Node's default `maxHeaderSize`.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 16 * 1024;

/// The limits a server applies: what one client may send before it is refused.
///
/// | limit | default | setting | when exceeded |
/// |---|---|---|---|
/// | message size | 1 MB ([`DEFAULT_MAX_PAYLOAD`]) | [`AsynctionSocketIo::max_payload`] | websocket: that client's connection is closed; polling: its POST is refused (413) |
/// | binary attachments per event | 64 ([`DEFAULT_MAX_BINARY_ATTACHMENTS`]) | [`AsynctionSocketIo::max_binary_attachments`] | that client's connection is closed |
/// | instance nesting (arrays/objects) | 128 ([`DEFAULT_MAX_DEPTH`](crate::DEFAULT_MAX_DEPTH)) | [`AsynctionSocketIo::max_nesting_depth`] | `invalid_payload` error ack |
/// | handshake request line + headers | 16 KiB ([`DEFAULT_MAX_HEADER_BYTES`]) | [`AsynctionSocketIo::max_header_bytes`] | HTTP 431, before any Socket.IO processing |
/// | document size, `$ref` expansions | 16 MiB, 100 000 | [`crate::LoadOptions`] | load error |
///
/// A limit refuses only the client that broke it; every other connection keeps being served.
/// The message-size and attachment limits are socketioxide's own (engine.io `max_payload`,
/// `ws_max_message_size`, `ws_max_frame_size`; the common parser's `max_incoming_binaries` and
/// `max_incoming_binary_buf_size`): asynction sets them before any
/// [`AsynctionSocketIo::configure_socketio`] callback, which may override them (a msgpack
/// parser set there brings its own attachment handling).
///
/// [`AsynctionSocketIo::max_payload`]: crate::AsynctionSocketIo::max_payload
/// [`AsynctionSocketIo::max_binary_attachments`]: crate::AsynctionSocketIo::max_binary_attachments
/// [`AsynctionSocketIo::max_nesting_depth`]: crate::AsynctionSocketIo::max_nesting_depth
/// [`AsynctionSocketIo::max_header_bytes`]: crate::AsynctionSocketIo::max_header_bytes
/// [`AsynctionSocketIo::configure_socketio`]: crate::AsynctionSocketIo::configure_socketio
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest Socket.IO message (engine.io packet or websocket message), in bytes.
    pub max_payload: u64,
    /// Most binary attachments in one event or ack.
    pub max_binary_attachments: usize,
    /// Deepest nesting of arrays and objects a validated value may have.
    pub max_nesting_depth: usize,
    /// Largest request head (target and headers) of any HTTP request, in bytes.
    pub max_header_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_payload: DEFAULT_MAX_PAYLOAD,
            max_binary_attachments: DEFAULT_MAX_BINARY_ATTACHMENTS,
            max_nesting_depth: crate::DEFAULT_MAX_DEPTH,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
        }
    }
}

/// A tower layer that answers 431 (Request Header Fields Too Large) to a request whose
/// target and headers together exceed a size, before the inner service sees it.
/// [`Asynction::into_router`](crate::Asynction::into_router) applies it; add it yourself when
/// mounting [`Asynction::layer`](crate::Asynction::layer) into your own app.
#[derive(Debug, Clone, Copy)]
pub struct HeaderLimitLayer {
    max_bytes: usize,
}

impl HeaderLimitLayer {
    /// Refuses request heads larger than `max_bytes`.
    pub fn new(max_bytes: usize) -> Self {
        Self { max_bytes }
    }
}

impl<S> tower::Layer<S> for HeaderLimitLayer {
    type Service = HeaderLimit<S>;
    fn layer(&self, inner: S) -> Self::Service {
        HeaderLimit {
            inner,
            max_bytes: self.max_bytes,
        }
    }
}

/// The service of [`HeaderLimitLayer`].
#[derive(Debug, Clone)]
pub struct HeaderLimit<S> {
    inner: S,
    max_bytes: usize,
}

/// Size of a request head as counted by [`HeaderLimitLayer`]: the request target plus each
/// header's name, value and the 4 bytes of `": "` and CRLF.
pub(crate) fn head_size<B>(req: &Request<B>) -> usize {
    let target = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    target
        + req
            .headers()
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 4)
            .sum::<usize>()
}

impl<S, B> tower::Service<Request<B>> for HeaderLimit<S>
where
    S: tower::Service<Request<B>, Response = Response, Error = Infallible>,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<Ready<Result<Response, Infallible>>, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let size = head_size(&req);
        if size > self.max_bytes {
            tracing::debug!(
                size,
                limit = self.max_bytes,
                path = req.uri().path(),
                "request head too large"
            );
            let body = format!(
                "request header fields too large: {size} bytes, the limit is {}",
                self.max_bytes
            );
            return Either::Left(ready(Ok((
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                body,
            )
                .into_response())));
        }
        Either::Right(self.inner.call(req))
    }
}
