"""A phone's workshop page on a crowded venue wifi, in chromium: how long until it is usable.

The real server (wsgi.py, gevent, SQLite) runs on CPU 0; chromium, with a phone's viewport,
reaches it through a slow link: 300 ms round trip, 400 kbit/s down, 400 kbit/s up
(bench/slow_link.py, a proxy that delays and paces every byte, websocket frames included, and
charges a round trip for each new connection). `--link cdp` uses DevTools' emulation instead
(the same figures), which delays HTTP requests and a websocket's handshake but not its frames:
what runs over the websocket looks quicker there than on a real link. "Usable" is the note box
shown and the status "Connecté" (the board joined), read in the page (ms since the navigation
began, checked at every frame and every change of the page). A first visit starts with an empty cache;
a repeat visit reloads the same page in the same browser (its cache, its cookie). Each on an
empty board and on a 300-note board; bytes are what reached the browser (with the proxy: every
byte; with DevTools: HTTP bodies and headers, websocket payloads).

    .venv/bin/python bench/wifi_page.py --rounds 3 [--link cdp] [--before /path/to/older/tree]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.chromium import chromium, phone, served, trees  # noqa: E402
from bench.fanout import Phone, new_board, wait_until_up  # noqa: E402
from bench.report import main_with_rounds, medians  # noqa: E402
from bench.room_load import note_text  # noqa: E402
from bench.slow_link import SlowLink  # noqa: E402

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


# Read in the page, at every frame and every change of the page: the moment (ms since the
# navigation began) the note box is shown and the status says "Connecté". Playwright's own
# waits poll with a growing interval (up to 500 ms): they found it up to half a second late.
USABLE = """
(() => {
  const check = () => {
    if (window.__usable) return;
    const box = document.getElementById("note-text");
    const status = document.getElementById("status");
    if (box && box.checkVisibility() && status && status.dataset.state === "online") {
      window.__usable = performance.now();
    } else {
      requestAnimationFrame(check);
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true });
  check();
})();
"""


def visit(page, url: str, link: SlowLink | None) -> tuple[float, int]:
    """Load the page and wait until it is usable; seconds (read in the page) and bytes received."""
    received = [-link.received if link else 0]
    client = None
    if link is None:
        client = page.context.new_cdp_session(page)
        client.send("Network.enable")
        client.send("Network.emulateNetworkConditions", WIFI)
        client.on("Network.loadingFinished",
                  lambda e: received.__setitem__(0, received[0] + int(e["encodedDataLength"])))
        client.on("Network.webSocketFrameReceived",
                  lambda e: received.__setitem__(0, received[0] + len(e["response"]["payloadData"].encode())))
    page.goto(url, wait_until="commit")
    page.wait_for_selector("#status[data-state=online]", timeout=60000)  # (a page not yet there has no __usable)
    took = page.evaluate("new Promise((done) => { const check = () => window.__usable ? done(window.__usable) "
                         ": requestAnimationFrame(check); check(); })") / 1000
    if client is not None:
        client.detach()
    else:
        received[0] += link.received
    return took, received[0]


def run(args: argparse.Namespace) -> dict:
    results: dict[str, list[dict]] = {}
    with chromium() as browser:
        for _ in range(args.rounds):
            for name, tree in trees(args):
                for notes in (0, 300):
                    with served(tree) as url:
                        with ThreadPoolExecutor(1) as pool:  # (playwright's loop holds this thread)
                            page_path = pool.submit(asyncio.run, prepare(url, notes)).result()
                        context = phone(browser)
                        context.add_init_script(USABLE)
                        page = context.new_page()
                        if args.link == "proxy":
                            with SlowLink(int(url.rsplit(":", 1)[1]), rtt=WIFI["latency"] / 1000,
                                          down=WIFI["downloadThroughput"] * 8, up=WIFI["uploadThroughput"] * 8) as link:
                                via = f"http://127.0.0.1:{link.port}"
                                first, first_bytes = visit(page, via + page_path, link)
                                again, again_bytes = visit(page, via + page_path, link)
                        else:
                            first, first_bytes = visit(page, url + page_path, None)
                            again, again_bytes = visit(page, url + page_path, None)
                        context.close()
                    row = {"first_s": round(first, 2), "first_kb": round(first_bytes / 1000, 1),
                           "repeat_s": round(again, 2), "repeat_kb": round(again_bytes / 1000, 1)}
                    results.setdefault(f"{name}, {notes} notes", []).append(row)
                    print(name, notes, row, flush=True)
    return medians(results)


def main() -> None:
    main_with_rounds(__doc__, run, lambda parser: parser.add_argument(
        "--link", choices=("proxy", "cdp"), default="proxy",
        help="the slow link: a delaying proxy (default) or DevTools' emulation"))


if __name__ == "__main__":
    main()
