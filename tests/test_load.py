"""Room load, correctness only (the numbers are in bench/ and docs/performance.md): a note's
HTML made once and stored, snapshots shared per seq that are exactly the fresh ones, and vote
tallies that coalesce without losing the last totals."""

from __future__ import annotations

import json
import threading
import time
import zlib

from sqlalchemy import select, update

from facilitation import create_app
from facilitation import protocol as p
from facilitation.db import get_session
from facilitation.export.render import RENDER_VERSION, render_note
from facilitation.models import Board, Note, Vote
from facilitation.services import presenters, queries

from .conftest import app_config
from .factories import make_world, op, phone
from .server import Device, start_server
from .test_faults import _event, server_db  # noqa: F401 - fixture used by name


def _text(answer: object) -> str:
    return json.dumps(answer, ensure_ascii=False, default=bytes.hex)  # (a compressed board: bytes)


def _cmd(device, board: int, event: str, **payload) -> dict:
    return device.emit(event, {"op": op(), "board": board, **payload})


# ---- HTML made when a note is written ------------------------------------------------------
def test_a_notes_html_is_stored_when_written_and_old_notes_are_rendered_once_at_start(app, tmp_path, db_url):
    world = make_world(app)
    board, column = world.boards[0], world.columns[world.boards[0]][0]
    writer = phone(world)
    made = _cmd(writer, board, p.NOTE_ADD, column=column, text="**Constat** : https://www.utsopi.be")["note"]
    edited = _cmd(writer, board, p.NOTE_EDIT, note=made["id"], text="*Modifié*")["note"]
    older = _cmd(writer, board, p.NOTE_ADD, column=column, text="Écrite avant\n- une liste")["note"]
    with app.app_context():
        db = get_session()
        stored = db.get(Note, made["id"])
        assert (stored.html, stored.html_version) == (render_note("*Modifié*"), RENDER_VERSION) == (
            edited["html"], RENDER_VERSION)
        # As a release before this one left them: no HTML, or HTML from another renderer.
        db.execute(update(Note).where(Note.id == older["id"]).values(html=None, html_version=None))
        db.execute(update(Note).where(Note.id == made["id"]).values(html="<p>périmé</p>", html_version="0-old"))
        db.commit()
        # Read before the next start, they are still right (rendered on the way, never stale).
        forms = {n["id"]: n["html"] for n in presenters.PROJECTOR.shared(db, db.get(Board, board))["notes"]}
        assert forms == {made["id"]: render_note("*Modifié*"), older["id"]: render_note("Écrite avant\n- une liste")}

    restarted = create_app(app_config(tmp_path, db_url))  # the next start renders them, once
    try:
        with restarted.app_context():
            rows = get_session().execute(select(Note.id, Note.html, Note.html_version).order_by(Note.id)).all()
            assert [(r.html, r.html_version) for r in rows] == [
                (render_note("*Modifié*"), RENDER_VERSION), (render_note("Écrite avant\n- une liste"), RENDER_VERSION)]
            from facilitation.services.notes import refresh_html

            assert refresh_html(get_session()) == 0  # and never again
    finally:
        restarted.extensions["relais.engine"].dispose()


# ---- one snapshot per seq ------------------------------------------------------------------
def test_a_snapshot_served_from_the_cache_is_the_fresh_one_and_a_change_replaces_it(app, no_rate_limits):
    world = make_world(app)
    board, columns = world.boards[0], world.columns[world.boards[0]]
    writer, console = phone(world), phone(world, facilitator=True, view="console")
    notes = [_cmd(writer, board, p.NOTE_ADD, column=columns[i % 3], text=f"Note {i} « é »")["note"] for i in range(12)]
    cache = app.extensions["relais.snapshots"]
    with app.app_context():
        db = get_session()
        the_board = db.get(Board, board)
        participant = db.scalar(select(Note.author_id).where(Note.id == notes[0]["id"]))
        for seen in (presenters.FACILITATORS, presenters.PROJECTOR, presenters.Phone(participant)):
            kept, seq = cache.entry(db, the_board, seen)
            first, built = kept.text, cache.built
            kept, same_seq = cache.entry(db, the_board, seen)
            again = kept.text
            assert cache.built == built and same_seq == seq  # served, not built
            assert again == first == cache.build(db, the_board, seen)[0]  # byte for byte the fresh one
            assert json.loads(again) == seen.shared(db, the_board)
    # Through the socket: a phone's answer is the shared text with its own vote and notes.
    answer = writer.emit(p.BOARD_JOIN, {"board": board})
    assert [n["id"] for n in answer["board"]["notes"]] == [n["id"] for n in notes[0::3] + notes[1::3] + notes[2::3]]
    assert sorted(answer["mine"]) == sorted(n["id"] for n in notes) and answer["board"]["vote"] is None

    # Packed for a browser that can inflate it: the same board, a fraction of the bytes.
    packed = writer.emit(p.BOARD_JOIN, {"board": board, "pack": "deflate"})
    inflated = json.loads(zlib.decompress(packed["board"]))  # bytes: a binary frame beside the JSON
    assert {**inflated, "vote": packed["vote"]} == answer["board"] and packed["mine"] == answer["mine"]
    assert len(packed["board"]) < len(_text(answer["board"]).encode()) / 2

    # An edit is a new seq: the next join gets the new words, never the kept ones.
    assert _cmd(writer, board, p.NOTE_EDIT, note=notes[0]["id"], text="Nouveau texte")["ok"]
    joined = phone(world, join=False).emit(p.BOARD_JOIN, {"board": board})
    assert "Nouveau texte" in _text(joined) and "Note 0 " not in _text(joined)
    # So is a change made over HTTP (a column renamed).
    renamed = console.http.patch(f"/api/events/{world.code}/workshops/{world.workshops[0]}/columns/{columns[1]}",
                                 json={"title": "Colonne renommée"})
    assert renamed.json["ok"]
    assert "Colonne renommée" in _text(phone(world, join=False).emit(p.BOARD_JOIN, {"board": board}))
    # And the event's title, which the board's seq does not count.
    assert console.http.patch(f"/api/events/{world.code}", json={"title": "Rencontre renommée"}).json["ok"]
    assert phone(world, join=False).emit(p.BOARD_JOIN, {"board": board})["board"]["event"]["title"] == \
        "Rencontre renommée"
    # A workshop deleted for good leaves nothing of its board in memory either.
    assert any(key[0] == board for key in cache.kept)
    assert console.http.delete(f"/api/events/{world.code}/workshops/{world.workshops[0]}").json["ok"]
    assert not any(key[0] == board for key in cache.kept)


def test_a_join_answered_in_one_statement_is_the_full_paths_answer(app, no_rate_limits, monkeypatch):
    """realtime._quick_join answers a phone or a projector from the kept snapshot; whatever
    it answers, the full path answers byte for byte (but the clock), and what it cannot
    answer (a vote, private writing, a console, a catch-up, a facilitator) goes the full way."""
    from facilitation import realtime

    world = make_world(app)
    other = make_world(app)  # a second event: its participant id is in the same cookie
    board, columns = world.boards[0], world.columns[world.boards[0]]
    console = phone(world, facilitator=True, view="console")
    alice, bob = phone(world), phone(world)
    assert alice.http.get(f"/{other.code}/w/{other.workshops[0]}").status_code == 200
    for i in range(5):
        _cmd(alice, board, p.NOTE_ADD, column=columns[i % 3], text=f"Note d'Alice {i}")
    _cmd(bob, board, p.NOTE_ADD, column=columns[0], text="Note de Bob")
    quick = realtime._quick_join
    answered: list[bool] = []

    def spy(*args):
        answer = quick(*args)
        answered.append(answer is not None)
        return answer

    monkeypatch.setattr(realtime, "_quick_join", spy)

    def both(device, **payload) -> tuple[dict, dict]:
        """The answer of the quick path (or of the full one when it declines), then the full path's."""
        first = device.emit(p.BOARD_JOIN, {"board": board, **payload})
        with monkeypatch.context() as full:
            full.setattr(realtime, "_quick_join", lambda *a: None)
            second = device.emit(p.BOARD_JOIN, {"board": board, **payload})
        assert first["ok"] and second["ok"], (first, second)
        assert _text({**first, "now": 0}) == _text({**second, "now": 0})
        return first, second

    projector = phone(world, join=False)
    answered.clear()
    projector.emit(p.BOARD_JOIN, {"board": board, "view": "projector"})
    assert answered == [False]  # the first join at this seq builds the snapshot, on the full path
    for device, payload in ((alice, {}), (bob, {}), (alice, {"pack": "deflate"}), (projector, {"view": "projector"}),
                            (phone(world, join=False), {})):
        answered.clear()
        both(device, **payload)
        assert answered == [True], payload
    mine = alice.emit(p.BOARD_JOIN, {"board": board})["mine"]
    assert len(mine) == 5 and mine == sorted(mine)
    assert projector.emit(p.BOARD_JOIN, {"board": board, "view": "projector"})["mine"] == []
    assert alice.sock.get_received() is not None  # in the rooms: a note reaches the one who joined quickly
    _cmd(bob, board, p.NOTE_ADD, column=columns[1], text="Encore Bob")
    assert any(m["name"] == p.NOTE_ADDED for m in alice.sock.get_received())

    # What it leaves to the full path, each answered as before.
    for device, payload in ((console, {"view": "console"}), (alice, {"since": 1}), (console, {})):
        answered.clear()
        both(device, **payload)
        assert answered == [False], payload
    assert phone(world, join=False).emit(p.BOARD_JOIN, {"board": 10_000})["error"]["code"] == p.NOT_FOUND
    stranger = phone(other, join=False)
    assert stranger.emit(p.BOARD_JOIN, {"board": board})["error"]["code"] == p.FORBIDDEN
    assert _cmd(console, board, p.BOARD_SET, private=True)["ok"]
    answered.clear()
    both(alice)
    assert answered == [False]  # a phone while private: its own snapshot
    both(projector, view="projector")  # a new seq: built once, on the full path
    answered.clear()
    both(projector, view="projector")
    assert answered == [True]  # the projector's public one is still shared
    assert _cmd(console, board, p.BOARD_SET, private=False, phase="vote")["ok"]
    assert _cmd(console, board, p.VOTE_OPEN, budget=3, cap=1)["ok"]
    answered.clear()
    with_vote = alice.emit(p.BOARD_JOIN, {"board": board})
    assert answered == [False] and with_vote["board"]["vote"]["mine"]["left"] == 3  # its own dots: the full path


def test_while_writing_is_private_no_phone_is_served_the_facilitators_snapshot(app, no_rate_limits):
    world = make_world(app)
    board, column = world.boards[0], world.columns[world.boards[0]][0]
    console = phone(world, facilitator=True, view="console")
    assert _cmd(console, board, p.BOARD_SET, private=True)["ok"]
    alice, bob = phone(world), phone(world)
    _cmd(alice, board, p.NOTE_ADD, column=column, text="SECRET-ALICE")
    _cmd(bob, board, p.NOTE_ADD, column=column, text="SECRET-BOB")
    for _ in range(2):  # the console's snapshot is built, then served from the cache
        assert "SECRET-ALICE" in _text(console.emit(p.BOARD_JOIN, {"board": board, "view": "console"}))
    for _ in range(2):
        seen_by_alice = _text(alice.emit(p.BOARD_JOIN, {"board": board}))
        assert "SECRET-ALICE" in seen_by_alice and "SECRET-BOB" not in seen_by_alice
        seen_by_bob = _text(bob.emit(p.BOARD_JOIN, {"board": board}))
        assert "SECRET-BOB" in seen_by_bob and "SECRET-ALICE" not in seen_by_bob
        on_screen = _text(phone(world, join=False).emit(p.BOARD_JOIN, {"board": board, "view": "projector"}))
        assert "SECRET" not in on_screen
    # Writing shown: everyone's notes, from a snapshot built for the new seq.
    assert _cmd(console, board, p.BOARD_SET, private=False)["ok"]
    shown = _text(phone(world, join=False).emit(p.BOARD_JOIN, {"board": board, "view": "projector"}))
    assert "SECRET-ALICE" in shown and "SECRET-BOB" in shown


# ---- tallies -------------------------------------------------------------------------------
def test_a_burst_of_dots_ends_in_tallies_equal_to_the_database(tmp_path, server_db):  # noqa: F811
    """A real server, 12 phones casting all their dots at once: every ack comes, every dot is
    counted, each screen hears a few tallies (not one per dot) and the last equals the database."""
    server = start_server(tmp_path, database_url=server_db, RATE_LIMITS="off", TALLY_INTERVAL="0.1")
    devices: list[Device] = []
    try:
        console, ev = _event(server.url)
        devices.append(console)
        board = ev["board"]
        targets = [console.call(p.NOTE_ADD, {"op": op(), "board": board, "column": ev["column"],
                                             "text": f"Idée {i}"})["note"]["id"] for i in range(4)]
        assert console.call(p.BOARD_SET, {"op": op(), "board": board, "phase": p.VOTE})["ok"]
        vote = console.call(p.VOTE_OPEN, {"op": op(), "board": board, "budget": 3, "cap": 3})["vote"]
        phones = []
        for _ in range(12):
            device = Device(server.url)
            devices.append(device)
            device.join_board(ev["page"], board)
            phones.append(device)
        acks: list[dict] = []
        start = threading.Barrier(len(phones))

        def cast(device: Device, n: int) -> None:
            start.wait()
            for k in range(3):
                acks.append(device.call(p.VOTE_CAST, {"op": op(), "board": board, "vote": vote["id"],
                                                      "target": targets[(n + k) % 4]}))

        threads = [threading.Thread(target=cast, args=(device, n)) for n, device in enumerate(phones)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        took = time.monotonic() - started
        assert len(acks) == 36 and all(a["ok"] for a in acks), [a for a in acks if not a["ok"]][:3]

        def tallies(device: Device) -> list[dict]:
            return [data for name, data in device.events if name == p.BOARD_TALLY]

        for device in [console, *phones]:
            device.wait_until(lambda _events, d=device: bool(tallies(d)) and tallies(d)[-1]["vote"]["cast"] == 36)
        final = console.call(p.BOARD_JOIN, {"board": board, "view": "console"})
        assert (final["board"]["vote"]["cast"], final["board"]["vote"]["voters"]) == (36, 12)
        for device in [console, *phones]:
            heard = tallies(device)
            assert heard[-1]["vote"]["voters"] == 12 and heard[-1]["seq"] == final["seq"]
            # One tally per TALLY_INTERVAL at most, and one at the start: far fewer than 36 dots.
            assert len(heard) <= took / 0.1 + 2, (len(heard), took)
            assert [t["vote"]["at"] for t in heard] == sorted(t["vote"]["at"] for t in heard)
    finally:
        for device in devices:
            device.close()
        log = server.stop()
    assert "Traceback" not in log


def test_a_dot_touches_neither_the_boards_seq_nor_its_change_log(app, no_rate_limits):
    world = make_world(app)
    board, column = world.boards[0], world.columns[world.boards[0]][0]
    console, alice = phone(world, facilitator=True, view="console"), phone(world)
    note = _cmd(alice, board, p.NOTE_ADD, column=column, text="Une idée")["note"]
    _cmd(console, board, p.BOARD_SET, phase=p.VOTE)
    vote = _cmd(console, board, p.VOTE_OPEN, budget=2, cap=2)["vote"]
    with app.app_context():
        before = get_session().scalar(select(Board.seq).where(Board.id == board))
    cast = _cmd(alice, board, p.VOTE_CAST, vote=vote["id"], target=note["id"])
    assert cast["mine"]["left"] == 1 and cast["vote"]["cast"] == 1 and "seq" not in cast
    with app.app_context():
        db = get_session()
        assert db.scalar(select(Board.seq).where(Board.id == board)) == before
        assert queries.turnout(db, db.get(Vote, vote["id"])) == (1, 1)
    # A screen that catches up from before the dot has its totals in the answer.
    again = alice.emit(p.BOARD_JOIN, {"board": board, "since": before})
    assert again["changes"] == [] and again["vote"]["cast"] == 1 and again["vote"]["mine"]["left"] == 1
