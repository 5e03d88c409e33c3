"""Drives the real python-socketio client through a scenario and prints what happened as JSON.

    python3 sio_client.py '<scenario JSON>'

Same scenario format as sio-client.mjs (ops: connect, emit, expect, events, sleep, disconnect).
"""
import json
import sys
import threading
import time

import socketio


def main() -> None:
    scenario = json.loads(sys.argv[1])
    clients = {}
    out = []
    for step in scenario["steps"]:
        op = step["op"]
        timeout = step.get("timeout", 3000) / 1000
        if op == "connect":
            ns = step.get("ns", "/")
            client = socketio.Client(reconnection=False)
            state = {"client": client, "ns": ns, "events": [], "cond": threading.Condition()}

            def on_any(event, *args, state=state):
                with state["cond"]:
                    state["events"].append({"event": event, "args": list(args), "taken": False})
                    state["cond"].notify_all()

            client.on("*", on_any, namespace=ns)
            refusal = {}

            def on_connect_error(data=None, refusal=refusal):
                # python-socketio passes the CONNECT_ERROR payload: {"message": ...} or a string.
                refusal["message"] = data.get("message") if isinstance(data, dict) else data

            client.on("connect_error", on_connect_error, namespace=ns)
            url = scenario["url"]
            query = step.get("query") or {}
            if query:
                url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
            try:
                client.connect(
                    url,
                    namespaces=[ns],
                    socketio_path=scenario.get("path", "/socket.io"),
                    transports=step.get("transports", ["websocket"]),
                    auth=step.get("auth"),
                    headers=step.get("headers") or {},
                    wait_timeout=timeout,
                )
                out.append({"connected": True})
            except socketio.exceptions.ConnectionError as e:
                out.append({"connect_error": refusal.get("message") or str(e)})
            clients[step["id"]] = state
        elif op == "emit":
            state = clients[step["id"]]
            args = step.get("args", [])
            data = tuple(args) if len(args) != 1 else args[0]
            if step.get("ack"):
                try:
                    ack = state["client"].call(step["event"], data, namespace=state["ns"], timeout=timeout)
                    out.append({"ack": [ack] if ack is not None else []})
                except socketio.exceptions.TimeoutError:
                    out.append({"timeout": True})
            else:
                state["client"].emit(step["event"], data, namespace=state["ns"])
                out.append({"sent": True})
        elif op == "expect":
            state = clients[step["id"]]
            deadline = time.time() + timeout
            found = None
            with state["cond"]:
                while found is None:
                    found = next((e for e in state["events"] if e["event"] == step["event"] and not e["taken"]), None)
                    if found is None:
                        remaining = deadline - time.time()
                        if remaining <= 0:
                            break
                        state["cond"].wait(remaining)
            if found is None:
                out.append({"timeout": True})
            else:
                found["taken"] = True
                out.append({"args": found["args"]})
        elif op == "events":
            out.append([{"event": e["event"], "args": e["args"]} for e in clients[step["id"]]["events"]])
        elif op == "sleep":
            time.sleep(step["ms"] / 1000)
            out.append({"ok": True})
        elif op == "disconnect":
            clients[step["id"]]["client"].disconnect()
            out.append({"ok": True})
        else:
            out.append({"error": f"unknown op {op}"})
    for state in clients.values():
        try:
            state["client"].disconnect()
        except Exception:
            pass
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
