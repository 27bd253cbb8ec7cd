"""Fan-out benchmark: N phones on one board, notes posted at a steady rate.

Starts the real server (wsgi.py, gevent, SQLite) pinned to CPU 0, runs the phones in
this process pinned to CPU 1 (a thin aiohttp websocket client speaking the Socket.IO
wire format: python-socketio's own client saturates a core near 1,000 connections),
and prints:

- connect time: every phone's websocket + Socket.IO connect + board:join answered;
- p50/p95/p99/max latency from a note being sent to it reaching each phone;
- lost deliveries (expected phones x notes, minus what arrived);
- the server's resident memory per connection.

With `--workers 2`, two servers on the same database and Redis (one per core: worker 1 on
CPU 0, worker 2 on CPU 1, which this client shares), phones spread over them in turn (the
client speaks websocket only, so no sticky session is needed), the notes posted through
worker 1 and reaching worker 2's phones through Redis.

    .venv/bin/python bench/fanout.py --phones 1000 --notes 100 --rate 5
    .venv/bin/python bench/fanout.py --phones 1000 --notes 100 --rate 5 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import arguments, report  # noqa: E402
from tests.server import free_port  # noqa: E402

MARK = re.compile(rb'"text": ?"bench-(\d+)')


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values, nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


JOINED = re.compile(r'4(2|5\d+-)\["board:joined"')  # the answer to a carried join, maybe with binary parts


def placed(answer: dict, parts: list[bytes]) -> dict:
    """An answer with its binary parts (Socket.IO's placeholders) in their places."""
    for key, value in answer.items():
        if isinstance(value, dict) and value.get("_placeholder"):
            answer[key] = parts[value["num"]]
    return answer


class Phone:
    """One phone: a websocket speaking Engine.IO 4 / Socket.IO 5."""

    def __init__(self, session: aiohttp.ClientSession, url: str, cookie: str) -> None:
        self.session = session
        self.url = url
        self.cookie = cookie
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.acks: dict[int, asyncio.Future] = {}
        self.next_ack = 0
        self.received: dict[int, float] = {}
        self.reader: asyncio.Task | None = None
        self.frames: dict[str, list[float]] = {}  # broadcast name -> when each arrived
        self.ack_bytes: dict[int, int] = {}  # ack id -> bytes of its frame
        self.count = False  # record every broadcast's name and time (room_load.py)
        self.timeout = 30.0  # seconds an ack may take
        self.last: dict[str, str] = {}  # broadcast name -> the last frame of it, when counting
        self.joined: asyncio.Future | None = None  # the answer to a join carried by the connect

    async def open(self, join: dict | None = None, address: bool = False) -> dict | None:
        """The websocket and the Socket.IO connection, without joining a board; or, with join,
        carrying it in the connect (as the pages' reconnects do), or with address too in the
        websocket's address (as a page's first socket does: no connect is sent); then the
        join's answer (board:joined)."""
        ws_url = self.url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        if join and address:
            ws_url += "&join=" + quote(json.dumps(join, separators=(",", ":")))
        self.ws = await self.session.ws_connect(ws_url, headers={"Cookie": self.cookie}, autoping=False,
                                                max_msg_size=0, compress=0)
        opening = await self.ws.receive_str()
        assert opening.startswith("0{"), opening
        self.joined = asyncio.get_running_loop().create_future()
        if not (join and address):
            await self.ws.send_str("40" + (json.dumps({"join": join}, separators=(",", ":")) if join else ""))
        connected = await self.ws.receive_str()
        while join and JOINED.match(connected):  # (answered before the connect's answer)
            count = int(connected[2:connected.index("-")]) if connected.startswith("45") else 0
            self.heard_joined(connected, [await self.ws.receive_bytes() for _ in range(count)])
            connected = await self.ws.receive_str()
        assert connected.startswith("40"), connected[:200]
        self.reader = asyncio.create_task(self.read())
        return await asyncio.wait_for(self.joined, self.timeout) if join else None

    def heard_joined(self, frame: str, parts: list[bytes]) -> None:
        """The answer to the join this phone's connect carried (its bytes counted as a join's),
        with its binary parts (a compressed board) in their places."""
        if self.joined is not None and not self.joined.done():
            self.joined.set_result(placed(json.loads(frame[frame.index("["):])[1], parts))
        self.ack_bytes[-1] = len(frame.encode()) + sum(len(b) for b in parts)

    async def connect(self, board: int) -> None:
        await self.open()
        answer = await self.call("board:join", {"board": board})
        assert answer["ok"], answer

    async def call(self, event: str, payload: dict) -> dict:
        ack_id = self.next_ack
        self.next_ack += 1
        future = asyncio.get_running_loop().create_future()
        self.acks[ack_id] = future
        await self.ws.send_str(f"42{ack_id}" + json.dumps([event, payload], separators=(",", ":")))
        return await asyncio.wait_for(future, self.timeout)

    async def read(self) -> None:
        # An ack or a carried join's answer with binary parts (a compressed board), which follow
        # as binary frames: its ack id (None: the join's answer), parts, head, parts so far.
        binary: tuple[int | None, int, str, list[bytes]] | None = None
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY and binary is not None:
                ack_id, count, head, parts = binary
                parts.append(message.data)
                if len(parts) == count:
                    binary = None
                    if ack_id is None:
                        self.heard_joined(head, parts)
                        continue
                    self.ack_bytes[ack_id] = len(head.encode()) + sum(len(b) for b in parts)
                    future = self.acks.pop(ack_id, None)
                    if future and not future.done():
                        future.set_result(placed(json.loads(head)[0], parts))
                continue
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = message.data
            if data.startswith("46"):  # an ack with binary parts
                count, rest = data[2:].split("-", 1)
                ack_id, head = rest.split("[", 1)
                binary = (int(ack_id), int(count), "[" + head, [])
                continue
            if data.startswith("45") and JOINED.match(data):  # the carried join's answer, with binary parts
                binary = (None, int(data[2:data.index("-")]), data, [])
                continue
            if data == "2":
                await self.ws.send_str("3")
            elif data.startswith('42["board:joined"'):
                self.heard_joined(data, [])
            elif data.startswith('42["note:added"'):
                found = MARK.search(data.encode())
                if found:
                    self.received[int(found.group(1))] = time.perf_counter()
            if self.count and data.startswith('42["'):
                name = data[4:data.index('"', 4)]
                self.frames.setdefault(name, []).append(time.perf_counter())
                self.last[name] = data
            elif data.startswith("43"):
                head = data[2:].split("[", 1)
                self.ack_bytes[int(head[0])] = len(data.encode())
                future = self.acks.pop(int(head[0]), None)
                if future and not future.done():
                    future.set_result(json.loads("[" + head[1])[0])

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self.reader is not None:
            self.reader.cancel()


def start_server(tmp: Path, port: int, args: argparse.Namespace, *, cpu: int = 0,
                 log: str = "server.log") -> subprocess.Popen:
    env = {
        **os.environ,
        "INSTANCE_PATH": str(tmp / "instance"),
        "DATABASE_URL": args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
        "REDIS_URL": args.redis_url or "",
        "REDIS_CHANNEL": getattr(args, "redis_channel", None) or f"relais-bench-{port}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "ASYNC_MODE": args.async_mode,
        "LOG_LEVEL": "WARNING",
        # One poster plays a whole room's notes: over one person's rate, by design.
        "RATE_LIMITS": "off",
        "PYTHONWARNINGS": "ignore",
    }
    # Another source tree (an older release, for a before/after in one run) may be served instead.
    # PROF_OUT=file: the server runs under cProfile and writes its statistics there when stopped.
    profile = ["-m", "cProfile", "-o", os.environ["PROF_OUT"]] if os.environ.get("PROF_OUT") else []
    proc = subprocess.Popen([sys.executable, *profile, "wsgi.py"], cwd=getattr(args, "root", None) or ROOT, env=env,
                            stdout=subprocess.DEVNULL,
                            stderr=(tmp / log).open("w"))
    os.sched_setaffinity(proc.pid, {cpu})
    return proc


async def wait_until_up(session: aiohttp.ClientSession, url: str) -> None:
    for _ in range(300):
        try:
            async with session.get(url + "/healthz") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError("server did not start")


async def new_board(url: str) -> tuple[str, dict, str]:
    """Create an event and a workshop as a facilitator would: its code, the workshop, the
    facilitator's cookie."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        async with http.post(url + "/api/events", json={"title": "Bench"}) as r:
            code = (await r.json())["event"]["code"]
        async with http.post(f"{url}/api/events/{code}/workshops", json={"title": "Atelier"}) as r:
            workshop = (await r.json())["workshop"]
    return code, workshop, cookie_of(jar)


def cookie_of(session_cookies: aiohttp.CookieJar) -> str:
    return "; ".join(f"{c.key}={c.value}" for c in session_cookies)


async def new_cookie(url: str, path: str) -> str:
    """Visit a page with a fresh cookie jar and return the cookie it got."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as s:
        async with s.get(url + path) as response:
            await response.read()
        return cookie_of(jar)


async def run(args: argparse.Namespace) -> dict:
    os.sched_setaffinity(0, {1})
    tmp = Path(tempfile.mkdtemp(prefix="relais-bench-"))
    if args.workers > 1:  # the workers share one database, one secret (instance/) and one Redis channel
        args.redis_url = args.redis_url or "redis://127.0.0.1:6379/0"
        args.redis_channel = f"relais-bench-{os.getpid()}"
    ports = [free_port() for _ in range(args.workers)]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    url = urls[0]
    servers: list[subprocess.Popen] = []
    connector = aiohttp.TCPConnector(limit=0)
    try:
        async with aiohttp.ClientSession(connector=connector) as session:
            for n, port in enumerate(ports):  # one after the other: the first creates the schema
                servers.append(start_server(tmp, port, args, cpu=n % os.cpu_count(), log=f"server-{n + 1}.log"))
                await wait_until_up(session, urls[n])
            procs = [psutil.Process(server.pid) for server in servers]
            # The facilitator creates the event and the workshop.
            code, workshop, fac_cookie = await new_board(url)
            board, column = workshop["board"], workshop["columns"][0]["id"]

            # Each phone gets its own participant cookie (a page visit), outside the timing.
            sem = asyncio.Semaphore(50)

            async def cookie() -> str:
                async with sem:
                    return await new_cookie(url, f"/{code}")

            cookies = await asyncio.gather(*(cookie() for _ in range(args.phones)))
            rss_before = sum(proc.memory_info().rss for proc in procs)
            phones = [Phone(session, urls[n % len(urls)], c) for n, c in enumerate(cookies)]
            poster = Phone(session, url, fac_cookie)

            connect_sem = asyncio.Semaphore(args.connect_concurrency)

            async def connect(phone: Phone) -> None:
                async with connect_sem:
                    await phone.connect(board)

            started = time.perf_counter()
            await asyncio.gather(*(connect(p) for p in phones))
            connect_seconds = time.perf_counter() - started
            await poster.connect(board)
            await asyncio.sleep(1)
            rss_after = sum(proc.memory_info().rss for proc in procs)

            sent: dict[int, float] = {}
            # This client's own cycle collector stays out of the timing: with 2,000 sockets its
            # full collections took 30 to 76 ms, and every delivery read meanwhile looked late.
            gc.collect()
            gc.freeze()
            gc.disable()
            cpu_before = [proc.cpu_times() for proc in procs]
            me = psutil.Process()
            client_before = me.cpu_times()
            post_started = time.perf_counter()
            interval = 1 / args.rate
            for k in range(args.notes):
                target = post_started + k * interval
                delay = target - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent[k] = time.perf_counter()
                asyncio.create_task(poster.call("note:add", {
                    "op": f"bench-op-{k:08d}", "board": board, "column": column, "text": f"bench-{k}"}))
            await asyncio.sleep(args.drain)
            gc.enable()
            cpu_after = [proc.cpu_times() for proc in procs]
            busy = [(a.user + a.system) - (b.user + b.system) for a, b in zip(cpu_after, cpu_before, strict=True)]
            client_after = me.cpu_times()
            client_busy = (client_after.user + client_after.system) - (client_before.user + client_before.system)
            wall = time.perf_counter() - post_started

            latencies = [(p.received[k] - sent[k]) * 1000 for p in phones for k in sent if k in p.received]
            expected = len(phones) * len(sent)
            result = {
                "database": "postgresql" if args.database_url else "sqlite",
                "redis": bool(args.redis_url),
                "async_mode": args.async_mode,
                "workers": args.workers,
                "phones": len(phones),
                "notes": len(sent),
                "rate_per_s": args.rate,
                "connect_seconds": round(connect_seconds, 3),
                "latency_ms": {
                    "p50": round(percentile(latencies, 50), 1),
                    "p95": round(percentile(latencies, 95), 1),
                    "p99": round(percentile(latencies, 99), 1),
                    "max": round(max(latencies), 1) if latencies else None,
                    "mean": round(statistics.fmean(latencies), 1) if latencies else None,
                },
                "deliveries_expected": expected,
                "deliveries_lost": expected - len(latencies),
                "server_rss_mb": round(rss_after / 2**20, 1),
                "server_kb_per_connection": round((rss_after - rss_before) / 1024 / len(phones), 1),
                "server_cpu_percent_during_posting": [round(100 * b / wall, 1) for b in busy],
                "client_cpu_percent_during_posting": round(100 * client_busy / wall, 1),
            }
            await asyncio.gather(*(p.close() for p in phones), poster.close())
            return result
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--notes", type=int, default=100)
    parser.add_argument("--rate", type=float, default=5.0, help="notes per second")
    parser.add_argument("--drain", type=float, default=3.0, help="seconds to wait after the last note")
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument("--database-url", help="default: a fresh SQLite file (use an empty database)")
    parser.add_argument("--redis-url", help="run the server with this Redis message queue")
    parser.add_argument("--async-mode", default="gevent", choices=["gevent", "eventlet"])
    parser.add_argument("--workers", type=int, default=1, help="servers on the same database and Redis "
                        "(default Redis: redis://127.0.0.1:6379/0 when more than one)")
    parser.add_argument("--root", type=Path, help="serve this source tree (an older release) with this client")
    args = parser.parse_args()
    report(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()
