// Runs the README's connection-state-recovery snippet for socket.io-client against a server and
// reports what the application's listeners see, one JSON line each.
//
//   node recovery-snippet.mjs <origin, e.g. http://127.0.0.1:PORT> '<the snippet>'
//
// The snippet runs as written (its "http://localhost:3000" becomes the origin), with `io` and
// `token` in scope; it must define `socket` and `recovery`. Printed:
//   {"session": {"pid": "…", "recovered": bool}}   each asynction:recovery event
//   {"event": "message", "args": [...]}            each "message", as a listener receives it
//   {"recovery": {"pid": …, "offset": …}}          the snippet's state, after "done"
// Commands, one a line on stdin:
//   drop       closes the transport (to the server, a lost connection) and holds reconnection
//   reconnect  reconnects: the snippet's auth callback sends its pid and offset
//   done       prints the snippet's state and exits
import { io } from "socket.io-client";
import readline from "node:readline";

const [origin, snippet] = process.argv.slice(2);
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");
const AsyncFunction = (async () => {}).constructor;
const run = new AsyncFunction(
  "io",
  "token",
  `${snippet.replaceAll("http://localhost:3000", origin)}\nreturn { socket, recovery };`,
);
const { socket, recovery } = await run(io, "a token");
socket.on("asynction:recovery", (session) => print({ session }));
socket.on("message", (...args) => print({ event: "message", args }));

for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line === "drop") {
    socket.io.reconnection(false);
    socket.io.engine.close();
  } else if (line === "reconnect") {
    socket.io.reconnection(true);
    socket.connect();
  } else if (line === "done") {
    print({ recovery });
    socket.disconnect();
    process.exit(0);
  }
}
