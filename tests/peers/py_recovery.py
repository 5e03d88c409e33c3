"""Drives a generated Python client of tests/fixtures/python/recovery.yaml (asyncio) through lost
connections; the line protocol of ts-recovery.mjs, with the server's event `news`.

    python3 py_recovery.py <the installed package's name> <origin, e.g. http://127.0.0.1:PORT>
"""
import asyncio
import importlib
import json
import sys


def emit_line(value: object) -> None:
    print(json.dumps(value), flush=True)


async def main() -> None:
    name, origin = sys.argv[1], sys.argv[2]
    client = importlib.import_module(name)
    ns = client.connect(origin, "/chat", transports=["websocket"])

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


asyncio.run(main())
