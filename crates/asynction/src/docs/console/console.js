// The docs console: reveals the server-rendered console regions of the docs page and wires
// them to a Socket.IO connection per namespace. Everything shown that came from the server or
// the document is set with textContent (never as HTML).
"use strict";
(function () {
  const { Connection } = window.AsynctionSocketIo;
  const { check, checkArguments, unsupported } = window.AsynctionSchemaCheck;
  const ACK_TIMEOUT_MS = 10000;
  const MAX_SHOWN = 4000;

  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  }

  function pretty(value) {
    const compact = JSON.stringify(value);
    if (compact !== undefined && compact.length <= 80) return compact;
    let text = JSON.stringify(value, null, 2);
    if (text === undefined) text = String(value);
    return text.length > MAX_SHOWN ? text.slice(0, MAX_SHOWN) + "\n…" : text;
  }

  function violationList(violations) {
    const list = el("ul", { class: "violation-list" });
    for (const v of violations) list.append(el("li", { text: (v.path || "(root)") + ": " + v.message }));
    return list;
  }

  function mark(valid, checked) {
    const text = checked ? (valid ? "valid" : "invalid") : "not in the document";
    return el("span", { class: "mark " + (checked && valid ? "mark-valid" : "mark-invalid"), text });
  }

  /** Appends one entry to a namespace's log. */
  function log(list, kind, name, payload, verdict) {
    const entry = el(
      "li",
      { class: "log-entry" },
      el("time", { datetime: new Date().toISOString(), text: new Date().toLocaleTimeString() }),
      " ",
      el("span", { class: "log-kind", text: kind }),
      " ",
      el("code", { class: "log-event", text: name }),
      " ",
    );
    if (verdict) entry.append(mark(verdict.valid, verdict.checked));
    entry.append(el("pre", { class: "log-payload", text: pretty(payload) }));
    if (verdict && verdict.violations && verdict.violations.length) entry.append(violationList(verdict.violations));
    list.append(entry);
    entry.scrollIntoView({ block: "nearest" });
  }

  function verdictOf(schema, spread, args, documentRoot) {
    const violations = checkArguments(schema, spread, args, documentRoot);
    return { checked: true, valid: violations.length === 0, violations };
  }

  function wireNamespace(section, ns, data) {
    const documentRoot = data.document;
    const base = data.endpoint.url || window.location.origin;
    const connectForm = section.querySelector("form.console-connect");
    const state = connectForm.querySelector(".console-state");
    const disconnect = connectForm.querySelector('[data-action="disconnect"]');
    const logList = section.querySelector(".console-log");
    const sendForms = [...section.querySelectorAll("form.console-send")];
    let conn = null;

    const setState = (text, kind) => {
      state.textContent = text;
      state.className = "console-state state-" + kind;
    };
    const setConnected = (on) => {
      disconnect.disabled = !on;
      for (const form of sendForms) for (const b of form.querySelectorAll("button")) b.disabled = !on;
    };
    setConnected(false);

    connectForm.addEventListener("submit", (e) => {
      e.preventDefault();
      if (conn) conn.close();
      const auth = {};
      const query = {};
      let path = ns.path;
      for (const input of connectForm.querySelectorAll("input")) {
        if (input.name === "namespace-path") {
          path = input.value.trim() || ns.path;
          continue;
        }
        if (input.value === "") continue;
        if (input.dataset.target === "query") query[input.name] = input.value;
        else auth[input.name] = input.value;
      }
      setState("Connecting…", "pending");
      const c = new Connection(base, data.endpoint.path, path, query, auth);
      conn = c;
      c.on("connect", (sid) => {
        setState("Connected" + (sid ? " (socket " + sid + ")" : "") + ".", "connected");
        setConnected(true);
      });
      c.on("connect_error", (message) => {
        setState("Refused: " + message, "error");
        setConnected(false);
        log(logList, "connect_error", path, message, null);
      });
      c.on("event", (name, args, ackId, attachments) => {
        const spec = ns.receive.find((ev) => ev.name === name);
        const verdict = spec
          ? verdictOf(spec.payload, spec.spread, args, documentRoot)
          : { checked: false, valid: false, violations: [{ path: "", message: `"${name}" is not an event the server sends in ${ns.path}` }] };
        log(logList, attachments ? "event (binary attachments not shown)" : "event", name, args, verdict);
        if (ackId !== null) c.ack(ackId, []);
      });
      c.on("close", (reason) => {
        if (conn === c) {
          setConnected(false);
          if (!state.className.includes("state-error")) setState("Disconnected (" + reason + ").", "idle");
        }
      });
    });
    disconnect.addEventListener("click", () => {
      if (conn) conn.close();
    });

    sendForms.forEach((form) => {
      const spec = ns.send[Number(form.dataset.eventIndex)];
      if (!spec) return;
      const textarea = form.querySelector("textarea");
      const violationsBox = form.querySelector(".violations");
      const anyway = form.querySelector('[data-action="send-anyway"]');
      const ackOut = form.querySelector(".ack");
      const partial = form.querySelector(".partial");
      const missing = [...new Set([...unsupported(spec.payload, documentRoot), ...unsupported(spec.ack, documentRoot)])];
      if (missing.length) {
        partial.textContent = "Checked in part: this page does not check " + missing.join(", ") + " (the server does).";
        partial.hidden = false;
      }
      let pending = null;

      const argumentsOf = () => {
        const text = textarea.value.trim();
        if (text === "") return { args: [] };
        let value;
        try {
          value = JSON.parse(text);
        } catch (err) {
          return { error: "the payload is not valid JSON: " + err.message };
        }
        if (spec.spread) {
          if (!Array.isArray(value)) return { error: "this event takes a list of arguments: write a JSON array" };
          return { args: value };
        }
        return { args: [value] };
      };

      const send = (args, force) => {
        if (!conn || !conn.connected) return;
        const wantAck = spec.ack !== null || force;
        ackOut.textContent = wantAck ? "Waiting for the acknowledgement…" : "Sent.";
        ackOut.className = "ack";
        log(logList, "sent", spec.name, args, null);
        conn.emit(spec.name, args, wantAck, ACK_TIMEOUT_MS).then(
          (ackArgs) => {
            if (ackArgs === null) return;
            const verdict = spec.ack !== null ? verdictOf(spec.ack, spec.ackSpread, ackArgs, documentRoot) : { checked: false, valid: false, violations: [] };
            ackOut.textContent = "";
            ackOut.append("Acknowledgement ", mark(verdict.valid, verdict.checked), el("pre", { class: "ack-payload", text: pretty(ackArgs) }));
            log(logList, "ack", spec.name, ackArgs, verdict);
          },
          (err) => {
            ackOut.textContent = err.message;
            ackOut.className = "ack ack-error";
          },
        );
      };

      form.addEventListener("submit", (e) => {
        e.preventDefault();
        violationsBox.textContent = "";
        ackOut.textContent = "";
        anyway.hidden = true;
        pending = null;
        const parsed = argumentsOf();
        if (parsed.error) {
          violationsBox.append(el("p", { class: "violation-title", text: parsed.error }));
          return;
        }
        const violations = checkArguments(spec.payload, spec.spread, parsed.args, documentRoot);
        if (violations.length) {
          violationsBox.append(el("p", { class: "violation-title", text: "Not sent: the payload breaks the document's schema." }), violationList(violations));
          pending = parsed.args;
          anyway.hidden = false;
          anyway.disabled = !(conn && conn.connected);
          return;
        }
        send(parsed.args, false);
      });
      anyway.addEventListener("click", () => {
        if (pending === null) return;
        send(pending, true);
        anyway.hidden = true;
        violationsBox.textContent = "";
        pending = null;
      });
    });
    section.hidden = false;
  }

  async function start() {
    const meta = document.querySelector('meta[name="asynction-console"]');
    if (!meta) return;
    let data;
    try {
      const response = await fetch(meta.content, { cache: "no-store" });
      data = await response.json();
    } catch (err) {
      return; // the page stays the no-JavaScript baseline
    }
    for (const section of document.querySelectorAll("section.console[data-console-index]")) {
      const ns = data.namespaces[Number(section.dataset.consoleIndex)];
      if (ns) wireNamespace(section, ns, data);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  // Exposed for tests of the checker from the page.
  window.AsynctionConsole = { check };
})();
