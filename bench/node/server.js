#!/usr/bin/env node
// Bare Node socket.io 4.8 server with the benchmark's handlers, for comparison with asynction.
//   node server.js [port]      (or PORT=...; default 5000; binds 127.0.0.1)
// Namespace /chat: `message` is acked with true; `echo` emits `echo` back with the same payload
// and is acked with true. No validation.
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

const shutdown = () => io.close(() => process.exit(0));
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

httpServer.listen(port, '127.0.0.1', () => {
  const version = require('socket.io/package.json').version;
  console.log(`node socket.io ${version} on http://127.0.0.1:${port} (pid ${process.pid})`);
});
