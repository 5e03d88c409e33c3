//! Handshakes for the security tests, shared by the integration tests
//! (`tests/integration/security_unit.rs`) and the crate-internal mock-policy tests
//! (`src/mock/security.rs`, which includes this file by path and names the crate
//! `asynction` through `extern crate self`): the security fixtures and a builder of headers,
//! query string and CONNECT `auth` payload.
#![allow(dead_code)] // each includer uses a subset of the builder

use std::path::Path;

use asynction::Document;
use asynction::security::HandshakeRequest;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::{HeaderMap, HeaderName, HeaderValue, Uri};
use serde_json::Value;

/// A document of `tests/fixtures/security/`.
pub fn load(name: &str) -> Document {
    let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("tests/fixtures/security")
        .join(name);
    Document::from_path(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A handshake: headers, the query string, the CONNECT auth payload.
pub struct Handshake {
    headers: HeaderMap,
    uri: Uri,
    auth: Option<Value>,
}

impl Handshake {
    /// A polling handshake with no credentials.
    pub fn new() -> Self {
        Handshake {
            headers: HeaderMap::new(),
            uri: Uri::from_static("/socket.io/?EIO=4&transport=polling"),
            auth: None,
        }
    }
    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
        self
    }
    /// An `Authorization: Basic` header.
    pub fn basic(self, user: &str, password: &str) -> Self {
        let v = format!("Basic {}", BASE64.encode(format!("{user}:{password}")));
        self.header("authorization", &v)
    }
    /// An `Authorization: Bearer` header.
    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }
    /// A websocket handshake with `query` added to the Engine.IO parameters.
    pub fn query(mut self, query: &str) -> Self {
        self.uri = format!("/socket.io/?EIO=4&transport=websocket&{query}")
            .parse()
            .unwrap();
        self
    }
    /// The CONNECT packet's `auth` payload.
    pub fn auth(mut self, auth: Value) -> Self {
        self.auth = Some(auth);
        self
    }
    /// The request the authenticator reads.
    pub fn request(&self) -> HandshakeRequest<'_> {
        HandshakeRequest {
            headers: &self.headers,
            uri: &self.uri,
            auth: self.auth.as_ref(),
        }
    }
}
