//! What these tests need from the framework's own types. Everything else — ports, servers on a
//! free port, the real peers (Node, Python, Ajv, Chromium), the examples as processes, the
//! Socket.IO client — is the workspace's test kit, `asynction_testkit`, which does not depend on
//! this crate.

pub(crate) mod handshake;

/// The schema as Ajv gets it (`asynction_testkit::ajv`): exactly what asynction compiles for
/// `schema`. (The mock's tests use it.)
#[cfg(feature = "mock")]
pub(crate) fn ajv_schema(
    schema: &asynction::model::Schema,
    document: &serde_json::Value,
) -> serde_json::Value {
    asynction::validate::self_contained(schema, document).0
}
