// Drives the real Node socket.io-client through a scenario and prints what happened as JSON.
//
//   node sio-client.mjs '<scenario JSON>'
//
// scenario: { "url": "http://127.0.0.1:PORT", "path": "/socket.io", "parser": "msgpack"?, "steps": [step...] }
// ("parser": "msgpack" speaks Socket.IO with socket.io-msgpack-parser instead of JSON)
// steps (each result is pushed to the output array, in order):
//   {"op":"connect","id":"a","ns":"/user","query":{},"auth":{},"headers":{},"transports":["websocket"]}
//       -> {"connected":true} | {"connect_error":"message","data":...} | {"timeout":true}
//       ("url":"http://127.0.0.1:PORT" connects to another server than the scenario's)
//   {"op":"emit","id":"a","event":"e","args":[...],"ack":true,"timeout":2000}
//       -> {"ack":[...]} | {"timeout":true} | {"sent":true}
//   {"op":"emit_binary","id":"a","event":"e","text":"abc","ack":true}   (one Buffer argument)
//   In "emit" args, {"$binary":"text"} (at any depth) is sent as a Buffer; received Buffers
//   (at any depth) are reported the same way.
//   {"op":"expect","id":"a","event":"e","timeout":2000} -> {"args":[...]} | {"timeout":true}
//   {"op":"answer","id":"a","event":"e","reply":[...]}  (acks the server's future emit-with-ack)
//   {"op":"events","id":"a"} -> every event received so far: [{"event","args"}]
//   {"op":"sleep","ms":100}
//   {"op":"disconnect","id":"a"}
//   {"op":"pause","label":"x"}  prints the line {"paused":"x"} and waits for a line on stdin
//       (the test acts meanwhile; events keep being recorded) -> {"ok":true}
import { io } from "socket.io-client";
import readline from "node:readline";

let stdinLines;
async function nextStdinLine() {
  stdinLines ??= readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  await stdinLines.next();
}

const scenario = JSON.parse(process.argv[2]);
const parser = scenario.parser === "msgpack" ? (await import("socket.io-msgpack-parser")).default : undefined;
const clients = new Map();
const out = [];

function encodeValue(v) {
  if (Buffer.isBuffer(v) || v instanceof ArrayBuffer) return { $binary: Buffer.from(v).toString("utf8") };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeValue(x)]));
  return v;
}

function encodeArgs(args) {
  return args.map(encodeValue);
}

function decodeValue(v) {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v && typeof v === "object") {
    const keys = Object.keys(v);
    if (keys.length === 1 && typeof v.$binary === "string") return Buffer.from(v.$binary);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decodeValue(x)]));
  }
  return v;
}

function waitFor(promise, ms) {
  return Promise.race([promise, new Promise((r) => setTimeout(() => r({ timeout: true }), ms))]);
}

for (const step of scenario.steps) {
  const timeout = step.timeout ?? 3000;
  if (step.op === "connect") {
    const socket = io((step.url ?? scenario.url) + (step.ns ?? "/"), {
      path: scenario.path ?? "/socket.io",
      forceNew: true,
      reconnection: false,
      transports: step.transports ?? ["websocket"],
      query: step.query ?? {},
      auth: step.auth ?? {},
      extraHeaders: step.headers ?? {},
      timeout,
      ...(parser ? { parser } : {}),
    });
    const state = { socket, events: [], waiters: [], answers: new Map() };
    socket.onAny((event, ...args) => {
      const last = args[args.length - 1];
      if (typeof last === "function") {
        const cb = args.pop();
        const reply = state.answers.get(event) ?? [];
        cb(...reply);
      }
      state.events.push({ event, args: encodeArgs(args) });
      state.waiters = state.waiters.filter((w) => !w(event, args));
    });
    clients.set(step.id, state);
    const result = await waitFor(
      new Promise((resolve) => {
        socket.on("connect", () => resolve({ connected: true }));
        socket.on("connect_error", (err) => resolve({ connect_error: err.message, data: err.data ?? null }));
      }),
      timeout,
    );
    out.push(result);
  } else if (step.op === "emit" || step.op === "emit_binary") {
    const { socket } = clients.get(step.id);
    const args = step.op === "emit_binary" ? [Buffer.from(step.text)] : (step.args ?? []).map(decodeValue);
    if (step.ack) {
      const result = await waitFor(
        new Promise((resolve) => socket.emit(step.event, ...args, (...ack) => resolve({ ack: encodeArgs(ack) }))),
        timeout,
      );
      out.push(result);
    } else {
      socket.emit(step.event, ...args);
      out.push({ sent: true });
    }
  } else if (step.op === "answer") {
    clients.get(step.id).answers.set(step.event, step.reply ?? []);
    out.push({ ok: true });
  } else if (step.op === "expect") {
    const state = clients.get(step.id);
    const seen = state.events.find((e) => e.event === step.event && !e.taken);
    if (seen) {
      seen.taken = true;
      out.push({ args: seen.args });
      continue;
    }
    let waiter;
    const result = await waitFor(
      new Promise((resolve) => {
        waiter = (event, args) => {
          if (event !== step.event) return false;
          const rec = state.events.find((e) => e.event === event && !e.taken);
          if (rec) rec.taken = true;
          resolve({ args: encodeArgs(args) });
          return true;
        };
        state.waiters.push(waiter);
      }),
      timeout,
    );
    // A timed-out expect must not swallow a later event.
    state.waiters = state.waiters.filter((w) => w !== waiter);
    out.push(result);
  } else if (step.op === "events") {
    out.push(clients.get(step.id).events.map(({ event, args }) => ({ event, args })));
  } else if (step.op === "sleep") {
    await new Promise((r) => setTimeout(r, step.ms));
    out.push({ ok: true });
  } else if (step.op === "pause") {
    process.stdout.write(JSON.stringify({ paused: step.label ?? true }) + "\n");
    await nextStdinLine();
    out.push({ ok: true });
  } else if (step.op === "disconnect") {
    clients.get(step.id).socket.disconnect();
    out.push({ ok: true });
  } else {
    out.push({ error: `unknown op ${step.op}` });
  }
}
for (const { socket } of clients.values()) socket.disconnect();
process.stdout.write(JSON.stringify(out) + "\n");
process.exit(0);
