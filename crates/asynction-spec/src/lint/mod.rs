//! The recommended ruleset (advice, not validity) and the configuration of every rule.
//!
//! [`recommended`] runs the recommended rules of @asyncapi/parser with the same ids and
//! severities (`asyncapi-info-contact`, `asyncapi2-operation-operationId`,
//! `asyncapi-unused-component`, `asyncapi-latest-version`, …), and asynction's Socket.IO rules
//! (`asynction-socketio-*`: what would mislead a Socket.IO server or client). The reference
//! parser runs its recommended rules on 2.x documents only; here they run on every version,
//! read the way the version writes the same thing (3.x `info.tags` for the root `tags` of
//! 2.x); the two that name what 3.x gives by construction (`operationId`, `messageId`: 3.x
//! operations and messages are known by their keys) do not apply to 3.x.
//!
//! A [`Ruleset`] changes what is reported, as Spectral rulesets do: rule severities, rules off,
//! the recommended rules off; `x-asynction-disable: [rule-id, …]` on a node of the document
//! turns rules off for that node and everything under it.

//!
//! Two files: `recommended.rs` (the rules' findings on a document) and `ruleset.rs` (what a
//! ruleset file and `x-asynction-disable` make of them).

mod recommended;
mod ruleset;
#[cfg(test)]
mod tests;

pub use recommended::recommended;
pub use ruleset::{RuleSetting, Ruleset, unlocated};

/// The extension that turns rules off for a node: `x-asynction-disable: [rule-id, …]`.
pub const DISABLE_KEY: &str = "x-asynction-disable";
