// A Node socket.io server implementing tests/fixtures/contract/tickets.yaml, for
// `asynction test`'s peer tests. `node contract-server.mjs PORT [BREAK]` where BREAK is one
// deliberate contract violation: wrong-ack-type, undeclared-event, missing-property,
// no-security, no-binding, invalid-acked, hang (none by default).
import { Server } from "socket.io";
import Ajv2020 from "ajv/dist/2020.js";

const port = Number(process.argv[2]);
const brk = process.argv[3] || "none";
const ajv = new Ajv2020({ strict: false });
const ticket = ajv.compile({
  type: "object", additionalProperties: false, required: ["title", "priority"],
  properties: { title: { type: "string", minLength: 1, maxLength: 80 }, priority: { type: "integer", minimum: 1, maximum: 5 } },
});
const move = ajv.compile({
  type: "array", minItems: 2, maxItems: 2,
  prefixItems: [{ type: "integer", minimum: 0, maximum: 1000 }, { type: "string", enum: ["up", "down", "left", "right"] }],
});

const io = new Server(port, { pingInterval: 2000 });
let next = 1;

function split(args) {
  const ack = typeof args[args.length - 1] === "function" ? args.pop() : () => {};
  return [args, ack];
}

io.of("/").on("connection", (socket) => {
  if (brk === "undeclared-event") socket.emit("surprise", { hello: true });
  const timer = setInterval(() => socket.emit("heartbeat", next), 200);
  socket.on("disconnect", () => clearInterval(timer));
  socket.on("open ticket", (...raw) => {
    const [args, ack] = split(raw);
    if (args.length !== 1 || !ticket(args[0])) {
      if (brk === "invalid-acked") return ack({ id: "t0", status: "open" });
      return ack({ error: "invalid_payload" });
    }
    const id = `t${next++}`;
    if (brk === "wrong-ack-type" && args[0].priority > 3) ack({ id: 42, status: "open" });
    else ack({ id, status: "open" });
    socket.emit("ticket opened", brk === "missing-property" ? { id } : { id, title: args[0].title });
  });
  socket.on("move", (...raw) => {
    const [args, ack] = split(raw);
    if (brk === "hang") return;
    if (!move(args)) return ack({ error: "invalid_payload" });
    ack(args[0]);
  });
  socket.on("upload", (...raw) => {
    const [args, ack] = split(raw);
    const [name, data] = args;
    if (args.length !== 2 || typeof name !== "string" || name.length < 1 || name.length > 20 || !Buffer.isBuffer(data)) {
      return ack({ error: "invalid_payload" });
    }
    ack({ size: data.length });
  });
});

io.of("/secure").use((socket, next) => {
  const auth = socket.handshake.headers.authorization || "";
  if (brk !== "no-security" && !/^Bearer \S+$/.test(auth)) return next(new Error("unauthorized"));
  const t = socket.handshake.query.tenant;
  if (brk !== "no-binding" && !(/^\d+$/.test(t || "") && Number(t) >= 1 && Number(t) <= 99)) {
    return next(new Error("invalid_handshake"));
  }
  next();
}).on("connection", (socket) => {
  socket.on("whoami", (...raw) => {
    const [, ack] = split(raw);
    ack(`tenant-${socket.handshake.query.tenant}`);
  });
});

console.log(`listening on ${port} (break: ${brk})`);
