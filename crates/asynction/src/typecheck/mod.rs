//! Rust types checked against the document when the server is built (feature `schemars`).
//!
//! A handler's `Payload<T>`, its `Ack<T>` and the types it emits are a second description of
//! each event, beside the document's JSON Schemas. Validation compares values at run time, one
//! event at a time; this module compares the *types* once, at `build()`: every schema schemars
//! generates for them is checked against the document's schema with asynction-diff's subset
//! check (`asynction_diff::schema::is_subset_at`, the one `asynction diff` uses).
//!
//! - incoming payload: every value the document accepts must deserialize into `T`
//!   (the document's schema ⊆ `T`, serde's deserialize view: `#[serde(default)]` fields are
//!   optional);
//! - ack, outgoing emit: every value of `T` must be accepted by the document (`T` ⊆ the
//!   document's schema, serde's serialize view: `skip_serializing_if` fields are optional);
//! - `x-socketio-args: spread` lists and tuples as the server reads and writes them.
//!
//! A proven disagreement fails the build with [`crate::BuildError::Types`], every mismatch
//! listed at once (namespace, event, direction, the JSON pointer of the first difference in
//! both schemas with their keywords, the document's `file:line:col`, and — with the `mock`
//! feature — a counterexample value found by generating values). What the subset check cannot
//! decide (`pattern`s that differ, `not`, …) is a warning that says why: logged at build and
//! listed by [`check_types`](crate::AsynctionSocketIo::check_types), never a failure and never
//! silent.
//!
//! # Registering checked handlers
//!
//! (With the feature: the example compiles only with it.)
//!
//! ```no_run
//! # #[cfg(feature = "schemars")]
//! # mod example {
//! use asynction::{Ack, AsynctionSocketIo, Payload, ValidatedIo};
//!
//! #[derive(serde::Deserialize, schemars::JsonSchema)]
//! struct Credentials { username: String, password: String }
//!
//! #[derive(serde::Serialize, schemars::JsonSchema)]
//! #[serde(rename_all = "lowercase")]
//! enum Metrics { Signup, Login }
//! asynction::server_event!(Metrics, "/admin", "metrics");
//!
//! async fn log_in(io: ValidatedIo, Payload(_c): Payload<Credentials>) -> Ack<bool> {
//!     let _ = io.send(&Metrics::Login).await;
//!     Ack(true)
//! }
//!
//! # fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let app = AsynctionSocketIo::from_spec("asyncapi.yaml")?
//!     .handler_checked("user_accounts.log_in", log_in)
//!     .emits::<Metrics>()
//!     .build()?; // "1 routes checked, 0 unchecked, 1 emits checked" in the log
//! # Ok(()) }
//! # }
//! ```
//!
//! # Why a second registration method, not a check inside `.on`
//!
//! Rust has no specialization: `.on` cannot check `T` when `T: JsonSchema` and skip it
//! otherwise. Making `.on` require `JsonSchema` under the feature would break every handler
//! whose types lack it the moment any crate in the build enables `schemars` (features must be
//! additive). So the checked registrations are their own methods, `.on_checked` and
//! `.handler_checked`, whose bound ([`CheckedHandler`]) requires every extractor and the
//! return value to be described ([`DescribedArgument`], [`DescribedReply`]): a `Payload<T>`
//! without `T: JsonSchema` is a compile error that says to derive it or to use `.on`. Handlers
//! registered with `.on` / `.handler` still work; they are counted as *unchecked* (in the
//! start-up log and in the report), never refused.
//!
//! # Typed emits
//!
//! `emit("event", &value)` names the event by a string, so nothing ties a type to an event at
//! compile time. A [`ServerEvent`] type carries its namespace and event name
//! ([`server_event!`](crate::server_event) writes the impl); `send(&value)` on
//! [`ValidatedSocket`](crate::ValidatedSocket), [`ValidatedBroadcast`](crate::ValidatedBroadcast)
//! and [`ValidatedIo`](crate::ValidatedIo) emits it, and `.emits::<T>()` on the builder
//! declares it so the check sees it (a handler's body cannot be inspected at build time).
//!
//! # Export: the document the Rust types describe
//!
//! [`AsynctionSocketIo::export_document`](crate::AsynctionSocketIo::export_document) returns the
//! resolved document with each checked payload, ack and typed emit schema replaced by the Rust
//! type's (definitions under `components/schemas`), for `asynction diff` against the committed
//! document in CI. It is a library function, not a CLI command: the CLI cannot load a project's
//! Rust types; the project's own test can (README: "Rust types checked against the document").
//!
//! # Where it plugs in
//!
//! The builder knows none of this: registrations carry an opaque description
//! (`server/builder/registrations.rs`), and `build()` runs the route check it was given, which
//! is `built_in_check` (this module's `check`) when the feature is on.
//!
//! Without the feature this module still has the report types ([`crate::BuildError::Types`]
//! carries one) and the typed emits ([`ServerEvent`], [`server_event!`](crate::server_event),
//! `send`), which need no schema.

mod report;

#[cfg(feature = "schemars")]
mod check;
#[cfg(feature = "schemars")]
mod counterexample;
#[cfg(feature = "schemars")]
mod describe;
mod emit;
#[cfg(feature = "schemars")]
mod export;
#[cfg(feature = "schemars")]
mod register;

pub use report::{Direction, SchemaSide, TypeMismatch, TypeReport};

#[cfg(feature = "schemars")]
pub use describe::{CheckedHandler, DescribedArgument, DescribedReply, HandlerTypes};
pub use emit::ServerEvent;
#[cfg(feature = "schemars")]
pub use export::ExportedDocument;

/// The route check every builder starts with: the type check with the feature, none without.
pub(crate) fn built_in_check() -> Option<crate::server::RouteCheck> {
    #[cfg(feature = "schemars")]
    {
        Some(register::check_at_build)
    }
    #[cfg(not(feature = "schemars"))]
    {
        None
    }
}
