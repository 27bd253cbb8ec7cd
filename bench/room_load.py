"""Room load: what a real room does at once, on Relais and on a bare Flask-SocketIO board
(bench/bare_board.py) in the same run, rounds alternated, medians kept.

- rejoin storm: a board with 300 notes; 300 phones, connected, all send `board:join` at
  the same moment (the venue's wifi came back). Time until every answer came, bytes of an
  answer; the same on an empty board (Relais's ratio to itself).
- vote storm: 200 phones cast their 3 dots at the same moment. Time until every ack came,
  dots counted, tally frames each phone received and their rate.
- join cost and delivery: N phones connect and join an empty board (the server's memory
  per phone: its RSS after, minus before, over N); then 20 notes at 5/s, latency from send
  to each phone (p50, p99).
- neighbour (Relais only): a note's latency on board B while 300 phones join board A.

Servers on CPU 0, this client on CPU 1 (aiohttp, the thin client of bench/fanout.py; it is
not the bottleneck when its CPU stays under 100 %: printed as client_cpu_percent).

    .venv/bin/python bench/room_load.py --rounds 3 --json bench/results/room_load.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout import Phone, new_board, new_cookie, percentile, start_server, wait_until_up  # noqa: E402
from bench.report import arguments, report  # noqa: E402
from tests.server import free_port  # noqa: E402

WORDS = ("plateformes annonces suppression compte violences signalement police hébergeur clients travailleuses "
         "sécurité numérique harcèlement doxxing photos chantage associations permanence accompagnement santé "
         "droits plainte écoute réseau pairs anonymat confiance outils formation juristes urgence soutien "
         "prévention veille modération témoignages isolement précarité logement papiers").split()


def note_text(i: int) -> str:
    """A note as people write them: 8 to 30 words of the subject, in a varied order."""
    rng = random.Random(i)
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))).capitalize() + "."


class Target:
    """A server under test: Relais (its real wsgi.py) or the bare board."""

    def __init__(self, kind: str, notes: int, tmp: Path, args: argparse.Namespace) -> None:
        self.kind, self.notes = kind, notes
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if kind in ("relais", "before"):
            self.proc = start_server(tmp, self.port, argparse.Namespace(
                **{**vars(args), "root": args.before if kind == "before" else ROOT}))
        else:
            self.proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "bare_board.py"), str(self.port),
                                          str(notes)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            os.sched_setaffinity(self.proc.pid, {0})
        self.board = 1
        self.page = "/"
        self.fac_cookie = ""

    async def prepare(self, session: aiohttp.ClientSession, *, vote: bool = False) -> None:
        """Relais: an event, a workshop with its notes (and an open vote); bare: nothing to do."""
        await wait_until_up(session, self.url)
        if self.kind == "bare":
            self.targets = list(range(1, self.notes + 1))
            return
        code, workshop, self.fac_cookie = await new_board(self.url)
        self.board, column = workshop["board"], workshop["columns"][0]["id"]
        self.page = f"/{code}/w/{workshop['id']}"
        self.code = code
        fac = Phone(session, self.url, self.fac_cookie)
        await fac.connect(self.board)
        self.targets = []
        for i in range(self.notes):
            text = note_text(i)
            ack = await fac.call("note:add", {"op": f"n-{i:06d}", "board": self.board, "column": column,
                                              "text": text})
            self.targets.append(ack["note"]["id"])
        if vote:
            await fac.call("board:set", {"op": "phase-vote", "board": self.board, "phase": "vote"})
            self.vote = (await fac.call("vote:open", {"op": "vote-open", "board": self.board, "budget": 3,
                                                      "cap": 1}))["vote"]["id"]
        self.fac = fac

    async def cookies(self, n: int) -> list[str]:
        if self.kind == "bare":
            return [""] * n
        sem = asyncio.Semaphore(50)

        async def one() -> str:
            async with sem:
                return await new_cookie(self.url, self.page)

        return await asyncio.gather(*(one() for _ in range(n)))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


async def rejoin_storm(session: aiohttp.ClientSession, target: Target, phones: int, pack: bool = False,
                       carried: bool = False) -> dict:
    """300 phones join at once, their sockets open before; with carried, they connect at once,
    each carrying its join (compressed) in the connect, as the pages do when the wifi comes
    back: from the first connect to the last board:joined."""
    await target.prepare(session)
    clients = [Phone(session, target.url, c) for c in await target.cookies(phones)]
    if not carried:
        await asyncio.gather(*(c.open() for c in clients))
    times: list[float] = []
    ask = {"board": target.board, **({"pack": "deflate"} if pack and target.kind != "bare" else {})}

    async def join(client: Phone) -> None:
        client.timeout = 300  # before this release, a storm took longer than 30 s
        sent = time.perf_counter()
        answer = await (client.open(ask) if carried else client.call("board:join", ask))
        assert answer["ok"], answer
        times.append(time.perf_counter() - sent)

    started = time.perf_counter()
    await asyncio.gather(*(join(c) for c in clients))
    wall = time.perf_counter() - started
    sizes = [b for c in clients for b in c.ack_bytes.values()]
    await asyncio.gather(*(c.close() for c in clients))
    return {"all_answered_s": round(wall, 3), "p50_s": round(percentile(times, 50), 3),
            "p99_s": round(percentile(times, 99), 3), "bytes_per_join": int(statistics.median(sizes))}


async def vote_storm(session: aiohttp.ClientSession, target: Target, phones: int) -> dict:
    await target.prepare(session, vote=True)
    clients = [Phone(session, target.url, c) for c in await target.cookies(phones)]
    await asyncio.gather(*(c.connect(target.board) for c in clients))
    for c in clients:
        c.count = True
    acks: list[float] = []

    async def cast(client: Phone, n: int) -> None:
        for k in range(3):
            sent = time.perf_counter()
            answer = await client.call("vote:cast", {"op": f"v-{id(client)}-{k}", "board": target.board,
                                                     "vote": getattr(target, "vote", 1),
                                                     "target": target.targets[(n + 7 * k) % len(target.targets)]})
            assert answer["ok"], answer
            acks.append(time.perf_counter() - sent)

    server = psutil.Process(target.proc.pid)
    cpu_before = sum(server.cpu_times()[:2])
    started = time.perf_counter()
    await asyncio.gather(*(cast(c, n) for n, c in enumerate(clients)))
    wall = time.perf_counter() - started
    server_cpu = sum(server.cpu_times()[:2]) - cpu_before
    expected = phones * 3

    def final(client: Phone) -> bool:  # (before coalescing, totals came as board:vote)
        last = client.last.get("board:tally") or client.last.get("board:vote")
        return last is not None and json.loads(last[2:])[1]["vote"]["cast"] == expected

    # Wait (bounded) until every phone heard the final totals: the last tally always goes.
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline and not all(final(c) for c in clients):
        await asyncio.sleep(0.02)
    tallies = [c.frames.get("board:tally", []) + c.frames.get("board:vote", []) for c in clients]
    spans = [max(t[-1] - started, 1.0) for t in tallies if t]
    rates = [len(t) / s for t, s in zip(tallies, spans, strict=False)]
    counted = expected
    if target.kind != "bare":
        await target.fac.call("vote:close", {"op": "vote-close", "board": target.board, "vote": target.vote})
        revealed = (await target.fac.call("vote:reveal", {"op": "vote-reveal", "board": target.board,
                                                          "vote": target.vote}))["vote"]
        counted = sum(r["dots"] for r in revealed["results"])
    await asyncio.gather(*(c.close() for c in clients))
    return {"all_acked_s": round(wall, 3), "ack_p50_ms": round(percentile(acks, 50) * 1000, 1),
            "ack_p99_ms": round(percentile(acks, 99) * 1000, 1), "server_cpu_s": round(server_cpu, 2),
            "dots": expected, "counted": counted,
            "tallies_per_phone": int(statistics.median(len(t) for t in tallies)),
            "every_phone_heard_the_last": all(final(c) for c in clients),
            "max_tallies_per_phone_per_s": round(max(rates), 1) if rates else None}


async def join_cost(session: aiohttp.ClientSession, target: Target, phones: int, carried: bool = False,
                    address: bool = False) -> dict:
    """1,000 phones connect and join (100 at a time), then 20 notes reach them. With carried,
    Relais's phones carry their join in the connect, as its pages' reconnects do; with address
    too, in the websocket's address, as a page's first socket does (the bare board can do
    neither: its phones connect, then join)."""
    await target.prepare(session)
    clients = [Phone(session, target.url, c) for c in await target.cookies(phones)]
    sem = asyncio.Semaphore(100)
    server = psutil.Process(target.proc.pid)
    await asyncio.sleep(0.5)  # the cookies' page visits settle
    rss_before = server.memory_info().rss

    async def connect(c: Phone) -> None:
        async with sem:
            if carried and target.kind != "bare":
                assert (await c.open({"board": target.board}, address=address))["ok"]
            else:
                await c.connect(target.board)

    started = time.perf_counter()
    await asyncio.gather(*(connect(c) for c in clients))
    joined = time.perf_counter() - started
    await asyncio.sleep(1)
    kb_per_phone = (server.memory_info().rss - rss_before) / 1024 / phones
    poster = Phone(session, target.url, target.fac_cookie)
    await poster.connect(target.board)
    sent: dict[int, float] = {}
    column = 1
    if target.kind != "bare":
        column = (await poster.call("board:join", {"board": target.board}))["board"]["columns"][0]["id"]
    for k in range(20):
        sent[k] = time.perf_counter()
        asyncio.create_task(poster.call("note:add", {"op": f"post-{k:06d}", "board": target.board,
                                                     "column": column, "text": f"bench-{k}"}))
        await asyncio.sleep(0.2)
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline and sum(len(c.received) for c in clients) < 20 * phones:
        await asyncio.sleep(0.05)
    latencies = [(c.received[k] - sent[k]) * 1000 for c in clients for k in sent if k in c.received]
    await asyncio.gather(*(c.close() for c in clients), poster.close())
    return {"joined_s": round(joined, 3), "server_kb_per_phone": round(kb_per_phone, 1),
            "delivery_p50_ms": round(percentile(latencies, 50), 1),
            "delivery_p99_ms": round(percentile(latencies, 99), 1), "lost": 20 * phones - len(latencies)}


def _board_b(url: str, cookies: tuple[str, str], board: int, column: int, notes: int, ready: Any, go: Any,
             out: Any) -> None:
    """Board B's two people, in a process of their own (other devices): one (the facilitator) posts a note every
    50 ms once `go` is set, the other's phone hears them. A client busy with 300 phones
    joining must not be what delays the notes, neither at their sending (until the sixth
    session the poster shared the storm's process, and a note waited there before it went:
    p99 up to 150 ms more when the storm's answers came densest) nor at their arrival (until
    the fifth). Reports when each note was sent and when it arrived."""

    async def main() -> tuple[dict[int, float], dict[int, float]]:
        async with aiohttp.ClientSession() as session:
            poster, phone = Phone(session, url, cookies[0]), Phone(session, url, cookies[1])
            await poster.connect(board)
            await phone.connect(board)
            ready.set()
            while not go.is_set():
                await asyncio.sleep(0.002)
            sent: dict[int, float] = {}
            for k in range(notes):
                sent[k] = time.perf_counter()
                asyncio.create_task(poster.call("note:add", {"op": f"b-{k:06d}", "board": board, "column": column,
                                                             "text": f"bench-{k}"}))
                await asyncio.sleep(0.05)
            deadline = time.perf_counter() + 10
            while len(phone.received) < notes and time.perf_counter() < deadline:
                await asyncio.sleep(0.01)
            received = dict(phone.received)
            await asyncio.gather(poster.close(), phone.close())
            return sent, received

    out.put(asyncio.run(main()))


async def neighbour(session: aiohttp.ClientSession, target: Target, phones: int, pack: bool = False,
                    connecting: str = "") -> dict:
    """Relais: 300 phones join board A (300 notes) while board B gets a note every 50 ms. By
    default their sockets are open before; with connecting, they connect then too: "carried",
    each carrying its join in the connect (as the pages' reconnects do when the wifi comes
    back), "address", in its websocket's address (300 pages opened at once: the room scans
    the QR code), or "then", joining once connected (as the pages did before the fifth
    session)."""
    await target.prepare(session)
    async with session.post(f"{target.url}/api/events/{target.code}/workshops", json={"title": "B"},
                            headers={"Cookie": target.fac_cookie}) as r:
        other = (await r.json())["workshop"]
    spawn = multiprocessing.get_context("spawn")
    ready, go, out = spawn.Event(), spawn.Event(), spawn.Queue()
    cookies = (target.fac_cookie, (await target.cookies(1))[0])  # (the facilitator: no rate limit on notes)
    board_b = spawn.Process(target=_board_b, args=(target.url, cookies, other["board"], other["columns"][0]["id"], 40,
                                                   ready, go, out))
    board_b.start()
    while not ready.is_set():
        await asyncio.sleep(0.02)
    clients = [Phone(session, target.url, c) for c in await target.cookies(phones)]
    if not connecting:
        await asyncio.gather(*(c.open() for c in clients))

    ask = {"board": target.board, **({"pack": "deflate"} if pack else {})}
    async def join(client: Phone) -> None:
        if connecting in ("carried", "address"):
            await client.open(ask, address=connecting == "address")
            return
        if connecting == "then":
            await client.open()
        await client.call("board:join", ask)

    go.set()  # board B's notes start with the storm
    await asyncio.gather(*(join(c) for c in clients))
    sent, received = await asyncio.to_thread(out.get, True, 30)
    board_b.join(10)
    latencies = [(received[k] - sent[k]) * 1000 for k in sent if k in received]
    await asyncio.gather(*(c.close() for c in clients))
    return {"note_p50_ms": round(percentile(latencies, 50), 1), "note_p99_ms": round(percentile(latencies, 99), 1),
            "lost": len(sent) - len(latencies)}


SCENARIOS = {
    "rejoin_300_notes": (rejoin_storm, 300, ("relais", "bare")),
    "rejoin_300_notes_packed": (lambda s, t, n: rejoin_storm(s, t, n, pack=True), 300, ("relais",)),
    "rejoin_empty": (rejoin_storm, 0, ("relais", "bare")),
    "vote_storm": (vote_storm, 20, ("relais", "bare")),
    "join_cost": (join_cost, 0, ("relais", "bare")),
    "join_cost_carried": (lambda s, t, n: join_cost(s, t, n, carried=True), 0, ("relais", "bare")),
    # As a page's first socket joins since the sixth session: the join in the websocket's address.
    "join_cost_address": (lambda s, t, n: join_cost(s, t, n, carried=True, address=True), 0, ("relais", "bare")),
    "neighbour_join_storm": (neighbour, 300, ("relais",)),
    "neighbour_join_storm_packed": (lambda s, t, n: neighbour(s, t, n, pack=True), 300, ("relais",)),
    # As the pages join since the fifth session: the join carried by the connect.
    "rejoin_300_notes_carried": (lambda s, t, n: rejoin_storm(s, t, n, pack=True, carried=True), 300, ("relais",)),
    "neighbour_connect_storm": (lambda s, t, n: neighbour(s, t, n, pack=True, connecting="carried"), 300,
                                ("relais",)),
    "neighbour_connect_then_join_storm": (lambda s, t, n: neighbour(s, t, n, pack=True, connecting="then"), 300,
                                          ("relais",)),
    "neighbour_address_storm": (lambda s, t, n: neighbour(s, t, n, pack=True, connecting="address"), 300,
                                ("relais",)),
}


async def run(args: argparse.Namespace) -> dict:
    os.sched_setaffinity(0, {1})
    me = psutil.Process()
    results: dict[str, dict[str, list[dict]]] = {}
    phones = {name: args.phones for name in SCENARIOS} | {"vote_storm": args.voters, "join_cost": args.join_phones,
                                                          "join_cost_carried": args.join_phones,
                                                          "join_cost_address": args.join_phones}
    for name in args.only or SCENARIOS:
        scenario, notes, kinds = SCENARIOS[name]
        if args.before:
            kinds = (kinds[0], "before", *kinds[1:])
        for _ in range(args.rounds):
            for kind in kinds:  # alternated: a noisy moment hits both
                tmp = Path(tempfile.mkdtemp(prefix="relais-load-"))
                target = Target(kind, notes, tmp, args)
                cpu = me.cpu_times()
                began = time.perf_counter()
                try:
                    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
                        result = await scenario(session, target, phones[name])
                finally:
                    target.stop()
                used = me.cpu_times()
                result["client_cpu_percent"] = round(
                    100 * (used.user + used.system - cpu.user - cpu.system) / (time.perf_counter() - began), 1)
                results.setdefault(name, {}).setdefault(kind, []).append(result)
                print(name, kind, result, flush=True)
    summary: dict[str, dict] = {}
    for name, by_kind in results.items():
        summary[name] = {}
        for kind, rounds in by_kind.items():
            summary[name][kind] = {key: statistics.median(r[key] for r in rounds)
                                   for key in rounds[0] if isinstance(rounds[0][key], int | float)
                                   and not isinstance(rounds[0][key], bool)}
    return {"rounds": args.rounds, "summary": summary, "all": results}


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--phones", type=int, default=300, help="phones of a rejoin storm")
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--join-phones", type=int, default=1000)
    parser.add_argument("--only", nargs="*", choices=list(SCENARIOS))
    parser.add_argument("--before", type=Path, help="also run Relais from this source tree (an older release)")
    args = parser.parse_args()
    args.database_url, args.redis_url, args.async_mode = None, None, "gevent"
    result = asyncio.run(run(args))
    report(result, args.json, shown=result["summary"])


if __name__ == "__main__":
    main()
