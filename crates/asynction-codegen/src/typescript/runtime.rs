//! `--runtime-checks`: the TypeScript that checks payloads and acks with the zod schemas.
//!
//! `connect` instruments the socket it returns: `emit` checks outgoing arguments before
//! anything is sent (an `InvalidPayloadError` names the event and the violations) and wraps the
//! ack callback; socket.io-client's internal `emitEvent` (through which every incoming event
//! reaches `on`, `once` and `onAny` listeners) checks incoming events. What breaks the document
//! goes to the `invalid` listener (`INVALID_EVENT`) only.

use super::render::string_literal;
use super::shape::Client;
use super::zod::schema_const;

/// Errors, violations and the binary check, before the zod schemas.
pub(crate) fn prelude(invalid_event: &str) -> String {
    format!(
        r#"// ---- Runtime checks ----

/** The pseudo-event under which server events and acks that break the document are reported. */
export const INVALID_EVENT = {invalid};

/** One reason a value does not match the document. */
export interface Violation {{
  /** JSON pointer of the offending value within the argument (`""`: the argument itself). */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
}}

function describe(namespace: string, event: string, violations: readonly Violation[]): string {{
  const details = violations.map((v) => (v.path === "" ? v.message : `${{v.path}}: ${{v.message}}`)).join("; ");
  return `${{namespace}} "${{event}}": ${{details}}`;
}}

/** Thrown by `emit` (nothing is sent) when the arguments break the document. */
export class InvalidPayloadError extends Error {{
  /** The namespace the socket is connected to. */
  readonly namespace: string;
  /** The event being emitted (or acknowledged, for an ack the client sends). */
  readonly event: string;
  /** What is wrong with the arguments. */
  readonly violations: readonly Violation[];

  constructor(namespace: string, event: string, violations: readonly Violation[]) {{
    super(`invalid payload for ${{describe(namespace, event, violations)}}`);
    this.name = "InvalidPayloadError";
    this.namespace = namespace;
    this.event = event;
    this.violations = violations;
  }}
}}

/** Passed to an ack callback used with a timeout (`socket.timeout(ms).emit`, `emitWithAck`) when the server's ack breaks the document. */
export class InvalidAckError extends Error {{
  /** The namespace the socket is connected to. */
  readonly namespace: string;
  /** The event whose ack broke the document. */
  readonly event: string;
  /** What is wrong with the ack. */
  readonly violations: readonly Violation[];

  constructor(namespace: string, event: string, violations: readonly Violation[]) {{
    super(`invalid ack for ${{describe(namespace, event, violations)}}`);
    this.name = "InvalidAckError";
    this.namespace = namespace;
    this.event = event;
    this.violations = violations;
  }}
}}

/** What an `invalid` listener receives: a server event or ack that broke the document. */
export interface InvalidMessage {{
  /** The namespace the socket is connected to. */
  readonly namespace: string;
  /** The event's name. */
  readonly event: string;
  /** `event`: a server event; `ack`: the server's ack of an event the client emitted. */
  readonly kind: "event" | "ack";
  /** The arguments as received. */
  readonly args: readonly unknown[];
  /** What is wrong with them. */
  readonly violations: readonly Violation[];
}}

"#,
        invalid = string_literal(invalid_event)
    )
}

/// The zod check of `Binary` (only when the document has binary data).
pub(crate) const BINARY: &str = r#"function isBinary(value: unknown): value is Binary {
  return (
    value instanceof ArrayBuffer ||
    value instanceof Uint8Array ||
    (typeof Blob !== "undefined" && value instanceof Blob)
  );
}

const binarySchema = z.custom<Binary>(isBinary, { message: "expected binary data" });

"#;

/// The table of checks per namespace and event.
pub(crate) fn table(client: &Client) -> String {
    let mut out = String::from(
        "\ninterface ArgsCheck {\n  readonly spread: boolean;\n  readonly schema: z.ZodType;\n}\n\ninterface EventCheck {\n  readonly args?: ArgsCheck;\n  readonly ack?: ArgsCheck;\n}\n\ninterface NamespaceCheck {\n  readonly path: string;\n  readonly pattern: RegExp;\n  readonly ingress: ReadonlyMap<string, EventCheck>;\n  readonly egress: ReadonlyMap<string, EventCheck>;\n}\n\nconst NAMESPACES: readonly NamespaceCheck[] = [\n",
    );
    let mut order: Vec<_> = client.namespaces.iter().filter(|n| !n.dynamic).collect();
    order.extend(client.namespaces.iter().filter(|n| n.dynamic));
    for ns in order {
        out.push_str(&format!(
            "  {{\n    path: {},\n    pattern: new RegExp({}),\n",
            string_literal(&ns.path),
            string_literal(&path_regex(&ns.path))
        ));
        for (key, events) in [("ingress", &ns.ingress), ("egress", &ns.egress)] {
            out.push_str(&format!("    {key}: new Map<string, EventCheck>([\n"));
            for e in events {
                let mut fields = Vec::new();
                if let Some(p) = &e.payload {
                    fields.push(format!(
                        "args: {{ spread: {}, schema: {} }}",
                        p.spread,
                        schema_const(&p.type_name)
                    ));
                }
                if let Some(a) = &e.ack {
                    fields.push(format!(
                        "ack: {{ spread: {}, schema: {} }}",
                        a.spread,
                        schema_const(&a.type_name)
                    ));
                }
                out.push_str(&format!(
                    "      [{}, {{ {} }}],\n",
                    string_literal(&e.name),
                    fields.join(", ")
                ));
            }
            if key == "egress" && client.recovery {
                // The session event of connection state recovery: passed on unchecked.
                out.push_str("      [RECOVERY_EVENT, {}],\n");
            }
            out.push_str("    ]),\n");
        }
        out.push_str("  },\n");
    }
    out.push_str("];\n");
    out
}

/// A regular expression source matching the concrete paths of a namespace path
/// (`/tenant/{id}` → `^/tenant/[^/]+$`).
fn path_regex(path: &str) -> String {
    let mut out = String::from("^");
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&regex_escape(&rest[..start]));
        match rest[start..].find('}') {
            Some(end) => {
                out.push_str("[^/]+");
                rest = &rest[start + end + 1..];
            }
            None => {
                out.push_str(&regex_escape(&rest[start..]));
                rest = "";
            }
        }
    }
    out.push_str(&regex_escape(rest));
    out.push('$');
    out
}

fn regex_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\^$.|?*+()[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The instrumentation `connect` applies.
pub(crate) const INSTRUMENT: &str = r#"
/** The parts of socket.io-client's Socket the checks hook into (`emitEvent` is internal). */
interface RawSocket {
  emit(event: string, ...args: unknown[]): unknown;
  emitEvent(args: unknown[]): void;
  listeners(event: string): Array<(...args: unknown[]) => void>;
  flags: { timeout?: number };
  _opts: { ackTimeout?: number };
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => "/" + String(p)).join("");
}

/**
 * A copy of the plain objects and arrays in `value` whose objects have no prototype, so that a
 * check of an absent property named like an `Object.prototype` member (`constructor`,
 * `toString`, `__proto__`) does not see the inherited one. Other values are kept as they are.
 */
function detached(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(detached);
  }
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const copy = Object.create(null) as Record<string, unknown>;
    for (const [key, item] of Object.entries(value)) {
      copy[key] = detached(item);
    }
    return copy;
  }
  return value;
}

function checkArgs(check: ArgsCheck, args: readonly unknown[]): Violation[] {
  if (!check.spread && args.length !== 1) {
    return [{ path: "", message: `expected exactly 1 argument, got ${args.length}` }];
  }
  const result = check.schema.safeParse(detached(check.spread ? args : args[0]));
  if (result.success) {
    return [];
  }
  return result.error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message }));
}

function instrument(socket: Socket, namespace: string): void {
  const spec = NAMESPACES.find((n) => n.pattern.test(namespace));
  if (spec === undefined) {
    return;
  }
  const raw = socket as unknown as RawSocket;
  const report = (message: InvalidMessage): void => {
    for (const listener of raw.listeners(INVALID_EVENT)) {
      listener(message);
    }
  };
  const send = raw.emit.bind(raw);
  raw.emit = (event: string, ...args: unknown[]): unknown => {
    const check = spec.ingress.get(event);
    if (check === undefined) {
      throw new InvalidPayloadError(namespace, event, [
        { path: "", message: `"${event}" is not an event clients send on ${spec.path}` },
      ]);
    }
    const last = args[args.length - 1];
    const ack = typeof last === "function" ? (args.pop() as (...response: unknown[]) => void) : undefined;
    if (check.args !== undefined) {
      const violations = checkArgs(check.args, args);
      if (violations.length > 0) {
        throw new InvalidPayloadError(namespace, event, violations);
      }
    }
    if (ack !== undefined) {
      const ackCheck = check.ack;
      // Error-first callbacks: with a timeout, and `emitWithAck`'s (marked `withError`).
      const marked = (ack as { withError?: boolean }).withError === true;
      const withError = marked || raw.flags.timeout !== undefined || raw._opts.ackTimeout !== undefined;
      const checked = (...response: unknown[]): void => {
        if (ackCheck === undefined || (withError && response[0] != null)) {
          ack(...response);
          return;
        }
        const data = withError ? response.slice(1) : response;
        const violations = checkArgs(ackCheck, data);
        if (violations.length === 0) {
          ack(...response);
          return;
        }
        report({ namespace, event, kind: "ack", args: data, violations });
        if (withError) {
          ack(new InvalidAckError(namespace, event, violations));
        }
      };
      if (marked) {
        (checked as { withError?: boolean }).withError = true;
      }
      args.push(checked);
    }
    return send(event, ...args);
  };
  const deliver = raw.emitEvent.bind(raw);
  raw.emitEvent = (args: unknown[]): void => {
    const [event, ...rest] = args;
    const name = String(event);
    const last = rest[rest.length - 1];
    const respond = typeof last === "function" ? (rest.pop() as (...response: unknown[]) => void) : undefined;
    const check = spec.egress.get(name);
    if (check === undefined) {
      report({
        namespace,
        event: name,
        kind: "event",
        args: rest,
        violations: [{ path: "", message: `"${name}" is not an event the server sends on ${spec.path}` }],
      });
      return;
    }
    if (check.args !== undefined) {
      const violations = checkArgs(check.args, rest);
      if (violations.length > 0) {
        report({ namespace, event: name, kind: "event", args: rest, violations });
        return;
      }
    }
    if (respond !== undefined) {
      const ackCheck = check.ack;
      rest.push((...response: unknown[]): void => {
        if (ackCheck !== undefined) {
          const violations = checkArgs(ackCheck, response);
          if (violations.length > 0) {
            throw new InvalidPayloadError(namespace, name, violations);
          }
        }
        respond(...response);
      });
    }
    deliver([event, ...rest]);
  };
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_paths_become_anchored_patterns() {
        assert_eq!(path_regex("/tenant/{id}"), "^\\/tenant\\/[^/]+$");
        assert_eq!(path_regex("/a.b"), "^\\/a\\.b$");
    }
}
