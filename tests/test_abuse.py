"""One phone on the venue wifi, trying to stop, flood or spy on the meeting, against the real
server as a process (not the Socket.IO test client, which skips origin and size checks), on
SQLite and PostgreSQL. Each refusal has its exact code, and the database and NOTES_DIR are
checked unchanged."""

from __future__ import annotations

import hashlib
import json
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests
from markdown_it import MarkdownIt
from sqlalchemy import create_engine, text

from facilitation import protocol as p

from .conftest import database_for
from .factories import op
from .server import Device, start_server

pytestmark = pytest.mark.server

TABLES = ("events", "organisations", "workshops", "participants", "notes", "groups", "votes", "dots", "actions",
          "board_changes", "operations")


def state_of(db_url: str, notes_dir: Path) -> tuple:
    """Every row that a refused request could have touched, and every Markdown file's bytes."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = tuple(tuple(map(tuple, conn.execute(text(f"SELECT * FROM {t} ORDER BY 1")).all())) for t in TABLES)
        seqs = tuple(conn.execute(text("SELECT id, seq FROM boards ORDER BY id")).all())
    engine.dispose()
    files = tuple(sorted((str(f.relative_to(notes_dir)), hashlib.sha256(f.read_bytes()).hexdigest())
                         for f in notes_dir.rglob("*.md")))
    return rows, seqs, files


def settled(db_url: str, notes_dir: Path) -> tuple:
    """The state once the Markdown mirror has caught up (polled until two reads agree)."""
    before = state_of(db_url, notes_dir)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        time.sleep(0.15)  # longer than MIRROR_DELAY (0.05 here), so a pending rewrite has happened
        now = state_of(db_url, notes_dir)
        if now == before:
            return now
        before = now
    raise AssertionError("the state did not settle")


class Room:
    """A server and an event set up as a host would, for one test."""

    def __init__(self, server, db_url: str, notes_dir: Path) -> None:
        self.server, self.url, self.db_url, self.notes_dir = server, server.url, db_url, notes_dir
        self.fac = Device(self.url, client="10.0.0.1")
        created = self.fac.http.post(self.url + "/api/events", json={"title": "Rencontre"}, timeout=10).json()
        self.code, self.link = created["event"]["code"], created["facilitator_url"]
        workshop = self.fac.http.post(f"{self.url}/api/events/{self.code}/workshops", json={"title": "Atelier"},
                                      timeout=10).json()["workshop"]
        self.workshop, self.board = workshop["id"], workshop["board"]
        self.columns = [c["id"] for c in workshop["columns"]]
        self.page = f"/{self.code}/w/{self.workshop}"
        self.fac.join_board(f"/{self.code}/console/w/{self.workshop}", self.board)
        self.fac.call(p.BOARD_JOIN, {"board": self.board, "view": "console"})
        self.clients = iter(range(2, 250))

    def phone(self) -> Device:
        """A new phone on the wifi (its own address as the server sees it), joined to the board."""
        device = Device(self.url, client=f"10.0.1.{next(self.clients)}")
        device.join_board(self.page, self.board)
        return device

    @staticmethod
    def browser(client: str) -> requests.Session:
        """A plain HTTP client at this address (as the trusted proxy reports it)."""
        session = requests.Session()
        session.headers["X-Forwarded-For"] = client
        return session

    def note(self, device: Device, text: str) -> dict:
        return device.call(p.NOTE_ADD, {"op": op(), "board": self.board, "column": self.columns[0], "text": text})


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_for(request, tmp_path_factory):
    return database_for(request, tmp_path_factory.mktemp("abuse"))


@pytest.fixture(scope="module")
def room(tmp_path_factory, db_for):
    """One server per database for the module: each test comes from addresses of its own."""
    tmp = tmp_path_factory.mktemp("room")
    server = start_server(tmp, database_url=db_for, REQUEST_TIMEOUT="1", PROXY_COUNT="1", MIRROR_DELAY="0.05")
    made = Room(server, db_for, tmp / "notes")
    yield made
    made.fac.close()
    made.server.stop()


def _raw(url: str, request: bytes, *, read: bool = True) -> bytes:
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        if not read:
            return b""
        chunks = []
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


# ---- can stop or flood the event --------------------------------------------------------------
def test_half_sent_requests_cannot_exhaust_the_files_of_the_server(tmp_path, db_for):
    # A server of its own, allowed only 256 open files (macOS's default), on the same database.
    server = start_server(tmp_path, database_url=db_for, REQUEST_TIMEOUT="1", PROXY_COUNT="1", max_files=256)
    try:
        room = Room(server, db_for, tmp_path / "notes")
        proc = psutil.Process(server.proc.pid)
        files_before = proc.num_fds()
        host, port = server.url.split("//")[1].split(":")
        kinds = [
            b"GET / HTTP/1.1\r\nHost: x\r\n",  # headers never finished
            b"POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n",
            b"POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n{",
        ]

        def half_request(i: int) -> bytes:
            conn = socket.create_connection((host, int(port)), timeout=15)
            conn.sendall(kinds[i % 3])
            try:
                return conn.recv(200)  # what the server says before it drops us (b"" when it just closes)
            finally:
                conn.close()

        with ThreadPoolExecutor(max_workers=150) as pool:  # 150 at a time: far more than 256 files allow for long
            answers = list(pool.map(half_request, range(1000)))
        assert len(answers) == 1000
        assert all(a.startswith(b"HTTP/1.1 413") for a in answers[1::3])  # over the limit: said at once
        assert all(a == b"" or a.startswith(b"HTTP/1.1 4") for a in answers)
        # The files come back (each half request was dropped within REQUEST_TIMEOUT)...
        deadline = time.monotonic() + 10
        while proc.num_fds() > files_before + 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        files_after = proc.num_fds()
        assert files_after <= files_before + 5, (files_before, files_after)
        # ... and a phone still joins and posts.
        phone = room.phone()
        assert room.note(phone, "toujours là")["ok"]
        assert requests.get(server.url + "/healthz", timeout=5).ok
        phone.close()
        room.fac.close()
    finally:
        log = server.stop()
    print(f"open files: {files_before} before, {files_after} after 1,000 half-sent requests")
    assert "Traceback" not in log


def test_an_oversize_body_is_answered_413_and_nothing_changes(room):
    before = settled(room.db_url, room.notes_dir)
    answer = _raw(room.url, b"POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            b"Content-Length: 70000\r\n\r\n" + b"{" + b" " * 69_999)
    assert answer.startswith(b"HTTP/1.1 413")
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == p.TOO_LONG
    chunked = _raw(room.url, b"POST /api/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n" + b"11170\r\n" + b"x" * 70000 + b"\r\n0\r\n\r\n")
    assert chunked.startswith(b"HTTP/1.1 413")
    assert settled(room.db_url, room.notes_dir) == before


def test_a_phone_that_scripts_notes_is_slowed_and_nobody_else_is(room):
    script, neighbour = room.phone(), room.phone()
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda i: room.note(script, f"spam {i}"), range(200)))
    accepted = [a for a in answers if a["ok"]]
    refused = [a for a in answers if not a["ok"]]
    assert len(accepted) == 8  # "8 per 10 seconds": a person types slower than that
    assert {a["error"]["code"] for a in refused} == {p.TOO_FAST}
    assert all(1 <= a["error"]["retry_after"] <= 11 for a in refused)
    assert room.note(neighbour, "je peux encore écrire")["ok"]  # the room does not notice
    # Then the facilitator removes every note of that phone at once.
    purged = room.fac.call(p.NOTE_PURGE, {"op": op(), "board": room.board, "note": accepted[0]["note"]["id"]})
    assert purged["ok"] and sorted(purged["notes"]) == sorted(a["note"]["id"] for a in accepted)
    engine = create_engine(room.db_url)
    with engine.connect() as conn:
        texts = conn.execute(text("SELECT text FROM notes WHERE board_id = :b"), {"b": room.board}).scalars().all()
    engine.dispose()
    assert "je peux encore écrire" in texts and not [t for t in texts if t.startswith("spam")]
    # Only the facilitator may do that.
    denied = neighbour.call(p.NOTE_PURGE, {"op": op(), "board": room.board, "note": 1})
    assert denied["error"]["code"] == p.NOT_FACILITATOR
    script.close()
    neighbour.close()


def test_guessing_join_codes_is_slowed_for_the_guesser_only(room):
    guesser = room.browser("10.0.9.9")
    codes = [f"ZZZZ{a}{b}" for a in "ACDEF" for b in "HJKMN"]
    answers = [guesser.get(f"{room.url}/{code}", timeout=5).status_code for code in codes[:20]]
    assert answers == [404] * 20
    over = guesser.get(f"{room.url}/api/events/{codes[20]}", timeout=5)
    assert over.status_code == 429 and over.json()["error"]["code"] == p.TOO_FAST and int(over.headers["Retry-After"])
    # Even the right code is refused to the guesser now: a refusal must not tell codes apart.
    assert guesser.get(f"{room.url}/{room.code}", timeout=5).status_code == 429
    # Someone else on the wifi joins as usual.
    other = room.browser("10.0.9.10")
    assert other.get(f"{room.url}/{room.code}", timeout=5).status_code == 200


def test_guessing_facilitator_links_is_slowed(room):
    guesser = room.browser("10.0.8.8")
    answers = [guesser.get(f"{room.url}/f/not-the-token-{i}", timeout=5, allow_redirects=False).status_code
               for i in range(11)]
    assert answers == [404] * 10 + [429]
    token = room.link.split("/f#")[1]
    assert guesser.post(room.url + "/f", json={"token": token}, timeout=5).status_code == 429
    assert guesser.get(room.url + "/f/" + token, timeout=5, allow_redirects=False).status_code == 429


# ---- can see or do what it should not -------------------------------------------------------------
def test_a_replaced_link_cuts_an_open_console_off_at_once(room):
    stale = Device(room.url, client="10.0.2.1")  # a second laptop, opened with the first link
    stale.http.post(room.url + "/f", json={"token": room.link.split("/f#")[1]}, timeout=10)
    stale.join_board(f"/{room.code}/console/w/{room.workshop}", room.board)
    assert stale.call(p.BOARD_JOIN, {"board": room.board, "view": "console"})["ok"]
    phone = room.phone()
    new = room.fac.http.post(f"{room.url}/api/events/{room.code}/facilitator-link", json={}, timeout=10)
    assert new.ok
    for laptop in (stale, room.fac):  # both consoles were opened with the old link
        laptop.wait_until(lambda events: any(n == p.ACCESS_REVOKED for n, _ in events))
    # The laptop that made the new link reconnects with its new cookie and runs the board on.
    room.fac.close_socket()
    room.fac.connect()
    assert room.fac.call(p.BOARD_JOIN, {"board": room.board, "view": "console"})["ok"]
    private = room.fac.call(p.BOARD_SET, {"op": op(), "board": room.board, "private": True})
    assert private["ok"]
    room.note(phone, "écrite en privé")
    room.fac.wait_until(lambda events: any(n == p.NOTE_ADDED and d["note"]["text"] == "écrite en privé"
                                           for n, d in events))
    seen = json.dumps(stale.events, ensure_ascii=False)
    assert "écrite en privé" not in seen  # the old console heard nothing more
    refused = stale.call(p.NOTE_DELETE, {"op": op(), "board": room.board, "note": 1})
    assert refused["error"]["code"] in (p.NOT_JOINED, p.NOT_FACILITATOR)
    again = stale.call(p.BOARD_JOIN, {"board": room.board, "view": "console"})
    assert again["error"]["code"] == p.NOT_FACILITATOR
    stale.close()
    phone.close()


def test_requests_from_other_sites_are_refused_and_change_nothing(room):
    visitor = room.browser("10.0.3.1")
    visitor.get(f"{room.url}/{room.code}", timeout=5)
    before = settled(room.db_url, room.notes_dir)
    cookie_before = visitor.cookies.get("session")
    evil = {"Origin": "https://evil.example"}
    created = visitor.post(room.url + "/events", data={"title": "Piège"}, headers=evil, timeout=5)
    assert created.status_code == 403 and "Set-Cookie" not in created.headers
    assert visitor.cookies.get("session") == cookie_before  # the visitor's rights are untouched
    profile = visitor.post(f"{room.url}/{room.code}/profile", data={"pseudonym": "Piégée"},
                           headers={"Sec-Fetch-Site": "same-site"}, timeout=5)
    assert profile.status_code == 403
    no_token = visitor.post(f"{room.url}/{room.code}/profile", data={"pseudonym": "Piégée"}, timeout=5)
    assert no_token.status_code == 403
    api = room.fac.http.post(f"{room.url}/api/events/{room.code}/workshops", json={"title": "x"}, headers=evil,
                             timeout=5)
    assert api.status_code == 403 and api.json()["error"]["code"] == p.CROSS_SITE
    as_text = room.fac.http.post(f"{room.url}/api/events/{room.code}/workshops", data='{"title": "x"}',
                                 headers={"Content-Type": "text/plain"}, timeout=5)
    assert as_text.status_code == 400 and as_text.json()["error"]["code"] == p.BAD_REQUEST
    assert settled(room.db_url, room.notes_dir) == before


# ---- answers 500 or stores what it should refuse ------------------------------------------------
def test_text_that_cannot_be_stored_is_refused_with_its_code(room):
    phone = room.phone()
    before = settled(room.db_url, room.notes_dir)
    for text_sent, code in (("a\ud800b", p.BAD_REQUEST), ("nul\x00", p.BAD_REQUEST),
                            ("\u200b\u200c\u2060\ufeff \n", p.EMPTY)):
        answer = room.note(phone, text_sent)
        assert (answer["error"]["code"], answer["error"]["field"]) == (code, "text"), text_sent
    deep = "[" * 20000 + "]" * 20000
    answer = room.fac.http.post(room.url + "/api/events", data=deep, headers={"Content-Type": "application/json"},
                                timeout=5)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == p.BAD_REQUEST
    # The same nesting inside a socket packet: that packet is dropped, the worker stays up.
    phone.sio.eio.send('2["note:add",' + deep + "]")
    beyond = phone.http.post(f"{room.url}/{room.code}/profile", timeout=5,
                             data={"pseudonym": "x", "organisation": str(2**70), "csrf": _token(room, phone)})
    assert beyond.status_code == 404
    assert settled(room.db_url, room.notes_dir) == before
    assert requests.get(room.url + "/healthz", timeout=5).ok
    assert room.note(room.phone(), "encore possible")["ok"]
    # A right-to-left override cannot reverse the "pseudonym · organisation" line.
    phone.http.post(f"{room.url}/{room.code}/profile", timeout=5,
                    data={"pseudonym": "\u202eLouve", "organisation": "", "csrf": _token(room, phone)})
    signed = room.note(phone, "signée")
    assert signed["note"]["pseudonym"] == "Louve"
    phone.close()


def _token(room: Room, device: Device) -> str:
    """The form token of this browser, read from the event page as a browser would."""
    match = re.search(r'name="csrf" value="([^"]+)"', device.http.get(f"{room.url}/{room.code}", timeout=5).text)
    assert match, "no form token on the page"
    return match.group(1)


def test_markdown_files_stay_inert_whatever_is_typed(room):
    phone = room.phone()
    hostile = ["<script>alert(1)</script>", "[clic](javascript:alert(1))", "![pisteur](http://pisteur.example/p.png)",
               "# Faux titre\n---\nsuite\r# encore", "<img src=x onerror=alert(2)>", "[r]: javascript:x\n[voir][r]"]
    for text_sent in hostile:
        assert room.note(phone, text_sent)["ok"]
    room.fac.http.patch(f"{room.url}/api/events/{room.code}/workshops/{room.workshop}",
                        json={"title": "Atelier\n# Faux\n---", "room": "<b>Salle</b>"}, timeout=5)
    settled(room.db_url, room.notes_dir)
    files = list(room.notes_dir.glob(f"*-{room.code}/*-{room.board}.md"))
    assert len(files) == 1
    body = files[0].read_text().split("\n---\n", 1)[1]
    tokens = MarkdownIt("commonmark").parse(body)

    def walk(items):
        for token in items:
            yield token
            yield from walk(token.children or [])

    seen = list(walk(tokens))
    assert [t.tag for t in tokens if t.type == "heading_open"] == ["h1", "h2", "h2", "h2", "h2"]  # title + 4 columns
    assert not [t for t in seen if t.type in ("html_block", "html_inline", "image")]
    assert all(t.attrGet("href").startswith(("http://", "https://", "mailto:")) for t in seen if t.type == "link_open")
    phone.close()


def test_a_forged_line_in_a_request_path_stays_one_log_line(room):
    _raw(room.url, b"GET /%0a2026-01-01%20INFO%20relais.access%20GET%20/forged%20200 HTTP/1.1\r\nHost: x\r\n"
                   b"Connection: close\r\n\r\n")
    deadline = time.monotonic() + 5
    while "forged" not in room.server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    lines = [line for line in room.server.log.read_text().splitlines() if "forged" in line]
    assert len(lines) == 1 and "\\n2026-01-01" in lines[0], lines

