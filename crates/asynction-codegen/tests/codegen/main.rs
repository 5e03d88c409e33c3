//! The integration tests of asynction-codegen: one binary, one module per generator.

mod scaffold;
mod typescript;
mod typescript_node;
