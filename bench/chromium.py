"""What the browser benchmarks share: Debian's chromium, a phone's browser, and one real
server per source tree and round."""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, sync_playwright

from bench.fanout import start_server
from tests.server import free_port

ROOT = Path(__file__).resolve().parent.parent


def trees(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """This tree, and the older one given with --before."""
    return [("relais", ROOT)] + ([("before", args.before)] if args.before else [])


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


def phone(browser: Browser) -> BrowserContext:
    """A phone's browser: 390x844, touch, French."""
    return browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", is_mobile=True, has_touch=True)


@contextmanager
def served(tree: Path) -> Iterator[str]:
    """The real server of `tree` on a fresh SQLite file; its URL."""
    tmp = Path(tempfile.mkdtemp(prefix="relais-bench-"))
    port = free_port()
    server = start_server(tmp, port, argparse.Namespace(database_url=None, redis_url=None, async_mode="gevent",
                                                        root=tree))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)
