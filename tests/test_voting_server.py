"""Dot voting against the real server process: many simultaneous votes from two tabs of
one participant and from another participant never exceed the budget or the cap
(SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from facilitation import protocol as p
from facilitation.models import Ballot, Dot

from .factories import op
from .server import Device, start_server
from .test_server import _set_up_event, server_db  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.server


def _tab_of(device: Device, board: int) -> Device:
    tab = Device(device.url)
    tab.http.cookies.update(device.http.cookies)
    tab.connect()
    assert tab.call(p.BOARD_JOIN, {"board": board})["ok"]
    return tab


@pytest.mark.parametrize(("budget", "cap", "spread"), [(3, 1, 6), (3, 2, 2)])
def test_simultaneous_votes_never_exceed_budget_or_cap(tmp_path, server_db, budget, cap, spread):  # noqa: F811
    server = start_server(tmp_path, database_url=server_db)
    devices: list[Device] = []
    try:
        fac, ev = _set_up_event(server.url)
        devices.append(fac)
        board, page = ev["board"], f"/{ev['code']}/w/{ev['workshop']}"
        fac.open(page)
        fac.connect()
        assert fac.call(p.BOARD_JOIN, {"board": board, "view": "console"})["ok"]
        notes = [fac.call(p.NOTE_ADD, {"op": op(), "board": board, "column": ev["columns"][0], "text": f"n{i}"})
                 ["note"]["id"] for i in range(spread)]
        assert fac.call(p.BOARD_SET, {"op": op(), "board": board, "phase": p.VOTE})["ok"]
        vote = fac.call(p.VOTE_OPEN, {"op": op(), "board": board, "budget": budget, "cap": cap})["vote"]["id"]

        alice = Device(server.url)
        alice.join_board(page, board)
        alice_tab = _tab_of(alice, board)
        bob = Device(server.url)
        bob.join_board(page, board)
        devices += [alice, alice_tab, bob]

        # 20 votes from Alice's two tabs and 20 from Bob, all released at once.
        jobs = [(alice if i % 2 else alice_tab, "alice", notes[i % spread]) for i in range(20)]
        jobs += [(bob, "bob", notes[i % spread]) for i in range(20)]
        start = threading.Barrier(len(jobs))

        def vote_now(job):
            device, who, target = job
            start.wait(10)
            return who, device.call(p.VOTE_CAST, {"op": op(), "board": board, "vote": vote, "target": target})

        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            answers = list(pool.map(vote_now, jobs))

        for who in ("alice", "bob"):
            mine = [a for w, a in answers if w == who]
            accepted = [a for a in mine if a["ok"]]
            refused = {a["error"]["code"] for a in mine if not a["ok"]}
            assert len(accepted) == budget, (who, mine)
            assert refused <= {p.NO_DOTS_LEFT, p.CAP_REACHED}, refused
            assert min(a["mine"]["left"] for a in accepted) == 0

        engine = create_engine(server_db)
        with Session(engine) as db:
            used = db.execute(select(Ballot.participant_id, Ballot.used)).all()
            assert sorted(u for _, u in used) == [budget, budget]
            assert db.scalar(select(func.max(Dot.count))) <= cap
            sums = select(Dot.participant_id, func.sum(Dot.count)).group_by(Dot.participant_id)
            per_person = dict(db.execute(sums).all())
            assert sorted(per_person.values()) == [budget, budget]
        engine.dispose()

        revealed = fac.call(p.VOTE_REVEAL, {"op": op(), "board": board, "vote": vote})["vote"]
        assert sum(r["dots"] for r in revealed["results"]) == 2 * budget
        assert revealed["cast"] == 2 * budget and revealed["voters"] == 2
    finally:
        for device in devices:
            device.close()
        server.stop()
