//! A namespace made ready for testing: its concrete path (parameters from examples or
//! generated), its validators, and the handshake a valid client makes (bindings and the
//! credentials its security asks for).

use asynction::mock::FakeGenerator;
use asynction::model::{ApiKeyLocation, Namespace, SchemeKind, SecurityRequirement};
use base64::Engine as _;
use serde_json::{Value, json};

use super::session::Session;
use super::target::{HandshakeData, Ns};
use crate::{ContractError, Credentials};

impl<'a> Session<'a> {
    /// Concrete path, validators and the valid handshake of a namespace.
    pub(super) fn prepare(&self, index: usize, ns: &'a Namespace) -> Result<Ns<'a>, ContractError> {
        let mut rng = self.rng(&format!("path {}", ns.path));
        let mut path = ns.path.clone();
        for (name, schema) in &ns.parameters {
            let examples: Vec<Value> = schema
                .value
                .get("examples")
                .and_then(Value::as_array)
                .cloned()
                .or_else(|| schema.value.get("example").map(|e| vec![e.clone()]))
                .unwrap_or_default();
            let value = match examples.first() {
                Some(e) => e.clone(),
                None => FakeGenerator::new(schema, &self.doc.resolved, &examples)
                    .map_err(|e| {
                        ContractError::Document(format!("parameter {name} of {}: {e}", ns.path))
                    })?
                    .generate(&mut rng),
            };
            let text: String = stringify(&value).chars().filter(|c| *c != '/').collect();
            path = path.replace(&format!("{{{name}}}"), &text);
        }
        let validators = self
            .validators
            .namespace(&ns.path)
            .cloned()
            .ok_or_else(|| ContractError::Document(format!("no validators for {}", ns.path)))?;
        let mut good = HandshakeData::default();
        for (schema, is_query) in [(&ns.bindings.query, true), (&ns.bindings.headers, false)] {
            let Some(schema) = schema else { continue };
            let generator = FakeGenerator::new(schema, &self.doc.resolved, &[])
                .map_err(|e| ContractError::Document(format!("bindings of {}: {e}", ns.path)))?;
            let value = generator.generate(&mut rng);
            if let Some(obj) = value.as_object() {
                for (k, v) in obj {
                    if is_query {
                        good.set_query(k, stringify(v));
                    } else {
                        good.set_header(k, stringify(v));
                    }
                }
            }
        }
        let creds = self.credentials_for(&ns.path);
        if let Some(req) = self.security(ns).and_then(|alts| alts.first().cloned()) {
            self.place_credentials(&req, creds, &mut good);
        }
        for (k, v) in &creds.query {
            good.set_query(k, v.clone());
        }
        for (k, v) in &creds.headers {
            good.set_header(k, v.clone());
        }
        if let Some(Value::Object(auth)) = &creds.auth {
            for (k, v) in auth {
                good.set_auth(k, v.clone());
            }
        } else if let Some(auth) = &creds.auth {
            good.auth = Some(auth.clone());
        }
        Ok(Ns {
            index,
            doc: ns,
            path,
            validators,
            good,
        })
    }

    /// The credentials given for a namespace (as written in the document), else the run's.
    pub(super) fn credentials_for(&self, path: &str) -> &'a Credentials {
        self.opts
            .namespace_credentials
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, c)| c)
            .unwrap_or(&self.opts.credentials)
    }

    /// The security alternatives in force, `None` when the namespace is public.
    pub(super) fn security(&self, ns: &Namespace) -> Option<Vec<SecurityRequirement>> {
        let list = match &ns.security {
            Some(list) => list.clone(),
            None => self
                .opts
                .server
                .as_ref()
                .and_then(|s| self.doc.api.server(s))
                .map(|s| s.security.clone())
                .unwrap_or_default(),
        };
        if list.is_empty() || list.iter().any(|r| r.schemes.is_empty()) {
            None
        } else {
            Some(list)
        }
    }

    /// Puts the credentials of one alternative where its schemes say (made up when not given).
    pub(super) fn place_credentials(
        &self,
        req: &SecurityRequirement,
        creds: &Credentials,
        hs: &mut HandshakeData,
    ) {
        let b64 = base64::engine::general_purpose::STANDARD;
        for name in req.schemes.keys() {
            let Some(scheme) = self.doc.api.security_schemes.get(name) else {
                continue;
            };
            let key_for = |key: &str| {
                creds
                    .api_keys
                    .iter()
                    .find(|(n, _)| n == name || n == key)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| "asynction-test-key".to_owned())
            };
            match &scheme.kind {
                SchemeKind::HttpBasic => {
                    let (u, p) = creds
                        .basic
                        .clone()
                        .unwrap_or_else(|| ("asynction".into(), "test-password".into()));
                    hs.set_header(
                        "authorization",
                        format!("Basic {}", b64.encode(format!("{u}:{p}"))),
                    );
                }
                SchemeKind::HttpBearer { .. }
                | SchemeKind::OAuth2 { .. }
                | SchemeKind::OpenIdConnect { .. } => {
                    let token = creds
                        .bearer
                        .clone()
                        .unwrap_or_else(|| "asynction-test-token".into());
                    hs.set_header("authorization", format!("Bearer {token}"));
                }
                SchemeKind::HttpApiKey {
                    location,
                    name: key,
                } => {
                    let v = key_for(key);
                    match location {
                        ApiKeyLocation::Query => hs.set_query(key, v),
                        ApiKeyLocation::Header => hs.set_header(key, v),
                        ApiKeyLocation::Cookie => hs.set_header("cookie", format!("{key}={v}")),
                    }
                }
                SchemeKind::ApiKey { location } => {
                    let v = key_for(location);
                    hs.set_auth(location, json!(v));
                }
                _ => {}
            }
        }
    }
}

/// A value as a handshake string.
fn stringify(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
