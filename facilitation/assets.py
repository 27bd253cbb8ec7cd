"""Static files for a phone on a busy wifi: fetched once, compressed, announced up front.

- Every page names its scripts and styles with their content's hash (`?v=`): such a URL is
  cached by the browser for a year without asking again (`immutable`); a file that changes
  gets a new URL. Without `?v=` (an old page, a module imported by its relative name on a
  browser without import maps) a file is revalidated each time (`no-cache`, ETag).
- The scripts import each other by relative name: an import map, inline on every page (its
  hash in the Content-Security-Policy), points each module at its hashed URL, and the page
  lists its whole import chain as `modulepreload`, so the browser fetches them in parallel
  instead of one after the other.
- Scripts, styles and SVG are compressed (Flask-Compress: gzip on the LAN, where browsers do
  not offer brotli over plain HTTP; brotli or zstd over HTTPS), once per file and encoding.
  Pages and API answers are not, as a rule: they hold secrets and tokens, and compressing
  them beside what a visitor typed would let a network attacker guess them (BREACH). Save the
  phone's and the projector's page (`compressed_page`), which a whole room loads at once on
  the venue's wifi and which hold no token: only when nothing of the request is written in
  them (no query string; their path names an existing event and workshop), so that there is
  nothing an attacker could vary to guess the participant's pseudonym written there.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import re
import threading
import time
from pathlib import Path
from typing import Any

import brotli
from flask import Flask, Response, abort, request, send_file, url_for
from flask_compress import Compress
from markupsafe import Markup, escape

from . import slim

IMPORT = re.compile(r"""(?:^|\n)\s*(?:import|export)\s[^;]*?\sfrom\s+["'](\.{1,2}/[^"']+)["']""")
YEAR = 365 * 24 * 3600
EARLY = "js/early.js"  # the module that opens a page's socket before the rest has loaded
# The websocket a phone's or projector's page opens as its first act, before its stylesheet
# and any module have loaded (on a first visit over a slow wifi, 1.2 s before the Socket.IO
# client is there), carrying its join in its address (`join=`): the server connects it to
# Socket.IO at once with that join (realtime.joins_in_the_address) and answers `board:joined`,
# with no connect packet to wait for. The page holds its board two round trips after it asked
# for the websocket (the connection, its opening), not four (and a connect, then a join); on a
# first visit the board arrives while the scripts still do. The join is the page's
# (`data-join`: board and view), with the seq of the board this tab kept (the key of early.js's
# keptKey), compressed where the browser can inflate (early.js, joinPayload: the same payload).
# early.js hands the socket to Socket.IO (`OpenedWebSocket`, which then does not send its own
# connect). Inline (allowed by its hash in the CSP, which the attribute does not change), and
# placed before the stylesheet, which would hold it back.
OPENER = ('(()=>{try{const p=JSON.parse(document.currentScript.dataset.join),j={board:p.board,view:p.view};'
          'try{const k=JSON.parse(sessionStorage.getItem("relais:kept:1:"+p.board+":"+p.view));'
          'if(k&&k.board&&typeof k.seq=="number")j.since=k.seq}catch{}'
          'if(typeof DecompressionStream=="function")j.pack="deflate";'
          'const w=new WebSocket(location.origin.replace(/^http/,"ws")+"/socket.io/?EIO=4&transport=websocket&join="'
          '+encodeURIComponent(JSON.stringify(j)));'
          'w.binaryType="arraybuffer";w.heard=[];w.onmessage=(e)=>w.heard.push(e.data);w.onerror=()=>{};'
          'w.join=j;w.at=Date.now();globalThis.RELAIS_OPENED=w}catch{}})();')
OPENER_HASH = base64.b64encode(hashlib.sha256(OPENER.encode()).digest()).decode()


class Assets:
    """The static folder's files, their hashes and the import chains of the scripts."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.lock = threading.Lock()
        self.stamp: tuple[tuple[str, int], ...] = ()
        self.hashes: dict[str, str] = {}
        self.imports: dict[str, list[str]] = {}
        self.map_json = ""
        self.map_hash = ""
        self.looked = float("-inf")  # when the files were last looked at (time.monotonic)
        self.slim: dict[str, tuple[str, bytes]] = {}  # our script or style -> (its hash, what is served)

    def _files(self) -> list[Path]:
        return sorted(p for p in self.folder.rglob("*") if p.is_file() and p.suffix in {".js", ".css", ".svg"})

    def refresh(self) -> None:
        """Hash the files again if any changed (a file edited while `make run` serves). Looked
        at once a second at most: a page asks for a dozen URLs, and each look lists the folder
        and stats every file in it (some 650 calls a page when it looked every time)."""
        now = time.monotonic()
        if now - self.looked < 1.0:
            return
        self.looked = now
        files = self._files()
        stamp = tuple((str(f), f.stat().st_mtime_ns) for f in files)
        if stamp == self.stamp:
            return
        with self.lock:
            hashes, imports = {}, {}
            for f in files:
                name = f.relative_to(self.folder).as_posix()
                data = f.read_bytes()
                hashes[name] = hashlib.sha256(data).hexdigest()[:12]
                if f.suffix == ".js":
                    imports[name] = [(f.parent / m).resolve().relative_to(self.folder.resolve()).as_posix()
                                     for m in IMPORT.findall(data.decode("utf-8", "replace"))]
            self.hashes, self.imports = hashes, imports
            self.map_json = json.dumps({"imports": {
                f"/static/{name}": f"/static/{name}?v={digest}" for name, digest in hashes.items()
                if name.endswith(".js")}}, separators=(",", ":"))
            self.map_hash = base64.b64encode(hashlib.sha256(self.map_json.encode()).digest()).decode()
            self.stamp = stamp

    def served(self, name: str) -> bytes | None:
        """What is served for one of our scripts or styles: the file without its comments
        (slim.py), made once per version of the file; None for any other file (the vendored
        libraries keep their licence notices)."""
        self.refresh()
        digest = self.hashes.get(name)
        if digest is None or not (name.startswith("js/") and name.endswith(".js")
                                  or name.startswith("css/") and name.endswith(".css")):
            return None
        kept = self.slim.get(name)
        if kept is None or kept[0] != digest:
            text = (self.folder / name).read_text(encoding="utf-8")
            kept = (digest, (slim.strip_js(text) if name.endswith(".js") else slim.strip_css(text)).encode())
            self.slim[name] = kept
        return kept[1]

    def url(self, name: str) -> str:
        """The hashed URL of a static file."""
        self.refresh()
        digest = self.hashes.get(name)
        return url_for("static", filename=name, v=digest) if digest else url_for("static", filename=name)

    @staticmethod
    def opener(early: dict[str, Any]) -> Markup:
        """The inline script that opens the page's websocket at once, its join in its address
        (OPENER), for a page's join (`{"board": id, "view": "phone"}`, as `script`'s `early`)."""
        join = escape(json.dumps(early, separators=(",", ":")))
        return Markup(f'<script data-join="{join}">{OPENER}</script>')

    def chain(self, entry: str) -> list[str]:
        """Every module an entry script imports, directly or not, in the order found."""
        self.refresh()
        seen: list[str] = []
        todo = list(self.imports.get(entry, []))
        while todo:
            name = todo.pop(0)
            if name not in seen:
                seen.append(name)
                todo.extend(self.imports.get(name, []))
        return seen

    def script(self, entry: str, early: dict[str, Any] | None = None) -> Markup:
        """The import map, the preloads of an entry's chain and the entry itself, for a page;
        with `early` (the page's join: `{"board": id, "view": "phone"}`), first the module that
        opens the page's socket as soon as it and the Socket.IO client are loaded, its connect
        carrying that join (static/js/early.js; `async`: it waits for nothing else)."""
        self.refresh()
        first = (f'<script type="module" async data-early="{escape(json.dumps(early, separators=(",", ":")))}" '
                 f'src="{self.url(EARLY)}"></script>') if early else ""
        # What the early module needs is asked for first: a browser has six connections to a
        # server, and the Socket.IO client came tenth (its websocket 0.6 s later on a slow wifi).
        needed = self.chain(EARLY) if early else []
        chain = needed + [name for name in self.chain(entry) if name not in needed and name != EARLY]
        preloads = "".join(f'<link rel="modulepreload" href="{self.url(name)}">' for name in chain)
        return Markup(f'<script type="importmap">{self.map_json}</script>{first}{preloads}'
                      f'<script type="module" src="{self.url(entry)}"></script>')


def init_app(app: Flask) -> Assets:
    """Hashed static URLs in templates (`asset_url`, `module_script`), their cache headers,
    and compressed static files."""
    assets = Assets(Path(app.static_folder or "static"))
    assets.refresh()
    app.extensions["relais.assets"] = assets
    app.jinja_env.globals.update(asset_url=assets.url, module_script=assets.script, early_socket=assets.opener)
    app.config.setdefault("COMPRESS_REGISTER", False)  # static files only: see the module's note
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/javascript", "application/javascript", "text/css",
                                                 "image/svg+xml"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    from .i18n import BROWSER_WORDS, LANGUAGES

    def current_hash() -> str | None:
        """The content hash of the static file or the words this request asks for."""
        if request.endpoint == "words":
            return BROWSER_WORDS.get((request.view_args or {}).get("language", ""))[1]
        return assets.hashes.get((request.view_args or {}).get("filename", ""))

    # Keyed by the content's hash too: a file edited while `make run` serves is compressed again.
    app.config.setdefault("COMPRESS_CACHE_KEY", lambda req: f"{req.path}@{current_hash() or ''}")
    cache = _Memory()
    app.config.setdefault("COMPRESS_CACHE_BACKEND", lambda: cache)
    compress = Compress(app)

    def words(language: str) -> Response:
        """The strings, plural forms and limits every page's scripts read (i18n.BrowserWords)."""
        if language not in LANGUAGES:
            abort(404)
        return Response(BROWSER_WORDS.get(language)[0], mimetype="text/javascript")

    app.add_url_rule("/words/<language>.js", "words", words)

    plain_static = app.view_functions["static"]

    def static(filename: str) -> Response:
        """A static file; our scripts and styles without their comments (Assets.served), with
        an ETag of their own and ranges and revalidation answered on what is served."""
        data = assets.served(filename)
        if data is None:
            return plain_static(filename=filename)
        mimetype = "text/javascript" if filename.endswith(".js") else "text/css"
        return send_file(io.BytesIO(data), mimetype=mimetype, etag=f"{assets.hashes[filename]}-slim",
                         conditional=True, max_age=None)

    app.view_functions["static"] = static

    @app.after_request
    def _static(response: Response) -> Response:
        if request.endpoint not in ("static", "words") or response.status_code != 200:
            return response
        hashed = request.args.get("v")
        if hashed and hashed == current_hash():
            response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"  # revalidated (ETag) each time
        # Read whole, so that it is compressed once and kept (a file is at most a few tens of KB).
        response.direct_passthrough = False
        opened, data = response.response, response.get_data()
        if hasattr(opened, "close"):
            opened.close()  # (the file, now read: it is replaced below)
        response.set_data(data)
        return compress.after_request(response)

    return assets


def compressed_page(html: str) -> Response | str:
    """A page that holds no token, compressed (brotli over HTTPS, gzip on the LAN) where the
    browser takes it and the request has no query string (the module's note: BREACH). The
    phone's page: 7.2 kB, 2.5 kB in gzip (0.1 s at 400 kbit/s)."""
    if request.query_string:
        return html
    coding = request.accept_encodings.best_match(["br", "gzip"])
    if coding is None:
        return html
    data = html.encode()
    packed = brotli.compress(data, quality=5) if coding == "br" else gzip.compress(data, compresslevel=6, mtime=0)
    response = Response(packed, mimetype="text/html")
    response.headers["Content-Encoding"] = coding
    response.headers["Vary"] = "Accept-Encoding"
    return response


class _Memory:
    """Flask-Compress's cache: each static file compressed once per encoding (a few files)."""

    def __init__(self) -> None:
        self.kept: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        return self.kept.get(key)

    def set(self, key: str, value: Any) -> None:
        self.kept[key] = value
