//! The node side of a shared log: each event read from it delivered to this node's opted-in
//! clients it is for, in the log's order, under the node's delivery lock (see `shared.rs`).

use futures_util::FutureExt;
use socketioxide::SocketIo;
use socketioxide::adapter::Adapter;

use super::deliver::shadow_operators;
use super::entry::{Entry, with_offset};
use super::offset::Offset;
use super::rooms::socket_room;

/// Delivers one event read from the shared log to this node's opted-in clients it is for,
/// under the delivery lock (`delivered`, held by the caller for a batch), and notes it as
/// delivered.
pub(crate) fn deliver_logged<A: Adapter>(
    delivered: &mut Offset,
    io: &SocketIo<A>,
    offset: Offset,
    ns: &str,
    entry: &Entry,
) {
    if let Some(base) = io.of(ns) {
        let target = &entry.target;
        let ops = match target.socket {
            Some(sid) => base.within(socket_room(&sid)),
            None => {
                let ops = shadow_operators(base, target);
                match target.except_socket {
                    Some(sid) => ops.except(socket_room(&sid)),
                    None => ops,
                }
            }
        };
        let args = with_offset(&entry.args, &offset.to_string());
        let wire = args.as_wire();
        match ops.local().emit(entry.event.as_str(), &wire).now_or_never() {
            Some(Err(e)) => {
                tracing::debug!(namespace = ns, error = %e, "some recovering clients were not reached; they get the event when they recover");
            }
            Some(Ok(())) => {}
            None => tracing::warn!(
                namespace = ns,
                "the adapter did not deliver locally at once; recovery cannot order this event"
            ),
        }
    }
    *delivered = (*delivered).max(offset);
}
