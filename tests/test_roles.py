"""Who may do what: the owner, a workshop's facilitator (a link the owner made for it), the
facilitator of another workshop, a revoked link, a participant. Every facilitator command,
route and page, as each of them: allowed, or refused with the documented code and nothing
changed; also on a socket that was already open when its link was revoked."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from facilitation import protocol as p
from facilitation.db import get_session
from facilitation.models import Base

from .factories import Phone, World, op, open_secret, phone

ROLES = ("owner", "this_workshop", "other_workshop", "revoked", "participant")


def fingerprint(app) -> tuple:
    """Every row of every table (what a refused command must leave as it was)."""
    with app.app_context():
        db = get_session()
        return tuple(tuple(map(tuple, db.execute(text(f'SELECT * FROM "{t.name}" ORDER BY 1')).all()))
                     for t in Base.metadata.sorted_tables)


def owner_client(world: World):
    client = world.app.test_client()
    assert client.get(f"/f/{world.token}").status_code == 302
    return client


def make_link(world: World, name: str, workshops: list[int]) -> tuple[str, int]:
    """A workshop facilitator link, made by the owner through the API; its address and id."""
    made = owner_client(world).post(f"/api/events/{world.code}/links", json={"name": name, "workshops": workshops})
    assert made.status_code == 201, made.json
    assert "/f#" in made.json["url"] and made.headers["Cache-Control"] == "no-store"
    return made.json["url"], made.json["link"]["id"]


def device(world: World, role: str, workshop_index: int = 0, *, join: bool = True) -> Phone:
    """A browser in this role, with a socket that joined the board of workshop_index (as a
    console when it runs it, else as a phone) and the event's room."""
    from facilitation.extensions import socketio

    http = world.app.test_client()
    if role == "owner":
        assert http.get(f"/f/{world.token}").status_code == 302
    elif role in ("this_workshop", "other_workshop", "revoked"):
        target = world.workshops[0] if role != "other_workshop" else world.workshops[1]
        url, link_id = make_link(world, f"Atelier – {role}", [target])
        open_secret(http, url)
        if role == "revoked":
            assert owner_client(world).delete(f"/api/events/{world.code}/links/{link_id}").status_code == 200
    assert http.get(f"/{world.code}").status_code == 200
    sock = socketio.test_client(world.app, flask_test_client=http)
    found = Phone(http, sock)
    if join:
        runs = role in ("owner", "this_workshop")
        ack = found.emit(p.BOARD_JOIN, {"board": world.boards[workshop_index], "view": "console" if runs else "phone"})
        assert ack["ok"], ack
        assert found.emit(p.EVENT_JOIN, {"event": world.event_id})["ok"]
    return found


def prepared(world: World) -> dict:
    """A board with something for every command to act on: two notes (one in a group), an
    open vote, an action; and the ids of it all."""
    owner = device(world, "owner")
    author = device(world, "participant")
    board, columns = world.boards[0], world.columns[world.boards[0]]

    def cmd(who, name, **payload):
        ack = who.emit(name, {"op": op(), "board": board, **payload})
        assert ack["ok"], (name, ack)
        return ack

    a = cmd(author, p.NOTE_ADD, column=columns[0], text="Une note")["note"]["id"]
    b = cmd(author, p.NOTE_ADD, column=columns[1], text="Une autre")["note"]["id"]
    group = cmd(owner, p.GROUP_ADD, column=columns[1], title="Un groupe", notes=[b])["groups"][0]["id"]
    action = cmd(owner, p.ACTION_ADD, what="Une action")["actions"][0]["id"]
    cmd(owner, p.BOARD_SET, phase=p.VOTE)
    vote = cmd(owner, p.VOTE_OPEN)["vote"]["id"]
    return {"a": a, "b": b, "group": group, "action": action, "vote": vote, "columns": columns}


def board_commands(ids: dict) -> list[tuple[str, dict]]:
    """Every facilitator command of a board, with a payload that only the role could refuse."""
    c = ids["columns"]
    return [  # in an order where each one succeeds for whoever may run it
        (p.NOTE_EDIT, {"note": ids["a"], "text": "réécrite"}),
        (p.NOTE_BILAN, {"note": ids["a"], "keep": False}),
        (p.NOTE_MOVE, {"note": ids["a"], "column": c[1], "index": 0}),
        (p.BOARD_SPOTLIGHT, {"kind": "note", "id": ids["a"]}),
        (p.BOARD_TIMER, {"action": "start", "seconds": 60}),
        (p.GROUP_ADD, {"column": c[0], "title": "Nouveau"}),
        (p.GROUP_EDIT, {"group": ids["group"], "title": "Renommé"}),
        (p.VOTE_CLOSE, {"vote": ids["vote"]}),
        (p.VOTE_REVEAL, {"vote": ids["vote"]}),
        (p.ACTION_ADD, {"what": "Autre action"}),
        (p.ACTION_EDIT, {"action": ids["action"], "what": "Changée"}),
        (p.ACTION_DELETE, {"action": ids["action"]}),
        (p.GROUP_DELETE, {"group": ids["group"]}),
        (p.BOARD_SET, {"locked": True}),
        (p.NOTE_DELETE, {"note": ids["a"]}),
        (p.NOTE_PURGE, {"note": ids["b"]}),
    ]


# Who is refused, and with what: someone's note is `forbidden` to a participant (it is not
# theirs), every other command `not_facilitator`.
REFUSED_AS = {p.NOTE_EDIT: p.FORBIDDEN, p.NOTE_DELETE: p.FORBIDDEN, p.NOTE_BILAN: p.FORBIDDEN}


@pytest.mark.parametrize("role", ["other_workshop", "revoked", "participant"])
def test_every_board_command_is_refused_to_whoever_does_not_run_the_board(world: World, role, no_rate_limits):
    ids = prepared(world)
    who = device(world, role)
    for name, payload in board_commands(ids) + [(p.ROUND_GO, {"step": "next"}), (p.PLENARY_SHOW, {"workshop": 0}),
                                                (p.ROUND_TIMER, {"action": "start", "seconds": 60})]:
        before = fingerprint(world.app)
        scope = {"event": world.event_id} if name.split(":")[0] in ("round", "plenary") else {"board": world.boards[0]}
        ack = who.emit(name, {"op": op(), **scope, **payload})
        assert not ack["ok"] and ack["error"]["code"] == REFUSED_AS.get(name, p.NOT_FACILITATOR), (role, name, ack)
        assert fingerprint(world.app) == before, (role, name)
    # Nor may it open the board as a console.
    assert who.emit(p.BOARD_JOIN, {"board": world.boards[0], "view": "console"})["error"]["code"] == p.NOT_FACILITATOR


@pytest.mark.parametrize("role", ["owner", "this_workshop"])
def test_every_board_command_is_allowed_to_whoever_runs_the_board(world: World, role, no_rate_limits):
    ids = prepared(world)
    who = device(world, role)
    for name, payload in board_commands(ids):
        ack = who.emit(name, {"op": op(), "board": world.boards[0], **payload})
        assert ack["ok"], (role, name, ack)


def test_a_workshop_facilitator_runs_its_workshops_and_nothing_else(world: World, no_rate_limits):
    fac = device(world, "this_workshop")
    # The round and the plenary are the owner's.
    for name, payload in [(p.ROUND_GO, {"step": "next"}), (p.PLENARY_SHOW, {"workshop": 0}),
                          (p.ROUND_TIMER, {"action": "start", "seconds": 60})]:
        assert fac.emit(name, {"op": op(), "event": world.event_id, **payload})["error"]["code"] == p.NOT_FACILITATOR
    # The other workshop's board, as a console: refused; as a phone it is a participant there.
    assert fac.emit(p.BOARD_JOIN, {"board": world.boards[1], "view": "console"})["error"]["code"] == p.NOT_FACILITATOR
    assert fac.emit(p.BOARD_JOIN, {"board": world.boards[1]})["ok"]
    assert fac.emit(p.BOARD_SET, {"op": op(), "board": world.boards[1], "locked": True})["error"]["code"] \
        == p.NOT_FACILITATOR
    # A link for two workshops runs both.
    url, _ = make_link(world, "Camille", world.workshops)
    both = world.app.test_client()
    assert open_secret(both, url) == f"/{world.code}/facilitate"
    page = both.get(f"/{world.code}/facilitate").get_data(as_text=True)
    assert all(f"/{world.code}/console/w/{w}" in page for w in world.workshops)


HTTP = [  # (method, path, body, allowed roles)
    ("GET", "/{code}/console", None, {"owner"}),
    ("GET", "/{code}/console/w/{w0}", None, {"owner", "this_workshop"}),
    ("GET", "/{code}/w/{w0}/notes.md", None, {"owner", "this_workshop"}),
    ("GET", "/{code}/bilan", None, {"owner"}),
    ("GET", "/{code}/bilan.md", None, {"owner"}),
    ("GET", "/{code}/bilan.zip", None, {"owner"}),
    ("GET", "/{code}/package.zip", None, {"owner"}),
    ("POST", "/api/events/{code}/workshops/{w0}/columns", {"title": "Nouvelle"}, {"owner", "this_workshop"}),
    ("PATCH", "/api/events/{code}/workshops/{w0}/columns/{c0}", {"title": "Renommée"}, {"owner", "this_workshop"}),
    ("PATCH", "/api/events/{code}/workshops/{w0}", {"summary": "Notre synthèse"}, {"owner", "this_workshop"}),
    ("PATCH", "/api/events/{code}/workshops/{w0}", {"title": "Autre titre"}, {"owner"}),
    ("PATCH", "/api/events/{code}/workshops/{w1}", {"summary": "Pas la nôtre"}, {"owner", "other_workshop"}),
    ("PATCH", "/api/events/{code}", {"title": "Autre rencontre"}, {"owner"}),
    ("POST", "/api/events/{code}/links", {"name": "Sam", "workshops": ["{w0}"]}, {"owner"}),
    ("POST", "/api/events/{code}/organisations", {"name": "Nouvelle asso"}, {"owner"}),
    ("POST", "/api/events/{code}/programme", {"day": "2026-12-03", "starts_at": "09:00", "ends_at": "10:00",
                                              "kind": "break"}, {"owner"}),
    ("POST", "/api/events/{code}/workshops", {"title": "Atelier 3"}, {"owner"}),
    ("DELETE", "/api/events/{code}/workshops/{w0}/columns/{c2}", None, {"owner", "this_workshop"}),
    ("DELETE", "/api/events/{code}/workshops/{w1}", None, {"owner"}),
    ("POST", "/api/events/{code}/facilitator-link", {}, {"owner"}),
    ("DELETE", "/api/events/{code}", {"confirm": "{code}"}, {"owner"}),
]


def _fill(value, names):
    if isinstance(value, str):
        filled = value.format(**names)
        # An id's placeholder alone is a number; the event's code stays text, even when it
        # happens to be all digits (a code "439943" made the confirmation a number, once).
        return int(filled) if value.startswith("{") and value != "{code}" and filled.isdigit() else filled
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


@pytest.mark.parametrize("role", ROLES)
def test_every_facilitator_route_and_page_as_each_role(world: World, role, no_rate_limits):
    who = device(world, role, join=False)
    names = {"code": world.code, "w0": world.workshops[0], "w1": world.workshops[1],
             "c0": world.columns[world.boards[0]][0], "c2": world.columns[world.boards[0]][2]}
    for method, path, body, allowed in HTTP:
        url, payload = _fill(path, names), _fill(body, names)
        before = fingerprint(world.app)
        answer = who.http.open(url, method=method, json=payload)
        if role in allowed:
            assert answer.status_code < 400, (role, method, url, answer.get_data(as_text=True)[:300])
            continue
        assert answer.status_code == 403, (role, method, url, answer.status_code)
        if url.startswith("/api/"):
            assert answer.json["error"]["code"] == p.NOT_FACILITATOR, (role, url)
        assert fingerprint(world.app) == before, (role, method, url)


def test_a_revoked_link_stops_at_once_on_an_open_socket(world: World):
    url, link_id = make_link(world, "Camille", [world.workshops[0]])
    browser = world.app.test_client()
    open_secret(browser, url)
    from facilitation.extensions import socketio

    console = Phone(browser, socketio.test_client(world.app, flask_test_client=browser))
    assert console.emit(p.BOARD_JOIN, {"board": world.boards[0], "view": "console"})["ok"]
    writer = phone(world)
    column = world.columns[world.boards[0]][0]
    writer.emit(p.NOTE_ADD, {"op": op(), "board": world.boards[0], "column": column, "text": "Avant"})
    assert [m["note"]["text"] for m in console.received(p.NOTE_ADDED)] == ["Avant"]

    # The owner revokes it: the open console is told, hears nothing more, and is refused.
    owner = owner_client(world)
    assert owner.delete(f"/api/events/{world.code}/links/{link_id}").status_code == 200
    assert console.received(p.ACCESS_REVOKED) == [{"board": world.boards[0]}]
    writer.emit(p.NOTE_ADD, {"op": op(), "board": world.boards[0], "column": column, "text": "Après"})
    assert console.received() == []
    # Out of the board's facilitators' room, its next command is refused; joining again as a
    # console is refused; as a phone it is a participant like any other.
    assert console.emit(p.BOARD_SET, {"op": op(), "board": world.boards[0], "locked": True})["error"]["code"] \
        == p.NOT_JOINED
    assert console.emit(p.BOARD_JOIN, {"board": world.boards[0], "view": "console"})["error"]["code"] \
        == p.NOT_FACILITATOR
    assert console.emit(p.BOARD_JOIN, {"board": world.boards[0]})["ok"]
    assert console.emit(p.BOARD_SET, {"op": op(), "board": world.boards[0], "locked": True})["error"]["code"] \
        == p.NOT_FACILITATOR
    assert browser.get(f"/{world.code}/console/w/{world.workshops[0]}").status_code == 403
    assert browser.post("/f", json={"token": url.split("#")[1]}).status_code == 404  # the link itself is gone

    # Rotating the owner's link ends other owner sessions, not the workshop facilitators'.
    other_url, _ = make_link(world, "Dominique", [world.workshops[0]])
    keeper = world.app.test_client()
    open_secret(keeper, other_url)
    assert owner.post(f"/api/events/{world.code}/facilitator-link", json={}).status_code == 200
    assert keeper.get(f"/{world.code}/console/w/{world.workshops[0]}").status_code == 200
    assert world.app.test_client().get(f"/f/{world.token}").status_code == 404  # the old owner link


def test_the_console_shows_who_holds_which_link_never_a_token(world: World):
    owner = owner_client(world)
    url, _ = make_link(world, "Atelier 1 – Camille", [world.workshops[0]])
    token = url.split("#", 1)[1]
    listed = owner.get(f"/api/events/{world.code}").json["event"]
    assert [link["name"] for link in listed["links"]] == ["Atelier 1 – Camille"]
    assert token not in owner.get(f"/api/events/{world.code}").get_data(as_text=True)
    assert token not in owner.get(f"/{world.code}/console").get_data(as_text=True)
    # Anyone else with the code sees no link at all.
    assert "links" not in world.app.test_client().get(f"/api/events/{world.code}").json["event"]
    # A link for a workshop of another event, an empty one, a name too long: refused, nothing made.
    before = fingerprint(world.app)
    for body, code in (({"name": "X", "workshops": [10**6]}, p.NOT_FOUND), ({"name": "X", "workshops": []},
                       p.BAD_REQUEST), ({"name": "x" * 200, "workshops": [world.workshops[0]]}, p.TOO_LONG)):
        assert owner.post(f"/api/events/{world.code}/links", json=body).json["error"]["code"] == code, body
    assert fingerprint(world.app) == before
