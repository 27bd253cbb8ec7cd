"""Server memory per connected phone, layer by layer: where the kilobytes go.

Starts, one after the other, three servers on the same stack (gevent, gevent-websocket, one
process on CPU 0), connects N websockets from this process (CPU 1), and prints the
server's RSS after, minus before, over N:

- raw: gevent's WSGI server and gevent-websocket's handler, an application that only waits
  for the next message (the transport alone);
- bare: bench/bare_board.py (Flask-SocketIO, Engine.IO and Socket.IO on that transport;
  each phone connects and joins a room);
- relais: wsgi.py (its cookie, its rooms, its join).

    .venv/bin/python bench/conn_memory.py --phones 1000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout import Phone, new_board, new_cookie, start_server, wait_until_up  # noqa: E402
from bench.report import arguments, report  # noqa: E402
from tests.server import free_port  # noqa: E402

RAW = """
from gevent import monkey; monkey.patch_all()
import sys
from gevent import pywsgi
from geventwebsocket.handler import WebSocketHandler

def app(environ, start_response):
    ws = environ.get("wsgi.websocket")
    if ws is None:
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]
    while ws.receive() is not None:
        pass
    return []

pywsgi.WSGIServer(("127.0.0.1", int(sys.argv[1])), app, handler_class=WebSocketHandler, log=None).serve_forever()
"""


async def measure(kind: str, phones: int, tmp: Path) -> float:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    if kind == "relais":
        proc = start_server(tmp, port, argparse.Namespace(database_url=None, redis_url=None, async_mode="gevent"))
    else:
        command = ["-c", RAW, str(port)] if kind == "raw" else [str(ROOT / "bench" / "bare_board.py"), str(port), "0"]
        proc = subprocess.Popen([sys.executable, *command], cwd=ROOT / "bench", stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        os.sched_setaffinity(proc.pid, {0})
    server = psutil.Process(proc.pid)
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            await wait_until_up(session, url)  # (the raw server answers every path)
            cookies, board = [""] * phones, 1
            if kind == "relais":
                code, workshop, _ = await new_board(url)
                board = workshop["board"]
                sem = asyncio.Semaphore(50)

                async def cookie() -> str:
                    async with sem:
                        return await new_cookie(url, f"/{code}")

                cookies = await asyncio.gather(*(cookie() for _ in range(phones)))
            await asyncio.sleep(0.5)
            before = server.memory_info().rss
            sockets: list = []
            sem = asyncio.Semaphore(100)

            async def connect(cookie: str) -> None:
                async with sem:
                    if kind == "raw":
                        sockets.append(await session.ws_connect(url.replace("http", "ws") + "/ws", compress=0))
                    else:
                        phone = Phone(session, url, cookie)
                        await phone.connect(board)
                        sockets.append(phone)

            await asyncio.gather(*(connect(c) for c in cookies))
            await asyncio.sleep(1)
            per_phone = (server.memory_info().rss - before) / 1024 / phones
            await asyncio.gather(*(s.close() for s in sockets))
            return round(per_phone, 1)
    finally:
        proc.terminate()
        proc.wait(10)


async def run(phones: int, rounds: int) -> dict:
    os.sched_setaffinity(0, {1})
    results: dict[str, list[float]] = {"raw": [], "bare": [], "relais": []}
    for _ in range(rounds):
        for kind in results:
            results[kind].append(await measure(kind, phones, Path(tempfile.mkdtemp(prefix="relais-mem-"))))
            print(kind, results[kind][-1], "kB per phone", flush=True)
    return {"phones": phones, "kb_per_phone": {k: sorted(v)[len(v) // 2] for k, v in results.items()},
            "all": results}


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    report(asyncio.run(run(args.phones, args.rounds)), args.json)


if __name__ == "__main__":
    main()
