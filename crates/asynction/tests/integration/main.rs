//! asynction's integration tests, in one binary (one link of the dependency tree instead of one
//! per file). Each module is one behaviour area. The harness (serve an app on a free port or
//! reach it in process, the Node and Python peers, the Socket.IO client, Ajv, Chromium, the
//! examples as processes) is the workspace's test kit, `asynction_testkit`; `support` holds the
//! little that needs asynction's own types.

mod support;

mod bad_input;
mod conformance;
mod diagnostics_agreement;
mod docs;
mod docs_console;
mod document_schemas;
mod emit;
mod examples;
mod first_event;
mod fuzz_smoke;
mod lifecycle;
mod limits;
#[cfg(feature = "metrics")]
mod metrics;
#[cfg(feature = "mock")]
mod mock_generate;
#[cfg(feature = "mock")]
mod mock_reload;
#[cfg(feature = "otel")]
mod otel;
mod parser_agreement;
mod recovery;
mod recovery_jitter;
mod recovery_peers;
mod security_peers;
mod security_unit;
mod server_node;
mod server_python;
#[cfg(feature = "traces")]
mod traces;
#[cfg(feature = "schemars")]
mod typecheck;
mod validators;
