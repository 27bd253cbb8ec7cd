"""The meeting in chromium, against the real server: the plenary screen follows a vote
revealed in a workshop, the tour de table advances on the projector and on a phone from the
console, and the bilan prints to a clean PDF (a page per workshop, bar charts, nothing fetched
from elsewhere)."""

from __future__ import annotations

import io
import re

import pytest

from facilitation import create_app

from .conftest import app_config
from .factories import make_meeting
from .server import start_server
from .test_browser import SHOTS, _shot, browser  # noqa: F401 - fixture used by name

pytestmark = pytest.mark.browser
FR = {"locale": "fr-FR"}


@pytest.fixture
def meeting_server(tmp_path):
    """The real server on a database that already holds a whole meeting (votes closed, not revealed)."""
    url = f"sqlite:///{tmp_path / 'meeting.sqlite3'}"
    app = create_app(app_config(tmp_path / "setup", url))
    meeting = make_meeting(app, organisations=13, workshops=3, reveal=False)
    app.extensions["relais.engine"].dispose()
    server = start_server(tmp_path, database_url=url)
    yield server, meeting
    server.stop()


def _outside(origin: str, seen: list[str]) -> list[str]:
    return [u for u in seen if not u.startswith(origin) and not u.startswith(("data:", "blob:"))]


def _facilitator(browser, origin: str, meeting, seen: list[str], **options):  # noqa: F811
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **FR, **options)
    context.on("request", lambda r: seen.append(r.url))
    page = context.new_page()
    page.goto(f"{origin}/f/{meeting.token}")
    return context, page


def test_a_vote_revealed_in_a_workshop_appears_on_the_plenary_screen(browser, meeting_server):  # noqa: F811
    server, meeting = meeting_server
    origin, seen = server.url, []
    plenary_ctx = browser.new_context(viewport={"width": 1280, "height": 720}, **FR)
    plenary_ctx.on("request", lambda r: seen.append(r.url))
    screen = plenary_ctx.new_page()
    screen.goto(f"{origin}/{meeting.code}/screen")
    screen.wait_for_selector("#status[data-state=online]")
    _, console = _facilitator(browser, origin, meeting, seen)
    console.goto(f"{origin}/{meeting.code}/console")
    console.wait_for_selector("#event-status[data-state=online]")
    # The console puts workshop 2 on the plenary screen; nothing is revealed there yet.
    console.select_option("#plenary-show", str(meeting.workshops[1]))
    screen.wait_for_selector("#plenary-title:has-text('Outils numériques')")
    assert screen.text_content("#plenary-place").strip() == "2 / 3"
    assert "Aucun vote révélé" in screen.text_content("#plenary-rankings")
    loaded = screen.evaluate("performance.getEntriesByType('navigation')[0].startTime")

    # The workshop's facilitator reveals the results on its own board.
    console.goto(f"{origin}/{meeting.code}/console/w/{meeting.workshops[1]}")
    console.wait_for_selector("#status[data-state=online]")
    console.click("#vote-reveal")
    screen.wait_for_selector("#plenary-rankings .rank", timeout=5000)
    ranks = screen.locator("#plenary-rankings .rank")
    assert 1 <= ranks.count() <= 5
    assert "points" in ranks.first.text_content() and "atelier Outils numériques" in ranks.first.text_content()
    assert screen.evaluate("performance.getEntriesByType('navigation')[0].startTime") == loaded  # no reload
    for pseudonym in meeting.pseudonyms:
        assert pseudonym not in screen.content()
    _shot(screen, "plenary")
    assert _outside(origin, seen) == []


def test_the_round_advances_on_the_projector_and_a_phone_from_the_console(browser, meeting_server):  # noqa: F811
    server, meeting = meeting_server
    origin, seen = server.url, []
    _, console = _facilitator(browser, origin, meeting, seen)
    console.goto(f"{origin}/{meeting.code}/console")
    console.wait_for_selector("#event-status[data-state=online]")
    projector_ctx = browser.new_context(viewport={"width": 1280, "height": 720}, **FR)
    projector_ctx.on("request", lambda r: seen.append(r.url))
    projector = projector_ctx.new_page()
    projector.goto(f"{origin}/{meeting.code}/round/screen")
    phone_ctx = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True, **FR)
    phone_ctx.on("request", lambda r: seen.append(r.url))
    phone = phone_ctx.new_page()
    phone.goto(f"{origin}/{meeting.code}")
    phone.click("a:has-text('Tour de table')")
    for page in (projector, phone):
        page.wait_for_selector("#status[data-state=online]")
        page.wait_for_selector("#round-card h2:has-text('Cabiria')")  # the round was started on the first card
        assert page.text_content("#round-place").strip() == "1 / 13"
    assert projector.text_content("#round-next").strip() == "Ensuite\u00a0: Espace P"

    console.click("#round-next")
    for page in (projector, phone):
        page.wait_for_selector("#round-card h2:has-text('Espace P')")
        assert page.text_content("#round-place").strip() == "2 / 13"
    console.fill("#round-minutes", "3")
    console.click("#round-start")
    projector.wait_for_selector("#timer:not([hidden])")
    assert re.fullmatch(r"[23]:\d\d", projector.text_content("#timer").strip())

    # A phone posts a question to the card on the screen; the projector shows it.
    phone.fill("#card-note-text", "Comment faites-vous la veille des annonces ?")
    phone.click("#card-note button[type=submit]")
    projector.wait_for_selector(".card-note:has-text('veille des annonces')")
    phone.wait_for_selector(".card-note:has-text('veille des annonces')")
    assert phone.input_value("#card-note-text") == ""
    _shot(projector, "round-projector")
    _shot(phone, "round-phone")

    console.select_option("#round-to", str(meeting.organisations[12]))
    projector.wait_for_selector("#round-card h2:has-text('Icare')")
    assert projector.text_content("#round-place").strip() == "13 / 13" and projector.is_hidden("#round-next")
    assert _outside(origin, seen) == []


def test_the_bilan_prints_a_page_per_workshop_with_its_charts(browser, meeting_server):  # noqa: F811
    pypdf = pytest.importorskip("pypdf")
    server, meeting = meeting_server
    origin, seen = server.url, []
    # Reveal every vote first, from each workshop's console, as its facilitator would.
    _, page = _facilitator(browser, origin, meeting, seen)
    for workshop in meeting.workshops:
        page.goto(f"{origin}/{meeting.code}/console/w/{workshop}")
        page.wait_for_selector("#status[data-state=online]")
        page.click("#vote-reveal")
        page.wait_for_selector("#vote-reveal", state="hidden")
    page.goto(f"{origin}/{meeting.code}/bilan")
    html = page.content()
    for secret in meeting.kept_out + meeting.pseudonyms:
        assert secret not in html
    assert page.locator(".bilan-workshop svg rect").count() >= len(meeting.workshops)
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    _shot(page, "bilan")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    texts = [p.extract_text() for p in reader.pages]
    starts = [t.lstrip().split("\n")[0] for t in texts]
    titles = ["Violences en ligne", "Outils numériques", "Plaidoyer"]
    # Each workshop begins a page of its own: one page break per workshop.
    assert [" ".join(s.split()) for s in starts if s.startswith("Atelier")] == [f"Atelier : {t}" for t in titles]
    assert sum(1 for t in texts if t.count("Atelier\u00a0:") + t.count("Atelier :")) == len(titles)  # no other page
    # The charts are drawn in the PDF: filled rectangles in the chart's blue, on each workshop's page.
    blue = re.compile(rb"0?\.12\d* 0?\.37\d* 0?\.74\d* (rg|sc|scn)")  # #1f5fbf
    pages_with_bars = [i for i, p in enumerate(reader.pages) if blue.search(p.get_contents().get_data())]
    workshop_pages = [i for i, s in enumerate(starts) if s.startswith("Atelier")]
    assert all(any(w <= b < (workshop_pages + [len(starts)])[k + 1] for b in pages_with_bars)
               for k, w in enumerate(workshop_pages)), (workshop_pages, pages_with_bars)
    assert not any(secret in "".join(texts) for secret in meeting.kept_out)
    assert _outside(origin, seen) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "bilan.pdf").write_bytes(pdf)
