// Socket.IO servers nobody wrote for asynction, for `asynction test`'s peer tests:
// `node third-party-server.mjs PORT VARIANT`.
//
// - chat-demo (tests/fixtures/contract/socketio-chat-demo.yaml): behaves like socket.io's own
//   chat demo: no acks, no input validation, whatever a client sends is relayed to the others.
// - silent (same document): validates input and silently drops what is invalid.
// - error-acks (tests/fixtures/contract/socketio-chat-acks.yaml): its document declares acks,
//   and it answers invalid input with an error ack.
import { Server } from "socket.io";
import Ajv2020 from "ajv/dist/2020.js";

const port = Number(process.argv[2]);
const variant = process.argv[3] || "chat-demo";
const ajv = new Ajv2020({ strict: false });
const username = ajv.compile({ type: "string", minLength: 1, maxLength: 32 });
const message = ajv.compile({ type: "string", minLength: 1, maxLength: 500 });

const io = new Server(port, { pingInterval: 2000 });
let numUsers = 0;

// Arguments and the ack callback (a no-op when none was asked for).
function split(raw) {
  const ack = typeof raw[raw.length - 1] === "function" ? raw.pop() : () => {};
  return [raw, ack];
}

// The demo's handlers, which trust their input.
function chatDemo(socket) {
  let added = false;
  socket.on("new message", (data) => {
    socket.broadcast.emit("new message", { username: socket.username, message: data });
  });
  socket.on("add user", (name) => {
    if (added) return;
    socket.username = name;
    numUsers += 1;
    added = true;
    socket.emit("login", { numUsers });
    socket.broadcast.emit("user joined", { username: socket.username, numUsers });
  });
  for (const event of ["typing", "stop typing"]) {
    socket.on(event, () => socket.broadcast.emit(event, { username: socket.username }));
  }
  socket.on("disconnect", () => {
    if (!added) return;
    numUsers -= 1;
    socket.broadcast.emit("user left", { username: socket.username, numUsers });
  });
}

// The same chat, checking its input first: an invalid value is dropped without a word
// (`silent`) or answered with an error ack (`error-acks`, whose document declares acks).
function checked(socket, answer) {
  let added = false;
  const valid = (check, args) => args.length === 1 && check(args[0]);
  socket.on("add user", (...raw) => {
    const [args, ack] = split(raw);
    if (!valid(username, args)) return answer && ack({ error: "invalid_payload" });
    if (!added) {
      added = true;
      numUsers += 1;
      socket.username = args[0];
      socket.broadcast.emit("user joined", { username: socket.username, numUsers });
    }
    socket.emit("login", { numUsers });
    if (answer) ack({ numUsers });
  });
  socket.on("new message", (...raw) => {
    const [args, ack] = split(raw);
    if (!valid(message, args)) return answer && ack({ error: "invalid_payload" });
    if (socket.username) {
      socket.broadcast.emit("new message", { username: socket.username, message: args[0] });
    }
    if (answer) ack({ delivered: true });
  });
  for (const event of ["typing", "stop typing"]) {
    socket.on(event, () => {
      if (socket.username) socket.broadcast.emit(event, { username: socket.username });
    });
  }
  socket.on("disconnect", () => {
    if (!added) return;
    numUsers -= 1;
    socket.broadcast.emit("user left", { username: socket.username, numUsers });
  });
}

io.on("connection", (socket) => {
  if (variant === "chat-demo") chatDemo(socket);
  else if (variant === "silent") checked(socket, false);
  else if (variant === "error-acks") checked(socket, true);
  else throw new Error(`unknown variant ${variant}`);
});

console.log(`listening on ${port} (${variant})`);
