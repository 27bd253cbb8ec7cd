"""The meeting around the workshops: the programme and what is on now, the organisations'
cards, the tour de table, the plenary screen, and the bilan (what it leaves out, on disk, as a
download, in the zip and in its preview), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from sqlalchemy import select

from facilitation import clock
from facilitation import protocol as p
from facilitation.db import get_session
from facilitation.export.bilan import (
    BilanDocument,
    CardEntry,
    OwnerActions,
    ProgrammeEntry,
    WorkshopEntry,
    bilan_markdown,
)
from facilitation.export.markdown import ActionLine, ColumnNotes, GroupNotes, NoteLine, Ranked
from facilitation.mirror import BILAN_FILE, event_folder, wait_idle
from facilitation.models import CardNote, Event, Organisation
from facilitation.services import events as event_service
from facilitation.services import programme as programme_service

from .factories import Phone, World, form_post, make_meeting, op, phone
from .test_markdown_safety import _front_matter_and_body, _walk, as_typed, headings_of, text

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
UTC = dt.UTC


def _facilitator_client(app, token: str):
    client = app.test_client()
    assert client.get(f"/f/{token}").status_code == 302
    return client


# ---- the programme -------------------------------------------------------------------------
def test_a_time_outside_the_event_is_refused_and_nothing_changes(world: World):
    fac = _facilitator_client(world.app, world.token)
    base = f"/api/events/{world.code}"
    refused = fac.post(f"{base}/programme", json={"day": "2027-04-01", "starts_at": "10:00", "ends_at": "12:00",
                                                   "kind": "workshops"}, headers=FR)
    assert refused.status_code == 400
    assert refused.json["error"]["code"] == p.OUTSIDE_EVENT
    assert refused.json["error"]["message"] == "Ce jour n’est pas un des jours de la rencontre."
    assert fac.get(base).json["event"]["programme"] == []

    made = fac.post(f"{base}/programme", json={"day": "2026-12-04", "starts_at": "10:00", "ends_at": "12:00",
                                                "kind": "workshops", "title": "Ateliers"}, headers=FR)
    assert made.status_code == 201
    assert made.json["item"]["label"] == "vendredi 4 décembre, 10 h – 12 h"

    # A workshop on a day of another month, and dates that would leave the programme outside.
    assert fac.patch(f"{base}/workshops/{world.workshops[0]}", json={"day": "2027-04-01"}).json["error"]["code"] \
        == p.OUTSIDE_EVENT
    moved = fac.patch(base, json={"starts_on": "2026-12-01", "ends_on": "2026-12-02"})
    assert moved.status_code == 400 and moved.json["error"]["code"] == p.OUTSIDE_EVENT
    event = fac.get(base).json["event"]
    assert (event["starts_on"], event["ends_on"]) == ("2026-12-03", "2026-12-04")
    assert [d["label"] for d in fac.get(base, headers=FR).json["event"]["days"]] == ["jeudi 3 décembre",
                                                                                   "vendredi 4 décembre"]
    # Bad times are refused by their declaration.
    for bad in ({"starts_at": "25:00"}, {"starts_at": "10h"}, {"kind": "party"}, {"day": "2026-02-30"}):
        body = {"day": "2026-12-04", "starts_at": "10:00", "ends_at": "12:00", "kind": "break", **bad}
        answer = fac.post(f"{base}/programme", json=body)
        assert answer.status_code == 400 and answer.json["error"]["code"] == p.BAD_REQUEST, bad


def _placed(session, event: Event, day: dt.date, start: str, end: str, title: str):
    return programme_service.add_item(session, event, day=day, starts_at=dt.time.fromisoformat(start),
                                      ends_at=dt.time.fromisoformat(end), kind="text", title=title)


def test_now_and_next_across_midnight_and_both_changes_of_time(session):
    """Europe/Paris moves to summer time on 28 March 2027 (02:00 → 03:00) and back on
    31 October 2027 (03:00 → 02:00)."""
    event, _ = event_service.create_event(session, title="Nuit", starts_on=dt.date(2027, 3, 27),
                                          ends_on=dt.date(2027, 3, 28))
    evening = _placed(session, event, dt.date(2027, 3, 27), "22:00", "01:00", "Soirée")  # ends after midnight
    night = _placed(session, event, dt.date(2027, 3, 28), "01:30", "03:30", "Veille")  # across the jump: 1 h long
    morning = _placed(session, event, dt.date(2027, 3, 28), "09:00", "10:00", "Matin")
    session.flush()
    session.refresh(event)

    def at(iso: str):
        now, following = programme_service.now_next(event, dt.datetime.fromisoformat(iso).replace(tzinfo=UTC))
        return [i.title for i in now], following.title if following else None

    assert at("2027-03-27T20:59") == ([], "Soirée")  # 21:59 in Paris
    assert at("2027-03-27T23:30") == (["Soirée"], "Veille")  # 00:30 on the 28th, still the evening
    assert at("2027-03-28T00:00") == ([], "Veille")  # 01:00: the evening is over
    assert at("2027-03-28T00:45") == (["Veille"], "Matin")  # 01:45 winter time
    assert at("2027-03-28T01:15") == (["Veille"], "Matin")  # 03:15 summer time: the clock jumped
    assert at("2027-03-28T01:30") == ([], "Matin")  # 03:30 summer time: over, one real hour after it began
    assert at("2027-03-28T06:59") == ([], "Matin")  # 08:59 summer time
    assert at("2027-03-28T07:00") == (["Matin"], None)  # 09:00 summer time is 07:00 UTC, not 08:00
    assert at("2027-03-28T08:00") == ([], None)
    assert {evening.id, night.id, morning.id}

    autumn, _ = event_service.create_event(session, title="Automne", starts_on=dt.date(2027, 10, 31))
    long_night = _placed(session, autumn, dt.date(2027, 10, 31), "01:00", "04:00", "Longue nuit")  # 4 real hours
    session.flush()
    session.refresh(autumn)
    now = lambda iso: [i.title for i in programme_service.now_next(  # noqa: E731
        autumn, dt.datetime.fromisoformat(iso).replace(tzinfo=UTC))[0]]
    assert now("2027-10-30T22:59") == []  # 00:59 summer time
    assert now("2027-10-30T23:00") == ["Longue nuit"]  # 01:00 summer time
    assert now("2027-10-31T02:30") == ["Longue nuit"]  # 03:30 winter time, after 02:00-03:00 came twice
    assert now("2027-10-31T03:00") == []  # 04:00 winter time
    assert long_night.id


def test_the_event_page_shows_the_programme_and_what_is_on_by_the_server_clock(app):
    meeting = make_meeting(app, organisations=3, workshops=3, notes_per_column=1)
    client = app.test_client()
    # 10 March 2027, 09:45 in Lyon (08:45 UTC): the workshops are on, lunch is next.
    with clock.frozen(dt.datetime(2027, 3, 10, 8, 45, tzinfo=UTC)):
        page = client.get(f"/{meeting.code}", headers=FR).get_data(as_text=True)
    now, _, rest = page.partition("<h2>Ensuite</h2>")
    now = now.partition("<h2>En ce moment</h2>")[2]
    assert "Ateliers" in now and "9 h 30 – 12 h" in now
    for workshop in meeting.workshops:
        assert f"/{meeting.code}/w/{workshop}" in now  # one tap to one's workshop
    assert "Déjeuner" in rest.split("</section>")[0]
    assert "mardi 9 mars" in page and "mercredi 10 mars" in page and "9–10 mars 2027" in page
    assert "2027-03-10" not in page
    # On day 1, the round is on: the page sends phones to it.
    with clock.frozen(dt.datetime(2027, 3, 9, 9, 0, tzinfo=UTC)):
        page = client.get(f"/{meeting.code}", headers=FR).get_data(as_text=True)
    assert f'href="/{meeting.code}/round"' in page.partition("<h2>En ce moment</h2>")[2].partition("</section>")[0]
    # After the meeting: neither now nor next.
    with clock.frozen(dt.datetime(2027, 3, 11, 9, 0, tzinfo=UTC)):
        page = client.get(f"/{meeting.code}", headers=FR).get_data(as_text=True)
    assert "<h2>En ce moment</h2>" not in page and "<h2>Ensuite</h2>" not in page


# ---- cards -----------------------------------------------------------------------------------
def test_members_fill_in_their_card_others_may_not(world: World):
    cabiria, espace = world.organisations
    member = world.app.test_client()
    assert member.get(f"/{world.code}").status_code == 200
    assert form_post(member, f"/{world.code}/profile", {"pseudonym": "", "organisation": str(cabiria)}).status_code \
        == 302
    card = {"description": "Accueil **sans jugement** <script>alert(1)</script>", "on_subject": "- veille",
            "website": "javascript:alert(1)", "contact": "contact@cabiria.example"}
    saved = form_post(member, f"/{world.code}/cards/{cabiria}", card)
    assert saved.status_code == 303
    assert form_post(member, f"/{world.code}/cards/{espace}", card).status_code == 403
    stranger = world.app.test_client()
    assert stranger.get(f"/{world.code}").status_code == 200
    assert form_post(stranger, f"/{world.code}/cards/{cabiria}", {"description": "pirate"}).status_code == 403
    assert member.patch(f"/api/events/{world.code}/organisations/{espace}/card",
                        json={"description": "pirate"}).status_code == 403
    too_long = form_post(member, f"/{world.code}/cards/{cabiria}", {"description": "x" * 5000}, headers=FR)
    assert too_long.status_code == 400 and "trop long" in too_long.get_data(as_text=True)

    directory = stranger.get(f"/{world.code}/cards").get_data(as_text=True)
    assert "<strong>sans jugement</strong>" in directory and "<script>alert(1)" not in directory
    assert 'href="javascript:' not in directory and "pirate" not in directory
    with world.app.app_context():
        org = get_session().get(Organisation, cabiria)
        assert org.description.startswith("Accueil") and not org.card_ready

    # The facilitator edits any card and marks it ready (through the API; the page works too).
    fac = _facilitator_client(world.app, world.token)
    assert fac.patch(f"/api/events/{world.code}/organisations/{espace}",
                     json={"card_ready": True, "description": "Bruxelles", "position": 0}).json["ok"]
    assert form_post(fac, f"/{world.code}/cards/{cabiria}", {"on_subject": "Des permanences"}).status_code == 303
    with world.app.app_context():
        assert get_session().get(Organisation, espace).card_ready
        assert get_session().get(Organisation, cabiria).on_subject == "Des permanences"


# ---- the round and the plenary, live -----------------------------------------------------------
def event_device(world: World, *, facilitator: bool = False, view: str = "round") -> Phone:
    """A browser that opened an event page and joined the event's room."""
    device = phone(world, facilitator=facilitator, join=False)
    ack = device.emit(p.EVENT_JOIN, {"event": world.event_id, "view": view})
    assert ack["ok"], ack
    device.sock.get_received()
    return device


def send(device: Phone, world: World, name: str, **payload) -> dict:
    return device.emit(name, {"op": op(), "event": world.event_id, **payload})


def test_the_round_goes_from_the_console_to_every_phone_and_questions_come_back(world: World):
    console = event_device(world, facilitator=True, view="console")
    alice = event_device(world)
    cabiria, espace = world.organisations

    assert send(alice, world, p.ROUND_GO, step="next")["error"]["code"] == p.NOT_FACILITATOR
    ack = send(console, world, p.ROUND_GO, step="next")
    assert ack["ok"] and ack["round"]["current"] == cabiria and (ack["round"]["index"], ack["round"]["total"]) == (1, 2)
    heard = alice.received(p.ROUND_STATE)
    assert [h["round"]["current"] for h in heard] == [cabiria]

    started = send(console, world, p.ROUND_TIMER, action="start", seconds=180)
    assert started["round"]["timer"]["total"] == 180_000 and started["round"]["timer"]["ends_at"]
    assert send(console, world, p.ROUND_TIMER, action="extend", seconds=10**6)["error"]["code"] == p.BAD_REQUEST

    question = send(alice, world, p.CARD_NOTE, organisation=cabiria, kind="question", text="Depuis quand ?")
    assert question["ok"] and question["note"]["kind"] == "question"
    assert "author" not in json.dumps(question["note"])  # never who asked
    assert [n["note"]["text"] for n in console.received(p.CARD_NOTED)] == ["Depuis quand ?"]
    assert send(alice, world, p.CARD_NOTE, organisation=10**6, text="x")["error"]["code"] == p.NOT_FOUND
    assert send(alice, world, p.CARD_NOTE, organisation=cabiria, text="  ")["error"]["code"] == p.EMPTY

    # The next card stops the timer; the last step stays on the last card; "end" closes the round.
    ack = send(console, world, p.ROUND_GO, step="next")
    assert ack["round"]["current"] == espace and ack["round"]["timer"] is None and ack["round"]["notes"] == []
    assert send(console, world, p.ROUND_GO, step="next")["round"]["current"] == espace
    assert send(console, world, p.ROUND_GO, to=cabiria)["round"]["notes"][0]["text"] == "Depuis quand ?"
    assert send(console, world, p.ROUND_GO, step="end")["round"]["current"] is None

    # Another event's organisation, an unknown event, a room not joined: refused.
    assert send(console, world, p.ROUND_GO, to=10**6)["error"]["code"] == p.NOT_FOUND
    assert alice.emit(p.EVENT_JOIN, {"event": 10**6})["error"]["code"] == p.NOT_FOUND
    stranger = phone(world, join=False)
    assert send(stranger, world, p.CARD_NOTE, organisation=cabiria, text="x")["error"]["code"] == p.NOT_JOINED
    assert stranger.emit(p.EVENT_JOIN, {"event": world.event_id, "view": "console"})["error"]["code"] \
        == p.NOT_FACILITATOR

    # The question is kept with the card, and in the bilan.
    with world.app.app_context():
        assert get_session().scalars(select(CardNote.text)).all() == ["Depuis quand ?"]
    bilan = _facilitator_client(world.app, world.token).get(f"/{world.code}/bilan.md").get_data(as_text=True)
    assert "Depuis quand ?" in bilan


def test_the_plenary_follows_each_workshop_live(world: World):
    screen = event_device(world, view="plenary")
    console = phone(world, 1, facilitator=True, view="console")
    fac = event_device(world, facilitator=True, view="console")
    writer = phone(world, 1)
    board = world.boards[1]
    column = world.columns[board][0]
    notes = [writer.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": column, "text": t})["note"]["id"]
             for t in ("Former les équipes", "Un guide commun")]
    assert screen.received() == []  # notes alone do not change the plenary

    def board_cmd(device, name, **payload):
        return device.emit(name, {"op": op(), "board": board, **payload})

    assert board_cmd(console, p.BOARD_SET, phase=p.VOTE)["ok"]
    vote = board_cmd(console, p.VOTE_OPEN, budget=2, cap=2)["vote"]
    assert board_cmd(writer, p.VOTE_CAST, vote=vote["id"], target=notes[1])["ok"]
    assert board_cmd(console, p.VOTE_CLOSE, vote=vote["id"])["ok"]
    assert screen.received(p.PLENARY_WORKSHOP) == []  # a hidden result is not shown
    assert board_cmd(console, p.VOTE_REVEAL, vote=vote["id"])["ok"]
    shown = screen.received(p.PLENARY_WORKSHOP)
    assert shown and shown[-1]["workshop"]["id"] == world.workshops[1]
    assert [(r["text"], r["dots"]) for r in shown[-1]["workshop"]["rankings"][0]] == [("Un guide commun", 1)]
    assert "pseudonym" not in json.dumps(shown)

    assert send(screen, world, p.PLENARY_SHOW, workshop=world.workshops[1])["error"]["code"] == p.NOT_FACILITATOR
    ack = send(fac, world, p.PLENARY_SHOW, workshop=world.workshops[1])
    assert ack["plenary"]["workshop"] == world.workshops[1]
    assert screen.received(p.PLENARY_STATE)[-1]["plenary"]["workshop"] == world.workshops[1]
    assert send(fac, world, p.PLENARY_SHOW, workshop=10**6)["error"]["code"] == p.NOT_FOUND

    # A workshop removed from the console leaves the plenary screen at once.
    http = _facilitator_client(world.app, world.token)
    assert http.delete(f"/api/events/{world.code}/workshops/{world.workshops[1]}").json["ok"]
    last = screen.received(p.PLENARY_STATE)[-1]["plenary"]
    assert last["workshop"] is None and [w["id"] for w in last["workshops"]] == [world.workshops[0]]


# ---- the bilan -------------------------------------------------------------------------------
def test_a_note_kept_out_of_the_bilan_stays_on_the_board(world: World):
    author, other = phone(world), phone(world)
    console = phone(world, facilitator=True, view="console")
    column = world.columns[world.boards[0]][0]

    def cmd(device, name, **payload):
        return device.emit(name, {"op": op(), "board": world.boards[0], **payload})

    mine = cmd(author, p.NOTE_ADD, column=column, text="Mon histoire, pas pour le bilan")["note"]
    theirs = cmd(other, p.NOTE_ADD, column=column, text="Une note d’une autre")["note"]
    assert cmd(other, p.NOTE_BILAN, note=mine["id"], keep=False)["error"]["code"] == p.FORBIDDEN
    assert cmd(console, p.BOARD_SET, phase=p.CLOSED)["ok"]  # in any step: it is their word
    kept = cmd(author, p.NOTE_BILAN, note=mine["id"], keep=False)
    assert kept["ok"] and kept["note"]["for_bilan"] is False and kept["note"]["version"] == mine["version"]
    assert [n["note"]["for_bilan"] for n in console.received(p.NOTE_EDITED)] == [False]
    assert cmd(console, p.NOTE_BILAN, note=theirs["id"], keep=False)["ok"]  # the facilitator, any note
    assert cmd(console, p.NOTE_BILAN, note=theirs["id"], keep=True)["ok"]
    assert cmd(author, p.NOTE_BILAN, note=10**6, keep=False)["error"]["code"] == p.NOT_FOUND

    assert wait_idle(world.app)
    folder = Path(world.app.config["NOTES_DIR"])
    bilan = next(folder.rglob(BILAN_FILE)).read_text()
    board_file = next(f for f in folder.rglob("*.md") if f.name != BILAN_FILE and "atelier-1" in f.name)
    assert "Mon histoire" not in bilan and "Une note d’une autre" in bilan
    assert "Mon histoire" in board_file.read_text()  # still on the board and in its own note
    snapshot = phone(world).emit(p.BOARD_JOIN, {"board": world.boards[0]})["board"]
    assert [n["text"] for n in snapshot["notes"]] == ["Mon histoire, pas pour le bilan", "Une note d’une autre"]


def test_the_bilan_leaves_out_kept_notes_and_pseudonyms_everywhere(app):
    meeting = make_meeting(app)
    fac = _facilitator_client(app, meeting.token)
    assert fac.patch(f"/api/events/{meeting.code}", json={"place": "Lyon 7e"}).json["ok"]  # rewrites every file
    assert wait_idle(app)
    with app.app_context():
        folder = Path(app.config["NOTES_DIR"]) / event_folder(get_session().get(Event, meeting.event_id))
    on_disk = (folder / BILAN_FILE).read_text()
    download = fac.get(f"/{meeting.code}/bilan.md")
    assert download.headers["Content-Disposition"].endswith('-bilan.md"')
    archive = zipfile.ZipFile(io.BytesIO(fac.get(f"/{meeting.code}/bilan.zip").data))
    assert len(archive.namelist()) == 1 + len(meeting.workshops)
    preview = fac.get(f"/{meeting.code}/bilan").get_data(as_text=True)
    documents = {"bilan.md": on_disk, "download": download.get_data(as_text=True), "preview": preview,
                 **{name: archive.read(name).decode() for name in archive.namelist()}}
    for name, document in documents.items():
        for secret in meeting.kept_out + meeting.pseudonyms:
            assert secret not in document, (name, secret)
        assert "Lyon 7e" in document, name
    # Still on the boards, and in each board's own note on disk (the room saw them).
    board_files = [f.read_text() for f in folder.glob("*.md") if f.name != BILAN_FILE]
    for secret in meeting.kept_out:
        assert any(secret in text for text in board_files)
    # Phones and strangers get none of it.
    stranger = app.test_client()
    for path in ("/bilan", "/bilan.md", "/bilan.zip"):
        assert stranger.get(f"/{meeting.code}{path}").status_code == 403

    # Asked for, the pseudonyms come in; the kept notes never do.
    assert fac.patch(f"/api/events/{meeting.code}", json={"bilan_pseudonyms": True}).json["ok"]
    named = fac.get(f"/{meeting.code}/bilan.md").get_data(as_text=True)
    assert all(name in named for name in meeting.pseudonyms if not name.endswith("-1"))
    assert not any(secret in named for secret in meeting.kept_out)


def test_the_bilan_of_a_whole_meeting_has_its_sections_in_french(app):
    meeting = make_meeting(app)
    fac = _facilitator_client(app, meeting.token)
    document = fac.get(f"/{meeting.code}/bilan.md").get_data(as_text=True)
    headings = [line for line in document.splitlines() if line.startswith("#")]
    assert headings[:3] == ["# Rencontre inter-associative travail du sexe", "## Associations présentes",
                            "### Cabiria"]
    assert "## Programme" in headings and "### mardi 9 mars" in headings
    assert [h for h in headings if h.startswith("## Atelier")] == [
        "## Atelier\u00a0: Violences en ligne", "## Atelier\u00a0: Outils numériques", "## Atelier\u00a0: Plaidoyer"]
    assert headings[-1] == "## Et après\u202f?" and "## Actions par association" in headings
    assert "Espace P propose d’accueillir la prochaine rencontre à **Bruxelles**" in document
    assert "9–10 mars 2027" in document and "d’ici le 30 juin 2027" in document
    assert re.search(r"\*\*\d+ points?\*\*", document) and "1 points" not in document


# ---- nothing a note holds can change the bilan's structure ------------------------------------------
LABELS = {"question": "Question :", "empty": "(aucune note)", "ungrouped": "Autres notes", "ranking": "Vote",
          "no_votes": "(aucun vote)", "actions": "Actions", "due": "d’ici le", "hosted_by": "Accueil :",
          "organisations": "Associations présentes", "on_subject": "Sur le sujet", "contact": "Contact :",
          "remarks": "Questions", "none": "(rien)", "programme": "Programme", "workshop": "Atelier :",
          "summary": "Synthèse", "actions_by_owner": "Actions par association", "nobody_yet": "Sans porteur",
          "next": "Et après ?", "kind_round": "Tour", "kind_workshops": "Ateliers", "kind_plenary": "Plénière",
          "kind_break": "Pause", "kind_text": "Autre", "kind_question": "Question :", "kind_note": "Note :",
          "hidden": lambda n: f"{n} notes privées", "dots": lambda n: f"{n} points"}
PARSER = MarkdownIt("commonmark")


@settings(max_examples=120, deadline=None)
@given(title=text, place=text, orgs=st.lists(st.tuples(text, text, text), min_size=1, max_size=3),
       days=st.lists(st.tuples(text, text), max_size=2),
       workshops=st.lists(st.tuples(text, text, text, st.lists(text, min_size=1, max_size=2),
                                    st.lists(text, max_size=2), st.lists(text, max_size=3)), min_size=1, max_size=3),
       owners=st.lists(st.tuples(text, text), max_size=2), next_meeting=text)
def test_no_note_title_or_card_can_change_the_structure_of_the_bilan(title, place, orgs, days, workshops, owners,
                                                                     next_meeting):
    cards = [CardEntry(name, description=description, on_subject=subject, remarks=[("question", subject)])
             for name, description, subject in orgs]
    programme = [(day, [ProgrammeEntry("10 h – 12 h", "workshops", item, item, [item])]) for day, item in days]
    entries = []
    for name, question, summary, columns, groups, notes in workshops:
        lines = [NoteLine(n, n, n) for n in notes]
        entries.append(WorkshopEntry(
            name, question, "mardi", "Salle", summary,
            [ColumnNotes(c, lines, [GroupNotes(g, lines) for g in groups]) for c in columns],
            [[Ranked(n, 2) for n in notes]], [ActionLine(n, n, None) for n in notes]))
    owner_entries = [OwnerActions(org, [(workshop, ActionLine(workshop, org, dt.date(2027, 6, 30), "30 juin"))])
                     for org, workshop in owners]
    doc = BilanDocument(title, place, "9–10 mars 2027", [o[0] for o in orgs], cards, programme, entries,
                        owner_entries, next_meeting, dt.datetime(2027, 3, 10, 18, tzinfo=UTC))
    document = bilan_markdown(doc, LABELS)

    matter, body = _front_matter_and_body(document)
    assert (matter["title"], matter["place"], matter["hosts"]) == (title, place, ", ".join(o[0] for o in orgs))
    tokens = PARSER.parse(body)
    headings = headings_of(tokens)

    expected = [("h1", title), ("h2", LABELS["organisations"])] + [("h3", o[0]) for o in orgs]
    if programme:
        expected += [("h2", LABELS["programme"])] + [("h3", day) for day, _ in programme]
    for name, _question, summary, columns, groups, notes in workshops:
        expected.append(("h2", f"{LABELS['workshop']} {name}"))
        if summary.strip():
            expected.append(("h3", LABELS["summary"]))
        for column in columns:
            expected.append(("h3", column))
            expected += [("h4", g) for g in groups]
            if groups and notes:
                expected.append(("h4", LABELS["ungrouped"]))
        expected.append(("h3", LABELS["ranking"]))
        if notes:
            expected.append(("h3", LABELS["actions"]))
    if owners:
        expected += [("h2", LABELS["actions_by_owner"])] + [("h3", org or LABELS["nobody_yet"]) for org, _ in owners]
    expected.append(("h2", LABELS["next"]))

    assert [tag for tag, _ in headings] == [tag for tag, _ in expected]
    for (_, seen), (_, typed) in zip(headings, expected, strict=True):
        assert seen == as_typed(typed)
    for token in _walk(tokens):
        assert token.type not in ("html_block", "html_inline", "image"), token
        if token.type == "link_open":
            assert token.attrGet("href").lower().startswith(("http://", "https://", "mailto:")), token


# ---- plurals -----------------------------------------------------------------------------------
def test_every_count_has_its_plural_in_french_and_english(app):
    from facilitation.i18n import js_plurals
    from facilitation.mirror import markdown_labels

    with app.test_request_context("/", headers=FR):
        forms = js_plurals()
        labels = markdown_labels()
        assert forms["dots"]["one"] == "{n} point" and forms["dots"]["other"] == "{n} points"
        assert forms["chars_left"]["one"] == "{n} caractère restant"
        assert (labels["dots"](0), labels["dots"](1), labels["dots"](2)) == ("0 point", "1 point", "2 points")
        assert labels["hidden"](1) == "1 note écrite en privé, pas encore révélée"
        for key, by_category in forms.items():
            assert set(by_category) == {"one", "many", "other"} and all("{n}" in f for f in by_category.values()), key
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert js_plurals()["dots"] == {"one": "{n} dot", "many": "{n} dots", "other": "{n} dots"}
        assert markdown_labels()["dots"](1) == "1 dot"


def test_no_template_or_script_writes_a_count_by_hand():
    """Counts go through ngettext (templates) and count() (scripts): no "{n} notes" by hand."""
    root = Path(__file__).resolve().parent.parent
    for path in list((root / "static" / "js").glob("*.js")) + list((root / "templates").glob("*.html")):
        source = path.read_text()
        assert not re.search(r"\$\{[^}]+\} \$\{t\(\"", source), path  # `${n} ${t("dots")}`
        assert not re.search(r"=== 1 \? t\(", source), path  # n === 1 ? t("dot") : t("dots")
    for source in (root / "facilitation").rglob("*.py"):
        assert not re.search(r'gettext\("\{n\}', source.read_text()), source
