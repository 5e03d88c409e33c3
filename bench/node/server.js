#!/usr/bin/env node
// Bare Node socket.io 4.8 server with the benchmark's handlers, for comparison with asynction.
//   node server.js [port]      (or PORT=...; default 5000; binds 127.0.0.1)
// Namespace /chat: `message` is acked with true; `echo` emits `echo` back with the same payload
// and is acked with true. No validation.
// Namespace /fanout (asynction-bench fanout): clients join room `all` on connect; `start broadcast`
// {rate, count, ack} makes the sender leave the room and broadcasts `count` `tick`s {seq, ts (µs
// since epoch), text} to it, paced at `rate`/s or, at rate 0, yielding (setImmediate) between broadcasts,
// and acks {sent, failed, acks, elapsed_us} once done. REDIS_URL joins a cluster through
// @socket.io/redis-adapter (when installed).
'use strict';
const http = require('http');
const { Server } = require('socket.io');

const port = Number(process.argv[2] || process.env.PORT || 5000);
const httpServer = http.createServer();
const io = new Server(httpServer, { transports: ['websocket', 'polling'] });

io.of('/chat').on('connection', (socket) => {
  socket.on('message', (_payload, ack) => {
    if (typeof ack === 'function') ack(true);
  });
  socket.on('echo', (payload, ack) => {
    socket.emit('echo', payload);
    if (typeof ack === 'function') ack(true);
  });
});

const TICK_TEXT = 'fan-out tick from the benchmark server';
const nowUs = () => Math.floor(Number(process.hrtime.bigint() - hrStart) / 1000) + epochStartUs;
const hrStart = process.hrtime.bigint();
const epochStartUs = Date.now() * 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const yieldNow = () => new Promise((resolve) => setImmediate(resolve));

io.of('/fanout').on('connection', (socket) => {
  socket.join('all');
  socket.on('start broadcast', async (start, ack) => {
    // A control client is never a receiver: on another node it would get (and not ack) ticks.
    socket.leave('all');
    const began = process.hrtime.bigint();
    const done = { sent: 0, failed: 0, acks: 0, elapsed_us: 0 };
    const periodMs = start.rate > 0 ? 1000 / start.rate : 0;
    const t0 = Date.now();
    for (let seq = 0; seq < start.count; seq++) {
      if (periodMs > 0) {
        const due = t0 + seq * periodMs;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
      } else {
        await yieldNow();
      }
      const tick = { seq, ts: nowUs(), text: TICK_TEXT };
      if (start.ack) {
        try {
          const acks = await socket.to('all').timeout(5000).emitWithAck('tick', tick);
          for (const a of acks) {
            if (a === true) done.acks++;
            else done.failed++;
          }
        } catch (_e) {
          done.failed++;
        }
      } else {
        socket.to('all').emit('tick', tick);
      }
      done.sent++;
    }
    done.elapsed_us = Math.floor(Number(process.hrtime.bigint() - began) / 1000);
    if (typeof ack === 'function') ack(done);
  });
});

if (process.env.REDIS_URL) {
  const { createAdapter } = require('@socket.io/redis-adapter');
  const { createClient } = require('redis');
  const pub = createClient({ url: process.env.REDIS_URL });
  const sub = pub.duplicate();
  Promise.all([pub.connect(), sub.connect()]).then(() => {
    io.adapter(createAdapter(pub, sub));
    listen();
  });
} else {
  listen();
}

const shutdown = () => io.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

function listen() {
  httpServer.listen(port, '127.0.0.1', () => {
    const version = require('socket.io/package.json').version;
    console.log(`node socket.io ${version} on http://127.0.0.1:${port} (pid ${process.pid})`);
  });
}
