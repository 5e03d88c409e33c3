//! The fan-out benchmark's wire conventions, shared by the harness (`fanout`), the raw
//! socketioxide server (`raw_server`) and the external tick publisher (`emitter`): where the
//! receivers are, what a tick says, and the clock its `ts` is read from. The asynction server
//! (`examples/chat_bench`) and the Node server (`bench/node/server.js`) follow the same ones.

use std::time::{SystemTime, UNIX_EPOCH};

/// The namespace every fan-out receiver joins.
pub(crate) const FANOUT_NAMESPACE: &str = "/fanout";
/// The room every `/fanout` client joins on connect.
pub(crate) const FANOUT_ROOM: &str = "all";
/// The text every `tick` carries (the same in the asynction and Node servers).
pub(crate) const TICK_TEXT: &str = "fan-out tick from the benchmark server";

/// Microseconds since the Unix epoch: a tick's `ts` (send time), read again at receipt for the
/// emit-to-receipt latency (same machine, same clock).
pub(crate) fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}
