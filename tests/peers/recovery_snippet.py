"""Runs the README's connection-state-recovery snippet for python-socketio against a server and
reports what the application sees; the line protocol of recovery-snippet.mjs.

    python3 recovery_snippet.py <origin, e.g. http://127.0.0.1:PORT> '<the snippet>'

The snippet runs as written (top-level `await` allowed; its "http://localhost:3000" becomes the
origin) with `token` and `handle` (the application's handler: it prints each event) in scope;
it must define `sio` and `recovery`.
"""
import ast
import asyncio
import json
import sys

import socketio


def emit_line(value: object) -> None:
    print(json.dumps(value), flush=True)


class ObservedClient(socketio.AsyncClient):
    """python-socketio's AsyncClient, printing each session event before its handler runs (a
    namespace has one handler per event: the snippet's)."""

    async def _trigger_event(self, event, namespace, *args):
        if event == "asynction:recovery":
            emit_line({"session": args[0]})
        return await super()._trigger_event(event, namespace, *args)


async def main() -> None:
    origin, snippet = sys.argv[1], sys.argv[2]

    async def handle(event: str, *args: object) -> None:
        emit_line({"event": event, "args": list(args)})

    socketio.AsyncClient = ObservedClient
    scope = {"token": "a token", "handle": handle}
    code = compile(
        snippet.replace("http://localhost:3000", origin),
        "README.md",
        "exec",
        flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
    )
    result = eval(code, scope)
    if asyncio.iscoroutine(result):
        await result
    sio, recovery = scope["sio"], scope["recovery"]
    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if line == "drop":
            sio.reconnection = False
            await sio.eio.ws.close()
        elif line == "reconnect":
            sio.reconnection = True
            # What python-socketio's own reconnection loop calls: auth is asked for again.
            await sio.connect(
                sio.connection_url,
                headers=sio.connection_headers,
                auth=sio.connection_auth,
                transports=sio.connection_transports,
                namespaces=sio.connection_namespaces,
                socketio_path=sio.socketio_path,
            )
        elif line == "done" or line == "":
            emit_line({"recovery": recovery})
            await sio.disconnect()
            return


asyncio.run(main())
