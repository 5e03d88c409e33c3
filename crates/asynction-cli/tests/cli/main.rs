//! The `asynction` binary's tests, in one binary: each module runs the built command against
//! documents and real peers (Node socket.io-client, a private redis-server).

#[path = "../../../asynction/tests/integration/support/mod.rs"]
mod support;

mod bundle;
mod cli_lint;
mod cli_validate;
mod cluster;
mod contract;
mod convert;
mod diff;
mod generate;
mod mock_server;
mod roundtrip;
