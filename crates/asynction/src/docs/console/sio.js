// A small Socket.IO v5 client over Engine.IO v4, WebSocket transport only: what the docs
// console needs to connect to one namespace, send events with or without an ack, and hear
// events, acks, connect errors and disconnects. Served by asynction itself (no third-party
// bundle, no request beyond the API's own server).
"use strict";
(function (root) {
  // Engine.IO packet types (text), Socket.IO packet types.
  const EIO = { OPEN: "0", CLOSE: "1", PING: "2", PONG: "3", MESSAGE: "4" };
  const SIO = { CONNECT: "0", DISCONNECT: "1", EVENT: "2", ACK: "3", CONNECT_ERROR: "4", BINARY_EVENT: "5", BINARY_ACK: "6" };

  /** Parses one Socket.IO packet (the text after the Engine.IO "4"). */
  function parsePacket(text) {
    let i = 0;
    const type = text.charAt(i++);
    let attachments = 0;
    if (type === SIO.BINARY_EVENT || type === SIO.BINARY_ACK) {
      const dash = text.indexOf("-", i);
      attachments = Number(text.slice(i, dash));
      i = dash + 1;
    }
    let nsp = "/";
    if (text.charAt(i) === "/") {
      const comma = text.indexOf(",", i);
      const end = comma === -1 ? text.length : comma;
      nsp = text.slice(i, end);
      i = comma === -1 ? end : end + 1;
    }
    let id = null;
    let digits = "";
    while (i < text.length && text.charAt(i) >= "0" && text.charAt(i) <= "9") digits += text.charAt(i++);
    if (digits !== "") id = Number(digits);
    let data;
    if (i < text.length) {
      try {
        data = JSON.parse(text.slice(i));
      } catch (e) {
        data = undefined;
      }
    }
    return { type, nsp, id, data, attachments };
  }

  /**
   * One connection to one namespace. Events: "connect" (sid), "connect_error" (message, data),
   * "event" (name, args, ackId), "disconnect" (reason), "close" (reason).
   */
  class Connection {
    /**
     * @param {string} base  http(s) origin of the server, e.g. "http://127.0.0.1:5000"
     * @param {string} path  the Socket.IO path, e.g. "/socket.io"
     * @param {string} nsp   the namespace, e.g. "/support"
     * @param {Object<string,string>} query  handshake query parameters
     * @param {Object} auth  the CONNECT auth payload
     */
    constructor(base, path, nsp, query, auth) {
      this.nsp = nsp;
      this.listeners = {};
      this.acks = new Map();
      this.nextId = 0;
      this.connected = false;
      const url = new URL(path.replace(/\/?$/, "/"), base);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      url.searchParams.set("EIO", "4");
      url.searchParams.set("transport", "websocket");
      this.auth = auth;
      this.ws = new WebSocket(url.toString());
      this.ws.onmessage = (m) => this.onFrame(m.data);
      this.ws.onclose = () => this.finish("transport close");
      this.ws.onerror = () => this.emitLocal("connect_error", "the WebSocket could not be opened (is the server running?)", null);
    }

    on(name, fn) {
      (this.listeners[name] = this.listeners[name] || []).push(fn);
      return this;
    }

    emitLocal(name, ...args) {
      for (const fn of this.listeners[name] || []) fn(...args);
    }

    prefix() {
      return this.nsp === "/" ? "" : this.nsp + ",";
    }

    onFrame(frame) {
      if (typeof frame !== "string") return; // binary attachments are not shown
      const kind = frame.charAt(0);
      if (kind === EIO.OPEN) {
        const auth = this.auth && Object.keys(this.auth).length ? JSON.stringify(this.auth) : "";
        this.ws.send(EIO.MESSAGE + SIO.CONNECT + this.prefix() + auth);
      } else if (kind === EIO.PING) {
        this.ws.send(EIO.PONG);
      } else if (kind === EIO.CLOSE) {
        this.finish("server close");
      } else if (kind === EIO.MESSAGE) {
        const p = parsePacket(frame.slice(1));
        if (p.nsp !== this.nsp) return;
        if (p.type === SIO.CONNECT) {
          this.connected = true;
          this.emitLocal("connect", p.data && p.data.sid);
        } else if (p.type === SIO.CONNECT_ERROR) {
          const message = p.data && typeof p.data.message === "string" ? p.data.message : JSON.stringify(p.data);
          this.emitLocal("connect_error", message, p.data && p.data.data);
          this.ws.close();
        } else if (p.type === SIO.EVENT || p.type === SIO.BINARY_EVENT) {
          const [name, ...args] = Array.isArray(p.data) ? p.data : ["(malformed)"];
          this.emitLocal("event", name, args, p.id, p.attachments);
        } else if (p.type === SIO.ACK || p.type === SIO.BINARY_ACK) {
          const pending = this.acks.get(p.id);
          if (pending) {
            this.acks.delete(p.id);
            clearTimeout(pending.timer);
            pending.resolve(Array.isArray(p.data) ? p.data : []);
          }
        } else if (p.type === SIO.DISCONNECT) {
          this.finish("server namespace disconnect");
        }
      }
    }

    /** Sends an event; resolves with the ack's arguments when `withAck`, else at once. */
    emit(name, args, withAck, timeoutMs) {
      let id = "";
      let promise = Promise.resolve(null);
      if (withAck) {
        const n = this.nextId++;
        id = String(n);
        promise = new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            this.acks.delete(n);
            reject(new Error("no acknowledgement within " + timeoutMs / 1000 + " s"));
          }, timeoutMs);
          this.acks.set(n, { resolve, timer });
        });
      }
      this.ws.send(EIO.MESSAGE + SIO.EVENT + this.prefix() + id + JSON.stringify([name, ...args]));
      return promise;
    }

    /** Answers a server's emit-with-ack. */
    ack(id, args) {
      this.ws.send(EIO.MESSAGE + SIO.ACK + this.prefix() + id + JSON.stringify(args));
    }

    close() {
      if (this.ws.readyState === WebSocket.OPEN) {
        this.ws.send(EIO.MESSAGE + SIO.DISCONNECT + this.prefix());
      }
      this.ws.close();
      this.finish("client disconnect");
    }

    finish(reason) {
      if (this.done) return;
      this.done = true;
      for (const pending of this.acks.values()) clearTimeout(pending.timer);
      this.acks.clear();
      const was = this.connected;
      this.connected = false;
      if (was) this.emitLocal("disconnect", reason);
      this.emitLocal("close", reason);
    }
  }

  root.AsynctionSocketIo = { Connection, parsePacket };
})(window);
