"""Running a workshop: phases, lock, timer, private writing, anonymity, groups, votes,
spotlight and actions, through Socket.IO test clients on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from facilitation import clock
from facilitation import protocol as p
from facilitation.db import get_session
from facilitation.mirror import wait_idle
from facilitation.models import Ballot, Board, Dot, Note

from .factories import Phone, World, form_post, op, phone


def cmd(device: Phone, world: World, event: str, **payload) -> dict:
    """Send one board command with a fresh op id; return its ack."""
    return device.emit(event, {"op": op(), "board": world.boards[0], **payload})


def col(world: World, i: int = 0) -> int:
    return world.columns[world.boards[0]][i]


def state(world: World) -> tuple:
    """Everything a refused command must leave as it was."""
    with world.app.app_context():
        db = get_session()
        board = db.get(Board, world.boards[0])
        notes = db.execute(select(Note.id, Note.text, Note.version, Note.column_id, Note.group_id)
                           .order_by(Note.id)).all()
        ballots = db.execute(select(Ballot.participant_id, Ballot.used).order_by(Ballot.id)).all()
        dots = db.execute(select(Dot.target_id, Dot.count).order_by(Dot.id)).all()
        return (board.seq, board.phase, board.locked, board.private, tuple(notes), tuple(ballots), tuple(dots))


def everything(device: Phone) -> str:
    """All a socket received, as one string to search."""
    return json.dumps(device.sock.get_received(), ensure_ascii=False)


# What a participant's phone may do, phase by phase (the table in services/phases.py, told to phones as state.may).
MAY = {"add": {p.COLLECT}, "edit": {p.COLLECT, p.GROUP}, "delete": {p.COLLECT, p.GROUP},
       "vote": {p.VOTE}, "unvote": {p.VOTE}}


@pytest.mark.parametrize("phase", p.PHASES)
def test_every_participant_action_in_every_phase(world, phase):
    console = phone(world, facilitator=True, view="console")
    alice, bob = phone(world), phone(world)
    mine = cmd(alice, world, p.NOTE_ADD, column=col(world), text="à moi")["note"]
    spare = cmd(alice, world, p.NOTE_ADD, column=col(world), text="à jeter")["note"]
    other = cmd(bob, world, p.NOTE_ADD, column=col(world), text="de Bob")["note"]
    assert cmd(console, world, p.BOARD_SET, phase=p.VOTE)["ok"]
    vote = cmd(console, world, p.VOTE_OPEN)["vote"]
    assert cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=other["id"])["ok"]  # one dot to take back
    deadline = time.monotonic() + 5  # its tally comes from a background task: let it land first
    while not [m for m in bob.sock.get_received() if m["name"] == p.BOARD_TALLY]:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    told = cmd(console, world, p.BOARD_SET, phase=phase)["state"]["may"]
    # Phones are told what they may do by the server; the table they are told is the one enforced.
    assert told == {a: phase in MAY[a] for a in ("add", "edit", "delete", "vote")}
    attempts = {
        "add": (p.NOTE_ADD, {"column": col(world), "text": "encore une"}),
        "edit": (p.NOTE_EDIT, {"note": mine["id"], "text": "corrigée"}),
        "delete": (p.NOTE_DELETE, {"note": spare["id"]}),
        "vote": (p.VOTE_CAST, {"vote": vote["id"], "target": mine["id"]}),
        "unvote": (p.VOTE_UNCAST, {"vote": vote["id"], "target": other["id"]}),
    }
    for action, (event, payload) in attempts.items():
        before = state(world)
        bob.received()
        ack = cmd(alice, world, event, **payload)
        if phase in MAY[action]:
            assert ack["ok"], (phase, action, ack)
        else:
            assert ack["ok"] is False and ack["error"]["code"] == p.WRONG_PHASE, (phase, action, ack)
            assert ack["error"]["message"]
            assert state(world) == before, (phase, action)
            assert bob.received() == [], (phase, action)
    # The facilitator tidies up in any phase.
    assert cmd(console, world, p.NOTE_EDIT, note=mine["id"], text="synthèse")["ok"]


def test_a_locked_board_accepts_nothing_from_participants(world):
    console = phone(world, facilitator=True, view="console")
    alice = phone(world)
    note = cmd(alice, world, p.NOTE_ADD, column=col(world), text="avant")["note"]
    assert cmd(console, world, p.BOARD_SET, locked=True)["state"]["locked"] is True
    before = state(world)
    for event, payload in ((p.NOTE_ADD, {"column": col(world), "text": "pendant"}),
                           (p.NOTE_EDIT, {"note": note["id"], "text": "x"}),
                           (p.NOTE_DELETE, {"note": note["id"]})):
        ack = cmd(alice, world, event, **payload)
        assert ack["error"]["code"] == p.LOCKED and "pause" in ack["error"]["message"]
    assert state(world) == before
    assert cmd(console, world, p.NOTE_ADD, column=col(world), text="le facilitateur écrit")["ok"]
    assert cmd(console, world, p.BOARD_SET, locked=False)["ok"]
    assert cmd(alice, world, p.NOTE_ADD, column=col(world), text="après")["ok"]
    # Locked in the vote phase too.
    assert cmd(console, world, p.BOARD_SET, phase=p.VOTE, locked=True)["ok"]
    vote = cmd(console, world, p.VOTE_OPEN)["vote"]
    assert cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=note["id"])["error"]["code"] == p.LOCKED


def test_the_timer_follows_the_server_clock_and_may_lock_the_board(world):
    console = phone(world, facilitator=True, view="console")
    alice = phone(world)
    started = cmd(console, world, p.BOARD_TIMER, action="start", seconds=300)
    timer = started["state"]["timer"]
    now = time.time() * 1000
    assert abs(timer["ends_at"] - (now + 300_000)) < 2000 and timer["total"] == 300_000
    assert alice.received(p.BOARD_STATE)[-1]["state"]["timer"] == timer
    paused = cmd(console, world, p.BOARD_TIMER, action="pause")["state"]["timer"]
    assert paused["ends_at"] is None and 298_000 < paused["left"] <= 300_000
    extended = cmd(console, world, p.BOARD_TIMER, action="extend", seconds=60)["state"]["timer"]
    assert extended["left"] == paused["left"] + 60_000 and extended["total"] == 360_000
    resumed = cmd(console, world, p.BOARD_TIMER, action="resume")["state"]["timer"]
    assert resumed["left"] is None and resumed["ends_at"] > now
    assert cmd(console, world, p.BOARD_TIMER, action="stop")["state"]["timer"] is None
    assert cmd(console, world, p.BOARD_TIMER, action="pause")["error"]["code"] == p.NO_TIMER
    assert cmd(console, world, p.BOARD_TIMER, action="start")["error"]["code"] == p.BAD_REQUEST
    assert cmd(console, world, p.BOARD_TIMER, action="start", seconds=10**6)["error"]["code"] == p.BAD_REQUEST
    # A timer set to lock: when it ends, the board refuses participants without anyone clicking.
    assert cmd(console, world, p.BOARD_TIMER, action="start", seconds=1, locks=True)["ok"]
    assert cmd(alice, world, p.NOTE_ADD, column=col(world), text="à temps")["ok"]
    clock.travel(1.2)  # the server's clock, moved instead of waited for
    late = cmd(alice, world, p.NOTE_ADD, column=col(world), text="trop tard")
    assert late["error"]["code"] == p.LOCKED
    assert cmd(console, world, p.BOARD_SET, locked=False)["ok"]  # unlocking reopens it
    assert cmd(alice, world, p.NOTE_ADD, column=col(world), text="rouvert")["ok"]


def test_facilitator_commands_from_a_participant_change_nothing(world):
    console = phone(world, facilitator=True, view="console")
    alice, bob = phone(world), phone(world)
    note = cmd(alice, world, p.NOTE_ADD, column=col(world), text="n")["note"]
    group = cmd(console, world, p.GROUP_ADD, column=col(world), title="G")["groups"][0]
    action = cmd(console, world, p.ACTION_ADD, note=note["id"])["actions"][0]
    cmd(console, world, p.BOARD_SET, phase=p.VOTE)
    vote = cmd(console, world, p.VOTE_OPEN)["vote"]
    attempts = [
        (p.BOARD_SET, {"phase": p.CLOSED}), (p.BOARD_SET, {"locked": True}), (p.BOARD_SET, {"private": True}),
        (p.BOARD_SET, {"anonymity": p.ANONYMOUS}), (p.BOARD_TIMER, {"action": "start", "seconds": 60}),
        (p.BOARD_SPOTLIGHT, {"kind": "note", "id": note["id"]}),
        (p.GROUP_ADD, {"column": col(world), "title": "H"}), (p.GROUP_EDIT, {"group": group["id"], "title": "X"}),
        (p.GROUP_DELETE, {"group": group["id"]}), (p.VOTE_OPEN, {}), (p.VOTE_CLOSE, {"vote": vote["id"]}),
        (p.VOTE_REVEAL, {"vote": vote["id"]}), (p.ACTION_ADD, {"note": note["id"]}),
        (p.ACTION_EDIT, {"action": action["id"], "what": "x"}), (p.ACTION_DELETE, {"action": action["id"]}),
        (p.NOTE_MOVE, {"note": note["id"], "column": col(world, 1), "index": 0}),
    ]
    before = state(world)
    bob.received()
    for event, payload in attempts:
        ack = cmd(alice, world, event, **payload)
        assert ack["ok"] is False and ack["error"]["code"] == p.NOT_FACILITATOR, (event, ack)
    assert state(world) == before and bob.received() == []
    # and a participant may not open the console view
    assert alice.emit(p.BOARD_JOIN, {"board": world.boards[0], "view": "console"})["error"]["code"] == p.NOT_FACILITATOR


def test_bad_payloads_for_the_new_events_are_refused(world):
    console = phone(world, facilitator=True, view="console")
    bad = [
        (p.BOARD_SET, {"phase": "lunch"}), (p.BOARD_SET, {"locked": "yes"}), (p.BOARD_SET, {}),
        (p.BOARD_TIMER, {"action": "rewind"}), (p.BOARD_TIMER, {"action": "start", "seconds": True}),
        (p.BOARD_SPOTLIGHT, {"kind": "column", "id": 1}),
        (p.GROUP_ADD, {"column": col(world), "title": "x" * 81}), (p.GROUP_ADD, {"column": col(world), "notes": "1"}),
        (p.VOTE_OPEN, {"budget": 0}), (p.VOTE_OPEN, {"budget": 21}), (p.VOTE_OPEN, {"target": "people"}),
        (p.VOTE_CAST, {"vote": "1", "target": 1}), (p.ACTION_ADD, {"what": "x" * 501}),
        (p.ACTION_ADD, {"what": "x", "due": "demain"}),
    ]
    before = state(world)
    for event, payload in bad:
        ack = cmd(console, world, event, **payload)
        assert ack["ok"] is False and ack["error"]["code"] in (p.BAD_REQUEST, p.TOO_LONG), (event, payload, ack)
    assert state(world) == before
    other_board = world.boards[1]
    ack = console.emit(p.VOTE_OPEN, {"op": op(), "board": other_board})
    assert ack["error"]["code"] == p.NOT_JOINED


def test_private_notes_reach_no_other_participant_by_any_path(world):
    console = phone(world, facilitator=True, view="console")
    projector = phone(world, facilitator=True, view="projector")  # the facilitator's laptop, projected
    alice, bob = phone(world), phone(world)
    alice_tab = alice.tab(world)
    assert alice_tab.emit(p.BOARD_JOIN, {"board": world.boards[0]})["ok"]
    open_note = cmd(bob, world, p.NOTE_ADD, column=col(world), text="écrite avant")["note"]
    assert cmd(console, world, p.BOARD_SET, private=True)["state"]["private"] is True
    bob_seq = bob.emit(p.BOARD_JOIN, {"board": world.boards[0]})["seq"]
    for device in (console, projector, alice, alice_tab, bob):
        device.received()

    secret = "SECRET-alice-42"
    note = cmd(alice, world, p.NOTE_ADD, column=col(world), text=secret)["note"]
    assert cmd(alice, world, p.NOTE_EDIT, note=note["id"], text=secret + " v2")["ok"]
    assert cmd(console, world, p.NOTE_MOVE, note=note["id"], column=col(world, 1), index=0)["ok"]
    assert cmd(console, world, p.GROUP_ADD, column=col(world, 1), title="Groupe", notes=[note["id"]])["ok"]
    assert cmd(console, world, p.BOARD_SPOTLIGHT, kind="note", id=note["id"])["error"]["code"] == p.PRIVATE_WRITING
    assert cmd(console, world, p.ACTION_ADD, note=note["id"])["error"]["code"] == p.PRIVATE_WRITING

    for device in (bob, projector):
        got = device.sock.get_received()
        assert secret not in json.dumps(got, ensure_ascii=False)
        assert {m["name"] for m in got} == {p.BOARD_COUNTS}  # counts only, one per change
        assert got[-1]["args"][0]["counts"] == {str(col(world)): 1, str(col(world, 1)): 1}
    assert secret in everything(alice_tab)  # the author's other tab: note:own
    assert secret in everything(console)
    # Snapshots and catch-up
    for device in (bob, projector):
        for payload in ({"board": world.boards[0], "since": bob_seq}, {"board": world.boards[0]}):
            if device is projector:
                payload["view"] = "projector"
            ack = device.emit(p.BOARD_JOIN, payload)
            assert ack["ok"] and secret not in json.dumps(ack, ensure_ascii=False)
            assert [n["id"] for n in ack["board"]["notes"]] == ([open_note["id"]] if device is bob else [])
            assert ack["board"]["counts"] == {str(col(world)): 1, str(col(world, 1)): 1}
    mine = alice.emit(p.BOARD_JOIN, {"board": world.boards[0]})
    assert {n["text"] for n in mine["board"]["notes"]} == {secret + " v2"}
    # Exports: the Markdown file and the download.
    app = world.app
    assert wait_idle(app)
    files = list(Path(app.config["NOTES_DIR"]).rglob("*.md"))
    assert files and all(secret not in f.read_text() for f in files)
    download = console.http.get(f"/{world.code}/w/{world.workshops[0]}/notes.md")
    assert download.status_code == 200 and secret not in download.get_data(as_text=True)
    assert "2" in download.get_data(as_text=True)
    # Another participant cannot reach it by guessing its id either.
    ack = cmd(bob, world, p.NOTE_EDIT, note=note["id"], text="x", version=1)
    assert ack["error"]["code"] == p.FORBIDDEN and secret not in json.dumps(ack)

    # The reveal: one change tells every screen to reload, and catch-up stops at it.
    revealed = cmd(console, world, p.BOARD_SET, private=False)
    assert revealed["resync"] is True
    assert bob.received(p.BOARD_STATE)[-1]["resync"] is True
    again = bob.emit(p.BOARD_JOIN, {"board": world.boards[0], "since": bob_seq})
    assert "board" in again and secret + " v2" in json.dumps(again, ensure_ascii=False)
    assert wait_idle(app)
    assert any(secret in f.read_text() for f in Path(app.config["NOTES_DIR"]).rglob("*.md"))


def test_leaving_the_writing_step_reveals_private_notes(world):
    console = phone(world, facilitator=True, view="console")
    alice, bob = phone(world), phone(world)
    cmd(console, world, p.BOARD_SET, private=True)
    cmd(alice, world, p.NOTE_ADD, column=col(world), text="cachée")
    assert cmd(console, world, p.BOARD_SET, private=True, phase=p.VOTE)["error"]["code"] == p.WRONG_PHASE
    moved = cmd(console, world, p.BOARD_SET, phase=p.GROUP)
    assert moved["state"] == {**moved["state"], "phase": p.GROUP, "private": False}
    assert [n["text"] for n in bob.emit(p.BOARD_JOIN, {"board": world.boards[0]})["board"]["notes"]] == ["cachée"]


def test_pseudonyms_hidden_from_phones_and_projector_or_never_stored(world):
    alice_http = world.app.test_client()
    alice_http.get(f"/{world.code}")
    form_post(alice_http, f"/{world.code}/profile", {"pseudonym": "Lola", "organisation": str(world.organisations[0])})
    console = phone(world, facilitator=True, view="console")
    bob = phone(world)
    projector = phone(world, facilitator=True, view="projector")
    from facilitation.extensions import socketio

    alice = Phone(alice_http, socketio.test_client(world.app, flask_test_client=alice_http))
    assert alice.emit(p.BOARD_JOIN, {"board": world.boards[0]})["ok"]
    shown = cmd(alice, world, p.NOTE_ADD, column=col(world), text="signée")["note"]
    assert (shown["pseudonym"], shown["organisation"]) == ("Lola", "Cabiria")

    assert cmd(console, world, p.BOARD_SET, anonymity=p.HIDDEN)["ok"]
    for device in (bob, projector, console):
        device.received()
    cmd(alice, world, p.NOTE_ADD, column=col(world), text="cachée")
    for device in (bob, projector):
        assert "Lola" not in everything(device) and "Cabiria" not in everything(device)
        snap = device.emit(p.BOARD_JOIN, {"board": world.boards[0],
                                          **({"view": "projector"} if device is projector else {})})
        assert "Lola" not in json.dumps(snap)
    assert "Lola" in everything(console)
    full = console.emit(p.BOARD_JOIN, {"board": world.boards[0], "view": "console"})
    assert {n["pseudonym"] for n in full["board"]["notes"]} == {"Lola"}

    assert cmd(console, world, p.BOARD_SET, anonymity=p.ANONYMOUS)["ok"]
    cmd(alice, world, p.NOTE_ADD, column=col(world), text="anonyme")
    with world.app.app_context():
        stored = get_session().execute(select(Note.pseudonym, Note.organisation_id)).all()
    assert set(stored) == {("", None)}  # nothing kept, old notes included
    assert cmd(alice, world, p.NOTE_EDIT, note=shown["id"], text="toujours à moi")["ok"]


def _notes(world, device, texts):
    return [cmd(device, world, p.NOTE_ADD, column=col(world), text=t)["note"]["id"] for t in texts]


def test_dot_votes_are_secret_capped_and_hidden_until_revealed(world):
    console = phone(world, facilitator=True, view="console")
    projector = phone(world, facilitator=True, view="projector")
    alice, bob = phone(world), phone(world)
    alice_tab = alice.tab(world)
    assert alice_tab.emit(p.BOARD_JOIN, {"board": world.boards[0]})["ok"]
    a, b, c = _notes(world, bob, "abc")
    assert cmd(console, world, p.VOTE_OPEN)["error"]["code"] == p.WRONG_PHASE
    cmd(console, world, p.BOARD_SET, phase=p.VOTE)
    assert cmd(console, world, p.VOTE_OPEN, budget=2, cap=3)["error"]["code"] == p.BAD_REQUEST
    assert cmd(console, world, p.VOTE_OPEN, target="groups")["error"]["code"] == p.NO_GROUPS
    vote = cmd(console, world, p.VOTE_OPEN, budget=3, cap=2)["vote"]
    assert vote == {**vote, "budget": 3, "cap": 2, "hide_results": True, "open": True, "results": None}
    assert cmd(console, world, p.VOTE_OPEN)["error"]["code"] == p.VOTE_OPEN_ALREADY
    for device in (console, projector, bob, alice_tab):
        device.received()

    first = cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=a)
    assert first["mine"] == {"vote": vote["id"], "left": 2, "dots": {str(a): 1}}
    assert cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=a)["mine"]["left"] == 1
    assert cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=a)["error"]["code"] == p.CAP_REACHED
    assert cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=b)["mine"]["left"] == 0
    assert cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=c)["error"]["code"] == p.NO_DOTS_LEFT
    assert cmd(alice, world, p.VOTE_UNCAST, vote=vote["id"], target=c)["error"]["code"] == p.NOT_VOTED
    back = cmd(alice, world, p.VOTE_UNCAST, vote=vote["id"], target=a)
    assert back["mine"] == {"vote": vote["id"], "left": 1, "dots": {str(a): 1, str(b): 1}}
    assert cmd(bob, world, p.VOTE_CAST, vote=vote["id"], target=c)["ok"]
    assert cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=99999)["error"]["code"] == p.NOT_FOUND

    with world.app.app_context():
        alice_id = get_session().scalar(select(Ballot.participant_id).where(Ballot.used == 2))
    for device in (console, projector, bob):
        got = device.sock.get_received()
        deadline = time.monotonic() + 5  # tallies are coalesced: the last one comes within 0.1 s
        while not [m for m in got if m["name"] == p.BOARD_TALLY and m["args"][0]["vote"]["voters"] == 2]:
            assert time.monotonic() < deadline, got
            time.sleep(0.02)
            got += device.sock.get_received()
        assert alice_id not in json.dumps(got)
        votes = [m["args"][0]["vote"] for m in got if m["name"] == p.BOARD_TALLY]
        assert votes and all(v["results"] is None for v in votes)
        assert votes[-1]["cast"] == 3 and votes[-1]["voters"] == 2
        assert len(votes) < 7  # 6 dots moved, coalesced
        # vote:mine goes to the voter's own sockets only: Bob hears of his own dot, nobody of Alice's.
        mine = [m["args"][0]["dots"] for m in got if m["name"] == p.VOTE_MINE]
        assert mine == ([{str(c): 1}] if device is bob else [])
    assert [m["left"] for m in alice_tab.received(p.VOTE_MINE)] == [2, 1, 0, 1]
    # The phone's snapshot carries its own dots, and nobody else's.
    assert bob.emit(p.BOARD_JOIN, {"board": world.boards[0]})["board"]["vote"]["mine"] == {
        "left": 2, "dots": {str(c): 1}}

    assert cmd(console, world, p.VOTE_CLOSE, vote=vote["id"])["vote"]["open"] is False
    assert cmd(bob, world, p.VOTE_CAST, vote=vote["id"], target=a)["error"]["code"] == p.NO_VOTE
    revealed = cmd(console, world, p.VOTE_REVEAL, vote=vote["id"])["vote"]
    assert revealed["results"] == [{"id": a, "dots": 1}, {"id": b, "dots": 1}, {"id": c, "dots": 1}]
    assert projector.received(p.BOARD_VOTE)[-1]["vote"]["results"] == revealed["results"]
    assert wait_idle(world.app)
    text = console.http.get(f"/{world.code}/w/{world.workshops[0]}/notes.md").get_data(as_text=True)
    assert "1 point" in text and alice_id not in text


def test_deleting_a_voted_note_gives_the_dots_back(world):
    console = phone(world, facilitator=True, view="console")
    alice = phone(world)
    a, b = _notes(world, alice, "ab")
    cmd(console, world, p.BOARD_SET, phase=p.VOTE)
    vote = cmd(console, world, p.VOTE_OPEN, budget=2, cap=1)["vote"]
    cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=a)
    cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=b)
    alice.received()
    assert cmd(console, world, p.NOTE_DELETE, note=a)["ok"]
    assert alice.received(p.VOTE_MINE)[-1]["left"] == 1
    assert cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=b)["error"]["code"] == p.CAP_REACHED


def test_groups_gather_move_rename_split_and_take_votes(world):
    console = phone(world, facilitator=True, view="console")
    alice = phone(world)
    a, b, c = _notes(world, alice, "abc")
    made = cmd(console, world, p.GROUP_ADD, column=col(world, 1), title="Violences", notes=[c, a])
    group = made["groups"][0]
    assert group == {"id": group["id"], "column": col(world, 1), "title": "Violences", "position": 0}
    placed = {n["id"]: n for n in made["notes"]}
    assert (placed[c]["group"], placed[c]["position"], placed[a]["position"]) == (group["id"], 0, 1)
    assert placed[a]["column"] == col(world, 1)
    assert alice.received(p.BOARD_GROUPS)[-1]["groups"] == made["groups"]
    # drag b into the group, at the top
    moved = cmd(console, world, p.NOTE_MOVE, note=b, column=col(world, 1), index=0, group=group["id"])
    assert moved["order"] == [b, c, a] and moved["note"]["group"] == group["id"]
    assert cmd(console, world, p.NOTE_MOVE, note=b, column=col(world), index=0,
               group=group["id"])["error"]["code"] == p.WRONG_BOARD
    second = cmd(console, world, p.GROUP_ADD, column=col(world, 1), title="Idées")["groups"]
    assert [g["title"] for g in second] == ["Violences", "Idées"]
    renamed = cmd(console, world, p.GROUP_EDIT, group=group["id"], title="Violences en ligne", column=col(world, 2),
                  index=0)
    assert {n["column"] for n in renamed["notes"] if n["group"] == group["id"]} == {col(world, 2)}
    assert cmd(console, world, p.GROUP_EDIT, group=group["id"], title="")["error"]["code"] == p.EMPTY
    # vote on groups
    cmd(console, world, p.BOARD_SET, phase=p.VOTE)
    vote = cmd(console, world, p.VOTE_OPEN, target="groups", budget=2, cap=2)["vote"]
    assert cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=10**6)["error"]["code"] == p.NOT_FOUND
    assert cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=group["id"])["ok"]
    split = cmd(console, world, p.GROUP_DELETE, group=group["id"])
    assert [g["title"] for g in split["groups"]] == ["Idées"]
    loose = sorted((n["position"], n["id"]) for n in split["notes"] if n["column"] == col(world, 2))
    assert [i for _, i in loose] == [b, c, a] and all(n["group"] is None for n in split["notes"])
    assert split["ok"] and cmd(alice, world, p.VOTE_CAST, vote=vote["id"], target=second[1]["id"])["mine"]["left"] == 1


def test_spotlight_and_actions(world):
    console = phone(world, facilitator=True, view="console")
    alice, projector = phone(world), phone(world, facilitator=True, view="projector")
    (a,) = _notes(world, alice, ["Créer un annuaire des permanences"])
    lit = cmd(console, world, p.BOARD_SPOTLIGHT, kind="note", id=a)
    assert lit["state"]["spotlight"] == {"kind": "note", "id": a}
    assert projector.received(p.BOARD_STATE)[-1]["state"]["spotlight"] == {"kind": "note", "id": a}
    assert cmd(console, world, p.BOARD_SPOTLIGHT)["state"]["spotlight"] is None
    assert cmd(console, world, p.BOARD_SPOTLIGHT, kind="group", id=a)["error"]["code"] == p.NOT_FOUND

    added = cmd(console, world, p.ACTION_ADD, note=a, organisation=world.organisations[1], due="2027-03-01")
    action = added["actions"][0]
    assert action == {**action, "what": "Créer un annuaire des permanences", "organisation_name": "Espace P",
                      "due": "2027-03-01", "due_label": "1 mars 2027", "note": a}
    edited = cmd(console, world, p.ACTION_EDIT, action=action["id"], what="Annuaire partagé", organisation=0, due="")
    assert edited["actions"][0] == {**action, "what": "Annuaire partagé", "organisation": None,
                                    "organisation_name": "", "due": None, "due_label": ""}
    other_event_org = 10**6
    assert cmd(console, world, p.ACTION_EDIT, action=action["id"],
               organisation=other_event_org)["error"]["code"] == p.NOT_FOUND
    assert cmd(console, world, p.ACTION_ADD, what="")["error"]["code"] == p.EMPTY
    free = cmd(console, world, p.ACTION_ADD, what="Prochaine rencontre à Bruxelles",
               organisation=world.organisations[1])
    assert [x["what"] for x in free["actions"]] == ["Annuaire partagé", "Prochaine rencontre à Bruxelles"]
    assert projector.received(p.BOARD_ACTIONS)[-1]["actions"] == free["actions"]
    assert wait_idle(world.app)
    text = console.http.get(f"/{world.code}/w/{world.workshops[0]}/notes.md").get_data(as_text=True)
    assert "Prochaine rencontre à Bruxelles" in text and "Espace P" in text
    assert cmd(console, world, p.ACTION_DELETE, action=action["id"])["actions"] == free["actions"][1:]
