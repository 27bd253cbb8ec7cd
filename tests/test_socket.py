"""Socket handlers through Flask-SocketIO's test clients, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from facilitation import protocol as p
from facilitation.db import get_session
from facilitation.models import BoardChange, Note, Operation

from .factories import form_post, op, phone


def _count_notes(app) -> int:
    with app.app_context():
        return get_session().scalar(select(func.count(Note.id)))


def test_notes_reach_everyone_on_the_board_and_nobody_else(world):
    alice, bob = phone(world), phone(world)
    other_board = phone(world, 1)
    board, column = world.boards[0], world.columns[world.boards[0]][0]

    ack = alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": column, "text": "Bonjour **tous**"})
    assert ack["ok"] and ack["seq"] == 1
    assert ack["note"]["html"] == "<p>Bonjour <strong>tous</strong></p>"

    for device in (alice, bob):
        added = device.received(p.NOTE_ADDED)
        assert [a["note"]["id"] for a in added] == [ack["note"]["id"]]
        assert added[0]["seq"] == 1 and added[0]["board"] == board
    assert other_board.received() == []


def test_edit_move_delete_roundtrip_with_sequence_numbers(world):
    alice, fac = phone(world), phone(world, facilitator=True)
    board = world.boards[0]
    cols = world.columns[board]
    note = alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": cols[0], "text": "a"})["note"]

    edited = alice.emit(p.NOTE_EDIT, {"op": op(), "board": board, "note": note["id"], "text": "b",
                                      "version": note["version"]})
    assert edited["ok"] and edited["note"]["text"] == "b" and edited["note"]["version"] == 2
    moved = fac.emit(p.NOTE_MOVE, {"op": op(), "board": board, "note": note["id"], "column": cols[2], "index": 0})
    assert moved["ok"] and moved["note"]["column"] == cols[2] and moved["order"] == [note["id"]]
    deleted = fac.emit(p.NOTE_DELETE, {"op": op(), "board": board, "note": note["id"]})
    assert deleted["ok"] and deleted["seq"] == 4

    seqs = [m["args"][0]["seq"] for m in alice.sock.get_received() if m["name"] != p.NOTE_OWN]
    assert seqs == [1, 2, 3, 4]
    assert _count_notes(world.app) == 0


def test_a_participant_cannot_change_anothers_note(world):
    alice, mallory = phone(world), phone(world)
    board = world.boards[0]
    note = alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": world.columns[board][0],
                                   "text": "à moi"})["note"]
    mallory.received()
    for event, extra in ((p.NOTE_EDIT, {"text": "volé"}), (p.NOTE_DELETE, {})):
        ack = mallory.emit(event, {"op": op(), "board": board, "note": note["id"], **extra})
        assert ack == {"ok": False, "error": {"code": p.FORBIDDEN, "message": ack["error"]["message"]}}
    ack = mallory.emit(p.NOTE_MOVE, {"op": op(), "board": board, "note": note["id"],
                                     "column": world.columns[board][1], "index": 0})
    assert ack["error"]["code"] == p.NOT_FACILITATOR
    assert mallory.received() == [] and alice.received(p.NOTE_EDITED) == []
    with world.app.app_context():
        stored = get_session().get(Note, note["id"])
        assert (stored.text, stored.column_id, stored.version) == ("à moi", world.columns[board][0], 1)


def test_the_facilitator_edits_any_note(world):
    alice, fac = phone(world), phone(world, facilitator=True)
    board = world.boards[0]
    note = alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": world.columns[board][0],
                                   "text": "brouillon"})["note"]
    ack = fac.emit(p.NOTE_EDIT, {"op": op(), "board": board, "note": note["id"], "text": "propre"})
    assert ack["ok"] and ack["note"]["text"] == "propre"


def test_an_edit_on_an_old_version_is_refused_with_the_new_one(world):
    alice, fac = phone(world), phone(world, facilitator=True)
    board = world.boards[0]
    note = alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": world.columns[board][0],
                                   "text": "v1"})["note"]
    assert fac.emit(p.NOTE_EDIT, {"op": op(), "board": board, "note": note["id"], "text": "v2",
                                  "version": 1})["ok"]
    ack = alice.emit(p.NOTE_EDIT, {"op": op(), "board": board, "note": note["id"], "text": "v1 bis",
                                   "version": 1})
    assert ack["error"]["code"] == p.CONFLICT and ack["error"]["note"]["text"] == "v2"


def test_a_replayed_op_is_applied_once_and_answered_the_same(world):
    alice = phone(world)
    board = world.boards[0]
    payload = {"op": op(), "board": board, "column": world.columns[board][0], "text": "une fois"}
    first = alice.emit(p.NOTE_ADD, payload)
    again = alice.emit(p.NOTE_ADD, payload)
    assert first == again
    assert _count_notes(world.app) == 1
    assert len(alice.received(p.NOTE_ADDED)) == 1


def test_events_for_a_board_not_joined_are_refused(world):
    alice = phone(world, 0)
    board2 = world.boards[1]
    ack = alice.emit(p.NOTE_ADD, {"op": op(), "board": board2, "column": world.columns[board2][0], "text": "x"})
    assert ack["error"]["code"] == p.NOT_JOINED
    assert _count_notes(world.app) == 0


def test_a_board_of_another_event_cannot_be_joined(app, world):
    from .factories import make_world

    other = make_world(app, workshops=1)
    alice = phone(world)
    ack = alice.emit(p.BOARD_JOIN, {"board": other.boards[0]})
    assert ack["error"]["code"] == p.FORBIDDEN
    ack = alice.emit(p.NOTE_ADD, {"op": op(), "board": other.boards[0],
                                  "column": other.columns[other.boards[0]][0], "text": "x"})
    assert ack["error"]["code"] == p.NOT_JOINED


def test_a_column_of_another_board_is_refused(world):
    alice = phone(world)
    ack = alice.emit(p.NOTE_ADD, {"op": op(), "board": world.boards[0],
                                  "column": world.columns[world.boards[1]][0], "text": "x"})
    assert ack["error"]["code"] == p.WRONG_BOARD


def test_a_socket_without_a_participant_cookie_cannot_join(app, world, sio):
    stranger = sio.test_client(app)
    ack = stranger.emit(p.BOARD_JOIN, {"board": world.boards[0]}, callback=True)
    assert ack["error"]["code"] == p.FORBIDDEN


# Each bad payload with the exact code and field it must be refused with.
BAD_PAYLOADS = {
    p.BOARD_JOIN: [
        (None, p.BAD_REQUEST, "payload"), ([], p.BAD_REQUEST, "payload"), ("x", p.BAD_REQUEST, "payload"),
        ({}, p.BAD_REQUEST, "board"), ({"board": "1"}, p.BAD_REQUEST, "board"),
        ({"board": True}, p.BAD_REQUEST, "board"), ({"board": 0}, p.BAD_REQUEST, "board"),
        ({"board": "B", "since": -1}, p.BAD_REQUEST, "since"), ({"board": 2**40}, p.BAD_REQUEST, "board"),
        ({"board": "B", "view": "god"}, p.BAD_REQUEST, "view"),
        ({"board": 999999}, p.NOT_FOUND, None),
    ],
    p.BOARD_LEAVE: [(None, p.BAD_REQUEST, "payload"), ({}, p.BAD_REQUEST, "board"),
                    ({"board": 1.5}, p.BAD_REQUEST, "board")],
    p.NOTE_ADD: [
        (None, p.BAD_REQUEST, "payload"), (42, p.BAD_REQUEST, "payload"), ({}, p.BAD_REQUEST, "op"),
        ({"board": "1", "column": "C", "text": "x", "op": "op-12345678"}, p.BAD_REQUEST, "board"),
        ({"op": "court", "board": "B", "column": "C", "text": "x"}, p.BAD_REQUEST, "op"),
        ({"op": "op-12345678", "board": "B", "column": "C"}, p.BAD_REQUEST, "text"),
        ({"op": "op-12345678", "board": "B", "column": "C", "text": ""}, p.EMPTY, "text"),
        ({"op": "op-12345678", "board": "B", "column": "C", "text": "   \n "}, p.EMPTY, "text"),
        ({"op": "op-12345678", "board": "B", "column": "C", "text": "\u200b\u2060\ufeff"}, p.EMPTY, "text"),
        ({"op": "op-12345678", "board": "B", "column": "C", "text": "x" * 501}, p.TOO_LONG, "text"),
        ({"op": "op-12345678", "board": "B", "column": "C", "text": ["x"]}, p.BAD_REQUEST, "text"),
        ({"op": "op-12345678", "board": "B", "column": "C", "text": "a\x00b"}, p.BAD_REQUEST, "text"),
        ({"op": "op-12345678", "board": "B", "column": "C", "text": "a\ud800b"}, p.BAD_REQUEST, "text"),
        ({"op": "op-12345678", "board": "B", "column": "C", "text": "x", "color": "black"}, p.BAD_COLOR, "color"),
        ({"op": "op-12345678", "board": "B", "column": "C", "text": "x", "color": 3}, p.BAD_REQUEST, "color"),
        ({"op": "<script>x</script>", "board": "B", "column": "C", "text": "x"}, p.BAD_REQUEST, "op"),
        ({"op": "op-12345678", "board": "B", "column": 999999, "text": "x"}, p.WRONG_BOARD, None),
    ],
    p.NOTE_EDIT: [(None, p.BAD_REQUEST, "payload"),
                  ({"op": "op-12345678", "board": "B", "note": "1"}, p.BAD_REQUEST, "note"),
                  ({"op": "op-12345678", "board": "B", "note": 1, "text": 5}, p.BAD_REQUEST, "text"),
                  ({"op": "op-12345678", "board": "B", "note": 999999, "text": "x"}, p.NOT_FOUND, None)],
    p.NOTE_MOVE: [(None, p.BAD_REQUEST, "payload"),
                  ({"op": "op-12345678", "board": "B", "note": 1, "column": "C"}, p.BAD_REQUEST, "index"),
                  ({"op": "op-12345678", "board": "B", "note": 1, "column": "C", "index": -1}, p.BAD_REQUEST,
                   "index"),
                  ({"op": "op-12345678", "board": "B", "note": 1, "column": "C", "index": "0"}, p.BAD_REQUEST,
                   "index")],
    p.NOTE_DELETE: [(None, p.BAD_REQUEST, "payload"), ({"board": "B", "note": 1}, p.BAD_REQUEST, "op"),
                    ({"op": "op-12345678", "board": "B", "note": 999999}, p.NOT_FOUND, None)],
}


def _fill(payload, world):
    if not isinstance(payload, dict):
        return payload
    board = world.boards[0]
    swap = {"B": board, "C": world.columns[board][0]}
    return {k: swap.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}


@pytest.mark.parametrize("event", sorted(BAD_PAYLOADS))
def test_bad_payloads_get_an_error_code_and_change_nothing(world, event):
    fac = phone(world, facilitator=True)
    watcher = phone(world)
    with world.app.app_context():
        before = (get_session().scalar(select(func.count(BoardChange.id))),
                  get_session().scalar(select(func.count(Operation.id))))
    for payload, code, field in BAD_PAYLOADS[event]:
        ack = fac.emit(event, _fill(payload, world))
        assert ack["ok"] is False, payload
        assert (ack["error"]["code"], ack["error"].get("field")) == (code, field), (payload, ack)
        assert ack["error"]["message"]
    with world.app.app_context():
        after = (get_session().scalar(select(func.count(BoardChange.id))),
                 get_session().scalar(select(func.count(Operation.id))))
    assert before == after
    assert watcher.received() == []
    # The worker is still up: a good command still works.
    ack = fac.emit(p.NOTE_ADD, {"op": op(), "board": world.boards[0],
                                "column": world.columns[world.boards[0]][0], "text": "ok"})
    assert ack["ok"]


def test_error_messages_are_translated(world):
    alice = phone(world)
    alice.http.set_cookie("lang", "en")
    english = phone(world)
    english.http.set_cookie("lang", "en")
    english.sock.disconnect()
    from facilitation.extensions import socketio

    english.sock = socketio.test_client(world.app, flask_test_client=english.http)
    assert english.emit(p.BOARD_JOIN, {"board": world.boards[0]})["ok"]
    payload = {"op": op(), "board": world.boards[0], "column": world.columns[world.boards[0]][0], "text": ""}
    assert english.emit(p.NOTE_ADD, payload)["error"]["message"] == "The text is empty."
    french = phone(world)
    assert french.emit(p.NOTE_ADD, payload)["error"]["message"] == "Le texte est vide."


def test_unknown_events_get_an_error(world):
    alice = phone(world)
    ack = alice.emit("board:explode", {"board": world.boards[0]})
    assert ack["error"]["code"] == p.UNKNOWN_EVENT


def test_reconnect_with_last_seq_gets_only_missed_changes(world):
    alice, bob = phone(world), phone(world)
    board, cols = world.boards[0], world.columns[world.boards[0]]
    alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": cols[0], "text": "1"})
    bob.sock.disconnect()
    for text in ("2", "3"):
        alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": cols[0], "text": text})
    bob = phone(world, join=False)
    ack = bob.emit(p.BOARD_JOIN, {"board": board, "since": 1})
    assert ack["ok"] and ack["seq"] == 3
    assert [c["data"]["note"]["text"] for c in ack["changes"]] == ["2", "3"]
    assert [c["event"] for c in ack["changes"]] == [p.NOTE_ADDED, p.NOTE_ADDED]
    up_to_date = bob.emit(p.BOARD_JOIN, {"board": board, "since": 3})
    assert up_to_date["changes"] == [] and up_to_date["seq"] == 3
    ahead = bob.emit(p.BOARD_JOIN, {"board": board, "since": 99})
    assert ahead["board"]["seq"] == 3 and len(ahead["board"]["notes"]) == 3


def test_join_answers_a_snapshot_with_own_note_ids(world):
    alice, bob = phone(world), phone(world)
    board, col = world.boards[0], world.columns[world.boards[0]][1]
    mine = alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": col, "text": "a"})["note"]["id"]
    bob.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": col, "text": "b"})
    ack = alice.emit(p.BOARD_JOIN, {"board": board})
    snap = ack["board"]
    assert ack["mine"] == [mine]
    assert [c["title"] for c in snap["columns"]] == ["Constats", "Difficultés", "Idées"]
    assert [n["text"] for n in snap["notes"]] == ["a", "b"]
    assert snap["workshop"]["question"] == "Quelles violences en ligne ?"
    assert ack["facilitator"] is False


def test_script_in_a_note_is_never_sent_as_markup(world):
    alice = phone(world)
    board = world.boards[0]
    text = '<script>alert(1)</script> <img src=x onerror=alert(2)> [lien](javascript:alert(3))'
    note = alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": world.columns[board][0],
                                   "text": text})["note"]
    assert note["text"] == text  # stored as source
    html = note["html"]
    assert "<script" not in html and "<img" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html


def test_the_pseudonym_and_organisation_of_the_profile_sign_new_notes(world):
    alice = phone(world, join=False)
    response = form_post(alice.http, f"/{world.code}/profile",
                         {"pseudonym": "Louve", "organisation": str(world.organisations[0])})
    assert response.status_code == 302
    alice.emit(p.BOARD_JOIN, {"board": world.boards[0]})
    note = alice.emit(p.NOTE_ADD, {"op": op(), "board": world.boards[0],
                                   "column": world.columns[world.boards[0]][0], "text": "x"})["note"]
    assert (note["pseudonym"], note["organisation"]) == ("Louve", "Cabiria")


def test_a_failure_inside_a_rule_answers_internal_and_changes_nothing(world, monkeypatch):
    from facilitation.services import notes as note_service

    alice, bob = phone(world), phone(world)
    board, column = world.boards[0], world.columns[world.boards[0]][0]
    real_add = note_service.add

    def add_then_fail(*args, **kwargs):
        real_add(*args, **kwargs)  # the note is flushed, then something breaks before the commit
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(note_service, "add", add_then_fail)
    ack = alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": column, "text": "perdue ?"})
    assert ack["error"]["code"] == p.INTERNAL
    assert _count_notes(world.app) == 0 and bob.received() == []
    monkeypatch.setattr(note_service, "add", real_add)
    again = alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": column, "text": "pas perdue"})
    assert again["ok"] and again["seq"] == 1


def _scanned_rooms(manager, sid: str) -> set:
    """A socket's rooms the way python-socketio finds them: through every room."""
    return {name for name, members in manager.rooms.get("/", {}).items() if name is not None and sid in members}


def test_each_sockets_rooms_are_known_without_a_scan_and_forgotten_when_it_leaves(world):
    from facilitation.extensions import socketio
    from facilitation.rooms import IndexedRooms

    manager = socketio.server.manager
    assert isinstance(manager, IndexedRooms)
    alice, projector = phone(world), phone(world, view="projector")
    fac = phone(world, facilitator=True, view="console")
    devices = [alice, projector, fac]
    sids = [manager.sid_from_eio_sid(d.sock.eio_sid, "/") for d in devices]
    for sid in sids:
        assert set(manager.get_rooms(sid, "/")) == _scanned_rooms(manager, sid)
    assert p.board_room(world.boards[0]) in manager.get_rooms(sids[0], "/")

    # Alice follows the second workshop's board too, then leaves both.
    assert alice.emit(p.BOARD_JOIN, {"board": world.boards[1]})["ok"]
    assert set(manager.get_rooms(sids[0], "/")) == _scanned_rooms(manager, sids[0])
    assert {p.board_room(b) for b in world.boards} <= set(manager.get_rooms(sids[0], "/"))
    for board in world.boards:
        assert alice.emit(p.BOARD_LEAVE, {"board": board})["ok"]
        assert set(manager.get_rooms(sids[0], "/")) == _scanned_rooms(manager, sids[0])
    assert manager.get_rooms(sids[0], "/") == [sids[0]]  # its own room only
    assert alice.emit(p.NOTE_ADD, {"op": op(), "board": world.boards[0], "column": world.columns[world.boards[0]][0],
                                   "text": "après être partie"})["error"]["code"] == "not_joined"

    # Gone: in no room, and nothing of it kept.
    for device in devices:
        device.sock.disconnect()
    for sid in sids:
        assert _scanned_rooms(manager, sid) == set()
        assert manager.get_rooms(sid, "/") == []
        assert ("/", sid) not in manager.joined
        assert sid not in manager.callbacks


def test_a_sockets_cookie_is_read_at_its_first_event_only(app, world, monkeypatch):
    """identity.CookieOncePerSocket: Flask opened the signed cookie for every event (about
    90 µs each), and Flask-SocketIO threw that away for its own copy made at the first one."""
    from flask.sessions import SecureCookieSessionInterface

    from facilitation.extensions import socketio

    opened: list[str] = []
    real = SecureCookieSessionInterface.open_session
    monkeypatch.setattr(SecureCookieSessionInterface, "open_session",
                        lambda self, a, request: opened.append(request.path) or real(self, a, request))
    alice = phone(world, join=False)
    opened.clear()
    board = world.boards[0]
    assert alice.emit(p.BOARD_JOIN, {"board": board})["ok"]
    assert len(opened) == 1  # the first event: the cookie, read and kept for the socket
    for i in range(5):
        assert alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": world.columns[board][0],
                                       "text": f"Note {i}"})["ok"]  # its sender known: the kept copy
    assert alice.emit(p.BOARD_JOIN, {"board": board})["mine"] and len(opened) == 1
    tab = alice.tab(world)  # another socket of the same browser reads it once for itself
    assert tab.emit(p.BOARD_JOIN, {"board": board})["ok"] and len(opened) == 2
    assert alice.http.get(f"/{world.code}/w/{world.workshops[0]}").status_code == 200  # pages as before
    assert len(opened) == 3
    # A connect reads nothing; a join it carries reads the cookie once, in its turn.
    carried = socketio.test_client(world.app, flask_test_client=alice.http, auth={"join": {"board": board}})
    assert carried.get_received()[0]["args"][0]["ok"] and len(opened) == 4
    assert carried.emit(p.BOARD_JOIN, {"board": board}, callback=True)["ok"] and len(opened) == 4


def test_a_join_carried_by_the_connect_is_answered_as_the_join_would_be(app, world):
    """A screen's connect may carry its join (`auth: {join}`, one round trip less on a slow
    wifi): `board:joined` (or `event:joined`) answers what `board:join` would, the socket is in
    the board's rooms, and a bad join is refused with its code while the connection stands."""
    import json

    from facilitation.extensions import socketio

    board, columns = world.boards[0], world.columns[world.boards[0]]
    alice = phone(world)
    for i in range(3):
        assert alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": columns[i], "text": f"Note {i}"})["ok"]

    def carried(device, join) -> dict:
        """What a new socket of this browser hears when its connect carries join."""
        sock = socketio.test_client(app, flask_test_client=device.http, auth={"join": join})
        assert sock.is_connected()
        heard = sock.get_received()
        answers = [m["args"][0] for m in heard if m["name"] in (p.BOARD_JOINED, p.EVENT_JOINED)]
        assert len(answers) == 1, heard
        return {"socket": sock, "name": heard[0]["name"], **answers[0]}

    def same(a: dict, b: dict) -> bool:
        def text(x: dict) -> str:
            return json.dumps({k: v for k, v in x.items() if k not in ("now", "socket", "name")}, sort_keys=True,
                              default=bytes.hex)  # (a compressed board: bytes)
        return text(a) == text(b)

    for join in ({"board": board}, {"board": board, "pack": "deflate"}, {"board": board, "since": 1},
                 {"board": board, "view": "projector"}):
        answer = carried(alice, join)
        assert answer["ok"] and answer["name"] == p.BOARD_JOINED, answer
        assert same(answer, alice.emit(p.BOARD_JOIN, join)), join
    assert carried(alice, {"board": board})["mine"] == alice.emit(p.BOARD_JOIN, {"board": board})["mine"] != []

    listening = carried(phone(world, join=False), {"board": board})["socket"]  # in the rooms, as after a join
    assert alice.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": columns[0], "text": "Après"})["ok"]
    assert [m for m in listening.get_received() if m["name"] == p.NOTE_ADDED]

    event = carried(alice, {"event": world.event_id, "view": "round"})
    assert event["name"] == p.EVENT_JOINED and same(event, alice.emit(p.EVENT_JOIN, {"event": world.event_id,
                                                                                     "view": "round"}))

    # Refused with the code board:join would answer; the socket stays connected and usable.
    for join, code in (({"board": 10_000}, p.NOT_FOUND), ({"board": "x"}, p.BAD_REQUEST), (5, p.BAD_REQUEST),
                       ({"board": board, "view": "console"}, p.NOT_FACILITATOR)):
        answer = carried(alice, join)
        assert answer["error"]["code"] == code, (join, answer)
        assert answer["socket"].emit(p.BOARD_JOIN, {"board": board}, callback=True)["ok"]
    for auth in (None, {}, "x", [1], {"other": 1}):  # nothing asked: nothing answered
        sock = socketio.test_client(app, flask_test_client=alice.http, auth=auth)
        assert sock.is_connected() and sock.get_received() == []
