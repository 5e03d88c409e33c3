// A socket.io server that breaks the shapes fixture's document (tests/fixtures/typescript/
// shapes-2.6.yaml), for the runtime tests of generated Python clients: it prints
// `{"port": N}`, then one JSON line per event it receives.
//
//   node py-breaking-server.mjs
import { createServer } from "node:http";
import { Server } from "socket.io";

const http = createServer();
const io = new Server(http, { path: "/api/socket.io" });
const log = (line) => process.stdout.write(JSON.stringify(line) + "\n");

io.of("/support").on("connection", (s) => {
  log({ event: "connection", auth: s.handshake.auth, lang: s.handshake.query.lang });
  s.onAny((event, ...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    log({ event, args });
    if (!ack) return;
    if (event === "move") return ack("ok");
    if (event !== "ticket") return;
    const title = args[0]?.title;
    if (title === "bad ack") return ack({ id: "not an integer" });
    if (title === "refuse")
      return ack({
        error: {
          code: "handler_error",
          message: "tickets are closed",
          namespace: "/support",
          event: "ticket",
          violations: [{ instancePath: "/title", schemaPath: "", message: "closed" }],
        },
      });
    if (title === "silent") return;
    ack({ id: 7 });
  });
  // One valid event, one that breaks its schema, one the document does not have, one asking
  // for an ack.
  s.emit("status", { state: "open", at: "2026-01-01T00:00:00Z" });
  s.emit("status", { state: "exploded", at: "now" });
  s.emit("not in the document", 1);
  s.emit("tree", { value: "not a number" });
  s.emit("ask", "ok?", (answer) => log({ event: "ask ack", args: [answer] }));
});

http.listen(0, "127.0.0.1", () => log({ port: http.address().port }));
