//! The rooms recovery keeps its clients in, beside the application's own.
//!
//! socketioxide sends one packet to every recipient of a broadcast, but a client that recovers
//! needs each event with its offset as the last argument while the others must see no extra
//! argument. So a recovering client is kept out of the application's rooms and put in their
//! *shadows* instead: every broadcast goes out twice, once as written to the clients that did
//! not opt in (`except(OPTED_IN)`), once with the offset to the shadows. Both are ordinary room
//! broadcasts, so they work through any adapter. [`ValidatedSocket`](crate::ValidatedSocket)
//! maps `join`, `leave` and `rooms` so applications never see a shadow.

/// Every client that opted in to recovery, from its CONNECT on: excluded from plain deliveries.
pub(crate) const OPTED_IN: &str = "asynction:recovery";

/// Opted-in clients whose missed events were replayed: they receive namespace-wide deliveries.
/// A client joins it (and its rooms' shadows) only after its replay, under the namespace's log
/// lock, so no event reaches it twice or ahead of an older one.
pub(crate) const LIVE: &str = "asynction:recovery:live";

const SHADOW: &str = "asynction:recovery:room:";

const SOCKET: &str = "asynction:recovery:socket:";

/// The room only the opted-in socket `sid` is in once live: how a node reading a shared log
/// reaches one socket, or leaves out the sender of a broadcast.
pub(crate) fn socket_room(sid: &impl std::fmt::Display) -> String {
    format!("{SOCKET}{sid}")
}

/// The shadow of the application's room `room`.
pub(crate) fn shadow(room: &str) -> String {
    format!("{SHADOW}{room}")
}

/// The application's room a shadow stands for; `None` for any other room.
pub(crate) fn unshadow(room: &str) -> Option<&str> {
    room.strip_prefix(SHADOW)
}

/// Whether `room` is one of recovery's own (markers or shadows).
pub(crate) fn is_internal(room: &str) -> bool {
    room == OPTED_IN || room == LIVE || room.starts_with(SHADOW) || room.starts_with(SOCKET)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shadow_maps_back_to_its_room_and_nothing_else_does() {
        assert_eq!(unshadow(&shadow("lobby")), Some("lobby"));
        assert_eq!(unshadow("lobby"), None);
        assert!(is_internal(OPTED_IN) && is_internal(LIVE) && is_internal(&shadow("x")));
        assert!(!is_internal("asynction"));
    }
}
