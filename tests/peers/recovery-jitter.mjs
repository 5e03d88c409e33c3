// The jitter test of connection state recovery (anycable/nodejs-websocket-bench's Socket.IO
// jitter scenario, scaled to one small machine): many stock socket.io-clients listen to a
// server that broadcasts a numbered `tick` ({seq, sentAt, node}) at a fixed rate, and each one
// loses its TCP connection abruptly every JITTER seconds, stays offline OFFLINE seconds (its
// reconnection delay), and comes back. What every client received is counted per sending
// node: duplicates, ticks out of order, the share of ticks delivered, and how late the
// replayed ones arrived.
//
//   node recovery-jitter.mjs URL NAMESPACE [--clients 1000] [--duration 60] [--jitter 15-20]
//        [--offline 2] [--grace 5] [--settle 1] [--ramp 100] [--mode recovery|plain]
//
// `--mode recovery` (the default) uses exactly the documented convention of asynction's
// recovery for a stock client (a `pid` in the CONNECT auth, the `asynction:recovery` event,
// the offset as the last argument); `--mode plain` uses none of it.
//
// Prints one JSON line on stdout:
//   {mode, clients, durationS, ticksExpected, ticksReceived, deliveryPct, duplicates,
//    outOfOrder, replayed, replayAgeMs {p50,p99,max}, replayDelayMs {p50,p99,max},
//    disconnects, disconnectReasons, forcedCloses, recoveries, misses, sessions,
//    connectErrors, unconnectedAtEnd, sources, wallS}
// where
// - delivery = unique ticks received / ticks expected; a client expects, from each node, every
//   seq from the first it received up to the last seq any client received that was sent at
//   least SETTLE seconds before the count stopped (later ticks may still be on their way);
// - a duplicate is a seq received twice; out of order, a new seq lower than the last one seen;
// - a replayed tick is one received after a reconnection that was sent before it; its age is
//   receivedAt - sentAt (at least the time the client was offline, by construction), its delay
//   receivedAt - the reconnection (how long the replay took);
// - misses are `asynction:recovery` events with `recovered: false` to a client that had a pid.
//
// Connections open RAMP at a time every 100 ms; each client's first forced close comes at a
// random moment of its first jitter interval, so the closes are spread evenly.

import { io } from "socket.io-client";

const SESSION_EVENT = "asynction:recovery";

function parseArgs(argv) {
  const [url, ns, ...rest] = argv;
  if (!url || !ns || !ns.startsWith("/")) {
    throw new Error("usage: recovery-jitter.mjs URL /NAMESPACE [--clients N] [--duration S] " +
      "[--jitter MIN-MAX] [--offline S] [--grace S] [--settle S] [--ramp N] [--mode recovery|plain]");
  }
  const opts = { url, ns, clients: 1000, duration: 60, jitterMin: 15, jitterMax: 20, offline: 2,
    grace: 5, settle: 1, ramp: 100, mode: "recovery" };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    switch (flag) {
      case "--clients": opts.clients = positive(flag, value); break;
      case "--duration": opts.duration = positive(flag, value); break;
      case "--jitter": {
        const [min, max] = value.split("-").map((v) => positive(flag, v));
        if (!(max >= min)) throw new Error(`--jitter ${value}: expected MIN-MAX, MIN <= MAX`);
        Object.assign(opts, { jitterMin: min, jitterMax: max });
        break;
      }
      case "--offline": opts.offline = positive(flag, value); break;
      case "--grace": opts.grace = positive(flag, value); break;
      case "--settle": opts.settle = positive(flag, value); break;
      case "--ramp": opts.ramp = positive(flag, value); break;
      case "--mode":
        if (value !== "recovery" && value !== "plain") {
          throw new Error(`--mode ${value}: expected recovery or plain`);
        }
        opts.mode = value;
        break;
      default: throw new Error(`unknown option ${flag}`);
    }
  }
  return opts;
}

function positive(flag, value) {
  const n = Number(value);
  if (!(n > 0)) throw new Error(`${flag} ${value}: expected a positive number`);
  return n;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentiles(values) {
  if (values.length === 0) return { p50: null, p99: null, max: null };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/// What one client saw of one sending node.
class Source {
  constructor() {
    this.seqs = new Set();
    this.first = null;
    this.last = null;
  }
}

/// One stock socket.io-client and what it received.
class Client {
  constructor(opts, totals) {
    this.totals = totals;
    this.sources = new Map();
    this.connectedAt = null;
    this.jitterTimer = null;
    const recovery = { pid: null, offset: null };
    this.optedIn = opts.mode === "recovery";
    // Opted in: whether this connection has its session event yet (only then is it up).
    this.hasSession = false;
    const options = {
      transports: ["websocket"],
      // One connection per client: io() would otherwise multiplex every client of the same
      // URL over one shared Manager (one websocket).
      forceNew: true,
      reconnectionDelay: opts.offline * 1000,
      reconnectionDelayMax: opts.offline * 1000,
      randomizationFactor: 0,
    };
    // The documented convention, as a stock client writes it.
    if (opts.mode === "recovery") {
      options.auth = (cb) => cb({ pid: recovery.pid, offset: recovery.offset });
    }
    const socket = io(opts.url + opts.ns, options);
    this.socket = socket;
    if (opts.mode === "recovery") {
      socket.on(SESSION_EVENT, ({ pid, recovered }) => {
        this.hasSession = true;
        if (recovered) totals.recoveries += 1;
        else if (recovery.pid !== null) totals.misses += 1;
        else totals.sessions += 1;
        recovery.pid = pid;
      });
      socket.onAny((...args) => {
        const last = args[args.length - 1];
        if (typeof last === "string") recovery.offset = last;
      });
    }
    socket.on("connect", () => {
      this.connectedAt = Date.now();
    });
    socket.on("disconnect", (reason) => {
      this.hasSession = false;
      totals.disconnects += 1;
      totals.disconnectReasons[reason] = (totals.disconnectReasons[reason] ?? 0) + 1;
    });
    socket.on("connect_error", () => {
      totals.connectErrors += 1;
    });
    socket.on("tick", (tick) => this.received(tick));
  }

  received({ seq, sentAt, node }) {
    const totals = this.totals;
    if (!totals.counting) return;
    const now = Date.now();
    let source = this.sources.get(node);
    if (!source) {
      source = new Source();
      this.sources.set(node, source);
    }
    if (!totals.sentAt.has(node)) totals.sentAt.set(node, new Map());
    totals.sentAt.get(node).set(seq, sentAt);
    if (source.seqs.has(seq)) {
      totals.duplicates += 1;
      return;
    }
    if (source.last !== null && seq < source.last) totals.outOfOrder += 1;
    source.seqs.add(seq);
    source.first = source.first === null ? seq : Math.min(source.first, seq);
    source.last = source.last === null ? seq : Math.max(source.last, seq);
    // Without recovery nothing is replayed: a tick older than the reconnection is a live one
    // that crossed the CONNECT.
    if (this.optedIn && totals.reconnected.has(this) && sentAt < this.connectedAt) {
      totals.replayAges.push(now - sentAt);
      totals.replayDelays.push(now - this.connectedAt);
    }
  }

  /// Closes the TCP connection under the websocket without a word: no Socket.IO DISCONNECT,
  /// no websocket close frame, a TCP reset — the server sees its transport fail, as when a
  /// network drops. The client's manager then reconnects after its reconnection delay.
  forceClose() {
    const tcp = this.socket.io.engine?.transport?.ws?._socket;
    // Offline already (reconnecting), or not up yet (an opted-in client is up once it has its
    // session event): nothing to close this time.
    if (!this.socket.connected || !tcp || tcp.destroyed) return false;
    if (this.optedIn && !this.hasSession) return false;
    if (typeof tcp.resetAndDestroy === "function") tcp.resetAndDestroy();
    else tcp.destroy();
    this.totals.forcedCloses += 1;
    this.totals.reconnected.add(this);
    return true;
  }

  /// Forces a close after a random delay within [min, max] seconds (of [0, max] the first
  /// time, to spread the clients), again and again until `jittering` turns false.
  scheduleJitter(opts, first) {
    const min = first ? 0 : opts.jitterMin;
    const delay = (min + Math.random() * (opts.jitterMax - min)) * 1000;
    this.jitterTimer = setTimeout(() => {
      if (!this.totals.jittering) return;
      this.forceClose();
      this.scheduleJitter(opts, false);
    }, delay);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const totals = {
    counting: true, jittering: true, sentAt: new Map(), reconnected: new Set(),
    duplicates: 0, outOfOrder: 0, replayAges: [], replayDelays: [], disconnects: 0,
    disconnectReasons: {}, forcedCloses: 0, recoveries: 0, misses: 0, sessions: 0,
    connectErrors: 0,
  };
  const clients = [];
  while (clients.length < opts.clients) {
    const batch = Math.min(opts.ramp, opts.clients - clients.length);
    for (let i = 0; i < batch; i += 1) clients.push(new Client(opts, totals));
    await sleep(100);
  }
  await until(() => clients.every((c) => c.socket.connected), 30_000);
  for (const client of clients) client.scheduleJitter(opts, true);
  await sleep(opts.duration * 1000);
  totals.jittering = false;
  for (const client of clients) clearTimeout(client.jitterTimer);
  // Every client back (each offline at most OFFLINE seconds, plus its reconnection), then the
  // grace period with all of them connected.
  await until(() => clients.every((c) => c.socket.connected), (opts.offline + 30) * 1000);
  await sleep(opts.grace * 1000);
  totals.counting = false;
  const stoppedAt = Date.now();
  const unconnectedAtEnd = clients.filter((c) => !c.socket.connected).length;
  for (const client of clients) client.socket.disconnect();

  // The last seq of each node every client must have by now: the highest sent SETTLE seconds
  // before the count stopped, or earlier (later ones may still be on their way).
  const settled = stoppedAt - opts.settle * 1000;
  const cutoff = new Map();
  for (const [node, sent] of totals.sentAt) {
    let last = -1;
    for (const [seq, sentAt] of sent) if (sentAt <= settled && seq > last) last = seq;
    cutoff.set(node, last);
  }
  let expected = 0;
  let received = 0;
  for (const client of clients) {
    for (const [node, source] of client.sources) {
      const last = cutoff.get(node);
      if (source.first > last) continue;
      expected += last - source.first + 1;
      for (const seq of source.seqs) if (seq <= last) received += 1;
    }
  }
  const summary = {
    mode: opts.mode,
    clients: opts.clients,
    durationS: opts.duration,
    ticksExpected: expected,
    ticksReceived: received,
    deliveryPct: expected === 0 ? null : (100 * received) / expected,
    duplicates: totals.duplicates,
    outOfOrder: totals.outOfOrder,
    replayed: totals.replayAges.length,
    replayAgeMs: percentiles(totals.replayAges),
    replayDelayMs: percentiles(totals.replayDelays),
    disconnects: totals.disconnects,
    disconnectReasons: totals.disconnectReasons,
    forcedCloses: totals.forcedCloses,
    recoveries: totals.recoveries,
    misses: totals.misses,
    sessions: totals.sessions,
    connectErrors: totals.connectErrors,
    unconnectedAtEnd,
    sources: Object.fromEntries([...cutoff].map(([node, last]) => [node, last])),
    wallS: (Date.now() - started) / 1000,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(0);
}

async function until(done, limitMs) {
  const deadline = Date.now() + limitMs;
  while (!done() && Date.now() < deadline) await sleep(50);
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(2);
});
