"""Vote benchmark: N phones on one board all spend their dots at the same moment.

Starts the real server (wsgi.py, gevent) pinned to CPU 0, runs the phones in this process
pinned to CPU 1 (the aiohttp client of bench/fanout.py), opens a dot vote (budget B, cap 1)
on M notes, then every phone sends its B votes at once. Prints the acknowledgement
latency of vote:cast (p50/p95/p99/max), votes per second, refusals, and checks the totals
the server reveals: exactly phones x budget dots.

    .venv/bin/python bench/votes.py --phones 200 --budget 3 --notes 20
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout import Phone, new_board, new_cookie, percentile, start_server, wait_until_up  # noqa: E402
from bench.report import arguments, report  # noqa: E402
from tests.server import free_port  # noqa: E402


async def run(args: argparse.Namespace) -> dict:
    import os

    os.sched_setaffinity(0, {1})
    tmp = Path(tempfile.mkdtemp(prefix="relais-votes-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args.redis_url = None
    args.async_mode = "gevent"
    server = start_server(tmp, port, args)
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            await wait_until_up(session, url)
            code, workshop, fac_cookie = await new_board(url)
            board, column = workshop["board"], workshop["columns"][0]["id"]
            fac = Phone(session, url, fac_cookie)
            await fac.connect(board)
            notes = []
            for i in range(args.notes):
                ack = await fac.call("note:add", {"op": f"bench-note-{i:06d}", "board": board, "column": column,
                                                  "text": f"idée {i}"})
                notes.append(ack["note"]["id"])
            await fac.call("board:set", {"op": "bench-phase-vote", "board": board, "phase": "vote"})
            vote = (await fac.call("vote:open", {"op": "bench-vote-open", "board": board, "budget": args.budget,
                                                 "cap": 1}))["vote"]["id"]

            sem = asyncio.Semaphore(50)

            async def cookie() -> str:
                async with sem:
                    return await new_cookie(url, f"/{code}")

            phones = [Phone(session, url, c) for c in await asyncio.gather(*(cookie() for _ in range(args.phones)))]
            await asyncio.gather(*(p.connect(board) for p in phones))

            latencies: list[float] = []
            refused: dict[str, int] = {}
            rng = random.Random(7)

            async def cast(phone: Phone, k: int, target: int) -> None:
                sent = time.perf_counter()
                ack = await phone.call("vote:cast", {"op": f"bench-v-{id(phone)}-{k}", "board": board,
                                                     "vote": vote, "target": target})
                latencies.append((time.perf_counter() - sent) * 1000)
                if not ack["ok"]:
                    refused[ack["error"]["code"]] = refused.get(ack["error"]["code"], 0) + 1

            jobs = [cast(p, k, t) for p in phones for k, t in enumerate(rng.sample(notes, args.budget))]
            started = time.perf_counter()
            await asyncio.gather(*jobs)
            wall = time.perf_counter() - started
            await fac.call("vote:close", {"op": "bench-vote-close", "board": board, "vote": vote})
            revealed = (await fac.call("vote:reveal", {"op": "bench-vote-reveal", "board": board,
                                                       "vote": vote}))["vote"]
            total = sum(r["dots"] for r in revealed["results"])
            result = {
                "phones": len(phones),
                "budget": args.budget,
                "notes": len(notes),
                "votes_sent": len(jobs),
                "seconds": round(wall, 3),
                "votes_per_second": round(len(jobs) / wall, 1),
                "ack_latency_ms": {q: round(percentile(latencies, v), 1)
                                   for q, v in (("p50", 50), ("p95", 95), ("p99", 99))}
                | {"max": round(max(latencies), 1)},
                "refused": refused,
                "dots_counted": total,
                "dots_expected": len(phones) * args.budget,
            }
            await asyncio.gather(*(p.close() for p in phones), fac.close())
            return result
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--budget", type=int, default=3)
    parser.add_argument("--notes", type=int, default=20)
    parser.add_argument("--database-url", help="default: a fresh SQLite file (use an empty database)")
    args = parser.parse_args()
    report(asyncio.run(run(args)), args.json)


if __name__ == "__main__":
    main()
