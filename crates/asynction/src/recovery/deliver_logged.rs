//! The node side of a shared log: each event read from it delivered to this node's opted-in
//! clients it is for, in the log's order, under the node's delivery lock (see `shared.rs`).

use socketioxide::SocketIo;
use socketioxide::adapter::Adapter;

use super::deliver::{deliver_now, shadow_operators};
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
        deliver_now(ns, ops.local().emit(entry.event.as_str(), &wire));
    }
    *delivered = (*delivered).max(offset);
}
