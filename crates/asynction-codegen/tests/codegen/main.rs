//! The integration tests of asynction-codegen: one binary, one module per generator.

use std::path::PathBuf;

mod python;
mod python_runtime;
mod recovery;
mod scaffold;
mod typescript;
mod typescript_node;

/// `path` of the workspace (documents, examples, the Node peers).
fn repo(path: &str) -> PathBuf {
    asynction_testkit::root().join(path)
}
