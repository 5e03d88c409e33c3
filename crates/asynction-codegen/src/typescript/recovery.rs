//! Connection state recovery in the generated client, when the document declares it
//! (`x-socketio-recovery` at the root or on any server): the client opts in by itself.
//!
//! `connect` gives socket.io-client an `auth` callback that sends the credentials with the
//! socket's `pid` and the last offset it received (asynction's wire convention, see the
//! `asynction::recovery` rustdoc), and `recover` hooks the socket's internal `emitEvent`
//! (through which every incoming event reaches `on`, `once` and `onAny` listeners): the
//! session event `asynction:recovery` updates the socket's state and `socket.recovered`, and
//! the offset — the last argument of every event the server sent without asking for an ack —
//! is kept and removed before any listener or check sees the arguments. Whether the server
//! asked for an ack is read from the packet itself (socket.io-client appends the ack callback),
//! so an event that asks for one keeps all its arguments. A server without recovery sends no
//! session event, and then nothing is removed.
//!
//! Without recovery in the document none of this is generated.

/// Top-level identifiers the recovery code adds to `src/index.ts`.
pub(crate) const FIXED: &[&str] = &[
    "RECOVERY_EVENT",
    "RecoverySession",
    "RecoveryState",
    "RecoveringSocket",
    "isRecoverySession",
    "recoveryAuth",
    "recover",
];

/// The listener line of `…ServerToClientEvents`.
pub(crate) const LISTENER: &str = "  /** Not an event of the document: the session of connection state recovery, right after each CONNECT (`recovered`: this connection got back the previous one's rooms, data and missed events). */\n  \"asynction:recovery\": (session: RecoverySession) => void;\n";

/// The recovery types and functions, before the namespaces.
pub(crate) const PRELUDE: &str = r#"// ---- Connection state recovery ----

/** The event the server sends right after each CONNECT with the client's {@link RecoverySession}. */
export const RECOVERY_EVENT = "asynction:recovery";

/** The session of a socket on a server with connection state recovery. */
export interface RecoverySession {
  /** The session's private id: the socket sends it back when it reconnects. */
  readonly pid: string;
  /** Whether this connection recovered the previous one: its rooms, its session data and the events it missed. */
  readonly recovered: boolean;
}

/** What a socket keeps between its connections. */
interface RecoveryState {
  pid: string | null;
  /** The offset of the last event received without an ack. */
  offset: string | null;
  /** Whether this connection got a session (only then do events carry an offset). */
  live: boolean;
}

/** The parts of socket.io-client's Socket recovery hooks into (`emitEvent` is internal). */
interface RecoveringSocket {
  emitEvent(args: unknown[]): void;
  recovered: boolean;
}

function isRecoverySession(value: unknown): value is RecoverySession {
  if (value === null || typeof value !== "object") {
    return false;
  }
  const session = value as { pid?: unknown; recovered?: unknown };
  return typeof session.pid === "string" && typeof session.recovered === "boolean";
}

/** The CONNECT `auth`: the credentials, the session's `pid` and the last offset (`null` the first time). */
function recoveryAuth(state: RecoveryState, credentials: object | undefined): (cb: (data: object) => void) => void {
  return (cb) => cb({ ...credentials, pid: state.pid, offset: state.offset });
}

function recover(socket: Socket, state: RecoveryState): void {
  const raw = socket as unknown as RecoveringSocket;
  const deliver = raw.emitEvent.bind(raw);
  raw.emitEvent = (args: unknown[]): void => {
    const [event, session] = args;
    if (event === RECOVERY_EVENT && args.length === 2 && isRecoverySession(session)) {
      state.pid = session.pid;
      state.live = true;
      if (!session.recovered) {
        // A new session: an offset of the old one means nothing to it.
        state.offset = null;
      }
      raw.recovered = session.recovered;
      deliver(args);
      return;
    }
    const last = args[args.length - 1];
    // An event that asks for an ack ends with its callback and carries no offset.
    if (state.live && args.length > 1 && typeof last === "string") {
      state.offset = last;
      deliver(args.slice(0, -1));
      return;
    }
    deliver(args);
  };
  socket.on("disconnect", () => {
    state.live = false;
  });
}

"#;

/// The TSDoc lines `connect` adds.
pub(crate) fn connect_doc() -> Vec<String> {
    vec![
        String::new(),
        "Connection state recovery (the document's `x-socketio-recovery`): the socket opts in by itself. After a lost connection socket.io-client reconnects with the session's `pid` and the last offset received, and the server replays what the socket missed; listeners never see the offsets. `socket.recovered` tells whether the last connection recovered the previous one, from the `asynction:recovery` event on (it arrives right after `connect`: listen to it, `socket.on(\"asynction:recovery\", ({ recovered }) => …)`).".to_owned(),
    ]
}

/// The generated README's section.
pub(crate) const README: &str = "## Connection state recovery\n\nThe server keeps the session of a client that loses its connection (`x-socketio-recovery` in the document), and this client opts in by itself: it sends its session's `pid` and the offset of the last event it received with its credentials, so after a reconnection it gets back its rooms, its session data and the events it missed, in order, once. Your listeners see the events as the document types them (the offset the server adds as their last argument is removed first). `socket.recovered` says whether the last connection recovered the previous one; it is known once the `asynction:recovery` event arrived, right after `connect`:\n\n```ts\nsocket.on(\"asynction:recovery\", ({ recovered }) => {\n  if (!recovered) {\n    // a new session: fetch the state the missed events would have brought\n  }\n});\n```\n\n";
