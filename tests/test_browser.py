"""Real pages in Debian's chromium, driven by Playwright, against the real server."""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path
from urllib.parse import unquote

import pytest

from facilitation import protocol as p

from .factories import op
from .server import Device, NoWebsocketProxy, start_server

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parent.parent / "instance" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (make test installs it with apt-get when run as root)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield b
        b.close()


@pytest.fixture
def server(tmp_path):
    srv = start_server(tmp_path, database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}")
    yield srv
    srv.stop()


@pytest.fixture
def room_server(tmp_path):
    """A server whose rate limits are off: one socket here plays a whole room's writing."""
    srv = start_server(tmp_path, database_url=f"sqlite:///{tmp_path / 'b.sqlite3'}", RATE_LIMITS="off")
    yield srv
    srv.stop()


def _watch_requests(context, origin: str, seen: list[str]) -> None:
    context.on("request", lambda request: seen.append(request.url))


def _facilitator_with_a_workshop(server, title: str) -> tuple[Device, dict, dict]:
    """A facilitator who made an event and a workshop through the API, its console joined:
    the device, the event's creation answer and the workshop."""
    fac = Device(server.url)
    created = fac.http.post(server.url + "/api/events", json={"title": title}, timeout=10).json()
    code = created["event"]["code"]
    workshop = fac.http.post(f"{server.url}/api/events/{code}/workshops", json={"title": "Atelier"},
                             timeout=10).json()["workshop"]
    fac.join_board(f"/{code}/console/w/{workshop['id']}", workshop["board"])
    return fac, created, workshop


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_phone_posts_projector_shows_facilitator_moves(browser, server):
    origin = server.url
    seen: list[str] = []
    console_errors: list[str] = []

    # The host creates the event and a workshop from the pages, as a person would.
    fac = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR",
                              permissions=["clipboard-read", "clipboard-write"])
    _watch_requests(fac, origin, seen)
    page = fac.new_page()
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(origin + "/")
    page.fill("#title", "Rencontre inter-associative")
    page.fill("#place", "Lyon")
    page.click("#create-event button[type=submit]")
    secret = page.text_content("#facilitator-link")
    page.click("#copy-link")
    page.wait_for_selector("#copy-link:has-text('Copié')")
    assert page.evaluate("navigator.clipboard.readText()") == secret.strip()
    code = page.text_content("#join-code").strip()
    assert "/f#" in secret and len(code) == 6
    page.click("text=Ouvrir la console")
    page.click("summary:has-text('Ajouter un atelier')")
    page.fill("#w-title", "Violences en ligne")
    page.fill("#w-question", "Quelles violences, quelles réponses ?")
    page.click("#add-workshop button[type=submit]")
    page.wait_for_selector("[data-workshop] h3:has-text('Violences en ligne')")
    page.fill("#o-name", "Cabiria")
    page.click("#add-organisation button[type=submit]")
    page.wait_for_selector("[data-organisation]")
    _shot(page, "console")
    page.click("a:has-text('▶ Violences en ligne')")
    page.wait_for_selector("#status[data-state=online]")
    board_url = page.url

    # The projector.
    projector_ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    _watch_requests(projector_ctx, origin, seen)
    projector = projector_ctx.new_page()
    projector.goto(board_url.replace("/console/w/", "/w/") + "/screen")
    projector.wait_for_selector("#status[data-state=online]")
    assert projector.text_content("#join-code").strip() == code

    # A phone joins by typing the code, signs with a pseudonym, posts a note.
    phone_ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
                                    locale="fr-FR")
    _watch_requests(phone_ctx, origin, seen)
    phone = phone_ctx.new_page()
    phone.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    phone.goto(origin + "/")
    phone.fill("#code", code.lower())
    phone.click("button:has-text('Rejoindre')")
    phone.click("#profile summary")
    phone.fill("#pseudonym", "Louve")
    phone.select_option("#organisation", label="Cabiria")
    phone.click("#profile button[type=submit]")
    phone.click("a:has-text('Violences en ligne')")
    phone.wait_for_selector("#status[data-state=online]")
    phone.fill("#note-text", "Le **harcèlement** sur les annonces")
    phone.click("#post-note")
    note = projector.wait_for_selector(".note:has-text('harcèlement')", timeout=3000)
    assert "Louve · Cabiria" in note.text_content()
    assert projector.inner_html(".note strong") == "harcèlement"
    phone.wait_for_selector(".note.mine:has-text('harcèlement')")
    assert phone.input_value("#note-text") == ""
    _shot(phone, "phone")

    # Script in a note stays text on every screen.
    phone.fill("#note-text", "<img src=x onerror=alert(1)> <script>alert(2)</script>")
    phone.click("#post-note")
    projector.wait_for_selector(".note:has-text('<script>alert(2)</script>')")
    assert projector.locator(".note img, .note script").count() == 0

    # The facilitator drags the first note into the second column, holding it by its text
    # (its buttons are not handles).
    page.wait_for_selector(".note:has-text('harcèlement')")
    page.drag_and_drop(".note:has-text('harcèlement')", "section.column:nth-child(2) ul.notes",
                       source_position={"x": 12, "y": 12})
    projector.wait_for_selector("section.column:nth-child(2) .note:has-text('harcèlement')", timeout=3000)
    # It left the first column everywhere: moved, not copied.
    for screen in (projector, page, phone):
        screen.wait_for_selector("section.column:nth-child(1) .note:has-text('harcèlement')", state="detached")
    _shot(projector, "projector")

    # The phone loses the network: what it posts waits on the phone, then goes.
    phone_ctx.set_offline(True)
    phone.wait_for_selector("#status:not([data-state=online])", timeout=10000)
    phone.fill("#note-text", "Écrit hors ligne")
    phone.click("#post-note")
    phone.wait_for_selector(".note.pending:has-text('Écrit hors ligne')")
    outbox = phone.evaluate(
        "Object.entries(localStorage).filter(([k]) => k.startsWith('relais:outbox:')).map(([, v]) => v)")
    assert [json.loads(item)["payload"]["text"] for item in outbox] == ["Écrit hors ligne"]
    phone_ctx.set_offline(False)
    projector.wait_for_selector(".note:has-text('Écrit hors ligne')", timeout=15000)
    phone.wait_for_selector(".note.mine:has-text('Écrit hors ligne')")
    assert phone.locator(".note.pending").count() == 0

    # A draft survives a reload.
    phone.fill("#note-text", "Brouillon à garder")
    phone.reload()
    assert phone.input_value("#note-text") == "Brouillon à garder"

    # The author edits her note, reloads in the middle, and finds her edit; the projector follows.
    phone.wait_for_selector("#status[data-state=online]")
    phone.locator(".note.mine:has-text('Écrit hors ligne') button:has-text('Modifier')").click()
    phone.fill(".note textarea", "Écrit hors ligne, puis corrigé")
    phone.reload()
    phone.wait_for_selector("#status[data-state=online]")
    assert phone.input_value(".note textarea") == "Écrit hors ligne, puis corrigé"
    phone.click(".note button:has-text('Enregistrer')")
    projector.wait_for_selector(".note:has-text('puis corrigé')", timeout=3000)

    # She deletes it (after confirming); it leaves every screen, and nothing else with it.
    phone.on("dialog", lambda dialog: dialog.accept())
    before = phone.locator("li.note").count()
    phone.locator(".note.mine:has-text('puis corrigé') button:has-text('Supprimer')").click()
    projector.wait_for_selector(".note:has-text('puis corrigé')", state="detached", timeout=3000)
    phone.wait_for_selector(".note:has-text('puis corrigé')", state="detached", timeout=3000)
    assert phone.locator("li.note").count() == before - 1
    assert phone.evaluate("[...document.querySelectorAll('li.note')].every((n) => n.dataset.id)")

    for ctx in (fac, projector_ctx, phone_ctx):
        ctx.close()
    outside = [u for u in seen if not u.startswith(origin) and not u.startswith("data:")]
    assert outside == [], outside
    assert not [e for e in console_errors if "ERR_INTERNET_DISCONNECTED" not in e], console_errors


def test_the_pages_work_in_english(browser, server):
    ctx = browser.new_context(locale="en-GB", extra_http_headers={"Accept-Language": "en-GB,en"})
    page = ctx.new_page()
    page.goto(server.url + "/")
    assert page.is_visible("h2:has-text('Join an event')")
    assert page.locator("html").get_attribute("lang") == "en"
    page.click("a[lang=fr]")
    page.wait_for_selector("h2:has-text('Rejoindre une rencontre')")
    assert page.locator("html").get_attribute("lang") == "fr"
    ctx.close()


def test_chromium_is_debians():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    assert shutil.which("chromium") == CHROMIUM
    assert re.search(r"/usr/bin/chromium", CHROMIUM)


# What the back row can read (issue 13): note text and authors at each projector size.
FLOORS = {(1920, 1080): (28, 18), (1280, 720): (20, 14)}


def _sixty_notes(fac, workshop, code: str) -> list[dict]:
    """60 signed notes over the workshop's three columns (a group of 6 in the first), most
    of them two lines long on a projector, some with a line break."""
    board = workshop["board"]
    columns = [c["id"] for c in workshop["columns"]]
    event_page = fac.http.get(f"{fac.url}/{code}", timeout=10).text
    token = re.search(r'name="csrf" value="([^"]+)"', event_page).group(1)
    fac.http.post(f"{fac.url}/{code}/profile", timeout=10,
                  data={"pseudonym": "Camille", "organisation": "", "csrf": token})
    group = fac.call(p.GROUP_ADD, {"op": op(), "board": board, "column": columns[0], "title": "Sécurité en ligne"})
    notes = []
    for i in range(60):
        text = f"Note {i:02d} : " + ("signalements ignorés par les plateformes" if i % 3 else
                                     "doxxing et menaces\naprès une annonce")
        answer = fac.call(p.NOTE_ADD, {"op": op(), "board": board, "column": columns[i % 3], "text": text})
        notes.append(answer["note"])
        if i < 18 and i % 3 == 0:
            fac.call(p.NOTE_MOVE, {"op": op(), "board": board, "note": answer["note"]["id"],
                                   "column": columns[0], "group": group["groups"][0]["id"], "index": 0})
    return notes


def _visible_page(page) -> dict:
    """What the projector's stage shows now: the note ids, whether any is cut off, the smallest
    text and author sizes, and the page counter."""
    return page.evaluate("""() => {
      const notes = [...document.querySelectorAll('#stage .note')];
      const cut = notes.filter((n) => { const r = n.getBoundingClientRect();
        return r.top < 0 || r.left < 0 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5
          || r.bottom > n.closest('.page-slot').getBoundingClientRect().bottom + 0.5; }).length;
      const size = (sel) => Math.min(...[...document.querySelectorAll(sel)]
        .map((n) => parseFloat(getComputedStyle(n).fontSize)));
      const qr = document.querySelector('.proj-join img').getBoundingClientRect();
      const overQr = notes.filter((n) => { const r = n.getBoundingClientRect();
        return r.right > qr.left && r.bottom > qr.top; }).length;
      return { ids: notes.map((n) => n.dataset.id), cut, text: size('#stage .note .body'),
               author: size('#stage .note .meta'), counter: document.getElementById('page-count').textContent,
               laid: document.getElementById('stage').dataset.laid, qr: Math.min(qr.width, qr.height), overQr };
    }""")


@pytest.mark.parametrize("size", list(FLOORS))
def test_the_projector_pages_sixty_notes_at_readable_sizes_and_cuts_none(browser, room_server, size):
    server = room_server
    fac, created, workshop = _facilitator_with_a_workshop(server, "Plein")
    code = created["event"]["code"]
    notes = _sixty_notes(fac, workshop, code)
    fac.call(p.BOARD_SET, {"op": op(), "board": workshop["board"], "page_seconds": 0})  # pages turned by hand here
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="fr-FR")
    page = ctx.new_page()
    page.goto(f"{server.url}/{code}/w/{workshop['id']}/screen")
    page.wait_for_selector("#status[data-state=online]")
    page.wait_for_selector("#page-count:not([hidden])")
    first = _visible_page(page)
    pages = int(re.match(r"1 / (\d+)", first["counter"]).group(1))
    assert 2 <= pages <= 6, first["counter"]
    seen: set[str] = set()
    floor_text, floor_author = FLOORS[size]
    for index in range(pages):
        shown = _visible_page(page)
        assert shown["counter"].startswith(f"{index + 1} / {pages}")
        assert shown["cut"] == 0 and shown["overQr"] == 0, shown
        assert shown["text"] >= floor_text and shown["author"] >= floor_author, shown
        assert shown["qr"] >= 180
        seen.update(shown["ids"])
        _shot(page, f"projector-{size[0]}-page{index + 1}")
        page.keyboard.press("ArrowRight")
        page.wait_for_selector(f"#page-count:text-matches('^{(index + 1) % pages + 1} /')")
    assert len(seen) == 60  # every note, within the pages
    # The facilitator sets a pace: the pages turn by themselves.
    fac.call(p.BOARD_SET, {"op": op(), "board": workshop["board"], "page_seconds": 1})
    page.wait_for_selector("#page-count:text-matches('^2 /')")
    # A note in the spotlight: at least 48 px, its line break kept.
    note = next(n for n in notes if "\n" in n["text"])
    fac.call(p.BOARD_SPOTLIGHT, {"op": op(), "board": workshop["board"], "kind": "note", "id": note["id"]})
    lit = page.wait_for_selector("#spotlight .note")
    assert float(lit.evaluate("n => parseFloat(getComputedStyle(n.querySelector('p')).fontSize)")) >= 48
    assert lit.evaluate("n => n.querySelector('p').getClientRects().length") >= 1
    assert lit.evaluate("n => n.getBoundingClientRect().height") > 2.4 * 48  # two lines: the break is kept
    _shot(page, f"projector-{size[0]}-spotlight")
    # A group in the spotlight: its six notes at 48 px, in pages when they do not all fit.
    grouped = page.evaluate("[...document.querySelectorAll('#board section.group')].map((g) => g.dataset.group)")
    fac.call(p.BOARD_SET, {"op": op(), "board": workshop["board"], "page_seconds": 0})
    fac.call(p.BOARD_SPOTLIGHT, {"op": op(), "board": workshop["board"], "kind": "group", "id": int(grouped[0])})
    page.wait_for_selector("#spotlight .spot-group .note")
    seen_in_group: set[str] = set()
    for _ in range(4):
        shown = page.evaluate("""() => [...document.querySelectorAll('#spotlight .spot-stage .note')].map((n) => {
            const r = n.getBoundingClientRect();
            const stage = n.closest('.spot-stage').getBoundingClientRect();
            return { id: n.dataset.id, size: parseFloat(getComputedStyle(n).fontSize),
                     cut: r.bottom > stage.bottom + 0.5 || r.bottom > innerHeight };
        })""")
        assert shown and all(n["size"] >= 48 and not n["cut"] for n in shown), shown
        seen_in_group.update(n["id"] for n in shown)
        if not _:
            _shot(page, f"projector-{size[0]}-spotlight-group")
        page.keyboard.press("ArrowRight")
    assert len(seen_in_group) == 6
    # 20 results, revealed: the projector shows them at once, rendered, every one reachable.
    board = workshop["board"]
    fac.call(p.BOARD_SPOTLIGHT, {"op": op(), "board": board})
    fac.call(p.BOARD_SET, {"op": op(), "board": board, "phase": "vote", "page_seconds": 0})
    vote = fac.call(p.VOTE_OPEN, {"op": op(), "board": board, "budget": 20, "cap": 1, "hide_results": False})["vote"]
    for note in notes[:20]:
        assert fac.call(p.VOTE_CAST, {"op": op(), "board": board, "vote": vote["id"], "target": note["id"]})["ok"]
    page.wait_for_selector("#spotlight", state="hidden")
    page.wait_for_selector("#vote-progress:has-text('20 points')")  # every dot counted
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")  # laid out
    page.wait_for_selector("#stage .rank")
    ranked: set[str] = set()
    total = int(re.match(r"\d+ / (\d+)", page.text_content("#page-count")).group(1))
    for _ in range(total):
        rows = page.evaluate("""() => [...document.querySelectorAll('#stage .rank')].map((r) => {
            const box = r.getBoundingClientRect();
            return { id: r.dataset.id, size: parseFloat(getComputedStyle(r).fontSize),
                     cut: box.bottom > innerHeight + 0.5, html: !!r.querySelector('.body') };
        })""")
        assert all(not r["cut"] and r["size"] >= floor_text and r["html"] for r in rows), rows
        ranked.update(r["id"] for r in rows)
        page.keyboard.press("ArrowRight")
    assert ranked == {str(n["id"]) for n in notes[:20]}
    ctx.close()
    fac.close()


def test_the_facilitator_moves_a_note_into_a_group_with_a_finger(browser, server):
    from facilitation import protocol as p

    from .factories import op

    fac, created, workshop = _facilitator_with_a_workshop(server, "Tablette")
    code = created["event"]["code"]
    fac.call(p.NOTE_ADD, {"op": op(), "board": workshop["board"], "column": workshop["columns"][0]["id"],
                          "text": "À déplacer au doigt"})
    group = fac.call(p.GROUP_ADD, {"op": op(), "board": workshop["board"], "column": workshop["columns"][2]["id"],
                                   "title": "Sécurité"})["groups"][0]

    ctx = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True, is_mobile=True)
    page = ctx.new_page()
    page.goto(server.url + "/f#" + created["facilitator_url"].split("/f#")[1])  # log in as the facilitator
    page.wait_for_url("**/console")
    page.goto(f"{server.url}/{code}/console/w/{workshop['id']}")
    note = page.wait_for_selector(".note:has-text('À déplacer au doigt')")
    page.wait_for_selector("#status[data-state=online]")
    page.locator("#board").scroll_into_view_if_needed()  # below the panel on a tablet-sized screen
    target = page.locator(f"section.group[data-group='{group['id']}'] ul.notes")  # into a group, by finger
    start = note.bounding_box()
    end = target.bounding_box()
    cdp = ctx.new_cdp_session(page)
    x0, y0 = start["x"] + 20, start["y"] + 10
    x1, y1 = end["x"] + end["width"] / 2, end["y"] + 20

    def touch(kind: str, x: float, y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    touch("touchStart", x0, y0)
    page.wait_for_timeout(200)  # a long press (over SortableJS's 150 ms) starts the drag; a tap still scrolls
    for i in range(1, 11):
        touch("touchMove", x0 + (x1 - x0) * i / 10, y0 + (y1 - y0) * i / 10)
        page.wait_for_timeout(30)
    touch("touchEnd", x1, y1)
    moved: list[dict] = []
    for _ in range(50):
        moved = [d for n, d in fac.events if n == p.NOTE_MOVED]
        if moved:
            break
        page.wait_for_timeout(50)  # polled until the move arrives
    assert moved and moved[0]["note"]["column"] == workshop["columns"][2]["id"]
    assert moved[0]["note"]["group"] == group["id"]
    ctx.close()
    fac.close()


def test_a_note_written_while_the_server_is_down_is_sent_when_it_is_back(browser, tmp_path):
    database = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    server = start_server(tmp_path, database_url=database)
    try:
        import requests

        http = requests.Session()
        code = http.post(server.url + "/api/events", json={"title": "Coupure"}, timeout=10).json()["event"]["code"]
        workshop = http.post(f"{server.url}/api/events/{code}/workshops", json={"title": "A"},
                             timeout=10).json()["workshop"]
        ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
        phone = ctx.new_page()
        phone.goto(f"{server.url}/{code}/w/{workshop['id']}")
        phone.wait_for_selector("#status[data-state=online]")

        server.crash()  # the laptop's server dies
        phone.wait_for_selector("#status[data-state=reconnecting]", timeout=10000)
        phone.fill("#note-text", "Écrite pendant la panne")
        phone.click("#post-note")
        phone.wait_for_selector(".note.pending:has-text('pendant la panne')")

        server = start_server(tmp_path, database_url=database, port=server.port)
        phone.wait_for_selector(".note.mine:has-text('pendant la panne')", timeout=20000)
        assert phone.locator(".note.pending").count() == 0
        from sqlalchemy import create_engine, select
        from sqlalchemy.orm import Session

        from facilitation.models import Note

        engine = create_engine(database)
        with Session(engine) as db:
            assert db.scalars(select(Note.text)).all() == ["Écrite pendant la panne"]
        engine.dispose()
        ctx.close()
        http.close()
    finally:
        server.stop()


def test_two_tabs_offline_keep_both_of_their_notes(browser, server):
    import requests

    http = requests.Session()
    code = http.post(server.url + "/api/events", json={"title": "Onglets"}, timeout=10).json()["event"]["code"]
    workshop = http.post(f"{server.url}/api/events/{code}/workshops", json={"title": "A"},
                         timeout=10).json()["workshop"]
    ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    tabs = [ctx.new_page(), ctx.new_page()]
    for tab in tabs:
        tab.goto(f"{server.url}/{code}/w/{workshop['id']}")
        tab.wait_for_selector("#status[data-state=online]")
    ctx.set_offline(True)
    for i, tab in enumerate(tabs):
        tab.wait_for_selector("#status:not([data-state=online])", timeout=10000)
        tab.fill("#note-text", f"Onglet {i}")
        tab.click("#post-note")
    keys = tabs[0].evaluate("Object.keys(localStorage).filter((k) => k.startsWith('relais:outbox:'))")
    assert len(keys) == 2
    ctx.set_offline(False)
    for i, tab in enumerate(tabs):
        tab.wait_for_selector(f".note.mine:has-text('Onglet {i}')", timeout=15000)
        tab.wait_for_selector(f".note:has-text('Onglet {1 - i}')", timeout=15000)
    assert tabs[0].evaluate("Object.keys(localStorage).filter((k) => k.startsWith('relais:outbox:'))") == []
    ctx.close()
    http.close()


def test_a_phone_page_is_light_and_a_reload_catches_up_from_the_board_it_kept(browser, server):
    """Hashed, compressed, immutable static files; the board compressed on join; a reload shows
    the kept board and asks only for the changes since (not the whole board again)."""
    fac, created, workshop = _facilitator_with_a_workshop(server, "Léger")
    code = created["event"]["code"]
    for i in range(30):
        assert fac.call(p.NOTE_ADD, {"op": op(), "board": workshop["board"], "column": workshop["columns"][0]["id"],
                                     "text": f"Constat numéro {i} : les annonces disparaissent sans prévenir"})["ok"]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    sent: list[str] = []
    answers: list[str] = []
    sockets: list[str] = []
    page.on("websocket", lambda ws: (sockets.append(ws.url), ws.on("framesent", lambda f: sent.append(str(f))),
                                     ws.on("framereceived", lambda f: answers.append(str(f)))))
    statics: list = []
    polled: list = []  # long-polling's requests (where a websocket could not open) carry frames too
    page.on("response", lambda r: statics.append(r) if "/static/" in r.url else
            polled.append(r) if "/socket.io/" in r.url else None)
    page.on("request", lambda r: sent.append(r.post_data or "") if "/socket.io/" in r.url else None)
    page.goto(f"{server.url}/{code}/w/{workshop['id']}")
    page.wait_for_selector("#status[data-state=online]")
    assert page.locator(".note").count() == 30
    # One socket, opened by the page's first module (early.js) before the others had loaded.
    assert len(sockets) == 1 and "transport=websocket" in sockets[0], sockets
    assert page.evaluate("document.querySelectorAll('script[data-early]').length") == 1
    scripts = [r for r in statics if r.url.endswith(".js") or ".js?v=" in r.url]
    assert scripts and all("?v=" in r.url for r in scripts), [r.url for r in scripts]
    for response in scripts:
        headers = response.headers
        assert headers.get("content-encoding") in ("gzip", "br") and "immutable" in headers.get("cache-control", "")
    # The join rides in the websocket's address (two round trips less): no connect, no board:join is sent.
    joins = [unquote(s) for s in sockets if "join=" in s]
    assert len(joins) == 1 and '"pack":"deflate"' in joins[0] and '"since"' not in joins[0], sockets
    assert not [f for f in sent if f.startswith("40") or '"board:join"' in f], sent

    fac.call(p.NOTE_ADD, {"op": op(), "board": workshop["board"], "column": workshop["columns"][0]["id"],
                          "text": "Écrite pendant que la page était ouverte"})
    page.wait_for_selector(".note:has-text('pendant que la page')")
    sent.clear()
    answers.clear()
    statics.clear()
    polled.clear()
    sockets.clear()
    page.reload()
    page.wait_for_selector("#status[data-state=online]")
    assert page.locator(".note").count() == 31
    joins = [unquote(s) for s in sockets if "join=" in s]
    assert len(joins) == 1 and '"since":' in joins[0], sockets  # from the board it kept
    assert not [f for f in sent if f.startswith("40") or '"board:join"' in f], sent
    answers += [r.text() for r in polled if r.request.method == "GET"]
    assert not [a for a in answers if '"board":"' in a or '"notes":[' in a]  # no board sent again
    # Scripts come from the browser's cache: a reload sends no request for a hashed file
    # (or, if it does, the answer is the cached file).
    assert all(r.status == 200 for r in statics if "?v=" in r.url)
    fac.close()
    context.close()


def test_the_page_holds_its_board_before_the_socket_io_client_has_loaded(browser, server):
    """The page's opener carries the join in its websocket's address: the server connects that
    socket with it and answers at once. Here the Socket.IO client is held back until the
    board's answer has arrived; a page that waited for the client to connect or join would
    never get it. Neither Socket.IO's connect nor board:join is sent; on a reload the join
    carries the kept board's seq; the projector does the same."""
    fac, created, workshop = _facilitator_with_a_workshop(server, "Connect avant le client")
    code = created["event"]["code"]
    fac.call(p.NOTE_ADD, {"op": op(), "board": workshop["board"], "column": workshop["columns"][0]["id"],
                          "text": "Déjà là avant la page"})
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    sent: list[str] = []
    sockets: list[str] = []
    answered: list[bool] = []
    held: list = []

    def heard(payload) -> None:
        if isinstance(payload, str) and re.match(r'4(2|5\d+-)\["board:joined",\{"ok":true', payload):
            answered.append(True)
            while held:
                held.pop().continue_()

    def client(route) -> None:
        if answered:
            route.continue_()
        else:
            held.append(route)  # until the board's answer has come

    def watch(ws) -> None:
        sockets.append(unquote(ws.url))
        ws.on("framesent", lambda f: sent.append(str(f)))
        ws.on("framereceived", heard)

    context.route("**/vendor/socket.io.esm.min.js*", client)
    page = context.new_page()
    page.on("websocket", watch)
    page.goto(f"{server.url}/{code}/w/{workshop['id']}")
    page.wait_for_selector("#status[data-state=online]")
    assert page.locator(".note:has-text('Déjà là avant la page')").count() == 1
    assert len(sockets) == 1 and '&join={"board":' in sockets[0] and '"pack":"deflate"' in sockets[0], sockets
    assert '"since"' not in sockets[0]
    assert not [f for f in sent if f.startswith("40") or '"board:join"' in f], sent

    fac.call(p.NOTE_ADD, {"op": op(), "board": workshop["board"], "column": workshop["columns"][0]["id"],
                          "text": "Écrite avant le rechargement"})
    page.wait_for_selector(".note:has-text('avant le rechargement')")
    seq = page.evaluate("JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage)"
                        ".find((k) => k.startsWith('relais:kept:')))).seq")
    sent.clear()
    sockets.clear()
    answered.clear()
    page.reload()
    page.wait_for_selector("#status[data-state=online]")
    assert len(sockets) == 1 and f'"since":{seq}' in sockets[0], sockets
    assert not [f for f in sent if f.startswith("40") or '"board:join"' in f], sent
    page.fill("#note-text", "Écrite après le rechargement")
    page.click("#post-note")
    fac.wait_until(lambda heard: any(name == p.NOTE_ADDED and "après le rechargement" in str(data.get("note"))
                                     for name, data in heard))

    sockets.clear()
    screen = context.new_page()
    screen.on("websocket", watch)
    screen.goto(f"{server.url}/{code}/w/{workshop['id']}/screen")
    screen.wait_for_selector("#status[data-state=online]")
    screen.wait_for_selector(".note:has-text('après le rechargement')", state="attached")  # (on its page)
    assert len(sockets) == 1 and '"view":"projector"' in sockets[0], sockets
    fac.close()
    context.close()


def test_a_phone_joins_the_usual_way_when_its_connect_is_not_answered(browser, server):
    """A server that does not answer the join a connect carries (an older version): once
    connected, the page sends board:join itself, and works."""
    fac, created, workshop = _facilitator_with_a_workshop(server, "Sans réponse au connect")
    code = created["event"]["code"]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    sent: list[str] = []
    dropped: list[str] = []

    def relay(ws) -> None:
        upstream = ws.connect_to_server()
        parts = [0]  # binary parts still to drop: a compressed board follows its answer's frame

        def down(message) -> None:
            if isinstance(message, str) and re.match(r'4(2|5(\d+)-)\["board:joined"', message):
                dropped.append(message)  # what an older server would not have sent
                parts[0] = int(message[2:message.index("-")]) if message.startswith("45") else 0
            elif not isinstance(message, str) and parts[0]:
                parts[0] -= 1
            else:
                ws.send(message)

        def up(message) -> None:
            sent.append(message if isinstance(message, str) else "")
            upstream.send(message)

        upstream.on_message(down)
        ws.on_message(up)

    page.route_web_socket("**/socket.io/**", relay)
    page.goto(f"{server.url}/{code}/w/{workshop['id']}")
    page.wait_for_selector("#status[data-state=online]")
    assert len(dropped) == 1 and not [f for f in sent if f.startswith("40")], sent  # (the join was in the address)
    assert [f for f in sent if '"board:join"' in f], sent  # joined once connected
    page.fill("#note-text", "Écrite sans réponse au connect")
    page.click("#post-note")
    fac.wait_until(lambda heard: any(name == p.NOTE_ADDED and "sans réponse" in json.dumps(data, ensure_ascii=False)
                                     for name, data in heard))
    fac.close()
    context.close()


def test_a_phone_whose_websocket_is_refused_works_over_long_polling(browser, server):
    """The page starts on the websocket (three round trips fewer on a slow wifi); behind a
    proxy that refuses websockets, the phone connects by long-polling and its note arrives."""
    fac, created, workshop = _facilitator_with_a_workshop(server, "Sans websocket")
    code = created["event"]["code"]
    proxy = NoWebsocketProxy(int(server.url.rsplit(":", 1)[1]))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    polled: list[str] = []
    page.on("request", lambda r: polled.append(r.url) if "/socket.io/" in r.url else None)
    page.goto(f"{proxy.url}/{code}/w/{workshop['id']}")
    page.wait_for_selector("#status[data-state=online]")
    assert proxy.refused >= 1  # the websocket was tried first
    assert any("transport=polling" in url for url in polled)
    page.fill("#note-text", "Écrite sans websocket")
    page.click("#post-note")
    page.wait_for_selector(".note:has-text('Écrite sans websocket')")

    def on_the_board() -> bool:
        answer = fac.call(p.BOARD_JOIN, {"board": workshop["board"], "view": "console"})
        return "Écrite sans websocket" in json.dumps(answer, ensure_ascii=False)

    deadline = time.monotonic() + 10
    while not on_the_board() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert on_the_board()
    fac.close()
    context.close()
    proxy.close()


SMALL_TARGETS = """() => [...document.querySelectorAll('a, button, select, textarea, input, summary')]
  .filter((e) => e.offsetParent !== null || e.type === 'radio' || e.type === 'checkbox')
  .filter((e) => !e.closest('p:not(.small), li .body'))  /* links in running text: the rule's exception */
  .map((e) => {
    const target = e.type === 'radio' || e.type === 'checkbox' ? (e.closest('label') || e) : e;
    const box = target.getBoundingClientRect();
    return [e.outerHTML.slice(0, 80), Math.round(box.width), Math.round(box.height)];
  })
  .filter(([, w, h]) => w > 0 && (w < 44 || h < 44))"""


def test_every_tap_target_of_a_phone_is_at_least_44_pixels(browser, server):
    fac, created, workshop = _facilitator_with_a_workshop(server, "Rencontre")
    code = created["event"]["code"]
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="fr-FR", has_touch=True)
    page = context.new_page()
    for path in ("/", f"/{code}", f"/{code}/w/{workshop['id']}"):
        page.goto(server.url + path)
        if "/w/" in path:
            page.wait_for_selector("#status[data-state=online]")
        assert page.evaluate(SMALL_TARGETS) == [], path
    context.close()
    fac.close()


def test_axe_finds_nothing_serious_on_any_screen(browser, server):
    """axe-core (bundled with axe-playwright-python) on the home, the event, the phone in each
    step, the projector, the console and the facilitator's board; notes of every colour carry
    a link (the text contrast on each colour is checked with them)."""
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    axe = axe_module.Axe()
    fac, created, workshop = _facilitator_with_a_workshop(server, "Rencontre")
    code, token = created["event"]["code"], created["facilitator_url"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    board = workshop["board"]
    for color in ("yellow", "pink", "blue", "green", "orange", "purple"):
        assert fac.call(p.NOTE_ADD, {"op": op(), "board": board, "column": workshop["columns"][0]["id"],
                                     "text": f"Voir [le guide](https://example.org/{color}), **{color}**",
                                     "color": color})["ok"]
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = context.new_page()
    wide = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR").new_page()
    found: dict[str, list] = {}

    def check(name: str, path: str, ready: str, on=None) -> None:
        """axe on one screen, and its screenshot (instance/screenshots/screen-*.png)."""
        screen = on or page
        screen.goto(server.url + path)
        screen.wait_for_selector(ready, state="attached")  # (the projector hides its status once online)
        violations = axe.run(screen).response["violations"]
        found[name] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations
                       if v["impact"] in ("serious", "critical")]
        _shot(screen, "screen-" + re.sub(r"\W+", "-", name).strip("-"))

    check("home", "/", "h1")
    check("event", f"/{code}", "h1")
    phone_page = f"/{code}/w/{workshop['id']}"
    for step in ("collect", "group", "vote", "discuss", "closed"):
        assert fac.call(p.BOARD_SET, {"op": op(), "board": board, "phase": step})["ok"]
        if step == "vote":
            assert fac.call(p.VOTE_OPEN, {"op": op(), "board": board, "budget": 3, "cap": 1})["ok"]
        check(f"phone, {step}", phone_page, "#status[data-state=online]")
        check(f"projector, {step}", f"{phone_page}/screen", "#status[data-state=online]", on=wide)
    page.goto(f"{server.url}/f#{token}")  # the facilitator's secret link, then their screens
    page.wait_for_url("**/console")
    check("console", f"/{code}/console", "h1")
    check("facilitator board", f"/{code}/console/w/{workshop['id']}", "#status[data-state=online]")
    assert {name: v for name, v in found.items() if v} == {}
    wide.context.close()
    context.close()
    fac.close()


def test_the_longest_notes_are_never_cut_on_a_small_projector(browser, server):
    """Five notes of 500 characters (the limit) at 1280x720: each is whole on its page, the
    one that would land above the QR corner goes to the next full-height slot."""
    fac, created, workshop = _facilitator_with_a_workshop(server, "Long")
    board, column = workshop["board"], workshop["columns"][0]["id"]
    ids = []
    for i in range(5):
        text = (f"Note longue {i} : " + "des violences en ligne qui durent des semaines, " * 12)[:500]
        answer = fac.call(p.NOTE_ADD, {"op": op(), "board": board, "column": column, "text": text})
        ids.append(str(answer["note"]["id"]))
    fac.call(p.BOARD_SET, {"op": op(), "board": board, "page_seconds": 0})
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    page = ctx.new_page()
    page.goto(f"{server.url}/{created['event']['code']}/w/{workshop['id']}/screen")
    page.wait_for_selector("#page-count:not([hidden])")
    pages = int(re.match(r"1 / (\d+)", page.text_content("#page-count")).group(1))
    seen: set[str] = set()
    for _ in range(pages):
        shown = _visible_page(page)
        assert shown["cut"] == 0 and shown["overQr"] == 0, shown
        seen.update(shown["ids"])
        page.keyboard.press("ArrowRight")
    assert seen == set(ids)
    ctx.close()
    fac.close()


def test_the_keyboard_alone_moves_a_note_across_columns_and_into_a_group(browser, room_server):
    """On a 1366x768 laptop: a note is reached with Tab, moved to the next column with
    Alt+→, then into a group through its menu's "Move to…" list; 25 notes fit the board in
    at most two screens."""
    server = room_server
    fac, created, workshop = _facilitator_with_a_workshop(server, "Clavier")
    code, board = created["event"]["code"], workshop["board"]
    columns = [c["id"] for c in workshop["columns"]]
    first = fac.call(p.NOTE_ADD, {"op": op(), "board": board, "column": columns[0],
                                  "text": "À déplacer au clavier"})["note"]
    group = fac.call(p.GROUP_ADD, {"op": op(), "board": board, "column": columns[2], "title": "Sécurité"})["groups"][0]
    for i in range(24):
        fac.call(p.NOTE_ADD, {"op": op(), "board": board, "column": columns[i % 4],
                              "text": f"Note {i} : une phrase comme on en écrit en atelier"})
    ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    page = ctx.new_page()
    page.goto(server.url + "/f#" + created["facilitator_url"].split("/f#")[1])
    page.wait_for_url("**/console")
    page.goto(f"{server.url}/{code}/console/w/{workshop['id']}")
    page.wait_for_selector("#status[data-state=online]")
    page.wait_for_selector(".note:has-text('Note 23')")
    _shot(page, "console-1366")
    height = page.evaluate("document.getElementById('board').getBoundingClientRect().bottom + scrollY")
    assert height <= 2 * 768, height
    # Every note has one menu, with spotlight and action on single notes too.
    assert page.locator("#board .note .note-menu").count() == 25
    for _ in range(120):  # Tab through the page until the note has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement?.dataset?.id") == str(first["id"]):
            break
    else:
        raise AssertionError("Tab never reached the note")
    page.keyboard.press("Alt+ArrowRight")
    fac.wait_until(lambda events: any(n == p.NOTE_MOVED and d["note"]["id"] == first["id"]
                                      and d["note"]["column"] == columns[1] for n, d in events))
    page.wait_for_selector(f"section.column[data-column='{columns[1]}'] .note[data-id='{first['id']}']")
    assert page.evaluate("document.activeElement?.dataset?.id") == str(first["id"])  # the focus followed
    page.keyboard.press("Tab")  # its menu
    page.keyboard.press("Enter")
    page.wait_for_selector(f".note[data-id='{first['id']}'] .note-menu[open]")
    menu = page.locator(f".note[data-id='{first['id']}'] .note-menu")
    assert menu.locator("button", has_text="Mettre en avant").count() == 1
    assert menu.locator("button", has_text="En faire une action").count() == 1
    page.keyboard.press("Tab")  # the "Move to…" list
    options = page.evaluate("[...document.activeElement.options].map((o) => o.value)")
    for _ in range(options.index(f"g:{group['id']}")):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")  # "Move"
    page.keyboard.press("Enter")
    fac.wait_until(lambda events: any(n == p.NOTE_MOVED and d["note"]["id"] == first["id"]
                                      and d["note"]["group"] == group["id"] for n, d in events))
    page.wait_for_selector(f"section.group[data-group='{group['id']}'] .note[data-id='{first['id']}']")
    assert "Sécurité" in page.text_content("#board-live")
    # Renaming the group happens in the page, not in a prompt().
    page.locator(f"section.group[data-group='{group['id']}'] .group-menu summary").click()
    page.locator(f"section.group[data-group='{group['id']}'] button", has_text="Renommer").click()
    field = page.locator(f"section.group[data-group='{group['id']}'] input[name=title]")
    field.fill("Sécurité numérique")
    field.press("Enter")
    page.wait_for_selector(f"section.group[data-group='{group['id']}'] h3:has-text('Sécurité numérique')")
    ctx.close()
    fac.close()
