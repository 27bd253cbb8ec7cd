"""Who sees what, decided by the presenters alone: for every audience, every kind of change
and every board mode, what each presenter emits, and that the phone, projector, change log
and Markdown forms never hold what that audience may not see."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import select

from facilitation import protocol as p
from facilitation.export.markdown import board_markdown
from facilitation.models import BoardChange
from facilitation.services import Actor, presenters
from facilitation.services import actions as action_service
from facilitation.services import events as event_service
from facilitation.services import groups as group_service
from facilitation.services import notes as note_service
from facilitation.services import state as state_service
from facilitation.services import votes as vote_service
from facilitation.services import workshops as workshop_service
from facilitation.services.changes import Change

SECRET_TEXT = "Texte-confidentiel-d-Alice"
PSEUDONYM = "Pseudo-Louve"
ORGANISATION = "Orga-Cabiria"
LABELS = {**{k: k for k in ("question", "empty", "ungrouped", "ranking", "no_votes", "actions", "due")},
          "hidden": lambda n: f"{n} hidden", "dots": lambda n: f"{n} dots"}

# (anonymity, private writing): every way a board can be run.
MODES = [("shown", False), ("hidden", False), ("anonymous", False), ("shown", True), ("hidden", True)]


def _text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@pytest.fixture
def board_in(session):
    """A board in a given mode, with Alice (signed) and Bob, and the facilitator."""

    def make(anonymity: str, private: bool) -> dict:
        event, _ = event_service.create_event(session, title="Rencontre")
        org = event_service.add_organisation(session, event, name=ORGANISATION)
        workshop = workshop_service.add_workshop(session, event, ["Constats", "Idées"], title="Atelier")
        alice = event_service.ensure_participant(session, event, None)
        event_service.set_profile(session, alice, pseudonym=PSEUDONYM, organisation_id=org.id)
        bob = event_service.ensure_participant(session, event, None)
        board = workshop.board
        fac = Actor(event.id, bob.id, facilitator=True)
        state_service.set_board(session, board, fac, anonymity=anonymity)
        if private:
            state_service.set_board(session, board, fac, private=True)
        session.commit()
        return {"board": board, "cols": [c.id for c in board.columns], "fac": fac,
                "alice": Actor(event.id, alice.id), "bob": Actor(event.id, bob.id)}

    return make


def _kinds(w: dict) -> dict[str, Callable]:
    """Every kind of change a board has, each made by its usual author."""
    board, cols, fac, alice = w["board"], w["cols"], w["fac"], w["alice"]

    def note(session) -> int:
        return note_service.add(session, board, alice, column_id=cols[0], text=SECRET_TEXT).payload["note"]["id"]

    return {
        "note:added": lambda s: note_service.add(s, board, alice, column_id=cols[0], text=SECRET_TEXT),
        "note:edited": lambda s: note_service.edit(s, board, alice, note_id=note(s), text=SECRET_TEXT + " bis"),
        "note:moved": lambda s: note_service.move(s, board, fac, note_id=note(s), column_id=cols[1], index=0),
        "note:deleted": lambda s: note_service.delete(s, board, alice, note_id=note(s)),
        "group:add": lambda s: group_service.add(s, board, fac, column_id=cols[0], title="Groupe",
                                                 note_ids=[note(s)]),
        "board:state": lambda s: state_service.set_timer(s, board, fac, action="start", seconds=60),
        "board:actions": lambda s: action_service.add(s, board, fac, what="Agir"),
    }


def _check_public(form: dict, anonymity: str, private: bool, where: str) -> None:
    seen = _text(form)
    if private:
        assert SECRET_TEXT not in seen, where
    if anonymity != "shown" or private:
        assert PSEUDONYM not in seen and ORGANISATION not in seen, where


@pytest.mark.parametrize("anonymity,private", MODES)
def test_every_audience_sees_only_what_it_may(session, board_in, anonymity, private):
    w = board_in(anonymity, private)
    board = w["board"]
    phone_alice = presenters.Phone(w["alice"].participant_id)
    phone_bob = presenters.Phone(w["bob"].participant_id)
    for kind, make in _kinds(w).items():
        change: Change = make(session)
        session.commit()
        where = f"{kind} in {anonymity}{' private' if private else ''}"
        # The facilitators get the full form, as the rules made it.
        assert presenters.FACILITATORS.change(session, board, change.name, change.payload) == (
            change.name, change.payload)
        # The shared room (phones and projector), the projector and the change log get one same form.
        name, form = presenters.PROJECTOR.change(session, board, change.name, change.payload)
        projector = (name, {"board": board.id, "seq": change.payload["seq"], **form})
        logged = session.scalar(select(BoardChange).where(BoardChange.board_id == board.id,
                                                          BoardChange.seq == change.payload["seq"]))
        assert (change.public_name, change.public) == projector == (logged.name, logged.payload), where
        _check_public(change.public, anonymity, private, where)
        if private and kind.startswith("note:") or private and kind == "group:add":
            assert change.public_name == p.BOARD_COUNTS, where
        # A participant's own extras: only to her, her text even while private, never a hidden name.
        for participant, name, payload in change.own:
            if name == p.NOTE_OWN:
                assert participant == w["alice"].participant_id, where
                if anonymity != "shown":
                    assert PSEUDONYM not in _text(payload), where
    # Snapshots, audience by audience.
    full, _ = presenters.FACILITATORS.snapshot(session, board)
    assert SECRET_TEXT in _text(full)
    if anonymity != "anonymous":  # a fully anonymous board never stored the pseudonym at all
        assert PSEUDONYM in _text(full) and ORGANISATION in _text(full)
    else:
        assert PSEUDONYM not in _text(full)
    for audience in (presenters.PROJECTOR, phone_bob):
        snap, mine = audience.snapshot(session, board)
        _check_public(snap, anonymity, private, f"{audience.audience} snapshot")
        assert mine == []
    own, mine = phone_alice.snapshot(session, board)
    assert SECRET_TEXT in _text(own) and mine  # her own notes, even while private
    if anonymity != "shown":
        assert PSEUDONYM not in _text(own)
    assert (own["counts"] is None) is (not private)
    # The Markdown note: what the room sees, as a document.
    markdown = board_markdown(presenters.MARKDOWN.document(session, board), LABELS)
    _check_public({"md": markdown}, anonymity, private, "markdown")
    if not private:
        assert SECRET_TEXT in markdown
    if anonymity == "shown" and not private:
        assert PSEUDONYM in markdown and ORGANISATION in markdown


def test_votes_show_totals_to_everyone_only_once_revealed_and_dots_to_their_owner_only(session, board_in):
    w = board_in("shown", False)
    board, fac, alice = w["board"], w["fac"], w["alice"]
    note = note_service.add(session, board, alice, column_id=w["cols"][0], text="n").payload["note"]["id"]
    state_service.set_board(session, board, fac, phase=p.VOTE)
    vote = vote_service.open_vote(session, board, fac).payload["vote"]
    cast = vote_service.cast(session, board, alice, vote_id=vote["id"], target_id=note)
    session.commit()
    for audience in (presenters.FACILITATORS, presenters.PROJECTOR, presenters.LOG):
        assert audience.change(session, board, cast.name, cast.payload)[1]["vote"]["results"] is None
    assert [o[0] for o in cast.own] == [alice.participant_id]  # vote:mine to her sockets only
    assert presenters.Phone(alice.participant_id).snapshot(session, board)[0]["vote"]["mine"]["dots"] == {str(note): 1}
    assert presenters.PROJECTOR.snapshot(session, board)[0]["vote"]["mine"]["dots"] == {}
    revealed = vote_service.reveal_vote(session, board, fac, vote_id=vote["id"])
    assert revealed.public["vote"]["results"] == [{"id": note, "dots": 1}]


def test_phones_are_told_what_they_may_do_at_each_step(session, board_in):
    w = board_in("shown", False)
    from facilitation.services.phases import ALLOWED

    for phase in p.PHASES:
        change = state_service.set_board(session, w["board"], w["fac"], phase=phase)
        assert change.public["state"]["may"] == {action: phase in phases for action, phases in ALLOWED.items()}
