//! The engine.io handshake request against a namespace's `bindings.ws` (method, query,
//! headers).
//!
//! Query and header values arrive as strings and are coerced (`validate::coerce`) to the types the
//! schema asks for.
//!
//! - **Engine.IO's own query parameters** ([`ENGINE_IO_QUERY_PARAMS`]) are validated as sent
//!   when the query schema declares them (zod-sockets documents pin `EIO: "4"` and
//!   `transport`), and left out when it does not: a client library adds them to every
//!   handshake, so a schema that does not mention them (with `additionalProperties: false`)
//!   must not refuse them.
//! - **The WebSocket upgrade's own headers** (`connection`, `upgrade`, `sec-websocket-*`) exist
//!   only on a WebSocket handshake. A `ws` binding describes the WebSocket handshake, so a
//!   document may pin `connection: Upgrade`; a long-polling handshake (`transport=polling`)
//!   cannot carry them, and is checked against the schema without them (neither required nor
//!   constrained). Every other header and query rule applies to both transports.

use super::coerce::coerce_pairs;
use super::{Interaction, NamespaceValidators, ValidationError, Violation};

/// Query parameters Engine.IO puts on the handshake request; never part of a
/// `bindings.ws.query` instance and never read as an API key (see [`crate::security`]).
///
/// - `EIO`: protocol version; `transport`: `polling` or `websocket`; `sid`: the session id of
///   an upgrade or a polling request (all three read by engineioxide);
/// - `b64`: Engine.IO v3 base64 polling (read by engineioxide);
/// - `t`: the client's cache-busting timestamp (`timestampParam`);
/// - `j`: the JSONP callback index of Engine.IO v3 clients.
///
/// One list for bindings and security: before it was shared, security did not reserve `j` and
/// `b64`, so an API key named `b64` was accepted by the security checks but removed from the
/// query the bindings validated. Now a security scheme naming any of them is refused when the
/// server is built (`ConfigProblem::ReservedQueryName`).
pub const ENGINE_IO_QUERY_PARAMS: &[&str] = &["EIO", "transport", "sid", "t", "j", "b64"];

impl NamespaceValidators {
    /// Checks an engine.io handshake request (its method, query and headers) against the
    /// namespace's `bindings.ws`; every violation is reported, with instance paths under
    /// `/method`, `/query` and `/headers`.
    ///
    /// ```
    /// use asynction::Document;
    /// use asynction::validate::Validators;
    ///
    /// let doc = Document::from_text(
    ///     "asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n  /:\n    bindings:\n      ws:\n        query:\n          type: object\n          properties: {limit: {type: integer}}\n          required: [limit]\n",
    /// )?;
    /// let validators = Validators::compile(&doc)?;
    /// let ns = validators.namespace("/").expect("the document names /");
    /// let request = http::Request::get("/socket.io/?EIO=4&transport=websocket&limit=5").body(())?;
    /// assert!(ns.check_handshake("/", &request.into_parts().0).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_handshake(
        &self,
        namespace: &str,
        request: &http::request::Parts,
    ) -> Result<(), ValidationError> {
        let mut violations = Vec::new();
        if let Some(method) = &self.method
            && request.method.as_str() != method
        {
            violations.push(Violation::whole(
                "/method",
                format!(
                    "the handshake request method {} does not match {method}",
                    request.method
                ),
            ));
        }
        if let (Some(schema), Some(raw)) = (&self.query, &self.query_schema) {
            let query = request.uri.query().unwrap_or_default();
            let declared = |name: &str| {
                raw.get("properties")
                    .and_then(|p| p.as_object())
                    .is_some_and(|p| p.contains_key(name))
            };
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
                .filter(|(k, _)| !ENGINE_IO_QUERY_PARAMS.contains(&k.as_ref()) || declared(k))
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let instance = coerce_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), raw);
            if let Err(v) = schema.validate_value(&instance) {
                violations.extend(under("/query", v));
            }
        }
        // Only a schema that names upgrade headers has a polling variant; the transport is
        // read only then.
        let is_websocket = || {
            url::form_urlencoded::parse(request.uri.query().unwrap_or_default().as_bytes())
                .any(|(k, v)| k == "transport" && v == "websocket")
        };
        let headers = match &self.polling_headers {
            Some(polling) if !is_websocket() => Some(polling),
            _ => self.headers.as_ref(),
        };
        if let (Some(schema), Some(raw)) = (headers, &self.headers_schema) {
            let pairs: Vec<(String, String)> = request
                .headers
                .iter()
                .filter_map(|(k, v)| {
                    v.to_str()
                        .ok()
                        .map(|v| (k.as_str().to_ascii_lowercase(), v.to_owned()))
                })
                .collect();
            let instance = coerce_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), raw);
            if let Err(v) = schema.validate_value(&instance) {
                violations.extend(under("/headers", v));
            }
        }
        if violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError::new(
                Interaction::Handshake,
                namespace,
                None,
                violations,
            ))
        }
    }
}

/// Headers only a WebSocket upgrade request carries (lower-cased; `sec-websocket-` is a prefix).
const UPGRADE_HEADERS: &[&str] = &["connection", "upgrade"];

fn is_upgrade_header(name: &str) -> bool {
    UPGRADE_HEADERS.contains(&name) || name.starts_with("sec-websocket-")
}

/// The (lower-cased) headers schema without the WebSocket upgrade's own headers, or `None`
/// when it names none of them.
pub(crate) fn without_upgrade_headers(schema: &serde_json::Value) -> Option<serde_json::Value> {
    let names_one = schema["properties"]
        .as_object()
        .is_some_and(|p| p.keys().any(|k| is_upgrade_header(k)))
        || schema["required"]
            .as_array()
            .is_some_and(|r| r.iter().filter_map(|v| v.as_str()).any(is_upgrade_header));
    if !names_one {
        return None;
    }
    let mut out = schema.clone();
    if let Some(props) = out.get_mut("properties").and_then(|p| p.as_object_mut()) {
        props.retain(|k, _| !is_upgrade_header(k));
    }
    if let Some(required) = out.get_mut("required").and_then(|r| r.as_array_mut()) {
        required.retain(|v| !v.as_str().is_some_and(is_upgrade_header));
    }
    Some(out)
}

/// Moves violations of a query or headers instance under `prefix` in the handshake request.
fn under(prefix: &str, violations: Vec<Violation>) -> impl Iterator<Item = Violation> + '_ {
    violations.into_iter().map(move |mut v| {
        v.instance_path = format!("{prefix}{}", v.instance_path);
        v
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Document;
    use crate::validate::Validators;

    const DOC: &str = "asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  /limited:
    bindings:
      ws:
        method: GET
        query:
          type: object
          properties:
            limit: {type: integer, maximum: 10}
          required: [limit]
          additionalProperties: false
        headers:
          type: object
          properties:
            X-Client: {type: string, enum: [tests]}
          required: [X-Client]
  /open: {}
";

    fn validators() -> Validators {
        let doc = Document::from_text(DOC).expect("the test document loads");
        Validators::compile(&doc).expect("its schemas compile")
    }

    fn request(method: &str, uri: &str, headers: &[(&str, &str)]) -> http::request::Parts {
        let mut builder = http::Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        builder
            .body(())
            .expect("a valid test request")
            .into_parts()
            .0
    }

    fn check(ns: &str, req: &http::request::Parts) -> Result<(), ValidationError> {
        let validators = validators();
        let namespace = validators.namespace(ns).expect("the document names it");
        namespace.check_handshake(ns, req)
    }

    #[test]
    fn a_handshake_that_matches_the_bindings_passes_with_every_engine_io_parameter() {
        let uri = "/socket.io/?EIO=4&transport=polling&t=PZx1&sid=abc&j=0&b64=1&limit=5";
        let req = request("GET", uri, &[("x-client", "tests")]);
        assert_eq!(check("/limited", &req), Ok(()));
    }

    #[test]
    fn query_values_are_coerced_then_validated_under_query() {
        let req = request(
            "GET",
            "/socket.io/?EIO=4&limit=11",
            &[("X-Client", "tests")],
        );
        let err = check("/limited", &req).expect_err("11 is above the maximum");
        assert_eq!(err.interaction, Interaction::Handshake);
        assert_eq!(err.namespace, "/limited");
        assert_eq!(err.event, None);
        assert_eq!(err.violations.len(), 1, "{err}");
        assert_eq!(err.violations[0].instance_path, "/query/limit");
    }

    #[test]
    fn an_unknown_query_parameter_is_refused_but_engine_io_ones_never_are() {
        for name in ENGINE_IO_QUERY_PARAMS {
            let req = request(
                "GET",
                &format!("/socket.io/?{name}=1&limit=1"),
                &[("x-client", "tests")],
            );
            assert_eq!(check("/limited", &req), Ok(()), "{name}");
        }
        let req = request(
            "GET",
            "/socket.io/?limit=1&extra=1",
            &[("x-client", "tests")],
        );
        assert!(check("/limited", &req).is_err());
    }

    #[test]
    fn method_query_and_header_violations_are_all_reported() {
        let req = request("POST", "/socket.io/?EIO=4", &[("x-client", "other")]);
        let err = check("/limited", &req).expect_err("everything is wrong");
        let paths: Vec<&str> = err
            .violations
            .iter()
            .map(|v| v.instance_path.as_str())
            .collect();
        assert_eq!(paths, ["", "/query", "/headers/x-client"], "{err}");
        assert_eq!(err.violations[0].schema_path, "/method");
        assert!(
            err.violations[0]
                .message
                .contains("POST does not match GET"),
            "{err}"
        );
    }

    #[test]
    fn a_namespace_without_bindings_accepts_any_handshake() {
        let req = request("PUT", "/socket.io/?anything=1", &[]);
        assert_eq!(check("/open", &req), Ok(()));
    }

    const ENGINE_IO_DOC: &str = "asyncapi: 2.6.0
info: {title: t, version: '1'}
channels:
  /:
    bindings:
      ws:
        query:
          type: object
          properties:
            EIO: {type: string, const: '4'}
            transport: {type: string, enum: [polling, websocket]}
          required: [EIO, transport]
        headers:
          type: object
          properties:
            connection: {type: string, const: Upgrade}
            upgrade: {type: string, const: websocket}
          required: [connection, upgrade]
";

    fn engine_io_validators() -> Validators {
        let doc = Document::from_text(ENGINE_IO_DOC).expect("loads");
        Validators::compile(&doc).expect("compiles")
    }

    fn engine_request(uri: &str, upgrade: bool) -> http::request::Parts {
        let headers: &[(&str, &str)] = if upgrade {
            &[("Connection", "Upgrade"), ("Upgrade", "websocket")]
        } else {
            &[]
        };
        request("GET", uri, headers)
    }

    #[test]
    fn declared_engine_io_parameters_are_validated_as_sent() {
        let v = engine_io_validators();
        let ns = v.namespace("/").unwrap();
        assert!(
            ns.check_handshake(
                "/",
                &engine_request("/socket.io/?EIO=4&transport=websocket", true)
            )
            .is_ok()
        );
        let err = ns
            .check_handshake(
                "/",
                &engine_request("/socket.io/?EIO=3&transport=websocket", true),
            )
            .unwrap_err();
        assert_eq!(err.violations[0].instance_path, "/query/EIO", "{err}");
        let err = ns
            .check_handshake(
                "/",
                &engine_request("/socket.io/?transport=websocket", true),
            )
            .unwrap_err();
        assert!(
            err.to_string().contains("\"EIO\" is a required property"),
            "{err}"
        );
    }

    #[test]
    fn upgrade_headers_are_asked_only_of_websocket_handshakes() {
        let v = engine_io_validators();
        let ns = v.namespace("/").unwrap();
        // Long-polling cannot carry `Connection: Upgrade`; the binding describes WebSocket.
        assert!(
            ns.check_handshake(
                "/",
                &engine_request("/socket.io/?EIO=4&transport=polling", false)
            )
            .is_ok()
        );
        // A WebSocket handshake without them breaks the binding.
        let err = ns
            .check_handshake(
                "/",
                &engine_request("/socket.io/?EIO=4&transport=websocket", false),
            )
            .unwrap_err();
        assert!(
            err.violations
                .iter()
                .all(|v| v.instance_path.starts_with("/headers")),
            "{err}"
        );
    }
}
