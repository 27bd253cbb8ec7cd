"""What keeps Relais fast and multi-worker: a constant number of queries per note,
and broadcasts that cross workers through Redis."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import event

from facilitation import protocol as p

from .factories import op, phone
from .server import Device, start_server


def _queries_for_one_note(world, alice) -> int:
    return _queries(world, alice, p.NOTE_ADD, {"op": op(), "board": world.boards[0],
                                               "column": world.columns[world.boards[0]][0], "text": "x"})


def _queries(world, device, event_name: str, payload: dict) -> int:
    engine = world.app.extensions["relais.engine"]
    statements: list[str] = []
    me = threading.get_ident()

    def count(_conn, _cursor, statement, *_args):
        # Only this handler's queries: a Markdown rewrite may run meanwhile in its own thread.
        if threading.get_ident() == me:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        ack = device.emit(event_name, payload)
        assert ack["ok"]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len([s for s in statements if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))])


def test_posting_a_note_costs_the_same_queries_on_an_empty_and_a_full_board(world, no_rate_limits):
    alice = phone(world)
    first = _queries_for_one_note(world, alice)
    for i in range(60):
        alice.emit(p.NOTE_ADD, {"op": op(), "board": world.boards[0],
                                "column": world.columns[world.boards[0]][i % 3], "text": f"n{i}"})
    assert _queries_for_one_note(world, alice) == first
    assert 6 <= first <= 11  # counted at all, and few (the 11th: which workshop links may hear it)


def test_joining_costs_the_same_queries_on_an_empty_and_a_full_board(world, no_rate_limits):
    alice = phone(world)
    join = {"board": world.boards[0]}
    kept = world.app.extensions["relais.snapshots"].kept
    kept.clear()  # built for this join
    empty = _queries(world, alice, p.BOARD_JOIN, join)
    shared = _queries(world, alice, p.BOARD_JOIN, join)  # the same seq: the board built above
    for i in range(60):
        alice.emit(p.NOTE_ADD, {"op": op(), "board": world.boards[0],
                                "column": world.columns[world.boards[0]][i % 3], "text": f"n{i}"})
    kept.clear()
    assert _queries(world, alice, p.BOARD_JOIN, join) == empty
    assert _queries(world, alice, p.BOARD_JOIN, join) == shared
    assert 3 <= empty <= 11  # board, participant, seq, notes, groups, vote, actions, own notes…
    assert shared == 1  # one statement (realtime._quick_join): the board itself is not read again


def test_a_dot_costs_the_same_few_queries_however_many_were_cast(world, no_rate_limits):
    board, columns = world.boards[0], world.columns[world.boards[0]]
    console = phone(world, facilitator=True, view="console")
    notes = [console.emit(p.NOTE_ADD, {"op": op(), "board": board, "column": columns[i % 3], "text": f"n{i}"})
             ["note"]["id"] for i in range(20)]
    assert console.emit(p.BOARD_SET, {"op": op(), "board": board, "phase": p.VOTE})["ok"]
    vote = console.emit(p.VOTE_OPEN, {"op": op(), "board": board, "budget": 3, "cap": 1})["vote"]["id"]

    def dot(device, target: int) -> int:
        return _queries(world, device, p.VOTE_CAST, {"op": op(), "board": board, "vote": vote, "target": target})

    first = dot(phone(world), notes[0])
    for n in range(30):  # 30 people, 60 dots
        voter = phone(world)
        for k in range(2):
            assert voter.emit(p.VOTE_CAST, {"op": op(), "board": board, "vote": vote,
                                            "target": notes[(n + k) % 20]})["ok"]
    assert dot(phone(world), notes[1]) == first
    # board, op id, vote, target, ballot, dot (one upsert each), own dots, totals (+ results when shown), op stored
    assert 6 <= first <= 10, first


def _redis_or_skip() -> str:
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001 - any failure: skip with the reason
        pytest.skip(f"Redis not reachable at {url}: {type(exc).__name__}")
    return url


@pytest.mark.redis
@pytest.mark.server
def test_two_workers_share_broadcasts_through_redis(tmp_path):
    redis_url = _redis_or_skip()
    db = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    channel = f"relais-test-{uuid.uuid4().hex[:8]}"
    one = start_server(tmp_path / "one", database_url=db, REDIS_URL=redis_url, REDIS_CHANNEL=channel,
                       SECRET_KEY="shared-secret")
    two = start_server(tmp_path / "two", database_url=db, REDIS_URL=redis_url, REDIS_CHANNEL=channel,
                       SECRET_KEY="shared-secret")
    try:
        fac = Device(one.url)
        created = fac.http.post(one.url + "/api/events", json={"title": "Deux workers"}, timeout=10).json()
        code = created["event"]["code"]
        workshop = fac.http.post(f"{one.url}/api/events/{code}/workshops", json={"title": "A"},
                                 timeout=10).json()["workshop"]
        board, column = workshop["board"], workshop["columns"][0]["id"]
        alice, bob = Device(one.url), Device(two.url)
        alice.open(f"/{code}/w/{workshop['id']}")
        bob.open(f"/{code}/w/{workshop['id']}")
        for device in (alice, bob):
            device.connect()
            assert device.call(p.BOARD_JOIN, {"board": board})["ok"]

        ack = alice.call(p.NOTE_ADD, {"op": op(), "board": board, "column": column, "text": "via Redis"})
        assert ack["ok"]
        fac.http.post(f"{one.url}/api/events/{code}/workshops/{workshop['id']}/columns",
                      json={"title": "Nouvelle"}, timeout=10)
        import time

        def changes() -> list:  # what bob applies (the seq heartbeat aside)
            return [(name, data) for name, data in bob.events if name != p.BOARD_SEQ]

        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and len(changes()) < 2:
            time.sleep(0.05)
        names = [name for name, _ in changes()]
        assert names == [p.NOTE_ADDED, p.BOARD_COLUMNS]
        assert changes()[0][1]["note"]["text"] == "via Redis" and changes()[1][1]["seq"] == 2
        for device in (alice, bob, fac):
            device.close()
    finally:
        one.stop()
        two.stop()
