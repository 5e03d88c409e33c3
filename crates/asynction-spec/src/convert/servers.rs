//! Servers and security: a 2.x server's `url` becomes `host` and `pathname`, security
//! requirements become lists of scheme `$ref`s, oauth2 `scopes` become `availableScopes`.

use serde_json::{Map, Value};

use super::{Converter, child};
use crate::source::escape_pointer;

impl Converter {
    /// A 2.x server (or a `$ref` to one in `components/servers`, kept).
    pub(super) fn server(&mut self, server: &Value, at: &str) -> Value {
        let Some(obj) = server.as_object() else {
            return server.clone();
        };
        if obj.contains_key("$ref") {
            return server.clone();
        }
        let mut out = Map::new();
        for (k, v) in obj {
            match k.as_str() {
                "url" => {
                    let url = v.as_str().unwrap_or_default();
                    let (scheme, rest) = match url.split_once("://") {
                        Some((s, r)) => (Some(s), r),
                        None => (None, url),
                    };
                    if let (Some(scheme), Some(protocol)) =
                        (scheme, obj.get("protocol").and_then(Value::as_str))
                        && scheme != protocol
                    {
                        self.note(
                            &child(at, "url"),
                            format!("the url's scheme '{scheme}' differs from the protocol '{protocol}': 3.x servers have only the protocol"),
                        );
                    }
                    let (host, pathname) = match rest.find('/') {
                        Some(i) => (&rest[..i], &rest[i..]),
                        None => (rest, ""),
                    };
                    out.insert("host".into(), host.into());
                    if !pathname.is_empty() && pathname != "/" {
                        out.insert("pathname".into(), pathname.into());
                    }
                }
                "security" => {
                    let list = v.as_array().cloned().unwrap_or_default();
                    match self.security_list(&list, &child(at, "security")) {
                        Ok(list) => {
                            out.insert("security".into(), Value::Array(list));
                        }
                        Err(message) => self.error(&child(at, "security"), message),
                    }
                }
                "bindings" => {
                    let b = self.bindings(v, "server", &child(at, k));
                    out.insert(k.clone(), b);
                }
                "protocol" | "protocolVersion" | "description" | "variables" | "tags" => {
                    out.insert(k.clone(), v.clone());
                }
                x if x.starts_with("x-") => {
                    out.insert(k.clone(), v.clone());
                }
                other => self.note(
                    &child(at, other),
                    format!("server field '{other}' has no place in AsyncAPI 3.x: left out"),
                ),
            }
        }
        Value::Object(out)
    }

    /// A 2.x security requirement list as a 3.x list of scheme `$ref`s (with the required
    /// scopes beside each `$ref`), or why it cannot be one.
    pub(super) fn security_list(&self, list: &[Value], at: &str) -> Result<Vec<Value>, String> {
        let mut out = Vec::new();
        for (i, req) in list.iter().enumerate() {
            let Some(req) = req.as_object() else {
                continue;
            };
            if req.len() != 1 {
                let names: Vec<&str> = req.keys().map(String::as_str).collect();
                return Err(format!(
                    "security requirement {at}/{i} needs {} at once ({}); AsyncAPI 3.x lists alternatives of one scheme each, so it cannot be written",
                    if names.is_empty() {
                        "no scheme".to_owned()
                    } else {
                        format!("{} schemes", names.len())
                    },
                    names.join(" and ")
                ));
            }
            let (name, scopes) = req.iter().next().expect("one entry");
            let mut item = Map::new();
            item.insert(
                "$ref".into(),
                format!(
                    "#/components/securitySchemes/{}",
                    escape_pointer(name).replace('%', "%25")
                )
                .into(),
            );
            if scopes.as_array().is_some_and(|s| !s.is_empty()) {
                item.insert("scopes".into(), scopes.clone());
            }
            out.push(Value::Object(item));
        }
        Ok(out)
    }

    /// A security scheme: its oauth2 flows' `scopes` are 3.x `availableScopes`.
    pub(super) fn security_scheme(&mut self, v: &Value) -> Value {
        let mut out = v.clone();
        if let Some(Value::Object(flows)) = out.get_mut("flows") {
            for flow in flows.values_mut() {
                if let Some(flow) = flow.as_object_mut()
                    && let Some(scopes) = flow.remove("scopes")
                {
                    flow.insert("availableScopes".into(), scopes);
                }
            }
        }
        out
    }
}
