//! What can go wrong in the security layer: a refused handshake ([`Refusal`], sent to the
//! client) and a configuration that cannot enforce the document ([`SecurityConfigError`], found
//! before the server starts).

use std::fmt;

use crate::model::SecurityFunctionKind;
use crate::refusal::RefusalCode;

/// Why a handshake is refused. Its [`Display`](fmt::Display) is the exact `connect_error`
/// message the client receives; it never says which check failed, so a client cannot probe
/// which credentials are close to valid (the server logs the detail at `debug` level).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// No alternative passed: credentials absent, malformed or rejected by a handler.
    Unauthorized,
    /// Credentials were valid but not sufficient: missing scopes, or a handler said so.
    Forbidden,
}

impl Refusal {
    /// Its code: [`RefusalCode::Unauthorized`] or [`RefusalCode::Forbidden`].
    pub fn code(self) -> RefusalCode {
        match self {
            Refusal::Unauthorized => RefusalCode::Unauthorized,
            Refusal::Forbidden => RefusalCode::Forbidden,
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code().as_str())
    }
}

impl std::error::Error for Refusal {}

/// One reason the security configuration cannot enforce the document.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigProblem {
    /// A requirement uses a scheme kind asynction cannot check (`X509`, `http digest`, …).
    UnsupportedScheme {
        /// Scheme name in `components.securitySchemes`.
        scheme: String,
        /// The scheme's type as written.
        description: String,
        /// Where the scheme is required (`server 'prod'`, `namespace '/admin'`).
        used_by: Vec<String>,
    },
    /// A requirement names a scheme the document does not define.
    UndefinedScheme {
        /// The name used by the requirement.
        scheme: String,
        /// Where the scheme is required.
        used_by: Vec<String>,
    },
    /// A required scheme carries no extension naming its checking function.
    MissingHandlerId {
        /// Scheme name.
        scheme: String,
        /// The extension the scheme should carry, e.g. `x-basicInfoFunc`.
        extension: String,
        /// Where the scheme is required.
        used_by: Vec<String>,
    },
    /// The document names a handler id that was not registered.
    HandlerNotRegistered {
        /// Scheme name.
        scheme: String,
        /// The extension naming it, e.g. `x-bearerInfoFunc`.
        extension: String,
        /// The handler id.
        id: String,
        /// What to register it with.
        expected: SecurityFunctionKind,
        /// Where the scheme is required.
        used_by: Vec<String>,
    },
    /// A handler id is registered as one kind of function but the document needs another.
    WrongHandlerKind {
        /// Scheme name.
        scheme: String,
        /// The extension naming it.
        extension: String,
        /// The handler id.
        id: String,
        /// The kind the extension needs.
        expected: SecurityFunctionKind,
        /// The kind it was registered as.
        registered: SecurityFunctionKind,
    },
    /// A registered handler id that no security scheme of the document names.
    UnknownHandler {
        /// The handler id.
        id: String,
        /// The kind it was registered as.
        registered: SecurityFunctionKind,
    },
    /// A scheme carries a checking-function extension that does not apply to its type (e.g.
    /// `x-tokenInfoFunc` on an `http basic` scheme).
    MisplacedExtension {
        /// Scheme name.
        scheme: String,
        /// The extension.
        extension: String,
        /// The extension that applies instead.
        expected: String,
    },
    /// A scheme names two different ids for one function (`x-bearerInfoFunc` and its alias
    /// `x-basicBearerInfoFunc`).
    ConflictingHandlerIds {
        /// Scheme name.
        scheme: String,
        /// The ids, in document order.
        ids: Vec<String>,
    },
    /// An `httpApiKey` in the query uses a parameter name engine.io reserves (one of
    /// [`ENGINE_IO_QUERY_PARAMS`](crate::validate::ENGINE_IO_QUERY_PARAMS): `EIO`, `transport`,
    /// `sid`, `t`, `j`, `b64`), so the key could never be read.
    ReservedQueryName {
        /// Scheme name.
        scheme: String,
        /// The parameter name.
        name: String,
    },
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigProblem::UnsupportedScheme {
                scheme,
                description,
                used_by,
            } => write!(
                f,
                "security scheme '{scheme}' has type '{description}', which asynction cannot check (required by {})",
                used_by.join(", ")
            ),
            ConfigProblem::UndefinedScheme { scheme, used_by } => {
                write!(
                    f,
                    "security scheme '{scheme}' is not defined (required by {})",
                    used_by.join(", ")
                )
            }
            ConfigProblem::MissingHandlerId {
                scheme,
                extension,
                used_by,
            } => write!(
                f,
                "security scheme '{scheme}' needs {extension} naming the function that checks it (required by {})",
                used_by.join(", ")
            ),
            ConfigProblem::HandlerNotRegistered {
                scheme,
                extension,
                id,
                expected,
                used_by,
            } => write!(
                f,
                "no {expected} handler registered for id '{id}' (security scheme '{scheme}' {extension}; required by {}); \
                 register it with SecurityHandlers::{expected}",
                used_by.join(", ")
            ),
            ConfigProblem::WrongHandlerKind {
                scheme,
                extension,
                id,
                expected,
                registered,
            } => write!(
                f,
                "handler '{id}' is registered as a {registered} handler, but security scheme '{scheme}' names it in \
                 {extension}, which needs a {expected} handler"
            ),
            ConfigProblem::UnknownHandler { id, registered } => write!(
                f,
                "{registered} handler '{id}' is registered but no security scheme of the document names it"
            ),
            ConfigProblem::MisplacedExtension {
                scheme,
                extension,
                expected,
            } => write!(
                f,
                "security scheme '{scheme}' carries {extension}, which does not apply to its type (use {expected})"
            ),
            ConfigProblem::ConflictingHandlerIds { scheme, ids } => write!(
                f,
                "security scheme '{scheme}' names different bearer handler ids ({}) in x-bearerInfoFunc and \
                 x-basicBearerInfoFunc",
                ids.join(", ")
            ),
            ConfigProblem::ReservedQueryName { scheme, name } => write!(
                f,
                "security scheme '{scheme}' reads an API key from query parameter '{name}', which engine.io reserves"
            ),
        }
    }
}

/// The security configuration cannot enforce the document. Lists every problem at once, so one
/// run tells the user everything to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityConfigError {
    /// Every problem found, in document order.
    pub problems: Vec<ConfigProblem>,
}

impl fmt::Display for SecurityConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "security configuration has {} problem(s):",
            self.problems.len()
        )?;
        for p in &self.problems {
            write!(f, "\n  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SecurityConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_messages_are_the_wire_strings() {
        assert_eq!(Refusal::Unauthorized.to_string(), "unauthorized");
        assert_eq!(Refusal::Forbidden.to_string(), "forbidden");
    }

    #[test]
    fn config_error_lists_every_problem() {
        let e = SecurityConfigError {
            problems: vec![
                ConfigProblem::UnknownHandler {
                    id: "a".into(),
                    registered: SecurityFunctionKind::Basic,
                },
                ConfigProblem::ReservedQueryName {
                    scheme: "k".into(),
                    name: "sid".into(),
                },
            ],
        };
        let text = e.to_string();
        assert!(
            text.starts_with("security configuration has 2 problem(s):"),
            "{text}"
        );
        assert!(text.contains("basic handler 'a' is registered"), "{text}");
        assert!(text.contains("query parameter 'sid'"), "{text}");
    }
}
