//! Security: the requirements a client must meet to connect to a namespace (OR of AND, with
//! scopes), and the security schemes themselves.

use std::collections::BTreeSet;

use asynction_spec::model::{ApiKeyLocation, Namespace, SchemeKind, SecurityRequirement, Server};

use super::{Differ, Draft, Subject};
use crate::schema;
use crate::{ChangeKind, Severity};

impl Differ<'_> {
    /// The requirements a client must meet to connect, per server both documents have.
    pub(super) fn security(&mut self, o: &Namespace, n: &Namespace) {
        let at = Subject {
            ns: Some(&o.path),
            ev: None,
        };
        let (oa, na) = (self.old.api.clone(), self.new.api.clone());
        let mut servers: Vec<(Option<&Server>, Option<&Server>)> = oa
            .servers
            .iter()
            .filter_map(|s| na.server(&s.name).map(|t| (Some(s), Some(t))))
            .collect();
        if servers.is_empty() {
            servers.push((None, None));
        }
        let mut reported = BTreeSet::new();
        for (os, ns) in servers {
            let eff = |ns_: &Namespace, s: Option<&Server>| {
                ns_.security
                    .clone()
                    .unwrap_or_else(|| s.map(|s| s.security.clone()).unwrap_or_default())
            };
            let (old_reqs, new_reqs) = (eff(o, os), eff(n, ns));
            if old_reqs == new_reqs {
                continue;
            }
            let where_ = os.map_or(String::new(), |s| format!(" (server {})", s.name));
            let refused = refused(&old_reqs, &new_reqs);
            let message = format!(
                "security changed from {} to {}{where_}",
                show_reqs(&old_reqs),
                show_reqs(&new_reqs)
            );
            let (severity, affected) = if refused.is_empty() {
                (
                    Severity::Info,
                    "No existing client is affected: every credential accepted before is accepted."
                        .to_owned(),
                )
            } else {
                (
                    Severity::Breaking,
                    format!(
                        "Clients connecting to {} with {} are refused.",
                        o.path,
                        refused.join(" or ")
                    ),
                )
            };
            if !reported.insert(message.clone()) {
                continue;
            }
            let ptr = |ns_: &Namespace, s: Option<&Server>| match (&ns_.security, s) {
                (None, Some(s)) => format!("/servers/{}", schema::escape(&s.name)),
                _ => ns_.pointer.clone(),
            };
            self.push(
                at,
                Draft {
                    kind: ChangeKind::SecurityChanged,
                    severity,
                    message,
                    affected,
                    old: &ptr(o, os),
                    new: &ptr(n, ns),
                },
            );
        }
    }

    /// Security schemes removed, added, or of another kind; their checking functions.
    pub(super) fn schemes(&mut self) {
        let (oa, na) = (self.old.api.clone(), self.new.api.clone());
        let at = Subject::DOCUMENT;
        let ptr = |name: &str| format!("/components/securitySchemes/{}", schema::escape(name));
        for (name, o) in &oa.security_schemes {
            match na.security_schemes.get(name) {
                None => self.push(
                    at,
                    Draft {
                        kind: ChangeKind::SecuritySchemeChanged,
                        severity: Severity::Warning,
                        message: format!("security scheme {name} removed"),
                        affected: format!(
                            "Clients authenticating with {name} are refused wherever it was required."
                        ),
                        old: &ptr(name),
                        new: "/components/securitySchemes",
                    },
                ),
                Some(n) => {
                    if o.kind != n.kind {
                        self.push(
                            at,
                            Draft {
                                kind: ChangeKind::SecuritySchemeChanged,
                                severity: Severity::Breaking,
                                message: format!(
                                    "security scheme {name} changed from {} to {}",
                                    show_kind(&o.kind),
                                    show_kind(&n.kind)
                                ),
                                affected: format!(
                                    "Clients sending {name} credentials the old way are refused."
                                ),
                                old: &ptr(name),
                                new: &ptr(name),
                            },
                        );
                    }
                    if o.handlers != n.handlers {
                        self.handler_changed(
                            at,
                            format!("security scheme {name}: checking functions changed"),
                            (&ptr(name), &ptr(name)),
                        );
                    }
                }
            }
        }
        for name in na.security_schemes.keys() {
            if !oa.security_schemes.contains_key(name) {
                self.push(
                    at,
                    Draft {
                        kind: ChangeKind::SecuritySchemeChanged,
                        severity: Severity::Info,
                        message: format!("security scheme {name} added"),
                        affected: "No existing client is affected.".to_owned(),
                        old: "/components/securitySchemes",
                        new: &ptr(name),
                    },
                );
            }
        }
    }
}

/// A security scheme kind in words (`httpApiKey in the query as 'key'`).
fn show_kind(k: &SchemeKind) -> String {
    match k {
        SchemeKind::HttpBasic => "http basic".to_owned(),
        SchemeKind::HttpBearer { .. } => "http bearer".to_owned(),
        SchemeKind::HttpApiKey { location, name } => {
            let at = match location {
                ApiKeyLocation::Query => "query parameter",
                ApiKeyLocation::Header => "header",
                ApiKeyLocation::Cookie => "cookie",
            };
            format!("httpApiKey in {at} '{name}'")
        }
        SchemeKind::ApiKey { location } => format!("apiKey in {location}"),
        SchemeKind::OAuth2 { scopes } => format!("oauth2 (scopes {})", scopes.join(", ")),
        SchemeKind::OpenIdConnect { url } => format!("openIdConnect ({url})"),
        SchemeKind::Unsupported { description } => description.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn show_req(r: &SecurityRequirement) -> String {
    if r.schemes.is_empty() {
        return "no credentials".to_owned();
    }
    r.schemes
        .iter()
        .map(|(name, scopes)| {
            if scopes.is_empty() {
                name.clone()
            } else {
                format!("{name}[{}]", scopes.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

fn show_reqs(rs: &[SecurityRequirement]) -> String {
    if rs.is_empty() {
        return "public".to_owned();
    }
    rs.iter().map(show_req).collect::<Vec<_>>().join(" | ")
}

/// The old alternatives (OR of AND) that no new alternative accepts: a client meeting `a`
/// meets `b` when `b` asks for a subset of `a`'s schemes, each with a subset of its scopes.
fn refused(old: &[SecurityRequirement], new: &[SecurityRequirement]) -> Vec<String> {
    let public = [SecurityRequirement::default()];
    let alts = |rs: &'_ [SecurityRequirement]| -> Vec<SecurityRequirement> {
        if rs.is_empty() {
            public.to_vec()
        } else {
            rs.to_vec()
        }
    };
    let (old, new) = (alts(old), alts(new));
    let meets = |a: &SecurityRequirement, b: &SecurityRequirement| {
        b.schemes.iter().all(|(name, scopes)| {
            a.schemes
                .get(name)
                .is_some_and(|have| scopes.iter().all(|s| have.contains(s)))
        })
    };
    old.iter()
        .filter(|a| !new.iter().any(|b| meets(a, b)))
        .map(show_req)
        .collect()
}
