"""What one note:add costs, this code against another tree of Relais, in the same run.

Starts the real server (gevent, SQLite) of each tree in turn, pinned to CPU 0; one client
on CPU 1 posts notes one after the other and times each acknowledgement (the whole path:
frame, validation, rules, commit, broadcast, ack). Rounds alternate between the trees so
that a noisy machine weighs on both alike. Also times the payload check alone, in process.

    git worktree add /tmp/relais-before <commit>
    .venv/bin/python bench/note_cost.py --before /tmp/relais-before --notes 400 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import timeit
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout import Phone, new_board, start_server, wait_until_up  # noqa: E402
from tests.server import free_port  # noqa: E402


async def one_round(root: Path, notes: int) -> list[float]:
    tmp = Path(tempfile.mkdtemp(prefix="relais-notecost-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = argparse.Namespace(database_url=None, redis_url=None, async_mode="gevent", root=root)
    server = start_server(tmp, port, args)
    try:
        async with aiohttp.ClientSession() as session:
            await wait_until_up(session, url)
            _, workshop, cookie = await new_board(url)
            fac = Phone(session, url, cookie)
            await fac.connect(workshop["board"])
            column = workshop["columns"][0]["id"]
            times = []
            for i in range(notes):
                sent = time.perf_counter()
                ack = await fac.call("note:add", {"op": f"bench-cost-{i:06d}", "board": workshop["board"],
                                                  "column": column, "text": f"Une idée, numéro {i}"})
                times.append((time.perf_counter() - sent) * 1000)
                assert ack["ok"], ack
            await fac.close()
            return times
    finally:
        server.terminate()
        server.wait(10)


def validation_us() -> float:
    from facilitation import payloads as pl

    payload = {"op": "op-abcdef123456", "board": 12, "column": 34, "text": "Le **harcèlement** sur les annonces"}
    n = 100_000
    return min(timeit.repeat(lambda: pl.parse(pl.NoteAdd, payload), number=n, repeat=5)) / n * 1e6


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, required=True, help="another tree of Relais (an older commit)")
    parser.add_argument("--notes", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.sched_setaffinity(0, {1})
    medians: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        for name, root in (("before", args.before), ("after", ROOT)):
            times = await one_round(root, args.notes)
            medians[name].append(statistics.median(times[20:]))  # the first ones warm the caches up
    result = {name: round(statistics.median(values), 3) for name, values in medians.items()}
    result["ratio"] = round(result["after"] / result["before"], 3)
    result["rounds_ms"] = medians
    result["payload_check_us_after"] = round(validation_us(), 2)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
