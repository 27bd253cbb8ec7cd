"""A phone applying 100 incoming changes on a 300-note board, in chromium with its CPU slowed
4x (DevTools protocol), on a phone's viewport: how long until the last change shows, and
how much main-thread time (script, style, layout) the page spent on them.

Two kinds of change, each 100 of them, sent by other people through the real server:
- edits: the facilitator corrects 100 different notes (100 note:edited frames);
- dots: 5 participants give 20 dots each to 100 different notes, results shown live (the
  server coalesces them into board:tally frames, each with the new totals).

    .venv/bin/python bench/phone_render.py --rounds 3 [--before /path/to/older/tree]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chromium import chromium, phone, served, trees  # noqa: E402
from bench.fanout import Phone, new_board, new_cookie, wait_until_up  # noqa: E402
from bench.report import main_with_rounds, medians  # noqa: E402
from bench.room_load import note_text  # noqa: E402

NOTES = 300
CHANGES = 100
METRICS = ("ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "TaskDuration")


async def prepare(url: str) -> dict:
    """A 300-note board; the page's path, the board, the notes and the facilitator's cookie."""
    async with aiohttp.ClientSession() as session:
        await wait_until_up(session, url)
        code, workshop, cookie = await new_board(url)
        fac = Phone(session, url, cookie)
        await fac.connect(workshop["board"])
        notes = []
        for i in range(NOTES):
            answer = await fac.call("note:add", {"op": f"n-{i:06d}", "board": workshop["board"],
                                                 "column": workshop["columns"][i % 3]["id"], "text": note_text(i)})
            notes.append(answer["note"])
        await fac.close()
    return {"path": f"/{code}/w/{workshop['id']}", "board": workshop["board"], "notes": notes, "cookie": cookie}


async def edits(url: str, world: dict) -> None:
    async with aiohttp.ClientSession() as session:
        fac = Phone(session, url, world["cookie"])
        await fac.connect(world["board"])
        for i, note in enumerate(world["notes"][:CHANGES]):
            answer = await fac.call("note:edit", {"op": f"e-{i:06d}", "board": world["board"], "note": note["id"],
                                                  "text": f"Corrigé {i:03d}", "version": note["version"]})
            assert answer["ok"], answer
        await fac.close()


async def open_vote(url: str, world: dict) -> int:
    async with aiohttp.ClientSession() as session:
        fac = Phone(session, url, world["cookie"])
        await fac.connect(world["board"])
        assert (await fac.call("board:set", {"op": "s-vote-000001", "board": world["board"], "phase": "vote"}))["ok"]
        answer = await fac.call("vote:open", {"op": "v-open-000001", "board": world["board"], "budget": 20, "cap": 1,
                                              "hide_results": False})
        await fac.close()
    return answer["vote"]["id"]


async def dots(url: str, world: dict, vote: int) -> None:
    async with aiohttp.ClientSession() as session:
        voters = []
        for _ in range(5):
            voter = Phone(session, url, await new_cookie(url, world["path"]))
            await voter.connect(world["board"])
            voters.append(voter)

        async def cast(k: int, voter: Phone) -> None:
            for j in range(20):
                note = world["notes"][k * 20 + j]
                answer = await voter.call("vote:cast", {"op": f"c-{k:03d}-{j:04d}", "board": world["board"],
                                                        "vote": vote, "target": note["id"]})
                assert answer["ok"], answer

        await asyncio.gather(*(cast(k, v) for k, v in enumerate(voters)))
        for voter in voters:
            await voter.close()


def metrics(cdp) -> dict[str, float]:
    return {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"] if m["name"] in METRICS}


def measure(page, cdp, send, done: str) -> dict:
    """Run `send` (in another thread: playwright holds this one) and wait until the page's
    expression `done` is true. It is read every 50 ms with one evaluate (CDP, not a script of
    the page, which its CSP would refuse): the same small cost on both trees."""
    before = metrics(cdp)
    started = time.perf_counter()
    with ThreadPoolExecutor(1) as pool:
        sent = pool.submit(send)
        while not page.evaluate(done):
            page.wait_for_timeout(50)  # a poll interval, not a wait for something
        sent.result()
    wall = time.perf_counter() - started
    after = metrics(cdp)
    row = {"wall_s": round(wall, 2)}
    row.update({f"{k.replace('Duration', '').lower()}_ms": round((after[k] - before[k]) * 1000) for k in METRICS})
    return row


def run(args: argparse.Namespace) -> dict:
    results: dict[str, list[dict]] = {}
    with chromium() as browser:
        for _ in range(args.rounds):
            for name, tree in trees(args):
                with served(tree) as url:
                    with ThreadPoolExecutor(1) as pool:  # (playwright's loop holds this thread)
                        world = pool.submit(asyncio.run, prepare(url)).result()
                    context = phone(browser)
                    page = context.new_page()
                    page.goto(url + world["path"])
                    page.wait_for_selector("#status[data-state=online]")
                    page.wait_for_selector(f".note[data-id='{world['notes'][-1]['id']}']", state="attached")
                    cdp = context.new_cdp_session(page)
                    cdp.send("Performance.enable")
                    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
                    row = measure(page, cdp, functools.partial(asyncio.run, edits(url, world)),
                                  f"[...document.querySelectorAll('#board .note')]"
                                  f".filter((n) => n.textContent.includes('Corrigé')).length === {CHANGES}")
                    results.setdefault(f"{name}, 100 edits", []).append(row)
                    print(name, "edits", row, flush=True)
                    with ThreadPoolExecutor(1) as pool:
                        vote = pool.submit(asyncio.run, open_vote(url, world)).result()
                    page.wait_for_selector("#vote-panel:not([hidden])")
                    row = measure(page, cdp, functools.partial(asyncio.run, dots(url, world, vote)),
                                  f"[...document.querySelectorAll('#board .dots-badge')]"
                                  f".filter((b) => b.textContent.startsWith('1 ')).length === {CHANGES}")
                    results.setdefault(f"{name}, 100 dots", []).append(row)
                    print(name, "dots", row, flush=True)
                    context.close()
    return medians(results)


def main() -> None:
    main_with_rounds(__doc__, run)


if __name__ == "__main__":
    main()
