//! The rules every [`Diagnostic`](crate::Diagnostic) is reported under: a stable id, a default
//! severity, what the rule checks and how to fix what it reports (`asynction validate
//! --explain RULE` prints it).
//!
//! Where @asyncapi/parser (the reference parser) reports the same problem, the rule has the
//! reference's id and severity (`asyncapi-document-resolved`, `asyncapi2-server-security`,
//! `asyncapi-info-contact`, …), so that a CI gate or a ruleset written for one tool means the
//! same for the other. asynction's own rules start with `asynction-`; the ones about Socket.IO
//! start with `asynction-socketio-`.

use crate::Severity;

/// One rule: its id, default severity and explanation, as [`RULES`] lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rule {
    /// The stable id (`asyncapi-info-contact`).
    pub id: &'static str,
    /// The severity it reports with unless a ruleset says otherwise.
    pub severity: Severity,
    /// Whether it belongs to the recommended ruleset (the checks that are advice, not
    /// validity: off with `--ruleset` files that do not extend `recommended`).
    pub recommended: bool,
    /// Whether @asyncapi/parser reports it under the same id.
    pub reference: bool,
    /// One line: what it checks.
    pub summary: &'static str,
    /// What to do about it.
    pub fix: &'static str,
}

const fn rule(
    id: &'static str,
    severity: Severity,
    recommended: bool,
    reference: bool,
    summary: &'static str,
    fix: &'static str,
) -> Rule {
    Rule {
        id,
        severity,
        recommended,
        reference,
        summary,
        fix,
    }
}

use Severity::{Error, Hint, Info, Warning};

// Ids used by the loader and the framework, one constant each, so a typo does not compile.
/// YAML or JSON that does not parse (the reference's `parser`).
pub const PARSER: &str = "parser";
/// A file that cannot be read or is too large.
pub const READ: &str = "asynction-read";
/// A document that is not AsyncAPI of a supported version.
pub const IS_ASYNCAPI: &str = "asyncapi-is-asyncapi";
/// A `$ref` that does not resolve.
pub const INVALID_REF: &str = "invalid-ref";
/// A `$ref` cycle that can never be inlined.
pub const REF_CYCLE: &str = "asynction-ref-cycle";
/// Too many `$ref` expansions.
pub const REF_LIMIT: &str = "asynction-ref-limit";
/// The document does not have the structure AsyncAPI's JSON Schema of its version requires.
pub const DOCUMENT: &str = "asyncapi-document-resolved";
/// A 2.x server names an undefined security scheme or scope.
pub const SERVER_SECURITY_V2: &str = "asyncapi2-server-security";
/// A 2.x channel's parameters and its address disagree.
pub const CHANNEL_PARAMETERS_V2: &str = "asyncapi2-channel-parameters";
/// A 3.x channel's parameters and its address disagree.
pub const CHANNEL_PARAMETERS_V3: &str = "asyncapi3-channel-parameters";
/// A 3.x operation's channel is not a `$ref` to a channel of the document.
pub const OPERATION_CHANNEL_V3: &str = "asyncapi3-required-operation-channel-unambiguity";
/// A 3.x operation's messages are not messages of its channel.
pub const OPERATION_MESSAGES_V3: &str = "asyncapi3-operation-messages-from-referred-channel";
/// An invalid JSON Schema (2.x: the reference's `asyncapi2-schemas`).
pub const SCHEMAS_V2: &str = "asyncapi2-schemas";
/// A 2.x message example that does not match its schemas.
pub const MESSAGE_EXAMPLES_V2: &str = "asyncapi2-message-examples";
/// A 3.x message example that does not match its schemas.
pub const MESSAGE_EXAMPLES: &str = "asynction-message-examples";
/// An invalid JSON Schema in a 3.x document.
pub const SCHEMAS: &str = "asynction-schemas";
/// Two different ingress messages with the same event name in one namespace.
pub const DUPLICATE_EVENT: &str = "asynction-socketio-duplicate-event";
/// `x-socketio-args` other than `single` or `spread`.
pub const SOCKETIO_ARGS: &str = "asynction-socketio-args";
/// A `schemaFormat` asynction cannot validate.
pub const SCHEMA_FORMAT: &str = "asynction-schema-format";
/// asynction's `x-` extensions (`x-handler`, `x-handlers`, `x-security`, `x-ack`) written wrong.
pub const EXTENSIONS: &str = "asynction-extensions";
/// A check that could not run because of an earlier error.
pub const SKIPPED: &str = "asynction-skipped";
/// A server name asked for on the command line that the document does not declare.
pub const UNKNOWN_SERVER: &str = "asynction-unknown-server";

/// Every rule, sorted by id.
pub const RULES: &[Rule] = &[
    rule(
        "asyncapi-defaultContentType",
        Warning,
        true,
        true,
        "The document should have a root \"defaultContentType\" (for example application/json).",
        "Add `defaultContentType: application/json` at the root.",
    ),
    rule(
        DOCUMENT,
        Error,
        false,
        true,
        "The document must have the structure the AsyncAPI JSON Schema of its version requires: \
         required properties, property types, allowed values, formats (URLs), no unknown \
         properties where the specification allows none.",
        "Change the node the message names as it says: add the required property, use one of \
         the allowed values, or remove the property. The AsyncAPI specification of the \
         document's version lists every object's fields.",
    ),
    rule(
        "asyncapi-id",
        Warning,
        true,
        true,
        "The document should have a root \"id\" (a URI that identifies the application).",
        "Add `id: 'urn:example:com:my-app'` (any URI) at the root.",
    ),
    rule(
        "asyncapi-info-contact",
        Warning,
        true,
        true,
        "The info object should have a \"contact\" object.",
        "Add `info.contact` with `name`, `url` and `email`.",
    ),
    rule(
        "asyncapi-info-contact-properties",
        Warning,
        true,
        true,
        "The contact object should have \"name\", \"url\" and \"email\".",
        "Fill in the missing field of `info.contact`.",
    ),
    rule(
        "asyncapi-info-description",
        Warning,
        true,
        true,
        "The info object should have a non-empty \"description\".",
        "Add `info.description` (CommonMark) saying what the API is for.",
    ),
    rule(
        "asyncapi-info-license",
        Warning,
        true,
        true,
        "The info object should have a \"license\" object.",
        "Add `info.license` with at least `name`.",
    ),
    rule(
        IS_ASYNCAPI,
        Error,
        false,
        true,
        "The input must be an AsyncAPI document of a supported version (2.0.0–2.6.0, 3.0.0, \
         3.1.0).",
        "Set the root `asyncapi` to a supported version string, such as \"2.6.0\" or \"3.1.0\".",
    ),
    rule(
        "asyncapi-latest-version",
        Info,
        true,
        true,
        "The document does not use the latest AsyncAPI version (3.1.0).",
        "`asynction convert` writes a 2.x document as 3.1.0 with the same API.",
    ),
    rule(
        "asyncapi-servers",
        Warning,
        true,
        true,
        "The document should have a non-empty \"servers\" object.",
        "Add `servers` with at least one server (its url is where clients connect).",
    ),
    rule(
        "asyncapi-unused-component",
        Info,
        true,
        true,
        "A component is not referenced anywhere in the document.",
        "Reference it with a `$ref`, or remove it.",
    ),
    rule(
        CHANNEL_PARAMETERS_V2,
        Error,
        false,
        true,
        "Every {parameter} of a channel address must be defined in the channel's \"parameters\".",
        "Add the parameter under the channel's `parameters`, or remove it from the address.",
    ),
    rule(
        MESSAGE_EXAMPLES_V2,
        Error,
        false,
        true,
        "Every example of a message must match the message's \"payload\" and \"headers\" schemas.",
        "Correct the example (the message names the first mismatch), or the schema if the \
         example is right.",
    ),
    rule(
        "asyncapi2-message-messageId",
        Warning,
        true,
        true,
        "A message should have a \"messageId\" (AsyncAPI 2.4+; 3.x messages are known by their \
         key, so the rule does not apply there).",
        "Add `messageId` to the message, unique in the document.",
    ),
    rule(
        "asyncapi2-operation-operationId",
        Warning,
        true,
        true,
        "An operation should have an \"operationId\" (2.x publish/subscribe; 3.x operations are \
         known by their key, so the rule does not apply there).",
        "Add `operationId` to the operation, unique in the document.",
    ),
    rule(
        SCHEMAS_V2,
        Error,
        false,
        true,
        "Every schema must be a valid JSON Schema (draft-07 with AsyncAPI's additions).",
        "Correct the keyword the message names: the allowed values are listed with it.",
    ),
    rule(
        SERVER_SECURITY_V2,
        Error,
        false,
        true,
        "A server's security requirements must name security schemes defined in \
         components.securitySchemes, and oauth2 scopes their flows declare.",
        "Define the scheme under `components.securitySchemes`, or correct the name or scope.",
    ),
    rule(
        "asyncapi2-tags",
        Warning,
        true,
        true,
        "The document should have a non-empty root \"tags\" array (3.x: info.tags).",
        "Add `tags` with at least one `{ name: … }` (3.x: under `info`).",
    ),
    rule(
        "asyncapi2-unused-securityScheme",
        Info,
        true,
        true,
        "A security scheme is not required by any server or operation.",
        "Require it where it applies (a server's `security`), or remove it.",
    ),
    rule(
        CHANNEL_PARAMETERS_V3,
        Error,
        false,
        true,
        "Every {parameter} of a channel address must be defined in the channel's \"parameters\".",
        "Add the parameter under the channel's `parameters`, or remove it from the address.",
    ),
    rule(
        OPERATION_MESSAGES_V3,
        Error,
        false,
        true,
        "An operation's \"messages\" must be $refs to messages of the channel it references.",
        "Reference the messages as `$ref: '#/channels/CHANNEL/messages/MESSAGE'`.",
    ),
    rule(
        OPERATION_CHANNEL_V3,
        Error,
        false,
        true,
        "An operation's \"channel\" must be a $ref to a channel under the root \"channels\".",
        "Write `channel: { $ref: '#/channels/NAME' }` with a channel the document defines.",
    ),
    rule(
        EXTENSIONS,
        Error,
        false,
        false,
        "asynction's extensions (x-handler, x-handlers, x-security, x-ack) must have the shape \
         asynction reads: handler ids are strings, x-security lists requirements of defined \
         schemes, channels sharing an address agree on their x-handlers.",
        "Correct the extension as the message says (see the README's extension table).",
    ),
    rule(
        MESSAGE_EXAMPLES,
        Warning,
        false,
        false,
        "A 3.x message example does not match its \"payload\" or \"headers\" schema (the \
         reference parser does not check 3.x examples yet, so this is a warning).",
        "Correct the example, or the schema if the example is right.",
    ),
    rule(
        READ,
        Error,
        false,
        false,
        "The document (or a file it references) cannot be read, or is over the size limit.",
        "Check the path and permissions; raise LoadOptions::max_document_bytes for a larger \
         document.",
    ),
    rule(
        REF_CYCLE,
        Error,
        false,
        false,
        "$refs that reference each other outside a schema can never be inlined (a message \
         whose $ref leads back to itself); a recursive schema must live in the main file.",
        "Break the cycle: one of the nodes named must hold content instead of a $ref.",
    ),
    rule(
        REF_LIMIT,
        Error,
        false,
        false,
        "The document expands more $refs than the limit (a guard against exponential \
         documents).",
        "Raise LoadOptions::max_ref_expansions if the document is meant to be this large.",
    ),
    rule(
        SCHEMA_FORMAT,
        Error,
        false,
        false,
        "A message's schemaFormat is one asynction cannot validate (Avro, RAML, Protobuf…).",
        "Describe the payload in JSON Schema or AsyncAPI Schema.",
    ),
    rule(
        SCHEMAS,
        Error,
        false,
        false,
        "Every schema of a 3.x document must be a valid JSON Schema.",
        "Correct the keyword the message names: the allowed values are listed with it.",
    ),
    rule(
        SKIPPED,
        Info,
        false,
        false,
        "A check could not run because of an earlier error (the model of a document whose \
         $refs do not resolve, the schemas of a document that does not parse).",
        "Fix the errors reported before it; the skipped checks then run.",
    ),
    rule(
        "asynction-socketio-ack-on-server-event",
        Warning,
        true,
        false,
        "A server-sent event has an ack schema: the client's acknowledgement is validated, but \
         a handler that emits it has no way to see the answer unless it emits with an ack \
         (`emit_with_ack`); a server event with an ack and no `x-handler`-side use is usually a \
         misplaced ack.",
        "Keep the ack only if the server emits the event with `emit_with_ack`; otherwise move \
         it to the client-sent event it answers, or remove it.",
    ),
    rule(
        SOCKETIO_ARGS,
        Error,
        false,
        false,
        "x-socketio-args must be \"single\" (a schema is one argument) or \"spread\" (a schema \
         is the whole argument list).",
        "Write `x-socketio-args: single` or `x-socketio-args: spread`.",
    ),
    rule(
        DUPLICATE_EVENT,
        Error,
        false,
        false,
        "Two different messages a namespace receives have the same event name: dispatch could \
         not tell them apart.",
        "Rename one message (its `name`), or merge them into one message with a oneOf payload.",
    ),
    rule(
        "asynction-socketio-empty-namespace",
        Warning,
        true,
        false,
        "A namespace has no message in either direction: clients can connect, but every event \
         is refused as unknown.",
        "Add the messages of the namespace (2.x: publish/subscribe; 3.x: channel messages and \
         operations), or remove the channel.",
    ),
    rule(
        "asynction-socketio-handler-both-directions",
        Warning,
        true,
        false,
        "A message with an x-handler is used both by the client (received) and by the server \
         (sent): the handler only runs for the received one, which readers of the document \
         rarely expect.",
        "Put `x-handler` on the receiving operation (3.x) or split the message in two.",
    ),
    rule(
        "asynction-socketio-namespace-path",
        Hint,
        true,
        false,
        "A channel address without a leading \"/\" is served as the namespace \"/address\".",
        "Write the address with its leading slash, as clients will name the namespace.",
    ),
    rule(
        UNKNOWN_SERVER,
        Error,
        false,
        false,
        "The server named on the command line (--server) is not declared by the document.",
        "Use one of the servers the message lists, or declare the server.",
    ),
    rule(
        INVALID_REF,
        Error,
        false,
        true,
        "A $ref must resolve: to a node of this document (RFC 6901 pointer) or of a local file. \
         Remote (http) references are not fetched.",
        "Correct the pointer or the file name, or copy the remote content into a local file.",
    ),
    rule(
        PARSER,
        Error,
        false,
        true,
        "The text does not parse as YAML 1.2 or JSON (syntax, duplicate keys); no other check \
         can run.",
        "Correct the syntax at the position given.",
    ),
];

/// The rule with `id`.
///
/// ```
/// let rule = asynction_spec::rules::rule_named("asyncapi-info-contact").unwrap();
/// assert_eq!(rule.severity, asynction_spec::Severity::Warning);
/// ```
pub fn rule_named(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// What `--explain` prints for a rule.
pub fn explain(rule: &Rule) -> String {
    format!(
        "{id} ({severity}{recommended}{reference})\n\n{summary}\n\nHow to fix: {fix}\n",
        id = rule.id,
        severity = rule.severity,
        recommended = if rule.recommended {
            ", recommended ruleset"
        } else {
            ""
        },
        reference = if rule.reference {
            ", same id in @asyncapi/parser"
        } else {
            ""
        },
        summary = rule.summary,
        fix = rule.fix,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_every_constant_is_described() {
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate rule ids");
        for id in [
            PARSER,
            READ,
            IS_ASYNCAPI,
            INVALID_REF,
            REF_CYCLE,
            REF_LIMIT,
            DOCUMENT,
            SERVER_SECURITY_V2,
            CHANNEL_PARAMETERS_V2,
            CHANNEL_PARAMETERS_V3,
            OPERATION_CHANNEL_V3,
            OPERATION_MESSAGES_V3,
            SCHEMAS_V2,
            MESSAGE_EXAMPLES_V2,
            MESSAGE_EXAMPLES,
            SCHEMAS,
            DUPLICATE_EVENT,
            SOCKETIO_ARGS,
            SCHEMA_FORMAT,
            EXTENSIONS,
            SKIPPED,
            UNKNOWN_SERVER,
        ] {
            assert!(rule_named(id).is_some(), "{id} is not described");
        }
    }

    #[test]
    fn explain_names_the_rule_its_severity_and_the_fix() {
        let text = explain(rule_named("asyncapi-info-contact").unwrap());
        assert!(text.starts_with("asyncapi-info-contact (warning, recommended ruleset"));
        assert!(text.contains("How to fix: Add `info.contact`"), "{text}");
    }
}
