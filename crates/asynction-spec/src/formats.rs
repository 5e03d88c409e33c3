//! The `format` names JSON Schema itself defines.

/// The `format` values the JSON Schema specification defines (draft 2020-12, §7.3, plus
/// `regex` from its ECMA-262 section): the ones a validator can assert. asynction asserts
/// every one of them (its validators run with format assertion on), its mock generates
/// values for every one, and `asynction-diff` treats a change between two of them as a
/// change of the accepted values; any other `format` (a Faker name, a custom label) is an
/// annotation only.
pub const STANDARD_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uri-template",
    "uuid",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];
