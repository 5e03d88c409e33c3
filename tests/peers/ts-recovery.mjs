// Drives a generated TypeScript client of tests/fixtures/server/recovery.yaml (compiled, with
// runtime checks) through lost connections; the line protocol of recovery-snippet.mjs.
//
//   node ts-recovery.mjs <the client's dist/index.js> <origin, e.g. http://127.0.0.1:PORT>
//
// Printed, one JSON line each, as the typed listeners see them:
//   {"session": {"pid": "…", "recovered": bool}, "recovered": socket.recovered}
//   {"event": "message", "args": [...]}
//   {"event": "question", "args": [...]}   (answered with "because " + the question)
//   {"invalid": {...}}                      (a server event the checks diverted)
//   {"recovered": socket.recovered}         after "done"
// Commands: drop, reconnect, done (as in recovery-snippet.mjs).
import readline from "node:readline";
import { pathToFileURL } from "node:url";

const [indexJs, origin] = process.argv.slice(2);
const { connect } = await import(pathToFileURL(indexJs).href);
const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");

const socket = connect(origin, "/chat", { transports: ["websocket"] });
socket.on("asynction:recovery", (session) => print({ session, recovered: socket.recovered }));
socket.on("message", (...args) => print({ event: "message", args }));
socket.on("question", (...args) => {
  const ack = args.pop();
  print({ event: "question", args });
  ack(`because ${args[0]}`);
});
socket.on("invalid", (message) => print({ invalid: message }));

for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line === "drop") {
    socket.io.reconnection(false);
    socket.io.engine.close();
  } else if (line === "reconnect") {
    socket.io.reconnection(true);
    socket.connect();
  } else if (line === "done") {
    print({ recovered: socket.recovered });
    socket.disconnect();
    process.exit(0);
  }
}
