"""Drives a generated Python client of tests/fixtures/python/recovery.yaml through lost
connections; the line protocol of ts-recovery.mjs, with the server's event `news`.

    python3 py_recovery.py <the installed package's name> <origin, e.g. http://127.0.0.1:PORT> [sync]

With `sync`, the synchronous class (`connect_sync`, python-socketio's `Client`, whose handlers
run on a thread per packet: lines may come in another order); else asyncio.
"""
import asyncio
import importlib
import json
import sys
import threading

_PRINT = threading.Lock()


def emit_line(value: object) -> None:
    # The synchronous client runs handlers on threads of their own: one line at a time.
    with _PRINT:
        print(json.dumps(value), flush=True)


def register(ns) -> None:
    """The typed handlers, each printing what it got."""

    @ns.on_recovery
    def session(s) -> None:
        emit_line({"session": {"pid": s.pid, "recovered": s.recovered}, "recovered": ns.recovered})

    @ns.on_news
    def news(n) -> None:
        emit_line({"event": "news", "args": [n.model_dump()]})

    @ns.on_question
    def question(q: str) -> str:
        emit_line({"event": "question", "args": [q]})
        return f"because {q}"

    @ns.on_invalid
    def invalid(m) -> None:
        emit_line({"invalid": {"event": m.event, "violations": [str(v) for v in m.violations]}})


async def main(client) -> None:
    ns = client.connect(sys.argv[2], "/chat", transports=["websocket"])
    register(ns)
    await ns.open()
    loop = asyncio.get_running_loop()
    while True:
        line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
        if line == "drop":
            # The transport closes under the client; python-socketio's own reconnection waits.
            ns._sio.reconnection = False
            await ns._sio.eio.ws.close()
        elif line == "reconnect":
            ns._sio.reconnection = True
            await ns.open()
        elif line == "done" or line == "":
            emit_line({"recovered": ns.recovered})
            await ns.close()
            return


def main_sync(client) -> None:
    ns = client.connect_sync(sys.argv[2], "/chat", transports=["websocket"])
    register(ns)
    ns.open()
    for line in sys.stdin:
        line = line.strip()
        if line == "drop":
            ns._sio.reconnection = False
            ns._sio.eio.ws.close()
        elif line == "reconnect":
            ns._sio.reconnection = True
            ns.open()
        elif line == "done":
            break
    emit_line({"recovered": ns.recovered})
    ns.close()


if __name__ == "__main__":
    package = importlib.import_module(sys.argv[1])
    if sys.argv[3:] == ["sync"]:
        main_sync(package)
    else:
        asyncio.run(main(package))
