"""The rules in services/, driven with a plain SQLAlchemy session: no Flask."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from facilitation import payloads as pl
from facilitation import protocol as p
from facilitation.models import Board, BoardChange, Note
from facilitation.services import Actor, DomainError, ops, presenters
from facilitation.services import columns as column_service
from facilitation.services import events as event_service
from facilitation.services import notes as note_service
from facilitation.services import workshops as workshop_service
from facilitation.services.changes import changes_since

COLUMNS = ["Constats", "Difficultés", "Idées"]


def test_services_and_export_do_not_import_flask():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "facilitation"
    for path in [*(root / "services").glob("*.py"), *(root / "export").glob("*.py"), root / "protocol.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0].startswith("flask") for n in names), path


@pytest.fixture
def setup(session):
    event, token = event_service.create_event(session, title="Rencontre", place="Lyon")
    workshop = workshop_service.add_workshop(session, event, COLUMNS, title="Atelier")
    alice = event_service.ensure_participant(session, event, None)
    bob = event_service.ensure_participant(session, event, None)
    session.commit()
    board = workshop.board
    return {
        "event": event, "token": token, "board": board, "workshop": workshop,
        "cols": [c.id for c in board.columns],
        "alice": Actor(event.id, alice.id), "bob": Actor(event.id, bob.id),
        "fac": Actor(event.id, alice.id, facilitator=True),
    }


def test_join_codes_use_the_unambiguous_alphabet_and_are_unique(session):
    codes = {event_service.create_event(session, title=f"E{i}")[0].code for i in range(50)}
    assert len(codes) == 50
    assert all(len(c) == 6 and set(c) <= set(event_service.CODE_ALPHABET) for c in codes)
    assert not set("O0I1L") & set(event_service.CODE_ALPHABET)


def test_typed_codes_are_normalised(session, setup):
    code = setup["event"].code
    typed = f" {code[:3].lower()}-{code[3:]} "
    assert event_service.find_event(session, typed).id == setup["event"].id
    with pytest.raises(DomainError) as err:
        event_service.find_event(session, "ZZZZZZZ")
    assert err.value.code == p.NOT_FOUND


def test_the_facilitator_token_is_stored_hashed_and_can_be_replaced(session, setup):
    event, token = setup["event"], setup["token"]
    assert token not in event.facilitator_token_hash
    assert event_service.event_for_token(session, token).id == event.id
    assert event_service.event_for_token(session, token + "x") is None
    new = event_service.rotate_token(session, event)
    assert event_service.event_for_token(session, token) is None
    assert event_service.event_for_token(session, new).id == event.id


@pytest.mark.parametrize("fields,code,field", [
    ({"title": ""}, p.EMPTY, "title"), ({"title": "x" * 121}, p.TOO_LONG, "title"),
    ({"title": 3}, p.BAD_REQUEST, "title"),
    ({"title": "ok", "starts_on": "demain"}, p.BAD_REQUEST, "starts_on"),
    ({"title": "ok", "starts_on": "2026-02-30"}, p.BAD_REQUEST, "starts_on"),
    ({"title": "\u200b\u200d "}, p.EMPTY, "title"), ({"title": "a\x00b"}, p.BAD_REQUEST, "title"),
])
def test_event_fields_are_checked_at_the_edge(fields, code, field):
    with pytest.raises(pl.PayloadError) as err:
        pl.parse(pl.EventIn, fields)
    assert (err.value.code, err.value.field) == (code, field)


def test_an_event_cannot_end_before_it_starts(session):
    fields = pl.parse(pl.EventIn, {"title": "ok", "starts_on": "2026-12-04", "ends_on": "2026-12-03"}).given()
    with pytest.raises(DomainError) as err:
        event_service.create_event(session, **fields)
    assert (err.value.code, err.value.details) == (p.BAD_REQUEST, {"field": "ends_on"})


def test_organisation_names_are_unique_per_event(session, setup):
    event_service.add_organisation(session, setup["event"], name="Cabiria")
    event_service.add_organisation(session, setup["event"], name="Élan")
    for again in ("Cabiria", "cabiria", "Élan", "élan", "ÉLAN"):  # found by the API fuzz: SQLite folds ASCII only
        with pytest.raises(DomainError) as err:
            event_service.add_organisation(session, setup["event"], name=again)
        assert err.value.code == p.DUPLICATE
    other, _ = event_service.create_event(session, title="Autre")
    assert event_service.add_organisation(session, other, name="Cabiria").id


def test_a_participant_id_from_another_event_is_not_reused(session, setup):
    other, _ = event_service.create_event(session, title="Autre")
    alice_id = setup["alice"].participant_id
    assert event_service.ensure_participant(session, setup["event"], alice_id).id == alice_id
    assert event_service.ensure_participant(session, other, alice_id).id != alice_id


def test_a_profile_organisation_must_belong_to_the_event(session, setup):
    other, _ = event_service.create_event(session, title="Autre")
    foreign = event_service.add_organisation(session, other, name="Ailleurs")
    participant = event_service.ensure_participant(session, setup["event"], setup["alice"].participant_id)
    with pytest.raises(DomainError) as err:
        event_service.set_profile(session, participant, pseudonym="L", organisation_id=foreign.id)
    assert err.value.code == p.NOT_FOUND
    with pytest.raises(pl.PayloadError) as refused:  # a pseudonym too long is refused, never cut short
        pl.parse(pl.ProfileForm, {"pseudonym": "x" * 41})
    assert (refused.value.code, refused.value.field) == (p.TOO_LONG, "pseudonym")


def test_new_notes_go_to_the_end_of_their_column_and_bump_seq(session, setup):
    s = setup
    first = note_service.add(session, s["board"], s["alice"], column_id=s["cols"][0], text="a")
    second = note_service.add(session, s["board"], s["bob"], column_id=s["cols"][0], text="b", color="pink")
    assert (first.payload["seq"], second.payload["seq"]) == (1, 2)
    assert (first.payload["note"]["position"], second.payload["note"]["position"]) == (0, 1)
    assert second.payload["note"]["color"] == "pink"
    changes = session.scalars(select(BoardChange.seq).where(BoardChange.board_id == s["board"].id)).all()
    assert changes == [1, 2]


def test_only_the_author_or_the_facilitator_changes_a_note(session, setup):
    s = setup
    note = note_service.add(session, s["board"], s["alice"], column_id=s["cols"][0], text="a").payload["note"]
    for attempt in (
        lambda: note_service.edit(session, s["board"], s["bob"], note_id=note["id"], text="b"),
        lambda: note_service.delete(session, s["board"], s["bob"], note_id=note["id"]),
    ):
        with pytest.raises(DomainError) as err:
            attempt()
        assert err.value.code == p.FORBIDDEN
    with pytest.raises(DomainError) as err:
        note_service.move(session, s["board"], s["alice"], note_id=note["id"], column_id=s["cols"][1], index=0)
    assert err.value.code == p.NOT_FACILITATOR
    by_author = note_service.edit(session, s["board"], s["alice"], note_id=note["id"], text="a2")
    by_facilitator = note_service.edit(session, s["board"], s["fac"], note_id=note["id"], color="blue")
    assert (by_author.payload["note"]["version"], by_facilitator.payload["note"]["version"]) == (2, 3)


def test_moving_renumbers_the_target_column(session, setup):
    s = setup
    ids = [note_service.add(session, s["board"], s["alice"], column_id=s["cols"][0], text=t).payload["note"]["id"]
           for t in "abc"]
    moved = note_service.move(session, s["board"], s["fac"], note_id=ids[2], column_id=s["cols"][0], index=0)
    assert moved.payload["order"] == [ids[2], ids[0], ids[1]]
    across = note_service.move(session, s["board"], s["fac"], note_id=ids[0], column_id=s["cols"][1], index=7)
    assert across.payload["order"] == [ids[0]] and across.payload["note"]["column"] == s["cols"][1]
    positions = dict(session.execute(select(Note.id, Note.position).where(Note.column_id == s["cols"][0])).all())
    assert positions == {ids[2]: 0, ids[1]: 1}  # the column left behind is renumbered too


def test_changes_since_and_the_snapshot_fallback(session, setup, monkeypatch):
    s = setup
    for t in "abcd":
        note_service.add(session, s["board"], s["alice"], column_id=s["cols"][0], text=t)
    changes = changes_since(session, s["board"], 2)
    assert [c["data"]["note"]["text"] for c in changes] == ["c", "d"]
    assert changes_since(session, s["board"], 4) == []
    assert changes_since(session, s["board"], 5) is None  # ahead: snapshot
    monkeypatch.setattr(p, "CATCH_UP_MAX", 2)
    assert changes_since(session, s["board"], 1) is None  # too far behind: snapshot
    snap, mine = presenters.Phone(s["alice"].participant_id).snapshot(session, s["board"])
    assert snap["seq"] == 4 and [n["text"] for n in snap["notes"]] == list("abcd")
    assert mine == [n["id"] for n in snap["notes"]]
    assert presenters.Phone(s["bob"].participant_id).snapshot(session, s["board"])[1] == []


def test_columns_add_rename_move_and_delete(session, setup):
    s = setup
    board = s["board"]
    added = column_service.add_column(session, board, "Questions")
    assert [c["title"] for c in added.payload["columns"]] == COLUMNS + ["Questions"]
    new_id = added.payload["columns"][-1]["id"]
    moved = column_service.update_column(session, board, new_id, title="Questions ouvertes", index=0)
    assert [c["title"] for c in moved.payload["columns"]][:2] == ["Questions ouvertes", "Constats"]
    note_service.add(session, board, s["alice"], column_id=new_id, text="?")
    with pytest.raises(DomainError) as err:
        column_service.delete_column(session, board, new_id)
    assert err.value.code == p.COLUMN_NOT_EMPTY
    left = column_service.delete_column(session, board, s["cols"][2])
    assert [c["position"] for c in left.payload["columns"]] == [0, 1, 2]


def test_the_last_column_cannot_be_deleted(session, setup):
    board = setup["board"]
    for column_id in setup["cols"][:-1]:
        column_service.delete_column(session, board, column_id)
    with pytest.raises(DomainError) as err:
        column_service.delete_column(session, board, setup["cols"][-1])
    assert err.value.code == p.LAST_COLUMN


def test_deleting_a_workshop_removes_its_board_notes_and_log(session, setup):
    s = setup
    note_service.add(session, s["board"], s["alice"], column_id=s["cols"][0], text="a")
    workshop_service.delete_workshop(session, s["workshop"])
    session.commit()
    assert session.scalar(select(Board).where(Board.id == s["board"].id)) is None
    assert session.scalars(select(Note)).all() == []
    assert session.scalars(select(BoardChange)).all() == []


def test_an_op_answer_is_remembered_per_actor(session):
    ops.remember(session, "alice", "op-00000001", {"ok": True, "seq": 3})
    assert ops.previous_answer(session, "alice", "op-00000001") == {"ok": True, "seq": 3}
    assert ops.previous_answer(session, "bob", "op-00000001") is None
