"""A phone's workshop page on a crowded venue wifi, in chromium: how long until it is usable.

The real server (wsgi.py, gevent, SQLite) runs on CPU 0; chromium runs with the network
emulated by the DevTools protocol (300 ms latency, 400 kbit/s down, 400 kbit/s up) and a
phone's viewport. "Usable" is the note box shown and the status "Connecté" (the board
joined). A first visit starts with an empty cache; a repeat visit reloads the same page in
the same browser (its cache, its cookie). Each on an empty board and on a 300-note board;
bytes are what crossed the emulated network (HTTP and websocket frames).

    .venv/bin/python bench/wifi_page.py --rounds 3 [--before /path/to/older/tree]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.fanout import Phone, new_board, start_server, wait_until_up  # noqa: E402
from bench.room_load import note_text  # noqa: E402
from tests.server import free_port  # noqa: E402

WIFI = {"offline": False, "latency": 300, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}


async def prepare(url: str, notes: int) -> str:
    async with aiohttp.ClientSession() as session:
        await wait_until_up(session, url)
        code, workshop, cookie = await new_board(url)
        fac = Phone(session, url, cookie)
        await fac.connect(workshop["board"])
        for i in range(notes):
            await fac.call("note:add", {"op": f"n-{i:06d}", "board": workshop["board"],
                                        "column": workshop["columns"][i % 3]["id"], "text": note_text(i)})
        await fac.close()
    return f"/{code}/w/{workshop['id']}"


def visit(page, url: str) -> tuple[float, int]:
    """Load the page and wait until it is usable; seconds and bytes received."""
    received = [0]
    client = page.context.new_cdp_session(page)
    client.send("Network.enable")
    client.send("Network.emulateNetworkConditions", WIFI)
    client.on("Network.loadingFinished", lambda e: received.__setitem__(0, received[0] + int(e["encodedDataLength"])))
    client.on("Network.webSocketFrameReceived",
              lambda e: received.__setitem__(0, received[0] + len(e["response"]["payloadData"].encode())))
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_selector("#note-text", state="visible", timeout=60000)
    page.wait_for_selector("#status[data-state=online]", timeout=60000)
    took = time.perf_counter() - started
    client.detach()
    return took, received[0]


def run(args: argparse.Namespace) -> dict:
    results: dict[str, list[dict]] = {}
    trees = [("relais", ROOT)] + ([("before", args.before)] if args.before else [])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        for _ in range(args.rounds):
            for name, tree in trees:
                for notes in (0, 300):
                    tmp = Path(tempfile.mkdtemp(prefix="relais-wifi-"))
                    port = free_port()
                    url = f"http://127.0.0.1:{port}"
                    server = start_server(tmp, port, argparse.Namespace(
                        database_url=None, redis_url=None, async_mode="gevent", root=tree))
                    try:
                        with ThreadPoolExecutor(1) as pool:  # (playwright's loop holds this thread)
                            page_path = pool.submit(asyncio.run, prepare(url, notes)).result()
                        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR",
                                                      is_mobile=True, has_touch=True)
                        page = context.new_page()
                        first, first_bytes = visit(page, url + page_path)
                        again, again_bytes = visit(page, url + page_path)
                        context.close()
                    finally:
                        server.terminate()
                        server.wait(10)
                    row = {"first_s": round(first, 2), "first_kb": round(first_bytes / 1000, 1),
                           "repeat_s": round(again, 2), "repeat_kb": round(again_bytes / 1000, 1)}
                    results.setdefault(f"{name}, {notes} notes", []).append(row)
                    print(name, notes, row, flush=True)
        browser.close()
    return {key: {k: statistics.median(r[k] for r in rows) for k in rows[0]} for key, rows in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", type=Path, help="also measure Relais from this source tree (an older release)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args)
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
