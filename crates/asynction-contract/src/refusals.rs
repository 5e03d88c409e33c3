//! Which rules judge a server's answers to invalid events, and how a run picks them.
//!
//! An AsyncAPI document promises an answer to an event only where it declares an ack (`x-ack`,
//! a 3.x `reply`). "Every invalid event with an ack requested is answered" (with an error ack,
//! or by dropping the client) is asynction's own convention: its servers refuse that way, but a
//! Node or Python server written from the same document owes no answer to an event whose
//! message declares none. So a run uses one of two rule sets ([`Refusals`]):
//!
//! - [`Refusals::Documented`] (the default): an event whose document declares an ack is sent
//!   with an ack request, which must be answered and never with an ack that validates as a
//!   success; an event without one is sent without an ack request, the connection must stay
//!   up (or the server drops that client only), a valid event on a fresh connection must still
//!   work, and nothing the server emits as a consequence may break the document. A server that
//!   gives no sign of refusing such an event gets a warning, not a failure.
//! - [`Refusals::Strict`]: every invalid event is sent with an ack request and must be
//!   answered, as asynction servers do.
//!
//! Unless the options name one, a server that identifies itself as asynction gets the strict
//! rules: asynction servers put `asynction/VERSION` in the standard `Server` response header
//! (RFC 9110 §10.2.4) of every Socket.IO HTTP response, and a run reads it from the Engine.IO
//! handshake. A proxy that drops or replaces that header (nginx does by default) hides it;
//! then the documented rules apply, and `--refusals strict` asks for the strict ones by hand.

use serde::Serialize;

/// The product name asynction servers give in their `Server` response header
/// (`Server: asynction/0.1.0`; set by [`asynction::identify_layer`]).
pub use asynction::SERVER_PRODUCT;

/// A rule set for invalid events (negative cases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Refusals {
    /// Only what the document promises: an answer where it declares an ack; elsewhere the
    /// connection stays up and nothing emitted breaks the document (silence is a warning).
    Documented,
    /// Asynction's convention on top: every invalid event is answered (an ack that does not
    /// validate as a success, or a disconnect).
    Strict,
}

impl Refusals {
    /// The lower-case name (`documented`, `strict`).
    pub fn name(self) -> &'static str {
        match self {
            Refusals::Documented => "documented",
            Refusals::Strict => "strict",
        }
    }

    /// Whether an invalid value of an event is sent with an ack request, which must then be
    /// answered: always under the strict rules, where the document declares an ack under the
    /// documented ones.
    pub fn ack_required(self, event_declares_ack: bool) -> bool {
        self == Refusals::Strict || event_declares_ack
    }
}

/// Why a run used its rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "by", content = "server")]
pub enum RulesReason {
    /// The options named it ([`crate::Options::refusals`], `--refusals`).
    Asked,
    /// The server identifies itself as asynction: its `Server` header, as sent.
    ServerIdentified(String),
    /// Nothing said otherwise: the server did not identify itself as asynction.
    Default,
}

/// The rule set a run used, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefusalRules {
    /// The rules.
    pub rules: Refusals,
    /// Why these.
    pub reason: RulesReason,
}

impl RefusalRules {
    /// The rules `asked` for, else strict for a server whose `Server` header (`server`) names
    /// asynction, else documented.
    pub fn choose(asked: Option<Refusals>, server: Option<&str>) -> RefusalRules {
        match (asked, server) {
            (Some(rules), _) => RefusalRules {
                rules,
                reason: RulesReason::Asked,
            },
            (None, Some(header)) if names_asynction(header) => RefusalRules {
                rules: Refusals::Strict,
                reason: RulesReason::ServerIdentified(header.to_owned()),
            },
            (None, _) => RefusalRules {
                rules: Refusals::Documented,
                reason: RulesReason::Default,
            },
        }
    }

    /// One line for the report: which rules, and why.
    pub fn describe(&self) -> String {
        let why = match &self.reason {
            RulesReason::Asked => "as asked".to_owned(),
            RulesReason::ServerIdentified(header) => {
                format!("the server identifies itself as asynction: Server: {header}")
            }
            RulesReason::Default => {
                "the server does not identify itself as asynction; --refusals strict adds \
                 asynction's own rule that every invalid event is answered"
                    .to_owned()
            }
        };
        let what = match self.rules {
            Refusals::Documented => "answers required where the document declares acks",
            Refusals::Strict => "every invalid event must be answered",
        };
        format!("refusal rules: {} ({what}; {why})", self.rules.name())
    }
}

/// Whether a `Server` header value names asynction among its products (`asynction/0.1.0`,
/// `asynction/0.1.0 (mock)`, `nginx asynction/0.1.0`), in any case.
fn names_asynction(header: &str) -> bool {
    header
        .split_whitespace()
        .filter(|token| !token.starts_with('('))
        .any(|token| {
            let product = token.split('/').next().unwrap_or_default();
            product.eq_ignore_ascii_case(SERVER_PRODUCT)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_only_for_a_server_naming_asynction_unless_asked() {
        let by_header = |h: Option<&str>| RefusalRules::choose(None, h).rules;
        assert_eq!(by_header(Some("asynction/0.1.0")), Refusals::Strict);
        assert_eq!(by_header(Some("Asynction/1")), Refusals::Strict);
        assert_eq!(by_header(Some("nginx asynction/0.1.0")), Refusals::Strict);
        assert_eq!(by_header(Some("asynction-mock/1")), Refusals::Documented);
        assert_eq!(by_header(Some("nginx (asynction)")), Refusals::Documented);
        assert_eq!(by_header(Some("uvicorn")), Refusals::Documented);
        assert_eq!(by_header(None), Refusals::Documented);
        let asked = RefusalRules::choose(Some(Refusals::Documented), Some("asynction/0.1.0"));
        assert_eq!(
            (asked.rules, asked.reason),
            (Refusals::Documented, RulesReason::Asked)
        );
    }

    #[test]
    fn ack_required_by_the_document_or_the_strict_rules() {
        assert!(Refusals::Strict.ack_required(false));
        assert!(Refusals::Documented.ack_required(true));
        assert!(!Refusals::Documented.ack_required(false));
    }
}
