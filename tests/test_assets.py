"""Static files' hashed URLs: a file edited while the server runs gets a new URL, and the
folder is looked at once a second at most, not for every URL of every page."""

from __future__ import annotations

from pathlib import Path

from facilitation import assets as assets_module
from facilitation.assets import Assets


def test_an_edited_file_gets_a_new_url_within_a_second_and_pages_do_not_stat_every_file(tmp_path, monkeypatch):
    (tmp_path / "js").mkdir()
    script = tmp_path / "js" / "phone.js"
    script.write_text("export const a = 1;\n")
    (tmp_path / "app.css").write_text("body {}\n")
    clock = [1000.0]
    monkeypatch.setattr(assets_module.time, "monotonic", lambda: clock[0])
    assets = Assets(tmp_path)
    looks = []
    real_files = assets._files
    monkeypatch.setattr(assets, "_files", lambda: looks.append(1) or real_files())
    assets.refresh()
    first = assets.hashes["js/phone.js"]

    script.write_text("export const a = 2;\n")
    for _ in range(12):  # a page's URLs, within the same second
        assets.chain("js/phone.js")
        assets.refresh()
    assert len(looks) == 1 and assets.hashes["js/phone.js"] == first

    clock[0] += 1.0
    assets.refresh()
    assert len(looks) == 2 and assets.hashes["js/phone.js"] != first


def test_a_page_asks_the_disk_a_few_times_not_hundreds(app, world, monkeypatch):
    stats = []
    real = Path.stat
    monkeypatch.setattr(Path, "stat", lambda self, *a, **k: stats.append(self) or real(self, *a, **k))
    client = app.test_client()
    for _ in range(3):
        assert client.get(f"/{world.code}/w/{world.workshops[0]}").status_code == 200
    assert len(stats) < 30, len(stats)  # was some 650 a page


def test_the_scripts_words_come_once_per_language_kept_and_compressed(app, world):
    """i18n.BrowserWords: the strings every script reads are a file of their own, named by
    their hash, not 12.7 kB inline in every page."""
    import gzip
    import json
    import re

    from flask_babel import force_locale

    from facilitation.i18n import js_plurals, js_strings

    client = app.test_client()
    page = client.get(f"/{world.code}/w/{world.workshops[0]}", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert 'id="i18n"' not in html and len(html.encode()) < 9000
    url = re.search(r'<script defer src="(/words/fr\.js\?v=[0-9a-f]{12})"></script>', html).group(1)
    assert html.index(url) < html.index('type="module"')  # deferred: it runs before the modules

    kept = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert kept.status_code == 200 and kept.mimetype == "text/javascript"
    assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert kept.headers["Content-Encoding"] == "gzip"
    text = gzip.decompress(kept.data).decode()
    assert text.startswith("window.RELAIS_WORDS=") and text.endswith(";\n")
    words = json.loads(text[len("window.RELAIS_WORDS="):-2])
    with app.test_request_context(), force_locale("nl"):
        dutch = js_strings(), js_plurals()
    with app.test_request_context(), force_locale("fr"):
        assert (words["strings"], words["plurals"]) == (js_strings(), js_plurals()) != dutch
    assert words["limits"]["note"]["text"]["maxLength"] == 500

    # In Dutch, the Dutch file; an old or unknown hash is revalidated; an unknown language is not served.
    dutch_page = client.get(f"/{world.code}/w/{world.workshops[0]}", headers={"Accept-Language": "nl"})
    dutch_url = re.search(r'src="(/words/nl\.js\?v=[0-9a-f]{12})"', dutch_page.get_data(as_text=True)).group(1)
    assert json.loads(client.get(dutch_url).get_data(as_text=True)[len("window.RELAIS_WORDS="):-2])["strings"] == \
        dutch[0]
    assert client.get("/words/fr.js?v=000000000000").headers["Cache-Control"] == "no-cache"
    assert client.get("/words/de.js").status_code == 404


def test_a_phone_page_opens_its_socket_first_and_asks_for_what_that_needs_first(app, world):
    """early.js opens the page's socket as soon as it and the Socket.IO client have loaded: it
    comes right after the import map (async), and the client is the first module asked for
    (a browser has six connections; it came tenth, and the websocket 0.6 s later on a slow
    wifi)."""
    import re

    html = app.test_client().get(f"/{world.code}/w/{world.workshops[0]}").get_data(as_text=True)
    scripts = re.findall(r'<script type="module"[^>]*src="/static/([^"?]+)|rel="modulepreload" href="/static/([^"?]+)',
                         html)
    order = [a or b for a, b in scripts]
    assert order[:2] == ["js/early.js", "vendor/socket.io.esm.min.js"], order
    assert order[-1] == "js/phone.js" and order.count("js/early.js") == 1
    # Its connect carries the page's join (the board, the view), HTML-escaped in the attribute.
    board = world.boards[0]
    assert (f'<script type="module" async data-early="{{&#34;board&#34;:{board},&#34;view&#34;:&#34;phone&#34;}}" '
            'src="/static/js/early.js?v=') in html
    assert html.index('type="importmap"') < html.index("data-early")  # the map comes before any module
    # The opener, before the stylesheet, sends that join as soon as its websocket is open.
    opener = f'<script data-join="{{&#34;board&#34;:{board},&#34;view&#34;:&#34;phone&#34;}}">(()=>'
    assert opener in html and html.index(opener) < html.index('rel="stylesheet"')
    screen = app.test_client().get(f"/{world.code}/w/{world.workshops[0]}/screen").get_data(as_text=True)
    assert f'data-early="{{&#34;board&#34;:{board},&#34;view&#34;:&#34;projector&#34;}}"' in screen  # the projector too
    assert f'data-join="{{&#34;board&#34;:{board},&#34;view&#34;:&#34;projector&#34;}}"' in screen
    owner = app.test_client()
    assert owner.get(f"/f/{world.token}").status_code == 302
    console = owner.get(f"/{world.code}/console/w/{world.workshops[0]}").get_data(as_text=True)
    assert 'type="module"' in console and "data-early" not in console  # it opens its socket later, as before


def test_the_phone_and_projector_pages_are_compressed_only_with_nothing_of_the_request_in_them(app, world):
    """A room loads the phone's page at once on the venue's wifi: it is sent compressed (it
    holds no token). Not with a query string, which the page writes back in its links: beside
    the participant's pseudonym, that would let an attacker guess it from the size (BREACH).
    Pages with a token (the console) are never compressed."""
    import gzip

    import brotli

    client = app.test_client()
    phone, screen = f"/{world.code}/w/{world.workshops[0]}", f"/{world.code}/w/{world.workshops[0]}/screen"
    for path in (phone, screen):
        plain = client.get(path)
        assert "Content-Encoding" not in plain.headers  # (a browser that asks for none)
        zipped = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
        assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
        assert zipped.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]
        page = gzip.decompress(zipped.get_data())
        assert page == plain.get_data() and len(zipped.get_data()) < len(page) / 2
        best = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
        assert best.headers["Content-Encoding"] == "br" and brotli.decompress(best.get_data()) == plain.get_data()
        asked = client.get(f"{path}?guess=Signé", headers={"Accept-Encoding": "gzip"})
        assert asked.status_code == 200 and "Content-Encoding" not in asked.headers
        assert "guess" in asked.get_data(as_text=True)  # (written back in the language links)
    owner = app.test_client()
    assert owner.get(f"/f/{world.token}").status_code == 302
    console = owner.get(f"/{world.code}/console/w/{world.workshops[0]}", headers={"Accept-Encoding": "gzip, br"})
    assert console.status_code == 200 and "Content-Encoding" not in console.headers


def test_the_vendored_socket_io_client_reads_the_binary_parts_a_python_server_sends():
    """A compressed board travels as a binary part of its answer, named by a placeholder
    `{"_placeholder": true, "num": 0}` (python-socketio). The ESM build of Socket.IO 4.8.1 had
    mangled that key (socketio/socket.io#5215): the client would hand the page the placeholder
    instead of the bytes. It is patched back; an update of the file must keep it so."""
    client = (Path(__file__).parent.parent / "static" / "vendor" / "socket.io.esm.min.js").read_text()
    assert "!0===t._placeholder)" in client and "{_placeholder:!0,num:" in client
    assert "{et:!0,num:" not in client and "!0===t.et)" not in client
