//! How the client reaches a server: every HTTP connection it opens (the websocket upgrade,
//! each polling GET and POST, [`Connector::request`]) comes from a [`Connector`] — a TCP
//! connection to `host:port`, or an in-process pipe served by a tower HTTP service.
//!
//! In process, each connection is a [`tokio::io::duplex`] pair: hyper's HTTP/1.1 server
//! (with upgrades, so websockets work) serves one half with the service in a spawned task,
//! and the client speaks HTTP on the other half exactly as it would on a `TcpStream`. The
//! server's whole stack runs (routing, layers, Engine.IO, Socket.IO) with no port and no
//! socket, so tests of a server need no listener and can run in parallel without sharing one.

use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::io::DuplexStream;
use tokio::net::TcpStream;
use tokio_util::either::Either;

use crate::error::{Error, Result};

/// The `Host` of requests made in process (no DNS name or port is involved).
const IN_PROCESS_AUTHORITY: &str = "in-process";

/// Bytes an in-process pipe buffers in each direction before the writer waits for the reader.
const PIPE_BUFFER: usize = 64 * 1024;

/// A byte stream to the server: TCP, or the client half of an in-process pipe.
pub(crate) type Stream = Either<TcpStream, DuplexStream>;

/// An error a service or a body may return (what hyper accepts).
type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A tower HTTP service the client can reach in process ([`Connector::in_process`],
/// [`crate::ClientBuilder::in_process`]): one that hyper's HTTP/1.1 server can serve from a
/// spawned task — `Clone + Send + 'static`, answering `http::Request<hyper::body::Incoming>`
/// with an `http::Response` of any sendable body. An `axum::Router`, a `socketioxide`
/// service and most `tower` stacks are; it is implemented for every such service, never by
/// hand.
pub trait HttpService:
    tower_service::Service<
        http::Request<Incoming>,
        Response = http::Response<Self::ResponseBody>,
        Future: Send + 'static,
        Error: Into<BoxError>,
    > + Clone
    + Send
    + 'static
{
    /// The body of the service's responses.
    type ResponseBody: hyper::body::Body<Data: Send, Error: Into<BoxError>> + Send + 'static;
}

impl<S, B> HttpService for S
where
    S: tower_service::Service<http::Request<Incoming>, Response = http::Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: hyper::body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type ResponseBody = B;
}

/// Where the client's HTTP connections go: every one it opens (the websocket upgrade, each
/// polling GET and POST, [`Connector::request`]) is a TCP connection to `host:port`
/// ([`Connector::tcp`], what [`crate::ClientBuilder::new`] uses), or an in-process pipe
/// served by a tower HTTP service ([`Connector::in_process`], what
/// [`crate::ClientBuilder::in_process`] uses).
///
/// In process, the server's whole stack runs (routing, layers, Engine.IO, Socket.IO) with no
/// port and no socket, so tests of a server need no listener and run in parallel without
/// sharing one. A `Connector` is also the way to make one plain HTTP request to either
/// ([`Connector::request`]).
///
/// ```
/// use asynction_client::Connector;
///
/// let tcp = Connector::tcp("127.0.0.1:3000");
/// assert_eq!(tcp.authority(), "127.0.0.1:3000");
/// assert!(!tcp.is_in_process());
/// ```
#[derive(Clone)]
pub struct Connector {
    /// `host:port` over TCP; the `Host` header either way.
    authority: String,
    /// Set in process: serves the server half of each new pipe.
    server: Option<Arc<dyn ServeConnection>>,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("authority", &self.authority)
            .field("in_process", &self.is_in_process())
            .finish()
    }
}

impl Connector {
    /// Connections over TCP to `authority` (`host:port`; port 80 when none is given), with
    /// `TCP_NODELAY` set (Socket.IO traffic is small messages: Nagle's algorithm only adds
    /// latency).
    pub fn tcp(authority: impl Into<String>) -> Connector {
        Connector {
            authority: authority.into(),
            server: None,
        }
    }

    /// Connections to `service`, in this process: each one is a [`tokio::io::duplex`] pipe
    /// whose server half hyper's HTTP/1.1 server (with upgrades) serves with a clone of
    /// `service`, in a task spawned on the current tokio runtime.
    ///
    /// `service` is any tower HTTP service: an `axum::Router` (with a Socket.IO layer, or
    /// `asynction::Asynction::into_router()`), a `socketioxide` service, or a `tower`
    /// stack around them. Requests carry `Host: in-process`.
    ///
    /// Connecting (not this call) needs a tokio runtime, as every method of the client does.
    pub fn in_process<S: HttpService>(service: S) -> Connector {
        Connector {
            authority: IN_PROCESS_AUTHORITY.to_owned(),
            server: Some(Arc::new(ServiceServer {
                service: Mutex::new(service),
            })),
        }
    }

    /// The `Host` of every request (`host:port` over TCP, `in-process` otherwise).
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// Whether connections go to a service in this process rather than over TCP.
    pub fn is_in_process(&self) -> bool {
        self.server.is_some()
    }

    /// Opens one connection.
    pub(crate) async fn connect(&self) -> Result<Stream> {
        match &self.server {
            Some(server) => {
                let (client, server_half) = tokio::io::duplex(PIPE_BUFFER);
                server.serve(server_half);
                Ok(Either::Right(client))
            }
            None => {
                let stream = if has_port(&self.authority) {
                    TcpStream::connect(self.authority.as_str()).await?
                } else {
                    TcpStream::connect(format!("{}:80", self.authority)).await?
                };
                stream.set_nodelay(true)?;
                Ok(Either::Left(stream))
            }
        }
    }

    /// One HTTP/1.1 request over a fresh connection: the status and the whole body. `path`
    /// is the path and query. A body is sent as `text/plain;charset=UTF-8`, as Engine.IO
    /// clients do.
    ///
    /// This is the polling transport's building block, public for tests that drive
    /// Engine.IO's HTTP side by hand (bad handshakes, polling after an upgrade) or fetch a
    /// page the server also serves.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), asynction_client::Error> {
    /// use asynction_client::Connector;
    /// let (status, body) = Connector::tcp("127.0.0.1:3000")
    ///     .request("GET", "/socket.io/?EIO=4&transport=polling", &[], None)
    ///     .await?;
    /// assert_eq!(status, 200);
    /// assert!(body.starts_with(b"0{"));
    /// # Ok(()) }
    /// ```
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Option<String>,
    ) -> Result<(u16, Bytes)> {
        let (status, _, body) = self.exchange(method, path, headers, body).await?;
        Ok((status, body))
    }

    /// [`Connector::request`], with the response's headers too: status, headers, body.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), asynction_client::Error> {
    /// use asynction_client::Connector;
    /// let (status, headers, _) = Connector::tcp("127.0.0.1:3000")
    ///     .exchange("GET", "/socket.io/?EIO=4&transport=polling", &[], None)
    ///     .await?;
    /// assert_eq!(status, 200);
    /// println!("{:?}", headers.get(http::header::SERVER));
    /// # Ok(()) }
    /// ```
    pub async fn exchange(
        &self,
        method: &str,
        path: &str,
        headers: &[(String, String)],
        body: Option<String>,
    ) -> Result<(u16, http::HeaderMap, Bytes)> {
        let stream = self.connect().await?;
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| Error::Http(e.to_string()))?;
        let driver = tokio::spawn(async move {
            let _ = connection.await;
        });
        let mut builder = http::Request::builder()
            .method(method)
            .uri(path)
            .header(http::header::HOST, self.authority.as_str());
        if body.is_some() {
            builder = builder.header(http::header::CONTENT_TYPE, "text/plain;charset=UTF-8");
        }
        for (name, value) in headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let request = builder
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| Error::Http(e.to_string()))?;
        let exchange = async {
            let response = sender
                .send_request(request)
                .await
                .map_err(|e| Error::Http(e.to_string()))?;
            let status = response.status().as_u16();
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| Error::Http(e.to_string()))?
                .to_bytes();
            Ok((status, parts.headers, body))
        };
        let result = exchange.await;
        driver.abort();
        result
    }
}

/// Whether `authority` names a port (`host:port`, `[v6]:port`).
fn has_port(authority: &str) -> bool {
    match authority.rsplit_once(':') {
        Some((host, port)) => {
            !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit())
                && (!host.contains(':') || host.ends_with(']'))
        }
        None => false,
    }
}

/// Serves the server half of an in-process pipe (type-erased over the service).
trait ServeConnection: Send + Sync {
    fn serve(&self, io: DuplexStream);
}

/// A tower service serving in-process pipes. The mutex only guards cloning, so the service
/// need not be `Sync` (many tower stacks are not).
struct ServiceServer<S> {
    service: Mutex<S>,
}

impl<S: HttpService> ServeConnection for ServiceServer<S> {
    fn serve(&self, io: DuplexStream) {
        let service = self
            .service
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        tokio::spawn(async move {
            // The connection ends when the client drops its half; an error here is the
            // client going away mid-request, which the client side reports.
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(io), TowerToHyperService::new(service))
                .with_upgrades()
                .await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_with_and_without_ports() {
        for (authority, port) in [
            ("127.0.0.1:3000", true),
            ("localhost", false),
            ("[::1]:80", true),
            ("[::1]", false),
            ("host:", false),
        ] {
            assert_eq!(has_port(authority), port, "{authority}");
        }
    }
}
