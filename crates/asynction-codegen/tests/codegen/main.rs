//! The integration tests of asynction-codegen: one binary, one module per generator.

mod python;
mod python_runtime;
mod scaffold;
mod typescript;
mod typescript_node;
