//! Security requirements, compiled: a list of alternatives (OR, tried in order), each a set of
//! schemes that must all pass (AND), each scheme with its required scopes.
//!
//! Compiling checks the whole configuration first and reports every problem at once
//! ([`SecurityConfigError`]); evaluating never fails on configuration, only refuses.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt;
use indexmap::IndexMap;

use super::CredentialPolicy;
use super::credentials::{Credential, CredentialSource, HandshakeRequest, Lookup};
use super::error::{ConfigProblem, Refusal, SecurityConfigError};
use super::handlers::{
    ApiKeyCredentials, BasicCredentials, BearerCredentials, Handler, SecurityHandlers,
    SecurityInfo, TokenCredentials,
};
use crate::model::SecurityFunctionKind;
use crate::model::{Api, ApiKeyLocation, SchemeKind, SecurityRequirement, SecurityScheme, Server};
use crate::validate::ENGINE_IO_QUERY_PARAMS;

/// Who checks a credential.
#[derive(Clone)]
enum Verifier {
    /// A policy that judges the credential's shape alone.
    Policy(Arc<dyn CredentialPolicy>),
    /// A registered function, with the optional scope validator.
    User {
        check: Handler,
        scope_validator: Option<Handler>,
    },
}

/// One scheme of one requirement.
#[derive(Clone)]
struct SchemeCheck {
    scheme: String,
    source: CredentialSource,
    bearer_format: Option<String>,
    required_scopes: Vec<String>,
    verifier: Verifier,
}

/// What evaluating one requirement gave.
#[derive(Debug)]
enum Outcome {
    Passed(SecurityInfo),
    /// Some credential of the requirement was not sent.
    Absent,
    Refused(Refusal),
}

/// One requirement object: every scheme must pass.
#[derive(Clone)]
struct Requirement {
    checks: Vec<SchemeCheck>,
}

/// A list of requirements: any one must pass. Never empty (an empty list is a public
/// namespace and has no `Alternatives`).
#[derive(Clone)]
pub(crate) struct Alternatives {
    requirements: Vec<Requirement>,
}

impl Alternatives {
    /// The info of the first requirement that passes, else the refusal: `Forbidden` when some
    /// requirement's credentials were valid but not sufficient, otherwise `Unauthorized`.
    pub(crate) async fn evaluate(
        &self,
        namespace: &str,
        req: &HandshakeRequest<'_>,
    ) -> Result<SecurityInfo, Refusal> {
        if req.authorization_oversized() {
            tracing::debug!(
                namespace,
                "handshake refused: Authorization header longer than 8 KiB"
            );
            return Err(Refusal::Unauthorized);
        }
        let mut refusal = Refusal::Unauthorized;
        for (i, requirement) in self.requirements.iter().enumerate() {
            match requirement.evaluate(namespace, i, req).await {
                Outcome::Passed(info) => return Ok(info),
                Outcome::Refused(Refusal::Forbidden) => refusal = Refusal::Forbidden,
                Outcome::Refused(_) | Outcome::Absent => {}
            }
        }
        Err(refusal)
    }
}

impl Requirement {
    async fn evaluate(&self, namespace: &str, index: usize, req: &HandshakeRequest<'_>) -> Outcome {
        // Read every credential before calling any function: a requirement whose credentials
        // are not all there costs no handler call.
        let mut credentials = Vec::with_capacity(self.checks.len());
        for check in &self.checks {
            match req.read(&check.source) {
                Lookup::Found(c) => credentials.push(c),
                Lookup::Absent => {
                    tracing::debug!(namespace, alternative = index, scheme = %check.scheme, "credentials absent");
                    return Outcome::Absent;
                }
                Lookup::Malformed(why) => {
                    tracing::debug!(namespace, alternative = index, scheme = %check.scheme, why, "credentials malformed");
                    return Outcome::Refused(Refusal::Unauthorized);
                }
            }
        }
        let mut merged: Option<SecurityInfo> = None;
        for (check, credential) in self.checks.iter().zip(credentials) {
            match check.verify(credential).await {
                Ok(info) => merged = Some(merge(merged, info)),
                Err(refusal) => {
                    tracing::debug!(namespace, alternative = index, scheme = %check.scheme, %refusal, "check refused");
                    return Outcome::Refused(refusal);
                }
            }
        }
        let mut info = merged.unwrap_or_default();
        info.scheme = self
            .checks
            .iter()
            .map(|c| c.scheme.as_str())
            .collect::<Vec<_>>()
            .join("+");
        Outcome::Passed(info)
    }
}

/// The info of an AND: the first user named, the union of scopes, claims of earlier schemes
/// kept over later ones.
fn merge(acc: Option<SecurityInfo>, next: SecurityInfo) -> SecurityInfo {
    let Some(mut acc) = acc else { return next };
    if acc.user.is_none() {
        acc.user = next.user;
    }
    for s in next.scopes {
        if !acc.scopes.contains(&s) {
            acc.scopes.push(s);
        }
    }
    for (k, v) in next.claims {
        acc.claims.entry(k).or_insert(v);
    }
    acc
}

/// Whether `provided` covers `required`, as sets (order and repeats irrelevant).
pub(super) fn scopes_satisfied(required: &[String], provided: &[String]) -> bool {
    let provided: HashSet<&str> = provided.iter().map(String::as_str).collect();
    required.iter().all(|s| provided.contains(s.as_str()))
}

impl SchemeCheck {
    async fn verify(&self, credential: Credential) -> Result<SecurityInfo, Refusal> {
        let (check, scope_validator) = match &self.verifier {
            Verifier::Policy(policy) => {
                return Ok(policy.grant(&self.source, credential, &self.required_scopes));
            }
            Verifier::User {
                check,
                scope_validator,
            } => (check, scope_validator),
        };
        let scheme = self.scheme.clone();
        let required_scopes = self.required_scopes.clone();
        let future = match (check, credential) {
            (Handler::Basic(f), Credential::Basic { username, password }) => f(BasicCredentials {
                username,
                password,
                scheme,
                required_scopes,
            }),
            (Handler::Bearer(f), Credential::Token(token)) => {
                let bearer_format = self.bearer_format.clone();
                f(BearerCredentials {
                    token,
                    bearer_format,
                    scheme,
                    required_scopes,
                })
            }
            (Handler::ApiKey(f), Credential::Key(key)) => f(ApiKeyCredentials {
                key,
                scheme,
                required_scopes,
            }),
            (Handler::TokenInfo(f), Credential::Token(token)) => {
                f(TokenCredentials { token, scheme })
            }
            // Compiling pairs every source with its handler kind; refuse rather than trust.
            _ => return Err(Refusal::Unauthorized),
        };
        // A panicking user function refuses the handshake instead of tearing down the task.
        let info = match AssertUnwindSafe(future).catch_unwind().await {
            Ok(result) => result?,
            Err(_) => {
                tracing::error!(scheme = %self.scheme, "security handler panicked; handshake refused");
                return Err(Refusal::Unauthorized);
            }
        };
        let sufficient = match scope_validator {
            Some(Handler::ScopeValidator(v)) => {
                let validate = || v(&self.required_scopes, &info.scopes);
                std::panic::catch_unwind(AssertUnwindSafe(validate)).unwrap_or_else(|_| {
                    tracing::error!(scheme = %self.scheme, "scope validator panicked; handshake refused");
                    false
                })
            }
            _ => scopes_satisfied(&self.required_scopes, &info.scopes),
        };
        if sufficient {
            Ok(info)
        } else {
            Err(Refusal::Forbidden)
        }
    }
}

/// The compiled policy of a whole document: who must authenticate where.
#[derive(Clone)]
pub(crate) struct Policy {
    /// The server's requirements (namespaces without their own, and unknown paths).
    pub(crate) server: Option<Arc<Alternatives>>,
    /// Per document namespace path; `None` = public.
    pub(crate) namespaces: IndexMap<String, Option<Arc<Alternatives>>>,
}

impl Policy {
    /// The requirements of `namespace_path`; `None` when it is public.
    pub(crate) fn for_namespace(&self, namespace_path: &str) -> Option<&Arc<Alternatives>> {
        match self.namespaces.get(namespace_path) {
            Some(own) => own.as_ref(),
            None => self.server.as_ref(),
        }
    }
}

/// Who checks the credentials of every scheme.
pub(crate) enum Checker<'a> {
    /// The user's functions, by the ids the schemes name (every id is checked).
    Handlers(&'a SecurityHandlers),
    /// A policy that judges credentials by their shape alone (no id is needed).
    Policy(Arc<dyn CredentialPolicy>),
}

/// Compiles the document's requirements.
pub(crate) fn compile(
    api: &Api,
    server: Option<&Server>,
    checker: &Checker<'_>,
) -> Result<Policy, SecurityConfigError> {
    // Which lists are in force, and who uses which scheme.
    let server_list = server
        .map(|s| s.security.as_slice())
        .filter(|l| !l.is_empty());
    let mut in_force: Vec<(&[SecurityRequirement], String)> = Vec::new();
    if let (Some(s), Some(list)) = (server, server_list) {
        in_force.push((list, format!("server '{}'", s.name)));
    }
    for ns in &api.namespaces {
        if let Some(list) = &ns.security {
            in_force.push((list, format!("namespace '{}'", ns.path)));
        }
    }
    let mut used_by: IndexMap<&str, Vec<String>> = IndexMap::new();
    for (list, who) in &in_force {
        for req in *list {
            for name in req.schemes.keys() {
                let users = used_by.entry(name.as_str()).or_default();
                if !users.contains(who) {
                    users.push(who.clone());
                }
            }
        }
    }

    let mut problems = Vec::new();
    let mut verifiers: IndexMap<&str, Verifier> = IndexMap::new();
    for (&name, users) in &used_by {
        let Some(scheme) = api.security_schemes.get(name) else {
            problems.push(ConfigProblem::UndefinedScheme {
                scheme: name.to_owned(),
                used_by: users.clone(),
            });
            continue;
        };
        if let Some(v) = check_scheme(scheme, users, checker, &mut problems) {
            verifiers.insert(name, v);
        }
    }
    if let Checker::Handlers(handlers) = checker {
        check_document_names(api, handlers, &mut problems);
    }
    if !problems.is_empty() {
        return Err(SecurityConfigError { problems });
    }

    let build = |list: &[SecurityRequirement]| -> Option<Arc<Alternatives>> {
        if list.is_empty() {
            return None;
        }
        let requirements = list
            .iter()
            .map(|req| Requirement {
                checks: req
                    .schemes
                    .iter()
                    .map(|(name, scopes)| {
                        let scheme = &api.security_schemes[name.as_str()];
                        SchemeCheck {
                            scheme: name.clone(),
                            source: source_of(&scheme.kind),
                            bearer_format: match &scheme.kind {
                                SchemeKind::HttpBearer { bearer_format } => bearer_format.clone(),
                                _ => None,
                            },
                            required_scopes: scopes.clone(),
                            verifier: verifiers[name.as_str()].clone(),
                        }
                    })
                    .collect(),
            })
            .collect();
        Some(Arc::new(Alternatives { requirements }))
    };
    let server_alternatives = server_list.and_then(build);
    let namespaces = api
        .namespaces
        .iter()
        .map(|ns| {
            let own = match &ns.security {
                Some(list) => build(list),
                None => server_alternatives.clone(),
            };
            (ns.path.clone(), own)
        })
        .collect();
    Ok(Policy {
        server: server_alternatives,
        namespaces,
    })
}

/// Where a (supported) scheme's credential is read.
fn source_of(kind: &SchemeKind) -> CredentialSource {
    match kind {
        SchemeKind::HttpBasic => CredentialSource::Basic,
        SchemeKind::HttpApiKey { location, name } => CredentialSource::HttpApiKey {
            location: *location,
            name: name.clone(),
        },
        SchemeKind::ApiKey { location } => CredentialSource::UserPasswordKey {
            location: location.clone(),
        },
        _ => CredentialSource::BearerToken,
    }
}

/// The kind of function that checks a scheme; `None` when asynction cannot check it.
fn required_kind(kind: &SchemeKind) -> Option<SecurityFunctionKind> {
    match kind {
        SchemeKind::HttpBasic => Some(SecurityFunctionKind::Basic),
        SchemeKind::HttpBearer { .. } => Some(SecurityFunctionKind::Bearer),
        SchemeKind::HttpApiKey { .. } | SchemeKind::ApiKey { .. } => {
            Some(SecurityFunctionKind::ApiKey)
        }
        SchemeKind::OAuth2 { .. } | SchemeKind::OpenIdConnect { .. } => {
            Some(SecurityFunctionKind::TokenInfo)
        }
        _ => None,
    }
}

/// Checks one scheme a requirement uses; its verifier when it has no problem.
fn check_scheme(
    scheme: &SecurityScheme,
    users: &[String],
    checker: &Checker<'_>,
    problems: &mut Vec<ConfigProblem>,
) -> Option<Verifier> {
    let name = scheme.name.clone();
    let Some(kind) = required_kind(&scheme.kind) else {
        let description = match &scheme.kind {
            SchemeKind::Unsupported { description } => description.clone(),
            other => format!("{other:?}"),
        };
        problems.push(ConfigProblem::UnsupportedScheme {
            scheme: name,
            description,
            used_by: users.to_vec(),
        });
        return None;
    };
    let before = problems.len();
    if let SchemeKind::HttpApiKey {
        location: ApiKeyLocation::Query,
        name: param,
    } = &scheme.kind
        && ENGINE_IO_QUERY_PARAMS.contains(&param.as_str())
    {
        problems.push(ConfigProblem::ReservedQueryName {
            scheme: name.clone(),
            name: param.clone(),
        });
    }
    let handlers = match checker {
        Checker::Handlers(handlers) => *handlers,
        Checker::Policy(policy) => {
            return (problems.len() == before).then(|| Verifier::Policy(policy.clone()));
        }
    };

    // The ids this scheme names for `wanted`, with the extension naming each.
    let named = |wanted: SecurityFunctionKind| -> Vec<(&str, &String)> {
        SecurityFunctionKind::EXTENSIONS
            .iter()
            .filter(|(_, k)| *k == wanted)
            .filter_map(|(ext, _)| scheme.handlers.get(*ext).map(|id| (*ext, id)))
            .collect()
    };
    let lookup = |wanted: SecurityFunctionKind,
                  problems: &mut Vec<ConfigProblem>|
     -> Option<Option<Handler>> {
        let ids = named(wanted);
        let distinct: Vec<String> = ids.iter().fold(Vec::new(), |mut acc, (_, id)| {
            if !acc.contains(*id) {
                acc.push((*id).clone());
            }
            acc
        });
        if distinct.len() > 1 {
            problems.push(ConfigProblem::ConflictingHandlerIds {
                scheme: name.clone(),
                ids: distinct,
            });
            return None;
        }
        let Some((ext, id)) = ids.first() else {
            return Some(None);
        };
        let extension = format!("x-{ext}");
        match handlers.by_id.get(*id) {
            None => {
                problems.push(ConfigProblem::HandlerNotRegistered {
                    scheme: name.clone(),
                    extension,
                    id: (*id).clone(),
                    expected: wanted,
                    used_by: users.to_vec(),
                });
                None
            }
            Some(h) if h.kind() != wanted => {
                problems.push(ConfigProblem::WrongHandlerKind {
                    scheme: name.clone(),
                    extension,
                    id: (*id).clone(),
                    expected: wanted,
                    registered: h.kind(),
                });
                None
            }
            Some(h) => Some(Some(h.clone())),
        }
    };

    let check = lookup(kind, problems);
    if let Some(None) = check {
        problems.push(ConfigProblem::MissingHandlerId {
            scheme: name.clone(),
            extension: format!("x-{}", kind.extension()),
            used_by: users.to_vec(),
        });
    }
    let scope_validator = lookup(SecurityFunctionKind::ScopeValidator, problems);
    match (check, scope_validator) {
        (Some(Some(check)), Some(scope_validator)) if problems.len() == before => {
            Some(Verifier::User {
                check,
                scope_validator,
            })
        }
        _ => None,
    }
}

/// Problems visible only against the whole document: extensions on the wrong scheme type, and
/// registered ids no scheme names.
fn check_document_names(api: &Api, handlers: &SecurityHandlers, problems: &mut Vec<ConfigProblem>) {
    let mut named: HashSet<&str> = HashSet::new();
    for scheme in api.security_schemes.values() {
        let wanted = required_kind(&scheme.kind);
        for (ext, kind) in SecurityFunctionKind::EXTENSIONS {
            let Some(id) = scheme.handlers.get(ext) else {
                continue;
            };
            named.insert(id.as_str());
            if let Some(wanted) = wanted
                && kind != wanted
                && kind != SecurityFunctionKind::ScopeValidator
            {
                problems.push(ConfigProblem::MisplacedExtension {
                    scheme: scheme.name.clone(),
                    extension: format!("x-{ext}"),
                    expected: format!("x-{}", wanted.extension()),
                });
            }
        }
    }
    for id in &handlers.registration_order {
        if !named.contains(id.as_str()) {
            problems.push(ConfigProblem::UnknownHandler {
                id: id.clone(),
                registered: handlers.by_id[id].kind(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn scopes_are_compared_as_sets() {
        assert!(scopes_satisfied(
            &strings(&["a", "b"]),
            &strings(&["b", "a"])
        ));
        assert!(scopes_satisfied(&strings(&["a", "a"]), &strings(&["a"])));
        assert!(scopes_satisfied(&[], &[]));
        assert!(scopes_satisfied(
            &strings(&["b"]),
            &strings(&["a", "b", "c"])
        ));
        assert!(!scopes_satisfied(
            &strings(&["a", "c"]),
            &strings(&["a", "b"])
        ));
    }

    #[test]
    fn merge_keeps_first_user_unions_scopes_and_keeps_earlier_claims() {
        let a = SecurityInfo::default()
            .with_scopes(["x"])
            .with_claim("k", 1);
        let b = SecurityInfo::for_user("u")
            .with_scopes(["y", "x"])
            .with_claim("k", 2)
            .with_claim("j", 3);
        let m = merge(Some(a), b);
        assert_eq!(m.user.as_deref(), Some("u"));
        assert_eq!(m.scopes, ["x", "y"]);
        assert_eq!(m.claims["k"], 1);
        assert_eq!(m.claims["j"], 3);
    }
}
