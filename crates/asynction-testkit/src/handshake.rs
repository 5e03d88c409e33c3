//! A Socket.IO handshake as the server's security and bindings checks read it: headers, the
//! query string and the CONNECT packet's `auth` payload, built step by step.
//!
//! Plain `http` and JSON values only (this kit does not depend on the framework): a crate that
//! checks handshakes turns [`Handshake::headers`], [`Handshake::uri`] and
//! [`Handshake::auth_payload`] into its own request type.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::{HeaderMap, HeaderName, HeaderValue, Uri};
use serde_json::Value;

/// A handshake: headers, the request URI (with its query string), the CONNECT `auth` payload.
#[derive(Debug, Clone)]
pub struct Handshake {
    headers: HeaderMap,
    uri: Uri,
    auth: Option<Value>,
}

impl Default for Handshake {
    fn default() -> Self {
        Self::new()
    }
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

    /// Adds a header; panics on a name or value HTTP does not allow.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.append(
            HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            HeaderValue::from_str(value).expect("a header value"),
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
            .expect("a request URI");
        self
    }

    /// The CONNECT packet's `auth` payload.
    pub fn auth(mut self, auth: Value) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The request URI (path and query string).
    pub fn uri(&self) -> &Uri {
        &self.uri
    }

    /// The CONNECT packet's `auth` payload, if any.
    pub fn auth_payload(&self) -> Option<&Value> {
        self.auth.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn credentials_land_where_a_server_reads_them() {
        let h = Handshake::new()
            .basic("ada", "lovelace")
            .query("token=t")
            .header("x-key", "k")
            .auth(json!({"token": "a"}));
        assert_eq!(h.headers()["authorization"], "Basic YWRhOmxvdmVsYWNl");
        assert_eq!(h.headers()["x-key"], "k");
        assert_eq!(h.uri().query(), Some("EIO=4&transport=websocket&token=t"));
        assert_eq!(h.auth_payload(), Some(&json!({"token": "a"})));
        let bearer = Handshake::new().bearer("xyz");
        assert_eq!(bearer.headers()["authorization"], "Bearer xyz");
        assert_eq!(bearer.uri().query(), Some("EIO=4&transport=polling"));
        assert_eq!(bearer.auth_payload(), None);
    }
}
